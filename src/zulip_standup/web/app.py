"""The dashboard's HTTP side: login from one-time links, security headers, the routes.

The composition root hands ``Dashboard.install`` the one aiohttp application that also
serves health and metrics. Pages run as the session's person on the ``Runtime`` of
their realm, through ``services.dashboard``; nothing here reads storage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from zulip_standup.domain.limits import API_BURST, API_REFILL_S, DASHBOARD_SESSION_DAYS
from zulip_standup.services.rate_limit import CommandLimiter
from zulip_standup.services.web_login import Sessions
from zulip_standup.web import pages
from zulip_standup.web.api import Api
from zulip_standup.web.render import page
from zulip_standup.web.site import BAD_LINK, COOKIE, FORGED_POST, Runtimes, Site

__all__ = ["COOKIE", "Dashboard", "Runtimes"]

STATIC = Path(__file__).parent / "static"
# No script at all, styles only from our own stylesheet, nothing framed or posted elsewhere.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: with it, browsers send "Origin: null" on our own form posts.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Dashboard(Site):
    """The dashboard's routes, login and security headers; the API's rate limit is
    ``api_burst`` requests at once, then one each ``api_refill_s`` seconds, per person."""

    def __init__(
        self,
        sessions: Sessions,
        runtimes: Runtimes,
        public_url: str,
        *,
        api_burst: int = API_BURST,
        api_refill_s: float = API_REFILL_S,
    ) -> None:
        super().__init__(sessions, runtimes, public_url)
        self.api_burst, self.api_refill_s = api_burst, api_refill_s

    def install(self, app: web.Application) -> None:
        """Add the dashboard's routes and headers to the process's HTTP application."""
        app.middlewares.append(self._headers)
        pages.add_routes(app, self)
        limiter = CommandLimiter(
            self.sessions.clock, burst=self.api_burst, refill_s=self.api_refill_s
        )
        Api(self, limiter).add_routes(app)
        app.router.add_get("/login", self._login_help)
        app.router.add_get("/login/{token}", self._login_form)
        app.router.add_post("/login/{token}", self._login)
        app.router.add_post("/logout", self._logout)
        app.router.add_static("/static/", STATIC, append_version=False)

    @web.middleware
    async def _headers(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        probe = request.path.startswith(("/healthz", "/readyz", "/metrics"))
        try:
            if request.method == "POST" and not self._same_origin(request):
                response: web.StreamResponse = self.error(403, "Refused", FORGED_POST)
            else:
                response = await handler(request)
        except web.HTTPException as exc:
            if not probe:
                exc.headers.update(SECURITY_HEADERS)
            raise
        if not probe:
            response.headers.update(SECURITY_HEADERS)
        return response

    def _same_origin(self, request: web.Request) -> bool:
        """A form post must come from our own pages (SameSite=Lax covers the cookie; this
        also stops a forged login form)."""
        origin = request.headers.get("Origin")
        if origin is None:
            referer = request.headers.get("Referer", "")
            parts = urlsplit(referer)
            origin = f"{parts.scheme}://{parts.netloc}" if referer else None
        return origin == self.origin

    async def _login_help(self, _request: web.Request) -> web.Response:
        return self.html(page("login_help.html", d=self))

    async def _login_form(self, request: web.Request) -> web.Response:
        # Opening the link does not spend it (link previews fetch it); the button does.
        return self.html(page("login.html", d=self, token=request.match_info["token"]))

    async def _login(self, request: web.Request) -> web.StreamResponse:
        found = await self.sessions.log_in(request.match_info["token"])
        if found is None:
            return self.error(400, "Link not valid", BAD_LINK)
        session, _user = found
        response = web.HTTPSeeOther(self.url("/"))
        response.set_cookie(
            COOKIE,
            session,
            max_age=int(dt.timedelta(days=DASHBOARD_SESSION_DAYS).total_seconds()),
            path=self.base or "/",
            secure=self.secure,
            httponly=True,
            samesite="Lax",
        )
        raise response

    async def _logout(self, request: web.Request) -> web.StreamResponse:
        token = request.cookies.get(COOKIE)
        if token:
            await self.sessions.log_out(token)
        response = web.HTTPSeeOther(self.url("/login"))
        response.del_cookie(COOKIE, path=self.base or "/")
        raise response
