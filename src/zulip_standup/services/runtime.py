"""Everything a use case needs, wired once per bot account by the composition root."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from zulip_standup.domain.chat import ServerInfo
from zulip_standup.ports import (
    Charts,
    Chat,
    Clock,
    Inbox,
    Metrics,
    PeopleDirectory,
    Planning,
    PromptHandOffs,
    RunRepository,
    ScheduleSource,
    StandupRepository,
    Summariser,
    WebAccess,
    WebhookSender,
    WebhookStore,
)

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Defaults:
    """The operator's defaults for new standups (from Settings)."""

    timezone: str = "UTC"
    prompt_time: str = "09:30"
    reminder_time: str = "11:45"
    cutoff_time: str = "12:45"
    holiday_country: str | None = None
    questions: tuple[str, ...] = ()


@dataclass
class Webhooks:
    """Webhooks of the realm's standups (``services.webhooks``, ``webhook_events``): their
    rows, the signed sender, and which standups have any. That set is read when the process
    starts serving the realm and kept right by the commands that add and remove webhooks
    (they run only here, the realm's one server), so a standup without webhooks costs no
    statement when something happens in it."""

    store: WebhookStore
    sender: WebhookSender
    standups: set[int] = field(default_factory=set)
    # Told after deliveries were queued, so the worker sleeping till a later job looks again.
    wake: Callable[[], None] = lambda: None


@dataclass
class Runtime:
    """The bot's collaborators; services take this instead of a dozen arguments."""

    clock: Clock
    chat: Chat
    standups: StandupRepository
    runs: RunRepository
    # Who is who (``services.directory.Directory``) and re-planning a standup's jobs after
    # a change (``services.planner.Planner``): the composition root builds both.
    directory: PeopleDirectory
    planner: Planning
    schedules: ScheduleSource
    metrics: Metrics
    server: ServerInfo
    realm_id: int
    inbox: Inbox
    # Prompt jobs handed to Zulip as scheduled messages (``config scheduled-messages on``).
    handoffs: PromptHandOffs
    # Whether a failure is worth another try (Zulip 5xx/timeouts, lost database connections,
    # SQLite lock waits); wired by the composition root from the adapters' rules.
    is_transient: Callable[[BaseException], bool]
    # The digest's summary: AI when the operator configured it, else plain.
    summariser: Summariser
    # Charts for `chart` and the weekly roll-up (PNG bytes to upload).
    charts: Charts
    # Dashboard login links and sessions (``services.web_login``).
    web: WebAccess
    defaults: Defaults = field(default_factory=Defaults)
    # Where people reach the dashboard (``STANDUP_PUBLIC_URL``); None: no dashboard.
    public_url: str | None = None
    # Which process serves this bot account (its lease holder and epoch), for admins' status.
    served_by: tuple[str, int] = ("", 0)
    # Real time for what happens on the wire (when a message was received: Zulip's edit
    # window runs on it), also when scheduling runs on a test clock. None: ``clock``.
    wire_clock: Clock | None = None
    # Webhooks; None: this bot sends none (``config webhook`` says so).
    webhooks: Webhooks | None = None

    def now(self) -> dt.datetime:
        return self.clock.now()

    def wire_now(self) -> dt.datetime:
        return (self.wire_clock or self.clock).now()

    async def db(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run blocking storage code off the event loop."""
        return await asyncio.to_thread(fn, *args, **kwargs)
