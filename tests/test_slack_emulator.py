"""The Slack emulator answers slack_sdk's WebClient like Slack does, and catches bad payloads."""

import json
import time
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.playground.emulator import (
    DEFAULT_SCOPES,
    SlackEmulator,
    check_message_blocks,
    check_view,
)

TOKEN = "xoxb-test-token"


@pytest.fixture
def emu():
    with SlackEmulator() as emulator:
        yield emulator


@pytest.fixture
def client(emu):
    return WebClient(token=TOKEN, base_url=emu.url, retry_handlers=[])


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response["error"]


def section(text="hi", **extra):
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def modal(blocks=None, **extra):
    return {"type": "modal", "title": {"type": "plain_text", "text": "Pact"},
            "blocks": blocks or [section()], **extra}


def input_block(block_id="goal"):
    return {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": "Goal"},
            "element": {"type": "plain_text_input", "action_id": "value"}}


# ---- auth, users, conversations ---------------------------------------------------------------


def test_auth_test_reports_bot_identity_and_scopes(emu, client):
    resp = client.auth_test()
    assert resp["user_id"] == emu.bot_user_id and resp["team_id"] == "T0PACT"
    assert resp["bot_id"].startswith("B")
    assert resp.headers["x-oauth-scopes"].split(",") == list(DEFAULT_SCOPES)
    assert emu.calls_to("auth.test")[0].token == TOKEN


def test_wrong_token_and_unknown_method(emu):
    bad = WebClient(token="xoxb-nope", base_url=emu.url, retry_handlers=[])
    assert error_of(bad.auth_test) == "invalid_auth"
    assert error_of(lambda: bad.users_info(user="U1")) == "invalid_auth"
    good = WebClient(token=TOKEN, base_url=emu.url)
    assert error_of(lambda: good.api_call("pact.nothing")) == "unknown_method"


def test_token_accepted_as_form_field(emu):
    body = f"token={TOKEN}".encode()
    with urllib.request.urlopen(urllib.request.Request(emu.url + "auth.test", data=body)) as r:
        assert json.loads(r.read())["ok"] is True


def test_users_info_timezone_and_flags(emu, client):
    uid = emu.add_user(name="kenji", tz="Asia/Tokyo", is_admin=True)
    assert len(uid) == 11 and uid.startswith("U") and uid[1:].isalnum() and uid.isupper()
    user = client.users_info(user=uid)["user"]
    assert (user["tz"], user["tz_offset"], user["tz_label"]) == ("Asia/Tokyo", 32400, "JST")
    assert user["is_admin"] and not user["is_bot"] and user["profile"]["display_name"] == "kenji"
    assert client.users_info(user=emu.bot_user_id)["user"]["is_bot"] is True
    assert error_of(lambda: client.users_info(user="U0MISSING00")) == "user_not_found"


