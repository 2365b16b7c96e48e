"""Every implemented endpoint is covered; users, settings, streams and errors, driven through
the official client and checked against zulip.yaml (messages: test_lz_conformance_messages)."""

from __future__ import annotations

from typing import Any

import pytest
from lz_conformance_kit import client, op_count
from lz_openapi import DEVIATIONS, Validator, spec_file

from localzulip.app import implemented_operation_ids

pytestmark = pytest.mark.skipif(
    spec_file() is None,
    reason="zulip.yaml not found (../shared/zulip-openapi or $ZULIP_OPENAPI_SPEC)",
)

# The operationIds the conformance suites drive; test_every_operation_is_covered keeps it honest
# (messages and what hangs off them: test_lz_conformance_messages.py).
COVERED = {
    "get-server-settings",
    "get-own-user",
    "get-users",
    "get-user",
    "get-user-by-email",
    "update-settings",
    "update-status",
    "update-user",
    "deactivate-user",
    "reactivate-user",
    "get-streams",
    "get-stream-id",
    "get-stream-by-id",
    "get-subscribers",
    "get-subscriptions",
    "subscribe",
    "unsubscribe",
    "get-subscription-status",
    "send-message",
    "get-messages",
    "get-message",
    "update-message",
    "delete-message",
    "add-reaction",
    "remove-reaction",
    "register-queue",
    "get-events",
    "delete-queue",
    "get-scheduled-messages",
    "create-scheduled-message",
    "update-scheduled-message",
    "delete-scheduled-message",
    "upload-file",
    "get-file-temporary-url",
}


def test_every_operation_is_covered() -> None:
    """The server's registry of implemented operationIds equals the list this suite covers."""
    assert implemented_operation_ids() == COVERED


def test_deviations_are_documented() -> None:
    """Each deviation the validator may apply has a written reason."""
    assert all(len(reason) > 40 for reason in DEVIATIONS.values())


def test_server_settings_and_users(env: Any, v: Validator) -> None:
    """get-server-settings, get-own-user, get-users, get-user, get-user-by-email conform."""
    bot = client(env, "bot")
    alice = client(env, "alice")
    assert bot.get_server_settings()["zulip_feature_level"] == 247
    assert bot.get_profile()["is_bot"] is True
    assert alice.get_profile()["role"] == 100
    members = bot.get_members()["members"]
    assert [m["email"].lower() for m in members] == sorted(m["email"].lower() for m in members)
    assert bot.get_members({"client_gravatar": False})["members"][0]["avatar_url"]
    carol = env[0].user("carol")
    assert bot.get_user_by_id(carol.user_id)["user"]["timezone"] == "Asia/Kolkata"
    assert bot.get_user_by_id(99999)["msg"] == "No such user"
    assert bot.call_endpoint("users/carol@example.com", "GET")["user"]["user_id"] == carol.user_id
    assert bot.call_endpoint("users/nobody@example.com", "GET")["code"] == "BAD_REQUEST"
    for op in ("get-server-settings", "get-own-user", "get-users", "get-user", "get-user-by-email"):
        assert op_count(env, op) > 0


def test_settings_status_and_admin_user_changes(env: Any, v: Validator) -> None:
    """update-settings, update-status, update-user, deactivate-user, reactivate-user conform."""
    server = env[0]
    dave = client(env, "dave")
    alice = client(env, "alice")
    carol = client(env, "carol")
    assert (
        dave.call_endpoint("settings", "PATCH", {"timezone": "Europe/Paris"})["result"] == "success"
    )
    assert server.user("dave").timezone == "Europe/Paris"
    assert (
        dave.call_endpoint("settings", "PATCH", {"timezone": "Mars/Olympus"})["result"] == "error"
    )
    status = {"status_text": "On vacation", "emoji_name": "palm_tree", "away": True}
    assert dave.call_endpoint("users/me/status", "POST", status)["result"] == "success"
    assert dave.call_endpoint("users/me/status", "POST", {})["result"] == "error"
    erin = server.user("erin").user_id
    assert alice.update_user_by_id(erin, role=400)["result"] == "success"
    assert carol.update_user_by_id(erin, role=200)["result"] == "error"
    assert alice.deactivate_user_by_id(erin)["result"] == "success"
    assert alice.reactivate_user_by_id(erin)["result"] == "success"
    assert alice.update_user_by_id(erin, role=600)["result"] == "success"
    for op in (
        "update-settings",
        "update-status",
        "update-user",
        "deactivate-user",
        "reactivate-user",
    ):
        assert op_count(env, op) > 0


def test_streams_and_subscriptions(env: Any, v: Validator) -> None:
    """Channel lookups and (un)subscription conform, errors included."""
    server = env[0]
    bot = client(env, "bot")
    names = [s["name"] for s in bot.get_streams()["streams"]]
    assert "leads" not in names
    assert "standup" in names
    sid = bot.get_stream_id("standup")["stream_id"]
    assert bot.get_stream_id("nope")["msg"] == "Invalid stream name 'nope'"
    assert bot.call_endpoint(f"streams/{sid}", "GET")["stream"]["name"] == "standup"
    assert bot.call_endpoint("streams/99999", "GET")["msg"] == "Invalid stream ID"
    assert server.bot.user_id in bot.get_subscribers(stream="standup")["subscribers"]
    assert bot.call_endpoint("streams/99999/members", "GET")["result"] == "error"
    assert [s["name"] for s in bot.get_subscriptions()["subscriptions"]] == ["standup"]
    first = bot.add_subscriptions([{"name": "general"}])
    assert first["subscribed"] == {server.bot.email: ["general"]}
    again = bot.add_subscriptions([{"name": "general"}])
    assert again["already_subscribed"] == {server.bot.email: ["general"]}
    assert bot.add_subscriptions([{"name": "leads"}])["result"] == "error"
    assert bot.get_subscriptions({"include_subscribers": True})["subscriptions"][0]["subscribers"]
    removed = bot.remove_subscriptions(["general"])
    assert removed["removed"] == ["general"]
    assert bot.remove_subscriptions(["no-such-channel"])["result"] == "error"
    uid = server.bot.user_id
    assert bot.call_endpoint(f"users/{uid}/subscriptions/{sid}", "GET")["is_subscribed"] is True
    assert bot.call_endpoint(f"users/{uid}/subscriptions/99999", "GET")["result"] == "error"
    for op in (
        "get-streams",
        "get-stream-id",
        "get-stream-by-id",
        "get-subscribers",
        "get-subscriptions",
        "subscribe",
        "unsubscribe",
        "get-subscription-status",
    ):
        assert op_count(env, op) > 0


def test_auth_errors_conform(env: Any, v: Validator) -> None:
    """401 bodies for a wrong key validate (code UNAUTHORIZED, as recorded)."""
    server = env[0]
    import zulip

    wrong = v.attach(zulip.Client(email=server.bot.email, api_key="x" * 32, site=server.url))
    result = wrong.get_profile()
    assert result["code"] == "UNAUTHORIZED"


def test_rate_limit_error_conforms(env: Any, v: Validator) -> None:
    """A 429 validates once its float retry-after is accounted for (documented deviation)."""
    server = env[0]
    server.core.ratelimiter.configure(limit=3, window=60)
    try:
        erin = client(env, "erin")
        results = [erin.get_profile() for _ in range(5)]
    finally:
        server.core.ratelimiter.configure(limit=200, window=60)
        server.core.ratelimiter.reset()
    assert results[-1]["code"] == "RATE_LIMIT_HIT"
    assert "retry-after" in v.used_deviations
