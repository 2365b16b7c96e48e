"""Realm leases: which process serves which bot account, on SQLite and PostgreSQL.

A lease is the realm row's (holder, epoch, expires_at). Acquiring bumps the
epoch and, in the same transaction, hands the previous epoch's job claims
back to the queue, so a restarted process or a standby resumes at once
instead of waiting for those claims to go stale. Renewal is conditional on
holder and epoch: a process that lost its lease cannot extend it again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, insert, or_, select, update

from zulip_standup.domain.scheduling.jobs import JobStatus
from zulip_standup.storage.engine import reading
from zulip_standup.storage.tables import jobs, realms, standups


@dataclass(frozen=True, slots=True)
class Lease:
    """A held lease: the realm, who holds it, and the epoch job claims carry."""

    realm_id: int
    holder: str
    epoch: int

    @property
    def claim_tag(self) -> str:
        """The ``claimed_by`` of this holder's job claims: holder and epoch."""
        return f"{self.holder}#{self.epoch}"


@dataclass(frozen=True, slots=True)
class LeaseRow:
    """A realm's lease as stored, for status pages and metrics."""

    realm_id: int
    bot_email: str
    holder: str | None
    epoch: int
    expires_at: dt.datetime | None


class LeaseStore:
    """Acquire, renew and release realm leases."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def realm(self, site: str, bot_email: str, now: dt.datetime) -> int:
        """The realm row of a bot account, created on first sight (before Zulip is reached)."""
        with self.engine.begin() as conn:
            found = conn.execute(
                select(realms.c.id).where(realms.c.site == site, realms.c.bot_email == bot_email)
            ).scalar()
            if found is not None:
                return int(found)
            result = conn.execute(
                insert(realms).values(site=site, bot_email=bot_email, created_at=now)
            )
            assert result.inserted_primary_key is not None
            return int(result.inserted_primary_key[0])

    def acquire(
        self, realm_id: int, holder: str, now: dt.datetime, ttl: dt.timedelta
    ) -> tuple[Lease, int] | None:
        """Take the lease if it is free, expired or already ours; return it with the number of
        job claims released from earlier epochs, or None while another holder keeps it."""
        with self.engine.begin() as conn:
            epoch = conn.execute(
                update(realms)
                .where(
                    realms.c.id == realm_id,
                    or_(
                        realms.c.lease_owner.is_(None),
                        realms.c.lease_expires_at.is_(None),
                        realms.c.lease_expires_at < now,
                        realms.c.lease_owner == holder,
                    ),
                )
                .values(
                    lease_owner=holder,
                    lease_expires_at=now + ttl,
                    lease_epoch=realms.c.lease_epoch + 1,
                )
                .returning(realms.c.lease_epoch)
            ).scalar()
            if epoch is None:
                return None
            lease = Lease(realm_id, holder, int(epoch))
            released = conn.execute(
                update(jobs)
                .where(
                    jobs.c.status == JobStatus.CLAIMED.value,
                    jobs.c.standup_id.in_(
                        select(standups.c.id).where(standups.c.realm_id == realm_id)
                    ),
                )
                .values(
                    status=JobStatus.PENDING.value,
                    claimed_by=None,
                    claimed_at=None,
                    last_error="claim released by a new lease holder",
                )
            ).rowcount
        return lease, int(released or 0)

    def renew(self, lease: Lease, now: dt.datetime, ttl: dt.timedelta) -> bool:
        """Extend a held lease; False when it was taken over (stop serving at once)."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(realms)
                .where(
                    realms.c.id == lease.realm_id,
                    realms.c.lease_owner == lease.holder,
                    realms.c.lease_epoch == lease.epoch,
                )
                .values(lease_expires_at=now + ttl)
            )
        return result.rowcount == 1

    def release(self, lease: Lease) -> None:
        """Give the lease up on a clean stop, so a standby takes over without waiting."""
        with self.engine.begin() as conn:
            conn.execute(
                update(realms)
                .where(
                    realms.c.id == lease.realm_id,
                    realms.c.lease_owner == lease.holder,
                    realms.c.lease_epoch == lease.epoch,
                )
                .values(lease_owner=None, lease_expires_at=None)
            )

    def rows(self) -> list[LeaseRow]:
        with reading(self.engine) as conn:
            found = conn.execute(
                select(
                    realms.c.id,
                    realms.c.bot_email,
                    realms.c.lease_owner,
                    realms.c.lease_epoch,
                    realms.c.lease_expires_at,
                ).order_by(realms.c.id)
            ).all()
        return [LeaseRow(int(r[0]), str(r[1]), r[2], int(r[3]), r[4]) for r in found]
