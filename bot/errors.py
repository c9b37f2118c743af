"""The one place unexpected errors end up: logged with their stack trace, told to the person."""

from __future__ import annotations

import json
import logging

from slack_bolt import BoltResponse
from slack_sdk.errors import SlackApiError

from bot.signing import SLACK_HOOKS, is_allowed_response_url, is_signed_by_slack

log = logging.getLogger("pact.errors")

SORRY = ("Sorry, something went wrong on Pact's side and nothing was saved. "
         "Please try again in a moment; if it keeps happening, ask your Pact admin to "
         "check the logs.")


def _user_id(body: dict) -> str | None:
    return body.get("user_id") or (body.get("user") or {}).get("id")


def was_verified(request, signing_secret: str) -> bool:
    """Did this request come from Slack? Checked again here, whatever ran before: Socket Mode
    requests arrive over Slack's own authenticated connection; HTTP ones must carry a valid
    signature."""
    if request is None:
        return False
    if getattr(request, "mode", "http") == "socket_mode":
        return True
    headers = getattr(request, "headers", None) or {}

    def header(name: str) -> str | None:
        values = headers.get(name) or []
        return values[0] if isinstance(values, list | tuple) and values else None

    raw = getattr(request, "raw_body", "")
    body = raw.encode() if isinstance(raw, str) else (raw or b"")
    return is_signed_by_slack(signing_secret, body, header("x-slack-request-timestamp"),
                              header("x-slack-signature"))


def refuse_unverified(error: BaseException) -> BoltResponse:
    """An error on a request that was never verified: logged without its content, acted on
    in no way (no DM, no response_url), answered 401."""
    log.warning("refused an unverified request (%s)", type(error).__name__)
    return BoltResponse(status=401, body="Not a request from Slack.")


# What Slack answers to a modal opened with a trigger that was already used (a double click,
# a replayed request) or is too old: the first copy was answered, the second is ignored.
TRIGGER_SPENT = {"expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id",
                 "trigger_exchanged", "invalid_trigger"}


def _already_answered(error: BaseException) -> bool:
    if not isinstance(error, SlackApiError):
        return False
    response = error.response
    try:
        code, url = response.get("error"), str(getattr(response, "api_url", ""))
    except AttributeError:
        return False
    return code in TRIGGER_SPENT and ("views.open" in url or "views.push" in url or not url)


def report_error(error: BaseException, body: dict, client, *, respond=None,
                 after_ack: bool = False,
                 response_urls: tuple[str, ...] = (SLACK_HOOKS,)) -> BoltResponse | None:
    """Log `error` with its traceback and tell the person who triggered it, ephemerally.

    Only call it for a verified request (see `was_verified`). The apology goes to the
    request's `response_url` only when that points at Slack's hooks (`response_urls`).
    Returns the HTTP answer for Slack when one fits: an ephemeral message for a slash command.
    For a modal submission nothing is returned, so Slack shows its own error in the modal and
    keeps what was typed; the person also gets the apology by DM.
    """
    kind = body.get("type") or ("command" if body.get("command") else "event")
    if _already_answered(error):
        log.info("ignored a %s whose trigger was already used or expired (%s)", kind,
                 error.response.get("error"))
        return BoltResponse(status=200, body="") if kind == "block_actions" else None
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
        if respond is not None and is_allowed_response_url(body.get("response_url"),
                                                           response_urls):
            respond(text=SORRY, response_type="ephemeral", replace_original=False)
        else:
            client.chat_postMessage(channel=user, text=SORRY)
    except SlackApiError as err:
        log.warning("could not tell %s about the error: %s", user, err.response.get("error"))
    if body.get("type") == "block_actions":
        return BoltResponse(status=200, body="")
    return None


def reported(func, body: dict, client, respond=None,
             response_urls: tuple[str, ...] = (SLACK_HOOKS,)) -> None:
    """Run slow work after the ack (of a verified request); an exception gets the same
    treatment as in a listener."""
    try:
        func()
    except Exception as error:  # noqa: BLE001 - the single place errors are reported
        report_error(error, body, client, respond=respond, after_ack=True,
                     response_urls=response_urls)
