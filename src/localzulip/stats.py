"""Request counters for tests and benchmarks."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Stats:
    """Counts of requests per operationId, per user and per status; 429s returned; bytes of
    the response bodies sent per user and operationId (what a client had to download)."""

    by_operation: Counter[str] = field(default_factory=Counter)
    by_user: Counter[int] = field(default_factory=Counter)
    by_user_operation: Counter[tuple[int, str]] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    bytes_by_user_operation: Counter[tuple[int, str]] = field(default_factory=Counter)
    rate_limited: int = 0
    total: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, operation: str, user_id: int | None, status: int, sent_bytes: int = 0) -> None:
        with self._lock:
            self.total += 1
            self.by_operation[operation] += 1
            self.by_status[status] += 1
            if user_id is not None:
                self.by_user[user_id] += 1
                self.by_user_operation[(user_id, operation)] += 1
                self.bytes_by_user_operation[(user_id, operation)] += sent_bytes
            if status == 429:
                self.rate_limited += 1

    def count(self, operation: str | None = None, user_id: int | None = None) -> int:
        """Requests seen, optionally for one operationId and/or one user."""
        with self._lock:
            if operation is not None and user_id is not None:
                return self.by_user_operation[(user_id, operation)]
            if operation is not None:
                return self.by_operation[operation]
            if user_id is not None:
                return self.by_user[user_id]
            return self.total

    def sent_bytes(self, operation: str, user_id: int) -> int:
        """Bytes of response bodies one user received from one operationId."""
        with self._lock:
            return self.bytes_by_user_operation[(user_id, operation)]

    def reset(self) -> None:
        with self._lock:
            self.by_operation.clear()
            self.by_user.clear()
            self.by_user_operation.clear()
            self.by_status.clear()
            self.bytes_by_user_operation.clear()
            self.rate_limited = 0
            self.total = 0
