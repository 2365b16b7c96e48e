"""The SQL of webhooks: their rows, their events queued as delivery jobs in the event's own
transaction, and the delivery log. Secrets and event bodies are sealed with the answers'
cipher (they hold answers), so they are encrypted at rest when keys are configured."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, Table, delete, func, insert, select, update

from zulip_standup.domain.scheduling.jobs import JobKind, JobStatus
from zulip_standup.domain.webhooks.events import WebhookEvent, delivery_key
from zulip_standup.domain.webhooks.records import (
    DeliveryRecord,
    WebhookListing,
    WebhookRecord,
    WebhookTarget,
)
from zulip_standup.storage.conflicts import insert_ignoring_duplicates
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.engine import reading
from zulip_standup.storage.tables import (
    jobs,
    standups,
    webhook_deliveries,
    webhook_events,
    webhooks,
)


def delivery_job(event: WebhookEvent, webhook_id: int, now: dt.datetime) -> dict[str, Any]:
    """The pending job row of one delivery (the SQL store's and the twin's)."""
    return {
        "key": delivery_key(event.id, webhook_id),
        "standup_id": event.standup_id,
        "kind": str(JobKind.WEBHOOK),
        "run_date": event.run_date,
        "user_id": None,
        "due_at": now,
        "deadline_at": None,
        "status": JobStatus.PENDING.value,
        "attempts": 0,
        "schedule_version": 0,
    }


def webhook_of(row: Mapping[Any, Any]) -> WebhookRecord:
    created_by = row["created_by"]
    return WebhookRecord(
        int(row["id"]),
        int(row["standup_id"]),
        row["url"],
        None if created_by is None else int(created_by),
        row["created_at"],
    )


def delivery_of(row: Mapping[Any, Any]) -> DeliveryRecord:
    status = row["status_code"]
    return DeliveryRecord(
        int(row["webhook_id"]),
        row["event_id"],
        row["event_type"],
        int(row["attempt"]),
        None if status is None else int(status),
        row["error"],
        row["at"],
    )


class WebhookStoreSQL:
    """``WebhookStore`` on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine, cipher: AnswerCipher) -> None:
        self.engine = engine
        self._cipher = cipher

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
        sealed, encrypted = self._cipher.seal(secret)
        with self.engine.begin() as conn:
            urls = conn.execute(
                select(webhooks.c.url).where(webhooks.c.standup_id == standup_id)
            ).scalars()
            known = list(urls)
            if len(known) >= limit or url in known:
                return None
            row = conn.execute(
                insert(webhooks)
                .values(
                    standup_id=standup_id,
                    url=url,
                    secret=sealed,
                    secret_encrypted=encrypted,
                    created_by=created_by,
                    created_at=now,
                )
                .returning(*webhooks.c)
            ).one()
        return webhook_of(row._mapping)

    def remove(self, standup_id: int, webhook_id: int) -> bool:
        with self.engine.begin() as conn:
            gone = conn.execute(
                delete(webhooks).where(
                    webhooks.c.id == webhook_id, webhooks.c.standup_id == standup_id
                )
            ).rowcount
        return bool(gone)

    def of_standup(self, standup_id: int) -> list[WebhookListing]:
        latest = (
            select(func.max(webhook_deliveries.c.id))
            .where(
                webhook_deliveries.c.webhook_id.in_(
                    select(webhooks.c.id).where(webhooks.c.standup_id == standup_id)
                )
            )
            .group_by(webhook_deliveries.c.webhook_id)
        )
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(webhooks).where(webhooks.c.standup_id == standup_id).order_by(webhooks.c.id)
            ).all()
            last = {
                int(r.webhook_id): delivery_of(r._mapping)
                for r in conn.execute(
                    select(webhook_deliveries).where(
                        webhook_deliveries.c.id.in_(latest.scalar_subquery())
                    )
                )
            }
        return [WebhookListing(webhook_of(r._mapping), last.get(int(r.id))) for r in rows]

    def standups_with_webhooks(self, realm_id: int) -> set[int]:
        with reading(self.engine) as conn:
            found = conn.execute(
                select(webhooks.c.standup_id)
                .join(standups, standups.c.id == webhooks.c.standup_id)
                .where(standups.c.realm_id == realm_id)
                .distinct()
            ).scalars()
            return {int(standup_id) for standup_id in found}

    def target(self, webhook_id: int) -> WebhookTarget | None:
        with reading(self.engine) as conn:
            row = conn.execute(select(webhooks).where(webhooks.c.id == webhook_id)).first()
        if row is None:
            return None
        secret = self._cipher.open(row.secret, row.secret_encrypted)
        return WebhookTarget(int(row.id), int(row.standup_id), row.url, secret)

    def record_event(self, event: WebhookEvent, now: dt.datetime) -> int:
        body, encrypted = self._cipher.seal(event.body)
        with self.engine.begin() as conn:
            targets = list(
                conn.execute(
                    select(webhooks.c.id)
                    .where(webhooks.c.standup_id == event.standup_id)
                    .order_by(webhooks.c.id)
                ).scalars()
            )
            if not targets:
                return 0
            stored = conn.execute(
                insert_ignoring_duplicates(conn, webhook_events, "id")
                .values(
                    id=event.id,
                    standup_id=event.standup_id,
                    type=event.type,
                    run_date=event.run_date,
                    user_id=event.user_id,
                    body=body,
                    body_encrypted=encrypted,
                    created_at=event.created_at,
                )
                .returning(webhook_events.c.id)
            ).first()
            if stored is None:
                return 0  # reported before: its deliveries are queued already
            queued = conn.execute(
                insert_ignoring_duplicates(conn, jobs, "key").returning(jobs.c.id),
                [delivery_job(event, webhook_id, now) for webhook_id in targets],
            ).all()
        return len(queued)

    def event(self, event_id: str) -> WebhookEvent | None:
        with reading(self.engine) as conn:
            row = conn.execute(
                select(webhook_events).where(webhook_events.c.id == event_id)
            ).first()
        if row is None:
            return None
        user_id = None if row.user_id is None else int(row.user_id)
        body = self._cipher.open(row.body, row.body_encrypted)
        return WebhookEvent(
            row.id, row.type, int(row.standup_id), row.run_date, user_id, row.created_at, body
        )

    def log_delivery(self, entry: DeliveryRecord) -> None:
        with self.engine.begin() as conn:
            known = conn.execute(
                select(webhooks.c.id).where(webhooks.c.id == entry.webhook_id)
            ).first()
            if known is None:
                return  # removed while its delivery was in flight
            conn.execute(
                insert(webhook_deliveries).values(
                    webhook_id=entry.webhook_id,
                    event_id=entry.event_id,
                    event_type=entry.event_type,
                    attempt=entry.attempt,
                    status_code=entry.status_code,
                    error=entry.error,
                    at=entry.at,
                )
            )

    def deliveries(
        self, standup_id: int, webhook_id: int | None, limit: int
    ) -> list[DeliveryRecord]:
        mine = select(webhooks.c.id).where(webhooks.c.standup_id == standup_id)
        if webhook_id is not None:
            mine = mine.where(webhooks.c.id == webhook_id)
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(webhook_deliveries)
                .where(webhook_deliveries.c.webhook_id.in_(mine))
                .order_by(webhook_deliveries.c.id.desc())
                .limit(limit)
            ).all()
        return [delivery_of(r._mapping) for r in rows]

    def purge(self, before: dt.datetime) -> int:
        """Events and delivery log entries older than ``before`` deleted; how many."""
        with self.engine.begin() as conn:
            events = conn.execute(
                delete(webhook_events).where(webhook_events.c.created_at < before)
            ).rowcount
            log = conn.execute(
                delete(webhook_deliveries).where(webhook_deliveries.c.at < before)
            ).rowcount
        return int(events or 0) + int(log or 0)

    def rotate_keys(self) -> int:
        """Re-encrypt every secret and event body under the newest key (``rotate-keys``);
        those rows never change once written, so each is written back only if it still
        holds what was read (a row deleted meanwhile drops out); how many were rewritten."""
        rewritten = 0
        for table, column, flag in (
            (webhooks, "secret", "secret_encrypted"),
            (webhook_events, "body", "body_encrypted"),
        ):
            rewritten += self._rotate(table, column, flag)
        return rewritten

    def _rotate(self, table: Table, column: str, flag: str) -> int:
        with reading(self.engine) as conn:
            rows = conn.execute(select(table.c.id, table.c[column], table.c[flag])).all()
        rewritten = 0
        with self.engine.begin() as conn:
            for row in rows:
                stored, encrypted = row[1], bool(row[2])
                sealed = self._cipher.rotate(stored, encrypted)
                rewritten += conn.execute(
                    update(table)
                    .where(table.c.id == row[0], table.c[column] == stored)
                    .values({column: sealed, flag: True})
                ).rowcount
        return rewritten
