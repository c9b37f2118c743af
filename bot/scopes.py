"""The bot scopes Pact uses, each with the reason; `manifest.yml` asks for exactly these."""

BOT_SCOPES = {
    "commands": "the /pact slash command",
    "chat:write": "posting goals, check-ins and celebrations, and DMs",
    "im:write": "opening DMs for nudges, reviews and congratulations",
    "users:read": "each person's timezone, admin status and Slack status (users.info)",
    "channels:read": "a public team channel's members and whether it was archived",
    "groups:read": "the same for private team channels",
    "files:write": "sending a person the export of their development plan",
    "mpim:write": "the group DM introducing a mentor and their mentees",
}
