"""The parts of the bundled Slack Web API emulator; `bot.playground.emulator` assembles them."""
