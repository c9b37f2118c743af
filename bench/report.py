"""What `/pact report` costs an admin of a large workspace.

200 teams × 12 months of activity, 20,000 members (100 a team): half of them with a plan,
two goals a team with 20 progress updates a month and a milestone a month, a lab every two
weeks, a monthly pulse that reached its threshold; a pact for one member in ten with a
check-in a month, a monthly mentor round pairing a tenth of the team with follow-ups, and a
kudos a month from one member in five. Measures, for an admin asking:

- statements executed and time to the first answer (the aggregates and the Block Kit message
  in the asker's DM), then the chart (PNG) and the CSV;
- the same with 10,000 members, to show the statements do not grow with the number of members.

Targets: first answer under 2 s; the same number of statements at 10,000 and 20,000 members.

    python bench/report.py [--teams 200] [--members 20000] [--database sqlite|URL]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WS = "TBENCH"


def seed(engine, teams: int, members: int, now: datetime) -> str:
    """Bulk-insert the world; returns the admin's Slack id."""
    from sqlalchemy import insert

    from storage.models import (
        Goal,
        Kudos,
        Lab,
        LabSession,
        Member,
        MentorFollowup,
        MentorPair,
        MentorRound,
        Milestone,
        Objective,
        Pact,
        PactCheckin,
        Pdp,
        ProgressUpdate,
        PulseSeries,
        PulseSurvey,
        Team,
        TeamMembership,
        Workspace,
    )

    rng = random.Random(7)
    per_team = members // teams
    start = (now.replace(day=1) - timedelta(days=335)).replace(hour=12, minute=0, second=0,
                                                                microsecond=0)
    days = [start + timedelta(days=d) for d in range(0, (now - start).days)]
    with engine.begin() as c:
        c.execute(insert(Workspace.__table__), [{"id": WS, "name": "bench", "created_at": now}])
        c.execute(insert(Member.__table__), [
            {"id": i + 1, "workspace_id": WS, "slack_user_id": f"U{i:07d}", "tz": "UTC",
             "display_name": "", "is_admin": i == 0, "is_bot": False, "is_deleted": False,
             "created_at": now} for i in range(members)])
        c.execute(insert(Team.__table__), [
            {"id": t + 1, "workspace_id": WS, "channel_id": f"C{t:07d}", "name": f"Team {t}",
             "tz": "UTC", "checkin_weekday": "mon", "checkin_time": "10:00", "created_by": "",
             "created_at": now, "updated_at": now} for t in range(teams)])
        c.execute(insert(TeamMembership.__table__), [
            {"team_id": m // per_team + 1, "member_id": m + 1,
             "role": "lead" if m % per_team == 0 else "member", "joined_at": now}
            for m in range(teams * per_team)])
        c.execute(insert(Pdp.__table__), [
            {"id": m + 1, "owner_id": m + 1, "aspiration": "", "aspiration_visibility": "private",
             "skill_gaps": "", "skill_gaps_visibility": "private", "review_cadence_months": 3,
             "created_at": rng.choice(days), "updated_at": now}
            for m in range(0, members, 2)])
        goals = [{"id": g + 1, "team_id": g // 2 + 1, "owner_id": (g // 2) * per_team + 1,
                  "title": "g", "metric": "m", "baseline": 0, "target": 10, "current_value": 1,
                  "unit": "", "due_date": now.date(), "project": "", "status": "active",
                  "created_at": start, "updated_at": now} for g in range(teams * 2)]
        c.execute(insert(Goal.__table__), goals)
        c.execute(insert(Objective.__table__), [
            {"pdp_id": m + 1, "title": "o", "skill": "", "actions": "", "goal_id":
             (m // per_team) * 2 + 1, "status": "in_progress", "progress": 0,
             "visibility": "private", "created_at": rng.choice(days), "updated_at": now}
            for m in range(0, members, 2)])
        c.execute(insert(ProgressUpdate.__table__), [
            {"goal_id": g["id"], "member_id": g["owner_id"], "value": 1, "note": "",
             "created_at": rng.choice(days)} for g in goals for _ in range(10 * 12)])
        c.execute(insert(Milestone.__table__), [
            {"goal_id": g["id"], "position": k, "title": "m",
             "due_date": (start + timedelta(days=30 * k)).date(),
             "done_at": start + timedelta(days=30 * k + rng.choice((-2, 3)))}
            for g in goals for k in range(12)])
        c.execute(insert(Lab.__table__), [
            {"id": t + 1, "team_id": t + 1, "rule": "every 2 weeks thu 15:00",
             "duration_minutes": 60, "announce_days": 3, "rotation_is_team": True,
             "created_by": "", "created_at": start} for t in range(teams)])
        c.execute(insert(LabSession.__table__), [
            {"lab_id": t + 1, "starts_at": start + timedelta(days=14 * k), "topic": "",
             "status": rng.choice(("done", "done", "skipped"))}
            for t in range(teams) for k in range(24)])
        c.execute(insert(PulseSeries.__table__), [
            {"id": t + 1, "workspace_id": WS, "team_id": t + 1, "questions": ["collab"],
             "with_enps": False, "with_comment": False, "cadence": "monthly", "open_days": 3,
             "share_in_channel": False, "active": True, "created_by": "", "created_at": start}
            for t in range(teams)])
        c.execute(insert(PulseSurvey.__table__), [
            {"series_id": t + 1, "team_id": t + 1, "workspace_id": WS, "questions": ["collab"],
             "with_enps": False, "with_comment": False, "opens_at": start + timedelta(30 * k),
             "closes_at": start + timedelta(30 * k + 3), "status": "closed",
             "invited": per_team, "responses": per_team // 2,
             "summary": {"means": {"collab": round(rng.uniform(2, 5), 2)}, "enps": None}}
            for t in range(teams) for k in range(11)])
    seed_support(c_engine=engine, teams=teams, members=members, per_team=per_team,
                 start=start, days=days, now=now, rng=rng,
                 models=(Kudos, MentorFollowup, MentorPair, MentorRound, Pact, PactCheckin))
    return "U0000000"


def seed_support(*, c_engine, teams, members, per_team, start, days, now, rng, models) -> None:
    """Pacts with monthly check-ins, monthly mentor rounds with follow-ups, kudos."""
    from sqlalchemy import insert

    kudos, followup, pair, round_, pact, checkin = models
    supported = range(0, members, 10)
    with c_engine.begin() as c:
        c.execute(insert(pact.__table__), [
            {"id": i + 1, "workspace_id": WS, "owner_id": m + 1,
             "supporter_id": (m + 1) % members + 1, "objective_id": None,
             "goal_id": (m // per_team) * 2 + 1, "origin": "pledge", "status": "active",
             "offer_kind": "other", "offer_text": "", "cadence": "monthly",
             "ended_reason": "", "created_at": start, "accepted_at": rng.choice(days)}
            for i, m in enumerate(supported)])
        c.execute(insert(checkin.__table__), [
            {"pact_id": i + 1, "member_id": m + 1, "answer": rng.choice(("met", "not_yet")),
             "created_at": start + timedelta(days=30 * k + 5)}
            for i, m in enumerate(supported) for k in range(11)])
        c.execute(insert(round_.__table__), [
            {"id": t * 12 + k + 1, "team_id": t + 1, "run_by": "",
             "created_at": start + timedelta(days=30 * k + 1)}
            for t in range(teams) for k in range(11)])
        pairs = [{"id": len_id, "round_id": t * 12 + k + 1, "mentor_id": t * per_team + j + 1,
                  "mentee_id": t * per_team + j + 2, "skill": "s", "score": 0,
                  "channel_id": "", "booked": "", "skipped": False}
                 for len_id, (t, k, j) in enumerate(
                     ((t, k, j) for t in range(teams) for k in range(11)
                      for j in range(0, per_team - 1, 10)), start=1)]
        c.execute(insert(pair.__table__), pairs)
        c.execute(insert(followup.__table__), [
            {"pair_id": p["id"], "member_id": p["mentor_id"],
             "answer": rng.choice(("yes", "not_yet", "no")), "answered_at": now}
            for p in pairs])
        c.execute(insert(kudos.__table__), [
            {"workspace_id": WS, "giver_id": m + 1, "receiver_id": (m + 1) % members + 1,
             "reason": "", "private": rng.random() < 0.2, "message_link": "",
             "created_at": start + timedelta(days=30 * k + 7)}
            for m in range(0, members, 5) for k in range(11)])


def measure(url: str, teams: int, members: int) -> dict:
    from sqlalchemy import event

    from handlers.impact import report as service
    from handlers.impact import report_out as out
    from storage.engine import make_engine, session_scope
    from storage.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    now = datetime.now(UTC)
    admin = seed(engine, teams, members, now)
    statements = [0]
    event.listen(engine, "before_cursor_execute",
                 lambda *a, **k: statements.__setitem__(0, statements[0] + 1))
    started = time.perf_counter()
    with session_scope(engine) as session:
        report = service.build(session, WS, admin, now)
    out.report_message(report)
    first = time.perf_counter() - started
    counted = statements[0]
    started = time.perf_counter()
    out.chart_png(report)
    chart = time.perf_counter() - started
    started = time.perf_counter()
    out.csv_text(report)
    csv_time = time.perf_counter() - started
    engine.dispose()
    return {"members": members, "teams": len(report.teams), "rows": len(report.rows),
            "statements": counted, "first_answer_s": first, "chart_s": chart,
            "csv_s": csv_time}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument("--database", default="sqlite",
                        help="sqlite (a temporary file) or an empty database's URL")
    args = parser.parse_args()
    results = []
    for members in (args.members // 2, args.members):
        if args.database == "sqlite":
            tmp = tempfile.mkdtemp()
            url = f"sqlite:///{tmp}/report.db"
        else:
            url = args.database
        result = measure(url, args.teams, members)
        results.append(result)
        print(f"{result['teams']} teams, {members} members: {result['statements']} statements, "
              f"first answer {result['first_answer_s'] * 1000:.0f} ms, chart "
              f"{result['chart_s'] * 1000:.0f} ms, CSV {result['csv_s'] * 1000:.0f} ms "
              f"({result['rows']} team-months)")
        if args.database != "sqlite":
            break
    big = results[-1]
    fast = big["first_answer_s"] < 2.0
    flat = len(results) < 2 or results[0]["statements"] == results[1]["statements"]
    print(f"verdict: first answer {'under' if fast else 'OVER'} 2 s; statements "
          f"{'do not grow' if flat else 'GROW'} with the number of members")
    return 0 if fast and flat else 1


if __name__ == "__main__":
    sys.exit(main())
