"""Scheduled messages: storage, their events, and delivery on the next full minute."""

from __future__ import annotations

import math
from collections.abc import Callable

from localzulip.actions import Actions
from localzulip.clock import Clock
from localzulip.errors import ApiError
from localzulip.events import QueueManager
from localzulip.models import JSON, ScheduledMessage
from localzulip.realm import Realm
from localzulip.render import render

LATE_CUTOFF_SECONDS = 600


def scheduled_dict(sm: ScheduledMessage) -> JSON:
    out: JSON = {
        "scheduled_message_id": sm.scheduled_message_id,
        "to": sm.to,
        "type": sm.type,
        "content": sm.content,
        "rendered_content": render(sm.content),
    }
    if sm.type == "stream":
        out["topic"] = sm.topic
    out["scheduled_delivery_timestamp"] = sm.scheduled_delivery_timestamp
    out["failed"] = sm.failed
    return out


def delivery_time(scheduled_ts: int) -> int:
    """The worker delivers on the first full minute at or after the scheduled second."""
    return math.ceil(scheduled_ts / 60) * 60


class Scheduler:
    """Keeps scheduled messages and delivers them when the server clock reaches them."""

    def __init__(
        self,
        realm: Realm,
        queues: QueueManager,
        actions: Actions,
        clock: Clock,
        deliver: Callable[[ScheduledMessage], None],
    ) -> None:
        self.realm = realm
        self.queues = queues
        self.actions = actions
        self.clock = clock
        self._deliver = deliver
        self._armed: set[int] = set()

    def _event(self, sm: ScheduledMessage, op: str) -> None:
        event: JSON = {"type": "scheduled_messages", "op": op}
        if op == "add":
            event["scheduled_messages"] = [scheduled_dict(sm)]
        elif op == "update":
            event["scheduled_message"] = scheduled_dict(sm)
        else:
            event["scheduled_message_id"] = sm.scheduled_message_id
        self.queues.send([sm.sender_id], event)

    def add(self, sm: ScheduledMessage) -> None:
        self.realm.scheduled[sm.scheduled_message_id] = sm
        self._event(sm, "add")
        self._arm(sm.scheduled_delivery_timestamp)

    def update(self, sm: ScheduledMessage) -> None:
        sm.failed = False
        self._event(sm, "update")
        self._arm(sm.scheduled_delivery_timestamp)

    def remove(self, sm: ScheduledMessage) -> None:
        self.realm.scheduled.pop(sm.scheduled_message_id, None)
        self._event(sm, "remove")

    def get(self, user_id: int, sid: int) -> ScheduledMessage:
        sm = self.realm.scheduled.get(sid)
        if sm is None or sm.sender_id != user_id:
            raise ApiError("Scheduled message does not exist", status=404)
        return sm

    def pending(self, user_id: int) -> list[ScheduledMessage]:
        return sorted(
            (s for s in self.realm.scheduled.values() if s.sender_id == user_id),
            key=lambda s: (s.scheduled_delivery_timestamp, s.scheduled_message_id),
        )

    def _arm(self, scheduled_ts: int) -> None:
        when = delivery_time(scheduled_ts)
        if when in self._armed:
            return
        self._armed.add(when)

        def fire() -> None:
            self._armed.discard(when)
            self.deliver_due()

        self.clock.call_at(when, fire)

    def deliver_due(self) -> int:
        """Deliver every due message in schedule order; returns how many were sent."""
        now = self.clock.now()
        due = sorted(
            (
                s
                for s in self.realm.scheduled.values()
                if not s.failed and s.scheduled_delivery_timestamp <= now
            ),
            key=lambda s: (s.scheduled_delivery_timestamp, s.scheduled_message_id),
        )
        sent = 0
        for sm in due:
            if now - sm.scheduled_delivery_timestamp > LATE_CUTOFF_SECONDS:
                self._fail(sm, "Message could not be sent at the scheduled time.")
                continue
            try:
                self._deliver(sm)
            except ApiError as exc:
                self._fail(sm, exc.msg)
                continue
            self.remove(sm)
            sent += 1
        return sent

    def _fail(self, sm: ScheduledMessage, reason: str) -> None:
        sm.failed = True
        self._event(sm, "update")
        sender = self.realm.user(sm.sender_id)
        if sender is None:
            return
        notifier = self.realm.ensure_notification_bot()
        self.actions.send_message(
            notifier,
            dm_user_ids={sender.user_id},
            content=f"The message you scheduled for <time:{sm.scheduled_delivery_timestamp}> "
            f"was not sent because of an error: {reason}",
        )
