"""Requests that are not Slack's get 401 and touch nothing."""

import time

from sqlalchemy import func, select

from bot.playground.slack_requests import sign
from storage.models import Member, Workspace

USER = "U0ALICE0001"


def _nothing_touched(pact):
    assert pact.emulator.calls == []
    with pact.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Workspace)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(Member)).scalar() == 0


def test_bad_signature_is_refused(pact):
    response = pact.slack.command("help", user=USER, signature="v0=" + "0" * 64)
    assert response.status == 401
    pact.wait_idle()
    _nothing_touched(pact)


def test_signature_with_another_secret_is_refused(pact):
    body = b"command=%2Fpact&text=help&user_id=U1&team_id=T0PACT"
    ts = str(int(time.time()))
    response = pact.slack.post(body, "application/x-www-form-urlencoded", timestamp=ts,
                               signature=sign("another-secret", ts, body))
    assert response.status == 401


def test_stale_timestamp_is_refused_even_when_correctly_signed(pact):
    stale = str(int(time.time()) - 6 * 60)
    response = pact.slack.command("help", user=USER, timestamp=stale)
    assert response.status == 401
    _nothing_touched(pact)


def test_replayed_body_with_altered_text_is_refused(pact):
    fields = pact.slack.command_fields("help", user=USER)
    import urllib.parse

    body = urllib.parse.urlencode(fields).encode()
    ts = str(int(time.time()))
    good = sign(pact.slack.secret, ts, body)
    tampered = body.replace(b"text=help", b"text=team")
    response = pact.slack.post(tampered, "application/x-www-form-urlencoded", timestamp=ts,
                               signature=good)
    assert response.status == 401


def test_unsigned_request_is_refused(pact):
    response = pact.slack.command("help", user=USER, signed=False)
    assert response.status == 401
    _nothing_touched(pact)


def test_unsigned_event_and_interaction_are_refused(pact):
    assert pact.slack.event({"type": "app_home_opened", "user": USER, "tab": "home"},
                            signed=False).status == 401
    assert pact.slack.block_action(user=USER, action_id="anything", channel="C1",
                                   signed=False).status == 401
    pact.wait_idle()
    _nothing_touched(pact)


def test_garbage_body_correctly_signed_gets_an_answer_not_a_crash(pact):
    response = pact.slack.post(b"\xff\xfe not a form", "application/x-www-form-urlencoded")
    assert 400 <= response.status < 500


def test_get_on_events_path_is_not_allowed(pact):
    import urllib.error
    import urllib.request

    try:
        urllib.request.urlopen(pact.url + "/slack/events", timeout=5)
        raise AssertionError("expected an error status")
    except urllib.error.HTTPError as err:
        assert err.code == 405


def test_signed_url_verification_gets_the_challenge(pact):
    import json

    body = json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"}).encode()
    response = pact.slack.post(body, "application/json")
    assert response.status == 200
    assert response.json() == {"challenge": "c-123"}


