"""Every network call is bounded by a timeout (SECURITY.md 15).

Each test points a client at a loopback port that completes the TCP connection and
then never sends a byte, and asserts the call fails with the client's timeout error.
The calls run under ``asyncio.wait_for`` (and the suite's pytest-timeout), so a missing
timeout makes the test fail instead of hanging. No test asserts how fast the error came.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from e2e.harness import running_bot
from localzulip import LocalZulip, ServerConfig
from zulip_standup.app import BotProcess
from zulip_standup.clock import SteppedClock
from zulip_standup.llm.openai_compat import AIConfig, AISummariser, AITimeoutError, complete
from zulip_standup.settings import Settings
from zulip_standup.zulip.rest import ZulipRest, ZulipUnreachableError

# Far beyond every timeout under test: reaching it means the call had no timeout at all.
HANG_S = 30.0
MESSAGES = ({"role": "user", "content": "Summarise: Person 1 did things."},)
START = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


def silent_url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


async def test_zulip_call_to_a_silent_server_times_out_and_retries_are_bounded(
    silent_port: int,
) -> None:
    """A Zulip request to a server that never answers raises "did not answer in time"
    after the client's read timeout; a whole idempotent call is tried 4 times, no more."""
    rest = ZulipRest(
        silent_url(silent_port),
        "bot@example.com",
        "key",
        timeout=httpx.Timeout(0.3, connect=0.3),
        clock=SteppedClock(START),
    )
    try:
        with pytest.raises(ZulipUnreachableError, match="did not answer in time"):
            await asyncio.wait_for(rest.request("GET", "users/me"), HANG_S)
        rest.requests_made = 0
        with pytest.raises(ZulipUnreachableError, match="did not answer in time"):
            await asyncio.wait_for(rest.own_user(), HANG_S)
        assert rest.requests_made == 4
    finally:
        await rest.aclose()


@pytest.mark.slow
async def test_the_bots_own_clients_time_out_by_default(silent_port: int) -> None:
    """The Zulip client and the PostgreSQL engine the bot builds from its settings, with
    no timeout configured anywhere, both give up on a server that never answers (Zulip
    after its 15 s default, PostgreSQL after its 10 s connect_timeout) instead of
    hanging. Waits out the real defaults, so it takes about 15 s."""
    settings = Settings(
        zulip_email="bot@example.com",
        zulip_api_key=SecretStr("0123456789abcdef0123456789abcdef"),
        zulip_site=silent_url(silent_port),
        database_url=SecretStr(f"postgresql://standup@127.0.0.1:{silent_port}/standup"),
        http_bind=None,
    )
    process = BotProcess(settings)

    def connect() -> None:
        with process.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    # Its own thread, not the loop's default executor, so that a connect that hangs (the
    # failure this test exists to catch) is abandoned instead of blocking the loop's close.
    thread = ThreadPoolExecutor(1)
    try:
        zulip, database = await asyncio.wait_for(
            asyncio.gather(
                process.rest.request("GET", "users/me"),
                asyncio.get_running_loop().run_in_executor(thread, connect),
                return_exceptions=True,
            ),
            HANG_S,
        )
    finally:
        thread.shutdown(wait=False)
        await process.rest.aclose()
        process.engine.dispose()
    assert isinstance(zulip, ZulipUnreachableError), zulip
    assert "did not answer in time" in str(zulip)
    assert isinstance(database, OperationalError), database
    assert "timeout" in str(database)


async def test_llm_call_to_a_silent_server_times_out(silent_port: int) -> None:
    """A chat-completions request to an endpoint that never answers raises the AI timeout
    error after the configured timeout (and is not retried into a longer wait)."""
    config = AIConfig(
        base_url=silent_url(silent_port) + "/v1",
        model="local-model",
        timeout_seconds=0.3,
        backoff_seconds=0.01,
    )
    with pytest.raises(AITimeoutError):
        await asyncio.wait_for(complete(config, MESSAGES), HANG_S)


def _ai_config(process: BotProcess) -> AIConfig | None:
    """The AI settings the running bot's summariser uses."""
    assert process.bot is not None
    summariser = process.bot.runtime.summariser
    assert isinstance(summariser, AISummariser)
    return summariser.config


async def test_the_bots_llm_timeout_comes_from_its_setting(
    silent_port: int, sqlite_url: str
) -> None:
    """The running bot's AI client uses ``STANDUP_LLM_TIMEOUT_SECONDS`` (20 s when unset);
    set to 1 s, that very configuration fails against a silent endpoint with the timeout
    error."""
    endpoint = silent_url(silent_port) + "/v1"
    with LocalZulip(config=ServerConfig(heartbeat_seconds=1.0)) as zulip:
        async with running_bot(
            zulip, sqlite_url, SteppedClock(START), llm_base_url=endpoint, llm_model="m"
        ) as process:
            assert process.bot is not None
            default = _ai_config(process)
        async with running_bot(
            zulip,
            sqlite_url,
            SteppedClock(START),
            llm_base_url=endpoint,
            llm_model="m",
            llm_timeout_seconds=1,
        ) as process:
            assert process.bot is not None
            configured = _ai_config(process)
    assert default is not None
    assert default.timeout_seconds == 20.0
    assert configured is not None
    assert configured.timeout_seconds == 1.0
    with pytest.raises(AITimeoutError):
        await asyncio.wait_for(complete(configured, MESSAGES), HANG_S)
