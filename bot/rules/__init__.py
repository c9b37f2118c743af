"""Rules: plain functions deciding who may do what and how numbers add up; no Slack here."""
