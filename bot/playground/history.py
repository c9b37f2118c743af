"""The demo's past, lived week by week on the playground's clock: each Monday the tick posts the
team's check-in and people answer it (progress, a milestone), thank each other with kudos and agree
a pact, so every date Pact stores and shows is spread over the weeks, as in a team that has used it
for a month; one of them is away at a conference as it ends."""

from __future__ import annotations

import time
from datetime import timedelta

from bot.playground.demo import LEAD, MEMBERS, TEAM_CHANNEL, click_on, fill, log_goal
from bot.playground.web import next_monday_10
from bot.playground.world import Playground

MAX, PRIYA, SAM, YUKI, OLA, TOMAS = MEMBERS

# Week by week: (who, goal title word, new value, note) answered on that week's check-in.
PROGRESS = (
    ((MAX, "Kubernetes", "1", "Passed the CKA exam!"), (LEAD, "CI build", "26",
                                                        "Remote cache on")),
    ((PRIYA, "Kubernetes", "2", "Priya too, second attempt"), (SAM, "CI build", "22",
                                                               "Docker layers cached")),
    ((SAM, "Kubernetes", "3", "Third one in"), (TOMAS, "CI build", "18",
                                                 "Tests split in four")),
    ((YUKI, "Kubernetes", "4", "Four of seven"), (LEAD, "CI build", "15", "Flaky tests fixed")),
)
KUDOS = (
    (LEAD, "kudos @max for running the study group every Thursday"),
    (PRIYA, "kudos @sam for the pairing session on network policies"),
    (MAX, "kudos @tomas @ola for splitting the test suite"),
    (YUKI, "kudos privately @priya for the exam tips"),
)
MILESTONES = {1: (MAX, "Study group running"), 2: (LEAD, "Caching in place")}


def live_weeks(pg: Playground, weeks: int) -> None:
    for week in range(weeks):
        monday = next_monday_10(pg.now(), "Europe/Berlin")
        pg.advance(to=monday + timedelta(hours=2))  # the check-in is out; people answer at noon
        for who, title, value, note in PROGRESS[week % len(PROGRESS)]:
            log_goal(pg, who, title, value, note)
        if week in MILESTONES:
            mark_milestone(pg, *MILESTONES[week])
        pg.advance(hours=26)  # Tuesday afternoon
        who, text = KUDOS[week % len(KUDOS)]
        pg.command(who, TEAM_CHANNEL, text)
        if week == 1:
            agree_pact(pg, SAM, MAX)
        if week == weeks - 1:  # away at a conference into next week: Home and the lab show it
            until = (pg.now() + timedelta(days=8)).date().isoformat()
            pg.command(OLA, pg.emulator.dm_channel(OLA), f"away until {until} At KubeCon")
        pg.executor.wait_idle(10)
        pg._settle()


def mark_milestone(pg: Playground, who: str, title: str) -> None:
    """Mark the milestone done from the latest post with its button (the week's check-in)."""
    from sqlmodel import select

    from storage.engine import session_scope
    from storage.models import Milestone

    with session_scope(pg.services.engine) as session:
        mid = session.exec(select(Milestone.id).where(Milestone.title == title)).first()
    for msg in reversed(pg.emulator.messages(TEAM_CHANNEL)):
        for b in msg.get("blocks", []):
            for e in b.get("elements", []) if b.get("type") == "actions" else []:
                if e.get("action_id") == "milestone_mark_done" and e.get("value") == str(mid):
                    pg.click(who, {"type": "button", "action_id": e["action_id"],
                                   "block_id": b.get("block_id", ""), "value": e["value"]},
                             channel=TEAM_CHANNEL, message_ts=msg["ts"])
                    return


def agree_pact(pg: Playground, supporter: str, owner: str) -> None:
    """`supporter` offers help on one of `owner`'s team-visible objectives from their Home tab,
    and `owner` accepts the offer from the DM Pact sends."""
    pg.open_home(supporter)
    home = _eventually(lambda: _with_help_button(pg.emulator.home_view(supporter), owner),
                       "I'll help button for the owner on the supporter's Home")
    block, el = _help_button(home, owner)
    pg.click(supporter, {"type": "button", "action_id": el["action_id"],
                         "block_id": block.get("block_id", ""), "value": el.get("value", "")},
             view_id=home["id"])
    _eventually(lambda: pg.modal_of(supporter), "the offer form")
    fill(pg, supporter, {"kind": "pairing", "text": "Pair on preparing the review, Fridays",
                         "cadence": "weekly"})
    dm = pg.emulator.dm_channel(owner)
    offer = _eventually(lambda: next((m for m in reversed(pg.emulator.messages(dm))
                                      if "pact_accept" in str(m.get("blocks"))), None),
                        "the offer in the owner's DM",
                        meanwhile=lambda: pg.advance(hours=0))  # a paced DM goes at a tick
    click_on(pg, owner, {**offer, "channel": dm}, "pact_accept")
    pg.executor.wait_idle(10)


def _help_button(home: dict, owner: str) -> tuple[dict, dict] | None:
    """The I'll help button beside one of `owner`'s objectives."""
    return next(((b, b["accessory"]) for b in home.get("blocks", [])
                 if (b.get("accessory") or {}).get("action_id", "").startswith("pact_help")
                 and f"<@{owner}>" in (b.get("text") or {}).get("text", "")), None)


def _with_help_button(home: dict | None, owner: str) -> dict | None:
    return home if home and _help_button(home, owner) else None


def _eventually(find, what: str, meanwhile=lambda: None, timeout: float = 15.0):
    """What `find` finds once Pact has done what it does after its answers (lazy listeners,
    messages the outbox paced to the next tick)."""
    end = time.monotonic() + timeout
    while (found := find()) is None:
        if time.monotonic() > end:
            raise RuntimeError(f"the demo's pact: no {what}")
        time.sleep(0.2)
        meanwhile()
    return found
