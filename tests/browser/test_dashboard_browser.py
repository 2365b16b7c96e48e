"""The dashboard in a real browser, against the real bot serving localzulip over loopback.

Carol (a member) asks the bot for a link by DM, opens it in Chromium and logs in; she sees
the day of #standup's standup with her and Dave's answers, and the private #leads standup
(of Alice and Bob) answers her exactly as a standup that does not exist. Alice, who
created the standups, reads Carol's history and the charts. Screenshots at 1280 and 375 px
go to the artefacts directory.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, Page

from e2e.harness import POLL_S, bot_settings, wait_for
from e2e.people import dm
from localzulip import LocalZulip
from zulip_standup.app import BotProcess, RunOptions
from zulip_standup.clock import SteppedClock
from zulip_standup.domain.standup import Standup
from zulip_standup.services.dashboard import NOT_FOUND

from .harness import screenshot

NOW = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 2)
ANSWERS = {
    "carol": ["Fixed the flaky <b>login</b> test", "Pair with Dave", "none"],
    "dave": ["Wrote the migration", "Review Carol's PR", "Waiting for the VPN token"],
}
LEADS_SECRET = "LEADS-ONLY reorg plan"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def bot_with_dashboard(zulip: LocalZulip, url: str) -> AsyncIterator[tuple[BotProcess, str]]:
    """The bot serving its HTTP endpoint, with the dashboard at a loopback public URL."""
    port = _free_port()
    public = f"http://127.0.0.1:{port}"
    process = BotProcess(
        bot_settings(zulip, url, http_bind=f"127.0.0.1:{port}", public_url=public),
        clock=SteppedClock(NOW),
        options=RunOptions(worker_poll_seconds=POLL_S, limiter_burst=40),
    )
    task = asyncio.create_task(process.run())
    await asyncio.wait_for(process.ready.wait(), 30)
    try:
        yield process, public
    finally:
        process.stop()
        await asyncio.wait_for(task, 30)


async def _standup(zulip: LocalZulip, who: str, channel: str) -> None:
    bot_id = zulip.bot.user_id
    sent = zulip.human(who).send_stream(channel, "t", "@**Standup** setup")
    await wait_for(
        zulip,
        lambda m: (
            m.sender_id == bot_id
            and m.stream_id == sent.stream_id
            and m.content.startswith("Standup **")
        ),
    )


def _by_channel(bot: BotProcess) -> dict[str, Standup]:
    assert bot.bot is not None
    runtime = bot.bot.runtime
    return {s.stream_name: s for s in runtime.standups.in_realm(runtime.realm_id)}


async def _answered(zulip: LocalZulip, bot: BotProcess) -> dict[str, Standup]:
    """Alice's standups in #standup and private #leads, with today's answers stored."""
    zulip.human("bot").subscribe("leads")
    await _standup(zulip, "alice", "standup")
    await _standup(zulip, "alice", "leads")
    standups = _by_channel(bot)
    # Carol and Dave answer the way people do: `answer`, then all three at once.
    for who, texts in ANSWERS.items():
        await dm(zulip, who, "answer standup")
        listed = "\n".join(f"{n}. {text}" for n, text in enumerate(texts, start=1))
        await dm(zulip, who, listed)
    assert bot.bot is not None
    runs = bot.bot.runtime.runs
    leads_run = runs.run_for(standups["leads"].id, DAY, NOW)
    runs.save_answer(leads_run.id, zulip.user("bob").user_id, 0, "Q1", LEADS_SECRET, None, NOW)
    return standups


async def _log_in(zulip: LocalZulip, browser: Browser, who: str, public: str) -> Page:
    """``who`` DMs `dashboard`, opens the link in a browser of their own and logs in."""
    (reply,) = await dm(zulip, who, "dashboard")
    found = re.search(re.escape(public) + r"/login/[A-Za-z0-9_-]+", reply)
    assert found, reply
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(found[0])
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(public + "/")
    return page


async def _shots(page: Page, name: str) -> list[Path]:
    saved = [await screenshot(page, f"{name}-1280")]
    await page.set_viewport_size({"width": 375, "height": 800})
    # Readable at phone width: nothing wider than the screen.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    saved.append(await screenshot(page, f"{name}-375"))
    await page.set_viewport_size({"width": 1280, "height": 800})
    return saved


async def test_a_member_logs_in_from_a_dm_and_reads_the_day(
    browser: Browser, database_url: str
) -> None:
    db = "postgres" if database_url.startswith("postgresql") else "sqlite"
    with LocalZulip() as zulip:
        async with bot_with_dashboard(zulip, database_url) as (bot, public):
            standups = await _answered(zulip, bot)
            carol = await _log_in(zulip, browser, "carol", public)
            assert "Carol Member" in await carol.locator("header").inner_text()
            await carol.get_by_role("link", name="standup", exact=True).click()
            await carol.wait_for_url(re.compile(r"/standups/\d+$"))
            main = carol.locator("main")
            for texts in ANSWERS.values():
                for text in texts[:2]:
                    await main.get_by_text(text, exact=True).wait_for()
            # The answer's markup is text, not HTML.
            assert await carol.locator("main b").count() == 0
            assert "Waiting for the VPN token" in await carol.locator("ul.blockers").inner_text()
            await _shots(carol, f"dashboard-day-{db}")

            # Private #leads: the same page as a standup that does not exist.
            hidden = await carol.goto(f"{public}/standups/{standups['leads'].id}")
            assert hidden is not None
            assert hidden.status == 404
            hidden_text = await carol.locator("p.message").inner_text()
            missing = await carol.goto(f"{public}/standups/{standups['leads'].id + 1000}")
            assert missing is not None
            assert missing.status == 404
            assert await carol.locator("p.message").inner_text() == hidden_text == NOT_FOUND
            assert LEADS_SECRET not in await carol.content()

            # Alice created the standup: she reads Carol's history and the charts.
            alice = await _log_in(zulip, browser, "alice", public)
            carol_id = zulip.user("carol").user_id
            await alice.goto(f"{public}/standups/{standups['standup'].id}/people/{carol_id}")
            history = await alice.locator("main").inner_text()
            assert "Carol Member" in history
            assert ANSWERS["carol"][0] in history
            assert ANSWERS["dave"][0] not in history
            await _shots(alice, f"dashboard-history-{db}")
            await alice.goto(f"{public}/standups/{standups['standup'].id}/charts?days=30")
            assert await alice.locator("svg.chart").count() == 2
            labels = [
                await c.get_attribute("aria-label") for c in await alice.locator("svg.chart").all()
            ]
            assert labels[0] is not None
            assert labels[0].startswith("Participation in standup")
            await _shots(alice, f"dashboard-charts-{db}")

            # Logging out ends the session: the page asks to log in again.
            await alice.get_by_role("button", name="Log out").click()
            await alice.wait_for_url(public + "/login")
            await alice.goto(f"{public}/")
            assert alice.url == public + "/login"
