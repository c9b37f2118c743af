"""Privacy by construction: whatever a plan holds and whoever looks, nobody sees more than the
owner allowed.

Random plans (sections and objectives with random visibility, reviews, progress notes,
history), random viewers (owner, manager, teammate, stranger, admin). Every surface a viewer
can reach is rendered from the stored plan, exactly as the handlers render it, and no text
marked beyond the viewer's reach may appear anywhere in it.
"""

from __future__ import annotations

import itertools
import json
import logging
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlmodel import select

from bot.playground.emulator import check_message_blocks, check_view
from bot.rules.visibility import (
    TEAM_AUDIENCE,
    PlanFacts,
    Viewer,
    may_see,
    relation,
    view_plan,
)
from handlers.pacts import service as pacts
from handlers.pdp import surfaces
from handlers.pdp import views as blocks
from handlers.pdp.export import export_json, export_markdown
from handlers.pdp.reviews import add_review
from handlers.pdp.service import create_plan
from storage.engine import session_scope
from storage.models import (
    Goal,
    Member,
    Objective,
    OutboxMessage,
    Pact,
    PactCheckin,
    Pdp,
    PdpChange,
    PdpReview,
    ProgressUpdate,
)
from storage.queries import pdp as q
from storage.types import utcnow
from tests.test_pdp_world import ROLES, make_world

LEVELS = ("private", "manager", "team")
# What each role may see, written out independently of the policy under test.
REACH = {"owner": {"private", "manager", "team"}, "manager": {"manager", "team"},
         "teammate": {"team"}, "stranger": set(), "admin": set()}

# Noise around the secret tokens: lower case and mrkdwn's special characters, never a token.
noise = st.text(alphabet="abc xyz<>&*_~`\n", max_size=30)


@st.composite
def objectives(draw):
    return {"noise": draw(noise), "visibility": draw(st.sampled_from(LEVELS)),
            "status": draw(st.sampled_from(("not_started", "in_progress", "done", "dropped"))),
            "progress": draw(st.integers(0, 100)), "linked": draw(st.booleans())}


@st.composite
def plans(draw):
    """A plan whose every piece of text is a distinct token, so a leak is easy to spot."""
    counter = itertools.count()

    def token(kind: str) -> str:
        return f"Q{kind}{next(counter):04d}Z"

    items = draw(st.lists(objectives(), max_size=6))
    for o in items:
        o.update(title=token("TITLE"), skill=token("SKILL"), actions=token("ACT"),
                 note=token("NOTE"))
    return {
        "aspiration": token("ASP"), "aspiration_visibility": draw(st.sampled_from(LEVELS)),
        "skill_gaps": token("GAP"), "skill_gaps_visibility": draw(st.sampled_from(LEVELS)),
        "noise": draw(noise),
        "has_manager": draw(st.booleans()),
        "review_comment": token("REVIEW") if draw(st.booleans()) else None,
        "requested": draw(st.booleans()),
        "objectives": items,
    }


def store_plan(engine, world, plan) -> int:
    now = utcnow()
    with session_scope(engine) as s:
        pdp = create_plan(s, world.members["owner"], now - timedelta(days=40))
        pdp.aspiration = f"{plan['noise']} {plan['aspiration']} {plan['noise']}"
        pdp.aspiration_visibility = plan["aspiration_visibility"]
        pdp.skill_gaps = f"{plan['skill_gaps']}{plan['noise']}"
        pdp.skill_gaps_visibility = plan["skill_gaps_visibility"]
        pdp.manager_id = world.members["manager"] if plan["has_manager"] else None
        pdp.review_requested_at = now if plan["requested"] and plan["has_manager"] else None
        s.add(pdp)
        s.flush()
        q.record_change(s, pdp, world.members["owner"], "Created the plan")
        for o in plan["objectives"]:
            objective = Objective(
                pdp_id=pdp.id, title=f"{o['title']} {o['noise']}", skill=o["skill"],
                actions=f"{o['noise']}{o['actions']}", visibility=o["visibility"],
                status=o["status"], progress=100 if o["status"] == "done" else o["progress"],
                goal_id=world.goal_id if o["linked"] else None,
                done_at=now if o["status"] == "done" else None,
                target_date=(now + timedelta(days=20)).date())
            s.add(objective)
            s.flush()
            s.add(ProgressUpdate(objective_id=objective.id, member_id=world.members["owner"],
                                 value=float(objective.progress), note=o["note"]))
            q.record_change(s, pdp, world.members["owner"], f"Added objective “{o['title']}”",
                            objective_id=objective.id)
        if plan["review_comment"] and plan["has_manager"]:
            add_review(s, pdp, world.members["manager"], "commented", plan["review_comment"],
                       now)
        store_pacts(s, world, pdp.id, now)
        return pdp.id


