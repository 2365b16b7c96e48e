"""The dashboard's reads: the same use cases and permission rules as the chat commands.

Every function takes the viewer as an ``Asker`` (as a DM command would) and refuses
what chat refuses; a standup the viewer may not read is reported exactly like one
that does not exist, so the dashboard leaks no private channel's standups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zulip_standup.domain.chat import Person
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.limits import MAX_SEARCH_RESULTS
from zulip_standup.domain.records import AnswerRecord
from zulip_standup.domain.reports.attendance import Standing
from zulip_standup.domain.reports.blockers import Blocker
from zulip_standup.domain.reports.export import to_csv, to_json
from zulip_standup.domain.reports.stats import ParticipationRow, StandupStats, compute_stats
from zulip_standup.domain.standup import Standup
from zulip_standup.domain.values import DateRange
from zulip_standup.ports import ChatRefused
from zulip_standup.services import reading
from zulip_standup.services.access import Asker, can_read
from zulip_standup.services.attendance import day_of_run
from zulip_standup.services.people import own_today, team_today
from zulip_standup.services.reporting import open_blockers
from zulip_standup.services.rollup import participation
from zulip_standup.services.runtime import Runtime


class PageNotFound(UserFacingError):
    """A standup or person the viewer cannot see, or that does not exist: the same reply."""


NOT_FOUND = "There is no such standup, or you cannot see its channel."


@dataclass(frozen=True)
class StandupList:
    """The standups a viewer takes part in, and the others they may read."""

    mine: tuple[Standup, ...]
    others: tuple[Standup, ...]


@dataclass(frozen=True)
class PersonLine:
    """One person on a standup's day: where they stand and what they answered."""

    user_id: int
    name: str
    standing: Standing
    answers: tuple[AnswerRecord, ...]


@dataclass(frozen=True)
class DayPage:
    standup: Standup
    day: dt.date
    today: dt.date
    ran: bool
    people: tuple[PersonLine, ...]
    blockers: tuple[Blocker, ...]


@dataclass(frozen=True)
class PersonPage:
    standup: Standup
    user_id: int
    name: str
    period: DateRange
    answers: tuple[tuple[dt.date, AnswerRecord], ...]


@dataclass(frozen=True)
class ChartsPage:
    standup: Standup
    period: DateRange
    stats: StandupStats
    rows: tuple[ParticipationRow, ...]


async def viewer_of(rt: Runtime, user_id: int) -> Asker | None:
    """The viewer a session belongs to, as an asker; None once their account is deactivated."""
    person: Person | None = rt.directory.get(user_id)
    if person is None:
        try:
            person = await rt.chat.get_person(user_id)
        except ChatRefused:
            return None
        rt.directory.add(person)
    if not person.is_active or person.is_bot:
        return None
    return Asker(person=person, today=await own_today(rt, user_id), in_dm=True)


async def standups_of(rt: Runtime, viewer: Asker) -> StandupList:
    """Standups the viewer takes part in first, then the others of the realm they can read."""
    mine: list[Standup] = []
    others: list[Standup] = []
    for standup in await rt.db(rt.standups.in_realm, rt.realm_id):
        if not await can_read(rt, standup, viewer.person):
            continue
        (mine if await taking_part(rt, viewer, standup) else others).append(standup)
    return StandupList(tuple(mine), tuple(others))


async def readable_standup(rt: Runtime, viewer: Asker, standup_id: int) -> Standup:
    """The standup, when it is of the viewer's realm and they can read its channel."""
    standup = await rt.db(rt.standups.get, standup_id)
    if standup is None or standup.realm_id != rt.realm_id:
        raise PageNotFound(NOT_FOUND)
    if not await can_read(rt, standup, viewer.person):
        raise PageNotFound(NOT_FOUND)
    return standup


def standup_today(rt: Runtime, standup: Standup) -> dt.date:
    return team_today(standup, rt.now())


