"""A believable team to play with, made the way its people would make it: through `/pact`,
buttons and modals, so the demo is Pact's own behaviour and never a copy of its tables.

A fresh world is given a past: the team starts four weeks ago on the playground's clock, and the
weeks are lived one by one (the tick posts each check-in, people answer them, log progress, thank
each other, agree a pact), so charts, reports and Home show a history dated over those weeks.

The people and channels have fixed ids: a playground database made earlier still matches them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.playground.world import Person, Playground

LEAD = "U0LEADLENA"
MANAGER = "U0MGRMARIA"
ADMIN = "U0ADMINADA"
MEMBERS = ("U0MEMBMAXX", "U0MEMBPRIY", "U0MEMBSAMM", "U0MEMBYUKI", "U0MEMBOLAA", "U0MEMBTOMS")
TEAM_CHANNEL = "C0PLATFORM"
RANDOM_CHANNEL = "C0RANDOMCH"

PEOPLE = (
    Person(LEAD, "lena", "Lena Fischer", "Europe/Berlin", "lead", MANAGER),
    Person(MEMBERS[0], "max", "Max Weber", "Europe/Berlin", "member", MANAGER),
    Person(MEMBERS[1], "priya", "Priya Nair", "Asia/Kolkata", "member", MANAGER),
    Person(MEMBERS[2], "sam", "Sam Carter", "America/New_York", "member", MANAGER),
    Person(MEMBERS[3], "yuki", "Yuki Tanaka", "Asia/Tokyo", "member", MANAGER),
    Person(MEMBERS[4], "ola", "Ola Nordmann", "Europe/Berlin", "member", MANAGER),
    Person(MEMBERS[5], "tomas", "Tomás Silva", "America/New_York", "member", MANAGER),
    Person(MANAGER, "maria", "Maria Rossi", "Europe/Rome", "manager"),
    Person(ADMIN, "ada", "Ada Admin", "Europe/London", "admin", is_admin=True),
)


def add_people(pg: Playground) -> None:
    """Everyone and every channel of the demo workspace (also for an existing database)."""
    for person in PEOPLE:
        pg.add_person(person)
    pg.add_channel(TEAM_CHANNEL, "platform-team", [LEAD, *MEMBERS])
    pg.add_channel(RANDOM_CHANNEL, "random", [p.id for p in PEOPLE])


def fill(pg: Playground, user: str, values: dict) -> None:
    """Submit the person's open modal with {block_id: raw value}, as typed in the form."""
    view = pg.modal_of(user)
    if view is None:
        raise RuntimeError(f"no modal open for {user}")
    by_block = {}
    for block in view.get("blocks", []):
        if block.get("type") == "input" and block.get("block_id") in values:
            by_block[block["block_id"]] = {block["element"]["action_id"]:
                                           values[block["block_id"]]}
    answer = pg.submit(user, view["id"], by_block)
    errors = pg.errors.get(view["id"])
    if answer.status != 200 or errors:
        raise RuntimeError(f"demo form {view.get('callback_id')} refused: {errors or answer}")


def click_on(pg: Playground, user: str, msg: dict, action_id: str) -> None:
    for block in msg.get("blocks", []):
        for el in block.get("elements", []) if block.get("type") == "actions" else []:
            if el.get("action_id") == action_id:
                pg.click(user, {"type": "button", "action_id": action_id,
                                "block_id": block.get("block_id", ""),
                                "value": el.get("value", "")},
                         channel=msg["channel"], message_ts=msg["ts"])
                return
    raise RuntimeError(f"no {action_id} on the post")


def press_in_modal(pg: Playground, user: str, action_id: str) -> None:
    view = pg.modal_of(user)
    for block in view.get("blocks", []):
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        if block.get("accessory"):
            elements = [block["accessory"]]
        for el in elements:
            if el.get("action_id") == action_id:
                pg.click(user, {"type": "button", "action_id": action_id,
                                "block_id": block.get("block_id", ""),
                                "value": el.get("value", "")}, view_id=view["id"])
                return
    raise RuntimeError(f"no {action_id} in {view.get('callback_id')}")


def _day(pg: Playground, days: int) -> str:
    return (pg.now() + timedelta(days=days)).date().isoformat()


HISTORY_WEEKS = 4


def seed(pg: Playground) -> None:
    """The team, two shared goals with milestones and weeks of progress, plans, a lab rotation,
    kudos and a pact. A fresh world starts `HISTORY_WEEKS` back and is lived up to now."""
    fresh = not _has_teams(pg)
    if fresh:
        pg.start_clock_at(datetime.now(UTC) - timedelta(weeks=HISTORY_WEEKS, days=1))
    _start(pg)
    if fresh:
        from bot.playground import history

        history.live_weeks(pg, HISTORY_WEEKS)
        pg.advance(to=datetime.now(UTC))


def _has_teams(pg: Playground) -> bool:
    from sqlmodel import select

    from storage.engine import session_scope
    from storage.models import Team

    with session_scope(pg.services.engine) as session:
        return session.exec(select(Team.id).limit(1)).first() is not None


