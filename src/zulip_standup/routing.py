"""The bot's front door: every chat event and due job comes in here; messages are routed.

A received message goes through the inbox (``services.intake``) to ``_message``,
which decides, by the one rule in ``domain.commands.message_routing``, whether it answers
an open question or is a command, and dispatches commands to ``commands``. The
same route serves messages live and those caught up after a restart. Other
events and the due jobs are the services' (``services.bot``).

One central error path: a handler that fails is logged with an incident id and
the person gets a short apology naming it; the loop carries on.

The walk of one DM answer, from the Zulip event to the stored answer and the channel
post (from ``received`` on, ``tests/service/test_answer_walk.py`` traces it)::

    zulip.events.EventStream._poll_once        the poll's messages first, then each event
      app on_received -> services.intake.MessageIntake.received   the batch into the inbox
      zulip.dispatch.Dispatcher._run -> app on_event
    routing.StandupBot.handle_event
      services.intake.MessageIntake.handle     a new message's receipt began its delivery
                                               (a redelivery: inbox.begin); retries, failures
        routing.StandupBot._message
          services.bot.BotServices.scene       sender, their today (people.own_today), from
                                               what the serving process keeps (standup_cache)
          routing.StandupBot._route            domain: parse_command, answers_open_question,
                                               is_truncated
            services.answer_step.take_answer   one transaction (runs.answer_step): the open
                                               questions read, the rule picks one, the machine
                                               steps it (turns.stepped), answer, state and
                                               "message handled" stored
              services.conversations.Conversations.carry_out   chat.send_dm: the next
                                               question or the recap
                services.reporting.Reporter.person_finished -> chat.send_stream
              _ask_next -> answer_queue.next_after   a prompt held for another standup
        (the handler says the step marked the message handled: no inbox.done)

Each module is entered once but two: the intake records the poll's whole batch before any
of it is handled (so a crash leaves it unfinished) and then takes each message, and it
calls routing back with the message (its retry loop may call again). Leaf helpers
(``services.people``, ``turns``, ``directory``, ``answer_queue``) serve several steps.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from zulip_standup.commands.context import CommandContext
from zulip_standup.commands.router import command_name, dispatch
from zulip_standup.domain.chat import ChatEvent, IncomingMessage, Person
from zulip_standup.domain.commands import reply_texts
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.grammar import parse_command, strip_address
from zulip_standup.domain.commands.message_routing import answers_open_question, is_truncated
from zulip_standup.domain.conversation import texts as conversation_texts
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.scheduling.jobs import DueJob
from zulip_standup.services.answer_step import OpenQuestion, take_answer
from zulip_standup.services.bot import BotServices, MessageScene
from zulip_standup.services.conversations import Conversations
from zulip_standup.services.intake import MessageIntake
from zulip_standup.services.rate_limit import CommandLimiter
from zulip_standup.services.reporting import Reporter
from zulip_standup.services.runtime import Runtime

log = logging.getLogger(__name__)


class StandupBot:
    """Routes events and jobs for one bot account."""

    def __init__(self, services: BotServices, *, limiter: CommandLimiter | None = None) -> None:
        self.services = services
        self.limiter = limiter or CommandLimiter(services.runtime.clock)
        self.intake = MessageIntake(services.runtime, self._message, services.safe_reply)

    @property
    def runtime(self) -> Runtime:
        return self.services.runtime

    @property
    def conversations(self) -> Conversations:
        return self.services.conversations

    @property
    def reports(self) -> Reporter:
        return self.services.reports

    async def resume(self) -> int:
        """After a start: send what a crash before the last stop may have swallowed."""
        return await self.services.resume()

    async def handle_event(self, event: ChatEvent) -> None:
        if isinstance(event, IncomingMessage):
            await self.intake.handle(event)
        else:
            await self.services.handle_event(event)

    async def handle_job(self, job: DueJob) -> None:
        await self.services.handle_job(job)

    async def prepare_jobs(self, jobs: Sequence[DueJob]) -> None:
        await self.services.prepare_jobs(jobs)

    # -- messages -------------------------------------------------------------
    async def _message(self, message: IncomingMessage) -> bool:
        """Route one message; True when an answer step marked it handled with its effects
        (otherwise the intake does, once the reply is out)."""
        scene = await self.services.scene(message)
        if scene is None:
            return False
        try:
            reply, settled = await self._route(message, scene)
        except UserFacingError as refusal:
            reply, settled = refusal.text, False
        if reply:
            await self.services.reply(message, reply)
        return settled

    def _slowed(self, sender: Person) -> str | None:
        """The command limit: None to go ahead, else the notice to send ("" for none).
        Only commands are limited; answers to an open question always go through."""
        verdict = self.limiter.check(sender.user_id)
        if verdict.allowed:
            return None
        self.runtime.metrics.slowed_down.inc()
        return reply_texts.slow_down(verdict.retry_after_s) if verdict.notify else ""

    async def _route(self, message: IncomingMessage, scene: MessageScene) -> tuple[str, bool]:
        """The reply, and whether the message was taken as an answer (stored with its step)."""
        rt = self.runtime
        text, sender, today = message.content, scene.sender, scene.today
        server = rt.server
        addressed, body = strip_address(text, server.bot_full_name, server.bot_user_id)
        parsed = parse_command(
            text,
            today=today,
            in_dm=message.is_dm,
            bot_name=server.bot_full_name,
            bot_id=server.bot_user_id,
        )
        questions: list[OpenQuestion] = []
        if message.is_dm:
            # Zulip cut the answer off: storing the stump would lose the rest.
            truncated = is_truncated(text, server.max_message_length)

            def answered(open_ones: list[OpenQuestion]) -> OpenQuestion | None:
                return _answered(open_ones, body, parsed, addressed=addressed, today=today)

            questions, taken = await take_answer(
                rt,
                self.conversations,
                message,
                today,
                lambda open_ones: None if truncated else answered(open_ones),
            )
            if taken:
                return "", True
            if truncated and answered(questions) is not None:
                return reply_texts.answer_truncated(server.max_message_length), False
        newest = questions[0] if questions else None
        waiting = newest if newest is not None and newest.turn.run.run_date >= today else None
        slowed = self._slowed(sender)
        if slowed is not None:
            return slowed, False
        if isinstance(parsed, ct.CommandError):
            rt.metrics.commands.labels(command=parsed.command or "unknown", outcome="invalid").inc()
            if parsed.command is not None:
                return parsed.text, False
            words = body.split()
            reply = reply_texts.unknown_command(words[0] if words else "", parsed.suggestion)
            if message.is_dm and not questions and parsed.suggestion is None:
                # Not a typo of a command: perhaps meant as an answer when none is asked.
                reply += "\n" + conversation_texts.no_open_standup_text()
        else:
            try:
                reply = await self._command(parsed, message, sender, today)
            except UserFacingError as refusal:
                reply = refusal.text
        if waiting is not None:
            reply = await self._still_waiting(reply, sender, today)
        return reply, False

    async def _command(
        self, parsed: ct.ParsedCommand, message: IncomingMessage, sender: Person, today: dt.date
    ) -> str:
        rt = self.runtime
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

    async def _still_waiting(self, reply: str, sender: Person, today: dt.date) -> str:
        """A command sent while a question is open leaves it open: say so under the reply,
        when it still is (the command may have closed it, e.g. ``forget me confirm``)."""
        still = await self.services.open_questions(sender.user_id, today)
        current = next((q for q in still if q.turn.run.run_date >= today), None)
        if current is None:
            return reply
        note = conversation_texts.still_waiting_text(
            current.turn.standup.name, current.number, current.total
        )
        return f"{reply}\n\n{note}" if reply else note


def _answered(
    questions: list[OpenQuestion],
    body: str,
    parsed: ct.ParseResult,
    *,
    addressed: bool,
    today: dt.date,
) -> OpenQuestion | None:
    """The open question a DM answers: the newest, when the message reads as its answer
    (``answers_open_question``; a current one takes more than a late one)."""
    if not questions:
        return None
    newest = questions[0]
    current = newest.turn.run.run_date >= today
    if answers_open_question(body, parsed, addressed=addressed, current=current):
        return newest
    return None
