"""The dashboard's pages: parse the request, call one ``services.dashboard`` read, render."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from aiohttp import web

from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.limits import DASHBOARD_CHART_DAYS, DEFAULT_STATS_DAYS, MAX_SEARCH_CHARS
from zulip_standup.domain.values import DateRange
from zulip_standup.services import dashboard as reads
from zulip_standup.services.dashboard import PageNotFound
from zulip_standup.web import params
from zulip_standup.web.render import answer_time_chart, page, participation_chart
from zulip_standup.web.site import Site

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
    _View = Callable[[Site, web.Request], Awaitable[web.StreamResponse]]


def add_routes(app: web.Application, d: Site) -> None:
    routes: dict[str, Handler] = {
        "/": _guarded(d, _home),
        "/standups/{standup_id:[0-9]{1,16}}": _guarded(d, _day),
        "/standups/{standup_id:[0-9]{1,16}}/people/{user_id:[0-9]{1,16}}": _guarded(d, _person),
        "/standups/{standup_id:[0-9]{1,16}}/charts": _guarded(d, _charts),
        "/standups/{standup_id:[0-9]{1,16}}/export.{fmt:csv|json}": _guarded(d, _export),
        "/blockers": _guarded(d, _blockers),
        "/search": _guarded(d, _search),
    }
    for path, handler in routes.items():
        app.router.add_get(path, handler)


def _guarded(d: Site, view: _View) -> Handler:
    """A page that needs a session; refusals become the matching error page."""

    async def handler(request: web.Request) -> web.StreamResponse:
        try:
            return await view(d, request)
        except PageNotFound as exc:
            return d.error(404, "Not found", exc.text)
        except params.BadParameter as exc:
            return d.error(400, "Not understood", str(exc))
        except UserFacingError as exc:
            return d.error(400, "Not possible", exc.text)

    return handler


def _date(request: web.Request, name: str, default: dt.date) -> dt.date:
    raw = request.query.get(name, "").strip()
    return params.day(name, raw) if raw else default


def _period(request: web.Request, today: dt.date, days: int) -> DateRange:
    end = _date(request, "to", today)
    return params.period(_date(request, "from", end - dt.timedelta(days=days - 1)), end)


def _int(request: web.Request, name: str) -> int:
    found = params.whole(request.match_info[name], 1, params.MAX_ID)
    if found is None:
        raise PageNotFound(reads.NOT_FOUND)
    return found


async def _home(d: Site, request: web.Request) -> web.StreamResponse:
    rt, viewer = await d.viewer(request)
    listed = await reads.standups_of(rt, viewer)
    return d.html(page("home.html", d=d, viewer=viewer, listed=listed))


async def _day(d: Site, request: web.Request) -> web.StreamResponse:
    rt, viewer = await d.viewer(request)
    standup = await reads.readable_standup(rt, viewer, _int(request, "standup_id"))
    day = _date(request, "date", reads.standup_today(rt, standup))
    shown = await reads.day_page(rt, standup, day)
    one_day = dt.timedelta(days=1)
    return d.html(
        page(
            "day.html",
            d=d,
            viewer=viewer,
            p=shown,
            previous=day - one_day,
            next=day + one_day,
            manages=standup.can_manage(viewer.person.user_id, viewer.person.is_admin),
        )
    )


async def _person(d: Site, request: web.Request) -> web.StreamResponse:
    rt, viewer = await d.viewer(request)
    standup = await reads.readable_standup(rt, viewer, _int(request, "standup_id"))
    period = _period(request, reads.standup_today(rt, standup), DEFAULT_STATS_DAYS)
    shown = await reads.person_page(rt, standup, _int(request, "user_id"), period)
    return d.html(page("person.html", d=d, viewer=viewer, p=shown))


async def _charts(d: Site, request: web.Request) -> web.StreamResponse:
    rt, viewer = await d.viewer(request)
    standup = await reads.readable_standup(rt, viewer, _int(request, "standup_id"))
    raw = request.query.get("days", str(DASHBOARD_CHART_DAYS[0]))
    if raw not in {str(n) for n in DASHBOARD_CHART_DAYS}:
        offered = " or ".join(str(n) for n in DASHBOARD_CHART_DAYS)
        raise params.BadParameter(f"days={raw[:20]!r} is not offered; charts cover {offered} days.")
    shown = await reads.charts_page(rt, standup, int(raw))
    period = f"{shown.period.start:%d %b} to {shown.period.end:%d %b %Y}"
    return d.html(
        page(
            "charts.html",
            d=d,
            viewer=viewer,
            p=shown,
            offered=DASHBOARD_CHART_DAYS,
            days=int(raw),
            participation=participation_chart(
                shown.stats.days, f"Participation in {standup.name}, {period}"
            ),
            answer_times=answer_time_chart(
                shown.rows, f"Median minutes to answer in {standup.name}, {period}"
            ),
        )
    )


async def _export(d: Site, request: web.Request) -> web.StreamResponse:
    rt, viewer = await d.viewer(request)
    standup = await reads.readable_standup(rt, viewer, _int(request, "standup_id"))
    period = _period(request, reads.standup_today(rt, standup), DEFAULT_STATS_DAYS)
    raw = request.query.get("user_id")
    person = None if raw is None else params.number("user_id", raw, 1, params.MAX_ID)
    filename, content_type, data = await reads.export_file(
        rt, viewer, standup, period, request.match_info["fmt"], person
    )
    return web.Response(
        body=data,
        content_type=content_type,
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _blockers(d: Site, request: web.Request) -> web.StreamResponse:
    rt, viewer = await d.viewer(request)
    found = await reads.blockers_board(rt, viewer)
    return d.html(page("blockers.html", d=d, viewer=viewer, found=found))


async def _search(d: Site, request: web.Request) -> web.StreamResponse:
    rt, viewer = await d.viewer(request)
    words = params.text("q", request.query.get("q", ""), MAX_SEARCH_CHARS).strip()
    hits, total = await reads.search_page(rt, viewer, words) if words else ([], 0)
    return d.html(page("search.html", d=d, viewer=viewer, q=words, hits=hits, total=total))
