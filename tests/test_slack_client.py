"""Pact's Web client retries what Slack asks it to retry, and points where SLACK_API_URL says."""

import time

import pytest
from slack_sdk.errors import SlackApiError

from bot.config import load_settings
from bot.slack_client import make_web_client


@pytest.fixture
def client(emulator):
    settings = load_settings({"SLACK_BOT_TOKEN": emulator.bot_token,
                              "SLACK_API_URL": emulator.url})
    return make_web_client(settings)


def test_rate_limited_call_waits_for_retry_after_then_succeeds(client, emulator):
    channel = emulator.add_channel(name="growth")
    emulator.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    response = client.chat_postMessage(channel=channel, text="hello")
    assert response["ok"]
    assert time.monotonic() - started >= 1.0
    assert len(emulator.calls_to("chat.postMessage")) == 2
    assert len(emulator.messages(channel)) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried(client, emulator, status):
    channel = emulator.add_channel(name="growth")
    emulator.fail_next("chat.postMessage", status=status)
    assert client.chat_postMessage(channel=channel, text="hello")["ok"]
    assert len(emulator.messages(channel)) == 1


def test_retries_are_bounded(client, emulator):
    channel = emulator.add_channel(name="growth")
    emulator.fail_next("chat.postMessage", status=500, times=10)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=channel, text="hello")
    assert len(emulator.calls_to("chat.postMessage")) == 3  # the call and two retries
    assert emulator.messages(channel) == []


def test_slack_errors_are_not_retried(client, emulator):
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C0NOWHERE01", text="hello")
    assert err.value.response["error"] == "channel_not_found"
    assert len(emulator.calls_to("chat.postMessage")) == 1
