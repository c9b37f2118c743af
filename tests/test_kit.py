"""The kit every feature reads payloads with: tolerant, normalising, never raising."""

import threading

import pytest

from handlers.kit.forms import Form, clean_text
from handlers.kit.payload import int_id, read_interaction, submission_key
from storage.engine import session_scope
from storage.queries.members import first_submission


@pytest.mark.parametrize("typed", ["", "   ", "\u200b\u200b", "\u200d \ufeff", "\u3164",
                                   "\u2800\u2800", "\t\n \r", "\u202e\u2066", "\x00\x07"])
def test_blank_and_invisible_text_is_empty(typed):
    assert clean_text(typed) == ""
    assert clean_text(typed, multiline=True) == ""


def test_text_is_nfc_and_keeps_newlines_only_where_multiline():
    decomposed = "Cafe\u0301  de\u200b Paris\n\n\n\nsecond\x07 line "
    assert clean_text(decomposed) == "Café de Paris second line"
    assert clean_text(decomposed, multiline=True) == "Café de Paris\n\nsecond line"
    assert clean_text(12) == "" and clean_text(None) == ""
    assert clean_text("abcdef", limit=3) == "abc"


def _view(**fields):
    return {"state": {"values": {b: {"a": v} for b, v in fields.items()}}}


def test_form_reads_every_element_and_tolerates_odd_shapes():
    form = Form(_view(title={"type": "plain_text_input", "value": " Ship\u200b it "},
                      when={"type": "datepicker", "selected_date": "2026-02-30"},
                      day={"type": "datepicker", "selected_date": "2026-03-02"},
                      at={"type": "timepicker", "selected_time": "25:99"},
                      who={"type": "multi_users_select", "selected_users": ["U1", 3, None]},
                      pick={"type": "static_select", "selected_option": {"value": "team"}},
                      bad={"type": "static_select", "selected_option": "team"}))
    assert form.text("title") == "Ship it"
    assert form.date("when") is None and str(form.date("day")) == "2026-03-02"
    assert form.time("at") is None
    assert form.users("who") == ["U1"]
    assert form.choice("pick") == "team" and form.choice("bad") is None
    assert form.text("missing") == "" and form.choices("missing") == []
    for odd in (None, "view", [], {"state": "x"}, {"state": {"values": {"b": "x"}}}):
        assert Form(odd).text("b") == ""


@pytest.mark.parametrize("value", ["", "0", "-3", "1.5", "99999999999999999999", "١٢",
                                   "12abc", None, [], True, 2**64, " "])
def test_ids_from_payloads_are_sane_or_none(value):
    assert int_id(value) is None


def test_good_ids_are_read():
    assert int_id("42") == 42 and int_id(" 7 ") == 7 and int_id(9) == 9


@pytest.mark.parametrize("body", [None, "x", {}, {"user": "U1"}, {"user": {"id": "U1"}},
                                  {"team": {"id": "T1"}}, {"user": {"id": 5}, "team": {}}])
def test_payload_without_who_or_where_is_not_read(body):
    assert read_interaction(body) is None


def test_payload_with_odd_fields_reads_as_empty():
    click = read_interaction({"type": "block_actions", "user": {"id": "U1"},
                              "team": {"id": "T1"}, "actions": [], "view": "oops",
                              "container": None})
    assert click.user_id == "U1" and click.workspace_id == "T1"
    assert click.value == "" and click.value_id is None and click.view == {}


def test_submission_keys_name_the_view_and_its_version_or_the_click():
    view = {"type": "view_submission", "view": {"id": "V1", "hash": "h1"}}
    assert submission_key(view) == "view:V1:h1"
    assert submission_key({**view, "view": {"id": "V1", "hash": "h2"}}) != "view:V1:h1"
    click = {"type": "block_actions", "user": {"id": "U1"},
             "actions": [{"action_id": "a", "action_ts": "1.2"}]}
    assert submission_key(click) == "action:U1:a:1.2"
    assert submission_key({"type": "block_actions", "actions": "x"}) is None


def test_the_same_submission_eight_times_at_once_counts_once(engine):
    results = []
    barrier = threading.Barrier(8)

    def submit():
        barrier.wait()
        with session_scope(engine) as session:
            results.append(first_submission(session, "T0PACT", "view:V1:h1"))

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]
