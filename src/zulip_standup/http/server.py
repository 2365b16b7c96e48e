"""The process's one HTTP server: /healthz (alive), /readyz (each dependency's ping), /metrics,
and whatever else the composition root installs on it (the dashboard)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from zulip_standup.http.metrics import Metrics
from zulip_standup.http.probes import Ping, run_pings

log = logging.getLogger(__name__)


class HealthServer:
    """Serves probes; bodies carry check names and states only, never data."""

    def __init__(
        self,
        metrics: Metrics,
        pings: dict[str, Ping],
        install: Callable[[web.Application], None] | None = None,
    ) -> None:
        self._metrics = metrics
        self._pings = pings
        self._install = install
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics_view)
        if self._install is not None:
            self._install(app)
        return app

    async def start(self, bind: str) -> None:
        host, _, port = bind.rpartition(":")
        self._runner = web.AppRunner(self._app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host.strip("[]"), int(port))
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1]) if sockets else int(port)
        log.info("health_server_started", extra={"bind": f"{host}:{self.port}"})

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _readyz(self, _request: web.Request) -> web.Response:
        results = await run_pings(self._pings)
        ready = all(state == "ok" for state in results.values())
        return web.json_response(
            {"status": "ready" if ready else "not ready", "checks": results},
            status=200 if ready else 503,
        )

    async def _metrics_view(self, _request: web.Request) -> web.Response:
        body = generate_latest(self._metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
