"""Holding a bot account's lease: acquire it (waiting as a standby), renew it, give it up.

The lease follows real time (like rate limits), also when scheduling runs on a
test clock. A holder that cannot renew stops serving once its lease would have
run out, since another process may hold it by then.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket

from zulip_standup.http.metrics import Metrics
from zulip_standup.ports import Clock
from zulip_standup.services.waiting import sleep_or_stop
from zulip_standup.storage.errors import is_transient_db_error
from zulip_standup.storage.leases import Lease, LeaseStore

log = logging.getLogger(__name__)


def default_instance_id() -> str:
    """Host and process: unique among live processes; a restart gets a new one."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LeaseLostError(Exception):
    """Another process took this account over: stop serving it at once."""


class LeaseKeeper:
    """One account's lease as seen by one process."""

    def __init__(
        self,
        leases: LeaseStore,
        clock: Clock,
        stop: asyncio.Event,
        metrics: Metrics,
        *,
        account: str,
        holder: str,
        ttl: dt.timedelta,
    ) -> None:
        self.leases = leases
        self.clock = clock
        self.stop = stop
        self.metrics = metrics
        self.account = account
        self.holder = holder
        self.ttl = ttl
        self.lease: Lease | None = None
        # True while another process holds the lease and this one waits to take over.
        self.standby = False

    def served(self, serving: bool) -> None:
        self.metrics.lease_held.labels(account=self.account, holder=self.holder).set(
            1 if serving else 0
        )

    async def release(self) -> None:
        """On a clean stop: a standby takes over without waiting for the TTL."""
        if self.lease is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self.leases.release, self.lease)
            self.lease = None

    async def acquire(self, realm_id: int) -> Lease | None:
        """Wait until this process holds the account's lease; None when stopped first."""
        waited = False
        while not self.stop.is_set():
            try:
                now = self.clock.now()
                got = await asyncio.to_thread(
                    self.leases.acquire, realm_id, self.holder, now, self.ttl
                )
            except Exception as exc:
                if not is_transient_db_error(exc):
                    raise
                log.warning("lease_acquire_failed", extra={"account": self.account})
                got = None
            if got is not None:
                lease, released = got
                self.lease = lease
                self.standby = False
                self.served(True)
                self.metrics.lease_epoch.labels(account=self.account).set(lease.epoch)
                log.info(
                    "lease_acquired",
                    extra={
                        "account": self.account,
                        "holder": self.holder,
                        "epoch": lease.epoch,
                        "claims_released": released,
                    },
                )
                return lease
            self.standby = True
            if not waited:
                log.info("lease_standby", extra={"account": self.account, "holder": self.holder})
                waited = True
            await sleep_or_stop(self.clock, self.stop, self.ttl.total_seconds() / 3)
        return None

    async def keep(self, lease: Lease) -> None:
        """Renew every TTL/3; raise LeaseLostError when taken over, or when renewals kept
        failing until the lease ran out (another process may hold it by then)."""
        valid_until = self.clock.now() + self.ttl
        while not self.stop.is_set():
            await sleep_or_stop(self.clock, self.stop, self.ttl.total_seconds() / 3)
            if self.stop.is_set():
                return
            now = self.clock.now()
            try:
                renewed = await asyncio.to_thread(self.leases.renew, lease, now, self.ttl)
            except Exception:
                log.warning("lease_renewal_failed", extra={"account": self.account})
                if self.clock.now() >= valid_until:
                    raise LeaseLostError from None
                continue
            if not renewed:
                raise LeaseLostError
            valid_until = now + self.ttl
