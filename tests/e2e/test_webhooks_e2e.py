"""Webhooks end to end: the real bot process against localzulip, on SQLite and PostgreSQL,
delivering to a local HTTPS receiver (its CA made at test time) that checks every signature
with the secret the bot sent by DM. The receiver fails its first two deliveries; the third
is taken; every event type a day raises arrives, none lost, a repeat always with the same
id and body; `config webhook log` shows the failures and the success. Without the
operator's setting, a loopback target is refused when added, before any connection."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from integration.webhook_receiver import ConnectionCounter, Receiver, make_tls
from localzulip import LocalZulip
from localzulip.models import Message

from .harness import COMPLETION_BOUND_S, SteppedClock, running_bot, settle, wait_for

MONDAY = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # 08:30 in Kolkata (Carol)


@pytest.fixture
async def receiver(tmp_path: Path) -> AsyncIterator[tuple[Receiver, Path]]:
    ca_file, context = make_tls(tmp_path)
    found = Receiver(context, statuses=[500, 500])
    await found.start()
    yield found, ca_file
    await found.stop()


def from_bot(zulip: LocalZulip, test: Callable[[Message], bool]) -> Callable[[Message], bool]:
    return lambda m: m.sender_id == zulip.bot.user_id and test(m)


async def step(bot: Any, clock: SteppedClock, at: dt.datetime) -> None:
    clock.set(at)
    await settle(bot)


async def test_events_are_signed_retried_and_all_delivered(
    zulip: LocalZulip, database_url: str, receiver: tuple[Receiver, Path]
) -> None:
    """Setup, `config webhook add`, the secret by DM; Carol answers (``answers.submitted``,
    taken at the third attempt, 30 s and 2 min after the first), edits her blocker answer
    into a blocker (``answers.edited``, ``blocker.opened``), the digest (``digest.posted``),
    and next day answers none (``answers.submitted``, ``blocker.resolved``)."""
    hook, ca_file = receiver
    clock = SteppedClock(MONDAY)
    settings = {"webhook_allow_private": True, "webhook_ca_file": ca_file}
    async with running_bot(zulip, database_url, clock, **settings) as bot:
        alice, carol = zulip.human("alice"), zulip.human("carol")
        alice.send_stream("standup", "general", "@**Standup** setup")
        await wait_for(zulip, from_bot(zulip, lambda m: "is set up" in m.content))
        alice.send_stream("standup", "general", f"@**Standup** config webhook add {hook.url()}")
        added = await wait_for(zulip, from_bot(zulip, lambda m: "Added webhook" in m.content))
        assert added.stream_id is not None
        assert "sent to you by direct message" in added.content
        dm = await wait_for(
            zulip,
            from_bot(zulip, lambda m: alice.user.user_id in m.dm_user_ids and "```" in m.content),
        )
        secret = re.search(r"```text\n(\S+)\n```", dm.content)
        assert secret is not None
        assert secret.group(1) not in added.content
        hook.secret = secret.group(1)

        await step(bot, clock, dt.datetime(2026, 11, 30, 4, 1, tzinfo=dt.UTC))  # 09:31
        await wait_for(zulip, from_bot(zulip, lambda m: "Question 1 of 3" in m.content))
        carol.dm_bot("Fixed the login bug")
        await wait_for(zulip, lambda m: "Question 2 of 3" in m.content)
        carol.dm_bot("Write the release notes")
        await wait_for(zulip, lambda m: "Question 3 of 3" in m.content)
        blocker = carol.dm_bot("none")
        await wait_for(zulip, lambda m: m.stream_id is not None and "Fixed the login" in m.content)
        await settle(bot)
        first = (await hook.wait_for(1))[0]
        assert first.status == 500
        await step(bot, clock, clock.now() + dt.timedelta(seconds=31))
        await step(bot, clock, clock.now() + dt.timedelta(minutes=2, seconds=1))
        async with asyncio.timeout(COMPLETION_BOUND_S):
            attempts = await hook.wait_for(3)
        assert [a.status for a in attempts] == [500, 500, 200]
        assert {a.body for a in attempts} == {first.body}
        assert {a.headers["X-Standup-Delivery"] for a in attempts} == {first.event["id"]}

        carol.edit(blocker, "Waiting on Dave for the API key")
        async with asyncio.timeout(COMPLETION_BOUND_S):
            await hook.wait_for(5)
        await step(bot, clock, dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC))  # the digest
        await step(bot, clock, dt.datetime(2026, 12, 1, 4, 1, tzinfo=dt.UTC))
        await wait_for(zulip, lambda m: "Question 1 of 3" in m.content and m.id > blocker.id)
        carol.dm_bot("1. Reviewed the notes\n2. Release\n3. none")
        async with asyncio.timeout(COMPLETION_BOUND_S):
            got = await hook.wait_for(8)

        assert all(d.signed for d in got)
        events: dict[str, dict[str, Any]] = {}
        for delivery in got:
            assert events.setdefault(delivery.event["id"], delivery.event) == delivery.event
        kinds = sorted((e["run_date"], e["type"]) for e in events.values())
        assert kinds == [
            ("2026-11-30", "answers.edited"),
            ("2026-11-30", "answers.submitted"),
            ("2026-11-30", "blocker.opened"),
            ("2026-11-30", "digest.posted"),
            ("2026-12-01", "answers.submitted"),
            ("2026-12-01", "blocker.resolved"),
        ]
        assert len(got) == len(events) + 2  # only the two failures were repeated
        opened = next(e for e in events.values() if e["type"] == "blocker.opened")
        assert opened["data"]["blocker"] == "Waiting on Dave for the API key"
        assert opened["data"]["person"]["name"] == "Carol Member"

        alice.send_stream("standup", "general", "@**Standup** config webhook log")
        log = await wait_for(zulip, from_bot(zulip, lambda m: "Latest deliveries" in m.content))
        event_id = first.event["id"]
        for attempt, status in ((1, 500), (2, 500), (3, 200)):
            assert f"answers.submitted `{event_id}` attempt {attempt}: HTTP {status}" in log.content


async def test_a_loopback_target_is_refused_when_added_and_nothing_connects(
    zulip: LocalZulip, database_url: str
) -> None:
    """Without STANDUP_WEBHOOK_ALLOW_PRIVATE, `config webhook add https://localhost:<port>/`
    and `https://127.0.0.1:<port>/` are refused saying why; the listener on that port
    counts no connection, and no webhook is listed."""
    counter = ConnectionCounter()
    await counter.start()
    try:
        async with running_bot(zulip, database_url, SteppedClock(MONDAY)):
            alice = zulip.human("alice")
            alice.send_stream("standup", "general", "@**Standup** setup")
            await wait_for(zulip, from_bot(zulip, lambda m: "is set up" in m.content))
            for host in ("localhost", "127.0.0.1", "169.254.169.254"):
                url = f"https://{host}:{counter.port}/hook"
                alice.send_stream("standup", "general", f"@**Standup** config webhook add {url}")
                reply = await wait_for(
                    zulip, from_bot(zulip, lambda m, u=url: f"send webhooks to {u}" in m.content)
                )
                assert "address" in reply.content
                assert "Nothing was added" in reply.content
            alice.send_stream("standup", "general", "@**Standup** config webhook list")
            await wait_for(zulip, from_bot(zulip, lambda m: "has no webhooks" in m.content))
    finally:
        await counter.stop()
    assert counter.connections == 0
