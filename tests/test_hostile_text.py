"""Every message builder, fed hostile text in every text parameter, produces no mention and no
link the input did not legitimately make.

The builders are discovered (every public function of handlers/*/{blocks,forms,posts,views,
export}.py), their arguments built from type hints, so a new builder is covered without being
remembered. A builder is skipped only with a reason listed in SKIPPED.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
import types
import typing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

HOSTILE = ["<!channel>", "<!here>", "<!everyone>", "<!subteam^S1>", "<@U0EVIL>",
           "<https://evil.example|innocent>", "&lt;!here&gt;", "*bold* U0EVILZ1> <!channel",
           "https://evil.example/x|pwn>"]

BUILDER_FILES = ("blocks", "forms", "posts", "views", "export", "checkins")
BUILDER_SUFFIXES = ("_blocks",)  # e.g. handlers/impact/pulse_blocks.py
ROOT = Path(__file__).resolve().parent.parent

SKIPPED = {
    "handlers.kit.blocks": "the primitives themselves (they take mrkdwn the caller escaped)",
    "handlers.kit.forms": "the form reader, not a builder",
    "handlers.pdp.export.export_json": "a JSON file for the owner: data, never rendered as mrkdwn",
    "handlers.pdp.export.export_markdown": "a Markdown file for the owner: not parsed by Slack",
    "handlers.pdp.forms.visibility_select": "options are Pact's constants",
    "handlers.pdp.views.approved_modal": "copies a view Pact built (its blocks are tested here)",
    "handlers.goals.forms.exact_number": "a number formatter",
    "handlers.goals.forms.goal_form_values": "initial values of plain-text inputs, not mrkdwn",
    "handlers.pdp.views.modal": "the modal frame: takes blocks the caller built",
    "handlers.pdp.views.day": "a date token",
    "handlers.goals.posts.day_text": "a date token",
    "handlers.rhythm.blocks.fraction": "a number",
    "handlers.pdp.views.info_modal": "shows mrkdwn its caller composed from refusals",
    "handlers.pacts.blocks.pact_rows": "rows carry offer_line's mrkdwn (offer_line is walked "
                                       "here; the title and person are escaped in pact_rows)",
    "handlers.rhythm.checkins.superseded": "adds Pact's own state line to a post it built",
    "handlers.impact.pulse_blocks.answer_modal": "questions are Pact's template, by key",
    "handlers.impact.pulse_blocks.setup_modal": "questions are Pact's template, by key",
    "handlers.kudos.blocks.kudos_button_on": "adds a button to a message Pact built",
    "handlers.pacts.blocks.credit_supporters": "adds a line to a message Pact built; the "
                                               "names go through mention",
    "handlers.pacts.blocks.pacts_message": "lists pact_rows (see there)",
    "handlers.pacts.blocks.answered_dm": "adds answer_state's line (walked here) to a message "
                                         "Pact built (offer_dm, ask_dm: walked here)",
    "handlers.pacts.blocks.help_buttons": "buttons only: their labels are Pact's words",
    "handlers.mentoring.blocks.skill_line": "the initial value of a plain-text input",
    "handlers.mentoring.blocks.home_section": "shows lines handlers/mentoring/home.py composed "
                                              "with escape and mention",
}

# Values Pact chooses (stored enums, formats), not text a person typed.
CHOSEN = {
    "status": "active", "visibility": "team", "kind": "stale", "outcome": "approved",
    "reason": "chosen", "weekday": "mon", "fmt": "{date_short_pretty}", "tz": "Europe/Berlin",
    "aspiration_visibility": "team", "skill_gaps_visibility": "team", "initial": "team",
    "time": "09:30", "notice": "Saved.", "what": "objective_added", "error": "is_archived", "unit": "%",
    # mrkdwn another builder composed (offer_line) or the caller escaped (the away line)
    "heading": "I support", "line": "Pairing session, weekly", "absences": "2 away this week",
}
NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
UNTYPED = {"until": NOW}


def _builders():
    found = []
    for path in sorted((ROOT / "handlers").glob("*/*.py")):
        if path.stem not in BUILDER_FILES and not path.stem.endswith(BUILDER_SUFFIXES):
            continue
        name = f"handlers.{path.parent.name}.{path.stem}"
        if name in SKIPPED:
            continue
        module = importlib.import_module(name)
        for attr, fn in vars(module).items():
            if (attr.startswith("_") or not inspect.isfunction(fn)
                    or fn.__module__ != name or f"{name}.{attr}" in SKIPPED):
                continue
            found.append(pytest.param(fn, id=f"{name}.{attr}"))
    return found


def _milestone(text: str) -> dict:
    return {"id": 3, "title": text, "due_date": date(2026, 12, 20), "done_at": NOW,
            "done_by": text}


def _block(text: str) -> list[dict]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": "ok"}}]


# Parameters whose hint says only "dict": what the builder's docstring says they hold.
DICTS = {
    "milestones": lambda t: [_milestone(t), {**_milestone(t), "done_at": None}],
    "updates": lambda t: [{"user": t, "value": 4.0, "note": t, "at": NOW}],
    "extra": lambda t: [],
    "parts": lambda t: [_block(t)],
    "values": lambda t: {"title": t, "metric": t, "project": t, "unit": t,
                         "milestone_0": t},
    "counts": lambda t: {"objectives": 2, "updates": 3},
    "prefill": lambda t: {"title": t, "skill": t, "actions": t},
    "view": lambda t: None,
    "names": lambda t: {t: t},
    "m": lambda t: _milestone(t),
}


def _value(hint, name: str, text: str):
    if name in CHOSEN and hint in (str, "str"):
        return CHOSEN[name]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        real = [a for a in args if a is not type(None)]
        return _value(real[0], name, text)
    if hint is str:
        return text
    if hint is bool:
        return True
    if hint is int:
        return 7
    if hint is float:
        return 3.5
    if hint is datetime:
        return NOW
    if hint is date:
        return date(2026, 12, 24)
    if origin is list:
        if name in DICTS and _dict_like(hint):
            return DICTS[name](text)
        return [_value(args[0], name, text) for _ in range(2)] if args else []
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return (_value(args[0], name, text),)
        return tuple(_value(a, name, text) for a in args)
    if origin is dict or hint is dict:
        return DICTS[name](text) if name in DICTS else {}
    if dataclasses.is_dataclass(hint):
        return _dataclass(hint, text)
    raise TypeError(f"no value for {name}: {hint!r}")


def _dataclass(cls, text: str):
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in DICTS and _dict_like(hints[f.name]):
            kwargs[f.name] = DICTS[f.name](text)
        else:
            kwargs[f.name] = _value(hints[f.name], f.name, text)
    if cls.__name__ == "Viewer":
        kwargs.update(is_owner=True, member_id=1)
    return cls(**kwargs)


def _dict_like(hint) -> bool:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return _dict_like(args[0])
    if hint is dict or typing.get_origin(hint) is dict:
        return True
    return typing.get_origin(hint) is list and bool(args) and _dict_like(args[0])


def _call(fn, text: str):
    hints = typing.get_type_hints(fn)
    kwargs = {}
    for name, param in inspect.signature(fn).parameters.items():
        if name in DICTS and (name not in hints or _dict_like(hints[name])):
            value = DICTS[name](text)
            if value is None and param.default is not inspect.Parameter.empty:
                continue
            kwargs[name] = value
        elif name in hints:
            kwargs[name] = _value(hints[name], name, text)
        elif name in UNTYPED:
            kwargs[name] = UNTYPED[name]
    return fn(**kwargs)


def rendered_texts(node):
    """Every string Slack parses as mrkdwn: a message's `text` fallback (a builder's str), the
    `text` of mrkdwn objects (plain_text objects are shown as typed and skipped)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from rendered_texts(item)
    elif isinstance(node, dict):
        if node.get("type") == "plain_text":
            return
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            elif isinstance(value, (dict, list)) and key != "private_metadata":
                yield from _nested(value)


