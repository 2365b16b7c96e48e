"""Unit behaviour: truncation, narrows, edit window, scheduled delivery, expiry, faults, humans."""

from __future__ import annotations

import asyncio
import threading

import pytest
import requests

from localzulip import LocalZulip, ServerConfig, VirtualClock, realm_from_dict, sample_realm
from localzulip.actions import truncate_content, truncate_topic
from localzulip.errors import ApiError
from localzulip.narrow import Narrow, parse_terms
from localzulip.scheduled import delivery_time


def api(
    server: LocalZulip, who: str, method: str, path: str, **kwargs: object
) -> requests.Response:
    return requests.request(
        method, f"{server.url}/api/v1/{path}", auth=server.credentials(who), timeout=10, **kwargs
    )


def test_content_truncation_matches_zulip() -> None:
    """10000 chars stay; longer content keeps 9980 chars plus the truncation note."""
    assert truncate_content("a" * 10000) == "a" * 10000
    cut = truncate_content("b" * 10050)
    assert len(cut) == 10000
    assert cut == "b" * 9980 + "\n[message truncated]"


def test_topic_truncation_counts_code_points() -> None:
    """Topics over 60 code points keep 57 plus '...', also for non-ASCII."""
    assert truncate_topic("t" * 60) == "t" * 60
    assert truncate_topic("é" * 61) == "é" * 57 + "..."


def test_narrows_accept_both_formats_and_reject_unknown_users() -> None:
    """Dict and legacy list narrows parse alike; an unknown dm user is BAD_NARROW."""
    realm = sample_realm()
    bot = realm.bot()
    assert bot is not None
    assert parse_terms([["is", "dm"]]) == parse_terms([{"operator": "is", "operand": "dm"}])
    with pytest.raises(ApiError) as info:
        Narrow(realm, bot, parse_terms([{"operator": "dm", "operand": [99999]}]))
    assert info.value.code == "BAD_NARROW"
    assert info.value.extra["desc"] == "unknown user in [99999]"


def test_narrow_filters_on_the_wire(virtual_server: LocalZulip) -> None:
    """dm, pm-with, sender, channel+topic and is:mentioned narrows select the right messages."""
    carol, dave = virtual_server.human("carol"), virtual_server.human("dave")
    d1 = carol.dm_bot("dm from carol")
    dave.dm_bot("dm from dave")
    s1 = carol.send_stream("standup", "daily", "@**Standup** ping")
    carol.send_stream("standup", "other", "no ping")

    def ids(narrow: list[object]) -> list[int]:
        import json

        r = api(
            virtual_server,
            "bot",
            "GET",
            "messages",
            params={
                "anchor": "newest",
                "num_before": 50,
                "num_after": 0,
                "narrow": json.dumps(narrow),
            },
        )
        return [m["id"] for m in r.json()["messages"]]

    carol_id = virtual_server.user("carol").user_id
    assert ids([{"operator": "dm", "operand": [carol_id]}]) == [d1.id]
    assert ids([["pm-with", "carol@example.com"]]) == [d1.id]
    assert ids([{"operator": "sender", "operand": "carol@example.com"}, ["is", "dm"]]) == [d1.id]
    assert ids([["channel", "standup"], ["topic", "daily"]]) == [s1.id]
    assert ids([["is", "mentioned"]]) == [s1.id]


def test_edit_window_has_a_20_second_grace(virtual_server: LocalZulip) -> None:
    """A sender may edit for limit + 20 s; past that Zulip's error is returned."""
    sent = api(
        virtual_server,
        "bot",
        "POST",
        "messages",
        data={"type": "direct", "to": "[1]", "content": "draft"},
    ).json()["id"]
    virtual_server.virtual_clock.advance(620)
    ok = api(virtual_server, "bot", "PATCH", f"messages/{sent}", data={"content": "v2"})
    assert ok.json()["result"] == "success"
    virtual_server.virtual_clock.advance(1)
    late = api(virtual_server, "bot", "PATCH", f"messages/{sent}", data={"content": "v3"})
    assert late.json()["msg"] == "The time limit for editing this message has passed"
    log = virtual_server.messages()[-1]
    assert [e.prev_content for e in log.edit_history] == ["draft"]