async def day_page(rt: Runtime, standup: Standup, day: dt.date) -> DayPage:
    """Everybody's standing and answers on one day, and the blockers open on it."""
    run = await rt.db(rt.runs.find_run, standup.id, day)
    people: list[PersonLine] = []
    if run is not None:
        answers = await rt.db(rt.runs.answers_of, run.id)
        by_person: dict[int, list[AnswerRecord]] = {}
        for answer in sorted(answers, key=lambda a: a.question_index):
            by_person.setdefault(answer.user_id, []).append(answer)
        for person_day in await day_of_run(rt, standup, run):
            if not person_day.on_run and person_day.user_id not in by_person:
                continue
            people.append(
                PersonLine(
                    person_day.user_id,
                    person_day.name,
                    person_day.standing,
                    tuple(by_person.get(person_day.user_id, ())),
                )
            )
    blockers = await open_blockers(rt, standup, day)
    return DayPage(
        standup, day, standup_today(rt, standup), run is not None, tuple(people), tuple(blockers)
    )


async def person_page(rt: Runtime, standup: Standup, user_id: int, period: DateRange) -> PersonPage:
    """A person's answers in one standup over a period (the chat ``history @user`` rule)."""
    rows = await reading.answers_of_person(rt, [standup], period, user_id)
    answers = tuple((day, answer) for _, day, answer in rows)
    return PersonPage(standup, user_id, rt.directory.name_of(user_id), period, answers)


async def answers_in(
    rt: Runtime, standup: Standup, period: DateRange, user_id: int | None
) -> list[tuple[dt.date, AnswerRecord]]:
    """Everyone's answers in a period (or one person's), as the standup's readers see them
    in its channel; oldest first."""
    return await rt.db(rt.runs.answers_in_range, standup.id, period.start, period.end, user_id)


async def taking_part(rt: Runtime, viewer: Asker, standup: Standup) -> bool:
    members = await rt.db(rt.standups.participants, standup.id)
    return viewer.person.user_id in {p.user_id for p in members}


async def charts_page(rt: Runtime, standup: Standup, days: int) -> ChartsPage:
    """Participation and answer times over the last ``days`` days of the standup."""
    today = standup_today(rt, standup)
    period = DateRange(today - dt.timedelta(days=days - 1), today)
    rows = await participation(rt, standup, period.start, period.end)
    still_open = len(await open_blockers(rt, standup, today))
    stats = compute_stats(rows, period.start, period.end, still_open)
    return ChartsPage(standup, period, stats, tuple(rows))


async def blockers_board(rt: Runtime, viewer: Asker) -> list[tuple[Standup, Blocker]]:
    """The open blockers of every standup the viewer reads, the oldest first."""
    found: list[tuple[Standup, Blocker]] = []
    listed = await standups_of(rt, viewer)
    for standup in (*listed.mine, *listed.others):
        blockers = await open_blockers(rt, standup, standup_today(rt, standup))
        found.extend((standup, b) for b in blockers)
    return sorted(found, key=lambda pair: (pair[1].since, pair[0].name, pair[1].owner_name))


async def search_page(
    rt: Runtime, viewer: Asker, text: str
) -> tuple[list[tuple[Standup, dt.date, str, AnswerRecord]], int]:
    """Answers holding every word in the standups the viewer reads, and how many in all."""
    words = reading.search_words(text)
    listed = await standups_of(rt, viewer)
    hits = await reading.search_answers(rt, [*listed.mine, *listed.others], words)
    shown = [(s, day, rt.directory.name_of(a.user_id), a) for s, day, a in hits]
    return shown[:MAX_SEARCH_RESULTS], len(hits)


async def export_file(
    rt: Runtime,
    viewer: Asker,
    standup: Standup,
    period: DateRange,
    fmt: str,
    person: int | None = None,
) -> tuple[str, str, bytes]:
    """The CSV or JSON file of a range (one person's, when given), as ``export`` makes it:
    filename, type, bytes."""
    rows, _everyone = await reading.export_rows(rt, viewer, [standup], period, person)
    data = to_csv(rows) if fmt == "csv" else to_json(rows)
    content_type = "text/csv" if fmt == "csv" else "application/json"
    filename = f"{standup.name}-{period.start}-{period.end}.{fmt}"
    return filename, content_type, data.encode("utf-8")
