"""A started bot has not imported what it may never use: charting, Alembic, the web server.

The bot runs in a subprocess (other tests' imports would hide the point) with the
composition ``zulip-standup run`` builds, against localzulip and a SQLite file, until it is
ready; then it reports which of the heavy libraries it has loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chaos.runner import free_port
from localzulip import LocalZulip
from zulip_standup.storage import migrate
from zulip_standup.storage.engine import make_engine

HEAVY = ("matplotlib", "numpy", "PIL", "alembic", "mako", "aiohttp")

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
