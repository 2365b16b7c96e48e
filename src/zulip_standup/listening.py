"""The process's one HTTP listener: health, readiness and metrics, and the dashboard when
``STANDUP_PUBLIC_URL`` is set. aiohttp and the templates are imported only by a process
that listens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zulip_standup.http.metrics import Metrics
from zulip_standup.http.probes import Ping
from zulip_standup.ports import Clock, WebAccess
from zulip_standup.settings import Settings

if TYPE_CHECKING:
    from zulip_standup.http.server import HealthServer
    from zulip_standup.web.app import Runtimes


async def listen(
    settings: Settings,
    metrics: Metrics,
    pings: dict[str, Ping],
    web_access: WebAccess,
    clock: Clock,
    runtimes: Runtimes,
) -> HealthServer | None:
    """The HTTP server on ``STANDUP_HTTP_BIND`` (None when that is off); the dashboard's
    pages read through ``runtimes`` (the realm's runtime while this process serves it)."""
    if not settings.http_bind:
        return None
    from zulip_standup.http.server import HealthServer  # noqa: PLC0415

    install = None
    if settings.public_url:
        from zulip_standup.services.web_login import Sessions  # noqa: PLC0415
        from zulip_standup.web.app import Dashboard  # noqa: PLC0415

        dashboard = Dashboard(Sessions(web_access, clock), runtimes, settings.public_url)
        install = dashboard.install
    server = HealthServer(metrics, pings, install)
    await server.start(settings.http_bind)
    return server
