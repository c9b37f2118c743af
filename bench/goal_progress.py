"""What one goal progress submission costs: SQL statements, transactions, goal cards, Slack calls.

Starts Pact for real (its HTTP server, a migrated SQLite file, the Slack emulator as its Web
API), sets up a team with one goal the way people do it in Slack, then drives, each through the
signed /slack/events endpoint:

1. a progress submission from the goal's channel post,
2. a progress submission from the goal's Details modal (the details are refreshed too),
3. one Home render (app_home_opened).

For each it counts SQL statements (a `before_cursor_execute` listener on the engine),
transactions (`begin`), goal cards built (GoalCard instances) and Slack Web API calls (the
emulator's `calls`), from the request until the work after the ack is done. Also a
submission from the Home tab and one that reaches the target (the celebration). Target: fewer
statements than the figures recorded before the goals feature was restructured (BEFORE), and
a submission building its goal card once.

    python bench/goal_progress.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Measured on the code before the restructuring (same scenario, same machine).
BEFORE = {"from the post": 24, "from details": 34, "home render": 13, "from home": 37,
          "celebrating": 45}


def _card_class():
    from handlers.goals.posts import GoalCard

    return GoalCard


class Meter:
    """Counts what happens on the engine, the card class and the emulator while armed."""

    def __init__(self, engine, emulator):
        from sqlalchemy import event

        self.emulator = emulator
        self.statements: list[str] = []
        self.transactions = 0
        self.cards = 0
        self.armed = False
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._begin)
        card = _card_class()
        original = card.__init__

        def counted(obj, *args, **kwargs):
            if self.armed:
                self.cards += 1
            original(obj, *args, **kwargs)

        card.__init__ = counted

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        if self.armed:
            self.statements.append(statement.split(None, 1)[0].upper())

    def _begin(self, conn):
        if self.armed:
            self.transactions += 1

    def measure(self, pact, send) -> dict:
        pact.wait_idle()
        self.statements, self.transactions, self.cards = [], 0, 0
        calls_before = len(self.emulator.calls)
        self.armed = True
        t0 = time.perf_counter()
        response = send()
        ack_ms = (time.perf_counter() - t0) * 1000
        pact.wait_idle()
        self.armed = False
        assert response.status == 200 and response.body in ("", None), response.body
        calls = Counter(c.method for c in self.emulator.calls[calls_before:])
        kinds = Counter(self.statements)
        return {"statements": len(self.statements), "transactions": self.transactions,
                "select": kinds["SELECT"],
                "writes": kinds["INSERT"] + kinds["UPDATE"] + kinds["DELETE"],
                "cards": self.cards, "slack": dict(sorted(calls.items())), "ack_ms": ack_ms}


def progress_values(value: str, note: str, mode: str = "add") -> dict:
    from bot.playground.slack_requests import number_value, select_value, text_value

    return {"value": {"value": number_value(value)},
            "mode": {"mode": select_value(mode) | {"type": "radio_buttons"}},
            "note": {"note": text_value(note)}}


def main() -> int:
    import logging

    from bot.playground.emulator import SlackEmulator
    from storage.engine import make_engine
    from storage.migrate import upgrade
    from tests.harness import start_pact
    from tests.test_goals_steps import create_goal, goal_post
    from tests.test_teams import latest_view, set_up_team

    logging.basicConfig(level=logging.WARNING)
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade(url)
    engine = make_engine(url)
    from bot.scopes import BOT_SCOPES

    emulator = SlackEmulator(scopes=tuple(BOT_SCOPES)).start()
    pact = start_pact(emulator, engine, url)
    try:
        lead, (max_, ola), channel = set_up_team(pact)
        goal_id = create_goal(pact, lead, channel, target="1000", baseline="0")
        post = goal_post(pact, channel)
        pact.slack.block_action(user=max_, action_id="goal_join", value=str(goal_id),
                                channel=channel, message_ts=post["ts"])
        pact.wait_idle()
        meter = Meter(engine, emulator)
        results = {}

        def from_post(value: str):
            pact.slack.block_action(user=max_, action_id="goal_log_progress",
                                    value=str(goal_id), channel=channel, message_ts=post["ts"])
            pact.wait_idle()
            view = latest_view(pact, "goal_progress")
            return lambda: pact.slack.view_submission(user=max_, view=view,
                                                      values=progress_values(value, "step"))

        def from_details(value: str):
            pact.slack.block_action(user=ola, action_id="goal_details", value=str(goal_id),
                                    channel=channel, message_ts=post["ts"])
            pact.wait_idle()
            details = latest_view(pact, "goal_details")
            pact.slack.block_action(user=ola, action_id="goal_log_progress",
                                    value=str(goal_id), view=details)
            pact.wait_idle()
            view = latest_view(pact, "goal_progress")
            assert view.get("previous_view_id"), "the progress modal was not pushed"
            return lambda: pact.slack.view_submission(user=ola, view=view,
                                                      values=progress_values(value, "pairing"))

        def from_home(value: str):
            home_view = emulator.home_view(max_)
            pact.slack.block_action(user=max_, action_id="goal_log_progress",
                                    value=str(goal_id), view=home_view)
            pact.wait_idle()
            view = latest_view(pact, "goal_progress")
            return lambda: pact.slack.view_submission(user=max_, view=view,
                                                      values=progress_values(value, "home"))

        def reaching_target():
            from_post("0")
            view = latest_view(pact, "goal_progress")
            return lambda: pact.slack.view_submission(
                user=max_, view=view, values=progress_values("1000", "done!", mode="set"))

        meter.measure(pact, from_post("1"))  # warm-up: imports, pools, caches
        results["from the post"] = meter.measure(pact, from_post("2"))
        results["from details"] = meter.measure(pact, from_details("3"))
        home = {"type": "app_home_opened", "user": max_, "tab": "home"}
        meter.measure(pact, lambda: pact.slack.event(home))
        results["home render"] = meter.measure(pact, lambda: pact.slack.event(home))
        results["from home"] = meter.measure(pact, from_home("4"))
        results["celebrating"] = meter.measure(pact, reaching_target())
    finally:
        pact.stop()
        emulator.stop()
        engine.dispose()

    print("goal progress: one request through /slack/events until its lazy work is done\n")
    print(f"{'scenario':<15}{'SQL':>5}{'tx':>5}{'select':>8}{'writes':>8}{'cards':>7}"
          f"{'ack ms':>8}  slack calls")
    for name, r in results.items():
        calls = ", ".join(f"{m} {n}" for m, n in r["slack"].items())
        print(f"{name:<15}{r['statements']:>5}{r['transactions']:>5}{r['select']:>8}"
              f"{r['writes']:>8}{r['cards']:>7}{r['ack_ms']:>8.1f}  {calls}")
    print()
    ok = True
    for name, r in results.items():
        before = BEFORE.get(name)
        if before is None:
            continue
        fewer = r["statements"] < before if name != "home render" \
            else r["statements"] <= before
        ok &= fewer
        print(f"{name}: {r['statements']} statements (before {before}): "
              f"{'met' if fewer else 'MISSED'}")
    home_cards = results["home render"]["cards"]
    for name in ("from the post", "from details", "celebrating", "from home"):
        # From Home, the Home tab is rendered anew too, with its own cards.
        target = 1 + (home_cards if name == "from home" else 0)
        once = results[name]["cards"] == target
        ok &= once
        print(f"{name}: goal card built {results[name]['cards']} time(s), target {target}: "
              f"{'met' if once else 'MISSED'}")
    print(f"\nverdict: {'all targets met' if ok else 'targets missed'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
