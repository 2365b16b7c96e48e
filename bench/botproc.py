"""The bot under measurement as its own OS process, and what /proc says it spent.

``bot_process`` starts ``python -m bench.bot_main`` (see there) against a localzulip of
this process, waits for its ``/readyz``, and stops it with SIGTERM. Its CPU-seconds
(utime + stime from /proc/PID/stat) and RSS (/proc/PID/status) are read by the benchmark
before and after the phase it measures, so localzulip and the simulated people, which run
in the benchmark process, are not counted. ``--bot-src DIR`` (``STANDUP_BENCH_BOT_SRC``)
makes the bot process import the product from DIR, for "before" figures of a baseline tree.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zulip_standup
from bench.common import BOT_EMAIL, Timeline, rss_kib
from localzulip import LocalZulip

BOT_SRC_ENV = "STANDUP_BENCH_BOT_SRC"
READY_TIMEOUT_S = 300.0
STOP_TIMEOUT_S = 60.0
BENCH_ROOT = Path(__file__).resolve().parent.parent
TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (its threads included), from /proc/PID/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_S


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_src() -> str:
    """The product tree the bot process imports: ``STANDUP_BENCH_BOT_SRC``, else the
    benchmark's own (where this process imported ``zulip_standup`` from)."""
    own = str(Path(zulip_standup.__file__).resolve().parent.parent)
    return os.environ.get(BOT_SRC_ENV) or own


@dataclass
class BotHandle:
    """A running bot process: its pid, its clock offset file, its /proc figures."""

    proc: subprocess.Popen[bytes]
    log_path: Path
    offset_file: Path | None
    timeline: Timeline | None
    marks: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def jump_to(self, instant: Any) -> None:
        """Move the shared time line forward, here and in the bot process."""
        assert self.timeline is not None, "a bot on the real clock cannot jump"
        assert self.offset_file is not None
        self.timeline.jump_to(instant)
        _write_offset(self.offset_file, self.timeline.offset)
        os.kill(self.pid, signal.SIGUSR1)

    def mark(self, name: str) -> dict[str, float]:
        """Record the bot's CPU-seconds and memory now, under ``name``."""
        memory = rss_kib(self.pid)
        figures = {
            "cpu_s": cpu_seconds(self.pid),
            "rss_mib": round(memory.get("VmRSS", 0) / 1024, 1),
            "peak_rss_mib": round(memory.get("VmHWM", 0) / 1024, 1),
        }
        self.marks[name] = figures
        return figures

    def cpu_between(self, first: str, second: str) -> float:
        return round(self.marks[second]["cpu_s"] - self.marks[first]["cpu_s"], 3)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _write_offset(path: Path, offset: float) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(repr(offset))
    os.replace(tmp, path)


def _environment(server: LocalZulip, database_url: str, port: int, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZULIP_", "STANDUP_")) and k not in ("DATABASE_URL", "PYTHONPATH")
    }
    _, key = server.credentials("bot")
    path = [bot_src(), str(BENCH_ROOT)]
    env.update(
        ZULIP_EMAIL=BOT_EMAIL,
        ZULIP_API_KEY=key,
        ZULIP_SITE=server.url,
        DATABASE_URL=database_url,
        STANDUP_HTTP_BIND=f"127.0.0.1:{port}",
        STANDUP_LOG_LEVEL="WARNING",
        STANDUP_INSTANCE_ID="bench-bot",
        PYTHONPATH=os.pathsep.join(path),
        **extra,
    )
    return env


def _ready(port: int) -> bool:
    with (
        contextlib.suppress(urllib.error.URLError, OSError),
        urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response,
    ):
        return bool(response.status == 200)
    return False


@asynccontextmanager
async def bot_process(
    server: LocalZulip,
    database_url: str,
    *,
    timeline: Timeline | None = None,
    window_s: float | None = None,
    limit: int | None = None,
    env: dict[str, str] | None = None,
) -> AsyncIterator[BotHandle]:
    """The bot as a separate process with production options, until the block ends.

    ``timeline`` shares a shifted clock with the bot (for jumps); without it the bot reads
    the real clock. ``window_s``/``limit`` tell its pacer the limit localzulip enforces.
    """
    workdir = Path(tempfile.mkdtemp(prefix="zs-bench-bot-"))
    port = _free_port()
    command = [sys.executable, "-m", "bench.bot_main"]
    offset_file = None
    if timeline is not None:
        offset_file = workdir / "offset"
        _write_offset(offset_file, timeline.offset)
        command += ["--offset-file", str(offset_file)]
    if window_s is not None:
        command += ["--pacer-window", str(window_s)]
    if limit is not None:
        command += ["--pacer-limit", str(limit)]
    log_path = workdir / "bot.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(  # noqa: ASYNC220 - started once, waited on below without blocking
            command,
            env=_environment(server, database_url, port, **(env or {})),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=BENCH_ROOT,
            start_new_session=True,
        )
    handle = BotHandle(proc, log_path, offset_file, timeline)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not await asyncio.to_thread(_ready, port):
            if proc.poll() is not None or time.monotonic() > deadline:
                msg = f"the bot process did not become ready:\n{handle.log_tail()}"
                raise RuntimeError(msg)
            await asyncio.sleep(0.1)
        yield handle
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(proc.wait, STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            await asyncio.to_thread(proc.wait)
        shutil.rmtree(workdir, ignore_errors=True)