def test_scheduled_message_is_delivered_on_the_next_full_minute(virtual_server: LocalZulip) -> None:
    """A message due at :45 is sent at the next :00 with that timestamp, then removed."""
    clock = virtual_server.virtual_clock
    base = int(clock.now())
    due = base + 105  # hh:01:45
    sid = api(
        virtual_server,
        "bot",
        "POST",
        "scheduled_messages",
        data={
            "type": "direct",
            "to": "[1]",
            "content": "scheduled",
            "scheduled_delivery_timestamp": due,
        },
    ).json()["scheduled_message_id"]
    assert delivery_time(due) == base + 120
    clock.advance(119)
    assert not [m for m in virtual_server.messages() if m.content == "scheduled"]
    clock.advance(1)
    sent = [m for m in virtual_server.messages() if m.content == "scheduled"]
    assert len(sent) == 1
    assert sent[0].timestamp == base + 120
    pending = api(virtual_server, "bot", "GET", "scheduled_messages").json()
    assert pending["scheduled_messages"] == []
    assert sid > 0


def test_idle_queue_expires_with_zulip_error(virtual_server: LocalZulip) -> None:
    """A queue idle for its lifespan is gone; polling answers BAD_EVENT_QUEUE_ID (HTTP 400)."""
    qid = api(
        virtual_server,
        "bot",
        "POST",
        "register",
        data={"event_types": '["message"]', "queue_lifespan_secs": "5"},
    ).json()["queue_id"]
    default_q = api(
        virtual_server, "bot", "POST", "register", data={"event_types": '["message"]'}
    ).json()["queue_id"]
    virtual_server.virtual_clock.advance(80)
    r = api(
        virtual_server,
        "bot",
        "GET",
        "events",
        params={"queue_id": qid, "last_event_id": -1, "dont_block": "true"},
    )
    assert r.status_code == 400
    assert r.json() == {
        "result": "error",
        "msg": f"Bad event queue ID: {qid}",
        "queue_id": qid,
        "code": "BAD_EVENT_QUEUE_ID",
    }
    alive = api(
        virtual_server,
        "bot",
        "GET",
        "events",
        params={"queue_id": default_q, "last_event_id": -1, "dont_block": "true"},
    )
    assert alive.status_code == 200
    virtual_server.virtual_clock.advance(601)
    assert qid not in virtual_server.core.queues.queues
    assert default_q not in virtual_server.core.queues.queues


def test_fault_injection(server: LocalZulip) -> None:
    """Injected 500/502/503, dropped connections and latency reach the client as configured."""
    faults = server.faults
    faults.fail_next(1, 502)
    r = api(server, "carol", "GET", "users/me")
    assert r.status_code == 502
    assert r.headers["Content-Type"].startswith("text/html")
    faults.fail_next(1, 500)
    assert api(server, "carol", "GET", "users/me").json()["msg"] == "Internal server error"
    faults.drop_next(1)
    with pytest.raises(requests.ConnectionError):
        api(server, "carol", "GET", "users/me")
    faults.fail_next(2, 503, path_contains="/messages")
    client = server.client("carol")
    sent = client.send_message({"type": "private", "to": [server.bot.user_id], "content": "x"})
    assert sent["result"] == "success"  # the official client retried after two 503s
    faults.add_latency(0.3)
    import time

    start = time.monotonic()
    api(server, "carol", "GET", "users/me")
    assert time.monotonic() - start >= 0.3
    faults.clear()


def test_admin_http_api_is_off_unless_enabled(server: LocalZulip) -> None:
    """/localzulip/admin answers 404 until enabled, then injects faults."""
    url = server.url + "/localzulip/admin/fail"
    assert requests.post(url, json={"count": 1, "status": 503}, timeout=5).status_code == 404
    server.core.config.admin_enabled = True
    assert requests.post(url, json={"count": 1, "status": 503}, timeout=5).status_code == 200
    assert api(server, "carol", "GET", "users/me").status_code == 503


