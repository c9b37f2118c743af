"""Hostile requests through the real signed endpoint, generated from what Pact listens to.

Every action and callback id (every string constant in handlers/kit/ids.py, each sent both as
a click and as a modal submission), every `/pact` subcommand and every event Pact handles gets
forged ids (someone else's objects, ids too big for a database), markup, odd shapes and another
team's channel, from someone who belongs to no team. For each: the answer is not a 5xx nor an
apology, no row changed (members and workspaces met for the first time aside), nothing was
posted or edited anywhere but to that person, and nothing was logged as an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time

import pytest
from sqlalchemy import text

from bot.errors import SORRY
from bot.playground.emulator import SlackEmulator
from handlers.kit import ids
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import metadata
from tests.harness import start_pact
from tests.test_goals_steps import create_goal
from tests.test_teams import set_up_team

# Rows Pact writes the first time it meets someone, whatever they do (and the ids of events
# and the keys of clicks it took, so a retried event or a replayed click is handled once).
FIRST_MEETING = {"members", "workspaces", "handled_events", "submissions"}
HUGE = "99999999999999999999"


class _Listeners:
    """Stands in for the Bolt app while the features register: records every id they listen
    to, so a new listener gets its hostile cases without being listed here."""

    def __init__(self):
        self.ids: set[str] = set()
        self.events: set[str] = set()

    def _record(self, into: set):
        def matcher(constraint, *a, **k):
            if isinstance(constraint, str):
                into.add(constraint)
            elif isinstance(constraint, dict):
                into.update(v for v in constraint.values() if isinstance(v, str))
            return lambda *fa, **fk: (fa[0] if fa else None)
        return matcher

    def __getattr__(self, name):
        if name in ("action", "view", "options", "shortcut", "block_action", "view_submission"):
            return self._record(self.ids)
        if name == "event":
            return self._record(self.events)
        return lambda *a, **k: (lambda *fa, **fk: (fa[0] if fa else None))


def _registered():
    from bot.app import schedule_kinds
    from bot.config import load_settings
    from bot.services import Services
    from handlers import register_all
    from tests.harness import test_env

    class _Emu:
        url = "http://127.0.0.1:9/api/"

    services = Services(settings=load_settings(test_env(_Emu(), "sqlite://")), engine=None)
    services.kinds = schedule_kinds()
    app = _Listeners()
    register_all(app, services)
    return app, [s.phrase for s in services.commands.subcommands]


_APP, SUBCOMMANDS = _registered()
CONSTANTS = {v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)}
IDS = sorted(_APP.ids | CONSTANTS)


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def world(tmp_path_factory, request):
    """One Pact per module (per xdist worker): a team with a goal and a plan, and Mallory, who
    is in the workspace but in no team."""
    import os

    from tests.conftest import PG_ADMIN_URL, create_pg_database, drop_pg_database
    pg = os.environ.get("PACT_TEST_DATABASE") == "postgresql"
    if pg:
        url = create_pg_database(PG_ADMIN_URL)
    else:
        path = tmp_path_factory.mktemp("hostile") / "pact.db"
        url = f"sqlite:///{path}"
    upgrade(url)
    from bot.scopes import BOT_SCOPES
    emulator = SlackEmulator(scopes=tuple(BOT_SCOPES)).start()
    engine = make_engine(url)
    pact = start_pact(emulator, engine, url)
    lead, members, channel = set_up_team(pact)
    goal_id = create_goal(pact, lead, channel)
    pact.slack.command("pdp", user=members[0], channel=channel)
    pact.wait_idle()
    mallory = emulator.add_user(name="mallory")
    own_channel = emulator.add_channel(name="mallory-corner", members=[mallory])
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    yield {"pact": pact, "lead": lead, "members": members, "channel": channel,
           "goal_id": goal_id, "mallory": mallory, "own_channel": own_channel,
           "errors": errors}
    logging.getLogger().removeHandler(errors)
    pact.stop()
    engine.dispose()
    emulator.stop()
    if pg:
        drop_pg_database(PG_ADMIN_URL, url)
    elif not pg:
        shutil.rmtree(path.parent, ignore_errors=True)


def snapshot(engine) -> dict[str, str]:
    """A hash of every row of every table (but the first-meeting ones)."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in FIRST_MEETING:
                continue
            rows = conn.execute(text(f'SELECT * FROM "{table.name}"')).all()
            out[table.name] = hashlib.sha256(
                repr(sorted(repr(tuple(r)) for r in rows)).encode()).hexdigest()
    return out


