"""The webhook store's contract on memory, SQLite and PostgreSQL: rows, events queued as
delivery jobs once, the delivery log, and what deleting a standup or forgetting a person
leaves (nothing of theirs)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import Engine, select

from storage.store_set import StoreSet
from zulip_standup.domain.scheduling.jobs import JobKind, JobStatus
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.domain.standup import StandupSettings
from zulip_standup.domain.webhooks.events import (
    ANSWERS_SUBMITTED,
    StandupRef,
    delivery_key,
    new_event,
)
from zulip_standup.domain.webhooks.records import DeliveryRecord
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.standups import StandupStore
from zulip_standup.storage.tables import webhook_events, webhooks
from zulip_standup.storage.webhooks import WebhookStoreSQL

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 30)
ANN = 11


def _standup(stores: StoreSet, name: str = "standup") -> Any:
    realm = stores.realm()
    return stores.standups.create(realm, 3, "dev", 10, StandupSettings(name=name), NOW)


def _event(standup_id: int, key: str = "a", user_id: int | None = ANN) -> Any:
    ref = StandupRef(standup_id, "standup", "dev")
    return new_event(
        ANSWERS_SUBMITTED, f"00000000-0000-0000-0000-{key:0>12}", ref, DAY, NOW, {"x": 1}, user_id
    )


def test_webhooks_are_added_listed_and_removed_with_a_limit(stores: StoreSet) -> None:
    """Two webhooks under a limit of two; a third and a repeated URL are refused; removing
    one by id (of the right standup only) leaves the other."""
    hooks = stores.webhooks
    standup = _standup(stores)
    other = _standup(stores, "retro")
    first = hooks.add(standup.id, "https://a.example.com/", "s1", 10, NOW, limit=2)
    assert first is not None
    assert hooks.add(standup.id, "https://a.example.com/", "s9", 10, NOW, limit=2) is None
    second = hooks.add(standup.id, "https://b.example.com/", "s2", 10, NOW, limit=2)
    assert second is not None
    assert hooks.add(standup.id, "https://c.example.com/", "s3", 10, NOW, limit=2) is None
    listed = hooks.of_standup(standup.id)
    assert [(w.webhook.id, w.webhook.url, w.last) for w in listed] == [
        (first.id, "https://a.example.com/", None),
        (second.id, "https://b.example.com/", None),
    ]
    assert hooks.target(first.id).secret == "s1"
    assert hooks.standups_with_webhooks(stores.realm()) == {standup.id}
    assert not hooks.remove(other.id, first.id)
    assert hooks.remove(standup.id, first.id)
    assert [w.webhook.id for w in hooks.of_standup(standup.id)] == [second.id]


def test_an_event_queues_one_delivery_job_per_webhook_once(stores: StoreSet) -> None:
    """The event is stored with one pending webhook job per webhook, due now; reporting it
    again queues nothing; a standup without webhooks stores nothing."""
    hooks = stores.webhooks
    standup = _standup(stores)
    bare = _standup(stores, "retro")
    ids = [
        hooks.add(standup.id, f"https://{n}.example.com/", "s", 10, NOW, limit=5).id for n in "ab"
    ]
    event = _event(standup.id)
    assert hooks.record_event(event, NOW) == 2
    assert hooks.record_event(event, NOW) == 0
    assert hooks.record_event(_event(bare.id, "b"), NOW) == 0
    assert hooks.event(_event(bare.id, "b").id) is None
    assert hooks.event(event.id) == event
    rows = stores.jobs.rows_for_standup(standup.id)
    assert [(r["key"], r["kind"], r["status"], r["due_at"]) for r in rows] == [
        (delivery_key(event.id, webhook_id), JobKind.WEBHOOK.value, JobStatus.PENDING.value, NOW)
        for webhook_id in ids
    ]


def test_a_replan_never_touches_delivery_jobs(stores: StoreSet) -> None:
    """A re-plan with an empty plan deletes the standup's future prompt but keeps the
    pending webhook delivery (also one due later, after a retry)."""
    standup = _standup(stores)
    stores.webhooks.add(standup.id, "https://a.example.com/", "s", 10, NOW, limit=5)
    stores.webhooks.record_event(_event(standup.id), NOW + dt.timedelta(hours=1))
    later = NOW + dt.timedelta(hours=2)
    stores.jobs.insert([Occurrence(standup.id, JobKind.PROMPT, DAY, ANN, later, None)])
    result = stores.jobs.replan_standup(standup.id, [], NOW, NOW + dt.timedelta(days=1))
    assert result.deleted == 1
    kinds = [r["kind"] for r in stores.jobs.rows_for_standup(standup.id)]
    assert kinds == [JobKind.WEBHOOK.value]


def test_the_delivery_log_newest_first_and_the_latest_in_the_listing(stores: StoreSet) -> None:
    """Attempts are listed newest first, per webhook or for all; the listing shows each
    webhook's latest attempt; an attempt of a removed webhook is not logged."""
    hooks = stores.webhooks
    standup = _standup(stores)
    a = hooks.add(standup.id, "https://a.example.com/", "s", 10, NOW, limit=5)
    b = hooks.add(standup.id, "https://b.example.com/", "s", 10, NOW, limit=5)
    for n, (hook, status, error) in enumerate(
        ((a, 500, None), (b, None, "timed out"), (a, 200, None))
    ):
        at = NOW + dt.timedelta(minutes=n)
        hooks.log_delivery(
            DeliveryRecord(hook.id, "e1", ANSWERS_SUBMITTED, n + 1, status, error, at)
        )
    assert [d.attempt for d in hooks.deliveries(standup.id, None, 20)] == [3, 2, 1]
    assert [d.status_code for d in hooks.deliveries(standup.id, a.id, 20)] == [200, 500]
    assert [d.status_code for d in hooks.deliveries(standup.id, a.id, 1)] == [200]
    last = {w.webhook.id: w.last for w in hooks.of_standup(standup.id)}
    assert last[a.id].status_code == 200
    assert last[b.id].error == "timed out"
    hooks.remove(standup.id, b.id)
    hooks.log_delivery(DeliveryRecord(b.id, "e1", ANSWERS_SUBMITTED, 4, 200, None, NOW))
    assert [d.attempt for d in hooks.deliveries(standup.id, None, 20)] == [3, 1]


