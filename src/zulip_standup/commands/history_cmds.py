"""Reading the past: blockers, history, search, stats, charts and exports, permission-checked."""

from __future__ import annotations

import datetime as dt

from zulip_standup.commands.context import CommandContext
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.reports import history_texts as texts
from zulip_standup.domain.reports.blockers import Blocker
from zulip_standup.domain.reports.export import AnswerRow, to_csv, to_json
from zulip_standup.domain.reports.stats import compute_stats, render_stats
from zulip_standup.domain.standup import Standup
from zulip_standup.domain.values import DateRange
from zulip_standup.services.access import can_read, require_reader
from zulip_standup.services.people import people_named, team_today
from zulip_standup.services.rollup import participation

DEFAULT_HISTORY_DAYS = 7
DEFAULT_STATS_DAYS = 30
SEARCH_DAYS = 365
MAX_SEARCH_RESULTS = 20
MAX_HISTORY_ANSWERS = 200


def _range(ctx: CommandContext, dates: DateRange | None, days: int) -> DateRange:
    if dates is not None:
        return dates
    return DateRange(ctx.today - dt.timedelta(days=days - 1), ctx.today)


async def _readable_standups(ctx: CommandContext, name: str | None, command: str) -> list[Standup]:
    """The named/addressed standup, or in a plain DM all standups the asker takes part in."""
    rt = ctx.rt
    if ctx.channel_ref is None and ctx.message.stream_id is None and name is None:
        mine = await rt.db(rt.standups.of_participant, rt.realm_id, ctx.sender.user_id)
        # Taking part is not enough: someone who left a private channel no longer reads it.
        visible = [s for s in mine if await can_read(rt, s, ctx.sender)]
        if not visible:
            raise UserFacingError(texts.no_standups(command))
        return visible
    return [await ctx.standup(name, command, manage=False)]


async def blockers(ctx: CommandContext, cmd: ct.Blockers) -> str:
    found: list[tuple[Standup, Blocker]] = []
    for standup in await _readable_standups(ctx, cmd.standup, "blockers"):
        today = team_today(standup, ctx.rt.now())
        found.extend((standup, b) for b in await ctx.reports.open_blockers(standup, today))
    return texts.blockers_list(found)


async def history(ctx: CommandContext, cmd: ct.History) -> str:
    rt = ctx.rt
    period = _range(ctx, cmd.dates, DEFAULT_HISTORY_DAYS)
    user_id = ctx.sender.user_id
    if cmd.user is not None:
        (person,) = people_named(ctx.rt, (cmd.user,))
        user_id = person.user_id
    lines: list[tuple[Standup, dt.date, int, str, str]] = []
    for standup in await _readable_standups(ctx, cmd.standup, "history"):
        rows = await rt.db(rt.runs.answers_in_range, standup.id, period.start, period.end, user_id)
        lines.extend((standup, day, a.question_index, a.question_text, a.text) for day, a in rows)
    name = rt.directory.name_of(user_id)
    return texts.history_text(name, period, lines[:MAX_HISTORY_ANSWERS], len(lines))


async def search(ctx: CommandContext, cmd: ct.Search) -> str:
    rt = ctx.rt
    words = [w.casefold() for w in cmd.words.split() if w.strip()]
    if not words:
        raise UserFacingError(texts.search_needs_words())
    hits: list[tuple[Standup, dt.date, str, str]] = []
    for standup in await _readable_standups(ctx, None, "search"):
        today = team_today(standup, rt.now())
        rows = await rt.db(
            rt.runs.answers_in_range, standup.id, today - dt.timedelta(days=SEARCH_DAYS), today
        )
        for day, answer in reversed(rows):
            folded = answer.text.casefold()
            if all(word in folded for word in words):
                hits.append((standup, day, rt.directory.name_of(answer.user_id), answer.text))
    return texts.search_results(cmd.words, hits[:MAX_SEARCH_RESULTS], len(hits))


async def stats(ctx: CommandContext, cmd: ct.Stats) -> str:
    standup = await ctx.standup(cmd.standup, "stats", manage=False)
    period = _range(ctx, None, cmd.days or DEFAULT_STATS_DAYS)
    rows = await participation(ctx.rt, standup, period.start, period.end)
    today = team_today(standup, ctx.rt.now())
    open_blockers = len(await ctx.reports.open_blockers(standup, today))
    return render_stats(compute_stats(rows, period.start, period.end, open_blockers))


async def chart(ctx: CommandContext, cmd: ct.Chart) -> str:
    standup = await ctx.standup(cmd.standup, "chart", manage=False)
    period = _range(ctx, None, cmd.days or DEFAULT_STATS_DAYS)
    rows = await participation(ctx.rt, standup, period.start, period.end)
    figures = compute_stats(rows, period.start, period.end)
    png = ctx.rt.charts.participation(figures.days, texts.chart_title(standup.name, period))
    url = await ctx.rt.chat.upload_file(f"{standup.name}-participation.png", png, "image/png")
    return texts.chart_posted(standup.name, period, url)


async def export(ctx: CommandContext, cmd: ct.Export) -> str:
    """Export answers as a file in the asker's DM; others' answers only for managers."""
    rt = ctx.rt
    period = _range(ctx, cmd.dates, DEFAULT_STATS_DAYS)
    rows: list[AnswerRow] = []
    everyone = False
    for standup in await _readable_standups(ctx, cmd.standup, "export"):
        await require_reader(rt, standup, ctx.sender)
        everyone = standup.can_manage(ctx.sender.user_id, ctx.sender.is_admin)
        only = None if everyone else ctx.sender.user_id
        for day, answer in await rt.db(
            rt.runs.answers_in_range, standup.id, period.start, period.end, only
        ):
            rows.append(
                AnswerRow(
                    date=day,
                    standup=standup.name,
                    user_id=answer.user_id,
                    name=rt.directory.name_of(answer.user_id),
                    question_number=answer.question_index + 1,
                    question=answer.question_text,
                    answer=answer.text,
                    answered_at=answer.created_at,
                    edited=answer.edited,
                )
            )
    data = to_csv(rows) if cmd.format == "csv" else to_json(rows)
    filename = f"standup-{period.start}-{period.end}.{cmd.format}"
    content_type = "text/csv" if cmd.format == "csv" else "application/json"
    url = await rt.chat.upload_file(filename, data.encode("utf-8"), content_type)
    reply = texts.export_ready(len(rows), period, url, everyone)
    if not ctx.in_dm:
        await rt.chat.send_dm([ctx.sender.user_id], reply)
        return texts.export_sent_privately()
    return reply
