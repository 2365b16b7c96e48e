"""Participation charts: real PNG bytes, small, without a display, for any data."""

from __future__ import annotations

import datetime as dt
import struct

from zulip_standup.charts import render_participation_chart
from zulip_standup.domain.reports.stats import DayStats

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def month() -> list[DayStats]:
    start = dt.date(2026, 3, 2)
    return [DayStats(start + dt.timedelta(days=i), 6, (i * 5) % 7) for i in range(30)]


def png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk follows the magic
    return width, height


def test_chart_is_a_small_png() -> None:
    """A month of data renders to a PNG of the configured size, non-trivial and under 200 KB."""
    data = render_participation_chart(month(), "Team standup: last 30 run days")
    assert data.startswith(PNG_MAGIC)
    assert 10_000 < len(data) < 200_000
    assert png_size(data) == (800, 360)


def test_chart_is_repeatable() -> None:
    """The same input gives the same bytes (no timestamp or version metadata)."""
    assert render_participation_chart(month(), "T") == render_participation_chart(month(), "T")
    assert b"Software" not in render_participation_chart(month(), "T")


def test_chart_without_data_or_with_unusual_title() -> None:
    """No rows, or a title in a script the font lacks, still give a PNG and raise no warning."""
    empty = render_participation_chart([], "Empty")
    assert empty.startswith(PNG_MAGIC)
    cjk = render_participation_chart(month()[:3], "日本語チーム " * 30)
    assert cjk.startswith(PNG_MAGIC)
