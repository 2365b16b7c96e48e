"""The inbox's low-water mark on memory, SQLite and PostgreSQL (``stores``), and the realm
leases on SQLite and PostgreSQL (``engine``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from storage.scheduling_rows import add_realm, add_standup
from storage.store_set import StoreSet
from zulip_standup.domain.scheduling.jobs import JobKind, JobStatus
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.storage.inbox import InboxState
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.leases import LeaseStore
from zulip_standup.storage.tables import jobs

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=30)


def test_low_water_stays_below_an_unfinished_message_that_a_later_one_overtook(
    stores: StoreSet,
) -> None:
    """Messages 11 (Carol) and 12 (Alice) arrive; Alice's finishes first. Catch-up must start
    below 11 until it is done, then move to the highest finished id (finding 1)."""
    realm = stores.realm()
    inbox = stores.inbox
    inbox.ensure_anchor(realm, 10)
    assert inbox.low_water(realm) == 10
    assert inbox.receive(realm, [12, 11], NOW) == [11, 12]  # both new: first deliveries
    assert inbox.done(realm, 12, NOW)
    assert inbox.low_water(realm) == 10  # 11 is still unfinished
    inbox.failed(realm, 11, NOW, permanent=False, incident="abc")
    assert inbox.state(realm, 11) is InboxState.FAILED_TRANSIENT
    assert inbox.low_water(realm) == 10
    assert inbox.begin(realm, 11, NOW).attempt == 2  # redelivered after the failure
    assert inbox.done(realm, 11, NOW)
    assert inbox.low_water(realm) == 12
    assert inbox.begin(realm, 11, NOW).finished  # a third delivery is recognised as handled


def test_permanent_failure_finishes_a_message_and_trim_keeps_the_floor(stores: StoreSet) -> None:
    """A message given up on no longer holds catch-up back; trimming old rows keeps the
    realm's catch-up point where it was."""
    realm = stores.realm()
    inbox = stores.inbox
    inbox.receive(realm, [20, 21], NOW)
    inbox.begin(realm, 20, NOW)
    inbox.failed(realm, 20, NOW, permanent=True, incident="dead")
    inbox.done(realm, 21, NOW)
    assert inbox.is_finished(realm, 20)
    assert inbox.low_water(realm) == 21
    assert inbox.trim(NOW + dt.timedelta(days=1)) == 2
    assert inbox.low_water(realm) == 21


def test_failures_of_finished_or_unknown_messages_are_refused(stores: StoreSet) -> None:
    """A failure reported after the message's effects were stored does not reopen it, and a
    message never received cannot fail; catch-up looks back from the lowest recent message."""
    realm = stores.realm()
    inbox = stores.inbox
    assert inbox.receive(realm, [30, 31, 32], NOW) == [30, 31, 32]
    assert inbox.receive(realm, [40, 32], NOW + dt.timedelta(minutes=5)) == [40]
    assert inbox.done(realm, 30, NOW)
    assert not inbox.failed(realm, 30, NOW, permanent=False)
    assert inbox.state(realm, 30) is InboxState.DONE
    assert not inbox.failed(realm, 99, NOW, permanent=True)
    assert inbox.state(realm, 99) is None
    assert inbox.begin(realm, 31, NOW).attempt == 2  # the receipt began the first delivery
    assert inbox.receive(realm, [31], NOW) == []  # received again: left as it is
    assert inbox.begin(realm, 31, NOW).attempt == 3
    assert inbox.begin(realm, 77, NOW).attempt == 1  # handled without a receipt first
    assert inbox.lowest_since(realm, NOW) == 30
    assert inbox.lowest_since(realm, NOW + dt.timedelta(minutes=1)) == 40
    assert inbox.lowest_since(realm, NOW + dt.timedelta(minutes=6)) is None
    assert inbox.low_water(realm) == 30
    other = stores.realm("https://other.example.org")
    assert inbox.low_water(other) is None


def test_lease_is_exclusive_until_it_expires_and_each_holder_gets_a_new_epoch(
    engine: Engine,
) -> None:
    """One holder at a time; a live lease refuses others; an expired one moves over with a
    higher epoch, and the old holder can no longer renew it."""
    leases = LeaseStore(engine)
    realm = leases.realm("https://chat.example.com", "bot@example.com", NOW)
    first = leases.acquire(realm, "a", NOW, TTL)
    assert first is not None
    assert leases.acquire(realm, "b", NOW + dt.timedelta(seconds=29), TTL) is None
    assert leases.renew(first[0], NOW + dt.timedelta(seconds=10), TTL)
    assert leases.acquire(realm, "b", NOW + dt.timedelta(seconds=39), TTL) is None
    second = leases.acquire(realm, "b", NOW + dt.timedelta(seconds=41), TTL)
    assert second is not None
    assert second[0].epoch == first[0].epoch + 1
    assert not leases.renew(first[0], NOW + dt.timedelta(seconds=42), TTL)
    leases.release(second[0])
    third = leases.acquire(realm, "c", NOW + dt.timedelta(seconds=43), TTL)
    assert third is not None
    assert third[0].epoch == second[0].epoch + 1


def test_a_new_holder_takes_back_the_claims_of_the_previous_epoch_at_once(
    engine: Engine,
) -> None:
    """Jobs claimed by a holder that died go back to the queue when the account's lease is
    taken, without waiting for them to go stale (finding 2); another realm's claims stay."""
    leases = LeaseStore(engine)
    realm = leases.realm("https://chat.example.com", "bot@example.com", NOW)
    other_realm = add_realm(engine, "https://other.example.org")
    sid = add_standup(engine, realm, "daily")
    other_sid = add_standup(engine, other_realm, "daily")
    store = JobStore(engine)
    day = NOW.date()
    store.insert(
        [Occurrence(s, JobKind.PROMPT, day, u, NOW, None) for s in (sid, other_sid) for u in (1, 2)]
    )
    held = leases.acquire(realm, "dead", NOW, TTL)
    assert held is not None
    claimed = store.claim_due(NOW, 10, held[0].claim_tag, realm_id=realm)
    assert {j.standup_id for j in claimed} == {sid}
    assert len(claimed) == 2
    store.claim_due(NOW, 10, "someone-else#1", realm_id=other_realm)
    taken = leases.acquire(realm, "dead", NOW + dt.timedelta(seconds=1), TTL)  # restarted
    assert taken is not None
    assert taken[1] == 2
    again = store.claim_due(NOW, 10, taken[0].claim_tag, realm_id=realm)
    assert sorted(j.user_id for j in again) == [1, 2]
    assert all(j.attempt == 2 for j in again)  # the handler reconciles before sending
    assert not store.complete(claimed[0].id, held[0].claim_tag, NOW)  # the old claim is void
    with engine.connect() as conn:
        others = conn.execute(select(jobs.c.status).where(jobs.c.standup_id == other_sid)).all()
    assert {row.status for row in others} == {JobStatus.CLAIMED.value}
