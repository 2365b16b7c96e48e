"""The answer conversation in motion: prompts, reminders, replies, edits; effects carried out.

The state machine in ``domain.conversation.machine`` decides; this module steps it,
performs the effects it returns (DMs, answers, reactions, reports) and runs the prompt
and reminder jobs. Reading a stored conversation is ``services.turns``; getting a prompt
through once is ``services.prompt_delivery``; re-sending after a restart is
``services.resumption``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from zulip_standup.domain.conversation import texts
from zulip_standup.domain.conversation.machine import (
    Absent,
    AnswerEdited,
    AskQuestion,
    ConversationContext,
    ConversationState,
    Effect,
    Event,
    MarkSkipped,
    Phase,
    PostReport,
    Prompted,
    React,
    ReminderDue,
    RunClosed,
    SendPrompt,
    SendRecap,
    SendReminder,
    SendText,
    StoreAnswer,
    UpdateReport,
    step,
)
from zulip_standup.domain.records import RunRecord
from zulip_standup.domain.scheduling.planning import Participant
from zulip_standup.domain.standup import Standup
from zulip_standup.ports import ChatRefused
from zulip_standup.services.answer_queue import held_notice, next_after
from zulip_standup.services.people import (
    absence_on,
    last_reminder_instant,
    participant_of,
)
from zulip_standup.services.prompt_delivery import prompt_lost, prompt_text, send_prompt
from zulip_standup.services.resumption import MissingReportHook, resume, resume_one
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.turns import (
    Stepped,
    Turn,
    load_turn,
    save_state,
    state_of,
    stepped,
)

log = logging.getLogger(__name__)

# (standup, run, user id, is an update, indexes of the answers changed in this step)
ReportHook = Callable[[Standup, RunRecord, int, bool, Sequence[int]], Awaitable[None]]


class Conversations:
    """Drives answer conversations for one bot account."""

    def __init__(self, runtime: Runtime, on_report: ReportHook) -> None:
        self.rt = runtime
        self._on_report = on_report
        # Set by the bot: posts a finished person's report that a failure swallowed.
        self.report_missing: MissingReportHook | None = None
        # One prompt or reminder job at a time per person: both can fall due at once (after an
        # outage, or a clock that jumps), and a reminder that finds the prompt claimed but not
        # yet sent must wait for it rather than send it a second time.
        self._job_locks: dict[int, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def _person_job(self, user_id: int) -> AsyncIterator[None]:
        lock = self._job_locks.setdefault(user_id, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and self._job_locks.get(user_id) is lock:
                del self._job_locks[user_id]

    # -- loading (services/turns.py) ---------------------------------------
    async def load(self, standup: Standup, run_date: dt.date, user_id: int) -> Turn:
        """The person's conversation in that run, created (pending) if new."""
        return await load_turn(self.rt, standup, run_date, user_id)

    # -- stepping -----------------------------------------------------------
    async def apply(
        self,
        turn: Turn,
        event: Event,
        reply_to: int,
        *,
        direct_prompt: bool = False,
        claim_prompt: bool = False,
        first_claim: bool = False,
        participant: Participant | None = None,
    ) -> ConversationState:
        """Step the machine; store its answers, its state and (``claim_prompt``) the
        prompt's claim in one transaction; then carry out the chat effects in order. (An
        answer to a question is stored with its message's mark: ``answer_step``.)
        ``first_claim``: the step is the prompt's claim, refused (nothing stored, nothing
        sent, the state as it was returned) when the prompt was claimed before.

        A crash before the commit leaves the step undone; after it, only chat effects can
        be lost, and ``resume`` sends what a person is missing. ``participant``: the
        person as the caller has just read them (else read here).
        """
        rt = self.rt
        person = participant or await participant_of(rt, reply_to)
        done = stepped(turn, event, person, rt.now())
        committed = await rt.db(
            rt.runs.commit_step,
            turn.record.id,
            rt.now(),
            done.state,
            done.new_answers,
            completed_at=done.completed_at,
            claim_prompt=claim_prompt,
            first_claim=first_claim,
        )
        return await self.carry_out(
            turn, done, reply_to, committed=committed, direct_prompt=direct_prompt
        )

    async def carry_out(
        self,
        turn: Turn,
        done: Stepped,
        reply_to: int,
        *,
        committed: bool,
        message_id: int | None = None,
        direct_prompt: bool = False,
    ) -> ConversationState:
        """After a step's commit (or its refusal: the message was handled before), what the
        person and the channel are owed: the step's chat effects, then the next standup."""
        rt = self.rt
        if not committed:
            if message_id is not None:
                # A redelivery of a message whose step was stored while sending its replies
                # failed: send what the person is still owed, once.
                await self._catch_up_replies(turn.standup, turn.run.run_date, reply_to)
            return turn.state
        for answer in done.new_answers:
            rt.metrics.answers_recorded.inc()
            log.info(
                "answer_recorded",
                extra={
                    "standup_id": turn.standup.id,
                    "user_id": reply_to,
                    "question": answer.question_index + 1,
                },
            )
        await self._perform(turn, done.effects, reply_to, direct_prompt=direct_prompt)
        if turn.state.phase is Phase.ASKING and done.state.phase in {Phase.DONE, Phase.SKIPPED}:
            await self._ask_next(turn.run.run_date, reply_to)
        return done.state

    async def _perform(
        self, turn: Turn, effects: Sequence[Effect], user_id: int, *, direct_prompt: bool
    ) -> None:
        rt = self.rt
        questions = [q.text for q in turn.standup.settings.questions]
        total = len(questions)
        changed = [e.index for e in effects if isinstance(e, StoreAnswer)]
        for effect in effects:
            match effect:
                case SendPrompt():
                    await send_prompt(rt, turn, user_id, direct=direct_prompt)
                case AskQuestion(index=index):
                    await rt.chat.send_dm(
                        [user_id], texts.question_text(index + 1, total, questions[index])
                    )
                case SendReminder(index=index):
                    await rt.chat.send_dm(
                        [user_id],
                        texts.reminder_text(
                            turn.standup.name,
                            index + 1,
                            total,
                            questions[index],
                            channel=turn.standup.stream_name,
                        ),
                    )
                case StoreAnswer():
                    pass  # stored with the state, before any message went out
                case SendRecap():
                    answers = await rt.db(rt.runs.answers_of, turn.run.id, user_id)
                    by_index = {a.question_index: a.text for a in answers}
                    await rt.chat.send_dm(
                        [user_id],
                        texts.recap_text(
                            standup=turn.standup.name,
                            day=turn.run.run_date,
                            questions=questions,
                            answers=[by_index.get(i) for i in range(total)],
                        ),
                    )
                case SendText(text=text):
                    await rt.chat.send_dm([user_id], text)
                case React(message_id=message_id, emoji=emoji):
                    await self._react(message_id, emoji)
                case PostReport():
                    await self._on_report(turn.standup, turn.run, user_id, False, changed)
                case UpdateReport():
                    await self._on_report(turn.standup, turn.run, user_id, True, changed)
                case MarkSkipped():
                    log.info(
                        "day_skipped", extra={"standup_id": turn.standup.id, "user_id": user_id}
                    )

    async def _react(self, message_id: int, emoji: str) -> None:
        """Acknowledge with a reaction; the change is stored already, so a refusal is not fatal."""
        try:
            await self.rt.chat.add_reaction(message_id, emoji)
        except ChatRefused as exc:
            log.warning(
                "reaction_failed",
                extra={"message_id": message_id, "emoji": emoji, "error": str(exc)},
            )

    # -- prompts and reminders ------------------------------------------------
    async def prompt(
        self, standup: Standup, run_date: dt.date, user_id: int, *, late: bool, handoff: bool | None
    ) -> str:
        """Run a prompt job exactly once; return what happened (for logs and tests).
        ``handoff``: whether the claimed job was handed to Zulip (None: unknown, look it up)."""
        async with self._person_job(user_id):
            return await self._prompt(standup, run_date, user_id, late=late, handoff=handoff)

    async def _prompt(
        self, standup: Standup, run_date: dt.date, user_id: int, *, late: bool, handoff: bool | None
    ) -> str:
        rt = self.rt
        turn = await self.load(standup, run_date, user_id)
        if turn.state.phase is Phase.ABSENT:
            return "already started"
        if turn.state.phase is not Phase.PENDING:
            # A crash between storing the step and sending the prompt leaves a person asked
            # who never saw the question: the job's next attempt sends it.
            if turn.record.state is Phase.ASKING and await prompt_lost(rt, turn):
                if late:
                    await rt.chat.send_dm([user_id], texts.late_prompt_text(standup.name))
                await send_prompt(rt, turn, user_id)
                return "prompt re-sent"
            return "already started"
        participant = await participant_of(rt, user_id)
        absence = absence_on(standup, participant, run_date)
        if absence is not None:
            state, _ = step(
                turn.state, Absent(absence), ConversationContext(standup.name, run_date)
            )
            await save_state(rt, turn, state)
            return f"away ({absence.value})"
        claimed = turn.record.prompted_at is not None
        if claimed and turn.record.prompt_message_id is None:
            # A previous attempt claimed the prompt and may have sent it before dying.
            content = await prompt_text(rt, turn, user_id)
            found = await rt.chat.find_sent_dm([user_id], content)
            if found is not None:
                state, _ = step(turn.state, Prompted(), ConversationContext(standup.name, run_date))
                await save_state(rt, turn, state)
                await rt.db(
                    rt.runs.save_conversation, turn.record.id, rt.now(), prompt_message_id=found
                )
                return "reconciled"
        # A new run starts: an older one the person never finished stops taking answers.
        await self._close_older(standup, user_id, run_date)
        notice = await held_notice(rt, standup, run_date, user_id)
        if (notice is not None or late) and not claimed:
            # A message that goes out before the prompt is sent once: claim first.
            if not await rt.db(rt.runs.claim_prompt, turn.record.id, rt.now()):
                return "already prompted"
            claimed = True
        if notice is not None:
            await self.tell_held(standup, user_id, notice)
            return "held: answering another standup"
        if late:
            await rt.chat.send_dm([user_id], texts.late_prompt_text(standup.name))
        # Known not handed off (the claim read it): sent without looking again.
        ours = handoff is False
        # Unclaimed so far (the common case): the step is the claim, in one statement.
        state = await self.apply(
            turn,
            Prompted(),
            user_id,
            direct_prompt=ours,
            first_claim=not claimed,
            participant=participant,
        )
        if state.phase is Phase.PENDING:
            return "already prompted"
        rt.metrics.prompts_sent.labels(late=str(late).lower()).inc()
        log.info("prompt_sent", extra={"standup_id": standup.id, "user_id": user_id, "late": late})
        return "prompted"

    async def remind(self, standup: Standup, run_date: dt.date, user_id: int) -> str:
        """Run a reminder job. Someone whose prompt never went out (its job failed or was
        delayed by an outage) is sent the prompt, marked late, instead of a reminder."""
        async with self._person_job(user_id):
            return await self._remind(standup, run_date, user_id)

    async def _remind(self, standup: Standup, run_date: dt.date, user_id: int) -> str:
        rt = self.rt
        run = await rt.db(rt.runs.find_run, standup.id, run_date)
        record = None if run is None else await rt.db(rt.runs.conversation, run.id, user_id)
        if run is None or record is None or record.state is Phase.PENDING:
            if record is not None and record.prompted_at is not None:
                # Claimed just now by its own job, or held behind another standup.
                if await self._ask_next(run_date, user_id, only=standup.id):
                    return "held prompt sent"
                return "prompt in progress"
            outcome = await self._prompt(standup, run_date, user_id, late=True, handoff=None)
            return f"prompt instead of a reminder: {outcome}"
        if record.state is not Phase.ASKING:
            return "nothing to remind"
        participant = await participant_of(rt, user_id)
        due = last_reminder_instant(standup, participant, run_date, rt.now())
        if record.prompted_at is not None and due is not None and record.prompted_at >= due:
            return "prompted after the reminder time"  # a late prompt has just gone out
        turn = Turn(standup, run, record, state_of(standup, record))
        if await prompt_lost(rt, turn):
            await rt.chat.send_dm([user_id], texts.late_prompt_text(standup.name))
            await send_prompt(rt, turn, user_id)
            log.info("prompt_sent", extra={"standup_id": standup.id, "user_id": user_id})
            return "prompt re-sent instead of a reminder"
        await self.apply(turn, ReminderDue(), user_id)
        log.info("reminder_sent", extra={"standup_id": standup.id, "user_id": user_id})
        return "reminded"

    # -- one conversation at a time (services/answer_queue.py) ------------------
    async def tell_held(self, standup: Standup, user_id: int, notice: str) -> None:
        """Tell the person this standup's prompt (claimed by the caller) waits for the one
        they are answering (``notice``: ``answer_queue.held_notice``)."""
        await self.rt.chat.send_dm([user_id], notice)
        log.info("prompt_held", extra={"standup_id": standup.id, "user_id": user_id})

    async def _ask_next(self, today: dt.date, user_id: int, *, only: int | None = None) -> bool:
        """After a conversation ends, re-ask the one now taking replies or ask the first held
        prompt in full (``only``: just that standup's held prompt). True if asked."""
        step = await next_after(self.rt, user_id, today)
        if step is None or (only is not None and (step.resume or step.standup.id != only)):
            return False
        turn = await self.load(step.standup, step.run_date, user_id)
        if step.resume:
            index, questions = turn.state.current, step.standup.settings.questions
            text = texts.back_to_text(
                step.standup.name,
                step.standup.stream_name,
                index + 1,
                len(questions),
                questions[index].text,
            )
            await self.rt.chat.send_dm([user_id], text)
        elif turn.state.phase is Phase.PENDING:
            await self.apply(turn, Prompted(), user_id, direct_prompt=True)
        return True

    async def _close_older(self, standup: Standup, user_id: int, run_date: dt.date) -> None:
        """A new run starts: the person's unfinished older conversations become missed."""
        rt = self.rt
        for record in await rt.db(rt.runs.unfinished_before, standup.id, user_id, run_date):
            state = state_of(standup, record)
            closed, _ = step(state, RunClosed(), ConversationContext(standup.name, run_date))
            await rt.db(rt.runs.commit_step, record.id, rt.now(), closed, ())

    # -- after a restart (services/resumption.py) ------------------------------
    async def resume(self, report_missing: MissingReportHook) -> int:
        """Re-send what a crash may have swallowed; return how many went out."""
        return await resume(self.rt, report_missing)

    async def _catch_up_replies(self, standup: Standup, run_date: dt.date, user_id: int) -> None:
        if self.report_missing is not None:
            fresh = await self.load(standup, run_date, user_id)
            await resume_one(self.rt, fresh, self.report_missing)

    # -- incoming (an answer itself: services/answer_step.py) ----------------------
    async def edited(self, turn: Turn, message_id: int, text: str, user_id: int) -> None:
        await self.apply(turn, AnswerEdited(message_id, text), user_id)
