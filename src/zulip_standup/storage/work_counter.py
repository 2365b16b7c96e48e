"""The calls and job rows a job store has done, for the benchmarks (SQL store and twin alike)."""

from __future__ import annotations

import threading

from zulip_standup.domain.scheduling.jobs import StoreStats


class WorkCounter:
    """Counts calls and rows under a lock; subtract two ``stats`` snapshots to cost a tick."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls = 0
        self._rows = 0

    @property
    def stats(self) -> StoreStats:
        with self._lock:
            return StoreStats(self._calls, self._rows)

    def count(self, rows: int) -> None:
        with self._lock:
            self._calls += 1
            self._rows += rows
