"""Hot standby: two `zulip-standup run` processes on one PostgreSQL share three bot accounts by
lease; SIGKILL the holder in the middle of a fan-out and the other one finishes it.

Real processes on real time: the standups are set to prompt at the next whole minute, the
fan-out runs against a localzulip that answers every send 0.3 s late, and the holder's
process group is killed once a third of the 30 prompts are out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from localzulip import LocalZulip, RateLimitConfig, ServerConfig
from localzulip.models import ROLE_MEMBER, ROLE_OWNER
from localzulip.realm import Realm, RealmSettings
from zulip_standup.clock import SystemClock
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.tables import realms

TTL_S = 10
BOTS = ("Standup", "Retro", "Planning")
BIG_TEAM = 30
SMALL_TEAM = 5
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _realm() -> Realm:
    realm = Realm(RealmSettings(name="Failover"))
    people = [
        realm.add_user(
            f"p{n:02d}@example.com",
            f"Person {n:02d}",
            role=ROLE_OWNER if n in (0, BIG_TEAM) else ROLE_MEMBER,
            timezone="UTC",
            short_name=f"p{n:02d}",
        )
        for n in range(BIG_TEAM + 2 * SMALL_TEAM)
    ]
    owner = people[0].user_id
    bots = [
        realm.add_bot(f"{name.lower()}-bot@example.com", name, owner_id=owner, short_name=name)
        for name in BOTS
    ]
    realm.ensure_notification_bot()
    ids = [p.user_id for p in people]
    realm.add_stream("big", subscribers=[*ids[:BIG_TEAM], bots[0].user_id])
    realm.add_stream("small1", subscribers=[*ids[BIG_TEAM : BIG_TEAM + 5], bots[1].user_id])
    realm.add_stream("small2", subscribers=[*ids[BIG_TEAM + 5 :], bots[2].user_id])
    return realm


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Bot:
    """One `zulip-standup run` OS process in its own process group."""

    def __init__(self, name: str, rc_dir: Path, url: str, logs: Path) -> None:
        self.name = name
        self.port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "STANDUP_HTTP_BIND": f"127.0.0.1:{self.port}",
            "STANDUP_INSTANCE_ID": name,
            "STANDUP_LEASE_TTL_SECONDS": str(TTL_S),
            "STANDUP_DEFAULT_TIMEZONE": "UTC",
            "STANDUP_LOG_LEVEL": "INFO",
        }
        self.log = (logs / f"{name}.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zulip_standup", "run", "--zuliprc", str(rc_dir)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    async def ready(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        async with httpx.AsyncClient(timeout=2.0) as client:
            while loop.time() < deadline:
                assert self.process.poll() is None, f"{self.name} exited"
                try:
                    if (await client.get(f"http://127.0.0.1:{self.port}/readyz")).is_success:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        pytest.fail(f"{self.name} not ready in 60 s")

    async def metrics(self) -> str:
        async with httpx.AsyncClient(timeout=5.0) as client:
            return (await client.get(f"http://127.0.0.1:{self.port}/metrics")).text

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def holders(url: str) -> dict[str, str | None]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(realms.c.bot_email, realms.c.lease_owner)).all()
    finally:
        engine.dispose()
    return {str(r.bot_email): r.lease_owner for r in rows}


async def until(condition: object, within: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():  # type: ignore[operator]
        if loop.time() > deadline:
            pytest.fail(f"not within {within} s: {what}")
        await asyncio.sleep(0.02)


@pytest.fixture
def server() -> Iterator[LocalZulip]:
    # A tight rate limit (15 per 5 s an account) stretches the big team's fan-out over
    # several windows, so the kill lands in the middle of it: only the pacer limits how
    # many prompts go out at once.
    config = ServerConfig(heartbeat_seconds=2, rate_limit=RateLimitConfig(limit=15, window=5.0))
    with LocalZulip(realm=_realm(), config=config) as zulip:
        yield zulip


async def _answers_dms(server: LocalZulip, bot: str) -> None:
    """Wait until the account is served: a DM to it is answered (one sent before its first
    registration would predate its catch-up floor, so ask again until one is)."""
    bot_id = server.user(bot).user_id
    for _ in range(30):
        sent = server.human("p01").send_dm(server.user(bot), "help")
        try:
            await server.wait_for_message(lambda m: m.sender_id == bot_id, 2, after_id=sent.id)
        except TimeoutError:
            continue
        return
    pytest.fail(f"{bot} does not answer DMs")


async def _command(server: LocalZulip, bot: str, stream: str, text: str, expect: str) -> None:
    bot_id = server.user(bot).user_id
    sent = server.human("p00" if stream == "big" else f"p{BIG_TEAM:02d}").send_stream(
        stream, "general", f"@**{bot}** {text}"
    )
    await server.wait_for_message(
        lambda m: m.sender_id == bot_id and expect in m.content, 20, after_id=sent.id
    )


async def test_holder_killed_mid_fan_out_and_the_standby_finishes_it(
    server: LocalZulip, pg_database_url: str, tmp_path: Path
) -> None:
    """Every one of 40 prompts (30 on one account, 5 on each of two others) arrives exactly
    once although the holder dies after about 10; the last arrives within TTL + 60 s of the
    kill, and the survivor then holds and serves all three accounts."""
    rc_dir = tmp_path / "rc"
    rc_dir.mkdir()
    for name in BOTS:
        (rc_dir / f"{name.lower()}.zuliprc").write_text(server.zuliprc(name))
    first = Bot("A", rc_dir, pg_database_url, tmp_path)
    second: Bot | None = None
    try:
        await first.ready()
        await until(
            lambda: set(holders(pg_database_url).values()) == {"A"}, 30, "A holding all three"
        )
        for name in BOTS:
            await _answers_dms(server, name)
        now = SystemClock().now()
        prompt_at = (now + dt.timedelta(seconds=95 if now.second > 30 else 60)).replace(
            second=0, microsecond=0
        )
        hhmm = prompt_at.strftime("%H:%M")
        later = (prompt_at + dt.timedelta(minutes=40)).strftime("%H:%M")
        cutoff = (prompt_at + dt.timedelta(minutes=50)).strftime("%H:%M")
        # All times in one setup: set one by one, a time could be refused against the
        # defaults (a reminder after the default cutoff), depending on the time of day.
        times = f"prompt {hhmm} reminder {later} cutoff {cutoff} timezone UTC"
        for bot, stream in zip(BOTS, ("big", "small1", "small2"), strict=True):
            await _command(server, bot, stream, f"setup {times}", "is set up")
            await _command(server, bot, stream, "config days mon-sun", "Updated **standup**")
        second = Bot("B", rc_dir, pg_database_url, tmp_path)
        await second.ready()
        assert set(holders(pg_database_url).values()) == {"A"}  # B waits as a standby

        def prompts() -> Counter[int]:
            bot_ids = {server.user(b).user_id for b in BOTS}
            return Counter(
                next(u for u in m.dm_user_ids if u not in bot_ids)
                for m in server.messages()
                if m.sender_id in bot_ids and m.dm_user_ids and "Time for" in m.content
            )

        server.faults.add_latency(0.3, path_contains="/messages")
        await until(lambda: sum(prompts().values()) >= 10, 180, "the fan-out under way")
        loop = asyncio.get_running_loop()
        first.kill()
        killed_at = loop.time()
        sent_at_kill = sum(prompts().values())
        expected = BIG_TEAM + 2 * SMALL_TEAM
        await until(
            lambda: sum(prompts().values()) >= expected, TTL_S + 60, "all prompts delivered"
        )
        last_after = loop.time() - killed_at
        server.faults.clear()
        counts = prompts()
        assert len(counts) == expected
        assert set(counts.values()) == {1}, counts
        assert sent_at_kill < expected, "the kill came after the fan-out"
        assert last_after <= TTL_S + 60
        await until(
            lambda: set(holders(pg_database_url).values()) == {"B"}, TTL_S * 2, "B holds all"
        )
        text = await second.metrics()
        for name in BOTS:
            assert f'account="{name.lower()}-bot@example.com",holder="B"}} 1.0' in text
        for name in BOTS:  # the survivor answers on every account
            await _answers_dms(server, name)
        print(
            f"failover: {expected} prompts, {sent_at_kill} before the kill, "
            f"last {last_after:.1f} s after it (bound {TTL_S + 60} s), duplicates 0"
        )
    finally:
        if second is not None:
            second.stop()
        first.stop()
