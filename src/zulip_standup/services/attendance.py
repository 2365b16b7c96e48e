"""Where everybody stands on one run day, read from storage and judged by the one rule in
``domain.reports.attendance``: the digest, ``status``, ``stats`` and the weekly roll-up ask here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from zulip_standup.domain.conversation.state import Absence, Phase
from zulip_standup.domain.reports.attendance import RunFacts, Standing, standing
from zulip_standup.domain.scheduling.jobs import JobStatus
from zulip_standup.domain.standup import Standup
from zulip_standup.services.people import (
    absence_on,
    participant_of,
    personal_deadline,
    prompt_instant,
)
from zulip_standup.services.runtime import Runtime


class Run(Protocol):
    """The run a day is read for (storage's run record has these)."""

    @property
    def id(self) -> int: ...
    @property
    def run_date(self) -> dt.date: ...


class Conversation(Protocol):
    """What the rule reads of a stored conversation (storage's record has these)."""

    @property
    def user_id(self) -> int: ...
    @property
    def state(self) -> Phase: ...
    @property
    def absence(self) -> Absence | None: ...
    @property
    def late(self) -> bool: ...
    @property
    def prompt_message_id(self) -> int | None: ...
    @property
    def prompted_at(self) -> dt.datetime | None: ...
    @property
    def completed_at(self) -> dt.datetime | None: ...


@dataclass(frozen=True)
class PersonDay:
    """One person's standing on one run day.

    ``member`` says they are a participant now (people who left keep their
    conversations); ``on_run`` says the day concerned them at all: they have a
    conversation or a prompt job for it (someone who joined later has neither).
    """

    user_id: int
    name: str
    standing: Standing
    conversation: Conversation | None
    member: bool
    on_run: bool


async def day_of_run(rt: Runtime, standup: Standup, run: Run) -> list[PersonDay]:
    """Participants first (in their order), then people who left but have a conversation."""
    members = await rt.db(rt.standups.participants, standup.id)
    conversations = {c.user_id: c for c in await rt.db(rt.runs.conversations_of_run, run.id)}
    answered = {a.user_id for a in await rt.db(rt.runs.answers_of, run.id)}
    prompt_jobs = await rt.db(rt.schedules.prompt_statuses, standup.id, run.run_date)
    people = [(m.user_id, m.display_name, True) for m in members]
    member_ids = {m.user_id for m in members}
    people += [
        (user_id, rt.directory.name_of(user_id), False)
        for user_id in conversations
        if user_id not in member_ids
    ]
    found = []
    for user_id, name, member in people:
        conversation = conversations.get(user_id)
        job = prompt_jobs.get(user_id)
        facts = await _facts(rt, standup, run, conversation, user_id, job, user_id in answered)
        found.append(
            PersonDay(
                user_id=user_id,
                name=name,
                standing=standing(facts),
                conversation=conversation,
                member=member,
                on_run=conversation is not None or job is not None,
            )
        )
    return found


async def _facts(
    rt: Runtime,
    standup: Standup,
    run: Run,
    conversation: Conversation | None,
    user_id: int,
    job: JobStatus | None,
    answered_any: bool,
) -> RunFacts:
    participant = await participant_of(rt, user_id)
    now = rt.now()
    deadline_passed = personal_deadline(standup, participant, run.run_date) <= now
    if conversation is not None and conversation.state is not Phase.PENDING:
        return RunFacts(
            phase=conversation.state,
            absence=conversation.absence,
            late=conversation.late,
            prompt_message_id=conversation.prompt_message_id,
            answered_any=answered_any,
            deadline_passed=deadline_passed,
            prompt_job=job,
        )
    return RunFacts(
        phase=None if conversation is None else conversation.state,
        prompt_message_id=None if conversation is None else conversation.prompt_message_id,
        answered_any=answered_any,
        absent_now=absence_on(standup, participant, run.run_date),
        prompt_due=prompt_instant(standup, participant, run.run_date) <= now,
        deadline_passed=deadline_passed,
        prompt_job=job,
    )