def test_users_list_and_members_paginate(emu, client):
    people = [emu.add_user(name=f"p{i}") for i in range(7)]
    seen, cursor = [], None
    while True:
        page = client.users_list(limit=3, cursor=cursor)
        seen += [m["id"] for m in page["members"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert set(people) <= set(seen) and len(seen) == len(set(seen)) == 9  # + bot and slackbot

    cid = emu.add_channel(members=people)
    first = client.conversations_members(channel=cid, limit=5)
    rest = client.conversations_members(channel=cid, limit=5,
                                        cursor=first["response_metadata"]["next_cursor"])
    assert first["members"] + rest["members"] == people
    assert rest["response_metadata"]["next_cursor"] == ""
    assert error_of(lambda: client.conversations_members(channel="C0NOPE00000")) == (
        "channel_not_found")


def test_conversations_open_and_info(emu, client):
    uid = emu.add_user()
    dm = client.conversations_open(users=uid)["channel"]["id"]
    assert dm.startswith("D") and dm == emu.dm_channel(uid)
    assert client.conversations_open(users=uid)["already_open"] is True
    gone = emu.add_user(name="bob")
    emu.deactivate_user(gone)
    assert error_of(lambda: client.conversations_open(users=gone)) == "user_disabled"
    assert error_of(lambda: client.conversations_open(users="U0NOBODY000")) == "user_not_found"

    cid = emu.add_channel(name="growth", members=[uid])
    info = client.conversations_info(channel=cid)["channel"]
    assert (info["name"], info["is_member"], info["is_archived"]) == ("growth", True, False)
    secret = emu.add_channel(is_private=True, bot_is_member=False)
    assert error_of(lambda: client.conversations_info(channel=secret)) == "channel_not_found"
    emu.set_channel(cid, is_archived=True)
    assert client.conversations_info(channel=cid)["channel"]["is_archived"] is True
    emu.set_channel(cid, delete=True)
    assert error_of(lambda: client.conversations_info(channel=cid)) == "channel_not_found"


# ---- chat -------------------------------------------------------------------------------------


def test_post_to_channel_and_to_user_dm(emu, client):
    uid = emu.add_user()
    cid = emu.add_channel(members=[uid])
    resp = client.chat_postMessage(channel=cid, text="hello", blocks=[section("hello")])
    assert resp["channel"] == cid and resp["message"]["bot_id"] == emu.bot_id
    [msg] = emu.messages(cid)
    assert (msg["ts"], msg["text"], msg["user"]) == (resp["ts"], "hello", emu.bot_user_id)

    dm = client.chat_postMessage(channel=uid, text="psst")
    assert dm["channel"].startswith("D") and dm["channel"] == emu.dm_channel(uid)
    assert [m["text"] for m in emu.dms(uid)] == ["psst"]


def test_ts_strictly_increasing_and_thread_reply(emu, client):
    cid = emu.add_channel()
    parent = client.chat_postMessage(channel=cid, text="goal")["ts"]
    reply = client.chat_postMessage(channel=cid, text="done", thread_ts=parent)
    again = client.chat_postMessage(channel=cid, text="also", thread_ts=reply["ts"])
    msgs = emu.messages(cid)
    assert [m["ts"] for m in msgs] == sorted(m["ts"] for m in msgs)
    assert len({m["ts"] for m in msgs}) == 3
    assert msgs[1]["thread_ts"] == parent and msgs[2]["thread_ts"] == parent  # reply to a reply
    assert msgs[0]["thread_ts"] is None and msgs[0]["reply_count"] == 2
    assert again["ts"].count(".") == 1 and len(again["ts"].split(".")[1]) == 6


def test_update_changes_message_in_place_and_delete(emu, client):
    cid = emu.add_channel()
    ts = client.chat_postMessage(channel=cid, text="v1")["ts"]
    [msg] = emu.messages(cid)
    client.chat_update(channel=cid, ts=ts, text="v2", blocks=[section("v2")])
    assert msg["text"] == "v2" and msg["blocks"][0]["text"]["text"] == "v2" and msg["edited"]
    assert error_of(lambda: client.chat_update(channel=cid, ts="1.000001", text="x")) == (
        "message_not_found")
    human = emu.post_user_message(cid, emu.add_user(), "mine")
    assert error_of(lambda: client.chat_update(channel=cid, ts=human, text="x")) == (
        "cant_update_message")
    client.chat_delete(channel=cid, ts=ts)
    assert [m["ts"] for m in emu.messages(cid)] == [human]


def test_channel_errors(emu, client):
    outside = emu.add_channel(bot_is_member=False)
    assert client.chat_postMessage(channel=outside, text="ok with chat:write.public")["ok"]
    strict = WebClient(token=TOKEN, base_url=emu.url)
    emu.scopes = tuple(s for s in DEFAULT_SCOPES if s != "chat:write.public")
    assert error_of(lambda: strict.chat_postMessage(channel=outside, text="x")) == "not_in_channel"
    private = emu.add_channel(is_private=True, bot_is_member=False)
    assert error_of(lambda: client.chat_postMessage(channel=private, text="x")) == (
        "channel_not_found")
    assert error_of(lambda: client.chat_postMessage(channel="C0UNKNOWN00", text="x")) == (
        "channel_not_found")
    archived = emu.add_channel(is_archived=True)
    assert error_of(lambda: client.chat_postMessage(channel=archived, text="x")) == "is_archived"
    assert not emu.violations  # state errors are not payload violations


def test_missing_scope(client):
    cid = "C0ANY000000"
    err = error_of(lambda: client.reactions_add(channel=cid, timestamp="1.1", name="tada"))
    assert err == "missing_scope"


def test_ephemeral_requires_membership(emu, client):
    member, stranger = emu.add_user(), emu.add_user(name="eve")
    cid = emu.add_channel(members=[member])
    resp = client.chat_postEphemeral(channel=cid, user=member, text="only you")
    assert resp["message_ts"] and "ts" not in resp.data
    assert emu.ephemerals(cid, user=member)[0]["text"] == "only you"
    assert error_of(lambda: client.chat_postEphemeral(channel=cid, user=stranger, text="x")) == (
        "user_not_in_channel")


def test_deactivated_users_dm_still_accepts_posts(emu, client):
    uid = emu.add_user()
    emu.deactivate_user(uid)
    client.chat_postMessage(channel=uid, text="into the void")
    assert len(emu.dms(uid)) == 1


def test_form_encoded_json_blocks_are_decoded(emu, client):
    cid = emu.add_channel()
    blocks = json.dumps([section("form")])
    client.api_call("chat.postMessage", data={"channel": cid, "text": "form", "blocks": blocks})
    assert emu.messages(cid)[0]["blocks"][0]["text"]["text"] == "form"


# ---- payload checks ---------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_message_block_violations(emu, client):
    cid = emu.add_channel()
    too_many = [section(str(i)) for i in range(51)]
    assert error_of(lambda: client.chat_postMessage(channel=cid, text="x", blocks=too_many)) == (
        "invalid_blocks")
    assert error_of(lambda: client.chat_postMessage(channel=cid, blocks=[section()])) == "no_text"
    field = {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel=cid, text="x", blocks=[field])
    messages = info.value.response["response_metadata"]["messages"]
    assert messages == ["[ERROR] text is 2001 characters, max 2000 "
                        "[json-pointer:/blocks/0/fields/0/text]"]
    assert error_of(lambda: client.chat_postMessage(channel=cid)) == "no_text"
    assert error_of(lambda: client.chat_postMessage(channel=cid, text="x" * 40001)) == (
        "msg_too_long")
    assert len(emu.violations) == 5 and emu.messages(cid) == []
    assert all(v.startswith("chat.postMessage: ") for v in emu.violations)


def test_check_message_blocks_directly():
    assert check_message_blocks([section(), {"type": "divider"}]) == []
    button = {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "b" * 76}}
    dup = [{"type": "actions", "block_id": "x", "elements": [button, {**button, "text": {
        "type": "plain_text", "text": "ok"}}]}, {"type": "divider", "block_id": "x"}]
    reasons = check_message_blocks(dup)
    assert any("max 75" in r for r in reasons)
    assert any("action_id 'a' is not unique" in r for r in reasons)
    assert any("block_id 'x' is not unique" in r for r in reasons)
    boxes = {"type": "checkboxes", "action_id": "c", "options": [
        {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in range(11)]}
    assert any("1..10 options" in r for r in check_message_blocks(
        [{"type": "actions", "elements": [boxes]}]))
    assert any("unsupported type" in r for r in check_message_blocks([{"type": "nope"}]))
    assert any("expected a text object" in r for r in check_message_blocks(
        [{"type": "header", "text": "plain string"}]))
    long_value = {"text": {"type": "plain_text", "text": "o"}, "value": "v" * 151}
    select = {"type": "static_select", "action_id": "s", "options": [long_value]}
    assert check_message_blocks([section(accessory=select)])


def test_view_violations(emu, client):
    def open_view(view):
        return error_of(lambda: client.views_open(trigger_id=emu.new_trigger_id(), view=view))

    long_title = modal(title={"type": "plain_text", "text": "t" * 25})
    assert open_view(long_title) == "invalid_arguments"
    assert open_view(modal([section(str(i)) for i in range(101)])) == "invalid_arguments"
    assert open_view(modal([input_block()])) == "invalid_arguments"
    assert open_view(modal([section("s" * 3001)])) == "invalid_arguments"
    assert open_view(modal([section("s" * 3000)] * 90)) == "view_too_large"
    assert any("needs submit" in v for v in emu.violations)
    assert any("json-pointer:/blocks/0/text/text" in v for v in emu.violations)
    assert client.views_open(trigger_id=emu.new_trigger_id(), view=modal())["ok"]


def test_check_view_directly():
    assert check_view(modal([input_block()], submit={"type": "plain_text", "text": "Save"})) == []
    home = {"type": "home", "blocks": [section()], "submit": {"type": "plain_text", "text": "x"}}
    assert any("home views cannot have submit" in r for r in check_view(home))
    assert any("private_metadata" in r for r in check_view(modal(private_metadata="m" * 3001)))
    assert check_view({"type": "modal", "title": {"type": "plain_text", "text": "x"},
                       "blocks": []})


# ---- views ------------------------------------------------------------------------------------


def test_trigger_expiry_reuse_and_format(emu, client):
    now = [1000.0]
    emu.clock = lambda: now[0]
    trigger = emu.new_trigger_id()
    assert len(trigger.split(".")) == 3
    now[0] += 3.5
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=modal())) == (
        "expired_trigger_id")
    fresh = emu.new_trigger_id()
    view = client.views_open(trigger_id=fresh, view=modal())["view"]
    assert view["id"].startswith("V") and view["root_view_id"] == view["id"] and view["hash"]
    assert error_of(lambda: client.views_open(trigger_id=fresh, view=modal())) == (
        "exchanged_trigger_id")
    assert error_of(lambda: client.views_open(trigger_id="111.222.valid", view=modal())) == (
        "invalid_trigger_id")


