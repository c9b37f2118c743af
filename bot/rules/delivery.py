"""What Slack's answers to a post mean for Pact: the classes of delivery errors."""

# The person cannot receive it: skipped (nothing to deliver to).
SKIP = frozenset({"user_disabled", "account_inactive", "user_not_found", "cannot_dm_bot",
                  "user_not_visible"})
# The channel is gone: the team's schedules pause and its leads are told.
CHANNEL_GONE = frozenset({"channel_not_found", "is_archived"})
# Pact is not in the channel: the leads are told how to invite it; retried for a few hours.
NOT_IN_CHANNEL = "not_in_channel"
# Errors that retrying will not fix: recorded and stopped.
PERMANENT = frozenset({
    "invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text",
    "messages_tab_disabled", "restricted_action", "invalid_auth", "not_authed",
    "token_revoked", "missing_scope", "invalid_arguments", "msg_blocks_too_long",
    "markdown_text_conflict", "too_many_attachments", "ekm_access_denied"})
