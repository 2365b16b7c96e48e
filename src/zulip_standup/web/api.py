"""The REST API under /api/v1: JSON reads with personal tokens, and its OpenAPI document.

Each endpoint is declared once (``ENDPOINTS``): the route, its parameters and its answer
model; the OpenAPI document (``web.openapi``) is generated from the same declarations, so
it cannot drift from what is served. Reads go through ``services.dashboard`` as the pages
do; a standup the token's person may not read is a 404, like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel

from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.limits import (
    DEFAULT_STATS_DAYS,
    MAX_SEARCH_CHARS,
    MAX_STATS_DAYS,
)
from zulip_standup.domain.records import AnswerRecord
from zulip_standup.domain.standup import Standup
from zulip_standup.domain.values import DateRange
from zulip_standup.services import dashboard as reads
from zulip_standup.services.access import Asker
from zulip_standup.services.dashboard import PageNotFound
from zulip_standup.services.rate_limit import CommandLimiter
from zulip_standup.services.runtime import Runtime
from zulip_standup.web import api_models as m
from zulip_standup.web import params
from zulip_standup.web.openapi import Param, document
from zulip_standup.web.site import NOT_SERVED, NOT_SERVED_RETRY_S, Site

PREFIX = "/api/v1"
T = TypeVar("T")


class ApiError(Exception):
    """A refusal: its status, a stable code and what was wrong."""

    def __init__(self, status: int, code: str, message: str, retry_after: int = 0) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.retry_after = retry_after


@dataclass
class Call:
    """One request, as an endpoint's reader takes it."""

    rt: Runtime
    viewer: Asker
    request: web.Request

    def id(self, name: str) -> int:
        found = params.whole(self.request.match_info[name], 1, params.MAX_ID)
        if found is None:
            raise ApiError(404, "not_found", reads.NOT_FOUND)
        return found

    def date(self, name: str, default: dt.date) -> dt.date:
        raw = self.request.query.get(name)
        return default if raw is None else _checked(params.day, name, raw)

    def period(self, today: dt.date) -> DateRange:
        end = self.date("to", today)
        start = self.date("from", end - dt.timedelta(days=DEFAULT_STATS_DAYS - 1))
        return _checked(params.period, start, end)

    def number(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.request.query.get(name)
        return default if raw is None else _checked(params.number, name, raw, low, high)

    def text(self, name: str, most: int) -> str:
        return _checked(params.text, name, self.request.query.get(name, ""), most)

    async def standup(self) -> tuple[m.StandupSummary, Standup]:
        standup = await reads.readable_standup(self.rt, self.viewer, self.id("standup_id"))
        part = await reads.taking_part(self.rt, self.viewer, standup)
        return m.summary(standup, part), standup


def _checked(read: Callable[..., T], *args: Any) -> T:
    """``read(*args)``, a bad value answered as 400 with what was wrong."""
    try:
        return read(*args)
    except params.BadParameter as exc:
        raise ApiError(400, "bad_parameter", str(exc)) from None


Reader = Callable[[Call], Awaitable[BaseModel]]


@dataclass(frozen=True)
class Endpoint:
    path: str
    summary: str
    answer: type[BaseModel]
    read: Reader
    params: tuple[Param, ...] = ()


async def _me(call: Call) -> m.Me:
    p = call.viewer.person
    return m.Me(user_id=p.user_id, name=p.full_name, is_admin=p.is_admin, today=call.viewer.today)


async def _standups(call: Call) -> m.StandupList:
    listed = await reads.standups_of(call.rt, call.viewer)
    return m.StandupList(
        standups=[m.summary(s, True) for s in listed.mine]
        + [m.summary(s, False) for s in listed.others]
    )


async def _standup(call: Call) -> m.StandupDetail:
    summary, standup = await call.standup()
    return m.detail(standup, summary.taking_part)


async def _run(call: Call) -> m.Run:
    _, standup = await call.standup()
    day = call.date("date", reads.standup_today(call.rt, standup))
    page = await reads.day_page(call.rt, standup, day)
    return m.run(page)


async def _answers(call: Call) -> m.AnswerList:
    _, standup = await call.standup()
    period = call.period(reads.standup_today(call.rt, standup))
    raw_user = call.request.query.get("user_id")
    user_id = None
    if raw_user is not None:
        user_id = call.number("user_id", 0, 1, params.MAX_ID)
    rows = await reads.answers_in(call.rt, standup, period, user_id)
    return m.AnswerList(
        start=period.start,
        end=period.end,
        answers=[_answer(call, day, a) for day, a in rows],
    )


def _answer(call: Call, day: dt.date, a: AnswerRecord) -> m.Answer:
    return m.Answer(
        date=day,
        user_id=a.user_id,
        name=call.rt.directory.name_of(a.user_id),
        question_number=a.question_index + 1,
        question=a.question_text,
        text=a.text,
        answered_at=a.created_at,
        edited=a.edited,
    )


async def _stats(call: Call) -> m.Stats:
    _, standup = await call.standup()
    days = call.number("days", DEFAULT_STATS_DAYS, 1, MAX_STATS_DAYS)
    return m.stats(await reads.charts_page(call.rt, standup, days))


async def _blockers(call: Call) -> m.BlockerList:
    found = await reads.blockers_board(call.rt, call.viewer)
    return m.BlockerList(blockers=[m.blocker(s, b) for s, b in found])


async def _search(call: Call) -> m.SearchHits:
    words = call.text("q", MAX_SEARCH_CHARS)
    try:
        hits, total = await reads.search_page(call.rt, call.viewer, words)
    except UserFacingError as exc:
        raise ApiError(400, "bad_parameter", exc.text) from None
    return m.SearchHits(
        query=words, total=total, answers=[_answer(call, day, a) for _, day, _, a in hits]
    )


_ID = Param("standup_id", "path", "id", "The standup's id", required=True)
_FROM = Param("from", "query", "date", "First day (default: 30 days before `to`)")
_TO = Param("to", "query", "date", "Last day (default: the standup's today)")
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("/me", "The token's person", m.Me, _me),
    Endpoint("/standups", "Standups the person can read", m.StandupList, _standups),
    Endpoint("/standups/{standup_id}", "One standup's settings", m.StandupDetail, _standup, (_ID,)),
    Endpoint(
        "/standups/{standup_id}/run",
        "One day: everybody's standing and answers, and the open blockers",
        m.Run,
        _run,
        (_ID, Param("date", "query", "date", "The day (default: the standup's today)")),
    ),
    Endpoint(
        "/standups/{standup_id}/answers",
        "Answers over a range, everyone's or one person's",
        m.AnswerList,
        _answers,
        (_ID, _FROM, _TO, Param("user_id", "query", "id", "Only this person's answers")),
    ),
    Endpoint(
        "/standups/{standup_id}/stats",
        "Participation and answer times over the last days",
        m.Stats,
        _stats,
        (
            _ID,
            Param(
                "days", "query", "days", f"How many days back (1 to {MAX_STATS_DAYS}, default 30)"
            ),
        ),
    ),
    Endpoint(
        "/blockers", "Open blockers of the standups the person reads", m.BlockerList, _blockers
    ),
    Endpoint(
        "/search",
        "Answers of the last year holding every word, newest first",
        m.SearchHits,
        _search,
        (Param("q", "query", "text", "The words to find", required=True),),
    ),
)


