"""The admin HTTP API under /localzulip/admin/ (faults, clock, queues); off unless enabled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from localzulip.clock import VirtualClock
from localzulip.core import Core

PREFIX = "/localzulip/admin"


def add_routes(app: web.Application, core: Core) -> None:
    """Register the admin endpoints; each answers 404 while the admin API is disabled."""

    Action = Callable[[dict[str, object]], dict[str, object] | None]

    def guarded(fn: Action) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handler(request: web.Request) -> web.StreamResponse:
            if not core.config.admin_enabled:
                raise web.HTTPNotFound
            try:
                data = await request.json() if request.can_read_body else {}
            except ValueError:
                return web.json_response({"result": "error", "msg": "body is not JSON"}, status=400)
            result = fn(data or {})
            return web.json_response({"result": "success", **(result or {})})

        return handler

    def fail(data: dict[str, object]) -> dict[str, object]:
        fraction = data.get("fraction")
        status = int(str(data.get("status", 500)))
        path = data.get("path_contains")
        path_s = str(path) if path is not None else None
        if fraction is not None:
            core.faults.fail_fraction(float(str(fraction)), status, path_contains=path_s)
        else:
            core.faults.fail_next(int(str(data.get("count", 1))), status, path_contains=path_s)
        return {}

    def drop(data: dict[str, object]) -> dict[str, object]:
        path = data.get("path_contains")
        core.faults.drop_next(
            int(str(data.get("count", 1))), path_contains=str(path) if path else None
        )
        return {}

    def latency(data: dict[str, object]) -> dict[str, object]:
        path = data.get("path_contains")
        core.faults.add_latency(
            float(str(data.get("seconds", 0))), path_contains=str(path) if path else None
        )
        return {}

    def clear(data: dict[str, object]) -> dict[str, object]:
        core.faults.clear()
        core.queues.resume()
        return {}

    def expire(data: dict[str, object]) -> dict[str, object]:
        qid = data.get("queue_id")
        uid = data.get("user_id")
        count = core.queues.expire_now(
            str(qid) if qid else None, int(str(uid)) if uid is not None else None
        )
        return {"expired": count}

    def pause(data: dict[str, object]) -> dict[str, object]:
        core.queues.pause()
        return {}

    def resume(data: dict[str, object]) -> dict[str, object]:
        core.queues.resume()
        return {}

    def advance(data: dict[str, object]) -> dict[str, object]:
        if not isinstance(core.clock, VirtualClock):
            raise web.HTTPConflict(text="the server runs on the real clock")
        return {"now": core.clock.advance(float(str(data.get("seconds", 0))))}

    def stats(data: dict[str, object]) -> dict[str, object]:
        return {
            "total": core.stats.total,
            "by_operation": dict(core.stats.by_operation),
            "by_user": {str(k): v for k, v in core.stats.by_user.items()},
            "rate_limited": core.stats.rate_limited,
        }

    for name, fn in {
        "fail": fail,
        "drop": drop,
        "latency": latency,
        "clear": clear,
        "expire_queues": expire,
        "pause_events": pause,
        "resume_events": resume,
        "advance_clock": advance,
        "stats": stats,
    }.items():
        app.router.add_route("POST", f"{PREFIX}/{name}", guarded(fn))
