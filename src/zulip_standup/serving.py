"""One process serving several bot accounts: each account by lease, one health endpoint.

Every account gets a ``BotProcess`` that serves it while this process holds
its lease and waits as a standby otherwise, so N processes started with the
same zuliprc files on one PostgreSQL share the accounts and take over from
each other within the lease TTL.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from zulip_standup.app import BotProcess, RunOptions
from zulip_standup.clock import SystemClock
from zulip_standup.http.metrics import Metrics
from zulip_standup.http.probes import Ping
from zulip_standup.listening import listen
from zulip_standup.ports import Clock
from zulip_standup.services.runtime import Runtime
from zulip_standup.settings import Settings
from zulip_standup.storage import migrate as migrations
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.web_access import WebAccessStore
from zulip_standup.zulip.events import FatalZulipError

if TYPE_CHECKING:
    from zulip_standup.http.server import HealthServer

log = logging.getLogger(__name__)


class Service:
    """Runs one ``BotProcess`` per account until stopped; shares the engine and metrics."""

    def __init__(
        self,
        accounts: list[Settings],
        *,
        clock: Clock | None = None,
        options: RunOptions | None = None,
    ) -> None:
        if not accounts:
            msg = "no bot account to serve"
            raise ValueError(msg)
        emails = [a.zulip_email for a in accounts]
        if len(set(emails)) != len(emails):
            msg = "the same bot account is given twice"
            raise ValueError(msg)
        self.settings = accounts[0]
        self.options = options or RunOptions()
        self.metrics = Metrics()
        self.engine = make_engine(self.settings.database_url.get_secret_value())
        child = replace(self.options, migrate=False, health=False)
        self.processes = [
            BotProcess(s, clock=clock, engine=self.engine, options=child, metrics=self.metrics)
            for s in accounts
        ]
        self.health: HealthServer | None = None
        self.failed: dict[str, str] = {}
        self.clock = clock or SystemClock()

    def stop(self) -> None:
        for process in self.processes:
            process.stop()

    async def run(self) -> None:
        """Serve until stopped; raise FatalZulipError only when every account was refused."""
        try:
            if self.options.migrate:
                await asyncio.to_thread(migrations.upgrade, self.engine)
            if self.options.health:
                self.health = await listen(
                    self.settings,
                    self.metrics,
                    self._pings(),
                    WebAccessStore(self.engine),
                    self.clock,
                    self._runtime_of,
                )
            results = await asyncio.gather(
                *(self._run_one(p) for p in self.processes), return_exceptions=True
            )
            for result in results:
                if isinstance(result, BaseException) and not isinstance(result, FatalZulipError):
                    raise result
            if len(self.failed) == len(self.processes):
                raise FatalZulipError("; ".join(self.failed.values()))
        finally:
            if self.health is not None:
                await self.health.stop()
            self.engine.dispose()

    async def _run_one(self, process: BotProcess) -> None:
        try:
            await process.run()
        except FatalZulipError as exc:
            # One refused account must not take the others down with it.
            self.failed[process.account] = f"{process.account}: {exc}"
            log.error("account_stopped", extra={"account": process.account, "reason": str(exc)})
            raise

    def _runtime_of(self, realm_id: int) -> Runtime | None:
        """The runtime of the account serving a realm here, if this process serves it now."""
        for process in self.processes:
            runtime = process.runtime_for(realm_id)
            if runtime is not None:
                return runtime
        return None

    def _pings(self) -> dict[str, Ping]:
        """The accounts' checks merged: a check fails when it fails for any account."""
        per_account = [p.pings() for p in self.processes]
        names = list(per_account[0])

        def merged(name: str) -> Ping:
            async def ping() -> bool:
                for pings in per_account:
                    if not await pings[name]():
                        return False
                return True

            return ping

        return {name: merged(name) for name in names}
