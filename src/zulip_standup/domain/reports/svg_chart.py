"""Bar charts as SVG markup, drawn on the server: no script, no image library, any width.

Labels are escaped here (they may hold a standup's name); values only become
coordinates. The dashboard embeds the markup in its page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
HEIGHT = 220
_LEFT = 44  # room for the value axis' labels
_BOTTOM = 28  # room for the date labels
_TOP = 12


@dataclass(frozen=True)
class Bar:
    """One bar: its label under the axis, its value (None: nothing that day) and a tooltip."""

    label: str
    value: float | None
    tip: str


def bar_chart(title: str, bars: Sequence[Bar], *, top: float, unit: str) -> str:
    """A labelled bar chart scaled to ``top`` (at least 1), with a few grid lines."""
    top = max(top, 1.0)
    plot_w = WIDTH - _LEFT - 8
    plot_h = HEIGHT - _TOP - _BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for step in range(5):
        value = top * step / 4
        y = _TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{_LEFT - 4}" y="{y + 4:.1f}" class="axis" text-anchor="end">'
            f"{value:.0f}{escape(unit)}</text>"
        )
    slot = plot_w / max(len(bars), 1)
    label_every = max(1, round(len(bars) / 8))
    for index, bar in enumerate(bars):
        x = _LEFT + index * slot
        if bar.value is not None:
            h = plot_h * min(max(bar.value, 0.0), top) / top
            parts.append(
                f'<rect x="{x + slot * 0.15:.1f}" y="{_TOP + plot_h - h:.1f}" '
                f'width="{slot * 0.7:.1f}" height="{h:.1f}" class="bar">'
                f"<title>{escape(bar.tip)}</title></rect>"
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - 8}" class="axis" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