ACTION_VALUES = {
    "someone else's object": "1",
    "another object": "2",
    "huge id": HUGE,
    "negative": "-1",
    "markup": "<!channel> U0EVILZ1>",
    "json": '{"goal_id": 1, "pdp_id": 1}',
}
METADATA = {
    "not json": "{not json",
    "forged json": '{"goal_id": 1, "team_id": 1, "pdp_id": 1, "channel_id": "C0FORGED"}',
    "wrong types": '[1, 2, 3]',
    "huge": json.dumps({"goal_id": HUGE, "team_id": HUGE}),
}


def _cases():
    for action_id in IDS:
        for name in ACTION_VALUES:
            yield pytest.param("action", action_id, name, id=f"click-{action_id}-{name}")
        yield pytest.param("action_in_view", action_id, "someone else's object",
                           id=f"click-in-view-{action_id}")
        for name in METADATA:
            yield pytest.param("submit", action_id, name, id=f"submit-{action_id}-{name}")
    for shape in ("no user", "empty actions", "view as string", "actions as dict",
                  "user as string"):
        yield pytest.param("shape", ids.GOAL_JOIN, shape, id=f"shape-{shape}")
    for event in EVENT_CASES:
        yield pytest.param("event", "", event, id=f"event-{event}")


EVENT_CASES = ("app_home_opened never seen", "app_home_opened odd", "user_change odd",
               "user_change string", "tokens_revoked odd", "tokens_revoked someone else's",
               "app_uninstalled another workspace", "team_access_revoked not an org",
               "team_access_granted odd")
# A signed uninstall of another workspace is Slack's word for that workspace: recorded there.
EVENT_ALLOW = {"app_uninstalled another workspace": {"workspace_installs"}}
EVENTS_COVERED = {c.split()[0] for c in EVENT_CASES}



def _send(w, kind: str, ident: str, variant: str):
    pact, mallory = w["pact"], w["mallory"]
    slack = pact.slack
    if kind == "action":
        return slack.block_action(user=mallory, action_id=ident,
                                  value=ACTION_VALUES[variant], channel=w["channel"],
                                  message_ts="1.000100")
    if kind == "action_in_view":
        view = {"id": "V0FORGED01", "type": "modal", "callback_id": ident,
                "private_metadata": METADATA["forged json"], "hash": "1.abc",
                "state": {"values": {}}, "blocks": []}
        return slack.block_action(user=mallory, action_id=ident, value="1", view=view)
    if kind == "submit":
        view = {"id": f"V0F{abs(hash((ident, variant))) % 10**8}", "type": "modal",
                "callback_id": ident, "private_metadata": METADATA[variant],
                "hash": "1.abc", "blocks": []}
        values = {"title": {"title": {"type": "plain_text_input", "value": "<!channel>"}},
                  "value": {"value": {"type": "number_input", "value": HUGE}},
                  "note": {"note": {"type": "plain_text_input", "value": "\u200b \u2800"}}}
        return slack.view_submission(user=mallory, view=view, values=values)
    if kind == "shape":
        payload = slack._interaction_base("block_actions", mallory)
        # A fresh action_ts each time, so every shape reaches the listener (a copy of one
        # click would be answered before any listener reads it).
        payload["actions"] = [{"action_id": ident, "value": "1",
                               "action_ts": f"{time.time():.6f}"}]
        payload["container"] = {"type": "message", "channel_id": w["channel"]}
        payload["channel"] = {"id": w["channel"]}
        if variant == "no user":
            del payload["user"]
        elif variant == "empty actions":
            payload["actions"] = []
        elif variant == "view as string":
            payload["view"] = "V0STRING"
        elif variant == "actions as dict":
            payload["actions"] = {"action_id": ident}
        elif variant == "user as string":
            payload["user"] = mallory
        return slack.post_payload(payload)
    if kind == "event":
        if variant == "app_home_opened never seen":
            event = {"type": "app_home_opened", "user": "U0NEVERSEEN", "channel": "D0NEVER",
                     "tab": "home", "event_ts": "1.2"}
        elif variant == "app_home_opened odd":
            event = {"type": "app_home_opened", "user": {"id": mallory}, "tab": 7}
        elif variant == "user_change odd":
            event = {"type": "user_change", "user": {"id": None, "deleted": "yes"}}
        elif variant == "tokens_revoked odd":
            event = {"type": "tokens_revoked", "tokens": "all of them"}
        elif variant == "tokens_revoked someone else's":
            event = {"type": "tokens_revoked", "tokens": {"oauth": [mallory], "bot": []}}
        elif variant == "team_access_revoked not an org":  # no org-wide install: ignored
            event = {"type": "team_access_revoked", "team_ids": ["T0PACT", "T0OTHERWS"]}
        elif variant == "team_access_granted odd":
            event = {"type": "team_access_granted", "team_ids": "T0PACT"}
        elif variant == "app_uninstalled another workspace":
            return slack.post(json.dumps({
                "type": "event_callback", "team_id": "T0OTHERWS", "api_app_id": "A0PACTAPP01",
                "event": {"type": "app_uninstalled"}, "event_id": "Ev0OTHER",
                "event_time": 1}).encode(), "application/json")
        else:
            event = {"type": "user_change", "user": "U0STRING"}
        return slack.event(event)
    channel = w["channel"] if variant == "another team's channel" else w["own_channel"]
    return slack.command(ident, user=mallory, channel=channel)


