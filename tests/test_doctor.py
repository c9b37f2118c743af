"""`pact doctor`: one line per check, a fix for each failure, non-zero when any fails."""

import io

from bot.doctor import run_doctor
from storage.migrate import upgrade
from tests.harness import SIGNING_SECRET


def _env(emulator, url, **extra):
    env = {"SLACK_BOT_TOKEN": emulator.bot_token, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": emulator.url, "DATABASE_URL": url}
    env.update(extra)
    return env


def _doctor(env):
    out = io.StringIO()
    code = run_doctor(env, out)
    return code, out.getvalue()


def test_all_good(emulator, database_url):
    code, out = _doctor(_env(emulator, database_url))
    assert code == 0, out
    assert "FAIL" not in out
    for name in ("configuration", "database", "migrations", "slack token", "bot scopes"):
        assert f"ok   {name}:" in out
    assert emulator.calls_to("auth.test")


def test_unmigrated_database_says_run_db_upgrade(emulator, tmp_path):
    code, out = _doctor(_env(emulator, f"sqlite:///{tmp_path}/empty.db"))
    assert code == 1
    assert "FAIL migrations" in out and "pact db upgrade" in out


def test_rejected_token(emulator, database_url):
    code, out = _doctor(_env(emulator, database_url, SLACK_BOT_TOKEN="xoxb-revoked-9"))
    assert code == 1
    assert "FAIL slack token: auth.test failed: invalid_auth" in out
    assert "OAuth & Permissions" in out
    assert "revoked-9" not in out


def test_missing_scopes_are_named_with_the_fix(database_url):
    from bot.playground.emulator import SlackEmulator

    with SlackEmulator(scopes=("commands", "chat:write")) as emulator:
        code, out = _doctor(_env(emulator, database_url))
    assert code == 1
    assert "FAIL bot scopes: missing" in out
    assert "files:write" in out and "im:write" in out
    assert "reinstall" in out


def test_unreachable_slack(database_url):
    env = {"SLACK_BOT_TOKEN": "xoxb-1-2", "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": "http://127.0.0.1:1/api/", "DATABASE_URL": database_url}
    code, out = _doctor(env)
    assert code == 1 and "FAIL slack token: cannot reach" in out


def test_bad_configuration_and_dead_database(emulator):
    code, out = _doctor({"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_API_URL": emulator.url,
                         "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/x"})
    assert code == 1
    assert "FAIL configuration: SLACK_BOT_TOKEN" in out
    assert "fix:" in out
    assert "FAIL database" in out


def test_migrated_database_is_ok(tmp_path, emulator):
    url = f"sqlite:///{tmp_path}/m.db"
    upgrade(url)
    code, out = _doctor(_env(emulator, url))
    assert "ok   migrations" in out and code == 0