def test_push_limit_and_update(emu, client):
    root = client.views_open(trigger_id=emu.new_trigger_id(), view=modal())["view"]
    second = client.views_push(trigger_id=emu.new_trigger_id(root["id"]), view=modal())["view"]
    assert second["root_view_id"] == root["id"] and second["previous_view_id"] == root["id"]
    client.views_push(trigger_id=emu.new_trigger_id(second["id"]), view=modal())
    assert error_of(lambda: client.views_push(trigger_id=emu.new_trigger_id(), view=modal())) == (
        "push_limit_reached")
    assert len(emu.views()) == 3

    updated = client.views_update(view_id=root["id"], hash=root["hash"],
                                  view=modal([section("new")]))["view"]
    assert emu.views()[root["id"]]["blocks"][0]["text"]["text"] == "new"
    assert error_of(lambda: client.views_update(view_id=root["id"], hash=root["hash"],
                                                view=modal())) == "hash_conflict"
    assert client.views_update(view_id=root["id"], hash=updated["hash"], view=modal())["ok"]
    assert error_of(lambda: client.views_update(view_id="V0NOPE00000", view=modal())) == (
        "not_found")


def test_update_by_external_id_and_publish_home(emu, client):
    client.views_open(trigger_id=emu.new_trigger_id(), view=modal(external_id="pdp-1"))
    client.views_update(external_id="pdp-1", view=modal([section("by ext")]))
    [view] = emu.views().values()
    assert view["blocks"][0]["text"]["text"] == "by ext" and view["external_id"] == "pdp-1"

    uid = emu.add_user()
    first = client.views_publish(user_id=uid, view={"type": "home", "blocks": [section()]})
    again = client.views_publish(user_id=uid, view={"type": "home", "blocks": [section("2")]})
    assert first["view"]["id"] == again["view"]["id"]
    assert emu.home_view(uid)["blocks"][0]["text"]["text"] == "2"
    assert emu.home_view("U0NOBODY000") is None


