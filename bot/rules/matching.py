"""Mentor rounds as an optimal assignment, and the one spelling of a skill.

A round pairs mentees with mentors. The value of a pair is the mentor's level minus the
mentee's on the skill the mentee wants and the mentor can teach (the best such skill), plus a
bonus when that skill belongs to an active shared goal, plus a priority bonus for a mentee left
unpaired last round. The round maximises the total value, exactly, with scipy's
`linear_sum_assignment` over mentor *slots* (a mentor with k mentees has k columns), under:
nobody mentors themselves, no pair repeats within the team's window, a mentor has at most their
k mentees, a mentee has one mentor, and people away, paused or opted out take no part.
Everyone available and left without a pair gets a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

GOAL_BONUS = 1  # a skill linked to an active shared goal of the team
MAX_LEVEL = 5
# A mentee left unpaired last round goes first: their smallest gain (1) beats anyone else's
# largest (4 levels + the goal bonus).
PRIORITY_BONUS = MAX_LEVEL

# A small table of names people type for the same skill: key (casefolded) -> one spelling.
SYNONYMS = {
    "k8s": "Kubernetes", "kubernetes": "Kubernetes", "js": "JavaScript",
    "javascript": "JavaScript", "ts": "TypeScript", "typescript": "TypeScript",
    "py": "Python", "python": "Python", "python3": "Python", "sql": "SQL",
    "postgres": "PostgreSQL", "postgresql": "PostgreSQL", "psql": "PostgreSQL",
    "ml": "Machine learning", "machine learning": "Machine learning",
    "ux": "UX design", "ux design": "UX design", "ci/cd": "CI/CD", "cicd": "CI/CD",
    "ci": "CI/CD", "aws": "AWS", "gcp": "Google Cloud", "google cloud": "Google Cloud",
    "react.js": "React", "reactjs": "React", "react": "React", "golang": "Go", "go": "Go",
    "public speaking": "Public speaking", "presenting": "Public speaking",
}


def skill_key(name: str) -> str:
    """The key two spellings of one skill share: case, spacing and synonyms ignored."""
    text = re.sub(r"\s+", " ", (name or "").strip().strip(".,;:")).casefold()
    canonical = SYNONYMS.get(text)
    return canonical.casefold() if canonical else text


def skill_name(name: str, known: dict[str, str] | None = None) -> str:
    """The spelling to store: the synonym table's, else the team's existing one (`known`:
    key -> spelling), else what was typed with its spacing tidied."""
    text = re.sub(r"\s+", " ", (name or "").strip().strip(".,;:"))
    key = skill_key(text)
    if key in {k.casefold() for k in SYNONYMS.values()}:
        return next(v for v in SYNONYMS.values() if v.casefold() == key)
    if known and key in known:
        return known[key]
    return text[:1].upper() + text[1:] if text[:1].islower() else text


@dataclass(frozen=True)
class Skill:
    level: int
    can_mentor: bool = False
    want_learn: bool = False


@dataclass(frozen=True)
class Person:
    id: int
    skills: dict[str, Skill] = field(default_factory=dict)  # by skill key
    capacity: int = 1  # mentees at most per round
    absent: str = ""  # "away", "paused", "opted out": takes no part
    preferred: bool = False  # left unpaired last round


@dataclass(frozen=True)
class Pair:
    mentor: int
    mentee: int
    skill: str
    score: int  # the pair's value in the objective


@dataclass
class Round:
    pairs: list[Pair]
    unpaired: dict[int, str]  # person -> reason ("no_teacher:<skill>", "recent", "odd", ...)
    left_out: dict[int, str]  # person -> why they took no part

    @property
    def total(self) -> int:
        return sum(p.score for p in self.pairs)


def pair_value(mentor: Person, mentee: Person, goal_skills: frozenset[str] = frozenset()
               ) -> tuple[int, str]:
    """(value, skill) of `mentor` teaching `mentee`; value 0 when they have nothing to share."""
    best, best_skill = 0, ""
    for key, want in mentee.skills.items():
        have = mentor.skills.get(key)
        if not want.want_learn or have is None or not have.can_mentor:
            continue
        gain = have.level - want.level
        if gain <= 0:
            continue
        gain += GOAL_BONUS if key in goal_skills else 0
        if gain > best or (gain == best and key < best_skill):
            best, best_skill = gain, key
    if best and mentee.preferred:
        best += PRIORITY_BONUS
    return best, best_skill


def _values(people: list[Person], goal_skills: frozenset[str]
            ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Matrices (mentor x mentee) of pair values and of the skill index chosen, built one skill
    at a time so memory grows with people², not people² x skills."""
    n = len(people)
    keys = sorted({k for p in people for k in p.skills})
    value = np.zeros((n, n), dtype=np.int32)
    chosen = np.full((n, n), -1, dtype=np.int32)
    for index, key in enumerate(keys):
        teach = np.array([s.level if (s := p.skills.get(key)) and s.can_mentor else -99
                          for p in people], dtype=np.int32)
        learn = np.array([s.level if (s := p.skills.get(key)) and s.want_learn else 99
                          for p in people], dtype=np.int32)
        mentors, mentees = np.flatnonzero(teach > 0), np.flatnonzero(learn < 99)
        if not len(mentors) or not len(mentees):
            continue
        gain = teach[mentors][:, None] - learn[mentees][None, :]
        gain = np.where(gain > 0, gain + (GOAL_BONUS if key in goal_skills else 0), 0)
        block = value[np.ix_(mentors, mentees)]
        better = gain > block  # ties keep the earlier (alphabetically smaller) skill
        value[np.ix_(mentors, mentees)] = np.where(better, gain, block)
        chosen[np.ix_(mentors, mentees)] = np.where(better, index,
                                                    chosen[np.ix_(mentors, mentees)])
    preferred = np.array([p.preferred for p in people], dtype=bool)
    value[:, preferred] = np.where(value[:, preferred] > 0,
                                   value[:, preferred] + PRIORITY_BONUS, 0)
    np.fill_diagonal(value, 0)
    return value, chosen, keys