def store_pacts(s, world, pdp_id: int, now) -> None:
    """Every other role supports every objective (an active pact, or an ask waiting for an
    answer), whatever the policy says, as if the visibility changed after they agreed; the
    owner is stuck on each, so the DMs wait in the outbox."""
    for n, (o, role) in enumerate(itertools.product(q.objectives_of(s, pdp_id),
                                                    [r for r in ROLES if r != "owner"])):
        active = n % 3 != 0
        s.add(Pact(workspace_id="T0PACT", owner_id=world.members["owner"],
                   supporter_id=world.members[role], objective_id=o.id,
                   origin="offer" if n % 2 else "ask", status="active" if active else "proposed",
                   cadence="weekly", created_at=now, accepted_at=now if active else None,
                   supporter_checkin_on=now.date(), owner_checkin_on=now.date()))
    s.flush()
    for o in q.objectives_of(s, pdp_id):
        pacts.stuck(s, "T0PACT", world.users["owner"], o.id, "QSTUCKNOTE", None, now)
        pacts.progress_changed(s, o.id, now)


def pact_surfaces(session, viewer: Member) -> dict[str, object]:
    """What pacts show `viewer`: listings, Home, the DMs built for them or waiting for them."""
    from handlers.pacts import blocks as pacts_ui
    from handlers.pacts.seen import _ask_message, progress_message
    from storage.queries import pacts as pq
    mine = pq.pacts_of(session, viewer.id, statuses=("proposed", "active"))
    out: dict[str, object] = {
        "/pact pacts": pacts_ui.pacts_message(*pacts.listing(session, viewer)),
        "home: teammates": pacts_ui.teammates_section(pacts.teammates_objectives(session,
                                                                                 viewer)),
        "export: pacts": json.dumps(pacts.export_of(session, viewer), default=str),
    }
    items = pacts.checkin_items(session, viewer.id, [p.id for p in mine])
    if items:
        out["check-in DM"] = pacts_ui.checkin_dm(items)
    for p in mine:
        if p.supporter_id == viewer.id:
            out[f"ask DM {p.id}"] = _ask_message(session, p)
            out[f"progress DM {p.id}"] = progress_message(session, p)
            out[f"offer modal {p.id}"] = pacts.offer_target(session, "T0PACT",
                                                            viewer.slack_user_id,
                                                            f"o:{p.objective_id}")[0]
        if pacts._decider(p) == viewer.id:
            out[f"answered DM {p.id}"] = pacts.answered(session, p)
    waiting = session.exec(select(OutboxMessage).where(
        OutboxMessage.channel == viewer.slack_user_id)).all()
    for m in waiting:
        out[f"outbox DM {m.id} ({m.kind})"] = {"text": m.text, "blocks": m.blocks} \
            if m.blocks else m.text
    return {k: v for k, v in out.items() if v is not None}


def clear_plans(engine) -> None:
    with session_scope(engine) as s:
        for model in (PactCheckin, Pact, ProgressUpdate, PdpChange, PdpReview, Objective, Pdp,
                      OutboxMessage):
            s.execute(delete(model))


def forbidden_tokens(plan, role: str) -> dict[str, str]:
    """Token -> why it is beyond `role`'s reach, for this plan."""
    reach = set(REACH[role])
    if role == "manager" and not plan["has_manager"]:
        reach = set()  # not this plan's manager: a stranger
    out = {}
    if plan["aspiration_visibility"] not in reach:
        out[plan["aspiration"]] = f"aspiration ({plan['aspiration_visibility']})"
    if plan["skill_gaps_visibility"] not in reach:
        out[plan["skill_gaps"]] = f"skill gaps ({plan['skill_gaps_visibility']})"
    for o in plan["objectives"]:
        for key in ("title", "skill", "actions"):
            if o["visibility"] not in reach:
                out[o[key]] = f"objective {key} ({o['visibility']})"
        if role != "owner":
            out[o["note"]] = "progress note (owner only)"
    if plan["review_comment"] and role not in ("owner",) and not (
            role == "manager" and plan["has_manager"]):
        out[plan["review_comment"]] = "review comment (owner and reviewer)"
    return out