# ---- faults and rate limits -------------------------------------------------------------------


def test_fail_next_error_and_429_recovered_by_retry_handler(emu):
    cid = emu.add_channel()
    client = WebClient(token=TOKEN, base_url=emu.url, retry_handlers=[])
    emu.fail_next("chat.postMessage", error="fatal_error")
    assert error_of(lambda: client.chat_postMessage(channel=cid, text="x")) == "fatal_error"

    emu.fail_next("chat.postMessage", status=429, retry_after=1)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel=cid, text="x")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "1"
    assert info.value.response["error"] == "ratelimited"

    emu.fail_next("chat.postMessage", status=429, retry_after=1)
    retrying = WebClient(token=TOKEN, base_url=emu.url,
                         retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    started = time.monotonic()
    assert retrying.chat_postMessage(channel=cid, text="after wait")["ok"]
    assert time.monotonic() - started >= 1.0
    assert [c.status for c in emu.calls_to("chat.postMessage")] == [200, 429, 429, 200]


def test_server_errors_recovered_by_retry_handler(emu):
    emu.fail_next("users.list", status=500)
    emu.fail_next("users.list", status=503)
    client = WebClient(token=TOKEN, base_url=emu.url,
                       retry_handlers=[ServerErrorRetryHandler(max_retry_count=2)])
    assert client.users_list()["ok"]
    assert [c.status for c in emu.calls_to("users.list")] == [500, 503, 200]


def test_fail_next_delay_causes_client_timeout(emu):
    emu.fail_next("auth.test", delay=1.0)
    client = WebClient(token=TOKEN, base_url=emu.url, timeout=0.2, retry_handlers=[])
    with pytest.raises(Exception, match="timed out"):
        client.auth_test()
    assert client.auth_test()["ok"]


def test_rate_limits_per_channel_and_tier(emu, client):
    emu.rate_limits = True
    now = [50.0]
    emu.clock = lambda: now[0]
    one, two = emu.add_channel(), emu.add_channel(name="other")
    client.chat_postMessage(channel=one, text="1")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel=one, text="2")
    assert info.value.response.status_code == 429
    assert int(info.value.response.headers["Retry-After"]) >= 1
    assert client.chat_postMessage(channel=two, text="other channel")["ok"]
    now[0] += 1.0
    assert client.chat_postMessage(channel=one, text="a second later")["ok"]

    for _ in range(20):  # users.list is Tier 2: 20 per minute
        client.users_list()
    assert error_of(client.users_list) == "ratelimited"
    now[0] += 3.0  # one request back every 3 s
    assert client.users_list()["ok"]


