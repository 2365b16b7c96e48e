"""The bot's front door: every chat event and every due job comes in here and is routed.

One central error path: a handler that fails is logged with an incident id
and the person gets a short apology naming it; the loop carries on.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence

from zulip_standup.commands.context import CommandContext
from zulip_standup.commands.router import command_name, dispatch
from zulip_standup.domain import command_types as ct
from zulip_standup.domain import conversation_texts, reply_texts
from zulip_standup.domain.answer_parsing import split_answers
from zulip_standup.domain.chat import (
    ChatEvent,
    IncomingMessage,
    MessageEdited,
    Person,
    ServerInfo,
    StatusChanged,
    SubscriptionChanged,
    UserChanged,
)
from zulip_standup.domain.commands import parse_command, strip_address
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.jobs import DueJob, JobKind
from zulip_standup.domain.records import AnswerRecord, RunRecord
from zulip_standup.domain.standup import Standup
from zulip_standup.ports import ChatError
from zulip_standup.services.answer_queue import takes_answers
from zulip_standup.services.conversations import Conversations
from zulip_standup.services.intake import MessageIntake
from zulip_standup.services.people import own_today, remember
from zulip_standup.services.rate_limit import CommandLimiter
from zulip_standup.services.reporting import Reporter
from zulip_standup.services.rollup import post_weekly_rollup
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.scheduler import TransientJobError

log = logging.getLogger(__name__)


class StandupBot:
    """Routes events and jobs for one bot account."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        limiter: CommandLimiter | None = None,
    ) -> None:
        self.runtime = runtime
        self.reports = Reporter(runtime)
        self.conversations = Conversations(runtime, self._on_report)
        self.conversations.report_missing = self.reports.repost_missing
        self.limiter = limiter or CommandLimiter(runtime.clock)
        self.intake = MessageIntake(runtime, self._message, self._safe_reply)

    async def resume(self) -> int:
        """After a start: send what a crash before the last stop may have swallowed."""
        return await self.conversations.resume(self.reports.repost_missing)

    async def _on_report(
        self, standup: Standup, run: RunRecord, user_id: int, update: bool, changed: Sequence[int]
    ) -> None:
        await self.reports.person_finished(standup, run, user_id, update, changed)

    # -- events -------------------------------------------------------------
    async def handle_event(self, event: ChatEvent) -> None:
        if isinstance(event, IncomingMessage):
            await self.intake.handle(event)
            return
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

    async def _sender(self, user_id: int) -> Person | None:
        rt = self.runtime
        person = rt.directory.get(user_id)
        if person is None:
            try:
                person = await rt.chat.get_person(user_id)
            except ChatError:
                return None
            rt.directory.add(person)
        return person

    async def _message(self, message: IncomingMessage) -> None:
        rt = self.runtime
        sender = await self._sender(message.sender_id)
        if sender is None or sender.is_bot:
            await rt.db(rt.inbox.done, rt.realm_id, message.message_id, rt.wire_now())
            return
        try:
            reply = await self._route(message, sender)
        except UserFacingError as refusal:
            reply = refusal.text
        if reply:
            await self._reply(message, reply)
        # An answer step marked the message done with its effects; this covers the rest.
        await rt.db(rt.inbox.done, rt.realm_id, message.message_id, rt.wire_now())

    def _slowed(self, sender: Person) -> str | None:
        """The command limit: None to go ahead, else the notice to send ("" for none).
        Only commands are limited; answers to an open question always go through."""
        verdict = self.limiter.check(sender.user_id)
        if verdict.allowed:
            return None
        self.runtime.metrics.slowed_down.inc()
        return reply_texts.slow_down(verdict.retry_after_s) if verdict.notify else ""

    async def _route(self, message: IncomingMessage, sender: Person) -> str:
        rt = self.runtime
        text = message.content
        today = await own_today(rt, sender.user_id)
        if message.is_dm:
            # `/standup status`, `/status` or `@**Standup** status` are commands even while
            # answering; anything else is an answer to the open question.
            addressed, body = strip_address(text, rt.server.bot_full_name, rt.server.bot_user_id)
            if not addressed and not body.lstrip().startswith("/"):
                open_ones = await rt.db(rt.runs.open_conversations, rt.realm_id, sender.user_id)
                for _record, standup_id, run_date in open_ones:
                    standup = await rt.db(rt.standups.get, standup_id)
                    if standup is None or not takes_answers(run_date, today):
                        continue
                    if run_date < today and is_command(text, today, rt.server):
                        break  # yesterday's unfinished standup does not swallow commands
                    if is_truncated(text, rt.server.max_message_length):
                        # Zulip cut the answer off: storing the stump would lose the rest.
                        return reply_texts.answer_truncated(rt.server.max_message_length)
                    turn = await self.conversations.load(standup, run_date, sender.user_id)
                    await self.conversations.receive(turn, text, message.message_id, sender.user_id)
                    return ""
        slowed = self._slowed(sender)
        if slowed is not None:
            return slowed
        parsed = parse_command(
            text,
            today=today,
            in_dm=message.is_dm,
            bot_name=rt.server.bot_full_name,
            bot_id=rt.server.bot_user_id,
        )
        if isinstance(parsed, ct.CommandError):
            rt.metrics.commands.labels(command=parsed.command or "unknown", outcome="invalid").inc()
            if parsed.command is None:
                word = body_first_word(text, rt.server.bot_full_name, rt.server.bot_user_id)
                if message.is_dm and parsed.suggestion is None:
                    return conversation_texts.no_open_standup_text()
                return reply_texts.unknown_command(word, parsed.suggestion)
            return parsed.text
        context = CommandContext(
            rt=rt,
            conversations=self.conversations,
            reports=self.reports,
            sender=sender,
            message=message,
            channel_ref=parsed.channel,
            today=today,
        )
        name = command_name(parsed.command)
        try:
            reply = await dispatch(context, parsed.command)
        except UserFacingError:
            rt.metrics.commands.labels(command=name, outcome="refused").inc()
            raise
        rt.metrics.commands.labels(command=name, outcome="ok").inc()
        log.info("command_handled", extra={"command": name, "user_id": sender.user_id})
        return reply

    async def _reply(self, message: IncomingMessage, text: str) -> None:
        chat = self.runtime.chat
        if message.is_dm:
            await chat.send_dm([message.sender_id], text)
        else:
            assert message.stream_id is not None
            await chat.send_stream(message.stream_id, message.topic, text)

    async def _safe_reply(self, message: IncomingMessage, text: str) -> None:
        try:
            await self._reply(message, text)
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
        if event.full_name is not None or event.timezone is not None:
            await remember(rt, [person])
        if event.is_active is False:
            for standup in mine:
                await rt.db(rt.standups.remove_participants, standup.id, [person.user_id])
        if event.timezone is not None or event.is_active is False:
            for standup in mine:
                await rt.planner.replan(standup.id)

    async def _subscriptions(self, event: SubscriptionChanged) -> None:
        rt = self.runtime
        for stream_id in event.stream_ids:
            for standup in await rt.db(rt.standups.in_channel, rt.realm_id, stream_id):
                if not standup.settings.auto_sync:
                    continue
                if event.added:
                    people = rt.directory.humans(event.user_ids)
                    await remember(rt, people)
                    await rt.db(
                        rt.standups.add_participants,
                        standup.id,
                        [(p.user_id, p.full_name) for p in people],
                        rt.now(),
                    )
                else:
                    await rt.db(rt.standups.remove_participants, standup.id, list(event.user_ids))
                await rt.planner.replan(standup.id)

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
                    standup, job.run_date, job.user_id, late=job.late
                )
            elif job.kind is JobKind.REMINDER and job.user_id is not None:
                outcome = await self.conversations.remind(standup, job.run_date, job.user_id)
            elif job.kind is JobKind.DIGEST:
                await self.reports.digest(standup, job.run_date, attempt=job.attempt)
                rolled = await post_weekly_rollup(rt, standup, job.run_date)
                outcome = "digest and weekly roll-up" if rolled else "digest"
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
    if len(answers) == 1:
        return answers[0].text == content.strip()
    parts = split_answers(content, question_count)
    if parts is None:
        return False
    return all(a.question_index < len(parts) and parts[a.question_index] == a.text for a in answers)


TRUNCATION_NOTE = "\n[message truncated]"


def is_truncated(text: str, limit: int) -> bool:
    """True for content Zulip shortened to its message limit (it appends a note)."""
    return len(text) >= limit - 1 and text.endswith(TRUNCATION_NOTE)


def is_command(text: str, today: dt.date, server: ServerInfo) -> bool:
    """Whether a DM reads as a valid command (used for conversations left open from before)."""
    parsed = parse_command(
        text, today=today, in_dm=True, bot_name=server.bot_full_name, bot_id=server.bot_user_id
    )
    return isinstance(parsed, ct.ParsedCommand)


def body_first_word(text: str, bot_name: str, bot_id: int) -> str:
    _, body = strip_address(text, bot_name, bot_id)
    words = body.split()
    return words[0] if words else ""
