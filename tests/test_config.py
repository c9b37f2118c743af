"""Each configuration error, named with where to find the right value; secrets never echoed."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest

from bot.config import ConfigError, load_settings

GOOD = {
    "SLACK_BOT_TOKEN": "xoxb-1111-2222-abcdefSECRET",
    "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
}


def _problems(env, **kw):
    with pytest.raises(ConfigError) as err:
        load_settings(env, **kw)
    return err.value.problems


def test_good_settings_and_defaults():
    s = load_settings(GOOD, need_listener=True)
    assert s.database_url == "sqlite:///pact.db"
    assert s.api_url == "https://slack.com/api/"
    assert s.port == 3000 and not s.socket_mode
    assert s.catchup_grace == timedelta(hours=6)
    assert "SECRET" not in repr(s)


def test_missing_bot_token_says_where_to_find_it():
    (problem,) = _problems({})
    assert "SLACK_BOT_TOKEN is not set" in problem
    assert "OAuth & Permissions" in problem


def test_user_token_is_not_a_bot_token():
    (problem,) = _problems({"SLACK_BOT_TOKEN": "xoxp-123-SECRETVALUE"})
    assert "must start with xoxb-" in problem
    assert "SECRETVALUE" not in problem


def test_without_a_way_to_receive_requests_socket_mode_is_the_first_path_offered():
    (problem,) = _problems({"SLACK_BOT_TOKEN": GOOD["SLACK_BOT_TOKEN"]}, need_listener=True)
    assert problem.startswith("SLACK_APP_TOKEN is not set: Socket Mode")
    assert "needs only SLACK_BOT_TOKEN and SLACK_APP_TOKEN" in problem
    assert "set SLACK_SIGNING_SECRET" in problem and "App-Level Tokens" in problem


def test_nothing_set_leads_with_the_two_tokens_of_socket_mode():
    problems = _problems({}, need_listener=True)
    assert [p.split(" ")[0] for p in problems] == ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]


@pytest.mark.parametrize("name,value", [
    ("SLACK_BOT_TOKEN", "xoxb-your-token"), ("SLACK_BOT_TOKEN", "xoxb-..."),
    ("SLACK_APP_TOKEN", "xapp-your-app-token"), ("SLACK_BOT_TOKEN", "xoxb-<token>"),
])
def test_a_placeholder_token_is_refused_clearly(name, value):
    (problem,) = _problems({**GOOD, name: value}, need_listener=True)
    assert problem.startswith(f"{name} is still a placeholder, not a real token")


def test_malformed_signing_secret():
    (problem,) = _problems({**GOOD, "SLACK_SIGNING_SECRET": "not-hex-SECRETISH"},
                           need_listener=True)
    assert "does not look like a signing secret" in problem
    assert "SECRETISH" not in problem


def test_socket_mode_needs_no_signing_secret_but_a_real_app_token():
    s = load_settings({"SLACK_BOT_TOKEN": GOOD["SLACK_BOT_TOKEN"],
                       "SLACK_APP_TOKEN": "xapp-1-A1-2-abc"}, need_listener=True)
    assert s.socket_mode
    (problem,) = _problems({**GOOD, "SLACK_APP_TOKEN": "xoxb-wrong"})
    assert "SLACK_APP_TOKEN" in problem and "xapp-" in problem
    assert "App-Level Tokens" in problem


@pytest.mark.parametrize("name,value,expected", [
    ("SLACK_API_URL", "ftp://slack", "SLACK_API_URL must be an http(s) URL"),
    ("DATABASE_URL", "not a url", "DATABASE_URL is not a database URL"),
    ("DATABASE_URL", "mysql://u@h/db", "Pact supports sqlite"),
    ("PORT", "http", "PORT must be a whole number"),
    ("PORT", "70000", "PORT must be a whole number"),
    ("PACT_CATCHUP_GRACE_HOURS", "-1", "PACT_CATCHUP_GRACE_HOURS must be a number"),
    ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of"),
])
def test_malformed_values(name, value, expected):
    (problem,) = _problems({**GOOD, name: value})
    assert expected in problem


def test_every_problem_is_reported_at_once():
    problems = _problems({"SLACK_BOT_TOKEN": "nope", "PORT": "x", "DATABASE_URL": "::"},
                         need_listener=True)
    assert len(problems) == 4
    assert any(p.startswith("SLACK_APP_TOKEN is not set: Socket Mode") for p in problems)


def test_api_url_gets_a_trailing_slash():
    assert load_settings({**GOOD, "SLACK_API_URL": "http://127.0.0.1:9/api"}).api_url \
        == "http://127.0.0.1:9/api/"


def _pact(args, env, cwd):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**base, **env}, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_pact_run_exits_non_zero_naming_every_problem_without_secrets(tmp_path):
    result = _pact(["run"], {"SLACK_BOT_TOKEN": "xoxp-999-TOPSECRET", "PORT": "0x"}, tmp_path)
    assert result.returncode != 0
    assert "SLACK_BOT_TOKEN" in result.stderr and "SLACK_SIGNING_SECRET" in result.stderr
    assert "PORT" in result.stderr
    assert "TOPSECRET" not in result.stderr + result.stdout
    assert not (tmp_path / "pact.db").exists()  # nothing started, nothing created


def test_dotenv_is_read_and_real_environment_wins(tmp_path):
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxp-from-dotenv\nPORT=abc\n")
    result = _pact(["run"], {"PORT": "3001"}, tmp_path)
    assert result.returncode != 0
    assert "SLACK_BOT_TOKEN is not a bot token" in result.stderr  # from .env
    assert "PORT" not in result.stderr  # the real environment's valid PORT won
