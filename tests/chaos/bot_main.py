"""The chaos harness's bot process: ``python -m tests.chaos.bot_main --zuliprc F --clock-file C``.

It builds the bot as ``zulip-standup run`` does (settings from the zuliprc and the
``STANDUP_*``/``DATABASE_URL`` environment, the same ``BotProcess``), except that scheduling
time comes from the test's file clock and the worker polls every few milliseconds. Zulip I/O
and rate limits stay on real time. SIGTERM/SIGINT stop it cleanly; the test SIGKILLs it.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from zulip_standup.app import BotProcess, RunOptions
from zulip_standup.clock import SystemClock
from zulip_standup.logs import configure_logging
from zulip_standup.settings import load_settings

from .clock import POLL_S, FileClock


async def run(zuliprc: Path, clock_file: Path) -> int:
    settings = load_settings(zuliprc)
    configure_logging(settings.log_level, settings.log_format, settings.secret_values())
    process = BotProcess(
        settings,
        clock=FileClock(clock_file),
        options=RunOptions(worker_poll_seconds=POLL_S, zulip_clock=SystemClock()),
    )
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, process.stop)
    await process.run()
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="tests.chaos.bot_main")
    parser.add_argument("--zuliprc", type=Path, required=True)
    parser.add_argument("--clock-file", type=Path, required=True)
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args.zuliprc, args.clock_file)))


if __name__ == "__main__":
    main()