def plan_round(people: list[Person], recent: set[frozenset[int]] = frozenset(),
               goal_skills: frozenset[str] = frozenset()) -> Round:
    """The optimal round for `people`, given the pairs of the last rounds (`recent`)."""
    left_out = {p.id: p.absent for p in people if p.absent}
    present = [p for p in people if not p.absent]
    if not present:
        return Round([], {}, left_out)
    value, chosen, keys = _values(present, goal_skills)
    raw = value.copy()
    index = {p.id: i for i, p in enumerate(present)}
    for pair in recent:
        a, b = tuple(pair) if len(pair) == 2 else (None, None)
        if a in index and b in index:
            value[index[a], index[b]] = value[index[b], index[a]] = 0
    from scipy.optimize import linear_sum_assignment  # imported when a round runs, not at start

    slots = [i for i, p in enumerate(present) for _ in range(max(0, p.capacity))]
    pairs: list[Pair] = []
    if slots:
        rows, cols = linear_sum_assignment(value[slots, :], maximize=True)
        for r, c in zip(rows, cols, strict=True):
            m = slots[r]
            if value[m, c] > 0:
                pairs.append(Pair(present[m].id, present[c].id, keys[chosen[m, c]],
                                  int(value[m, c])))
    pairs.sort(key=lambda p: (p.mentor, p.mentee))
    return Round(pairs, _reasons(present, pairs, raw, value, chosen, keys), left_out)


def _reasons(present, pairs, raw, value, chosen, keys) -> dict[int, str]:
    """Why each person present and in no pair is without one."""
    in_pair = {p.mentor for p in pairs} | {p.mentee for p in pairs}
    reasons: dict[int, str] = {}
    for j, person in enumerate(present):
        if person.id in in_pair:
            continue
        wanted = sorted(k for k, s in person.skills.items() if s.want_learn)
        teaches = any(s.can_mentor for s in person.skills.values())
        if wanted and not raw[:, j].any():
            reasons[person.id] = "no_teacher:" + wanted[0]
        elif wanted and not value[:, j].any():
            reasons[person.id] = "recent"
        elif wanted:
            reasons[person.id] = "odd"  # mentors who could teach them went to others
        elif teaches and raw[j, :].any():
            reasons[person.id] = "odd" if value[j, :].any() else "recent"
        elif teaches:
            reasons[person.id] = "no_learner"
        else:
            reasons[person.id] = "empty_profile"
    return reasons
