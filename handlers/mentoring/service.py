"""Skills and mentoring as use cases, without Slack: the controls (pause, opt out, a lead's
exclusions) here; profiles and the matrix in `skills`, rounds in `rounds`, what a pair does in
`pairs` (all re-exported here for callers)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from handlers.kit.blocks import mention
from handlers.mentoring.access import channel_team
from handlers.mentoring.pairs import (  # noqa: F401 - re-exported
    announce_booking,
    answer_followup,
    book,
    skip_pair,
)
from handlers.mentoring.rounds import (  # noqa: F401 - re-exported
    FOLLOW_UP_AFTER,
    RoundDone,
    introduce,
    round_people,
    run_round,
    set_window,
    start_round,
)
from handlers.mentoring.skills import (  # noqa: F401 - re-exported
    MAX_SKILLS,
    Matrix,
    ProfileForm,
    parse_skills,
    profile_form,
    save_profile,
    team_matrix,
)
from storage.queries import mentoring as mq
from storage.queries import teams as tq
from storage.queries.members import get_or_create_member


def parse_until(args: list[str]) -> date | None | str:
    """`[until] YYYY-MM-DD` → a date; nothing → None; anything else → "bad"."""
    words = [w for w in args if w.lower() != "until"]
    if not words:
        return None
    try:
        return date.fromisoformat(words[0])
    except ValueError:
        return "bad"


def pause(session: Session, workspace_id: str, user_id: str, until: date | None,
          now: datetime) -> str:
    member = get_or_create_member(session, workspace_id, user_id)
    prof = mq.ensure_profile(session, member.id)
    prof.paused_until = (datetime.combine(until, time(0), tzinfo=now.tzinfo) if until
                         else now + timedelta(days=3650))
    session.add(prof)
    return (f"Paused: no mentor rounds for you until {until.isoformat()}." if until else
            "Paused: no mentor rounds for you until you type `/pact mentor opt-in`.")


def opt(session: Session, workspace_id: str, user_id: str, out: bool) -> str:
    member = get_or_create_member(session, workspace_id, user_id)
    prof = mq.ensure_profile(session, member.id)
    prof.opted_out, prof.paused_until = out, None
    session.add(prof)
    return ("You are out of mentor rounds. `/pact mentor opt-in` brings you back." if out else
            "You are in the next mentor round of each of your teams.")


def exclude(session: Session, workspace_id: str, channel_id: str, user_id: str,
            target_slack_id: str, on: bool) -> str:
    """A lead leaves someone of the team out of (or back in) the next round."""
    team, actor, refusal = channel_team(session, workspace_id, channel_id, user_id, lead=True)
    if refusal:
        return refusal
    target = get_or_create_member(session, workspace_id, target_slack_id)
    if not tq.is_member(session, team.id, target.id):
        return "That person is not in this team."
    mq.set_excluded(session, team.id, target.id, on)
    return (f"{mention(target.slack_user_id)} sits out the next round." if on
            else f"{mention(target.slack_user_id)} is back in the next round.")
