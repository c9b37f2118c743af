"""Requests that are not Slack's get 401 and touch nothing."""

import time

from sqlalchemy import func, select

from storage.models import Member, Workspace
from tests.slack_requests import sign

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
