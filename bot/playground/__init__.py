"""The playground: Pact's real Bolt app in a browser, against a bundled Slack Web API emulator
(`emulator.py`, also what the tests use) with requests signed as Slack signs them
(`slack_requests.py`)."""
