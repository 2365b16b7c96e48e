"""Reading the past: blockers, history, search, stats, charts and exports, permission-checked.

Each use case takes who asked (an ``Asker``) and the parsed command and returns the reply.
"""

from __future__ import annotations

import datetime as dt

from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.limits import (
    DEFAULT_HISTORY_DAYS,
    DEFAULT_STATS_DAYS,
    MAX_HISTORY_ANSWERS,
    MAX_SEARCH_RESULTS,
    SEARCH_DAYS,
)
from zulip_standup.domain.records import AnswerRecord
from zulip_standup.domain.reports import history_texts as texts
from zulip_standup.domain.reports.blockers import Blocker
from zulip_standup.domain.reports.export import AnswerRow, to_csv, to_json
from zulip_standup.domain.reports.stats import compute_stats, render_stats
from zulip_standup.domain.standup import Standup
from zulip_standup.domain.values import DateRange
from zulip_standup.services.access import Asker, can_read, require_reader, standup_meant
from zulip_standup.services.people import people_named, team_today
from zulip_standup.services.reporting import open_blockers
from zulip_standup.services.rollup import participation
from zulip_standup.services.runtime import Runtime


def _range(asker: Asker, dates: DateRange | None, days: int) -> DateRange:
    """The range asked for, else the last ``days`` days up to the asker's today."""
    if dates is not None:
        return dates
    return DateRange(asker.today - dt.timedelta(days=days - 1), asker.today)


async def _readable_standups(
    rt: Runtime, asker: Asker, name: str | None, command: str
) -> list[Standup]:
    """The named/addressed standup, or in a plain DM all standups the asker takes part in."""
    if asker.channel_ref is None and asker.stream_id is None and name is None:
        mine = await rt.db(rt.standups.of_participant, rt.realm_id, asker.person.user_id)
        # Taking part is not enough: someone who left a private channel no longer reads it.
        visible = [s for s in mine if await can_read(rt, s, asker.person)]
        if not visible:
            raise UserFacingError(texts.no_standups(command))
        return visible
    return [await standup_meant(rt, asker, name, command, manage=False)]


async def blockers(rt: Runtime, asker: Asker, cmd: ct.Blockers) -> str:
    """The open blockers of the standups the asker reads."""
    found: list[tuple[Standup, Blocker]] = []
    for standup in await _readable_standups(rt, asker, cmd.standup, "blockers"):
        today = team_today(standup, rt.now())
        found.extend((standup, b) for b in await open_blockers(rt, standup, today))
    return texts.blockers_list(found)


async def history(rt: Runtime, asker: Asker, cmd: ct.History) -> str:
    """One person's answers (the asker's unless named) in the standups the asker reads."""
    period = _range(asker, cmd.dates, DEFAULT_HISTORY_DAYS)
    user_id = asker.person.user_id
    if cmd.user is not None:
        (person,) = people_named(rt, (cmd.user,))
        user_id = person.user_id
    standups = await _readable_standups(rt, asker, cmd.standup, "history")
    lines = [
        (standup, day, a.question_index, a.question_text, a.text)
        for standup, day, a in await answers_of_person(rt, standups, period, user_id)
    ]
    name = rt.directory.name_of(user_id)
    return texts.history_text(name, period, lines[:MAX_HISTORY_ANSWERS], len(lines))


async def answers_of_person(
    rt: Runtime, standups: list[Standup], period: DateRange, user_id: int
) -> list[tuple[Standup, dt.date, AnswerRecord]]:
    """A person's answers in readable standups over a period, oldest first per standup.

    Whoever reads a standup's channel reads everyone's answers there (they are posted
    there): ``history @user`` in chat and a person's page on the dashboard."""
    found: list[tuple[Standup, dt.date, AnswerRecord]] = []
    for standup in standups:
        rows = await rt.db(rt.runs.answers_in_range, standup.id, period.start, period.end, user_id)
        found.extend((standup, day, answer) for day, answer in rows)
    return found