def surfaces_for(session, world, role: str, pdp_id: int) -> dict[str, object]:
    """Everything `role` can reach, rendered the way the handlers render it."""
    now = utcnow()
    viewer = session.get(Member, world.members[role])
    owner = session.get(Member, world.members["owner"])
    pdp = session.get(Pdp, pdp_id)
    goal = session.get(Goal, world.goal_id)
    out: dict[str, object] = {
        "/pact pdp @owner": surfaces.plan_message(session, owner, owner.slack_user_id, viewer,
                                                  now),
        "report modal (any plan id)": surfaces.report_modal(session, pdp, viewer, now),
        "own home": surfaces.home_section(session, viewer, 90, now),
        "reviews waiting": surfaces.manager_home_section(session, viewer, 40),
        "/pact pdp reports": surfaces.reports(session, viewer, now),
        "goal details": surfaces.goal_section(session, goal, viewer),
        "team goals on home": surfaces.goals_home_section(session, viewer, 90),
    }
    if role == "manager" and pdp.manager_id == viewer.id:
        out["manager DM (chosen)"] = surfaces.manager_dm(session, pdp, now, "chosen")
        out["manager DM (review)"] = surfaces.manager_dm(session, pdp, now, "review")
    if role in ("owner", "teammate"):  # the team channel
        for o in q.objectives_of(session, pdp_id):
            if o.status == "done":
                out[f"celebration {o.id}"] = surfaces.celebration_post(session, pdp, o.id)
    out.update(pact_surfaces(session, viewer))
    if role == "owner":
        own = surfaces.own_view(session, pdp, owner)
        out["summary modal"] = blocks.summary_modal(own, now)
        out["history"] = blocks.history_modal(own)
        out["export json"] = export_json(own, exported_at=now, workspace="T0PACT")
        out["export md"] = export_markdown(own, exported_at=now, names={})
        for o in q.objectives_of(session, pdp_id):
            out[f"congratulation {o.id}"] = surfaces.congratulation(session, pdp, o.id)
    return out


@pytest.fixture
def stored_world(engine):
    return make_world(engine)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(plan=plans())
def test_no_surface_shows_anything_beyond_the_viewers_reach(engine, stored_world, plan):
    clear_plans(engine)
    pdp_id = store_plan(engine, stored_world, plan)
    with session_scope(engine) as session:
        for role in ROLES:
            rendered = surfaces_for(session, stored_world, role, pdp_id)
            forbidden = forbidden_tokens(plan, role)
            for name, thing in rendered.items():
                text = thing if isinstance(thing, str) else json.dumps(thing, ensure_ascii=False)
                for secret, why in forbidden.items():
                    assert secret not in text, f"{role} sees {why} in {name}"
                if isinstance(thing, dict) and thing.get("type") in ("modal", "home"):
                    assert check_view(thing) == [], name
                elif isinstance(thing, dict) and "blocks" in thing:
                    assert thing.get("text") and check_message_blocks(thing["blocks"]) == []
                elif isinstance(thing, list) and thing:
                    assert check_message_blocks(thing) == [], name
            # what the viewer may see is really there (the policy is not just "show nothing")
            allowed = REACH[role] if role != "manager" or plan["has_manager"] else set()
            message = json.dumps(rendered["/pact pdp @owner"])
            if plan["aspiration_visibility"] in allowed:
                assert plan["aspiration"] in message
            for o in plan["objectives"]:
                if o["visibility"] in allowed and o["status"] in ("not_started",
                                                                  "in_progress"):
                    assert o["title"] in message
    clear_plans(engine)


# ---- the policy itself -----------------------------------------------------------------------


viewers = st.builds(Viewer, member_id=st.integers(1, 5), is_owner=st.booleans(),
                    is_manager=st.booleans(), is_teammate=st.booleans(),
                    is_admin=st.booleans())


@given(viewer=viewers, level=st.sampled_from(LEVELS + ("public", "", "TEAM")))
def test_may_see_matches_the_written_rules(viewer, level):
    expected = viewer.is_owner or (level == "manager" and viewer.is_manager) or (
        level == "team" and (viewer.is_manager or viewer.is_teammate))
    assert may_see(viewer, level) == expected


@given(viewer=viewers, plan=plans())
def test_view_plan_never_carries_what_may_not_be_seen(viewer, plan):
    now = utcnow()
    facts = PlanFacts(
        pdp_id=1, owner_id=1, owner_user="U1", manager_id=2, manager_user="U2",
        aspiration=plan["aspiration"], aspiration_visibility=plan["aspiration_visibility"],
        skill_gaps=plan["skill_gaps"], skill_gaps_visibility=plan["skill_gaps_visibility"],
        cadence_months=3, last_review_at=None, next_review_at=now, review_requested_at=None,
        created_at=now)
    seen = view_plan(facts, viewer)
    assert (seen.aspiration is not None) == may_see(viewer, plan["aspiration_visibility"])
    assert (seen.skill_gaps is not None) == may_see(viewer, plan["skill_gaps_visibility"])
    assert (seen.dates is not None) == (viewer.is_owner or viewer.is_manager or viewer.is_admin)
    assert seen.history == () or viewer.is_owner
    if not (viewer.is_owner or viewer.is_manager or viewer.is_teammate):
        assert not seen.shares_content  # admins and strangers: no content, ever


