"""What starting the bot costs: the libraries it loads and the people it downloads.

A started bot has not imported what it may never use (charting, Alembic, the web server,
holiday calendars while no standup keeps one, the MCP SDK of `zulip-standup mcp`).
That bot runs in a subprocess (other tests' imports would hide the point) with the
composition ``zulip-standup run`` builds, against localzulip and a SQLite file, until it is
ready; then it reports which of the heavy libraries it has loaded.

The realm's people come to the bot once, from ``GET /users``, not also in ``/register``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chaos.runner import free_port
from e2e.harness import running_bot, settle
from localzulip import LocalZulip, ServerConfig, sample_realm
from zulip_standup.clock import SteppedClock
from zulip_standup.storage import migrate
from zulip_standup.storage.engine import make_engine

MONDAY = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)

HEAVY = ("matplotlib", "numpy", "PIL", "alembic", "mako", "aiohttp", "holidays", "mcp")

# What `zulip-standup run` builds (cli.run_bot), run until the account is served.
STARTED_BOT = f"""
import asyncio, json, sys
import zulip_standup.cli
from zulip_standup.app import RunOptions
from zulip_standup.serving import Service
from zulip_standup.settings import load_settings

async def main():
    service = Service([load_settings(None)], options=RunOptions())
    running = asyncio.create_task(service.run())
    ready = asyncio.create_task(service.processes[0].ready.wait())
    await asyncio.wait({{running, ready}}, return_when=asyncio.FIRST_COMPLETED)
    if running.done():
        running.result()
    loaded = [name for name in {HEAVY!r} if name in sys.modules]
    service.stop()
    await running
    print(json.dumps(loaded))

asyncio.run(main())
"""


def _started_bot_loads(zulip: LocalZulip, url: str, http_bind: str = "") -> list[str]:
    email, key = zulip.credentials("bot")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZULIP_", "STANDUP_")) and k != "DATABASE_URL"
    }
    env.update(
        ZULIP_EMAIL=email,
        ZULIP_API_KEY=key,
        ZULIP_SITE=zulip.url,
        DATABASE_URL=url,
        STANDUP_HTTP_BIND=http_bind,
        STANDUP_LOG_LEVEL="WARNING",
    )
    done = subprocess.run(
        [sys.executable, "-c", STARTED_BOT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.fixture
def migrated_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'data' / 'standup.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def test_a_bot_started_on_an_up_to_date_database_imports_none_of_them(
    zulip: LocalZulip, migrated_url: str
) -> None:
    assert _started_bot_loads(zulip, migrated_url) == []


def test_a_bot_started_on_an_empty_database_migrates_it_with_alembic(
    zulip: LocalZulip, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'standup.db'}"
    assert _started_bot_loads(zulip, url) == ["alembic", "mako"]
    engine = make_engine(url)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_a_bot_that_listens_for_probes_imports_the_web_server(
    zulip: LocalZulip, migrated_url: str
) -> None:
    bind = f"127.0.0.1:{free_port()}"
    assert _started_bot_loads(zulip, migrated_url, http_bind=bind) == ["aiohttp"]


async def test_the_people_are_downloaded_once_at_start(migrated_url: str) -> None:
    """One ``GET /users`` fills the directory; the register response carries no user list
    (with a thousand people it is smaller than their email addresses alone); profile
    changes still arrive."""
    realm = sample_realm()
    for i in range(1000):
        realm.add_user(f"person{i:03d}@example.com", f"Person {i:03d}")
    with LocalZulip(realm, config=ServerConfig(heartbeat_seconds=1.0)) as zulip:
        bot = zulip.bot.user_id
        async with running_bot(zulip, migrated_url, SteppedClock(MONDAY)) as process:
            assert zulip.stats.count("get-users", bot) == 1
            assert zulip.stats.count("register-queue", bot) == 1
            emails = sum(len(user.email) for user in realm.users.values())
            assert zulip.stats.sent_bytes("register-queue", bot) < emails
            assert process.bot is not None
            directory = process.bot.services.runtime.directory
            assert {p.user_id for p in directory.humans(realm.users)} == {
                u.user_id for u in realm.users.values() if u.is_active and not u.is_bot
            }
            (person,) = directory.find(user_id=None, name="Person 007", email=None)
            assert person.timezone == ""
            await asyncio.to_thread(zulip.human(person.user_id).set_timezone, "Asia/Tokyo")
            await settle(process)
            changed = directory.get(person.user_id)
            assert changed is not None
            assert changed.timezone == "Asia/Tokyo"
            assert zulip.stats.count("get-users", bot) == 1