async def search(rt: Runtime, asker: Asker, cmd: ct.Search) -> str:
    """Answers of the last year holding every word, newest first."""
    words = search_words(cmd.words)
    standups = await _readable_standups(rt, asker, None, "search")
    hits = [
        (standup, day, rt.directory.name_of(answer.user_id), answer.text)
        for standup, day, answer in await search_answers(rt, standups, words)
    ]
    return texts.search_results(cmd.words, hits[:MAX_SEARCH_RESULTS], len(hits))


def search_words(text: str) -> list[str]:
    """The words a search looks for (case-folded); a clear refusal when there are none."""
    words = [w.casefold() for w in text.split() if w.strip()]
    if not words:
        raise UserFacingError(texts.search_needs_words())
    return words


async def search_answers(
    rt: Runtime, standups: list[Standup], words: list[str]
) -> list[tuple[Standup, dt.date, AnswerRecord]]:
    """Answers of the last year in these standups holding every word, newest first.

    The filtering is done here, not in SQL: answer text may be encrypted at rest.
    """
    hits: list[tuple[Standup, dt.date, AnswerRecord]] = []
    for standup in standups:
        today = team_today(standup, rt.now())
        rows = await rt.db(
            rt.runs.answers_in_range, standup.id, today - dt.timedelta(days=SEARCH_DAYS), today
        )
        for day, answer in reversed(rows):
            folded = answer.text.casefold()
            if all(word in folded for word in words):
                hits.append((standup, day, answer))
    return hits


async def stats(rt: Runtime, asker: Asker, cmd: ct.Stats) -> str:
    """Participation figures of one standup over the last days, with its open blockers."""
    standup = await standup_meant(rt, asker, cmd.standup, "stats", manage=False)
    period = _range(asker, None, cmd.days or DEFAULT_STATS_DAYS)
    rows = await participation(rt, standup, period.start, period.end)
    today = team_today(standup, rt.now())
    still_open = len(await open_blockers(rt, standup, today))
    return render_stats(compute_stats(rows, period.start, period.end, still_open))


async def chart(rt: Runtime, asker: Asker, cmd: ct.Chart) -> str:
    """A participation chart of one standup, uploaded; the reply links it."""
    standup = await standup_meant(rt, asker, cmd.standup, "chart", manage=False)
    period = _range(asker, None, cmd.days or DEFAULT_STATS_DAYS)
    rows = await participation(rt, standup, period.start, period.end)
    figures = compute_stats(rows, period.start, period.end)
    png = rt.charts.participation(figures.days, texts.chart_title(standup.name, period))
    url = await rt.chat.upload_file(f"{standup.name}-participation.png", png, "image/png")
    return texts.chart_posted(standup.name, period, url)


async def export(rt: Runtime, asker: Asker, cmd: ct.Export) -> str:
    """Export answers as a file in the asker's DM; others' answers only for managers."""
    sender = asker.person
    period = _range(asker, cmd.dates, DEFAULT_STATS_DAYS)
    standups = await _readable_standups(rt, asker, cmd.standup, "export")
    rows, everyone = await export_rows(rt, asker, standups, period)
    data = to_csv(rows) if cmd.format == "csv" else to_json(rows)
    filename = f"standup-{period.start}-{period.end}.{cmd.format}"
    content_type = "text/csv" if cmd.format == "csv" else "application/json"
    url = await rt.chat.upload_file(filename, data.encode("utf-8"), content_type)
    reply = texts.export_ready(len(rows), period, url, everyone)
    if not asker.in_dm:
        await rt.chat.send_dm([sender.user_id], reply)
        return texts.export_sent_privately()
    return reply


async def export_rows(
    rt: Runtime,
    asker: Asker,
    standups: list[Standup],
    period: DateRange,
    person: int | None = None,
) -> tuple[list[AnswerRow], bool]:
    """The rows an export holds (of ``person`` only, when given), and whether they may be
    everyone's: others' answers only for the standup's managers and organisation admins
    (SECURITY.md 4)."""
    sender = asker.person
    rows: list[AnswerRow] = []
    everyone = False
    for standup in standups:
        await require_reader(rt, standup, sender)
        everyone = standup.can_manage(sender.user_id, sender.is_admin)
        only = person if everyone else sender.user_id
        if person is not None and only != person:
            continue
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
    return rows, everyone
