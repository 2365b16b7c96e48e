"""Fixtures for browser tests: one headless Chromium per session, a fresh page per test.

Chromium is Debian's (``apt-get install chromium``), launched by its path; see
``harness.find_chromium``. Without it the browser tests are skipped with the reason, except
under ``CI=true``, where they fail (the same rule as the PostgreSQL tests). Playwright's async
API is used because the suite runs on pytest-asyncio; the browser and every test here share
the session's event loop, so one browser serves them all.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright

from .harness import find_chromium, runs_as_root

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser is marked ``browser`` and runs in the session's loop."""
    for item in items:
        if _HERE not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        if pytest_asyncio.is_async_test(item):
            item.add_marker(pytest.mark.asyncio(loop_scope="session"), append=False)


def require_chromium() -> Path:
    """The Chromium to drive; skips (or, under CI, fails) the calling test when there is none."""
    executable, reason = find_chromium()
    if executable is not None:
        return executable
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: Chromium is required)")
    pytest.skip(reason)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium for the whole session; sandboxed unless the tests run as root."""
    executable = require_chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            # Playwright passes --no-sandbox unless asked for the sandbox; only root needs it off.
            chromium_sandbox=not runs_as_root(),
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A page in a context of its own (no cookies or storage shared between tests)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        yield await context.new_page()
    finally:
        await context.close()
