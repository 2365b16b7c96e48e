"""Regression tests of issue 10's findings on /readyz: it names what stops the bot serving
(Zulip, the database, the scheduler) and turns ready again once it is back."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from localzulip import LocalZulip
from zulip_standup.app import BotProcess, RunOptions

from .durability_helpers import BEFORE, PROMPTED, prompt_job, prompted, set_up, until
from .harness import (
    COMPLETION_BOUND_S,
    POLL_S,
    SteppedClock,
    bot_settings,
)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _readyz(port: int) -> tuple[int, dict[str, str]]:
    async with httpx.AsyncClient(timeout=5.0) as client:
        response = await client.get(f"http://127.0.0.1:{port}/readyz")
    return response.status_code, dict(response.json().get("checks", {}))


async def _until_ready_is(port: int, status: int, within: float) -> dict[str, str]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        code, checks = await _readyz(port)
        if code == status:
            return checks
        if loop.time() > deadline:
            pytest.fail(f"/readyz did not turn {status} within {within} s: {code} {checks}")
        await asyncio.sleep(0.1)


@asynccontextmanager
async def bot_with_health(
    zulip: LocalZulip,
    url: str,
    clock: SteppedClock | None = None,
    concurrency: int = 8,
) -> AsyncIterator[tuple[BotProcess, int]]:
    port = _free_port()
    process = BotProcess(
        bot_settings(zulip, url, http_bind=f"127.0.0.1:{port}"),
        clock=clock or SteppedClock(PROMPTED),
        options=RunOptions(worker_poll_seconds=POLL_S, worker_concurrency=concurrency),
    )
    task = asyncio.create_task(process.run())
    await asyncio.wait_for(process.ready.wait(), 30)
    try:
        yield process, port
    finally:
        process.stop()
        await asyncio.wait_for(task, 30)


async def test_readiness_names_zulip_during_an_events_outage_and_recovers(
    zulip: LocalZulip, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Finding 5 / promise 23. /events answers 503: within 10 s /readyz is 503 naming
    `zulip`, one log line says the outage started; when /events works again /readyz is 200
    and one line says it ended (before: /readyz stayed 200 throughout)."""
    caplog.set_level(logging.INFO, logger="zulip_standup")
    async with bot_with_health(zulip, database_url) as (_bot, port):
        assert (await _readyz(port))[0] == 200
        zulip.faults.fail_fraction(1.0, 503, path_contains="/events")
        checks = await _until_ready_is(port, 503, COMPLETION_BOUND_S)
        assert checks["zulip"] == "failing"
        assert checks["database"] == "ok"
        zulip.faults.clear()
        await _until_ready_is(port, 200, 20)
    started = [r for r in caplog.records if r.getMessage() == "zulip_outage_started"]
    ended = [r for r in caplog.records if r.getMessage() == "zulip_outage_ended"]
    assert (len(started), len(ended)) == (1, 1)


@pytest.mark.postgres
async def test_readiness_names_the_database_while_postgresql_refuses_connections(
    zulip: LocalZulip, pg_database_url: str
) -> None:
    """Promise 23. PostgreSQL stops taking connections to the bot's database and drops the
    ones it has: /readyz is 503 naming `database`; it is 200 again once connections work."""
    name = make_url(pg_database_url).database
    admin = pg_database_url.rsplit("/", 1)[0] + "/postgres"
    async with bot_with_health(zulip, pg_database_url) as (_bot, port):
        assert (await _readyz(port))[0] == 200
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(name))
            )
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
        try:
            checks = await _until_ready_is(port, 503, COMPLETION_BOUND_S)
            assert checks["database"] == "failing"
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(name))
                )
        await _until_ready_is(port, 200, 20)


async def test_readiness_names_the_scheduler_while_due_jobs_wait_over_a_minute(
    zulip: LocalZulip, database_url: str
) -> None:
    """Promise 23. Carol's and Alice's prompts fall due together while every send takes 10 s
    and the worker runs one job at a time: once Alice's has waited over a minute /readyz is
    503 naming `scheduler`; when the sends are quick again and the work is done, 200."""
    clock = SteppedClock(BEFORE)
    async with bot_with_health(zulip, database_url, clock, concurrency=1) as (bot, port):
        await set_up(zulip)
        carol, alice = zulip.user("carol").user_id, zulip.user("alice").user_id

        def states() -> set[str]:
            return {(prompt_job(bot.engine, u) or ("",))[0] for u in (carol, alice)}

        zulip.faults.add_latency(10.0, path_contains="/messages")
        try:
            clock.set(PROMPTED)
            await until(
                lambda: states() == {"claimed", "pending"}, 30, "one prompt sent, one waiting"
            )
            clock.set(PROMPTED + dt.timedelta(minutes=3))
            checks = await _until_ready_is(port, 503, COMPLETION_BOUND_S)
            assert checks["scheduler"] == "failing"
        finally:
            zulip.faults.clear()
        await prompted(zulip, "carol")
        await prompted(zulip, "alice")
        await _until_ready_is(port, 200, 20)
