"""Kudos at Slack's edge: `/pact kudos @someone for …`, the Give kudos message shortcut, and
the Kudos button on celebrations and lab announcements (one modal for both)."""

from __future__ import annotations

import re

from bot.directory import not_people
from bot.errors import reported
from handlers.kit import refusals
from handlers.kit.forms import Form, clean_text
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.payload import read_interaction, submission_key
from handlers.kit.router import CommandRequest
from handlers.kudos import blocks as ui
from handlers.kudos import service
from storage.engine import now_of, session_scope

LEADING_MENTION = re.compile(r"\s*<@([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>\s*,?")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,30}$")
MESSAGE_TS = re.compile(r"^\d{1,12}\.\d{1,8}$")
DOMAIN = re.compile(r"^[a-z0-9-]{1,63}$")
RESULT = "kudos_result"


def parse(text: str) -> tuple[list[str], str, bool] | None:
    """`kudos [privately] @a @b [for] reason` -> (Slack ids, reason, private), or None."""
    rest = re.sub(r"^\s*kudos\b", "", text or "", flags=re.I).strip()
    private = bool(re.match(r"privately\b", rest, re.I))
    if private:
        rest = rest[len("privately"):]
    people = []
    while (match := LEADING_MENTION.match(rest)) is not None:
        people.append(match.group(1))
        rest = rest[match.end():]
    rest = re.sub(r"^for\b", "", rest.strip(), flags=re.I)
    reason = clean_text(rest)
    if not people:
        return None
    return list(dict.fromkeys(people)), reason, private


def kudos_command(req: CommandRequest) -> None:
    parsed = parse(req.body.get("text", ""))
    if parsed is None:
        return req.ack(text=refusals.KUDOS_USAGE, response_type="ephemeral")
    errors = service.check(req.user_id, service.KudosInput(parsed[0], parsed[1]))
    if errors:
        return req.ack(text=next(iter(errors.values())), response_type="ephemeral")
    req.ack()


def kudos_later(req: CommandRequest) -> None:
    parsed = parse(req.body.get("text", ""))
    if parsed is None or service.check(req.user_id, service.KudosInput(parsed[0], parsed[1])):
        return
    people, reason, private = parsed
    bad = not_people(req.services.engine, req.client, req.team_id, people)
    if bad:
        return req.respond(text=refusals.kudos_not_people(bad), response_type="ephemeral")
    with session_scope(req.services.engine) as session:
        done = service.give(session, req.team_id, req.user_id,
                            service.KudosInput(people, reason, private), req.channel_id,
                            f"kudos-cmd:{req.body.get('trigger_id', '')}", req.services.now())
    req.services.send_now(req.client, done.outbox_ids)
    req.respond(text=done.refusal or done.text, response_type="ephemeral")


def _message_link(body: dict) -> tuple[str, str]:
    """(channel, link) of the message a shortcut was used on, built only from values that
    match Slack's shapes."""
    channel = (body.get("channel") or {}).get("id") or ""
    ts = (body.get("message") or {}).get("ts") or body.get("message_ts") or ""
    domain = (body.get("team") or {}).get("domain") or ""
    if not (isinstance(channel, str) and CHANNEL_ID.match(channel) and isinstance(ts, str)
            and MESSAGE_TS.match(ts) and isinstance(domain, str) and DOMAIN.match(domain)):
        return "", ""
    return channel, f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"


def open_from_shortcut(body, client, services) -> None:
    """The kudos form about a message, opened after the shortcut was answered."""
    channel, link = _message_link(body)
    author = (body.get("message") or {}).get("user")
    view = ui.kudos_modal(author if isinstance(author, str) else None, about_message=bool(link))
    client.views_open(trigger_id=body.get("trigger_id"), view=attach(
        view, {"channel": channel, "link": link}, metadata_key(services.settings)))


def button_modal(services, who, _client) -> dict:
    """The kudos form from a Kudos button, for the person it names (when it names one)."""
    receiver = who.value if LEADING_MENTION.match(f"<@{who.value}>") else None
    return attach(ui.kudos_modal(receiver), {"channel": who.channel_id, "link": ""},
                  metadata_key(services.settings))


def save_kudos(ack, body, client, view, context, services) -> None:
    who = read_interaction(body)
    meta = read_metadata(view, metadata_key(services.settings))
    if who is None or meta is None:
        return ack(response_action="errors", errors={"who": refusals.STALE})
    form = Form(view)
    new = service.KudosInput(form.users("who"), form.text("reason"),
                             "private" in form.choices("private"), str(meta.get("link") or ""))
    errors = service.check(who.user_id, new)
    bad = [] if errors else not_people(services.engine, client, who.workspace_id, new.receivers)
    if bad:
        errors = {"who": refusals.kudos_not_people(bad)}
    if errors:
        return ack(response_action="errors", errors=errors)
    with session_scope(services.engine) as session:
        done = service.give(session, who.workspace_id, who.user_id, new,
                            str(meta.get("channel") or ""), submission_key(body), services.now())
    if done.refusal:
        return ack(response_action="errors", errors={"who": done.refusal})
    ack()
    context[RESULT] = done


def after_kudos(body, client, context, services) -> None:
    done = context.get(RESULT)
    who = read_interaction(body)
    if done is None or who is None:
        return

    def work():
        services.send_now(client, done.outbox_ids)
        client.chat_postMessage(channel=who.user_id, text=done.text)
    reported(work, body, client)


def home_kudos(session, member, budget) -> list[dict]:
    return ui.home_line(service.received_this_month(session, member, now_of(session)))[:budget]