def _start(pg: Playground) -> None:
    """Week one: the team, its goals and who joined them, three plans, the lab rotation."""
    pg.command(LEAD, TEAM_CHANNEL, "team setup")
    fill(pg, LEAD, {"name": "Platform", "leads": [LEAD], "members": list(MEMBERS),
                    "tz": "Europe/Berlin", "weekday": "mon", "time": "10:00"})
    goals = (("Everyone certified in Kubernetes", "people certified", "0", "7", "people", 75,
              (("Study group running", 10), ("Half of us certified", 40))),
             ("Cut the CI build to 10 minutes", "minutes per build", "30", "10", "minutes", 60,
              (("Caching in place", 14), ("Tests split in parallel", 35))))
    for title, metric, baseline, target, unit, due, milestones in goals:
        pg.command(LEAD, TEAM_CHANNEL, "goal new")
        values = {"title": title, "metric": metric, "baseline": baseline, "target": target,
                  "unit": unit, "due": _day(pg, due), "project": "https://example.com/platform"}
        for row, (m_title, m_day) in enumerate(milestones):
            values[f"ms_title_{row}"] = m_title
            values[f"ms_date_{row}"] = _day(pg, m_day)
        fill(pg, LEAD, values)
    posts = [m for m in pg.emulator.messages(TEAM_CHANNEL) if "goal_join" in str(m["blocks"])]
    for post, joining in zip(posts, (MEMBERS[:5], MEMBERS[1:4]), strict=False):
        for member in joining:
            click_on(pg, member, post, "goal_join")
    _plans(pg)
    pg.command(LEAD, TEAM_CHANNEL, "lab setup")
    fill(pg, LEAD, {"cadence": "every second Thursday 15:00", "duration": "60",
                    "announce": "3", "members": [LEAD, *MEMBERS]})
    _skills(pg)


# Skill profiles, so the team's matrix and a mentor round have something to work with.
SKILLS = {
    LEAD: "Kubernetes 5 mentor\nCI pipelines 4 mentor\nPublic speaking 2 learn",
    MEMBERS[0]: "Kubernetes 4 mentor\nSQL 1 learn",
    MEMBERS[1]: "SQL 5 mentor\nKubernetes 2 learn",
    MEMBERS[2]: "CI pipelines 3 mentor\nKubernetes 1 learn",
    MEMBERS[3]: "Public speaking 4 mentor\nSQL 2 learn",
    MEMBERS[4]: "Kubernetes 1 learn\nCI pipelines 1 learn",
}


def _skills(pg: Playground) -> None:
    for who, lines in SKILLS.items():
        pg.command(who, pg.emulator.dm_channel(who), "skills")
        fill(pg, who, {"skills": lines, "skills_visibility": "team", "skills_capacity": "1"})


def log_goal(pg: Playground, user: str, title_has: str, value: str, note: str) -> None:
    """Log progress on the goal from its latest post with a Log progress button for it (the
    week's check-in, once there is one; else the goal's own post)."""
    messages = pg.emulator.messages(TEAM_CHANNEL)
    goal = next((e.get("value") for m in messages if m.get("text", "").startswith("Shared goal:")
                 and title_has in m["text"] for b in m.get("blocks", [])
                 if b.get("type") == "actions" for e in b["elements"]
                 if e.get("action_id") == "goal_log_progress"), None)
    for msg in reversed(messages):
        for b in msg.get("blocks", []):
            for e in b.get("elements", []) if b.get("type") == "actions" else []:
                if e.get("action_id") == "goal_log_progress" and e.get("value") == goal:
                    pg.click(user, {"type": "button", "action_id": "goal_log_progress",
                                    "block_id": b.get("block_id", ""), "value": goal},
                             channel=TEAM_CHANNEL, message_ts=msg["ts"])
                    fill(pg, user, {"value": value, "mode": "set", "note": note})
                    return
    raise RuntimeError(f"no goal post about {title_has}")


def _plans(pg: Playground) -> None:
    plans = ((MEMBERS[0], "Lead the platform team one day", "Public speaking",
              (("Run a sprint review", "Facilitation", "team"),
               ("Mentor a new joiner", "Coaching", "manager"))),
             (MEMBERS[1], "Become a Kubernetes expert", "Networking",
              (("Pass the CKA", "Kubernetes", "team"),
               ("Ask for the staff role", "Career", "private"))),
             (MEMBERS[2], "Own our CI", "Build systems",
              (("Write the caching design", "Build systems", "team"),)))
    for owner, aspiration, gaps, objectives in plans:
        pg.command(owner, pg.emulator.dm_channel(owner), "pdp")
        fill(pg, owner, {"aspiration": aspiration, "aspiration_visibility": "manager",
                         "skill_gaps": gaps, "skill_gaps_visibility": "private",
                         "manager": MANAGER, "cadence": "3"})
        for title, skill, visibility in objectives:
            press_in_modal(pg, owner, "pdp_add_objective")
            fill(pg, owner, {"title": title, "skill": skill, "actions": "One step a week",
                             "target_date": _day(pg, 45), "goal": "none",
                             "visibility": visibility})
        view = pg.modal_of(owner)
        if view:
            pg.close(owner, view["root_view_id"])
