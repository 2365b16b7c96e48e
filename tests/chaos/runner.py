"""Starts the bot as a separate OS process (its own process group) and SIGKILLs it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


INSTANCE_ID = "chaos-bot"


class BotRunner:
    """``python -m tests.chaos.bot_main`` with a log file per run and a health port per run."""

    def __init__(self, workdir: Path, zuliprc: Path, clock_file: Path, database_url: str) -> None:
        self.workdir = workdir
        self.zuliprc = zuliprc
        self.clock_file = clock_file
        self.database_url = database_url
        self.proc: subprocess.Popen[bytes] | None = None
        self.runs = 0
        self.log_path: Path | None = None
        self.port = 0

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def start(self) -> float:
        """Start a bot process and wait for ``/readyz``; return the real seconds it took."""
        assert self.proc is None, "the previous bot process is still registered"
        began = time.monotonic()
        self.runs += 1
        self.port = free_port()
        self.log_path = self.workdir / f"bot-{self.runs:03d}.log"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("ZULIP_", "STANDUP_")) and key != "DATABASE_URL"
        }
        env.update(
            DATABASE_URL=self.database_url,
            STANDUP_HTTP_BIND=f"127.0.0.1:{self.port}",
            STANDUP_LOG_LEVEL="INFO",
            STANDUP_LOG_FORMAT="text",
            # A restart under the same instance id takes the account's lease back at once
            # (as a supervised service would); the failover test covers waiting out a TTL.
            STANDUP_INSTANCE_ID=INSTANCE_ID,
        )
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.chaos.bot_main",
                    "--zuliprc",
                    str(self.zuliprc),
                    "--clock-file",
                    str(self.clock_file),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        self._wait_ready(began)
        return time.monotonic() - began

    def _wait_ready(self, began: float) -> None:
        url = f"http://127.0.0.1:{self.port}/readyz"
        while time.monotonic() - began < READY_TIMEOUT_S:
            assert self.proc is not None
            if self.proc.poll() is not None:
                msg = f"the bot exited with {self.proc.returncode} before it was ready"
                raise RuntimeError(f"{msg}:\n{self.log_tail()}")
            with (
                contextlib.suppress(urllib.error.URLError, OSError),
                urllib.request.urlopen(url, timeout=1) as response,
            ):
                if response.status == 200:
                    return
            time.sleep(0.05)  # polling /readyz, a bounded loop on a condition
        raise RuntimeError(f"the bot was not ready within {READY_TIMEOUT_S} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL the bot's whole process group, as a crash or an OOM kill would."""
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=STOP_TIMEOUT_S)
        self.proc = None

    def stop(self) -> None:
        """SIGTERM and wait (a clean shutdown); SIGKILL if it does not stop in time."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
        self.proc = None

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
