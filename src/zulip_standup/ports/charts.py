"""Charts the use cases upload: PNG bytes drawn from statistics; matplotlib in ``charts.py``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from zulip_standup.domain.reports.stats import DayStats


class Charts(Protocol):
    def participation(self, rows: Sequence[DayStats], title: str) -> bytes:
        """A chart of answered vs expected people per run day, as a PNG."""
        ...
