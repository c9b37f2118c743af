"""The playground's Block Kit and mrkdwn renderer, as pure functions: what a reader sees."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.playground import blocks as bk
from bot.playground.mrkdwn import Reader, format_date, render_mrkdwn
from handlers.kit.blocks import (
    button,
    confirm_dialog,
    context,
    divider,
    escape,
    header,
    progress_bar,
    section,
    slack_date,
)

NOW = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
READER = Reader(tz="Asia/Tokyo", users={"U1": "Lena Fischer"}, channels={"C1": "platform-team"},
                now=NOW)


def test_mrkdwn_formatting():
    out = render_mrkdwn("*bold* _it_ ~gone~ `x<y` and a:b*c", READER)
    assert "<b>bold</b>" in out and "<i>it</i>" in out and "<s>gone</s>" in out
    assert "<code>x&lt;y</code>" in out
    assert "a:b*c" in out  # a lone star is text


def test_mrkdwn_quotes_lists_and_code_blocks():
    out = render_mrkdwn("&gt; quoted\n• one\n• two\n```a *b*```", READER)
    assert "<blockquote>quoted</blockquote>" in out
    assert out.count('class="li"') == 2
    assert "<pre>a *b*</pre>" in out  # no formatting inside code


def test_mentions_show_names_and_links_only_for_web_targets():
    out = render_mrkdwn("<@U1> in <#C1> see <https://ex.com/a?b=1&amp;c=2|the plan> "
                        "<javascript:alert(1)|click>", READER)
    assert "@Lena Fischer" in out and "#platform-team" in out
    assert 'href="https://ex.com/a?b=1&amp;c=2"' in out and ">the plan</a>" in out
    assert "javascript" not in out and "click" in out


def test_user_text_cannot_inject_markup():
    typed = '<img src=x onerror=alert(1)> & "quotes"'
    out = render_mrkdwn(escape(typed), READER)
    assert "<img" not in out and "&lt;img" in out and "&amp;" in out
    assert "<script" not in bk.blocks([section(escape("<script>alert(1)</script>"))], READER)


def test_dates_are_shown_in_the_readers_timezone():
    moment = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)  # 10:30 in Tokyo, where it is Dec 2
    token = slack_date(moment, "{date_short_pretty} at {time}")
    assert render_mrkdwn(token, READER) == '<time class="date">Today at 10:30</time>'
    berlin = Reader(tz="Europe/Berlin", now=NOW)
    assert format_date(int(moment.timestamp()), "{date_short_pretty} at {time}", berlin) \
        == "Tomorrow at 02:30"
    assert format_date(int(moment.timestamp()), "{date_num}", READER) == "2026-12-02"
    assert format_date(int(datetime(2027, 1, 9, 3, tzinfo=UTC).timestamp()),
                       "{date_long}", READER) == "Saturday, January 9, 2027"


def test_emoji_shortcodes_and_progress_bars():
    out = render_mrkdwn(f":tada: done {progress_bar(0.3)} :not_an_emoji:", READER)
    assert "🎉" in out and "▰▰▰▱▱▱▱▱▱▱ 30%" in out and ":not_an_emoji:" in out


def test_section_with_fields_and_accessory():
    block = section("*Goal*", fields=[{"type": "mrkdwn", "text": "*Due*"},
                                      {"type": "plain_text", "text": "7 people"}],
                    accessory=button("Details", "goal_details", "7"))
    out = bk.block(block, READER)
    assert '<div class="f"><b>Due</b></div>' in out and "7 people" in out
    assert 'class="accessory"' in out and 'data-action-id="goal_details"' in out
    assert 'data-value="7"' in out


def test_context_divider_header():
    out = bk.blocks([header("Your plan"), divider(), context("_by_ <@U1>")], READER)
    assert '<h3 class="block header">Your plan</h3>' in out
    assert '<hr class="block divider">' in out
    assert 'class="block context"' in out and "@Lena Fischer" in out


def test_actions_buttons_with_style_confirm_and_url():
    danger = button("Delete", "pdp_delete_confirmed", "3", style="danger",
                    confirm=confirm_dialog("Delete?", "All of it goes.", "Delete"))
    link = button("Open", "open_link", url="https://example.com/")
    out = bk.block({"type": "actions", "block_id": "a1", "elements": [danger, link]}, READER)
    assert 'class="btn danger"' in out and 'data-block-id="a1"' in out
    confirm = json.loads(out.split('data-confirm="')[1].split('"')[0].replace("&quot;", '"'))
    assert confirm["title"] == "Delete?" and confirm["confirm"] == "Delete"
    assert 'href="https://example.com/"' in out


def _input(element: dict, **extra) -> dict:
    return {"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "L"},
            "element": {"action_id": "a", **element}, **extra}


def test_every_input_element_pact_uses():
    options = [{"text": {"type": "plain_text", "text": "Team"}, "value": "team"},
               {"text": {"type": "plain_text", "text": "Only me"}, "value": "private"}]
    cases = {
        "plain_text_input": ({"initial_value": "hi", "max_length": 150}, 'value="hi"'),
        "number_input": ({"is_decimal_allowed": True, "initial_value": "2.5", "min_value": "0"},
                         'step="any" min="0"'),
        "datepicker": ({"initial_date": "2026-12-24"}, 'type="date"'),
        "timepicker": ({"initial_time": "09:30"}, 'value="09:30"'),
        "static_select": ({"options": options, "initial_option": options[1]},
                          '<option value="private" selected>'),
        "users_select": ({"initial_user": "U1"}, '<option value="U1" selected>Lena Fischer'),
        "multi_users_select": ({"initial_users": ["U1"]}, "multiple"),
        "radio_buttons": ({"options": options, "initial_option": options[0]},
                          'type="radio" name="b:a" value="team" checked'),
        "checkboxes": ({"options": options, "initial_options": [options[1]]},
                       'type="checkbox" name="b:a" value="private" checked'),
    }
    for kind, (element, expected) in cases.items():
        out = bk.block(_input({"type": kind, **element}), READER)
        assert expected in out, (kind, out)
        assert f'data-type="{kind}"' in out and "unknown" not in out
    multiline = bk.block(_input({"type": "plain_text_input", "multiline": True}), READER)
    assert "<textarea" in multiline


def test_input_label_optional_hint_and_error_under_the_field():
    block = _input({"type": "plain_text_input"}, optional=True,
                   hint={"type": "plain_text", "text": "Up to 150"})
    out = bk.block(block, READER, errors={"b": "Give the goal a title"})
    assert "(optional)" in out and "Up to 150" in out
    assert out.index('class="field"') < out.index('<div class="error">Give the goal a title')
    assert "has-error" in out
    assert "has-error" not in bk.block(block, READER, errors={"other": "x"})


def test_image_and_rich_text_blocks():
    out = bk.blocks([
        {"type": "image", "image_url": "https://ex.com/c.png", "alt_text": "chart"},
        {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
            {"type": "text", "text": "hi ", "style": {"bold": True}},
            {"type": "user", "user_id": "U1"}]}]},
    ], READER)
    assert 'src="https://ex.com/c.png"' in out and 'alt="chart"' in out
    assert "<b>hi </b>" in out


def test_modal_with_title_close_and_submit():
    view = {"type": "modal", "id": "V1", "title": {"type": "plain_text", "text": "New goal"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "submit": {"type": "plain_text", "text": "Create"}, "blocks": [section("x")]}
    out = bk.modal(view, READER)
    assert 'data-view-id="V1"' in out and "New goal" in out
    assert ">Cancel</button>" in out and 'data-submit="1">Create</button>' in out
    assert "data-submit" not in bk.modal({**view, "submit": None}, READER)


def test_a_message_without_blocks_shows_its_text():
    assert "<b>hello</b>" in bk.message({"text": "*hello*", "blocks": []}, READER)


def test_form_state_is_built_as_slack_builds_it():
    from bot.playground.formstate import state_for

    option = {"text": {"type": "plain_text", "text": "Team"}, "value": "team"}
    view = {"blocks": [
        _input({"type": "static_select", "options": [option]}),
        {"type": "input", "block_id": "who", "label": {"type": "plain_text", "text": "W"},
         "element": {"type": "multi_users_select", "action_id": "who"}},
        {"type": "input", "block_id": "n", "label": {"type": "plain_text", "text": "N"},
         "element": {"type": "number_input", "action_id": "n", "is_decimal_allowed": False}},
        {"type": "actions", "block_id": "row", "elements": [button("Add", "add")]},
    ]}
    state = state_for(view, {"b": {"a": "team"}, "who": {"who": ["U1", "U2"]}, "n": {"n": ""}})
    assert state["b"]["a"] == {"type": "static_select", "selected_option": option}
    assert state["who"]["who"]["selected_users"] == ["U1", "U2"]
    assert state["n"]["n"] == {"type": "number_input", "value": None}  # blank is empty
    assert "row" not in state  # buttons have no state


# Pieces of idempotency keys such as f"pact:{id}:progress:{day}", not emoji.
NOT_EMOJI = {"-", "00-18", "edit", "goal", "handled", "mgr", "objective", "owner", "progress",
             "stuck", "until"}


def test_every_emoji_shortcode_pact_writes_is_shown_as_emoji():
    import re
    from pathlib import Path

    from bot.playground.mrkdwn import EMOJI

    root = Path(__file__).resolve().parents[1]
    used = {m for folder in ("handlers", "bot/rules", "scheduling")
            for path in (root / folder).rglob("*.py")
            for m in re.findall(r":([a-z0-9_+\-]+):", path.read_text())}
    assert used - NOT_EMOJI - set(EMOJI) == set()
    assert render_mrkdwn(":round_pushpin: Due :palm_tree:") == "📍 Due 🌴"