def test_malformed_bodies_get_4xx_and_touch_nothing(pact):
    import json as _json

    cases = [
        (b"payload=%7Bnot%20json", "application/x-www-form-urlencoded", 400),
        (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded", 400),  # not an object
        (b"{not json", "application/json", 400),
        (_json.dumps([1, 2]).encode(), "application/json", 400),
    ]
    for body, content_type, status in cases:
        assert pact.slack.post(body, content_type).status == status
        assert pact.slack.post(body, content_type, signed=False).status == 401
    pact.wait_idle()
    _nothing_touched(pact)


def test_oversized_body_is_refused(pact):
    response = pact.slack.post(b"text=" + b"x" * 1_200_000, "application/x-www-form-urlencoded")
    assert response.status == 413
    _nothing_touched(pact)


def test_event_missing_its_user_is_ignored_not_a_crash(pact, caplog):
    response = pact.slack.event({"type": "app_home_opened", "tab": "home"})
    assert response.status == 200
    pact.wait_idle()
    assert not [r for r in caplog.records if r.name == "pact.errors"]
    assert [c.method for c in pact.emulator.calls] == ["auth.test"]  # Bolt's token check only


# Any malformed signature header is a 401 with no side effect, for every kind of request and
# content type. (A non-numeric timestamp once made the verifier raise, and Bolt handed the
# unverified body to the error handler, which DMed its user and POSTed to its response_url.)
import pytest  # noqa: E402

# "{now}" is replaced by the current time when the test runs (test ids stay the same).
BAD_TIMESTAMPS = ["", "abc", "-1", "-300", "1e3", "1.5", "{now}.0", " {now}", "{now} ",
                  "+{now}", "9" * 40, "0", "¹²³", "nan", "0x10"]


def _hostile_bodies(pact, response_url):
    import json
    import urllib.parse

    command = dict(pact.slack.command_fields("boom", user=USER), response_url=response_url)
    action = {"type": "block_actions", "user": {"id": USER}, "team": {"id": "T0PACT"},
              "response_url": response_url, "trigger_id": "1.2.x",
              "actions": [{"action_id": "always_fails", "block_id": "b", "value": "x"}]}
    event = {"type": "event_callback", "team_id": "T0PACT",
             "event": {"type": "app_home_opened", "user": USER, "tab": "home"}}
    return [
        (urllib.parse.urlencode(command).encode(), "application/x-www-form-urlencoded"),
        (urllib.parse.urlencode({"payload": json.dumps(action)}).encode(),
         "application/x-www-form-urlencoded"),
        (json.dumps(event).encode(), "application/json"),
        (json.dumps(event).encode(), "text/plain"),
    ]


@pytest.mark.parametrize("timestamp", BAD_TIMESTAMPS)
def test_malformed_timestamp_is_refused_and_nothing_is_acted_on(pact, timestamp):
    timestamp = timestamp.replace("{now}", str(int(time.time())))
    pact.services.commands.add("boom", "Always fails.")(_boom)
    trap = pact.emulator.response_url("commands")
    for body, content_type in _hostile_bodies(pact, trap):
        # Signed "correctly" over the odd timestamp, as an attacker who knows no secret can't,
        # and with a signature computed over it by one who does: both are refused.
        for signature in (sign(pact.slack.secret, timestamp, body), "v0=" + "0" * 64):
            response = pact.slack.post(body, content_type, timestamp=timestamp,
                                       signature=signature)
            assert response.status == 401, (timestamp, content_type)
    pact.wait_idle()
    _nothing_touched(pact)
    assert pact.emulator.responses() == []


@pytest.mark.parametrize("signature", ["", "v0=", "v0=zz", "v1=" + "0" * 64, "0" * 67,
                                       "v0=" + "A" * 64, "v0=" + "0" * 63, "v0=" + "0" * 65])
def test_malformed_signature_is_refused(pact, signature):
    for body, content_type in _hostile_bodies(pact, pact.emulator.response_url()):
        assert pact.slack.post(body, content_type, signature=signature).status == 401
    pact.wait_idle()
    _nothing_touched(pact)


def test_missing_headers_are_refused_for_any_content_type(pact):
    for body, content_type in _hostile_bodies(pact, pact.emulator.response_url()):
        for headers in ({"X-Slack-Signature": sign(pact.slack.secret, "1", body)},
                        {"X-Slack-Request-Timestamp": str(int(time.time()))}):
            assert pact.slack.post(body, content_type, headers=headers,
                                   signed=False).status == 401
    _nothing_touched(pact)


def _boom(req):
    raise RuntimeError("kaboom")


def test_error_handler_never_acts_on_an_unverified_request(pact):
    """Even if a request reached Bolt unverified (say, through another adapter), its error
    handler answers 401 and neither DMs the body's user nor posts to its response_url."""
    import json

    from slack_bolt.request import BoltRequest

    pact.services.commands.add("boom", "Always fails.")(_boom)
    for body, _ in _hostile_bodies(pact, pact.emulator.response_url()):
        request = BoltRequest(body=body.decode(), headers={
            "x-slack-request-timestamp": ["abc"], "x-slack-signature": ["v0=" + "0" * 64],
            "content-type": ["application/json" if body.startswith(b"{")
                             else "application/x-www-form-urlencoded"]})
        response = pact.app.dispatch(request)
        assert response.status == 401, json.dumps(response.body)
    pact.wait_idle()
    _nothing_touched(pact)
    assert pact.emulator.responses() == []


def test_error_apology_goes_only_to_slack_hosts():
    from bot.signing import is_allowed_response_url, response_url_hosts

    slack = response_url_hosts("https://slack.com/api/")
    assert slack == ("https://hooks.slack.com/",)
    assert is_allowed_response_url("https://hooks.slack.com/commands/T1/2/x", slack)
    for evil in ("https://evil.example/hooks", "http://hooks.slack.com/x",
                 "https://hooks.slack.com.evil.example/x", "https://hooks.slack.com@evil/x",
                 None, 42, ["https://hooks.slack.com/"]):
        assert not is_allowed_response_url(evil, slack), evil
    emulated = response_url_hosts("http://127.0.0.1:4000/api/")
    assert is_allowed_response_url("http://127.0.0.1:4000/hooks/commands/T/R1", emulated)
    assert not is_allowed_response_url("http://127.0.0.1:4001/hooks/x", emulated)


def test_signed_request_with_a_foreign_response_url_gets_no_post_there(pact):
    pact.services.commands.add("laterboom", "Fails later.", later=_boom)(
        lambda req: req.ack(text="On it…"))
    fields = dict(pact.slack.command_fields("laterboom", user=USER),
                  response_url="http://127.0.0.1:9/evil")
    assert pact.slack.post_form(fields).status == 200
    pact.wait_idle()
    assert pact.emulator.responses() == []
    (dm,) = [c for c in pact.emulator.calls if c.method == "chat.postMessage"]
    assert dm.args["channel"] == USER