def _nested(node):
    """Below a message: only `text` values count (ids, values, initial users are not shown)."""
    if isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):
                yield from rendered_texts(item)
    else:
        yield from rendered_texts(node)


_TOKEN = re.compile(r"<([^<>]*)>")
_DATE = re.compile(r"^!date\^\d+\^\{[a-z_]+\}( at \{time\})?\|[0-9: UTC-]+$")
_MENTION = re.compile(r"^@[UW][A-Z0-9]{2,}$|^#C[A-Z0-9]{2,}$")
_LINK = re.compile(r"^(https://(api\.slack\.com|slack\.com)/[^|\s]*|mailto:[^|\s]+)(\|[^|]*)?$")


def bad_tokens(text: str, given: str = "") -> list[str]:
    """The `<…>` Slack would turn into a mention, a link or a broadcast that Pact did not make
    from a validated value (with hostile input, no value is a valid id or a safe link)."""
    bad = []
    for token in _TOKEN.findall(text):
        if _DATE.match(token):
            continue
        if _MENTION.match(token) and "EVIL" not in token:
            continue
        if _LINK.match(token):
            continue
        bad.append(f"<{token}>")
    if given == "&lt;!here&gt;" and given in text:
        bad.append("&lt;!here&gt; unescaped (Slack shows <!here> and may parse it)")
    return bad


BUILDERS = _builders()


def test_builders_are_discovered():
    names = {p.id for p in BUILDERS}
    assert "handlers.goals.posts.goal_post" in names
    assert "handlers.labs.blocks.announcement" in names
    assert "handlers.impact.digest_blocks.digest_message" in names
    assert len(names) > 40


@pytest.mark.parametrize("builder", BUILDERS)
@pytest.mark.parametrize("text", HOSTILE)
def test_builder_makes_no_mention_or_link_from_user_text(builder, text):
    out = _call(builder, text)
    problems = [(t, bad) for t in rendered_texts(out) if (bad := bad_tokens(t, text))]
    assert not problems, f"{builder.__name__} rendered {problems[:3]}"


def test_valid_ids_still_mention():
    from handlers.kit.blocks import user
    assert user("U0ALICE01") == "<@U0ALICE01>"
    assert "<@" not in user("U0EVILZ1> <!channel")
