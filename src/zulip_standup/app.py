"""The composition root: builds the bot from settings and runs it until told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from zulip_standup.charts import MatplotlibCharts
from zulip_standup.clock import SystemClock
from zulip_standup.configured import ai_config, is_transient_failure, standup_defaults, webhooks_for
from zulip_standup.domain.chat import ChatEvent, IncomingMessage
from zulip_standup.http.metrics import Metrics
from zulip_standup.http.probes import Ping
from zulip_standup.leasing import LeaseKeeper, LeaseLostError, default_instance_id
from zulip_standup.listening import listen
from zulip_standup.llm.openai_compat import AISummariser
from zulip_standup.ports import Clock
from zulip_standup.readiness import account_pings
from zulip_standup.routing import StandupBot
from zulip_standup.services.bot import BotServices
from zulip_standup.services.directory import Directory
from zulip_standup.services.housekeeping import Housekeeper
from zulip_standup.services.planner import Planner
from zulip_standup.services.rate_limit import CommandLimiter
from zulip_standup.services.runtime import Runtime, Webhooks
from zulip_standup.services.scheduled_prompts import ScheduledPrompts
from zulip_standup.services.scheduler import Worker
from zulip_standup.services.standup_cache import CachedStandups
from zulip_standup.settings import Settings
from zulip_standup.storage import migrate as migrations
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.inbox import InboxStore
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.leases import Lease, LeaseStore
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.scheduled_messages import HandOffStore
from zulip_standup.storage.schedules import ScheduleReader
from zulip_standup.storage.standups import StandupStore
from zulip_standup.storage.web_access import WebAccessStore
from zulip_standup.storage.webhooks import WebhookStoreSQL
from zulip_standup.zulip.events import EventStream, FatalZulipError
from zulip_standup.zulip.gateway import ZulipGateway
from zulip_standup.zulip.rest import ZulipRest

if TYPE_CHECKING:
    from zulip_standup.http.server import HealthServer

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 10.0
# Catch-up looks again at messages received this recently (at most) for edits made while
# the bot was down; Zulip's edit window (600 s by default) bounds what can have changed.
EDIT_LOOKBACK_MAX_S = 86_400


@dataclass
class RunOptions:
    """Knobs of one bot process; tests and the demo shorten the waits."""

    migrate: bool = True
    health: bool = True
    worker_poll_seconds: float = 15.0
    queue_lifespan_secs: int | None = None
    # Rate limits and network backoff follow real time even when scheduling
    # runs on a test clock.
    zulip_clock: Clock | None = None
    limiter_burst: int | None = None
    # Jobs the worker runs at once; None: as many as the Zulip pacer admits (``Pacer.width``).
    worker_concurrency: int | None = None


class BotProcess:
    """One bot account: waits for its lease, then runs its event loop, scheduler and health
    endpoint as one for as long as it holds the lease (a standby until then)."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        engine: Engine | None = None,
        options: RunOptions | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        if not settings.has_zulip_credentials:
            msg = "Zulip credentials are missing: give --zuliprc or ZULIP_EMAIL/API_KEY/SITE"
            raise ValueError(msg)
        assert settings.zulip_site
        assert settings.zulip_email
        assert settings.zulip_api_key
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.options = options or RunOptions()
        self.engine = engine or make_engine(settings.database_url.get_secret_value())
        self._owns_engine = engine is None
        self.metrics = metrics or Metrics()
        # Leases, rate limits and network backoff follow real time even when scheduling
        # runs on a test clock.
        self.real_clock: Clock = self.options.zulip_clock or SystemClock()
        self.leases = LeaseStore(self.engine)
        self.stop_event = asyncio.Event()
        self.keeper = LeaseKeeper(
            self.leases,
            self.real_clock,
            self.stop_event,
            self.metrics,
            account=self.account,
            holder=settings.instance_id or default_instance_id(),
            ttl=dt.timedelta(seconds=settings.lease_ttl_seconds),
        )
        self.realm_id: int | None = None
        self.job_store = JobStore(self.engine)
        self.web_access = WebAccessStore(self.engine)
        self.rest = self._new_rest()
        self._killed = False
        self.ready = asyncio.Event()
        self.bot: StandupBot | None = None
        self.stream: EventStream | None = None
        self.worker: Worker | None = None
        self.planner: Planner | None = None
        self.scheduled_prompts: ScheduledPrompts | None = None
        self.health: HealthServer | None = None
        self.webhooks: Webhooks | None = None

    def _new_rest(self) -> ZulipRest:
        settings = self.settings
        assert settings.zulip_site
        assert settings.zulip_email
        assert settings.zulip_api_key
        return ZulipRest(
            settings.zulip_site,
            settings.zulip_email,
            settings.zulip_api_key.get_secret_value(),
            verify=not settings.zulip_insecure,
            clock=self.real_clock,
        )

    def runtime_for(self, realm_id: int) -> Runtime | None:
        """The realm's use-case wiring while this process serves it (the dashboard's)."""
        if self.bot is None or not self.ready.is_set() or self.realm_id != realm_id:
            return None
        return self.bot.runtime

    @property
    def account(self) -> str:
        return str(self.settings.zulip_email)

    def kill(self) -> None:
        """Stop at once, as a crash would: in-flight work is interrupted at its next await,
        nothing is finished or cleaned up (the event queue is left to expire on the server).
        Restart safety is tested with this."""
        self._killed = True
        self.stop()

    def stop(self) -> None:
        self.stop_event.set()
        if self.stream is not None:
            self.stream.stop()

    async def run(self) -> None:
        """Serve the account whenever this process holds its lease, until ``stop()``;
        raise FatalZulipError when the credentials stop working."""
        if self.options.migrate:
            await asyncio.to_thread(migrations.upgrade, self.engine)
        elif await asyncio.to_thread(migrations.current_revision, self.engine) != (
            migrations.head_revision()
        ):
            msg = "the database schema is not up to date; run `zulip-standup migrate`"
            raise RuntimeError(msg)
        assert self.settings.zulip_site
        self.realm_id = await asyncio.to_thread(
            self.leases.realm, self.settings.zulip_site, self.account, self.real_clock.now()
        )
        if self.options.health:
            self.health = await listen(
                self.settings,
                self.metrics,
                self.pings(),
                self.web_access,
                self.clock,
                self.runtime_for,
            )
        try:
            while not self.stop_event.is_set():
                lease = await self.keeper.acquire(self.realm_id)
                if lease is None:
                    return
                try:
                    await self._serve(lease)
                except LeaseLostError:
                    log.warning("lease_lost", extra={"account": self.account})
                    self._killed = False
                    self.stop_event.clear()
                    self.ready.clear()
                    self.rest = self._new_rest()
                    continue
                return
        finally:
            if self.health is not None:
                await self.health.stop()
            if self._owns_engine:
                self.engine.dispose()

    async def _serve(self, lease: Lease) -> None:
        tasks: list[asyncio.Task[None]] = []
        try:
            await self._start(tasks, lease)
            tasks.append(asyncio.create_task(self.keeper.keep(lease), name="lease"))
            stopper = asyncio.ensure_future(self.stop_event.wait())
            done, _ = await asyncio.wait({*tasks, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            for task in done:
                if task is not stopper and not task.cancelled() and task.exception():
                    if isinstance(task.exception(), LeaseLostError):
                        self._killed = True  # stop at once: the new holder runs the work now
                    raise task.exception()  # type: ignore[misc]
        finally:
            await self._shutdown(tasks)
            self.keeper.served(False)

    async def _start(self, tasks: list[asyncio.Task[None]], lease: Lease) -> None:
        job_store = self.job_store
        schedules = ScheduleReader(self.engine)
        planner = self.planner = Planner(self.clock, job_store, schedules)
        standups = StandupStore(self.engine)
        cipher = AnswerCipher([k.get_secret_value() for k in self.settings.encryption_keys])
        runs = RunStore(self.engine, cipher)
        inbox = InboxStore(self.engine)
        directory = Directory()
        holder: dict[str, StandupBot] = {}

        async def on_event(event: ChatEvent) -> None:
            await holder["bot"].handle_event(event)

        async def last_message_id() -> int | None:
            return await asyncio.to_thread(inbox.low_water, lease.realm_id)

        async def edit_floor() -> int | None:
            server = self.stream.server if self.stream is not None else None
            window = (server.edit_limit_seconds if server else None) or EDIT_LOOKBACK_MAX_S
            since = self.real_clock.now() - dt.timedelta(seconds=min(window, EDIT_LOOKBACK_MAX_S))
            return await asyncio.to_thread(inbox.lowest_since, lease.realm_id, since)

        async def on_received(messages: list[IncomingMessage]) -> None:
            await holder["bot"].intake.received(messages)

        self.stream = EventStream(
            self.rest,
            self.clock,
            on_event,
            last_message_id=last_message_id,
            on_received=on_received,
            edit_floor=edit_floor,
            queue_lifespan_secs=self.options.queue_lifespan_secs,
        )
        server = await self.stream.register()
        gateway = ZulipGateway(self.rest, server.bot_user_id)
        directory.replace(await gateway.get_people())
        # httpx keeps each response in a reference cycle (response <-> its stream), so the
        # user list's body (some 35 MB for 100,000 people) would stay until the next full
        # collection, which an idle bot may not reach for a long time: collect it now.
        gc.collect()
        assert self.settings.zulip_site
        realm_id = await asyncio.to_thread(
            standups.realm_id,
            self.settings.zulip_site,
            self.account,
            server.bot_user_id,
            self.clock.now(),
        )
        assert realm_id == lease.realm_id
        hooks = WebhookStoreSQL(self.engine, cipher)
        webhooks = self.webhooks = await webhooks_for(self.settings, hooks, realm_id)
        runtime = Runtime(
            clock=self.clock,
            chat=gateway,
            # Kept for as long as this process serves the realm (services/standup_cache.py).
            standups=CachedStandups(standups),
            runs=runs,
            directory=directory,
            planner=planner,
            schedules=schedules,
            metrics=self.metrics,
            server=server,
            realm_id=realm_id,
            inbox=inbox,
            handoffs=HandOffStore(self.engine),
            is_transient=is_transient_failure,
            summariser=AISummariser(ai_config(self.settings)),
            charts=MatplotlibCharts(),
            web=self.web_access,
            public_url=self.settings.public_url,
            served_by=(lease.holder, lease.epoch),
            wire_clock=self.real_clock,
            defaults=standup_defaults(self.settings),
            webhooks=webhooks,
        )
        # The command limit is a rate limit: it follows real time like the pacer,
        # also when scheduling runs on a test clock.
        limiter_clock = self.options.zulip_clock or SystemClock()
        limiter = (
            CommandLimiter(limiter_clock, burst=self.options.limiter_burst)
            if self.options.limiter_burst
            else CommandLimiter(limiter_clock)
        )
        self.bot = holder["bot"] = StandupBot(BotServices(runtime), limiter=limiter)
        self.bot.intake.on_retry = self.stream.request_catch_up
        self.worker = Worker(
            self.clock,
            job_store,
            self.bot.handle_job,
            worker_id=lease.claim_tag,
            realm_id=lease.realm_id,
            concurrency=self.options.worker_concurrency or 8,
            width=self.rest.pacer.width if self.options.worker_concurrency is None else None,
            is_transient=is_transient_failure,
            prepare=self.bot.prepare_jobs,
        )
        webhooks.wake = self.worker.wake
        # The queue registered above is used by the stream: catch up on what
        # was missed while the bot was down before polling.
        await asyncio.to_thread(inbox.ensure_anchor, realm_id, self.stream.max_message_id)
        await self.stream.catch_up()
        await self.bot.resume()
        tasks.append(asyncio.create_task(self.stream.run(), name="event-stream"))
        tasks.append(
            asyncio.create_task(
                self.worker.run(
                    self.stop_event,
                    planner=planner,
                    poll_seconds=self.options.worker_poll_seconds,
                ),
                name="scheduler",
            )
        )
        retention = self.settings.retention_days
        housekeeper = Housekeeper(
            self.clock, runs, job_store, retention, inbox, webhooks.store, self.web_access
        )
        tasks.append(asyncio.create_task(housekeeper.run(self.stop_event), name="housekeeping"))
        # Hands prompts of `config scheduled-messages on` standups to Zulip ahead of time.
        prompts = self.scheduled_prompts = ScheduledPrompts(runtime, self.bot.conversations)
        handing = prompts.run(self.stop_event, poll_seconds=self.options.worker_poll_seconds)
        tasks.append(asyncio.create_task(handing, name="scheduled-prompts"))
        self.ready.set()
        log.info(
            "bot_started",
            extra={"bot_user_id": server.bot_user_id, "realm_id": realm_id},
        )

    def pings(self) -> dict[str, Ping]:
        """Readiness checks of this account (see ``readiness.account_pings``)."""
        return account_pings(self, self._database_answers)

    def _database_answers(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True

    async def _shutdown(self, tasks: list[asyncio.Task[None]]) -> None:
        if self.bot is not None:
            self.bot.intake.close()
        if self.webhooks is not None:
            await self.webhooks.sender.aclose()
        if self._killed:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.rest.aclose()
            log.warning("bot_killed")
            return
        if self.stream is not None:
            self.stream.stop()
        self.stop_event.set()
        # Let the loops finish what they are doing (a database call in a thread cannot be
        # cancelled; disposing the pool under it would leak its connection), then cancel
        # whatever has not stopped in time.
        pending = [task for task in tasks if not task.done()]
        if pending:
            _, late = await asyncio.wait(pending, timeout=SHUTDOWN_GRACE_S)
            for task in late:
                task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, FatalZulipError, Exception):
                await task
        if self.stream is not None and self.stream.queue_id is not None:
            with contextlib.suppress(Exception):
                await self.rest.request("DELETE", "events", {"queue_id": self.stream.queue_id})
        await self.rest.aclose()
        await self.keeper.release()
        log.info("bot_stopped")
