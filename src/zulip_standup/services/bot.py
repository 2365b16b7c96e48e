"""The bot account's use cases behind the front door: answers, edits, people and jobs.

``zulip_standup.routing`` decides for each message whether it is a command or an
answer; everything else a chat event or a due job asks for is done here.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from zulip_standup.domain.chat import (
    ChatEvent,
    IncomingMessage,
    MessageEdited,
    Person,
    StatusChanged,
    SubscriptionChanged,
    UserChanged,
)
from zulip_standup.domain.conversation.answers import split_answers, unmarked
from zulip_standup.domain.records import AnswerRecord, RunRecord, StandupChange
from zulip_standup.domain.scheduling.jobs import DueJob, JobKind
from zulip_standup.domain.standup import Standup
from zulip_standup.ports import ChatError
from zulip_standup.services import personal
from zulip_standup.services.answer_step import OpenQuestion, open_questions_of
from zulip_standup.services.conversations import Conversations
from zulip_standup.services.people import own_today
from zulip_standup.services.reporting import Reporter
from zulip_standup.services.rollup import post_weekly_rollup
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.scheduler import TransientJobError
from zulip_standup.services.standup_admin import joining, store_change
from zulip_standup.services.webhook_delivery import deliver
from zulip_standup.services.webhook_events import digest_posted

log = logging.getLogger(__name__)

# The jobs of one person, which read that person (their zones and time off).
_PERSONAL_JOBS = frozenset({JobKind.PROMPT, JobKind.REMINDER})


@dataclass(frozen=True)
class MessageScene:
    """Who sent a message and their own date, read before routing it (from what the serving
    process keeps: no database read in the common case)."""

    sender: Person
    today: dt.date


class BotServices:
    """The use cases of one bot account that chat events and due jobs ask for."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.reports = Reporter(runtime)
        # A finished answer goes straight from the conversation to the channel report.
        self.conversations = Conversations(runtime, self.reports.person_finished)
        self.conversations.report_missing = self.reports.repost_missing

    async def resume(self) -> int:
        """After a start: send what a crash before the last stop may have swallowed."""
        return await self.conversations.resume(self.reports.repost_missing)

    async def _digest_counts(self, standup: Standup, run: RunRecord) -> tuple[int, int, int]:
        """What a posted digest shows: answered, expected, open blockers."""
        picture = await self.reports.picture(standup, run)
        blockers = await self.reports.open_blockers(standup, run.run_date)
        answered = len(picture.answered)
        return answered, answered + len(picture.missing), len(blockers)

    # -- events other than messages -------------------------------------------
    async def handle_event(self, event: ChatEvent) -> None:
        """An edit, a change of a person, a subscription or a status; failures are logged."""
        try:
            match event:
                case MessageEdited():
                    await self._edited(event)
                case UserChanged():
                    await self._user_changed(event)
                case SubscriptionChanged():
                    await self._subscriptions(event)
                case StatusChanged():
                    await self._status(event)
        except Exception:
            incident = uuid.uuid4().hex[:8]
            self.runtime.metrics.handler_errors.inc()
            log.exception(
                "event_failed", extra={"incident": incident, "event": type(event).__name__}
            )

    # -- what message routing asks for ----------------------------------------
    async def scene(self, message: IncomingMessage) -> MessageScene | None:
        """What routing the message needs (None when it is not a person's: Zulip cannot say
        who sent it, or a bot did). A DM then goes to ``answer_step.take_answer``."""
        sender = await self._sender(message.sender_id)
        if sender is None or sender.is_bot:
            return None
        return MessageScene(sender, await own_today(self.runtime, sender.user_id))

    async def _sender(self, user_id: int) -> Person | None:
        """The person who sent a message (None when Zulip cannot say)."""
        rt = self.runtime
        person = rt.directory.get(user_id)
        if person is None:
            try:
                person = await rt.chat.get_person(user_id)
            except ChatError:
                return None
            rt.directory.add(person)
        return person

    async def open_questions(self, user_id: int, today: dt.date) -> list[OpenQuestion]:
        """The person's conversations still waiting for an answer, newest run first."""
        rt = self.runtime
        return open_questions_of(await rt.db(rt.runs.open_turns, rt.realm_id, user_id), today)

    async def reply(self, message: IncomingMessage, text: str) -> None:
        """Answer where the message was sent: its DM, or its channel and topic."""
        chat = self.runtime.chat
        if message.is_dm:
            await chat.send_dm([message.sender_id], text)
        else:
            assert message.stream_id is not None
            await chat.send_stream(message.stream_id, message.topic, text)

    async def safe_reply(self, message: IncomingMessage, text: str) -> None:
        try:
            await self.reply(message, text)
        except Exception:
            log.exception("reply_failed")

    async def _edited(self, event: MessageEdited) -> None:
        rt = self.runtime
        answers = await rt.db(rt.runs.answers_from_message, rt.realm_id, event.message_id)
        if not answers:
            return
        owner = answers[0].user_id
        if event.editor_id is not None and event.editor_id != owner:
            return
        run = await rt.db(rt.runs.get_run, answers[0].run_id)
        if run is None:
            return
        standup = await rt.db(rt.standups.get, run.standup_id)
        if standup is None or _unchanged(answers, event.content, len(standup.settings.questions)):
            return  # e.g. an edit seen again by a catch-up after it was applied
        turn = await self.conversations.load(standup, run.run_date, owner)
        await self.conversations.edited(turn, event.message_id, event.content, owner)

    async def _user_changed(self, event: UserChanged) -> None:
        rt = self.runtime
        before = rt.directory.get(event.user_id)
        person = rt.directory.apply(event)
        if person is None:
            return
        mine = await rt.db(rt.standups.of_participant, rt.realm_id, person.user_id)
        if not mine and before is not None:
            return
        await personal.profile_changed(
            rt,
            person,
            mine,
            renamed=event.full_name is not None,
            zone_moved=event.timezone is not None,
            deactivated=event.is_active is False,
        )

    async def _subscriptions(self, event: SubscriptionChanged) -> None:
        rt = self.runtime
        for stream_id in event.stream_ids:
            for standup in await rt.db(rt.standups.in_channel, rt.realm_id, stream_id):
                if not standup.settings.auto_sync:
                    continue
                # The people and who takes part change in one transaction.
                change = StandupChange(rt.realm_id, rt.now(), standup_id=standup.id)
                if event.added:
                    change = joining(change, rt.directory.humans(event.user_ids), exact=False)
                else:
                    change = replace(change, leaving=tuple(event.user_ids))
                await store_change(rt, change)

    async def _status(self, event: StatusChanged) -> None:
        rt = self.runtime
        if event.away is None:
            return
        if await rt.db(rt.standups.person, rt.realm_id, event.user_id) is None:
            return
        await rt.db(
            rt.standups.upsert_person, rt.realm_id, event.user_id, rt.now(), zulip_away=event.away
        )

    # -- jobs ---------------------------------------------------------------
    async def prepare_jobs(self, jobs: Sequence[DueJob]) -> None:
        """Read the people of a claimed batch's prompts and reminders at once, so each job
        finds them kept (``CachedStandups``) instead of reading its own."""
        rt = self.runtime
        people = {j.user_id for j in jobs if j.user_id is not None and j.kind in _PERSONAL_JOBS}
        if people:
            await rt.db(rt.standups.people_with_time_off, rt.realm_id, people)

    async def handle_job(self, job: DueJob) -> None:
        """Perform one due job; Zulip hiccups are transient (retried), the rest fail the job."""
        rt = self.runtime
        if job.standup_id is None or job.run_date is None:
            return
        standup = await rt.db(rt.standups.get, job.standup_id)
        if standup is None:
            return
        try:
            if job.kind is JobKind.PROMPT and job.user_id is not None:
                outcome = await self.conversations.prompt(
                    standup,
                    job.run_date,
                    job.user_id,
                    late=job.late,
                    handoff=job.scheduled_message_id is not None,
                )
            elif job.kind is JobKind.REMINDER and job.user_id is not None:
                outcome = await self.conversations.remind(standup, job.run_date, job.user_id)
            elif job.kind is JobKind.DIGEST:
                await self.reports.digest(standup, job.run_date, attempt=job.attempt)
                await digest_posted(rt, standup, job.run_date, self._digest_counts)
                rolled = await post_weekly_rollup(rt, standup, job.run_date)
                outcome = "digest and weekly roll-up" if rolled else "digest"
            elif job.kind is JobKind.WEBHOOK:
                outcome = await deliver(rt, job)
            else:
                outcome = "ignored"
        except ChatError as exc:
            if self.runtime.is_transient(exc):
                raise TransientJobError(str(exc)) from None
            raise
        rt.metrics.jobs.labels(kind=str(job.kind)).inc()
        log.info("job_done", extra={"job_key": job.key, "outcome": outcome})


def _unchanged(answers: Sequence[AnswerRecord], content: str, question_count: int) -> bool:
    """Whether a message's content still gives exactly the answers stored from it."""
    content = unmarked(content)
    if len(answers) == 1:
        return answers[0].text == content.strip()
    parts = split_answers(content, question_count)
    if parts is None:
        return False
    return all(a.question_index < len(parts) and parts[a.question_index] == a.text for a in answers)