# ---- files ------------------------------------------------------------------------------------


def test_files_upload_v2_round_trip(emu, client):
    uid = emu.add_user()
    dm = emu.dm_channel(uid)
    resp = client.files_upload_v2(channel=dm, filename="pdp.md", title="My PDP",
                                  content="# Plan\n", initial_comment="Your export")
    assert resp["file"]["id"].startswith("F")
    [f] = emu.uploaded_files()
    assert (f["filename"], f["title"], f["content"]) == ("pdp.md", "My PDP", b"# Plan\n")
    assert (f["channel_id"], f["initial_comment"]) == (dm, "Your export")


def test_reset_keeps_world(emu, client):
    uid = emu.add_user()
    cid = emu.add_channel(members=[uid])
    client.chat_postMessage(channel=cid, text="x")
    emu.fail_next("auth.test", error="boom")
    emu.reset()
    assert emu.calls == [] and emu.messages(cid) == [] and emu.violations == []
    assert client.auth_test()["ok"]
    assert client.users_info(user=uid)["ok"] and client.conversations_info(channel=cid)["ok"]


def test_the_emulator_is_cohesive_modules_behind_one_import_path():
    from pathlib import Path

    import bot.playground.emulator as public
    from bot.playground.webapi import chat, files, limits, users, views

    assert public.check_view is limits.check_view
    assert public.check_message_blocks is limits.check_message_blocks
    for part in (chat.ChatMethods, files.FileMethods, users.UserMethods, views.ViewMethods):
        assert issubclass(public.SlackEmulator, part)
    root = Path(public.__file__).parent
    for module in [root / "emulator.py", *(root / "webapi").glob("*.py")]:
        assert len(module.read_text().splitlines()) <= 400, module.name
