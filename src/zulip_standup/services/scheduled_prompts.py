"""Prompts handed to Zulip ahead of time as scheduled messages (``config scheduled-messages on``).

A real Zulip server delivers scheduled messages on the first full minute at or
after their time, whatever the sender's rate limit, so prompts at 09:30 for a
large organisation can arrive on time instead of trickling out at 200 a minute.

How it works, for standups with ``use_scheduled_messages`` on a server whose
feature level allows it (>= 179):

* **Hand-off.** Every tick, pending prompt jobs due between ``min_lead`` and
  ``lead`` from now get their prompt text (the same text a direct send would
  use, fixed at hand-off time) scheduled through ``POST /scheduled_messages``
  for the job's due second; the id is stored in ``jobs.scheduled_message_id``.
* **Due time.** The prompt job still runs as usual and moves the conversation
  to "asking"; ``Conversations`` sees the hand-off (``ports.PromptHandOffs``) and does
  not send the DM again because Zulip delivers it.
* **Changes.** Every change to the schedule, the participants or someone's
  time off re-plans the standup, which deletes or moves pending jobs. Each tick
  compares the scheduled messages this process handed off with the job rows:
  a message whose job is gone, moved to another time, belongs to a standup that
  turned the option off, whose person is away (when the standup honours away)
  or already answered or skipped that run ahead of the prompt, or whose standup's
  settings changed since (a rename, new questions: the text is fixed) is cancelled
  (``DELETE /scheduled_messages/{id}``) and the job falls back to a fresh
  hand-off or a direct send. The job keeps the message's id until the cancel has
  succeeded, so it never sends the prompt itself while Zulip may still deliver it.

Without the option, on older servers, or when a hand-off fails, prompts are
sent directly as before. Only one process per bot account should run the
hand-off (the one holding the realm's event loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from zulip_standup.domain.conversation.machine import Phase
from zulip_standup.domain.scheduling.handoffs import HandOffCandidate
from zulip_standup.domain.scheduling.jobs import JobStatus
from zulip_standup.ports import ChatError, ChatRefused
from zulip_standup.services.conversations import Conversations
from zulip_standup.services.prompt_delivery import prompt_text
from zulip_standup.services.runtime import Runtime

log = logging.getLogger(__name__)

# Zulip 7.0 (feature level 179) added the scheduled-messages API.
MIN_FEATURE_LEVEL = 179
DEFAULT_LEAD = dt.timedelta(minutes=60)
# Zulip refuses a delivery time that is not in the future; leave room for the request.
DEFAULT_MIN_LEAD = dt.timedelta(seconds=30)
DEFAULT_BATCH = 100
# Hand-offs under way at once: each waits on Zulip and the database, so one at a time left
# the pacer's allowance unused (the pacer still keeps them under the rate limit).
HANDOFF_WIDTH = 8
_FINISHED = (JobStatus.DONE, JobStatus.DROPPED, JobStatus.FAILED)


def supported(feature_level: int) -> bool:
    """True when the server has the scheduled-messages API."""
    return feature_level >= MIN_FEATURE_LEVEL


@dataclass(frozen=True, slots=True)
class HandOffReport:
    """What one tick did."""

    handed_off: int = 0
    cancelled: int = 0
    failed: int = 0
    # A whole batch of candidates was found: more may be waiting, so tick again at once.
    more: bool = False


class ScheduledPrompts:
    """Hands due-soon prompts to Zulip and keeps the scheduled messages in line with the jobs."""

    def __init__(
        self,
        runtime: Runtime,
        conversations: Conversations,
        *,
        lead: dt.timedelta = DEFAULT_LEAD,
        min_lead: dt.timedelta = DEFAULT_MIN_LEAD,
        batch: int = DEFAULT_BATCH,
    ) -> None:
        if not dt.timedelta(0) < min_lead < lead:
            msg = f"need 0 < min_lead < lead, got {min_lead} and {lead}"
            raise ValueError(msg)
        self.rt = runtime
        self.conversations = conversations
        self.lead = lead
        self.min_lead = min_lead
        self.batch = batch
        # Scheduled messages this process knows of: id -> delivery timestamp.
        self.ledger: dict[int, int] = {}
        self._skipped: set[int] = set()
        self._seeded = False

    @property
    def enabled(self) -> bool:
        return supported(self.rt.server.feature_level)

    async def run(self, stop: asyncio.Event, *, poll_seconds: float = 15.0) -> None:
        """Tick until ``stop``; does nothing on servers without scheduled messages."""
        if not self.enabled:
            log.info(
                "scheduled_prompts_unavailable",
                extra={"feature_level": self.rt.server.feature_level},
            )
            return
        while not stop.is_set():
            more = False
            try:
                more = (await self.tick()).more
            except Exception:
                log.exception("scheduled_prompts_tick_failed")
            if more:
                # A fan-out being handed off: only the pacer sets its pace, not the poll.
                await asyncio.sleep(0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_seconds)

    async def tick(self) -> HandOffReport:
        """Cancel what no longer matches its job, then hand off what falls due soon."""
        if not self.enabled:
            return HandOffReport()
        if not self._seeded:
            await self._seed()
        cancelled = await self.reconcile()
        handed, failed, more = await self.hand_off()
        return HandOffReport(handed, cancelled, failed, more)

    # -- start-up -----------------------------------------------------------
    async def _seed(self) -> None:
        """Learn the bot's pending scheduled messages, so a restart can still cancel them."""
        if not await self.rt.db(self.rt.handoffs.in_use):
            self._seeded = True
            return
        try:
            pending = await self.rt.chat.list_scheduled()
        except ChatError:
            log.warning("scheduled_prompts_seed_failed")
            return
        for item in pending:
            if not item.failed:
                self.ledger[item.scheduled_message_id] = item.deliver_at
        self._seeded = True

    # -- keeping Zulip in line with the jobs ---------------------------------
    async def reconcile(self) -> int:
        """Cancel scheduled prompts whose job is gone, moved, switched off or away."""
        if not self.ledger:
            return 0
        now = self.rt.now().timestamp()
        rows = await self.rt.db(self.rt.handoffs.handed_off, sorted(self.ledger))
        cancelled = 0
        for sid, deliver_at in list(self.ledger.items()):
            row = rows.get(sid)
            if row is not None and row.status in _FINISHED:
                del self.ledger[sid]
                continue
            if deliver_at <= now:
                # Zulip delivers it now or has done so; nothing left to cancel.
                if row is None or row.status is not JobStatus.PENDING:
                    del self.ledger[sid]
                continue
            if row is not None and (
                row.status is JobStatus.CLAIMED
                or (
                    row.use_scheduled_messages
                    and math.ceil(row.due_at.timestamp()) == deliver_at
                    and not (row.honour_away and row.zulip_away)
                    # Answered or skipped ahead: the pending prompt job will send nothing.
                    and not (row.status is JobStatus.PENDING and row.prompt_claimed)
                    # Renamed or re-worded since: hand the new text off (after the cancel).
                    and not row.settings_changed
                )
            ):
                continue
            try:
                await self.rt.chat.cancel_scheduled(sid)
            except ChatError:
                log.warning("scheduled_prompt_cancel_failed", extra={"scheduled_message_id": sid})
                continue
            if row is not None:
                await self.rt.db(self.rt.handoffs.clear, row.job_id, sid)
            del self.ledger[sid]
            cancelled += 1
            log.info("scheduled_prompt_cancelled", extra={"scheduled_message_id": sid})
        return cancelled

    # -- handing off --------------------------------------------------------
    async def hand_off(self) -> tuple[int, int, bool]:
        """Schedule the prompts falling due within the lead, ``HANDOFF_WIDTH`` at once;
        returns (handed off, failed, whether the batch was full: more may be waiting)."""
        rt = self.rt
        # Stored as each hand-off's instant, taken before anything its text is made of is
        # read: a settings change committed after it (while the message is being scheduled,
        # say) makes the text stale, and the next tick hands the new one off.
        text_at = rt.now()
        found = await rt.db(
            rt.handoffs.candidates,
            text_at,
            self.min_lead,
            self.lead,
            self.batch + len(self._skipped),
        )
        candidates = [job for job in found if job.job_id not in self._skipped][: self.batch]
        standups: dict[int, Any] = {}
        slots = asyncio.Semaphore(HANDOFF_WIDTH)

        async def one(job: HandOffCandidate) -> str:
            async with slots:
                return await self._hand_off_one(job, standups, text_at)

        outcomes = Counter(await asyncio.gather(*(one(job) for job in candidates)))
        handed, failed = outcomes["handed"], outcomes["failed"]
        if handed:
            log.info("scheduled_prompts_handed_off", extra={"count": handed})
        return handed, failed, len(candidates) == self.batch

    async def _hand_off_one(
        self, job: HandOffCandidate, standups: dict[int, Any], text_at: dt.datetime
    ) -> str:
        """Hand one prompt to Zulip: "handed", "failed" (the job sends it), or "skipped"."""
        rt = self.rt
        if job.standup_id not in standups:
            standups[job.standup_id] = await rt.db(rt.standups.get, job.standup_id)
        standup = standups[job.standup_id]
        if standup is None:
            return "skipped"
        if standup.settings.honour_away:
            person = await rt.db(rt.standups.person, rt.realm_id, job.user_id)
            if person is not None and person.zulip_away:
                self._skipped.add(job.job_id)
                return "skipped"
        turn = await self.conversations.load(standup, job.run_date, job.user_id)
        if turn.record.prompted_at is not None or turn.state.phase is not Phase.PENDING:
            self._skipped.add(job.job_id)
            return "skipped"
        content = await prompt_text(self.rt, turn, job.user_id)
        deliver_at = math.ceil(job.due_at.timestamp())
        try:
            sid = await rt.chat.schedule_dm([job.user_id], content, deliver_at)
        except ChatRefused as exc:
            # Too close to its time, or refused: the job sends it directly.
            log.warning("scheduled_prompt_refused", extra={"job_id": job.job_id, "code": exc.code})
            self._skipped.add(job.job_id)
            return "failed"
        if not await rt.db(rt.handoffs.record, job.job_id, sid, text_at):
            # The job changed while we scheduled: take it back.
            with contextlib.suppress(ChatError):
                await rt.chat.cancel_scheduled(sid)
            return "skipped"
        self.ledger[sid] = deliver_at
        return "handed"
