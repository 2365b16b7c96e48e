"""The Zulip adapter against localzulip: no duplicate sends, 429s honoured, timeouts, pacing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from localzulip import LocalZulip, ServerConfig
from zulip_standup.clock import SystemClock
from zulip_standup.zulip.gateway import ZulipGateway
from zulip_standup.zulip.pacer import Pacer
from zulip_standup.zulip.rest import ZulipRest, ZulipUnreachableError


@pytest.fixture
def zulip() -> Iterator[LocalZulip]:
    with LocalZulip(config=ServerConfig(heartbeat_seconds=1.0)) as server:
        yield server


def _gateway(server: LocalZulip, **rest_options: object) -> ZulipGateway:
    email, key = server.credentials("bot")
    rest = ZulipRest(server.url, email, key, **rest_options)  # type: ignore[arg-type]
    return ZulipGateway(rest, server.bot.user_id)


def _bot_dms_to(server: LocalZulip, who: str) -> list[str]:
    return [m.content for m in server.dms(who, "bot") if m.sender_id == server.bot.user_id]


async def test_post_answered_503_is_sent_exactly_once(zulip: LocalZulip) -> None:
    """A send that failed before the server stored it is re-sent once: one message arrives."""
    gateway = _gateway(zulip)
    carol = zulip.user("carol").user_id
    zulip.faults.fail_next(1, 503, path_contains="/messages", method="POST")
    message_id = await gateway.send_dm([carol], "prompt after a 503")
    await gateway.rest.aclose()
    assert _bot_dms_to(zulip, "carol") == ["prompt after a 503"]
    assert zulip.messages()[-1].id == message_id


async def test_post_dropped_after_commit_is_not_duplicated(zulip: LocalZulip) -> None:
    """The server stored the message but the answer was lost: the gateway finds it instead of
    sending it again (the official client would have sent it twice)."""
    gateway = _gateway(zulip)
    carol = zulip.user("carol").user_id
    zulip.faults.drop_next(1, path_contains="/messages", method="POST", after_commit=True)
    message_id = await gateway.send_dm([carol], "prompt whose answer got lost")
    await gateway.rest.aclose()
    assert _bot_dms_to(zulip, "carol") == ["prompt whose answer got lost"]
    assert gateway.duplicates_avoided == 1
    assert message_id == zulip.messages()[-1].id


async def test_429_from_another_client_is_waited_out(zulip: LocalZulip) -> None:
    """When someone else on the same key used the budget, the 429's retry-after is honoured
    and the call then succeeds."""
    zulip.core.ratelimiter.configure(enabled=True, limit=5, window=1.0)
    other = zulip.client("bot")
    for _ in range(5):
        other.get_profile()
    gateway = _gateway(zulip)
    people = await gateway.get_people()
    await gateway.rest.aclose()
    assert any(p.full_name == "Carol Member" for p in people)
    assert gateway.rest.pacer.rate_limited >= 1


async def test_pacer_keeps_a_burst_under_the_limit(zulip: LocalZulip) -> None:
    """60 sends against a 20-per-second limit: no 429 reaches the bot, all 60 arrive."""
    zulip.core.ratelimiter.configure(enabled=True, limit=20, window=1.0)
    clock = SystemClock()
    gateway = _gateway(zulip, clock=clock, pacer=Pacer(clock, limit=20, window_s=1.0))
    carol = zulip.user("carol").user_id
    before = zulip.stats.rate_limited
    await asyncio.gather(*(gateway.send_dm([carol], f"message {i}") for i in range(60)))
    await gateway.rest.aclose()
    assert zulip.stats.rate_limited == before
    assert sorted(_bot_dms_to(zulip, "carol")) == sorted(f"message {i}" for i in range(60))


async def test_every_call_has_a_timeout(zulip: LocalZulip) -> None:
    """A server that does not answer in time gives a clear error instead of hanging."""
    zulip.faults.add_latency(2.0, path_contains="/users/me")
    gateway = _gateway(zulip, timeout=httpx.Timeout(0.3, connect=0.3))
    with pytest.raises(ZulipUnreachableError, match="did not answer in time"):
        await gateway.rest.own_user()
    await gateway.rest.aclose()
