"""The one place unexpected errors end up: logged with their stack trace, told to the person."""

from __future__ import annotations

import json
import logging

from slack_bolt import BoltResponse
from slack_sdk.errors import SlackApiError

log = logging.getLogger("pact.errors")

SORRY = ("Sorry, something went wrong on Pact's side and nothing was saved. "
         "Please try again in a moment; if it keeps happening, ask your Pact admin to "
         "check the logs.")


def _user_id(body: dict) -> str | None:
    return body.get("user_id") or (body.get("user") or {}).get("id")


def report_error(error: BaseException, body: dict, client, *, respond=None,
                 after_ack: bool = False) -> BoltResponse | None:
    """Log `error` with its traceback and tell the person who triggered it, ephemerally.

    Returns the HTTP answer for Slack when one fits: an ephemeral message for a slash command.
    For a modal submission nothing is returned, so Slack shows its own error in the modal and
    keeps what was typed; the person also gets the apology by DM.
    """
    kind = body.get("type") or ("command" if body.get("command") else "event")
    log.error("unexpected error handling %s from %s", kind, _user_id(body) or "-",
              exc_info=error)
    if body.get("command") and not after_ack:
        payload = {"response_type": "ephemeral", "text": SORRY}
        return BoltResponse(status=200, body=json.dumps(payload),
                            headers={"content-type": "application/json;charset=utf-8"})
    user = _user_id(body)
    if not user or body.get("type") == "event_callback":
        return None
    try:
        if respond is not None and body.get("response_url"):
            respond(text=SORRY, response_type="ephemeral", replace_original=False)
        else:
            client.chat_postMessage(channel=user, text=SORRY)
    except SlackApiError as err:
        log.warning("could not tell %s about the error: %s", user, err.response.get("error"))
    if body.get("type") == "block_actions":
        return BoltResponse(status=200, body="")
    return None


def reported(func, body: dict, client, respond=None) -> None:
    """Run slow work after the ack; an exception gets the same treatment as in a listener."""
    try:
        func()
    except Exception as error:  # noqa: BLE001 - the single place errors are reported
        report_error(error, body, client, respond=respond, after_ack=True)
