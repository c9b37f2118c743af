"""Peer feedback (360) through Pact's HTTP endpoint: the owner asks teammates; named feedback
reaches the owner's plan history at once, anonymous feedback only from 3 anonymous answers;
nobody answers a request not sent to them, or twice; only the owner asks."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import select

from bot.playground.slack_requests import select_value, text_value, users_value
from storage.engine import session_scope
from storage.models import FeedbackAnswer, Objective, Pdp, PdpChange
from tests.test_tick import make_team


def _objective(engine, member_id, title="Run the testing guild"):
    with session_scope(engine) as s:
        pdp = Pdp(owner_id=member_id)
        s.add(pdp)
        s.flush()
        obj = Objective(pdp_id=pdp.id, title=title, visibility="private",
                        status="in_progress")
        s.add(obj)
        s.flush()
        return obj.id


def _views(pact, callback):
    return [v for v in pact.emulator.views().values() if v["callback_id"] == callback]


def _ask(pact, owner, objective_id, givers):
    pact.slack.block_action(user=owner, action_id="feedback_ask", value=str(objective_id),
                            channel=pact.emulator.dm_channel(owner))
    pact.wait_idle()
    views = _views(pact, "feedback_ask")
    if not views:
        return None
    response = pact.slack.view_submission(user=owner, view=views[-1], values={
        "givers": {"givers": users_value(givers)}}).json()
    pact.wait_idle()
    return response


def _give(pact, giver, request_id, well, named=False, knowledge="4"):
    pact.slack.block_action(user=giver, action_id="feedback_give", value=str(request_id),
                            channel=pact.emulator.dm_channel(giver))
    pact.wait_idle()
    views = _views(pact, "feedback_give")
    response = pact.slack.view_submission(user=giver, view=views[-1], values={
        "went_well": {"went_well": text_value(well)},
        "try_next": {"try_next": text_value("pair more")},
        "knowledge": {"knowledge": select_value(knowledge)},
        "named": {"named": {"type": "radio_buttons", "selected_option": {
            "text": {"type": "plain_text", "text": "x"},
            "value": "named" if named else "anonymous"}}}}).json()
    pact.wait_idle()
    return response


def _history(engine, objective_id):
    with session_scope(engine) as s:
        return [c.what for c in s.exec(select(PdpChange).where(
            PdpChange.objective_id == objective_id).order_by(PdpChange.id))]


def _request_id(pact, giver):
    dm = [m for m in pact.emulator.dms(giver) if "asks for your feedback" in m["text"]][-1]
    return int(next(e for b in dm["blocks"] if b["type"] == "actions"
                    for e in b["elements"])["value"])


def test_the_owner_asks_teammates_and_anonymous_feedback_waits_for_three(pact):
    team = make_team(pact.engine, pact.emulator, members=4)
    outsider = make_team(pact.engine, pact.emulator, members=1, name="Other").members[0]
    owner = team.lead
    objective_id = _objective(pact.engine, team.member_ids[owner])
    refused = _ask(pact, owner, objective_id, [team.members[0], outsider])
    assert refused["response_action"] == "errors" and "teammates" in refused["errors"]["givers"]
    assert _ask(pact, owner, objective_id, team.members)["response_action"] == "update"
    assert all(len([m for m in pact.emulator.dms(u) if "asks for your feedback" in m["text"]])
               == 1 for u in team.members)
    request_id = _request_id(pact, team.members[0])

    _give(pact, team.members[0], request_id, "Great <b>demos</b>", named=True)
    history = _history(pact.engine, objective_id)
    assert len(history) == 1 and f"from <@{team.members[0]}>" in history[0]
    assert "knowledge sharing 4/5" in history[0]
    assert [m for m in pact.emulator.dms(owner) if "New feedback" in m["text"]]

    _give(pact, team.members[1], request_id, "anon one")
    _give(pact, team.members[2], request_id, "anon two")
    assert len(_history(pact.engine, objective_id)) == 1  # two anonymous: not yet shown
    again = _give(pact, team.members[1], request_id, "twice")
    assert "already gave feedback" in again["view"]["blocks"][0]["text"]["text"]
    _give(pact, team.members[3], request_id, "anon three")
    history = _history(pact.engine, objective_id)
    assert len(history) == 4
    assert sorted(h.split("went well: ")[1].split(";")[0] for h in history[1:]) == \
        ["anon one", "anon three", "anon two"]
    assert all("(anonymous)" in h and "<@" not in h for h in history[1:])
    assert [m for m in pact.emulator.dms(owner) if "3 anonymous feedback" in m["text"]]
    with session_scope(pact.engine) as s:
        anonymous = [a for a in s.exec(select(FeedbackAnswer)) if a.giver_id is None]
        assert len(anonymous) == 3
    columns = {c["name"] for c in inspect(pact.engine).get_columns("feedback_answers")}
    assert not {c for c in columns if c.endswith("_at")}
    assert not pact.emulator.violations


def test_only_the_owner_asks_and_only_those_asked_answer(pact):
    team = make_team(pact.engine, pact.emulator, members=3)
    objective_id = _objective(pact.engine, team.member_ids[team.lead])
    assert _ask(pact, team.members[0], objective_id, [team.members[1]]) is None
    assert any("Only the objective's owner" in m["text"]
               for m in pact.emulator.dms(team.members[0]))
    _ask(pact, team.lead, objective_id, [team.members[0]])
    request_id = _request_id(pact, team.members[0])
    pact.slack.block_action(user=team.members[1], action_id="feedback_give",
                            value=str(request_id), channel=pact.emulator.dm_channel(
                                team.members[1]))
    pact.wait_idle()
    assert not _views(pact, "feedback_give")
    assert any("not sent to you" in m["text"] for m in pact.emulator.dms(team.members[1]))


def _feedback_command(pact, user, args=""):
    return pact.slack.command(f"feedback {args}".strip(), user=user).json()


def test_feedback_goes_with_its_objective_shared_or_not(pact):
    team = make_team(pact.engine, pact.emulator, members=4)
    owner, reader = team.lead, team.members[3]
    objective_id = _objective(pact.engine, team.member_ids[owner], title="Pair on <b>tests")
    _ask(pact, owner, objective_id, team.members[:3])
    request_id = _request_id(pact, team.members[0])
    _give(pact, team.members[0], request_id, "Clear demos", named=True)
    _give(pact, team.members[1], request_id, "anon one")
    _give(pact, team.members[2], request_id, "anon two")  # two anonymous: not shown yet
    history = _history(pact.engine, objective_id)
    assert history and "Pair on <b>tests" in history[0]  # the objective's own history

    mine = str(_feedback_command(pact, owner))
    assert "Clear demos" in mine and f"<@{team.members[0]}>" in mine
    assert "anon one" not in mine and "Pair on &lt;b&gt;tests" in mine
    # private objective: a teammate reads nothing, told the same as when there is none
    hidden = _feedback_command(pact, reader, f"<@{owner}>")
    assert "Clear demos" not in str(hidden) and "Nothing to show" in hidden["text"]
    with session_scope(pact.engine) as s:
        s.get(Objective, objective_id).visibility = "team"
    shared = str(_feedback_command(pact, reader, f"<@{owner}|lead>"))
    assert "Clear demos" in shared and "anon" not in shared
    outsider = make_team(pact.engine, pact.emulator, members=1, name="Other").members[0]
    assert "Clear demos" not in str(_feedback_command(pact, outsider, f"<@{owner}>"))
    assert "`/pact feedback @someone`" in _feedback_command(pact, reader, "someone")["text"]
    assert not pact.emulator.violations
