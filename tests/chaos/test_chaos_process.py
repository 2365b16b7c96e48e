"""Chaos with real processes: the bot runs as its own OS process and is SIGKILLed 20+ times
through a standup day of 24 people in four zones, at aimed moments (mid fan-out, amid
answers, during reminders, with the digest in flight), with latency, 5xx, dropped
connections and expired event queues on localzulip, and on PostgreSQL its sessions
terminated mid-transaction. SECURITY.md promise 22: nothing is lost, nothing is doubled.

``CHAOS_SEEDS=1-50`` (or ``1,2,7``) runs other seeds; ``make chaos SEEDS=1-50`` is the soak.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

import pytest

from localzulip import LocalZulip, ServerConfig
from localzulip.ratelimit import RateLimitConfig

from .driver import Chaos
from .people import build_realm

DEFAULT_SEEDS = "1,2"


def _seeds(spec: str) -> list[int]:
    seeds: list[int] = []
    for part in spec.replace(" ", "").split(","):
        if not part:
            continue
        if "-" in part:
            first, last = part.split("-", 1)
            seeds.extend(range(int(first), int(last) + 1))
        else:
            seeds.append(int(part))
    return seeds


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("seed", _seeds(os.environ.get("CHAOS_SEEDS", DEFAULT_SEEDS)))
def test_sigkilled_bot_process_loses_nothing_and_doubles_nothing(
    database_url: str, seed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every participant gets exactly one prompt within the bound of its due time or of the
    bot's recovery, every acknowledged answer is stored once with its latest edit, one digest
    is posted within the bound, nobody never asked is listed as missing; the counts line is
    printed to the terminal (CI's log) whether or not output is captured."""
    db = "postgres" if database_url.startswith("postgresql") else "sqlite"
    # Logs outside pytest's rotating tmp dirs, so they survive for diagnosis.
    root = Path(os.environ.get("CHAOS_WORKDIR", tempfile.gettempdir())) / "zulip-standup-chaos"
    root.mkdir(parents=True, exist_ok=True)
    tmp_path = Path(tempfile.mkdtemp(prefix=f"{db}-seed{seed}-", dir=root))
    realm, people = build_realm(random.Random(seed))
    config = ServerConfig(heartbeat_seconds=1.0, rate_limit=RateLimitConfig(limit=5000))
    began = time.monotonic()
    with LocalZulip(realm, config=config) as server:
        chaos = Chaos(server, people, database_url, tmp_path, seed)
        try:
            chaos.run()
        finally:
            chaos.runner.stop() if chaos.runner.alive else None
        chaos.check()
        chaos.engine.dispose()
    seconds = time.monotonic() - began
    starts = chaos.start_seconds
    line = chaos.counts.line(db, seed) + (
        f"; {seconds:.0f} s, mean restart {sum(starts) / len(starts):.1f} s, logs in {tmp_path}"
    )
    diary = [*chaos.events, line, *(f"  VIOLATION {v}" for v in chaos.violations)]
    (tmp_path / "diary.txt").write_text("\n".join(diary) + "\n")
    with capsys.disabled():
        print()
        if os.environ.get("CHAOS_DIARY"):
            print("\n".join(chaos.events))
        print(line)
        for violation in chaos.violations:
            print(f"  VIOLATION {violation}")
    assert chaos.counts.kills >= 20, chaos.counts.line(db, seed)
    assert not chaos.violations, chaos.counts.line(db, seed)
