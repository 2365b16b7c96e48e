"""The bot as its own OS process for the benchmarks: ``python -m bench.bot_main``.

Built as ``zulip-standup run`` builds it (settings from the ``ZULIP_*``/``STANDUP_*``/
``DATABASE_URL`` environment, ``BotProcess`` with ``RunOptions()`` defaults: the 15 s worker
poll, the health endpoint), so the CPU and memory the benchmark reads from /proc are the bot's
own. Two bench-only knobs:

- ``--offset-file F``: the clock is real time plus the offset (seconds) in F, re-read on
  SIGUSR1. The benchmark jumps over idle hours that way at no per-call cost. A sleep ends when
  the shifted time reaches its end, so a jump ends the sleeps it passes, as a real clock
  reaching that instant would; nothing polls faster than production does.
- ``--pacer-window S`` / ``--pacer-limit N``: the pacer is told the (scaled) rate limit
  localzulip enforces, as a real bot is told Zulip's 200 per 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import math
import signal
import sys
from pathlib import Path

from zulip_standup.app import BotProcess, RunOptions
from zulip_standup.clock import SystemClock
from zulip_standup.logs import configure_logging
from zulip_standup.settings import load_settings


class ShiftedClock:
    """Real time plus an offset that only moves forward when the benchmark says so."""

    def __init__(self, path: Path, loop: asyncio.AbstractEventLoop) -> None:
        self._path = path
        self._loop = loop
        self._system = SystemClock()
        self.offset = -math.inf
        self._jumped: asyncio.Future[None] = loop.create_future()
        self.reload()

    def reload(self) -> None:
        """Read the offset again and wake the sleepers, who check whether their time came."""
        self.offset = max(self.offset, float(self._path.read_text().strip()))
        self._jumped.set_result(None)
        self._jumped = self._loop.create_future()

    def now(self) -> dt.datetime:
        return self._system.now() + dt.timedelta(seconds=self.offset)

    async def sleep(self, seconds: float) -> None:
        end = self.now() + dt.timedelta(seconds=max(0.0, seconds))
        while (left := (end - self.now()).total_seconds()) > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._jumped), left)


async def run(args: argparse.Namespace) -> int:
    settings = load_settings(None)
    configure_logging(settings.log_level, settings.log_format, settings.secret_values())
    loop = asyncio.get_running_loop()
    clock = ShiftedClock(args.offset_file, loop) if args.offset_file else None
    if clock is not None:
        loop.add_signal_handler(signal.SIGUSR1, clock.reload)
    process = BotProcess(settings, clock=clock, options=RunOptions())
    if args.pacer_window is not None:
        process.rest.pacer.window_s = args.pacer_window
    if args.pacer_limit is not None:
        process.rest.pacer.limit = args.pacer_limit
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, process.stop)
    await process.run()
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bot_main", description=__doc__)
    parser.add_argument("--offset-file", type=Path)
    parser.add_argument("--pacer-window", type=float)
    parser.add_argument("--pacer-limit", type=int)
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
