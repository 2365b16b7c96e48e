"""What ``status`` says about today's progress: each person under the label of their standing."""

from __future__ import annotations

from collections.abc import Sequence

from zulip_standup.domain.reports import texts as report_texts
from zulip_standup.domain.reports.attendance import Standing

_STATUS_LABELS = {
    Standing.ANSWERED: "answered",
    Standing.LATE: "answered late",
    Standing.SKIPPED: "skipped",
    Standing.AWAY: "away",
    Standing.TIME_OFF: "away",
    Standing.HOLIDAY: "away",
    Standing.MISSED: "missed",
    Standing.NOT_ASKED: "not asked, the bot was unavailable",
    Standing.WAITING: "waiting",
    Standing.LATER: "not asked yet",
}
_AWAY_REASONS = {
    Standing.TIME_OFF: report_texts.ABSENT_TIME_OFF,
    Standing.HOLIDAY: report_texts.ABSENT_HOLIDAY,
}


def status_progress(people: Sequence[tuple[str, Standing]]) -> dict[str, list[str]]:
    """Today's progress for ``status``: names under the label of their standing, in the
    labels' order; absent people with the reason."""
    progress: dict[str, list[str]] = {label: [] for label in _STATUS_LABELS.values()}
    for name, place in people:
        reason = _AWAY_REASONS.get(place)
        progress[_STATUS_LABELS[place]].append(f"{name} ({reason})" if reason else name)
    return progress
