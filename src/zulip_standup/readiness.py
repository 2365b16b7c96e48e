"""Readiness of one served account: the checks the health endpoint runs on each request.

Kept apart from the composition root (``app``) because they answer an operator's question
(is this process able to serve?) rather than build anything.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Protocol

from zulip_standup.http.probes import Ping
from zulip_standup.leasing import LeaseKeeper
from zulip_standup.ports import Clock
from zulip_standup.storage.jobs import JobStore
from zulip_standup.zulip.events import EventStream

# Readiness: due jobs waiting longer than this mean the account is not being served.
OVERDUE_AFTER = dt.timedelta(seconds=60)


class ServedAccount(Protocol):
    """What the checks read of a bot process, at the moment they run."""

    clock: Clock
    keeper: LeaseKeeper
    job_store: JobStore
    ready: asyncio.Event
    realm_id: int | None
    stream: EventStream | None


def account_pings(process: ServedAccount, database_answers: Callable[[], bool]) -> dict[str, Ping]:
    """Readiness checks: the database answers; Zulip's event queue is polled without an
    outage; no due job of the account waits more than a minute. A standby (another
    process holds the lease) is ready: it can take over at any moment; a process that
    is still starting to serve the account is not."""

    async def database() -> bool:
        return await asyncio.to_thread(database_answers)

    async def zulip() -> bool:
        if not process.ready.is_set():
            return process.keeper.standby  # not ready while starting to serve
        stream = process.stream
        return stream is not None and stream.connected.is_set() and stream.outage_since is None

    async def scheduler() -> bool:
        if not process.ready.is_set() or process.realm_id is None:
            return True
        due = await asyncio.to_thread(process.job_store.next_due_at, process.realm_id)
        return due is None or process.clock.now() - due <= OVERDUE_AFTER

    return {"database": database, "zulip": zulip, "scheduler": scheduler}
