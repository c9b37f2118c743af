"""Operations: the container and compose files say what the README and the CLI say, JSON logs
carry ids and never what people wrote, readiness waits for migrations, doctor in OAuth mode."""

from __future__ import annotations

import io
import json
import logging
import re
import urllib.error
import urllib.request
from pathlib import Path

import yaml

from bot.cli import build_parser
from bot.doctor import run_doctor
from bot.logs import JsonFormatter, log_ids, start_log_ids
from tests.harness import SIGNING_SECRET, start_pact
from tests.workspaces_world import as_workspace, install, start_oauth_pact

ROOT = Path(__file__).resolve().parent.parent


def _pact_commands() -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    names = set(sub.choices)
    names |= {f"db {n}" for n in next(a for a in sub.choices["db"]._actions
                                      if a.dest == "db_command").choices}
    return names


def test_compose_parses_and_runs_postgres_the_migration_one_web_and_two_workers():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "migrate", "web", "worker"}
    assert services["db"]["image"].startswith("postgres")
    assert services["worker"]["deploy"]["replicas"] == 2
    commands = {name: " ".join(s["command"]) for name, s in services.items() if "command" in s}
    assert commands == {"migrate": "db upgrade", "web": "web", "worker": "worker"}
    readme = (ROOT / "README.md").read_text()
    for command in commands.values():
        assert command in _pact_commands()
        assert f"`pact {command}`" in readme
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
        url = services[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://")


def test_the_image_is_slim_non_root_runs_pact_and_checks_healthz():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:[\d.]+-slim$", dockerfile, re.M)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    assert 'ENTRYPOINT ["pact"]' in dockerfile
    assert "/healthz" in dockerfile.split("HEALTHCHECK", 1)[1]
    default = re.search(r'^CMD \["(\w+)"\]', dockerfile, re.M).group(1)
    assert default in _pact_commands()


def test_the_image_copies_every_package_pact_installs_and_runs_in_a_directory_of_its_own():
    import tomllib

    dockerfile = (ROOT / "Dockerfile").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    copied = set(re.findall(r"^COPY (\w+) \./\1$", dockerfile, re.M))
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert packages <= copied, packages - copied  # else `pip install .` in the image misses one
    assert all((ROOT / p).is_dir() for p in packages)
    user = re.search(r"^USER (\w+)", dockerfile, re.M).group(1)
    after_user = dockerfile.split(f"USER {user}", 1)[1]
    workdir = re.search(r"^WORKDIR (\S+)", after_user, re.M).group(1)
    assert re.search(rf"chown {user} {re.escape(workdir)}\b", dockerfile)


def test_json_log_lines_carry_the_ids_and_redact_tokens():
    formatter = JsonFormatter()
    record = logging.LogRecord("pact.outbox", logging.INFO, __file__, 1,
                               "sent with %s", ("xoxb-123-secret",), None)
    start_log_ids(workspace_id="T0AAA", request_id="r1")
    with log_ids(team_id=7):
        line = json.loads(formatter.format(record))
    assert line["workspace_id"] == "T0AAA" and line["team_id"] == 7
    assert line["request_id"] == "r1" and line["level"] == "INFO"
    assert "secret" not in line["message"]


def test_requests_log_their_workspace_in_json_and_never_what_people_wrote(pact, caplog):
    caplog.set_level(logging.INFO)
    formatter = JsonFormatter()
    lines: list[dict] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(formatter.format(record)))

    handler = Collect()
    logging.getLogger().addHandler(handler)
    try:
        user = pact.emulator.add_user(name="lou")
        pact.slack.command("goal new My very private words", user=user)
        pact.slack.event({"type": "user_change", "user": {"id": user, "team_id": "T0PACT",
                                                          "name": "lou"}})
        pact.wait_idle()
    finally:
        logging.getLogger().removeHandler(handler)
    assert any(line.get("workspace_id") == "T0PACT" and line.get("request_id")
               for line in lines)
    assert not any("very private" in json.dumps(line) for line in lines)


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_readiness_fails_while_migrations_are_behind(emulator, tmp_path):
    from storage.engine import make_engine
    from storage.migrate import upgrade

    url = f"sqlite:///{tmp_path}/behind.db"
    upgrade(url, "0003")
    engine = make_engine(url)
    harness = start_pact(emulator, engine, url)
    try:
        assert _get(harness.url + "/healthz")[0] == 200
        status, body = _get(harness.url + "/readyz")
        assert status == 503 and body["migrations"] == "behind"
        upgrade(url)
        assert _get(harness.url + "/readyz") == (200, {"ok": True, "database": "up",
                                                       "migrations": "current"})
    finally:
        harness.stop()
        engine.dispose()


def test_doctor_in_oauth_mode_checks_every_workspace_and_shows_stopped_ones(
        emulator, engine, database_url):
    pact = start_oauth_pact(emulator, engine, database_url)
    try:
        install(pact, "T0AAA")
        install(pact, "T0BBB")
        env = {"SLACK_CLIENT_ID": emulator.client_id,
               "SLACK_CLIENT_SECRET": emulator.client_secret,
               "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": emulator.url,
               "DATABASE_URL": database_url}
        out = io.StringIO()
        assert run_doctor(env, out) == 0, out.getvalue()
        assert "ok   workspaces: 2 installed, every token accepted" in out.getvalue()
        assert "OAuth" in out.getvalue()
        as_workspace(pact, "T0BBB").event({"type": "app_uninstalled"})
        pact.wait_idle()
        emulator.revoke_workspace("T0BBB")
        out = io.StringIO()
        assert run_doctor(env, out) == 1
        text = out.getvalue()
        assert "FAIL stopped workspaces" in text and "T0BBB since" in text
        assert "ok   workspaces: 1 installed" in text
    finally:
        pact.stop()


def test_log_lines_of_work_after_the_ack_name_the_request_and_nothing_people_wrote(pact):
    from handlers.kit import ids
    from tests.test_goals_steps import create_goal, team

    lead, _, channel = team(pact)
    goal_id = create_goal(pact, lead, channel, title="Quietly private title")
    formatter = JsonFormatter()
    lines: list[tuple[str, dict]] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append((record.threadName, json.loads(formatter.format(record))))

    handler = Collect(level=logging.INFO)
    root = logging.getLogger()
    level, root.level = root.level, logging.INFO
    root.addHandler(handler)
    try:
        # Slack refuses what the work after each ack asks, and that work logs it: a Bolt lazy
        # listener (the goal's details modal) and a command's follow-up (a newcomer's profile).
        pact.emulator.fail_next("views.open", error="expired_trigger_id")
        pact.slack.block_action(user=lead, action_id=ids.GOAL_DETAILS, value=str(goal_id),
                                channel=channel, message_ts="1.000100")
        pact.wait_idle()
        pact.emulator.fail_next("users.info", error="fatal_error")
        newcomer = pact.emulator.add_user(name="nia")
        pact.slack.command("goal new", user=newcomer, channel=channel)
        pact.wait_idle()
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    later = [line for thread, line in lines if thread.startswith("pact-listener")]
    messages = [line["message"] for line in later]
    assert any("expired_trigger_id" in m for m in messages), messages
    assert any(f"users.info {newcomer} failed" in m for m in messages), messages
    assert later and all(line.get("workspace_id") == "T0PACT" and line.get("request_id")
                         for line in later)
    assert len({line["request_id"] for line in later}) == 2  # one per request, none shared
    assert "Quietly private" not in json.dumps([line for _, line in lines])
