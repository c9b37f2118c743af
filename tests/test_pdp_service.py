"""Development plan use cases called directly with a session: no Slack, no HTTP."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.rules.pdp import PlanInput, add_months
from handlers.kit import refusals
from handlers.pdp import objectives, reviews, service
from storage.engine import session_scope
from storage.models import Objective, OutboxMessage, Pdp, PdpReview
from storage.types import utcnow
from tests.test_pdp_world import WORKSPACE, make_world


def plan(manager=None, aspiration="QASPIRATIONZ", visibility="manager") -> PlanInput:
    return PlanInput(aspiration=aspiration, aspiration_visibility=visibility, skill_gaps="",
                     skill_gaps_visibility="private", manager_user=manager, cadence_months=3)


def draft(title="Kubernetes deep dive", visibility="team") -> objectives.ObjectiveDraft:
    return objectives.ObjectiveDraft(title=title, skill="", actions="", target_date=None,
                                  goal_id=None, status=None, progress=None,
                                  visibility=visibility)


def rows(engine, **where) -> list[OutboxMessage]:
    with session_scope(engine) as s:
        found = s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [m for m in found if all(getattr(m, k) == v for k, v in where.items())]


def content(message: OutboxMessage) -> str:
    return message.text + json.dumps(message.blocks)


def test_narrowing_a_section_rewrites_the_managers_waiting_dm(engine):
    world = make_world(engine)
    now = utcnow()
    with session_scope(engine) as s:
        made = service.save_plan(s, WORKSPACE, world.owner, plan(world.manager), editing=None,
                                 now=now)
        assert made.created and made.changed and made.refusal is None
        pdp_id = made.pdp.id
    [dm] = rows(engine, channel=world.manager)
    assert "QASPIRATIONZ" in content(dm) and dm.status == "pending"
    with session_scope(engine) as s:
        edited = service.save_plan(s, WORKSPACE, world.owner,
                                   plan(world.manager, visibility="private"), editing=pdp_id,
                                   now=now)
        assert edited.refusal is None and not edited.created
    [dm] = rows(engine, channel=world.manager)
    assert dm.status == "pending" and "QASPIRATIONZ" not in content(dm)


def test_making_a_done_objective_private_withdraws_its_waiting_celebration(engine):
    world = make_world(engine)
    now = utcnow()
    with session_scope(engine) as s:
        assert objectives.save_objective(s, WORKSPACE, world.owner, None, draft(), now).pdp
        oid = s.exec(select(Objective.id)).one()
    with session_scope(engine) as s:
        done = objectives.log_progress(s, WORKSPACE, world.owner, oid, 100, "", {}, now)
        assert done.refusal is None and not done.errors
    [post] = rows(engine, channel=world.channel)
    assert post.status == "pending" and "Kubernetes deep dive" in content(post)
    with session_scope(engine) as s:
        hidden = objectives.save_objective(s, WORKSPACE, world.owner, oid,
                                        draft(visibility="private"), now)
        assert hidden.refusal is None and not hidden.errors
    [post] = rows(engine, channel=world.channel)
    assert post.status == "skipped"


def test_an_objective_is_celebrated_once_and_only_its_owner_logs_progress(engine):
    world = make_world(engine)
    now = utcnow()
    with session_scope(engine) as s:
        objectives.save_objective(s, WORKSPACE, world.owner, None, draft(), now)
        oid = s.exec(select(Objective.id)).one()
    with session_scope(engine) as s:
        refused = objectives.log_progress(s, WORKSPACE, world.teammate, oid, 100, "", {}, now)
        assert refused.refusal == refusals.PLAN_NOT_YOURS
    assert rows(engine) == []
    for _ in range(2):
        with session_scope(engine) as s:
            objectives.log_progress(s, WORKSPACE, world.owner, oid, 100, "", {}, now)
    assert len(rows(engine, kind="objective_celebration")) == 1
    with session_scope(engine) as s:
        assert s.get(Objective, oid).status == "done"


def test_an_edit_form_never_edits_someone_elses_plan(engine):
    world = make_world(engine)
    now = utcnow()
    with session_scope(engine) as s:
        owners = service.save_plan(s, WORKSPACE, world.owner, plan(), editing=None, now=now)
        service.save_plan(s, WORKSPACE, world.teammate, plan(), editing=None, now=now)
        owners_id = owners.pdp.id
    with session_scope(engine) as s:
        forged = service.save_plan(s, WORKSPACE, world.teammate, plan(aspiration="Hijacked"),
                                   editing=owners_id, now=now)
        assert forged.refusal == refusals.PLAN_NOT_YOURS and forged.pdp is None
    with session_scope(engine) as s:
        assert s.get(Pdp, owners_id).aspiration == "QASPIRATIONZ"


def test_only_the_chosen_manager_approves_and_a_double_click_counts_once(engine):
    world = make_world(engine)
    now = utcnow()
    with session_scope(engine) as s:
        pdp_id = service.save_plan(s, WORKSPACE, world.owner, plan(world.manager),
                                   editing=None, now=now).pdp.id
    with session_scope(engine) as s:
        assert reviews.approve(s, WORKSPACE, world.teammate, pdp_id, now).refusal \
            == refusals.PLAN_NOT_MANAGER
        assert reviews.approve(s, WORKSPACE, world.owner, pdp_id, now).refusal \
            == refusals.PLAN_NOT_MANAGER  # nobody reviews their own plan
    with session_scope(engine) as s:
        assert reviews.approve(s, WORKSPACE, world.manager, pdp_id, now).recorded
    with session_scope(engine) as s:
        assert not reviews.approve(s, WORKSPACE, world.manager, pdp_id, now).recorded
        pdp = s.get(Pdp, pdp_id)
        assert pdp.last_review_at == now and pdp.next_review_at == add_months(now, 3)
        assert len(s.exec(select(PdpReview)).all()) == 1
    assert len(rows(engine, channel=world.owner, kind="pdp_review")) == 1
