"""The status words and emoji that mean absence: Pact's default list, or a team's own
(`/pact holidays words …`, for leads), as use cases without Slack."""

from __future__ import annotations

from sqlmodel import Session

from bot.rules.absence import (
    DEFAULT_STATUS_WORDS,
    MAX_STATUS_WORDS,
    status_vocabulary,
    status_word_error,
)
from handlers.kit.blocks import escape
from storage.models import Member, Team
from storage.queries import absences as aq

WORDS_USAGE = ("`/pact holidays words` shows them; `/pact holidays words add sabbatical` or "
               "`add :ski:`, `/pact holidays words remove holiday`, `/pact holidays words "
               "default` for Pact's list.")


def team_words(session: Session, team_id: int) -> list[str]:
    stored = aq.status_words_of(session, team_id)
    return list(DEFAULT_STATUS_WORDS) if stored is None else list(stored)


def words_command(session: Session, team: Team, args: list[str]) -> str:
    """`words`, `words add …`, `words remove …`, `words default` (leads only: checked by the
    caller for anything but showing)."""
    word = args[0].lower() if args else ""
    phrase = " ".join(args[1:]).strip().lower()
    current = team_words(session, team.id)
    if word == "add":
        error = status_word_error(phrase)
        if error:
            return error
        if phrase not in current:
            if len(current) >= MAX_STATUS_WORDS:
                return f"A team keeps at most {MAX_STATUS_WORDS} status words; remove one first."
            current.append(phrase)
        aq.set_status_words(session, team.id, current)
    elif word == "remove" and phrase:
        if phrase not in current:
            return f"{escape(phrase)} is not on the list. " + show(team, current)
        aq.set_status_words(session, team.id, [w for w in current if w != phrase])
    elif word == "default" and len(args) == 1:
        aq.set_status_words(session, team.id, None)
    elif word:
        return WORDS_USAGE
    return show(team, team_words(session, team.id))


def show(team: Team, words: list[str]) -> str:
    listed = ", ".join(escape(w) if w.startswith(":") else f"`{escape(w)}`" for w in words)
    return (f"In *{escape(team.name)}*, a Slack status with any of these means its owner is "
            f"away: {listed or '(none: only `/pact away`)'}.\n{WORDS_USAGE}")


def member_vocabulary(session: Session, member: Member):
    """The words and emoji meaning absence for `member`: every list of their teams (Pact's
    default for a team without its own, or for someone in no team)."""
    lists = aq.status_words_of_member(session, member.id)
    entries: list[str] = []
    for stored in lists or [None]:
        entries.extend(DEFAULT_STATUS_WORDS if stored is None else stored)
    return status_vocabulary(entries)
