"""Pact's rhythm: schedule rules, the tick that claims due work, and the runner that calls it."""
