"""Messages and what hangs off them, driven through the official client and checked against
zulip.yaml: sending and editing, reactions, events, scheduled messages, uploads."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from lz_conformance_kit import client, op_count
from lz_openapi import Validator, spec_file

pytestmark = pytest.mark.skipif(
    spec_file() is None,
    reason="zulip.yaml not found (../shared/zulip-openapi or $ZULIP_OPENAPI_SPEC)",
)


def test_messages(env: Any, v: Validator) -> None:
    """Sending (all recorded error cases), fetching, editing, deleting and reacting conform."""
    server = env[0]
    bot = client(env, "bot")
    carol = client(env, "carol")
    bot_id = server.bot.user_id
    sent = carol.send_message({"type": "private", "to": [bot_id], "content": "hi bot"})
    assert sent["result"] == "success"
    ch = bot.send_message({"type": "stream", "to": "standup", "topic": "daily", "content": "go"})
    bad = [
        {"type": "channel", "to": "standup", "topic": "t", "content": "x"},
        {"type": "stream", "to": "nope", "topic": "t", "content": "x"},
        {"type": "stream", "to": 99999, "topic": "t", "content": "x"},
        {"type": "direct", "to": [99999], "content": "x"},
        {"type": "direct", "to": ["nobody@example.com"], "content": "x"},
        {"type": "direct", "to": [bot_id], "content": "  "},
        {"type": "direct", "to": [bot_id]},
        {"type": "direct", "content": "x"},
        {"type": "stream", "to": "standup", "content": "x"},
        {"type": "stream", "to": "standup", "topic": "a", "subject": "b", "content": "x"},
        {"type": "direct", "to": [bot_id, "carol@example.com"], "content": "x"},
    ]
    for request in bad:
        assert bot.send_message(request)["result"] == "error", request
    narrow = [{"operator": "is", "operand": "dm"}]
    got = bot.get_messages({"anchor": "newest", "num_before": 5, "num_after": 0, "narrow": narrow})
    assert got["messages"][-1]["id"] == sent["id"]
    assert bot.get_messages({"anchor": "oldest", "num_before": 0, "num_after": 1})["found_oldest"]
    bad_narrow = [{"operator": "dm", "operand": [99999]}]
    err = bot.get_messages(
        {"anchor": "newest", "num_before": 1, "num_after": 0, "narrow": bad_narrow}
    )
    assert err["code"] == "BAD_NARROW"
    assert bot.get_messages({"num_before": 1, "num_after": 0})["result"] == "error"
    assert bot.get_raw_message(sent["id"])["raw_content"] == "hi bot"
    assert (
        bot.call_endpoint(f"messages/{sent['id']}", "GET", {"apply_markdown": False})["message"][
            "content"
        ]
        == "hi bot"
    )
    assert bot.get_raw_message(99999999)["msg"] == "Invalid message(s)"
    assert bot.update_message({"message_id": ch["id"], "content": "go!"})["result"] == "success"
    assert carol.update_message({"message_id": ch["id"], "content": "x"})["result"] == "error"
    assert bot.update_message({"message_id": ch["id"], "topic": "renamed"})["result"] == "success"
    assert bot.update_message({"message_id": ch["id"]})["msg"] == "Nothing to change"
    assert carol.add_reaction({"message_id": ch["id"], "emoji_name": "tada"})["result"] == "success"
    dup = carol.add_reaction({"message_id": ch["id"], "emoji_name": "tada"})
    assert dup["code"] == "REACTION_ALREADY_EXISTS"
    assert carol.remove_reaction({"message_id": ch["id"], "emoji_name": "tada"})["result"] == (
        "success"
    )
    gone = carol.remove_reaction({"message_id": ch["id"], "emoji_name": "tada"})
    assert gone["code"] == "REACTION_DOES_NOT_EXIST"
    assert carol.delete_message(ch["id"])["result"] == "error"
    assert bot.delete_message(ch["id"])["result"] == "success"
    assert bot.delete_message(ch["id"])["result"] == "error"
    for op in (
        "send-message",
        "get-messages",
        "get-message",
        "update-message",
        "delete-message",
        "add-reaction",
        "remove-reaction",
    ):
        assert op_count(env, op) > 0


def test_reactions_are_checked_against_zulips_emoji_data(env: Any, v: Validator) -> None:
    """add-reaction takes a name with its own code and refuses other pairs as Zulip does."""
    bot = client(env, "bot")
    msg = bot.send_message({"type": "stream", "to": "standup", "topic": "emoji", "content": "hi"})
    mid = msg["id"]

    def react(**params: str) -> dict[str, Any]:
        return dict(bot.add_reaction({"message_id": mid, **params}))

    unicode = {"reaction_type": "unicode_emoji"}
    assert react(emoji_name="check", emoji_code="2705", **unicode)["result"] == "success"
    assert react(emoji_name="check_mark", emoji_code="2714", **unicode)["result"] == "success"
    assert react(emoji_name="pencil", emoji_code="270f", **unicode)["result"] == "success"
    assert react(emoji_name="all_good", emoji_code="1f44d", **unicode) == {
        "result": "error",
        "msg": "Invalid emoji name.",
        "code": "BAD_REQUEST",
    }
    # The pair the bot once sent: 2714 is a real emoji, but it is not the one named check.
    fresh = bot.send_message({"type": "stream", "to": "standup", "topic": "emoji", "content": "2"})
    wrong = bot.add_reaction(
        {"message_id": fresh["id"], "emoji_name": "check", "emoji_code": "2714", **unicode}
    )
    assert (wrong["msg"], wrong["code"]) == ("Invalid emoji name.", "BAD_REQUEST")
    unknown_code = react(emoji_name="warning", emoji_code="fffff", **unicode)
    assert (unknown_code["msg"], unknown_code["code"]) == ("Invalid emoji code.", "BAD_REQUEST")
    unknown_name = react(emoji_name="no_such_emoji")
    assert (unknown_name["msg"], unknown_name["code"]) == (
        "Emoji 'no_such_emoji' does not exist",
        "BAD_REQUEST",
    )
    bad_type = react(emoji_name="warning", emoji_code="26a0", reaction_type="sticker")
    assert bad_type["msg"] == "Invalid emoji type."
    held = env[0].realm.messages[mid].reactions
    assert [(r.emoji_name, r.emoji_code) for r in held] == [
        ("check", "2705"),
        ("check_mark", "2714"),
        ("pencil", "270f"),
    ]
    assert env[0].realm.messages[fresh["id"]].reactions == []
    # Joining someone's reaction takes that reaction's name, whatever name the joiner sent.
    carol = client(env, "carol")
    joined = carol.add_reaction(
        {"message_id": mid, "emoji_name": "heavy_check", "emoji_code": "2714", **unicode}
    )
    assert joined["result"] == "success"
    assert held[-1].emoji_name == "check_mark"


def test_events(env: Any, v: Validator) -> None:
    """register-queue, get-events (immediate, waited, heartbeat, errors), delete-queue conform."""
    server = env[0]
    bot = client(env, "bot")
    dave = client(env, "dave")
    types = [
        "message",
        "update_message",
        "reaction",
        "realm_user",
        "subscription",
        "user_status",
        "delete_message",
        "scheduled_messages",
    ]
    reg = bot.register(event_types=types, fetch_event_types=[*types, "realm"])
    assert reg["max_message_length"] == 10000
    qid = reg["queue_id"]
    dave.send_message({"type": "private", "to": [server.bot.user_id], "content": "hello"})
    dave.call_endpoint("users/me/status", "POST", {"status_text": "busy"})
    dave.call_endpoint("settings", "PATCH", {"timezone": "Asia/Tokyo"})
    dave.add_subscriptions([{"name": "standup"}])
    dave.remove_subscriptions(["standup"])
    events = bot.get_events(queue_id=qid, last_event_id=-1, dont_block=True)["events"]
    assert {e["type"] for e in events} >= {"message", "user_status", "realm_user", "subscription"}
    last = events[-1]["id"]
    beat = bot.get_events(queue_id=qid, last_event_id=last)
    assert beat["events"][0]["type"] == "heartbeat"
    assert beat["queue_id"] == qid
    assert bot.get_events(queue_id="nope", last_event_id=-1)["code"] == "BAD_EVENT_QUEUE_ID"
    assert bot.deregister(qid)["result"] == "success"
    assert bot.deregister(qid)["code"] == "BAD_EVENT_QUEUE_ID"
    for op in ("register-queue", "get-events", "delete-queue"):
        assert op_count(env, op) > 0


def test_register_fetches_only_the_state_asked_for(env: Any, v: Validator) -> None:
    """fetch_event_types picks the initial state as on Zulip (its recorded register without
    "realm" has no realm limits); event_types alone picks what the queue delivers."""
    bot = client(env, "bot")
    dave = client(env, "dave")
    reg = bot.register(event_types=["realm_user"], fetch_event_types=["message", "realm"])
    assert "max_message_id" in reg
    assert reg["max_message_length"] == 10000
    assert not {"realm_users", "realm_non_active_users", "cross_realm_bots"} & set(reg)
    dave.call_endpoint("settings", "PATCH", {"timezone": "Asia/Tokyo"})
    events = bot.get_events(queue_id=reg["queue_id"], last_event_id=-1, dont_block=True)
    people = [e["person"] for e in events["events"] if e["type"] == "realm_user"]
    assert [(p["user_id"], p["timezone"]) for p in people] == [
        (env[0].user("dave").user_id, "Asia/Tokyo")
    ]
    assert bot.deregister(reg["queue_id"])["result"] == "success"
    users_only = bot.register(event_types=["message"], fetch_event_types=["realm_user"])
    assert {"realm_users", "realm_non_active_users", "cross_realm_bots"} <= set(users_only)
    assert "max_message_id" not in users_only
    assert "max_message_length" not in users_only
    assert bot.deregister(users_only["queue_id"])["result"] == "success"


def test_scheduled_messages(env: Any, v: Validator) -> None:
    """Scheduled-message CRUD conforms, including its 404 and validation errors."""
    bot = client(env, "bot")
    carol_id = env[0].user("carol").user_id
    future = int(time.time()) + 3600
    req = {
        "type": "direct",
        "to": [carol_id],
        "content": "later",
        "scheduled_delivery_timestamp": future,
    }
    created = bot.call_endpoint("scheduled_messages", "POST", req)
    sid = created["scheduled_message_id"]
    past = dict(req, scheduled_delivery_timestamp=future - 7200)
    assert bot.call_endpoint("scheduled_messages", "POST", past)["result"] == "error"
    listed = bot.call_endpoint("scheduled_messages", "GET")["scheduled_messages"]
    assert listed[0]["type"] == "private"
    edit = {"content": "later!", "scheduled_delivery_timestamp": future + 60}
    assert bot.call_endpoint(f"scheduled_messages/{sid}", "PATCH", edit)["result"] == "success"
    assert bot.call_endpoint("scheduled_messages/999", "PATCH", edit)["result"] == "error"
    assert bot.call_endpoint(f"scheduled_messages/{sid}", "DELETE")["result"] == "success"
    assert bot.call_endpoint(f"scheduled_messages/{sid}", "DELETE")["result"] == "error"
    for op in (
        "get-scheduled-messages",
        "create-scheduled-message",
        "update-scheduled-message",
        "delete-scheduled-message",
    ):
        assert op_count(env, op) > 0


def test_uploads(env: Any, v: Validator) -> None:
    """upload-file (any field name) and get-file-temporary-url conform."""
    bot = client(env, "bot")
    handle = io.BytesIO(b"\x89PNG\r\n\x1a\nfake")
    handle.name = "standup chart.png"
    uri = bot.upload_file(handle)["uri"]
    assert uri.endswith("/standup-chart.png")
    temp = bot.call_endpoint(uri.replace("/user_uploads/", "user_uploads/", 1), "GET")
    assert temp["url"].startswith("/user_uploads/temporary/")
    assert op_count(env, "upload-file")
    assert op_count(env, "get-file-temporary-url")