def test_paused_event_stream_holds_events(server: LocalZulip) -> None:
    """While paused, polls see nothing; on resume the queued events arrive."""
    qid = api(server, "bot", "POST", "register", data={"event_types": '["message"]'}).json()[
        "queue_id"
    ]
    server.call(server.core.queues.pause)
    server.human("carol").dm_bot("held")
    empty = api(
        server,
        "bot",
        "GET",
        "events",
        params={"queue_id": qid, "last_event_id": -1, "dont_block": "true"},
    ).json()
    assert empty["events"] == []
    server.call(server.core.queues.resume)
    got = api(server, "bot", "GET", "events", params={"queue_id": qid, "last_event_id": -1}).json()
    assert got["events"][0]["message"]["content"] == "held"


def test_human_api_and_wait_for_message(server: LocalZulip) -> None:
    """Humans act without HTTP and a test thread can wait for the bot's reply."""
    bot = server.client("bot")
    carol = server.human("carol")

    def reply_later() -> None:
        bot.send_message({"type": "private", "to": [carol.user.user_id], "content": "pong"})

    first = carol.dm_bot("ping")
    threading.Timer(0.2, reply_later).start()
    reply = server.wait_for_message_sync(
        lambda m: m.sender_id == server.bot.user_id, timeout=5, after_id=first.id
    )
    assert reply.content == "pong"
    assert carol.last_dm_from("bot").id == reply.id
    carol.react(reply, "tada")
    carol.set_timezone("Europe/Paris")
    carol.set_status("Out sick", emoji="sick", away=True)
    edited = carol.send_stream("standup", "daily", "yesterday: x")
    carol.edit(edited, content="yesterday: y")
    assert server.channel_messages("standup", "daily")[-1].content == "yesterday: y"
    assert server.user("carol").timezone == "Europe/Paris"
    assert server.stats.count("send-message", server.bot.user_id) == 1


async def test_in_loop_server_and_async_wait() -> None:
    """start()/stop() serve on the running loop; wait_for_message works there too."""
    clock = VirtualClock(start=1893456000.0)
    server = LocalZulip(sample_realm(), clock=clock, config=ServerConfig(heartbeat_seconds=1))
    await server.start()
    try:
        waiter = asyncio.create_task(server.wait_for_message(lambda m: m.content == "hey", 5))
        await asyncio.sleep(0)
        server.human("dave").dm_bot("hey")
        assert (await waiter).content == "hey"
    finally:
        await server.stop()


def test_realm_from_dict() -> None:
    """A realm file layout builds users, a bot with its owner, and channels."""
    realm = realm_from_dict(
        {
            "realm": {"name": "Acme", "message_content_edit_limit_seconds": 60},
            "users": [
                {
                    "email": "ann@acme.test",
                    "full_name": "Ann",
                    "role": "owner",
                    "timezone": "Europe/Oslo",
                }
            ],
            "bots": [{"email": "standup-bot@acme.test", "full_name": "Standup", "owner": "ann"}],
            "streams": [{"name": "team", "subscribers": ["ann", "standup-bot@acme.test"]}],
        }
    )
    bot = realm.bot()
    assert bot is not None
    assert bot.bot_owner_id == realm.user_by_name("ann").user_id
    assert realm.settings.message_content_edit_limit_seconds == 60
    assert realm.stream_by_name("team").subscribers == {1, 2}  # type: ignore[union-attr]


def test_stats_count_the_response_bytes_each_user_received(server: LocalZulip) -> None:
    """What a client downloaded, per operationId: the bodies' exact lengths, summed."""
    users = api(server, "bot", "GET", "users")
    me = api(server, "bot", "GET", "users/me")
    again = api(server, "bot", "GET", "users")
    bot = server.bot.user_id
    assert server.stats.sent_bytes("get-users", bot) == len(users.content) + len(again.content)
    assert server.stats.sent_bytes("get-own-user", bot) == len(me.content)
    assert server.stats.sent_bytes("get-users", server.user("carol").user_id) == 0
