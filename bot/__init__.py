"""Pact: configuration, the Bolt app factory, Slack client wiring and the command line."""