def test_deleting_a_standup_deletes_its_webhooks_events_and_jobs(stores: StoreSet) -> None:
    """SECURITY.md promise 8: nothing of a deleted standup's webhooks stays."""
    hooks = stores.webhooks
    standup = _standup(stores)
    hook = hooks.add(standup.id, "https://a.example.com/", "s", 10, NOW, limit=5)
    event = _event(standup.id)
    hooks.record_event(event, NOW)
    hooks.log_delivery(DeliveryRecord(hook.id, event.id, event.type, 1, 200, None, NOW))
    stores.standups.delete(standup.id)
    assert hooks.target(hook.id) is None
    assert hooks.event(event.id) is None
    assert hooks.deliveries(standup.id, None, 20) == []
    assert stores.jobs.rows_for_standup(standup.id) == []


def test_forgetting_a_person_deletes_their_events_and_unnames_their_webhooks(
    stores: StoreSet,
) -> None:
    """`forget me`: events about Ann go, Bo's stay; the webhook Ann added stays, not hers."""
    hooks = stores.webhooks
    standup = _standup(stores)
    hook = hooks.add(standup.id, "https://a.example.com/", "s", ANN, NOW, limit=5)
    hooks.record_event(_event(standup.id, "a", ANN), NOW)
    hooks.record_event(_event(standup.id, "b", 12), NOW)
    stores.runs.forget_person(stores.realm(), ANN, NOW)
    assert hooks.event(_event(standup.id, "a").id) is None
    assert hooks.event(_event(standup.id, "b", 12).id) is not None
    assert hooks.of_standup(standup.id)[0].webhook.created_by is None
    assert hooks.target(hook.id) is not None


def test_old_events_and_log_entries_are_purged(stores: StoreSet) -> None:
    """Housekeeping deletes events and log entries older than the cutoff."""
    hooks = stores.webhooks
    standup = _standup(stores)
    hook = hooks.add(standup.id, "https://a.example.com/", "s", 10, NOW, limit=5)
    event = _event(standup.id)
    hooks.record_event(event, NOW)
    hooks.log_delivery(DeliveryRecord(hook.id, event.id, event.type, 1, 200, None, NOW))
    assert hooks.purge(NOW) == 0
    assert hooks.purge(NOW + dt.timedelta(seconds=1)) == 2
    assert hooks.event(event.id) is None


def test_secrets_and_bodies_are_encrypted_at_rest(engine: Engine) -> None:
    """With a key configured, neither the secret nor the body (which holds answers) is
    stored in plain text, and both read back."""
    standups = StandupStore(engine)
    realm = standups.realm_id("https://chat.example.com", "bot@example.com", 99, NOW)
    standup = standups.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    hooks = WebhookStoreSQL(engine, AnswerCipher([Fernet.generate_key().decode()]))
    hook = hooks.add(standup.id, "https://a.example.com/", "top-secret", 10, NOW, limit=5)
    event = _event(standup.id)
    hooks.record_event(event, NOW)
    with engine.connect() as conn:
        secret = conn.execute(select(webhooks.c.secret, webhooks.c.secret_encrypted)).one()
        body = conn.execute(select(webhook_events.c.body, webhook_events.c.body_encrypted)).one()
    assert secret.secret_encrypted
    assert "top-secret" not in secret.secret
    assert body.body_encrypted
    assert '"x"' not in body.body
    assert hooks.target(hook.id).secret == "top-secret"
    assert hooks.event(event.id) == event


def test_rotating_keys_re_encrypts_secrets_and_bodies(engine: Engine) -> None:
    """After `rotate-keys` with NEW,OLD, NEW alone reads the secret and the body."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    standups = StandupStore(engine)
    realm = standups.realm_id("https://chat.example.com", "bot@example.com", 99, NOW)
    standup = standups.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    hooks = WebhookStoreSQL(engine, AnswerCipher([old]))
    hook = hooks.add(standup.id, "https://a.example.com/", "top-secret", 10, NOW, limit=5)
    event = _event(standup.id)
    hooks.record_event(event, NOW)
    assert WebhookStoreSQL(engine, AnswerCipher([new, old])).rotate_keys() == 2
    only_new = WebhookStoreSQL(engine, AnswerCipher([new]))
    assert only_new.target(hook.id).secret == "top-secret"
    assert only_new.event(event.id) == event
