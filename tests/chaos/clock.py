"""The file clock: simulated scheduling time shared between the test and the bot process.

The test writes an ISO-8601 UTC instant to a file (atomically: a temporary file, then
``os.replace``); the bot process reads it on every ``now()``. ``sleep`` passes a little real
time so the worker keeps polling while simulated time stands still.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path

POLL_S = 0.02


def write_clock(path: Path, instant: dt.datetime) -> None:
    """Set the simulated time seen by every bot process reading ``path``."""
    if instant.tzinfo is None:
        msg = "the file clock needs a timezone-aware instant"
        raise ValueError(msg)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(instant.astimezone(dt.UTC).isoformat())
    os.replace(tmp, path)


class FileClock:
    """A Clock whose ``now()`` is the instant last written to ``path``."""

    def __init__(self, path: Path, *, poll_s: float = POLL_S) -> None:
        self._path = path
        self._poll_s = poll_s

    def now(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self._path.read_text().strip()).astimezone(dt.UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(min(max(seconds, 0.0), self._poll_s))
