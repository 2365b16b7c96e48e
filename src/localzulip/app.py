"""The aiohttp application: routing by operationId, auth, rate limits, faults, counters."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from localzulip import admin
from localzulip.auth import authenticate
from localzulip.core import Core
from localzulip.errors import ApiError
from localzulip.models import JSON, User
from localzulip.params import Params
from localzulip.ratelimit import Verdict

API = "/api/v1"


@dataclass
class Reply:
    """A handler's answer: a success body, plus whether rate-limit headers go out."""

    body: JSON
    ratelimit_headers: bool = True
    status: int = 200


@dataclass
class Ctx:
    """What a handler gets for one request."""

    core: Core
    request: web.Request
    params: Params
    user: User | None
    client: str
    files: list[Any] = field(default_factory=list)

    @property
    def me(self) -> User:
        assert self.user is not None
        return self.user


Handler = Callable[[Ctx], Awaitable[JSON | Reply | web.StreamResponse]]


@dataclass(frozen=True)
class Route:
    """One endpoint; ``operation_id`` is None for paths the OpenAPI file does not list."""

    method: str
    path: str
    name: str
    handler: Handler
    operation_id: str | None
    auth: bool = True
    tornado: bool = False
    rate_limited: bool = True


ROUTES: list[Route] = []


def route(
    method: str,
    path: str,
    operation_id: str | None,
    *,
    name: str | None = None,
    auth: bool = True,
    tornado: bool = False,
    rate_limited: bool = True,
) -> Callable[[Handler], Handler]:
    """Register a handler for ``method path`` under an operationId."""

    def deco(fn: Handler) -> Handler:
        ROUTES.append(
            Route(
                method,
                path,
                name or operation_id or fn.__name__,
                fn,
                operation_id,
                auth,
                tornado,
                rate_limited,
            )
        )
        return fn

    return deco


def implemented_operation_ids() -> set[str]:
    """Every OpenAPI operationId this server implements."""
    _load_handlers()
    return {r.operation_id for r in ROUTES if r.operation_id}


def _load_handlers() -> None:
    # Imported late: the handler modules import this module to register their routes.
    from localzulip.handlers import (  # noqa: F401, PLC0415
        events_api,
        messages,
        scheduled_api,
        streams,
        uploads,
        users,
    )


def json_response(
    body: JSON, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def client_name(user_agent: str) -> str:
    """Zulip names the sending client after the User-Agent's first product token."""
    if not user_agent:
        return "Unspecified"
    return user_agent.split("/", 1)[0].split(" ", 1)[0] or "Unspecified"


async def read_params(request: web.Request) -> tuple[dict[str, str], list[Any]]:
    values: dict[str, str] = dict(request.query.items())
    files: list[Any] = []
    if request.method in ("POST", "PATCH", "PUT", "DELETE") and request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                values[key] = value
            else:
                files.append(value)
    return values, files


def make_dispatch(core: Core, r: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def dispatch(request: web.Request) -> web.StreamResponse:
        holder: list[User] = []
        status = 500
        sent = 0
        try:
            response = await _dispatch(core, r, request, holder)
            status = response.status
            if isinstance(response, web.Response) and isinstance(response.body, bytes):
                sent = len(response.body)
            return response
        finally:
            core.stats.record(r.name, holder[0].user_id if holder else None, status, sent)

    return dispatch


async def _dispatch(
    core: Core, r: Route, request: web.Request, holder: list[User]
) -> web.StreamResponse:
    faults = core.faults
    delay = faults.latency_for(request.path)
    if delay:
        await asyncio.sleep(delay)
    decision = faults.decide(request.method, request.path)
    if decision == "drop":
        if request.transport is not None:
            request.transport.close()
        raise asyncio.CancelledError
    if decision is not None and not isinstance(decision, str):  # a Failure to answer with
        return web.Response(
            text=decision.body, status=decision.status, content_type=decision.content_type
        )
    verdict: Verdict | None = None
    try:
        user: User | None = None
        if r.auth:
            user = authenticate(core.realm, request.headers.get("Authorization"), r.path)
            holder.append(user)
            if r.rate_limited:
                verdict = core.ratelimiter.check(user.user_id, core.clock.now(), tornado=r.tornado)
                if verdict is not None and not verdict.allowed:
                    limited = ApiError(
                        "API usage exceeded rate limit", code="RATE_LIMIT_HIT", status=429
                    )
                    limited.extra["retry-after"] = verdict.retry_after
                    raise limited
        values, files = await read_params(request)
        params = Params(values, request.match_info)
        ctx = Ctx(
            core,
            request,
            params,
            user,
            client_name(request.headers.get("User-Agent", "")),
            files,
        )
        result = await r.handler(ctx)
        if decision == "drop_after":
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError
        if isinstance(result, web.StreamResponse):
            return result
        reply = result if isinstance(result, Reply) else Reply(result)
        body: JSON = {"result": "success", "msg": ""}
        body.update(reply.body)
        ignored = params.ignored()
        if ignored:
            body["ignored_parameters_unsupported"] = ignored
        headers = verdict.headers() if verdict is not None and reply.ratelimit_headers else None
        return json_response(body, reply.status, headers)
    except ApiError as err:
        headers = dict(err.headers)
        if verdict is not None:
            headers.update(verdict.headers())
        return json_response(err.body(), err.status, headers)


@web.middleware
async def not_found_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPMethodNotAllowed as exc:
        body = {"result": "error", "msg": "Method Not Allowed", "code": "BAD_REQUEST"}
        return json_response(body, 405, {"Allow": ", ".join(sorted(exc.allowed_methods))})
    except web.HTTPNotFound:
        if request.path.startswith(API):
            return json_response(
                {"result": "error", "msg": "Not Found", "code": "BAD_REQUEST"}, 404
            )
        raise


def build_app(core: Core) -> web.Application:
    """The aiohttp application serving ``core``."""
    _load_handlers()
    app = web.Application(
        middlewares=[not_found_middleware], client_max_size=core.config.max_upload_bytes + 65536
    )
    for r in ROUTES:
        app.router.add_route(r.method, r.path, make_dispatch(core, r))
    admin.add_routes(app, core)
    return app