def test_channel_audience_is_a_teammate_only():
    assert TEAM_AUDIENCE.relations == ("teammate",)
    assert relation(None, owner_id=1, manager_id=2, teammate_ids={3},
                    viewer_is_admin=True) == Viewer()
    assert relation(2, owner_id=1, manager_id=2, teammate_ids={3},
                    viewer_is_admin=False).relations == ("manager",)


def test_nothing_private_reaches_the_logs(pact, caplog):
    """The whole journey at INFO level: no log line carries what someone wrote."""
    from tests.test_pdp import add_objective, create_plan, log_progress

    caplog.set_level(logging.INFO)
    world = make_world(pact.engine, pact.emulator)
    create_plan(pact, world, aspiration="QLOGASPIRATIONZ", skill_gaps="QLOGGAPSZ")
    oid = add_objective(pact, world, title="QLOGTITLEZ", visibility="private")
    log_progress(pact, world.owner, oid, 100, note="QLOGNOTEZ")
    pact.slack.command(f"pdp <@{world.owner}|owner>", user=world.teammate)
    pact.slack.command("pdp export", user=world.owner)
    pact.wait_idle()
    assert pact.emulator.uploaded_files()
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "objective" in logged  # it did log, by id
    for secret in ("QLOGASPIRATIONZ", "QLOGGAPSZ", "QLOGTITLEZ", "QLOGNOTEZ"):
        assert secret not in logged
    with session_scope(pact.engine) as s:
        assert s.exec(select(Objective)).one().status == "done"


# ---- pacts, asks and their DMs (handlers/pacts) -------------------------------------------------


def _clear_pacts(engine) -> None:
    from storage.models import Pact, PactCheckin
    with session_scope(engine) as s:
        s.execute(delete(PactCheckin))
        s.execute(delete(Pact))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(plan=plans())
def test_pacts_never_show_a_supporter_more_than_the_policy_allows(engine, stored_world, plan):
    """Whatever pacts exist on a plan (made while it was shared, then narrowed), a recheck ends
    those on objectives the supporter may not see; an offer is possible exactly on what they
    may see; nothing a supporter receives or lists carries a token beyond their reach."""
    from handlers.pacts import blocks as pact_blocks
    from handlers.pacts import service as pacts
    from storage.models import Pact
    _clear_pacts(engine)
    clear_plans(engine)
    pdp_id = store_plan(engine, stored_world, plan)
    now = utcnow()
    supporters = ("manager", "teammate", "stranger", "admin")
    with session_scope(engine) as s:
        for o in q.objectives_of(s, pdp_id):
            for role in supporters:
                member = s.get(Member, stored_world.members[role])
                title, refusal = pacts.offer_target(s, "T0PACT", member.slack_user_id,
                                                    f"o:{o.id}")
                reach = REACH[role] if role != "manager" or plan["has_manager"] else set()
                visible = o.visibility in reach
                assert (refusal is None) == (visible and o.status not in ("done", "dropped"))
                s.add(Pact(workspace_id="T0PACT", owner_id=stored_world.members["owner"],
                           supporter_id=member.id, objective_id=o.id, origin="offer",
                           status="active", cadence="weekly", created_at=now))
                s.flush()
                pacts.progress_changed(s, o.id, now)
        pacts.recheck_plan(s, s.get(Pdp, pdp_id), now)
        s.flush()
        for role in supporters:
            member = s.get(Member, stored_world.members[role])
            reach = REACH[role] if role != "manager" or plan["has_manager"] else set()
            for pact in s.exec(select(Pact).where(Pact.supporter_id == member.id)):
                o = s.get(Objective, pact.objective_id)
                if pact.status == "active":
                    assert o.visibility in reach and o.status != "done"
            rendered = {
                "/pact pacts": pact_blocks.pacts_message(*pacts.listing(s, member)),
                "teammates on home": pact_blocks.teammates_section(
                    pacts.teammates_objectives(s, member)),
                "their DMs": [m.text + json.dumps(m.blocks) for m in s.exec(select(
                    OutboxMessage).where(OutboxMessage.channel == member.slack_user_id,
                                         OutboxMessage.status == "pending"))],
                "export": pacts.export_of(s, member),
            }
            forbidden = forbidden_tokens(plan, role)
            for name, thing in rendered.items():
                text = json.dumps(thing, ensure_ascii=False, default=str)
                for secret, why in forbidden.items():
                    assert secret not in text, f"{role} sees {why} in {name}"
    _clear_pacts(engine)
    clear_plans(engine)
