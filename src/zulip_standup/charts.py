"""Participation charts as PNG bytes, drawn with matplotlib's Agg renderer and never a display.

The figure is built with the object-oriented API (``Figure`` plus an Agg
canvas) instead of ``pyplot``: pyplot keeps global figure state that leaks
memory in a long-running bot and is not thread-safe, and it may try to pick a
GUI backend. The PNG carries no software/version metadata, so the same input
gives the same bytes on the same matplotlib version.

matplotlib (with numpy and PIL, some 40 MiB and a second of start-up) is
imported by the first chart drawn, not with this module: most bot processes
never draw one.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence

from zulip_standup.domain.reports import texts
from zulip_standup.domain.reports.stats import DayStats

WIDTH_INCHES = 8.0
HEIGHT_INCHES = 3.6
DPI = 100
MAX_TITLE_LENGTH = 80
_EXPECTED_COLOUR = "#d0d7e2"
_ANSWERED_COLOUR = "#2f6fb5"
_RATE_COLOUR = "#e07b00"


def render_participation_chart(rows: Sequence[DayStats], title: str) -> bytes:
    """A bar chart of answered vs expected people per run day, with the rate as a line."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415 - see above
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    shown_title = title if len(title) <= MAX_TITLE_LENGTH else title[: MAX_TITLE_LENGTH - 1] + "…"
    axes.set_title(shown_title, fontsize=11)
    if rows:
        positions = list(range(len(rows)))
        labels = [row.run_date.strftime("%m-%d") for row in rows]
        expected_bars = axes.bar(
            positions, [r.expected for r in rows], color=_EXPECTED_COLOUR, width=0.7
        )
        answered_bars = axes.bar(
            positions, [r.answered for r in rows], color=_ANSWERED_COLOUR, width=0.5
        )
        axes.set_xticks(positions, labels, rotation=45 if len(rows) > 10 else 0, fontsize=8)
        step = max(1, len(rows) // 15)
        for index, label in enumerate(axes.get_xticklabels()):
            label.set_visible(index % step == 0)
        axes.set_ylabel(texts.CHART_Y_LABEL)
        axes.set_ylim(0, max(1, *(r.expected for r in rows)) * 1.3)  # headroom for the legend
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        rate_axes = axes.twinx()
        (rate_line,) = rate_axes.plot(
            positions, [100 * r.rate for r in rows], color=_RATE_COLOUR, marker="o"
        )
        rate_axes.set_ylim(0, 130)
        rate_axes.set_yticks([0, 25, 50, 75, 100])
        rate_axes.set_ylabel("%")
        axes.legend(
            [expected_bars, answered_bars, rate_line],
            [texts.CHART_EXPECTED, texts.CHART_ANSWERED, texts.CHART_RATE],
            loc="upper left",
            ncol=3,
            fontsize=8,
            frameon=False,
        )
    else:
        axes.text(0.5, 0.5, texts.CHART_NO_DATA, ha="center", va="center")
        axes.set_axis_off()
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A standup name in a script the bundled font lacks draws boxes; not worth a log line.
        warnings.simplefilter("ignore", UserWarning)
        figure.tight_layout()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


class MatplotlibCharts:
    """The ``Charts`` port on matplotlib's Agg renderer."""

    def participation(self, rows: Sequence[DayStats], title: str) -> bytes:
        return render_participation_chart(rows, title)
