"""What the REST API answers, as pydantic models: the JSON bodies and their OpenAPI schemas.

Built from the same reads as the dashboard's pages (``services.dashboard``), so the API
shows exactly what the pages show to the same person.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from zulip_standup.domain.reports.blockers import Blocker
from zulip_standup.domain.standup import Standup
from zulip_standup.services import dashboard as reads


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorBody(_Out):
    code: str = Field(description="A stable machine-readable reason, e.g. not_found")
    message: str = Field(description="What was wrong, and the correct form where there is one")


class Error(_Out):
    error: ErrorBody


class Me(_Out):
    user_id: int
    name: str
    is_admin: bool
    today: dt.date = Field(description="The person's own date now, in their time zone")


class StandupSummary(_Out):
    id: int
    name: str
    channel: str
    channel_id: int
    taking_part: bool = Field(description="Whether the token's person is a participant")


class Question(_Out):
    number: int
    text: str
    collects_blockers: bool


class StandupDetail(StandupSummary):
    timezone: str
    prompt_time: str
    reminder_times: list[str]
    cutoff_time: str
    weekdays: list[int] = Field(description="ISO weekdays the standup runs on, 1 is Monday")
    questions: list[Question]
    paused: bool
    managers: list[int]


class StandupList(_Out):
    standups: list[StandupSummary]


class Answer(_Out):
    date: dt.date
    user_id: int
    name: str
    question_number: int
    question: str
    text: str
    answered_at: dt.datetime
    edited: bool


class AnswerList(_Out):
    start: dt.date
    end: dt.date
    answers: list[Answer]


class PersonDay(_Out):
    user_id: int
    name: str
    standing: str = Field(description="answered, late, skipped, away, time_off, holiday, ...")
    answers: list[Answer]


class BlockerOut(_Out):
    standup_id: int
    standup: str
    user_id: int
    name: str
    text: str
    since: dt.date
    run_days_open: int


class Run(_Out):
    standup_id: int
    date: dt.date
    ran: bool = Field(description="Whether the standup ran that day")
    people: list[PersonDay]
    blockers: list[BlockerOut]


class DayFigures(_Out):
    date: dt.date
    expected: int
    answered: int


class PersonFigures(_Out):
    user_id: int
    name: str
    expected: int
    answered: int
    median_answer_seconds: float | None
    current_streak: int
    best_streak: int


class Stats(_Out):
    standup_id: int
    start: dt.date
    end: dt.date
    expected: int
    answered: int
    median_answer_seconds: float | None
    open_blockers: int
    days: list[DayFigures]
    people: list[PersonFigures]


class BlockerList(_Out):
    blockers: list[BlockerOut]


class SearchHits(_Out):
    query: str
    total: int = Field(description="Answers found; the newest are listed")
    answers: list[Answer]


def summary(standup: Standup, taking_part: bool) -> StandupSummary:
    return StandupSummary(
        id=standup.id,
        name=standup.name,
        channel=standup.stream_name,
        channel_id=standup.stream_id,
        taking_part=taking_part,
    )


def detail(standup: Standup, taking_part: bool) -> StandupDetail:
    s = standup.settings
    return StandupDetail(
        **summary(standup, taking_part).model_dump(),
        timezone=s.team_timezone,
        prompt_time=s.prompt_time,
        reminder_times=list(s.reminder_times),
        cutoff_time=s.cutoff_time,
        weekdays=sorted(day + 1 for day in s.weekdays),
        questions=[
            Question(number=n, text=q.text, collects_blockers=q.blocker)
            for n, q in enumerate(s.questions, start=1)
        ],
        paused=s.paused,
        managers=sorted(s.managers),
    )


def blocker(standup: Standup, found: Blocker) -> BlockerOut:
    return BlockerOut(
        standup_id=standup.id,
        standup=standup.name,
        user_id=found.owner_id,
        name=found.owner_name,
        text=found.text,
        since=found.since,
        run_days_open=found.run_days_open,
    )


def run(day: reads.DayPage) -> Run:
    return Run(
        standup_id=day.standup.id,
        date=day.day,
        ran=day.ran,
        people=[
            PersonDay(
                user_id=p.user_id,
                name=p.name,
                standing=p.standing.value,
                answers=[
                    Answer(
                        date=day.day,
                        user_id=a.user_id,
                        name=p.name,
                        question_number=a.question_index + 1,
                        question=a.question_text,
                        text=a.text,
                        answered_at=a.created_at,
                        edited=a.edited,
                    )
                    for a in p.answers
                ],
            )
            for p in day.people
        ],
        blockers=[blocker(day.standup, b) for b in day.blockers],
    )


def stats(page: reads.ChartsPage) -> Stats:
    figures = page.stats
    return Stats(
        standup_id=page.standup.id,
        start=figures.start,
        end=figures.end,
        expected=figures.expected,
        answered=figures.answered,
        median_answer_seconds=figures.median_answer_seconds,
        open_blockers=figures.open_blockers,
        days=[
            DayFigures(date=d.run_date, expected=d.expected, answered=d.answered)
            for d in figures.days
        ],
        people=[
            PersonFigures(
                user_id=p.user_id,
                name=p.name,
                expected=p.expected,
                answered=p.answered,
                median_answer_seconds=p.median_answer_seconds,
                current_streak=p.current_streak,
                best_streak=p.best_streak,
            )
            for p in figures.people
        ],
    )
