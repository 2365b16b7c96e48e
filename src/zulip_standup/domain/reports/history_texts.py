"""Replies of the history commands: blockers, history, search, chart, export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from zulip_standup.domain.reports.blockers import Blocker
from zulip_standup.domain.reports.sanitize import plain_name, sanitize, silent_mention
from zulip_standup.domain.values import DateRange

SNIPPET_CHARS = 200


class _Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def stream_name(self) -> str: ...


def _snippet(text: str) -> str:
    flat = " ".join(sanitize(text).split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1] + "…"


def _period(period: DateRange) -> str:
    if period.start == period.end:
        return f"{period.start:%a %d %b %Y}"
    return f"{period.start:%d %b %Y} to {period.end:%d %b %Y}"


def no_standups(command: str) -> str:
    return (
        "You don't take part in any standup, so there is nothing to show. "
        f"Name a channel to read its standup: `{command} #**team**`."
    )


def blockers_list(found: Sequence[tuple[_Named, Blocker]]) -> str:
    if not found:
        return "No open blockers. 🎉"
    lines = [f"**Open blockers** ({len(found)}):"]
    for standup, blocker in found:
        days = f"{blocker.run_days_open} run day{'s' if blocker.run_days_open != 1 else ''}"
        lines.append(
            f"- {silent_mention(blocker.owner_name, blocker.owner_id)} ({standup.name}, since "
            f"{blocker.since:%a %d %b}, {days}): {_snippet(blocker.text)}"
        )
    return "\n".join(lines)


def history_text(
    name: str,
    period: DateRange,
    lines: Sequence[tuple[_Named, dt.date, int, str, str]],
    total: int,
) -> str:
    if not lines:
        return f"No answers from {plain_name(name)} for {_period(period)}."
    out = [f"**Answers of {plain_name(name)}**, {_period(period)}:"]
    current: tuple[str, dt.date] | None = None
    for standup, day, index, question, text in lines:
        if current != (standup.name, day):
            current = (standup.name, day)
            out.append(f"\n**{day:%a %d %b %Y}** ({standup.name})")
        out.append(f"{index + 1}. *{sanitize(question)}*\n{sanitize(text)}")
    if total > len(lines):
        out.append(f"\n…and {total - len(lines)} more; narrow the dates, e.g. `history 7 days`.")
    return "\n".join(out)


def search_needs_words() -> str:
    return "Tell me what to look for, e.g. `search deploy pipeline` or `search outage in #**ops**`."


def search_results(words: str, hits: Sequence[tuple[_Named, dt.date, str, str]], total: int) -> str:
    if not hits:
        return f"No answers mention `{plain_name(words)[:80]}` in the last year."
    out = [f"**{total} answer{'s' if total != 1 else ''}** mention `{plain_name(words)[:80]}`:"]
    out.extend(
        f"- {day:%d %b %Y}, {plain_name(name)} ({standup.name}): {_snippet(text)}"
        for standup, day, name, text in hits
    )
    if total > len(hits):
        out.append(f"…showing the newest {len(hits)}.")
    return "\n".join(out)


def chart_title(name: str, period: DateRange) -> str:
    return f"{name}: participation {period.start:%d %b} to {period.end:%d %b %Y}"


def chart_posted(name: str, period: DateRange, url: str) -> str:
    return f"Participation in **{name}**, {_period(period)}:\n[chart]({url})"


def export_ready(count: int, period: DateRange, url: str, everyone: bool) -> str:
    whose = "all participants'" if everyone else "your"
    return (
        f"Here is the export of {whose} answers for {_period(period)} ({count} rows): "
        f"[download]({url})"
    )


def export_sent_privately() -> str:
    return "I sent you the export in a direct message."


def rollup_topic(name: str, year: int, week: int) -> str:
    return f"{plain_name(name)[:40]} week {year}-W{week:02d}"


def rollup_text(name: str, period: DateRange, figures: str, chart_url: str) -> str:
    return (
        f"📅 **Weekly roll-up of {plain_name(name)}**, {_period(period)}\n\n"
        f"{figures}\n\n[participation chart]({chart_url})"
    )
