"""'Your mentoring' on the Home tab: the current pairs, and whether rounds include you."""

from __future__ import annotations

from sqlmodel import Session

from handlers.kit.blocks import escape, mention, slack_date
from handlers.mentoring import blocks as ui
from storage.engine import now_of
from storage.models import Member
from storage.queries import absences as aq
from storage.queries import mentoring as mq


def section(session: Session, member: Member, budget: int) -> list[dict]:
    prof = mq.profile(session, member.id)
    if prof is None:
        return []
    lines = []
    for pair, team, other in mq.current_pairs_with_people(session, member.id):
        role = "you mentor" if pair.mentor_id == member.id else "your mentor is"
        lines.append(f"*{escape(team.name if team else '')}*: {role} {mention(other.slack_user_id)}"
                     f" on {escape(pair.skill)}" + (" (skipped)" if pair.skipped else ""))
    now = now_of(session)
    if prof.opted_out:
        state = "You are out of mentor rounds: `/pact mentor opt-in` to come back."
    elif prof.paused_until and prof.paused_until > now:
        state = ("Paused until " + slack_date(prof.paused_until) + "."
                 if prof.paused_until.year < now.year + 5 else
                 "Paused until you type `/pact mentor opt-in`.")
    elif (away := aq.away_of(session, member, now)) is not None:
        state = ("You are away, so mentor rounds leave you out until "
                 + slack_date(away.until) + "." if away.until else
                 "You are away (your Slack status), so mentor rounds leave you out for now.")
    elif prof.visibility != "team":
        state = "Your profile is only for you and your manager, so rounds leave you out."
    else:
        state = _next_round(session, member)
    return ui.home_section(lines, state)[:budget]


def _next_round(session: Session, member: Member) -> str:
    """When the next scheduled round of one of the member's teams runs, if any is set."""
    found = mq.next_scheduled_round(session, member.id)
    if found is None:
        return ""
    when, name = found
    return f"Next mentor round ({escape(name)}): {slack_date(when)}."