def _posts_to_others(w, calls) -> list[str]:
    mallory = w["mallory"]
    dm = w["pact"].emulator._dm_by_user.get(mallory)
    bad = []
    for call in calls:
        if call.method in ("chat.postMessage", "chat.update", "chat.delete"):
            if call.args.get("channel") not in (mallory, dm):
                bad.append(f"{call.method} to {call.args.get('channel')}")
        elif call.method == "chat.postEphemeral" and call.args.get("user") != mallory:
            bad.append(f"ephemeral to {call.args.get('user')}")
        elif call.method in ("files.completeUploadExternal",):
            bad.append(call.method)
    return bad


def _check(w, kind, ident, variant, *, allow: set[str] = frozenset()):
    pact = w["pact"]
    emu = pact.emulator
    before = snapshot(pact.engine)
    calls_before, responses_before = len(emu.calls), len(emu.responses())
    w["errors"].records.clear()
    answer = _send(w, kind, ident, variant)
    pact.wait_idle()
    assert answer.status < 500, answer.body
    assert SORRY not in answer.body
    changed = {t for t, h in snapshot(pact.engine).items() if before.get(t) != h} - allow
    assert not changed, f"rows changed in {sorted(changed)}"
    calls = emu.calls[calls_before:]
    assert not _posts_to_others(w, calls)
    said = [str(c.args) for c in calls] + [str(r) for r in emu.responses()[responses_before:]]
    assert not [s for s in said if "something went wrong" in s]
    assert not emu.violations, emu.violations
    problems = [r.getMessage() for r in w["errors"].records]
    assert not problems, problems


# Buttons and forms that change only the clicker's own state, whatever the payload names
# (their own row, on purpose): being back, stopping their reminders, their skill profile.
SELF_SERVICE = {ids.ABSENCE_BACK: {"absences"}, ids.REMINDERS_STOP: {"absences"},
                ids.SKILLS_CALLBACK: {"skill_profiles", "member_skills", "submissions"}}


@pytest.mark.parametrize(("kind", "ident", "variant"), list(_cases()))
def test_hostile_interaction_changes_nothing(world, kind, ident, variant):
    _check(world, kind, ident, variant,
           allow=SELF_SERVICE.get(ident, set()) | EVENT_ALLOW.get(variant, set()))


# Subcommands that create the caller's own plan the first time (their own row, on purpose).
OWN_PLAN = {"pdps", "pdp_changes"}
COMMAND_VARIANTS = ("another team's channel", "own channel")


def test_every_listener_is_covered(world):
    registered = {s.phrase for s in world["pact"].services.commands.subcommands}
    assert registered == set(SUBCOMMANDS)
    assert {"goal new", "team setup", "pdp", "lab setup"} <= registered
    assert {ids.GOAL_JOIN, ids.GOAL_FORM, ids.CHECKIN_STUCK, ids.LAB_SWAP_CALLBACK} <= _APP.ids
    assert _APP.events <= EVENTS_COVERED


@pytest.mark.parametrize("variant", COMMAND_VARIANTS)
@pytest.mark.parametrize("suffix", ["", f" {HUGE}", " <!channel> <@U0EVIL>"])
@pytest.mark.parametrize("phrase", SUBCOMMANDS)
def test_hostile_command_changes_nothing(world, phrase, variant, suffix):
    allow = OWN_PLAN if phrase.startswith("pdp") else \
        {"skill_profiles"} if phrase.startswith("mentor") else set()
    _check(world, "command", phrase + suffix, variant, allow=allow)
