"""The composition root: builds the bot from settings and runs it until told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from sqlalchemy import Engine, text

from zulip_standup.clock import SystemClock
from zulip_standup.domain.chat import ChatEvent
from zulip_standup.http.metrics import Metrics
from zulip_standup.http.server import HealthServer, Ping
from zulip_standup.llm.openai_compat import AIConfig
from zulip_standup.ports import Clock
from zulip_standup.services.bot import StandupBot
from zulip_standup.services.directory import Directory
from zulip_standup.services.housekeeping import Housekeeper
from zulip_standup.services.rate_limit import CommandLimiter
from zulip_standup.services.runtime import Defaults, Runtime
from zulip_standup.services.scheduled_prompts import ScheduledPrompts
from zulip_standup.services.scheduler import Planner, Worker
from zulip_standup.settings import Settings
from zulip_standup.storage import migrate as migrations
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.schedules import ScheduleReader
from zulip_standup.storage.standups import StandupStore
from zulip_standup.zulip.events import EventStream, FatalZulipError
from zulip_standup.zulip.gateway import ZulipGateway
from zulip_standup.zulip.rest import ZulipRest

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 10.0


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


class BotProcess:
    """One bot account's event loop, scheduler and health endpoint, started and stopped as one."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        engine: Engine | None = None,
        options: RunOptions | None = None,
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
        self.metrics = Metrics()
        self.rest = ZulipRest(
            settings.zulip_site,
            settings.zulip_email,
            settings.zulip_api_key.get_secret_value(),
            verify=not settings.zulip_insecure,
            clock=self.options.zulip_clock or SystemClock(),
        )
        self.stop_event = asyncio.Event()
        self._killed = False
        self.ready = asyncio.Event()
        self.bot: StandupBot | None = None
        self.stream: EventStream | None = None
        self.worker: Worker | None = None
        self.scheduled_prompts: ScheduledPrompts | None = None
        self.health: HealthServer | None = None

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
        """Run until ``stop()``; raise FatalZulipError when the credentials stop working."""
        if self.options.migrate:
            await asyncio.to_thread(migrations.upgrade, self.engine)
        elif await asyncio.to_thread(migrations.current_revision, self.engine) != (
            migrations.head_revision()
        ):
            msg = "the database schema is not up to date; run `zulip-standup migrate`"
            raise RuntimeError(msg)
        tasks: list[asyncio.Task[None]] = []
        try:
            await self._start(tasks)
            stopper = asyncio.ensure_future(self.stop_event.wait())
            done, _ = await asyncio.wait({*tasks, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            for task in done:
                if task is not stopper and not task.cancelled() and task.exception():
                    raise task.exception()  # type: ignore[misc]
        finally:
            await self._shutdown(tasks)

    async def _start(self, tasks: list[asyncio.Task[None]]) -> None:
        job_store = JobStore(self.engine)
        schedules = ScheduleReader(self.engine)
        planner = Planner(self.clock, job_store, schedules)
        standups = StandupStore(self.engine)
        cipher = AnswerCipher([k.get_secret_value() for k in self.settings.encryption_keys])
        runs = RunStore(self.engine, cipher)
        directory = Directory()
        holder: dict[str, StandupBot] = {}

        async def on_event(event: ChatEvent) -> None:
            await holder["bot"].handle_event(event)

        async def last_message_id() -> int | None:
            bot = holder.get("bot")
            if bot is None:
                return None
            return await asyncio.to_thread(runs.last_message_id, bot.runtime.realm_id)

        self.stream = EventStream(
            self.rest,
            self.clock,
            on_event,
            last_message_id=last_message_id,
            queue_lifespan_secs=self.options.queue_lifespan_secs,
        )
        server = await self.stream.register()
        gateway = ZulipGateway(self.rest, server.bot_user_id)
        directory.replace(await gateway.get_people())
        assert self.settings.zulip_site
        realm_id = await asyncio.to_thread(
            standups.realm_id,
            self.settings.zulip_site,
            server.bot_email,
            server.bot_user_id,
            self.clock.now(),
        )
        runtime = Runtime(
            clock=self.clock,
            chat=gateway,
            standups=standups,
            runs=runs,
            directory=directory,
            planner=planner,
            schedules=schedules,
            metrics=self.metrics,
            server=server,
            realm_id=realm_id,
            defaults=Defaults(
                timezone=self.settings.default_timezone,
                prompt_time=self.settings.default_prompt_time,
                reminder_time=self.settings.default_reminder_time,
                cutoff_time=self.settings.default_cutoff_time,
                holiday_country=self.settings.default_holiday_country,
                questions=tuple(self.settings.default_questions),
            ),
        )
        # The command limit is a rate limit: it follows real time like the pacer,
        # also when scheduling runs on a test clock.
        limiter_clock = self.options.zulip_clock or SystemClock()
        limiter = (
            CommandLimiter(limiter_clock, burst=self.options.limiter_burst)
            if self.options.limiter_burst
            else CommandLimiter(limiter_clock)
        )
        self.bot = holder["bot"] = StandupBot(runtime, ai=self._ai_config(), limiter=limiter)
        self.worker = Worker(self.clock, job_store, self.bot.handle_job)
        # The queue registered above is used by the stream: catch up on what
        # was missed while the bot was down before polling.
        await asyncio.to_thread(runs.ensure_anchor, realm_id, self.stream.max_message_id)
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
        housekeeper = Housekeeper(self.clock, runs, job_store, self.settings.retention_days)
        tasks.append(asyncio.create_task(housekeeper.run(self.stop_event), name="housekeeping"))
        # -- scheduled prompts hook (services/scheduled_prompts.py): hands prompts of standups
        # -- with `config scheduled-messages on` to Zulip ahead of time; idle otherwise.
        self.scheduled_prompts = ScheduledPrompts(runtime, self.bot.conversations)
        tasks.append(
            asyncio.create_task(
                self.scheduled_prompts.run(
                    self.stop_event, poll_seconds=self.options.worker_poll_seconds
                ),
                name="scheduled-prompts",
            )
        )
        if self.options.health and self.settings.http_bind:
            self.health = HealthServer(self.metrics, self._pings())
            await self.health.start(self.settings.http_bind)
        self.ready.set()
        log.info(
            "bot_started",
            extra={"bot_user_id": server.bot_user_id, "realm_id": realm_id},
        )

    def _ai_config(self) -> AIConfig | None:
        settings = self.settings
        if not settings.llm_base_url:
            return None
        return AIConfig(
            base_url=settings.llm_base_url,
            model=settings.llm_model or "gpt-4o-mini",
            api_key=settings.llm_api_key,
            timeout_seconds=settings.llm_timeout_seconds,
        )

    def _pings(self) -> dict[str, Ping]:
        async def database() -> bool:
            def probe() -> bool:
                with self.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return True

            return await asyncio.to_thread(probe)

        async def zulip() -> bool:
            return self.stream is not None and self.stream.connected.is_set()

        return {"database": database, "zulip": zulip}

    async def _shutdown(self, tasks: list[asyncio.Task[None]]) -> None:
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
        if self.health is not None:
            await self.health.stop()
        if self.stream is not None and self.stream.queue_id is not None:
            with contextlib.suppress(Exception):
                await self.rest.request("DELETE", "events", {"queue_id": self.stream.queue_id})
        await self.rest.aclose()
        if self._owns_engine:
            self.engine.dispose()
        log.info("bot_stopped")
