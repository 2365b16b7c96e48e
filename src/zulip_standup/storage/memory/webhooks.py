"""The in-memory twin of ``storage/webhooks.py`` (secrets and bodies kept in plain text)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zulip_standup.domain.webhooks.events import WebhookEvent
from zulip_standup.domain.webhooks.records import (
    DeliveryRecord,
    WebhookListing,
    WebhookRecord,
    WebhookTarget,
)
from zulip_standup.storage.memory.state import MemoryState, utc
from zulip_standup.storage.webhooks import delivery_job, delivery_of, webhook_of


class MemoryWebhooks:
    """``WebhookStore`` in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.db = state

    def _of(self, standup_id: int) -> list[dict[str, Any]]:
        rows = [row for row in self.db.webhooks.values() if row["standup_id"] == standup_id]
        return sorted(rows, key=lambda row: int(row["id"]))

    def add(
        self,
        standup_id: int,
        url: str,
        secret: str,
        created_by: int,
        now: dt.datetime,
        *,
        limit: int,
    ) -> WebhookRecord | None:
        with self.db.lock:
            known = [row["url"] for row in self._of(standup_id)]
            if len(known) >= limit or url in known or standup_id not in self.db.standups:
                return None
            webhook_id = self.db.next_id("webhooks")
            row = {
                "id": webhook_id,
                "standup_id": standup_id,
                "url": url,
                "secret": secret,
                "secret_encrypted": False,
                "created_by": created_by,
                "created_at": utc(now),
            }
            self.db.webhooks[webhook_id] = row
            return webhook_of(row)

    def remove(self, standup_id: int, webhook_id: int) -> bool:
        with self.db.lock:
            row = self.db.webhooks.get(webhook_id)
            if row is None or row["standup_id"] != standup_id:
                return False
            del self.db.webhooks[webhook_id]
            log = self.db.webhook_deliveries
            for key in [k for k, entry in log.items() if entry["webhook_id"] == webhook_id]:
                del log[key]
            return True

    def of_standup(self, standup_id: int) -> list[WebhookListing]:
        with self.db.lock:
            found = []
            for row in self._of(standup_id):
                mine = [
                    entry
                    for key, entry in sorted(self.db.webhook_deliveries.items())
                    if entry["webhook_id"] == row["id"]
                ]
                last = delivery_of(mine[-1]) if mine else None
                found.append(WebhookListing(webhook_of(row), last))
            return found

    def standups_with_webhooks(self, realm_id: int) -> set[int]:
        with self.db.lock:
            mine = self.db.standup_ids_of_realm(realm_id)
            return {int(r["standup_id"]) for r in self.db.webhooks.values()} & mine

    def target(self, webhook_id: int) -> WebhookTarget | None:
        with self.db.lock:
            row = self.db.webhooks.get(webhook_id)
            if row is None:
                return None
            return WebhookTarget(webhook_id, int(row["standup_id"]), row["url"], row["secret"])

    def record_event(self, event: WebhookEvent, now: dt.datetime) -> int:
        with self.db.lock:
            targets = [int(row["id"]) for row in self._of(event.standup_id)]
            if not targets or event.id in self.db.webhook_events:
                return 0
            self.db.webhook_events[event.id] = {
                "id": event.id,
                "standup_id": event.standup_id,
                "type": event.type,
                "run_date": event.run_date,
                "user_id": event.user_id,
                "body": event.body,
                "body_encrypted": False,
                "created_at": utc(event.created_at),
            }
            known = {row["key"] for row in self.db.jobs.values()}
            queued = 0
            for webhook_id in targets:
                job = delivery_job(event, webhook_id, now)
                if job["key"] in known:
                    continue
                job_id = self.db.next_id("jobs")
                self.db.jobs[job_id] = {
                    **job,
                    "id": job_id,
                    "due_at": utc(now),
                    "claimed_by": None,
                    "claimed_at": None,
                    "finished_at": None,
                    "last_error": None,
                    "scheduled_message_id": None,
                }
                queued += 1
            return queued

    def event(self, event_id: str) -> WebhookEvent | None:
        with self.db.lock:
            row = self.db.webhook_events.get(event_id)
            if row is None:
                return None
            return WebhookEvent(
                row["id"],
                row["type"],
                row["standup_id"],
                row["run_date"],
                row["user_id"],
                row["created_at"],
                row["body"],
            )

    def log_delivery(self, entry: DeliveryRecord) -> None:
        with self.db.lock:
            if entry.webhook_id not in self.db.webhooks:
                return
            entry_id = self.db.next_id("webhook_deliveries")
            self.db.webhook_deliveries[entry_id] = {
                "id": entry_id,
                "webhook_id": entry.webhook_id,
                "event_id": entry.event_id,
                "event_type": entry.event_type,
                "attempt": entry.attempt,
                "status_code": entry.status_code,
                "error": entry.error,
                "at": utc(entry.at),
            }

    def deliveries(
        self, standup_id: int, webhook_id: int | None, limit: int
    ) -> list[DeliveryRecord]:
        with self.db.lock:
            mine = {int(row["id"]) for row in self._of(standup_id)}
            if webhook_id is not None:
                mine &= {webhook_id}
            rows = [
                entry
                for _, entry in sorted(self.db.webhook_deliveries.items(), reverse=True)
                if entry["webhook_id"] in mine
            ]
            return [delivery_of(entry) for entry in rows[:limit]]

    def purge(self, before: dt.datetime) -> int:
        with self.db.lock:
            events = [k for k, r in self.db.webhook_events.items() if r["created_at"] < before]
            log = [k for k, r in self.db.webhook_deliveries.items() if r["at"] < before]
            for key in events:
                del self.db.webhook_events[key]
            for entry_id in log:
                del self.db.webhook_deliveries[entry_id]
            return len(events) + len(log)
