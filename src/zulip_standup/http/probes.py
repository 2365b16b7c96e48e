"""Readiness probes without the web server: what a check is and how a round of them runs.

Kept apart from ``http.server`` so that building the checks does not import aiohttp; the
server is imported only by a process that listens (``STANDUP_HTTP_BIND``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Ping = Callable[[], Awaitable[bool]]
PING_TIMEOUT_S = 3.0


async def run_pings(pings: dict[str, Ping]) -> dict[str, str]:
    """Each check's state, "ok" or "failing"; a check that raises or hangs is failing."""
    results: dict[str, str] = {}
    for name, ping in pings.items():
        try:
            ok = await asyncio.wait_for(ping(), PING_TIMEOUT_S)
        except Exception:  # a failing ping is a "not ready", never a crash
            ok = False
        results[name] = "ok" if ok else "failing"
    return results
