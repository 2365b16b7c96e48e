"""The event-queue consumer: register, long-poll, re-register, catch up; never die on an event.

Unlike the official client's ``call_on_each_event`` it honours 429
``retry-after``, backs off on outages, stops on 401 (a bad key will not fix
itself), survives a raising handler, and after every (re-)registration
fetches the direct messages and mentions it may have missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from zulip_standup.domain.chat import (
    ChatEvent,
    IncomingMessage,
    MessageEdited,
    ServerInfo,
)
from zulip_standup.ports import Clock
from zulip_standup.zulip.dispatch import Dispatcher, EventHandler
from zulip_standup.zulip.rest import (
    OwnUser,
    ZulipApiError,
    ZulipAuthError,
    ZulipError,
    ZulipRest,
    ZulipUnreachableError,
    decode,
)
from zulip_standup.zulip.wire import (
    EVENT_TYPES,
    message_from_wire,
    translate_event,
)

log = logging.getLogger(__name__)

# Zulip answers a long-poll within ~55 s (a heartbeat); its clients wait 90 s.
LONGPOLL_READ_TIMEOUT_S = 90.0
BACKOFF_MAX_S = 60.0
CATCH_UP_BATCH = 100
CATCH_UP_MAX_BATCHES = 50
# The initial state /register returns: max_message_id ("message") and the realm's limits.
FETCHED_STATE = ("message", "realm")

# Told of each batch of messages before any of them is handled, so the inbox holds them
# as received: a crash then leaves them unfinished and the next catch-up starts below them.
ReceivedHook = Callable[[list[IncomingMessage]], Awaitable[None]]


class FatalZulipError(Exception):
    """The account cannot be used (401): stop and tell the operator."""


class EventStream:
    """Delivers chat events to a handler for as long as ``run`` is not cancelled or stopped."""

    def __init__(
        self,
        rest: ZulipRest,
        clock: Clock,
        handler: EventHandler,
        *,
        last_message_id: Callable[[], Awaitable[int | None]],
        on_received: ReceivedHook | None = None,
        edit_floor: Callable[[], Awaitable[int | None]] | None = None,
        queue_lifespan_secs: int | None = None,
    ) -> None:
        self._rest = rest
        self._clock = clock
        self._handler = handler
        self._last_message_id = last_message_id
        self._on_received = on_received
        self._edit_floor = edit_floor
        self._catch_up_wanted = False
        # Readiness: when the current outage of /events began (None while polls succeed).
        self.outage_since: float | None = None
        self._queue_lifespan_secs = queue_lifespan_secs
        self._stopping = asyncio.Event()
        self._dispatcher = Dispatcher(handler)
        # The newest event id whose events were all handed to the dispatcher, and whether a
        # catch-up is delivering messages: together with the dispatcher, what ``idle`` reads.
        self.settled_event_id = -1
        self._catching_up = False
        self.queue_id: str | None = None
        self.last_event_id = -1
        self.registrations = 0
        self.server: ServerInfo | None = None
        self.connected = asyncio.Event()
        self.own_user_id: int | None = None
        self.max_message_id = -1
        self._me: OwnUser | None = None

    def stop(self) -> None:
        self._stopping.set()

    def request_catch_up(self) -> None:
        """Fetch and hand over unfinished messages again after the current poll (a retry)."""
        self._catch_up_wanted = True

    async def register(self) -> ServerInfo:
        """Register a queue for the event types the bot uses and read the realm limits.

        The initial state asked for is the newest message id and the realm's limits only:
        the people come from one ``GET /users`` after this (``ZulipGateway.get_people``),
        so ``realm_user`` stays an event type (profile changes arrive) but is not fetched
        here, where it would send the whole user list a second time."""
        params: dict[str, Any] = {
            "event_types": list(EVENT_TYPES),
            "fetch_event_types": list(FETCHED_STATE),
            "all_public_streams": False,
            "apply_markdown": False,
            "client_gravatar": True,
            "slim_presence": True,
        }
        if self._queue_lifespan_secs:
            params["queue_lifespan_secs"] = self._queue_lifespan_secs
        body = await self._rest.call("POST", "register", params, paced=True)
        if self._me is None:
            self._me = await self._rest.own_user()
            self.own_user_id = int(self._me.get("user_id", 0))
        self.queue_id = str(body["queue_id"])
        self.max_message_id = int(body.get("max_message_id", -1))
        self.last_event_id = int(body.get("last_event_id", -1))
        self.registrations += 1
        self.connected.set()
        edit_limit = body.get("realm_message_content_edit_limit_seconds", 600)
        me = self._me
        assert me is not None
        self.server = ServerInfo(
            bot_user_id=int(me.get("user_id", 0)),
            bot_full_name=str(me.get("full_name", "")),
            bot_email=str(me.get("email", "")),
            feature_level=int(body.get("zulip_feature_level", 0)),
            zulip_version=str(body.get("zulip_version", "")),
            max_message_length=int(body.get("max_message_length", 10000)),
            max_topic_length=int(body.get("max_topic_length", 60)),
            edit_limit_seconds=None if edit_limit is None else int(edit_limit),
        )
        log.info(
            "event_queue_registered",
            extra={"registrations": self.registrations, "feature_level": self.server.feature_level},
        )
        return self.server

    async def run(self) -> None:
        """Register, catch up, then poll until stopped; re-register whenever the queue is lost."""
        try:
            await self._run()
            await self._dispatcher.drain()
        finally:
            self._dispatcher.cancel()

    async def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                if self.queue_id is None:
                    await self.register()
                    await self.catch_up()
                    self.connected.set()
                await self._poll_once()
                failures = 0
                self._outage_over()
                if self._catch_up_wanted:
                    self._catch_up_wanted = False
                    await self.catch_up()
            except ZulipAuthError as exc:
                log.error("zulip_credentials_rejected", extra={"reason": exc.msg})
                raise FatalZulipError(exc.msg) from None
            except ZulipApiError as exc:
                if exc.code == "BAD_EVENT_QUEUE_ID":
                    log.warning("event_queue_expired", extra={"queue_id": self.queue_id})
                    self.queue_id = None
                    self.connected.clear()
                    continue
                failures += 1
                self._outage_begun(f"HTTP {exc.status} {exc.code}")
                log.warning(
                    "event_poll_failed",
                    extra={"status": exc.status, "code": exc.code, "failures": failures},
                )
                await self._backoff(failures, exc)
            except ZulipUnreachableError as exc:
                failures += 1
                self._outage_begun("unreachable")
                log.warning("zulip_unreachable", extra={"reason": str(exc), "failures": failures})
                await self._backoff(failures, None)

    def _outage_begun(self, reason: str) -> None:
        if self.outage_since is None:
            self.outage_since = self._rest.clock.now().timestamp()
            self.connected.clear()
            log.warning("zulip_outage_started", extra={"reason": reason})

    def _outage_over(self) -> None:
        if self.outage_since is not None:
            lasted = self._rest.clock.now().timestamp() - self.outage_since
            self.outage_since = None
            log.info("zulip_outage_ended", extra={"seconds": round(lasted, 1)})
        self.connected.set()

    async def _backoff(self, failures: int, exc: ZulipApiError | None) -> None:
        delay = min(BACKOFF_MAX_S, 0.5 * 2 ** min(failures, 10))
        if exc is not None and exc.status == 429:
            retry_after = exc.body.get("retry-after")
            if isinstance(retry_after, int | float):
                delay = float(retry_after) + 0.05
        await self._sleep_unless_stopped(delay)

    async def _sleep_unless_stopped(self, seconds: float) -> None:
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        stopper = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, stopper):
                task.cancel()

    async def _poll_once(self) -> None:
        assert self.queue_id is not None
        params = {"queue_id": self.queue_id, "last_event_id": self.last_event_id}
        poll = asyncio.ensure_future(self._rest_get_events(params))
        stopper = asyncio.ensure_future(self._stopping.wait())
        try:
            done, _ = await asyncio.wait({poll, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
            if not poll.done():
                # Stopped, or this task was cancelled: never leave the poll orphaned.
                poll.cancel()
                with contextlib.suppress(asyncio.CancelledError, ZulipError):
                    await poll
        if poll not in done:
            if poll.done() and not poll.cancelled():
                # Finished while we were stopping: retrieve the outcome so a late
                # error (e.g. the queue deleted at shutdown) is not reported as lost.
                poll.exception()
            return
        body = poll.result()
        events: list[ChatEvent] = []
        for raw in body.get("events", []):
            self.last_event_id = max(self.last_event_id, int(raw.get("id", -1)))
            event = translate_event(raw, self.own_user_id)
            if event is not None:
                events.append(event)
        await self._received([e for e in events if isinstance(e, IncomingMessage)])
        for event in events:
            await self._dispatch(event)
        self.settled_event_id = self.last_event_id

    @property
    def idle(self) -> bool:
        """No event is being handled and no catch-up is delivering (tests drain on this)."""
        return not self._catching_up and self._dispatcher.pending == 0

    async def _received(self, messages: list[IncomingMessage]) -> None:
        if messages and self._on_received is not None:
            await self._on_received(messages)

    async def _rest_get_events(self, params: dict[str, Any]) -> dict[str, Any]:
        # /events has its own, separate rate-limit bucket on the server, so it
        # does not go through the send pacer.
        response = await self._rest.request(
            "GET", "events", params, read_timeout=LONGPOLL_READ_TIMEOUT_S
        )
        return decode(response, self._rest.site)

    async def _dispatch(self, event: ChatEvent) -> None:
        await self._dispatcher.submit(event)

    async def catch_up(self) -> int:
        """Deliver DMs and mentions newer than the last processed message id; return the count."""
        self._catching_up = True
        try:
            return await self._catch_up()
        finally:
            self._catching_up = False

    async def _catch_up(self) -> int:
        """Deliver DMs and mentions newer than the last processed message id; return the count.

        It starts lower when recent messages may have been edited while nobody listened
        (``edit_floor``): those come again as edits, which the handler applies only when
        the content changed."""
        handled = await self._last_message_id()
        if handled is None:
            return 0
        floor = await self._edit_floor() if self._edit_floor is not None else None
        after = handled if floor is None else min(handled, floor - 1)
        delivered = 0
        for narrow in (
            [{"operator": "is", "operand": "dm"}],
            [{"operator": "is", "operand": "mentioned"}],
        ):
            anchor = after
            for _ in range(CATCH_UP_MAX_BATCHES):
                body = await self._rest.call(
                    "GET",
                    "messages",
                    {
                        "anchor": anchor,
                        "include_anchor": False,
                        "num_before": 0,
                        "num_after": CATCH_UP_BATCH,
                        "narrow": narrow,
                        "apply_markdown": False,
                    },
                )
                messages = body.get("messages", [])
                batch: list[IncomingMessage] = []
                edits: dict[int, MessageEdited] = {}
                for raw in messages:
                    message = message_from_wire(raw, raw.get("flags", []))
                    anchor = max(anchor, message.message_id)
                    if message.sender_id == self.own_user_id:
                        continue
                    if not message.is_dm and not message.mentioned:
                        continue
                    if raw.get("last_edit_timestamp"):
                        edits[message.message_id] = MessageEdited(
                            message.message_id,
                            message.sender_id,
                            message.content,
                            int(raw["last_edit_timestamp"]),
                        )
                    if message.message_id > handled:
                        batch.append(message)
                await self._received(batch)
                for message in batch:
                    delivered += 1
                    await self._dispatch(message)
                    if message.message_id in edits:
                        await self._dispatch(edits.pop(message.message_id))
                for edit in edits.values():
                    await self._dispatch(edit)
                if body.get("found_newest", True) or not messages:
                    break
        await self._dispatcher.drain()
        if delivered:
            log.info("missed_messages_caught_up", extra={"count": delivered})
        return delivered
