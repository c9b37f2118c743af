"""The first hour: a refused token stops Pact in one line, the Socket Mode network error is
one line, Bolt does not warn about an unused token, `pact doctor` prints one clean line per
check."""

from __future__ import annotations

import io
import logging

from bot.app import create_app, make_services
from bot.config import load_settings
from bot.doctor import run_doctor
from bot.slack_client import make_web_client
from tests.harness import SIGNING_SECRET
from tests.test_processes import _start


def test_pact_web_with_a_token_slack_refuses_says_so_in_one_line(emulator, tmp_path):
    env = {"SLACK_BOT_TOKEN": "xoxb-revoked-9", "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": emulator.url, "DATABASE_URL": f"sqlite:///{tmp_path}/t.db"}
    proc = _start(["web"], env, tmp_path)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2, out
    assert "pact: SLACK_BOT_TOKEN is not valid (invalid_auth)" in out
    assert "OAuth & Permissions" in out and "Traceback" not in out
    assert "revoked-9" not in out


def test_socket_mode_out_of_reach_is_one_line_saying_what_to_check(tmp_path):
    env = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_APP_TOKEN": "xapp-1-A0-1-abc",
           "SLACK_API_URL": "http://127.0.0.1:1/api/",
           "DATABASE_URL": f"sqlite:///{tmp_path}/s.db"}
    proc = _start(["web"], env, tmp_path)
    out, _ = proc.communicate(timeout=90)
    assert proc.returncode == 1, out
    assert "Traceback" not in out
    (line,) = [x for x in out.splitlines() if x.startswith("pact:")]
    assert "could not open the Socket Mode connection" in line and "Check the network" in line


def test_bolt_does_not_warn_that_the_token_is_unused(monkeypatch, caplog, engine, emulator):
    monkeypatch.setenv("SLACK_BOT_TOKEN", emulator.bot_token)
    settings = load_settings({"SLACK_BOT_TOKEN": emulator.bot_token,
                              "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                              "SLACK_API_URL": emulator.url})
    with caplog.at_level(logging.DEBUG):
        create_app(make_services(settings, engine), make_web_client(settings))
    assert not [r for r in caplog.records if "unused" in r.getMessage()]


def test_doctor_prints_each_problem_once_with_its_fix(tmp_path, emulator, caplog):
    out = io.StringIO()
    with caplog.at_level(logging.INFO):
        code = run_doctor({"SLACK_BOT_TOKEN": "xoxb-your-token", "SLACK_API_URL": emulator.url,
                           "DATABASE_URL": f"sqlite:///{tmp_path}/d.db"}, out)
    text = out.getvalue()
    assert code == 1
    assert "FAIL configuration: SLACK_BOT_TOKEN is still a placeholder" in text
    assert text.count("is still a placeholder") == 1  # the fix does not repeat the problem
    assert "FAIL migrations: the database has no tables yet" in text
    assert "nothing" not in text
    assert "FAIL slack token: auth.test failed: invalid_auth" in text
    assert all(line.startswith(("ok ", "FAIL ", "     fix: ")) for line in
               text.splitlines()[:-1])
    assert not [r for r in caplog.records if r.name.startswith(("alembic", "slack_sdk"))]
