"""The intake of received messages through the inbox: each handled once, none lost.

A batch is recorded as received before any of it is handled, so a crash leaves
it unfinished and the next catch-up starts below it; for a message new to the inbox the
receipt also begins its first delivery (only a redelivery needs ``inbox.begin``). A
message is marked handled once the handler returns, unless its own step did so (an
answer, in the commit that stores it).

A transient failure (database, Zulip) is retried in place with backoff, in order
with the sender's later messages, then left unfinished for a catch-up a little later;
after ``MAX_DELIVERIES`` deliveries (restarts included), or at once for any other
failure, the message is recorded as failed with an incident id and the sender is
told plainly that it was not recorded.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable

from zulip_standup.domain.chat import IncomingMessage
from zulip_standup.domain.commands import reply_texts
from zulip_standup.services.runtime import Runtime

log = logging.getLogger(__name__)

# A message whose handling meets a transient failure is tried again this often in place
# (in order with the sender's later messages), then left to the next catch-up; after
# MAX_DELIVERIES deliveries (restarts included) it is given up and the sender told.
INLINE_TRIES = 3
RECEIVE_TRIES = 30
INLINE_BACKOFF_S = 0.5
MAX_DELIVERIES = 5
RETRY_AFTER_S = 30.0

# Handles one message; True when its own step marked it handled (an answer, stored with
# its effects in one commit), else the intake marks it so once the handler returns.
MessageHandler = Callable[[IncomingMessage], Awaitable[bool]]
Replier = Callable[[IncomingMessage, str], Awaitable[None]]


class MessageIntake:
    """Runs the bot's message handler under the inbox's rules."""

    def __init__(self, runtime: Runtime, handler: MessageHandler, reply: Replier) -> None:
        self.rt = runtime
        self._handler = handler
        self._reply = reply
        # Called to fetch unfinished messages again (the event stream's catch-up).
        self.on_retry: Callable[[], None] | None = None
        self._timers: set[asyncio.Task[None]] = set()
        # Messages whose receipt began their first delivery (new to the inbox): handling
        # them needs no ``inbox.begin``, so a fresh answer costs its step's transaction only.
        self._first_deliveries: set[int] = set()

    def close(self) -> None:
        for task in list(self._timers):
            task.cancel()

    def _is_addressed(self, message: IncomingMessage) -> bool:
        own = message.sender_id == self.rt.server.bot_user_id
        return not own and (message.is_dm or message.mentioned)

    async def received(self, messages: list[IncomingMessage]) -> None:
        """Record a batch of messages in the inbox before any of them is handled. While the
        database cannot take them, new messages wait on Zulip's side (the poll waits)."""
        rt = self.rt
        ids = [m.message_id for m in messages if self._is_addressed(m)]
        for retry in range(RECEIVE_TRIES):
            try:
                fresh = await rt.db(rt.inbox.receive, rt.realm_id, ids, rt.wire_now())
                self._first_deliveries.update(fresh)
                return
            except Exception as exc:
                if not rt.is_transient(exc) or retry + 1 == RECEIVE_TRIES:
                    raise
                log.warning("inbox_receive_retried", extra={"messages": len(ids)})
                await rt.clock.sleep(min(INLINE_BACKOFF_S * 2**retry, 10.0))

    def _retry_later(self) -> None:
        async def fire() -> None:
            await self.rt.clock.sleep(RETRY_AFTER_S)
            if self.on_retry is not None:
                self.on_retry()

        task = asyncio.create_task(fire())
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    async def handle(self, message: IncomingMessage) -> None:
        """One received message through the inbox: handled once, transient failures retried
        in place with backoff and then left unfinished for the next catch-up (which resumes
        from the lowest unfinished message), anything else recorded as failed and told."""
        rt = self.rt
        if not self._is_addressed(message):
            return
        attempt = 1
        begun = message.message_id in self._first_deliveries
        self._first_deliveries.discard(message.message_id)
        for retry in range(INLINE_TRIES):
            try:
                if not begun:
                    delivery = await rt.db(
                        rt.inbox.begin, rt.realm_id, message.message_id, rt.wire_now()
                    )
                    if delivery.finished:
                        return
                    attempt, begun = delivery.attempt, True
                if not await self._handler(message):
                    await rt.db(rt.inbox.done, rt.realm_id, message.message_id, rt.wire_now())
            except Exception as exc:
                transient = rt.is_transient(exc)
                if transient and retry + 1 < INLINE_TRIES:
                    log.warning(
                        "message_retry_scheduled",
                        extra={"message_id": message.message_id, "attempt": attempt},
                    )
                    await rt.clock.sleep(INLINE_BACKOFF_S * 2**retry)
                    continue
                await self._failed(message, exc, transient, attempt)
            return

    async def _failed(
        self, message: IncomingMessage, exc: Exception, transient: bool, attempt: int
    ) -> None:
        rt = self.rt
        incident = uuid.uuid4().hex[:8]
        permanent = not transient or attempt >= MAX_DELIVERIES
        rt.metrics.handler_errors.inc()
        log.error(
            "message_failed",
            exc_info=exc,
            extra={
                "incident": incident,
                "message_id": message.message_id,
                "attempt": attempt,
                "permanent": permanent,
            },
        )
        try:
            recorded = await rt.db(
                rt.inbox.failed,
                rt.realm_id,
                message.message_id,
                rt.wire_now(),
                permanent=permanent,
                incident=incident,
            )
        except Exception:
            log.exception("inbox_update_failed", extra={"incident": incident})
            recorded, permanent = True, False  # still unfinished: the next catch-up retries it
        if not recorded:
            return  # its step was stored before the failure: nothing of it is lost
        if permanent:
            await self._reply(message, reply_texts.message_not_recorded(incident))
            return
        self._retry_later()
        if attempt == 1:
            await self._reply(message, reply_texts.message_delayed(incident))
