"""Participation figures over a period, and the weekly roll-up post that shows them."""

from __future__ import annotations

import datetime as dt
import logging

from zulip_standup.domain.reports import history_texts as texts
from zulip_standup.domain.reports.stats import ParticipationRow, compute_stats, render_stats
from zulip_standup.domain.scheduling.schedule import next_run_date
from zulip_standup.domain.standup import Standup
from zulip_standup.domain.values import DateRange
from zulip_standup.services.attendance import day_of_run
from zulip_standup.services.reporting import open_blockers
from zulip_standup.services.runtime import Runtime

log = logging.getLogger(__name__)


async def participation(
    rt: Runtime, standup: Standup, start: dt.date, end: dt.date
) -> list[ParticipationRow]:
    """One row per person expected per run in the period: asked that day, by the same rule
    as the digest (skipped, absent and not-asked people are not expected)."""
    rows: list[ParticipationRow] = []
    for run in await rt.db(rt.runs.runs_between, standup.id, start, end):
        for day in await day_of_run(rt, standup, run):
            if not day.on_run or not day.standing.expected:
                continue
            conversation = day.conversation
            rows.append(
                ParticipationRow(
                    run_date=run.run_date,
                    user_id=day.user_id,
                    name=day.name,
                    answered=day.standing.answered,
                    prompted_at=None if conversation is None else conversation.prompted_at,
                    answered_at=None if conversation is None else conversation.completed_at,
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
    blockers = await open_blockers(rt, standup, run_date)
    figures = compute_stats(rows, period.start, period.end, len(blockers))
    png = rt.charts.participation(figures.days, texts.chart_title(standup.name, period))
    url = await rt.chat.upload_file(f"{standup.name}-week-{year}-{week:02d}.png", png, "image/png")
    content = texts.rollup_text(standup.name, period, render_stats(figures), url)
    await rt.chat.send_stream(standup.stream_id, topic, content)
    log.info("weekly_rollup_posted", extra={"standup_id": standup.id, "week": f"{year}-W{week}"})
    return True
