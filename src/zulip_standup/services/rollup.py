"""Participation figures over a period, and the weekly roll-up post that shows them."""

from __future__ import annotations

import datetime as dt
import logging

from zulip_standup.domain import history_texts as texts
from zulip_standup.domain.schedule import next_run_date
from zulip_standup.domain.standup import Standup
from zulip_standup.domain.stats import ParticipationRow, compute_stats, render_stats
from zulip_standup.domain.values import DateRange
from zulip_standup.services.runtime import Runtime

log = logging.getLogger(__name__)


async def participation(
    rt: Runtime, standup: Standup, start: dt.date, end: dt.date
) -> list[ParticipationRow]:
    """One row per person asked per run in the period (away and skipped people excluded)."""
    rows: list[ParticipationRow] = []
    for run in await rt.db(rt.runs.runs_between, standup.id, start, end):
        for conversation in await rt.db(rt.runs.conversations_of_run, run.id):
            if conversation.state in {"away", "skipped"}:
                continue
            rows.append(
                ParticipationRow(
                    run_date=run.run_date,
                    user_id=conversation.user_id,
                    name=rt.directory.name_of(conversation.user_id),
                    answered=conversation.state == "done",
                    prompted_at=conversation.prompted_at,
                    answered_at=conversation.completed_at,
                )
            )
    return rows


def closes_week(standup: Standup, run_date: dt.date) -> bool:
    """True for the last run of an ISO week (the next run falls in a later week, or none)."""
    following = next_run_date(standup.settings.to_schedule(standup.id), run_date)
    return following is None or following.isocalendar()[:2] != run_date.isocalendar()[:2]


async def post_weekly_rollup(rt: Runtime, standup: Standup, run_date: dt.date) -> bool:
    """After the week's last digest: the week's figures and chart, once, in a topic of its own."""
    if not standup.settings.weekly_rollup or not closes_week(standup, run_date):
        return False
    year, week, _ = run_date.isocalendar()
    topic = texts.rollup_topic(standup.name, year, week)
    if await rt.chat.has_posted_in_topic(standup.stream_id, topic):
        return False  # a retried digest job must not post the week twice
    monday = run_date - dt.timedelta(days=run_date.weekday())
    period = DateRange(monday, monday + dt.timedelta(days=6))
    rows = await participation(rt, standup, period.start, period.end)
    figures = compute_stats(rows, period.start, period.end)
    png = rt.charts.participation(figures.days, texts.chart_title(standup.name, period))
    url = await rt.chat.upload_file(f"{standup.name}-week-{year}-{week:02d}.png", png, "image/png")
    content = texts.rollup_text(standup.name, period, render_stats(figures), url)
    await rt.chat.send_stream(standup.stream_id, topic, content)
    log.info("weekly_rollup_posted", extra={"standup_id": standup.id, "week": f"{year}-W{week}"})
    return True