class Api:
    """Serves ``ENDPOINTS`` for bearer tokens, rate limited per person."""

    def __init__(self, site: Site, limiter: CommandLimiter) -> None:
        self.site = site
        self.limiter = limiter

    def add_routes(self, app: web.Application) -> None:
        body = json.dumps(document(ENDPOINTS, PREFIX), indent=1)

        async def openapi(_request: web.Request) -> web.Response:
            return web.Response(text=body, content_type="application/json")

        app.router.add_get(f"{PREFIX}/openapi.json", openapi)
        for endpoint in ENDPOINTS:
            app.router.add_get(PREFIX + endpoint.path, self._handler(endpoint))

    def _handler(self, endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            try:
                call = await self._call(request)
                answer = await endpoint.read(call)
            except ApiError as exc:
                headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
                return _error(exc.status, exc.code, exc.message, headers)
            except PageNotFound as exc:
                return _error(404, "not_found", exc.text)
            return web.Response(text=answer.model_dump_json(), content_type="application/json")

        return handle

    async def _call(self, request: web.Request) -> Call:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user = await self.site.sessions.token_user(token.strip()) if scheme == "Bearer" else None
        if user is None:
            raise ApiError(401, "unauthorized", UNAUTHORIZED)
        verdict = self.limiter.check(user.user_id)
        if not verdict.allowed:
            wait = max(1, verdict.retry_after_s)
            raise ApiError(429, "rate_limited", f"Too many requests; retry in {wait} s", wait)
        rt = self.site.runtimes(user.realm_id)
        if rt is None:
            raise ApiError(503, "not_served", NOT_SERVED, NOT_SERVED_RETRY_S)
        viewer = await reads.viewer_of(rt, user.user_id)
        if viewer is None:
            raise ApiError(401, "unauthorized", UNAUTHORIZED)
        return Call(rt, viewer, request)


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    body = m.Error(error=m.ErrorBody(code=code, message=message)).model_dump_json()
    return web.Response(text=body, status=status, content_type="application/json", headers=headers)


UNAUTHORIZED = (
    "Send a personal token as `Authorization: Bearer <token>`; `token new` in a direct "
    "message to the bot makes one."
)
