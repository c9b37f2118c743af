"""Development plans in Slack: create, edit, objectives, progress, reviews, celebrations,
export and delete, through the signed endpoint and the Slack emulator."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.playground.emulator import check_message_blocks, check_view
from bot.playground.slack_requests import (
    date_value,
    number_value,
    select_value,
    text_value,
    user_value,
)
from bot.rules.pdp import add_months
from handlers.kit import ids as shared
from handlers.kit.metadata import metadata_key, seal
from storage.engine import session_scope
from storage.models import (
    Goal,
    Lab,
    LabSession,
    Member,
    Objective,
    OutboxMessage,
    Pdp,
    PdpChange,
    PdpReview,
    ProgressUpdate,
)
from storage.types import utcnow
from tests.test_pdp_world import make_world


@pytest.fixture
def world(pact):
    return make_world(pact.engine, pact.emulator)


# ---- helpers ---------------------------------------------------------------------------------


def opened(pact, method="views.open") -> dict:
    pact.wait_idle()  # modals open right after the answer
    calls = [c for c in pact.emulator.calls_to(method) if c.response.get("ok")]
    assert calls, f"no successful {method}"
    return pact.emulator.views()[calls[-1].response["view"]["id"]]


def current(pact, view: dict) -> dict:
    return pact.emulator.views()[view["id"]]


def plan_values(aspiration="Lead a platform team", aspiration_visibility="manager",
                skill_gaps="Public speaking", skill_gaps_visibility="private", manager=None,
                cadence="3") -> dict:
    return {"aspiration": {"aspiration": text_value(aspiration)},
            "aspiration_visibility": {"aspiration_visibility": select_value(
                aspiration_visibility)},
            "skill_gaps": {"skill_gaps": text_value(skill_gaps)},
            "skill_gaps_visibility": {"skill_gaps_visibility": select_value(
                skill_gaps_visibility)},
            "manager": {"manager": user_value(manager)},
            "cadence": {"cadence": select_value(cadence)}}


def objective_values(title="Run a sprint review", skill="Facilitation",
                     actions="Shadow Tom twice", target=None, goal=None, visibility="team",
                     status=None, progress=None) -> dict:
    target = target if target is not None else (utcnow() + timedelta(days=30)).date().isoformat()
    values = {"title": {"title": text_value(title)}, "skill": {"skill": text_value(skill)},
              "actions": {"actions": text_value(actions)},
              "target_date": {"target_date": date_value(target or None)},
              "goal": {"goal": select_value(str(goal) if goal else "none")},
              "visibility": {"visibility": select_value(visibility)}}
    if status is not None:
        values["status"] = {"status": select_value(status)}
    if progress is not None:
        values["progress"] = {"progress": number_value(progress)}
    return values


def create_plan(pact, world, **values) -> dict:
    """The owner creates their plan; returns the summary modal it turns into."""
    assert pact.slack.command("pdp", user=world.owner).status == 200
    form = opened(pact)
    assert form["callback_id"] == shared.PDP_PLAN_FORM and check_view(form) == []
    values.setdefault("manager", world.manager)
    answer = pact.slack.view_submission(user=world.owner, view=form, values=plan_values(**values))
    assert answer.status == 200
    body = answer.json()
    assert body["response_action"] == "update", body
    assert check_view(body["view"]) == []
    pact.wait_idle()
    return {**form, **body["view"], "id": form["id"]}


def open_summary(pact, user) -> dict:
    assert pact.slack.command("pdp", user=user).status == 200
    view = opened(pact)
    assert view["callback_id"] == shared.PDP_SUMMARY
    return view


def add_objective(pact, world, **values) -> int:
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_ADD_OBJECTIVE, view=summary)
    form = opened(pact, "views.push")
    assert form["callback_id"] == shared.PDP_OBJECTIVE_FORM and check_view(form) == []
    answer = pact.slack.view_submission(user=world.owner, view=form,
                                        values=objective_values(**values))
    assert answer.status == 200 and not answer.body, answer.body
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        return s.exec(select(Objective.id).order_by(Objective.id.desc())).first()


def log_progress(pact, user, objective_id, progress, note=""):
    pact.slack.block_action(user=user, action_id=shared.PDP_LOG_PROGRESS,
                            value=str(objective_id), channel="C0NOWHERE01")
    form = opened(pact)
    answer = pact.slack.view_submission(user=user, view=form, values={
        "progress": {"progress": number_value(str(progress))},
        "note": {"note": text_value(note)}})
    pact.wait_idle()
    return form, answer


def snapshot(engine) -> dict:
    """Every development plan row, to prove a refused request changed nothing."""
    with session_scope(engine) as s:
        return {model.__name__: sorted(repr(r.model_dump()) for r in s.exec(select(model)))
                for model in (Pdp, Objective, ProgressUpdate, PdpChange, PdpReview,
                              OutboxMessage)}


def text_of(thing) -> str:
    return json.dumps(thing, ensure_ascii=False)


# ---- create and edit ---------------------------------------------------------------------


def test_first_pdp_creates_a_private_plan_and_tells_the_manager(pact, world):
    summary = create_plan(pact, world)
    assert "Lead a platform team" in text_of(summary["blocks"])
    with session_scope(pact.engine) as s:
        pdp = s.exec(select(Pdp)).one()
        assert pdp.aspiration_visibility == "manager"
        assert pdp.skill_gaps_visibility == "private"
        assert pdp.manager_id == world.members["manager"]
        assert pdp.review_cadence_months == 3
        assert pdp.next_review_at == add_months(pdp.created_at, 3)
        whats = [c.what for c in s.exec(select(PdpChange))]
    assert whats == ["Created the plan"]
    dms = pact.emulator.dms(world.manager)
    assert len(dms) == 1
    dm = dms[0]
    assert check_message_blocks(dm["blocks"]) == []
    assert "chose you as their manager" in dm["text"]
    assert "Lead a platform team" in text_of(dm)  # shared with the manager
    assert "Public speaking" not in text_of(dm)  # private
    actions = [e["action_id"] for b in dm["blocks"] if b["type"] == "actions"
               for e in b["elements"]]
    assert actions == [shared.PDP_REVIEW_COMMENT, shared.PDP_REVIEW_APPROVE]
    assert pact.emulator.violations == []


def test_second_pdp_opens_the_summary_and_edit_plan_pushes_the_form(pact, world):
    create_plan(pact, world, manager=None)
    summary = open_summary(pact, world.owner)
    assert check_view(summary) == []
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_EDIT_PLAN, view=summary)
    form = opened(pact, "views.push")
    assert form["callback_id"] == shared.PDP_PLAN_FORM
    assert form["previous_view_id"] == summary["id"]
    answer = pact.slack.view_submission(user=world.owner, view=form, values=plan_values(
        aspiration="Become a staff engineer", aspiration_visibility="team",
        manager=world.manager, cadence="6"))
    assert answer.status == 200 and not answer.body
    pact.wait_idle()
    refreshed = current(pact, summary)
    assert "Become a staff engineer" in text_of(refreshed["blocks"])
    with session_scope(pact.engine) as s:
        pdp = s.exec(select(Pdp)).one()
        assert pdp.review_cadence_months == 6
        assert pdp.next_review_at == add_months(pdp.created_at, 6)
        history = [c.what for c in s.exec(select(PdpChange).order_by(PdpChange.id))]
    assert "aspiration visible to: My team" in history[-1]
    assert f"manager: <@{world.manager}>" in history[-1]
    assert len(pact.emulator.dms(world.manager)) == 1  # told once, when chosen


@pytest.mark.parametrize("values, field", [
    (dict(manager="SELF"), "manager"),
    (dict(aspiration="x" * 3001), "aspiration"),
    (dict(skill_gaps="y" * 3001), "skill_gaps"),
    (dict(cadence="7"), "cadence"),
    (dict(aspiration_visibility="everyone"), "aspiration_visibility"),
])
def test_plan_form_errors_sit_on_their_field(pact, world, values, field):
    pact.slack.command("pdp", user=world.owner)
    form = opened(pact)
    if values.get("manager") == "SELF":
        values["manager"] = world.owner
    answer = pact.slack.view_submission(user=world.owner, view=form, values=plan_values(**values))
    body = answer.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [field]
    with session_scope(pact.engine) as s:
        assert s.exec(select(Pdp)).first() is None


# ---- objectives --------------------------------------------------------------------------


def test_objective_added_in_a_pushed_modal_shows_in_the_summary(pact, world):
    create_plan(pact, world)
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_ADD_OBJECTIVE, view=summary)
    form = opened(pact, "views.push")
    goal_options = next(b for b in form["blocks"] if b.get("block_id") == "goal")
    assert "Scrum certified team" in text_of(goal_options)
    answer = pact.slack.view_submission(user=world.owner, view=form, values=objective_values(
        goal=world.goal_id))
    assert not answer.body
    pact.wait_idle()
    assert "Run a sprint review" in text_of(current(pact, summary)["blocks"])
    with session_scope(pact.engine) as s:
        objective = s.exec(select(Objective)).one()
        assert (objective.goal_id, objective.visibility, objective.status) == (
            world.goal_id, "team", "not_started")
        assert "Added objective “Run a sprint review” (My team)" in [
            c.what for c in s.exec(select(PdpChange))]
    # the stack: summary, then the objective form, never more than Slack's three views
    assert all(c.response.get("error") != "push_limit_reached"
               for c in pact.emulator.calls_to("views.push"))


@pytest.mark.parametrize("values, field", [
    (dict(title=""), "title"),
    (dict(title="t" * 151), "title"),
    (dict(skill="s" * 151), "skill"),
    (dict(actions="a" * 3001), "actions"),
    (dict(target="2001-01-01"), "target_date"),
    (dict(target="2999-01-01"), "target_date"),
    (dict(goal=987654), "goal"),
    (dict(visibility="public"), "visibility"),
])
def test_objective_form_errors_sit_on_their_field(pact, world, values, field):
    create_plan(pact, world)
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_ADD_OBJECTIVE, view=summary)
    form = opened(pact, "views.push")
    before = snapshot(pact.engine)
    body = pact.slack.view_submission(user=world.owner, view=form,
                                      values=objective_values(**values)).json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [field]
    assert snapshot(pact.engine) == before


@pytest.mark.parametrize("raw, message", [
    ("101", "from 0 to 100"), ("-1", "from 0 to 100"), ("", "from 0 to 100"),
    ("4.5", "whole number"), ("lots", "number"),
])
def test_progress_must_be_0_to_100(pact, world, raw, message):
    create_plan(pact, world)
    oid = add_objective(pact, world)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_LOG_PROGRESS, value=str(oid),
                            channel="C0NOWHERE01")
    form = opened(pact)
    body = pact.slack.view_submission(user=world.owner, view=form, values={
        "progress": {"progress": number_value(raw)}, "note": {"note": text_value("")}}).json()
    assert body["response_action"] == "errors"
    assert message in body["errors"]["progress"]
    # the edit form checks it too
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_EDIT_OBJECTIVE, value=str(oid),
                            view=summary)
    edit = opened(pact, "views.push")
    body = pact.slack.view_submission(user=world.owner, view=edit, values=objective_values(
        status="in_progress", progress=raw)).json()
    assert list(body["errors"]) == ["progress"]


def test_editing_keeps_a_past_target_date_but_refuses_a_new_one(pact, world):
    create_plan(pact, world)
    oid = add_objective(pact, world)
    past = (utcnow() - timedelta(days=3)).date()
    with session_scope(pact.engine) as s:
        s.get(Objective, oid).target_date = past
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_EDIT_OBJECTIVE, value=str(oid),
                            view=summary)
    edit = opened(pact, "views.push")
    ok = pact.slack.view_submission(user=world.owner, view=edit, values=objective_values(
        title="Run two sprint reviews", target=past.isoformat(), status="in_progress",
        progress="20"))
    assert not ok.body
    earlier = (past - timedelta(days=1)).isoformat()
    pact.wait_idle()
    refused = pact.slack.view_submission(user=world.owner, view=edit, values=objective_values(
        target=earlier, status="in_progress", progress="20")).json()
    assert list(refused["errors"]) == ["target_date"]
    with session_scope(pact.engine) as s:
        o = s.get(Objective, oid)
        assert (o.title, o.progress, o.status) == ("Run two sprint reviews", 20, "in_progress")


# ---- progress and celebrations -------------------------------------------------------------


def test_team_visible_objective_done_is_celebrated_once_in_the_team_channel(pact, world):
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", goal=world.goal_id)
    form, answer = log_progress(pact, world.owner, oid, 40, note="First review run")
    assert check_view(form) == [] and not answer.body
    log_progress(pact, world.owner, oid, 100)
    posts = pact.emulator.messages(world.channel)
    assert len(posts) == 1
    assert "Run a sprint review" in posts[0]["text"]
    assert "Scrum certified team" in text_of(posts[0]["blocks"])
    assert check_message_blocks(posts[0]["blocks"]) == []
    # done again after reopening: still one celebration
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_EDIT_OBJECTIVE, value=str(oid),
                            view=summary)
    edit = opened(pact, "views.push")
    pact.slack.view_submission(user=world.owner, view=edit, values=objective_values(
        visibility="team", status="in_progress", progress="90", goal=world.goal_id))
    pact.wait_idle()
    log_progress(pact, world.owner, oid, 100)
    assert len(pact.emulator.messages(world.channel)) == 1
    assert pact.emulator.dms(world.owner) == []  # no DM for a public celebration
    with session_scope(pact.engine) as s:
        o = s.get(Objective, oid)
        assert (o.status, o.progress) == ("done", 100) and o.done_at is not None
        assert [u.value for u in s.exec(select(ProgressUpdate))] == [40, 100, 100]
        keys = [m.idempotency_key for m in s.exec(select(OutboxMessage))]
    assert keys.count(f"celebrate:objective:{oid}") == 1
    assert pact.emulator.violations == []


@pytest.mark.parametrize("visibility", ["private", "manager"])
def test_private_or_manager_objective_done_gets_a_dm_never_a_channel_post(pact, world,
                                                                          visibility):
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility=visibility, title="Get a raise conversation")
    log_progress(pact, world.owner, oid, 100)
    assert pact.emulator.messages(world.channel) == []
    dms = pact.emulator.dms(world.owner)
    assert len(dms) == 1 and "Get a raise conversation" in dms[0]["text"]
    assert all("Get a raise conversation" not in text_of(m) for m in
               pact.emulator.dms(world.manager) + pact.emulator.dms(world.teammate))
    with session_scope(pact.engine) as s:
        keys = [m.idempotency_key for m in s.exec(select(OutboxMessage))]
    assert f"congrats:objective:{oid}" in keys
    assert not any(k.startswith("celebrate:") for k in keys)


# ---- forged payloads -----------------------------------------------------------------------


def test_forged_payloads_on_someone_elses_plan_change_nothing(pact, world):
    create_plan(pact, world)
    oid = add_objective(pact, world)
    with session_scope(pact.engine) as s:
        pdp_id = s.exec(select(Pdp.id)).one()
    stranger, teammate = world.stranger, world.teammate
    before = snapshot(pact.engine)

    # buttons carrying the owner's ids
    for who in (stranger, teammate):
        for action in (shared.PDP_LOG_PROGRESS, shared.PDP_EDIT_OBJECTIVE):
            pact.slack.block_action(user=who, action_id=action, value=str(oid),
                                    channel="C0NOWHERE01")
            pact.wait_idle()
            refused = opened(pact)
            assert refused["callback_id"] == shared.PDP_READONLY
    for action in (shared.PDP_REVIEW_APPROVE, shared.PDP_DELETE_CONFIRMED):
        pact.slack.block_action(user=stranger, action_id=action, value=str(pdp_id),
                                channel="C0NOWHERE01")
        pact.wait_idle()

    # modal submissions with forged private_metadata
    def forged(callback, metadata, values):
        view = {"id": "V0FORGED001", "type": "modal", "callback_id": callback,
                "private_metadata": seal(metadata, metadata_key(pact.services.settings)),
                "blocks": []}
        return pact.slack.view_submission(user=stranger, view=view, values=values)

    answers = [
        forged(shared.PDP_OBJECTIVE_FORM, {"objective": oid}, objective_values(
            title="Hijacked", status="done", progress="100")),
        forged(shared.PDP_PROGRESS_FORM, {"objective": oid}, {
            "progress": {"progress": number_value("100")}, "note": {"note": text_value("x")}}),
        forged(shared.PDP_COMMENT_FORM, {"pdp": pdp_id}, {
            "comment": {"comment": text_value("Looks bad")},
            "approve": {"approve": {"type": "checkboxes", "selected_options": [
                {"value": "approve", "text": {"type": "plain_text", "text": "a"}}]}}}),
    ]
    pact.wait_idle()
    for answer in answers:
        assert answer.json()["response_action"] == "update"
        assert "only" in text_of(answer.json()["view"]).lower()
    assert snapshot(pact.engine) == before
    # the owner's plan form cannot target another plan either: it only ever edits one's own
    forged(shared.PDP_PLAN_FORM, {"mode": "edit", "pdp": pdp_id}, plan_values(
        aspiration="Stranger's own"))
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        owner_plan = s.get(Pdp, pdp_id)
        assert owner_plan.aspiration == "Lead a platform team"
        assert [p.id for p in s.exec(select(Pdp))] == [pdp_id]  # none made for the stranger
    assert pact.emulator.messages(world.channel) == []


def test_a_teammate_cannot_comment_or_approve_only_the_chosen_manager(pact, world):
    create_plan(pact, world)
    with session_scope(pact.engine) as s:
        pdp_id = s.exec(select(Pdp.id)).one()
    before = snapshot(pact.engine)
    pact.slack.block_action(user=world.teammate, action_id=shared.PDP_REVIEW_COMMENT,
                            value=str(pdp_id), channel="C0NOWHERE01")
    pact.wait_idle()
    assert "Only the manager" in text_of(opened(pact)["blocks"])
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_REVIEW_APPROVE,
                            value=str(pdp_id), channel="C0NOWHERE01")
    pact.wait_idle()
    assert snapshot(pact.engine) == before  # nobody approves their own plan


# ---- the manager review round trip ---------------------------------------------------------


def test_manager_review_round_trip(pact, world):
    summary = create_plan(pact, world)
    oid = add_objective(pact, world, visibility="manager", title="Mentor a junior")
    add_objective(pact, world, visibility="private", title="Secret side quest")
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_REQUEST_REVIEW, view=summary)
    pact.wait_idle()
    assert "Review requested" in text_of(current(pact, summary)["blocks"])
    request = pact.emulator.dms(world.manager)[-1]
    assert "asks you to review" in request["text"]
    assert "Mentor a junior" in text_of(request)
    assert "Secret side quest" not in text_of(request)
    with session_scope(pact.engine) as s:
        pdp = s.exec(select(Pdp)).one()
        assert pdp.review_requested_at is not None
        pdp_id, created = pdp.id, pdp.created_at

    # the manager's Home shows the waiting review
    pact.slack.event({"type": "app_home_opened", "user": world.manager, "tab": "home"})
    pact.wait_idle()
    home = pact.emulator.home_view(world.manager)
    assert "Your reports" in text_of(home) and check_view(home) == []
    assert "1 review waiting for you" in text_of(home) and "review requested" in text_of(home)
    assert "Mentor a junior" not in text_of(home)

    # Comment: a modal, stored, DMed to the owner
    pact.slack.block_action(user=world.manager, action_id=shared.PDP_REVIEW_COMMENT,
                            value=str(pdp_id), channel=pact.emulator.dm_channel(world.manager),
                            message_ts=request["ts"])
    form = opened(pact)
    assert form["callback_id"] == shared.PDP_COMMENT_FORM and check_view(form) == []
    empty = pact.slack.view_submission(user=world.manager, view=form, values={
        "comment": {"comment": text_value("")}, "approve": {"approve": {
            "type": "checkboxes", "selected_options": []}}}).json()
    assert list(empty["errors"]) == ["comment"]
    answer = pact.slack.view_submission(user=world.manager, view=form, values={
        "comment": {"comment": text_value("Pair <b> with Tom & go!")},
        "approve": {"approve": {"type": "checkboxes", "selected_options": []}}})
    assert not answer.body
    pact.wait_idle()
    to_owner = pact.emulator.dms(world.owner)[-1]
    assert "commented" in to_owner["text"]
    assert "Pair &lt;b&gt; with Tom &amp; go!" in text_of(to_owner["blocks"])
    with session_scope(pact.engine) as s:
        assert s.get(Pdp, pdp_id).review_requested_at is not None  # still open

    # Approve: recorded, the next review moves by the cadence, the DM loses its buttons
    before = utcnow()
    pact.slack.block_action(user=world.manager, action_id=shared.PDP_REVIEW_APPROVE,
                            value=str(pdp_id), channel=pact.emulator.dm_channel(world.manager),
                            message_ts=request["ts"], extra_action={})
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        pdp = s.get(Pdp, pdp_id)
        reviews = list(s.exec(select(PdpReview).order_by(PdpReview.id)))
        assert [(r.outcome, r.reviewer_id) for r in reviews] == [
            ("commented", world.members["manager"]), ("approved", world.members["manager"])]
        assert reviews[0].comment == "Pair <b> with Tom & go!"
        assert pdp.last_review_at >= before
        assert pdp.next_review_at == add_months(pdp.last_review_at, 3)
        assert pdp.next_review_at != add_months(created, 3) or pdp.last_review_at == created
        assert pdp.review_requested_at is None
    assert "approved" in pact.emulator.dms(world.owner)[-1]["text"]
    assert pact.emulator.violations == []
    assert oid


def test_manager_lists_reports_with_what_they_share(pact, world):
    create_plan(pact, world, aspiration_visibility="private")
    add_objective(pact, world, visibility="manager", title="Mentor a junior")
    answer = pact.slack.command("pdp reports", user=world.manager).json()
    assert check_message_blocks(answer["blocks"]) == []
    text = text_of(answer)
    assert f"<@{world.owner}>" in text and "1 objective" in text and "next review" in text
    assert "Lead a platform team" not in text
    nobody = pact.slack.command("pdp reports", user=world.teammate).json()
    assert "Nobody has chosen you" in nobody["text"]


# ---- what others see -------------------------------------------------------------------------


def test_pdp_at_someone_shows_each_viewer_only_their_part(pact, world):
    create_plan(pact, world, aspiration="ASPIRATION-M", aspiration_visibility="manager",
                skill_gaps="GAPS-T", skill_gaps_visibility="team")
    add_objective(pact, world, visibility="team", title="OBJ-TEAM")
    add_objective(pact, world, visibility="manager", title="OBJ-MANAGER")
    add_objective(pact, world, visibility="private", title="OBJ-PRIVATE")
    mention = f"<@{world.owner}|owner>"

    def seen_by(user):
        answer = pact.slack.command(f"pdp {mention}", user=user).json()
        assert answer.get("response_type") == "ephemeral"
        if answer.get("blocks"):
            assert check_message_blocks(answer["blocks"]) == []
        return text_of(answer)

    manager, teammate = seen_by(world.manager), seen_by(world.teammate)
    stranger, admin = seen_by(world.stranger), seen_by(world.admin)
    assert all(t in manager for t in ("ASPIRATION-M", "GAPS-T", "OBJ-TEAM", "OBJ-MANAGER"))
    assert "OBJ-PRIVATE" not in manager
    assert "GAPS-T" in teammate and "OBJ-TEAM" in teammate
    assert not any(t in teammate for t in ("ASPIRATION-M", "OBJ-MANAGER", "OBJ-PRIVATE"))
    assert "not shared with you" in stranger
    assert not any(t in stranger for t in ("ASPIRATION", "GAPS", "OBJ-"))
    assert "has a development plan" in admin and "next review" in admin
    assert not any(t in admin for t in ("ASPIRATION", "GAPS", "OBJ-"))
    own = seen_by(world.owner)
    assert all(t in own for t in ("ASPIRATION-M", "GAPS-T", "OBJ-PRIVATE"))


def test_pdp_at_someone_without_a_plan_and_bad_mentions(pact, world):
    mention = f"<@{world.owner}|owner>"
    stranger = pact.slack.command(f"pdp {mention}", user=world.stranger).json()
    assert "not shared with you" in stranger["text"]  # existence is not revealed
    admin = pact.slack.command(f"pdp {mention}", user=world.admin).json()
    assert "no development plan" in admin["text"]
    usage = pact.slack.command("pdp @owner", user=world.stranger).json()
    assert "autocomplete" in usage["text"]


def test_home_tab_shows_my_development_plan(pact, world):
    create_plan(pact, world)
    oid = add_objective(pact, world, title="Run a sprint review")
    log_progress(pact, world.owner, oid, 40)
    pact.slack.event({"type": "app_home_opened", "user": world.owner, "tab": "home"})
    pact.wait_idle()
    home = pact.emulator.home_view(world.owner)
    assert check_view(home) == []
    text = text_of(home)
    assert "My development plan" in text and "Run a sprint review" in text
    assert "▰▰▰▰▱▱▱▱▱▱ 40%" in text and "next review" in text
    # the Home's "Log progress" opens the progress modal
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_LOG_PROGRESS, value=str(oid),
                            view=home)
    assert opened(pact)["callback_id"] == shared.PDP_PROGRESS_FORM


def test_goal_details_roll_up_linked_objectives(pact, world):
    create_plan(pact, world)
    add_objective(pact, world, visibility="team", goal=world.goal_id, title="OBJ-TEAM")
    add_objective(pact, world, visibility="private", goal=world.goal_id, title="OBJ-PRIVATE")
    builder = next(b for b in pact.services.goal_sections if b.__module__ ==
                   "handlers.pdp.surfaces")
    with session_scope(pact.engine) as s:
        goal = s.get(Goal, world.goal_id)
        teammate = s.get(Member, world.members["teammate"])
        stranger = s.get(Member, world.members["stranger"])
        section = builder(s, goal, teammate)
        seen = text_of(section)
        unseen = text_of(builder(s, goal, stranger))
    assert check_message_blocks(section) == []
    assert "1 member linked" in seen and "OBJ-TEAM" in seen and "OBJ-PRIVATE" not in seen
    assert "OBJ-" not in unseen


def test_im_in_offers_an_objective_prefilled_from_the_goal(pact, world):
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_OBJECTIVE_FROM_GOAL,
                            value=str(world.goal_id), channel="C0NOWHERE01")
    form = opened(pact)
    assert form["callback_id"] == shared.PDP_OBJECTIVE_FORM and check_view(form) == []
    title = next(b for b in form["blocks"] if b["block_id"] == "title")
    assert title["element"]["initial_value"] == "My part in Scrum certified team"
    shown = next(b for b in form["blocks"] if b["block_id"] == "visibility")
    assert shown["element"]["initial_option"]["value"] == "team"  # the goal is the team's
    goal = next(b for b in form["blocks"] if b["block_id"] == "goal")
    assert goal["element"]["initial_option"]["value"] == str(world.goal_id)
    answer = pact.slack.view_submission(user=world.owner, view=form, values=objective_values(
        title="Scrum certified team", goal=world.goal_id, visibility="private"))
    assert not answer.body
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        o = s.exec(select(Objective)).one()
        assert o.goal_id == world.goal_id
        assert s.exec(select(Pdp)).one().owner_id == world.members["owner"]
    # a stranger (not in the goal's team) is refused, and so is an archived goal
    pact.slack.block_action(user=world.stranger, action_id=shared.PDP_OBJECTIVE_FROM_GOAL,
                            value=str(world.goal_id), channel="C0NOWHERE01")
    assert opened(pact)["callback_id"] == shared.PDP_READONLY
    with session_scope(pact.engine) as s:
        s.get(Goal, world.goal_id).status = "archived"
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_OBJECTIVE_FROM_GOAL,
                            value=str(world.goal_id), channel="C0NOWHERE01")
    assert "no longer active" in text_of(opened(pact))


def test_history_lists_every_change_for_the_owner(pact, world):
    summary = create_plan(pact, world)
    oid = add_objective(pact, world)
    log_progress(pact, world.owner, oid, 30)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_HISTORY, view=summary)
    history = opened(pact, "views.push")
    assert check_view(history) == []
    text = text_of(history["blocks"])
    assert "Created the plan" in text and "Added objective" in text and "0% → 30%" in text


def test_nudge_update_now_opens_the_plan(pact, world):
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_OPEN, channel="C0NOWHERE01")
    assert opened(pact)["callback_id"] == shared.PDP_PLAN_FORM
    create_plan(pact, world)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_OPEN, channel="C0NOWHERE01")
    assert opened(pact)["callback_id"] == shared.PDP_SUMMARY


# ---- own your data -----------------------------------------------------------------------


def test_export_sends_json_and_markdown_to_the_members_dm(pact, world):
    summary = create_plan(pact, world)
    oid = add_objective(pact, world, title="Run a sprint review")
    log_progress(pact, world.owner, oid, 50, note="Halfway there")
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_REQUEST_REVIEW, view=summary)
    pact.wait_idle()
    answer = pact.slack.command("pdp export", user=world.owner).json()
    assert "on their way" in answer["text"]
    pact.wait_idle()
    files = pact.emulator.uploaded_files()
    assert len(files) == 2
    dm = pact.emulator.dm_channel(world.owner)
    assert all(f["channels"] == [dm] for f in files)
    by_name = {f["filename"].rsplit(".", 1)[1]: f for f in files}
    data = json.loads(by_name["json"]["content"])
    assert data["aspiration"]["text"] == "Lead a platform team"
    assert data["skill_gaps"] == {"text": "Public speaking", "visibility": "private"}
    assert data["manager"] == world.manager
    [objective] = data["objectives"]
    assert objective["title"] == "Run a sprint review" and objective["progress"] == 50
    assert objective["updates"][0]["note"] == "Halfway there"
    assert [c["what"] for c in data["history"]][0] == "Created the plan"
    markdown = by_name["md"]["content"]
    markdown = markdown.decode() if isinstance(markdown, bytes) else markdown
    assert "# Development plan of owner" in markdown
    assert "### Run a sprint review" in markdown and "Halfway there" in markdown
    assert "Asked @manager for a review" in markdown  # names, not Slack's mention syntax
    assert "<@" not in markdown
    assert pact.emulator.calls_to("files.upload") == []
    nothing = pact.slack.command("pdp export", user=world.stranger).json()
    assert "nothing to export" in nothing["text"]


def test_delete_asks_for_confirmation_then_removes_everything(pact, world):
    summary = create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team")
    log_progress(pact, world.owner, oid, 100)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_REQUEST_REVIEW, view=summary)
    pact.wait_idle()
    assert len(pact.emulator.dms(world.manager)) == 2
    prompt = pact.slack.command("pdp delete", user=world.owner).json()
    assert check_message_blocks(prompt["blocks"]) == []
    button = prompt["blocks"][-1]["elements"][0]
    assert button["style"] == "danger" and "confirm" in button
    with session_scope(pact.engine) as s:
        assert s.exec(select(Pdp)).first() is not None  # nothing gone before the click
        pdp_id = s.exec(select(Pdp.id)).one()
        lab = Lab(team_id=world.team_id, rule="every 2 weeks thu 15:00 from 2026-01-08")
        s.add(lab)
        s.flush()
        s.add(LabSession(lab_id=lab.id, starts_at=utcnow() + timedelta(days=3),
                         presenter_id=world.members["owner"], objective_id=oid,
                         topic="Run a sprint review"))
        # A nudge DM that listed the plan's objectives by title.
        s.add(OutboxMessage(workspace_id=pact.emulator.team_id, channel=world.owner,
                            idempotency_key=f"nudge:{world.members['owner']}:2026-11-20",
                            kind="nudge", text="Run a sprint review has had no update",
                            status="sent"))
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_DELETE_CONFIRMED,
                            value=str(pdp_id), channel="C0NOWHERE01")
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        for model in (Pdp, Objective, PdpChange, PdpReview):
            assert s.exec(select(model)).all() == [], model.__name__
        assert s.exec(select(ProgressUpdate).where(ProgressUpdate.objective_id.is_not(None))
                      ).all() == []
        assert [m.idempotency_key for m in s.exec(select(OutboxMessage))] == []
        assert [(x.topic, x.objective_id) for x in s.exec(select(LabSession))] == [("", None)]
    assert pact.emulator.dms(world.manager) == []  # Pact took its messages back
    assert "deleted" in pact.emulator.dms(world.owner)[-1]["text"]
    assert pact.emulator.violations == []


def test_manager_opens_a_report_and_approves_from_the_modal(pact, world):
    create_plan(pact, world, aspiration="Lead a platform team", aspiration_visibility="manager",
                skill_gaps="Public speaking", skill_gaps_visibility="private")
    with session_scope(pact.engine) as s:
        pdp_id = s.exec(select(Pdp.id)).one()
    listing = pact.slack.command("pdp reports", user=world.manager).json()
    button = next(b["accessory"] for b in listing["blocks"] if b.get("accessory"))
    assert button["action_id"] == shared.PDP_VIEW_REPORT and button["value"] == str(pdp_id)
    pact.slack.block_action(user=world.manager, action_id=shared.PDP_VIEW_REPORT,
                            value=str(pdp_id), channel="C0NOWHERE01")
    modal = opened(pact)
    assert check_view(modal) == []
    assert "Lead a platform team" in text_of(modal) and "Public speaking" not in text_of(modal)
    pact.slack.block_action(user=world.manager, action_id=shared.PDP_REVIEW_APPROVE,
                            value=str(pdp_id), view=modal)
    pact.wait_idle()
    updated = current(pact, modal)
    assert "You approved this plan" in text_of(updated)
    assert not any(b.get("block_id") == "review_actions" for b in updated["blocks"])
    # a second click right after is not a second review
    pact.slack.block_action(user=world.manager, action_id=shared.PDP_REVIEW_APPROVE,
                            value=str(pdp_id), view=modal)
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        assert [r.outcome for r in s.exec(select(PdpReview))] == ["approved"]
    # the teammate opening the same plan id sees only what the team may see: here, nothing
    pact.slack.block_action(user=world.teammate, action_id=shared.PDP_VIEW_REPORT,
                            value=str(pdp_id), channel="C0NOWHERE01")
    assert "not shared with you" in text_of(opened(pact))
    assert pact.emulator.violations == []


# ---- the Home tab's goal roll-up and topics other features drew from a plan -----------------


def test_home_tab_rolls_up_objectives_linked_to_the_teams_goals(pact, world):
    create_plan(pact, world)
    add_objective(pact, world, visibility="team", goal=world.goal_id, title="OBJ-TEAM")
    add_objective(pact, world, visibility="manager", goal=world.goal_id, title="OBJ-MANAGER")
    add_objective(pact, world, visibility="private", goal=world.goal_id, title="OBJ-PRIVATE")
    homes = {}
    for role in ("teammate", "manager", "stranger"):
        pact.slack.event({"type": "app_home_opened", "user": getattr(world, role),
                          "tab": "home"})
        pact.wait_idle()
        homes[role] = pact.emulator.home_view(getattr(world, role))
        assert check_view(homes[role]) == []
    teammate = text_of(homes["teammate"])
    assert "Scrum certified team* · 1 member linked objectives" in teammate
    assert "OBJ-TEAM" in teammate and "Not started" in teammate
    assert "OBJ-MANAGER" not in teammate and "OBJ-PRIVATE" not in teammate
    # the manager is not in the team: no team goals on their Home, nothing of the plan either
    for role in ("manager", "stranger"):
        assert "OBJ-" not in text_of(homes[role])


def _lab_post_showing(pact, world, oid: int, topic: str) -> tuple[str, int]:
    """A learning-lab session announced in the team channel with `oid` as its topic."""
    from handlers.labs.blocks import announcement

    with session_scope(pact.engine) as s:
        lab = Lab(team_id=world.team_id, rule="every 2 weeks thu 15:00 from 2026-01-08")
        s.add(lab)
        s.flush()
        lab_session = LabSession(lab_id=lab.id, starts_at=utcnow() + timedelta(days=3),
                                 presenter_id=world.members["owner"], objective_id=oid,
                                 topic=topic)
        s.add(lab_session)
        s.flush()
        sid = lab_session.id
        text, lab_blocks = announcement(sid, "Growth", lab_session.starts_at, 60, world.owner,
                                        topic)
    ts = pact.client.chat_postMessage(channel=world.channel, text=text, blocks=lab_blocks)["ts"]
    with session_scope(pact.engine) as s:
        s.get(LabSession, sid).channel_ts = ts
    return ts, sid


def test_a_lab_post_drops_an_objective_made_private(pact, world):
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", title="Kubernetes deep dive")
    ts, sid = _lab_post_showing(pact, world, oid, "Kubernetes deep dive")
    assert "Kubernetes deep dive" in text_of(pact.emulator.messages(world.channel))
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_EDIT_OBJECTIVE, value=str(oid),
                            view=summary)
    edit = opened(pact, "views.push")
    answer = pact.slack.view_submission(user=world.owner, view=edit, values=objective_values(
        title="Kubernetes deep dive", visibility="private", status="in_progress",
        progress="10"))
    assert not answer.body
    pact.wait_idle()
    [post] = [m for m in pact.emulator.messages(world.channel) if m["ts"] == ts]
    assert "Kubernetes deep dive" not in text_of(post)
    assert "to be announced" in text_of(post)
    with session_scope(pact.engine) as s:
        assert (s.get(LabSession, sid).topic, s.get(LabSession, sid).objective_id) == ("", None)
    assert pact.emulator.violations == []


def test_deleting_the_plan_takes_its_topic_off_the_lab_post(pact, world):
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", title="Kubernetes deep dive")
    ts, sid = _lab_post_showing(pact, world, oid, "Kubernetes deep dive")
    with session_scope(pact.engine) as s:
        pdp_id = s.exec(select(Pdp.id)).one()
        s.add(OutboxMessage(workspace_id="T0PACT", idempotency_key=f"lab_announce:{sid}",
                            channel=world.channel, text="Lab on Kubernetes deep dive",
                            status="sent", sent_ts=ts, kind="lab_announce"))
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_DELETE_CONFIRMED,
                            value=str(pdp_id), channel="C0NOWHERE01")
    pact.wait_idle()
    [post] = [m for m in pact.emulator.messages(world.channel) if m["ts"] == ts]
    assert "Kubernetes deep dive" not in text_of(post)
    with session_scope(pact.engine) as s:  # nor the copy Pact keeps of what it posted
        stored = s.exec(select(OutboxMessage)).one()
        assert "Kubernetes deep dive" not in stored.text + json.dumps(stored.blocks)
    assert pact.emulator.violations == []


# ---- messages still waiting in the outbox follow the plan as it is now ------------------------


def test_a_waiting_celebration_is_withdrawn_when_the_objective_becomes_private(pact, world):
    from scheduling.outbox import deliver_due

    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", title="Kubernetes deep dive")
    pact.emulator.fail_next("chat.postMessage", error="not_in_channel")
    log_progress(pact, world.owner, oid, 100)
    assert pact.emulator.messages(world.channel) == []  # waiting for Pact to be invited
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_EDIT_OBJECTIVE, value=str(oid),
                            view=summary)
    edit = opened(pact, "views.push")
    assert not pact.slack.view_submission(user=world.owner, view=edit, values=objective_values(
        title="Kubernetes deep dive", visibility="private", status="done",
        progress="100")).body
    pact.wait_idle()
    deliver_due(pact.engine, pact.client, utcnow() + timedelta(hours=2), kinds=pact.services.kinds)
    assert "Kubernetes deep dive" not in text_of(pact.emulator.messages(world.channel))
    with session_scope(pact.engine) as s:
        row = s.exec(select(OutboxMessage).where(
            OutboxMessage.idempotency_key == f"celebrate:objective:{oid}")).one()
        assert row.status == "skipped"


def test_a_waiting_manager_dm_never_carries_a_section_made_private(pact, world):
    from scheduling.outbox import deliver_due

    pact.emulator.fail_next("chat.postMessage", status=429, retry_after=600)
    create_plan(pact, world, aspiration="Become CTO", aspiration_visibility="manager")
    assert pact.emulator.dms(world.manager) == []  # rate limited: waiting
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_EDIT_PLAN, view=summary)
    form = opened(pact, "views.push")
    assert not pact.slack.view_submission(user=world.owner, view=form, values=plan_values(
        aspiration="Become CTO", aspiration_visibility="private",
        manager=world.manager)).body
    pact.wait_idle()
    deliver_due(pact.engine, pact.client, utcnow() + timedelta(hours=1), kinds=pact.services.kinds)
    [dm] = pact.emulator.dms(world.manager)
    assert "chose you as their manager" in dm["text"]
    assert "Become CTO" not in text_of(dm)
    assert check_message_blocks(dm["blocks"]) == []


def test_editing_an_objective_keeps_its_link_to_a_goal_no_longer_active(pact, world):
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", goal=world.goal_id)
    with session_scope(pact.engine) as s:
        s.get(Goal, world.goal_id).status = "achieved"
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_EDIT_OBJECTIVE, value=str(oid),
                            view=summary)
    edit = opened(pact, "views.push")
    assert check_view(edit) == []
    goal = next(b for b in edit["blocks"] if b["block_id"] == "goal")
    assert goal["element"]["initial_option"]["value"] == str(world.goal_id)
    answer = pact.slack.view_submission(user=world.owner, view=edit, values=objective_values(
        title="Run two sprint reviews", goal=world.goal_id, status="in_progress",
        progress="30"))
    assert not answer.body
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        o = s.get(Objective, oid)
        assert (o.title, o.goal_id) == ("Run two sprint reviews", world.goal_id)


def test_a_forged_summary_id_never_redraws_someone_elses_modal(pact, world):
    create_plan(pact, world)
    pact.slack.command("pdp", user=world.teammate)
    theirs = opened(pact)  # the teammate's own plan form, open on their screen
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_ADD_OBJECTIVE, view=summary)
    form = opened(pact, "views.push")
    form["private_metadata"] = seal({"summary": theirs["id"]},
                                    metadata_key(pact.services.settings))
    answer = pact.slack.view_submission(user=world.owner, view=form,
                                        values=objective_values(title="Mine alone"))
    assert not answer.body
    pact.wait_idle()
    assert current(pact, theirs)["callback_id"] == shared.PDP_PLAN_FORM
    assert "Mine alone" not in text_of(current(pact, theirs))


def test_a_waiting_lab_announcement_never_posts_an_objective_made_private(pact, world):
    from handlers.labs.blocks import announcement
    from scheduling.outbox import deliver_due
    from storage.queries import outbox

    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", title="Kubernetes deep dive")
    with session_scope(pact.engine) as s:  # announced while Pact was not in the channel yet
        lab = Lab(team_id=world.team_id, rule="every 2 weeks thu 15:00 from 2026-01-08")
        s.add(lab)
        s.flush()
        lab_session = LabSession(lab_id=lab.id, starts_at=utcnow() + timedelta(days=3),
                                 presenter_id=world.members["owner"], objective_id=oid,
                                 topic="Kubernetes deep dive")
        s.add(lab_session)
        s.flush()
        text, lab_blocks = announcement(lab_session.id, "Growth", lab_session.starts_at, 60,
                                        world.owner, "Kubernetes deep dive")
        mid = outbox.enqueue(s, workspace_id="T0PACT", key=f"lab_announce:{lab_session.id}",
                             channel=world.channel, text=text, blocks=lab_blocks,
                             kind="lab_announce", not_before=utcnow() + timedelta(minutes=30))
        assert mid is not None
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_EDIT_OBJECTIVE, value=str(oid),
                            view=summary)
    edit = opened(pact, "views.push")
    assert not pact.slack.view_submission(user=world.owner, view=edit, values=objective_values(
        title="Kubernetes deep dive", visibility="manager", status="in_progress",
        progress="10")).body
    pact.wait_idle()
    deliver_due(pact.engine, pact.client, utcnow() + timedelta(hours=1), kinds=pact.services.kinds)
    [post] = pact.emulator.messages(world.channel)
    assert "Learning lab" in text_of(post) and "to be announced" in text_of(post)
    assert "Kubernetes deep dive" not in text_of(post)
    assert pact.emulator.violations == []


def test_a_managers_review_reminder_opens_the_reports_plan(pact, world):
    create_plan(pact, world, aspiration="Lead a platform team", aspiration_visibility="manager")
    with session_scope(pact.engine) as s:
        pdp_id = s.exec(select(Pdp.id)).one()
    # the nudge's "Update now" carries the plan id
    pact.slack.block_action(user=world.manager, action_id=shared.PDP_OPEN, value=str(pdp_id),
                            channel="C0NOWHERE01")
    modal = opened(pact)
    assert check_view(modal) == []
    assert "Lead a platform team" in text_of(modal)
    assert any(e["action_id"] == shared.PDP_REVIEW_APPROVE for b in modal["blocks"]
               if b["type"] == "actions" for e in b["elements"])
    # anyone else with that id gets their own plan, nothing of the owner's
    pact.slack.block_action(user=world.teammate, action_id=shared.PDP_OPEN, value=str(pdp_id),
                            channel="C0NOWHERE01")
    theirs = opened(pact)
    assert theirs["callback_id"] == shared.PDP_PLAN_FORM
    assert "Lead a platform team" not in text_of(theirs)
