"""What every dashboard page stands on: the session's viewer, links, and HTML replies."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from aiohttp import web

from zulip_standup.domain.limits import LOGIN_LINK_MINUTES
from zulip_standup.services.access import Asker
from zulip_standup.services.dashboard import viewer_of
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.web_login import Sessions
from zulip_standup.web.render import page

COOKIE = "standup_session"
Runtimes = Callable[[int], Runtime | None]

BAD_LINK = (
    "This login link cannot be used: it was used already, it is older than "
    f"{LOGIN_LINK_MINUTES} minutes, or it was never sent. Send `dashboard` to the bot in a "
    "direct message for a new one."
)
FORGED_POST = "This form was not sent from the dashboard's own pages, so it was refused."
NOT_SERVED = (
    "This process does not serve your organisation right now: it is starting, or another "
    "process of the bot serves it. Try again in a few seconds."
)
NOT_SERVED_RETRY_S = 5


class Site:
    """The dashboard under ``public_url``: its sessions and the realms it reads."""

    def __init__(self, sessions: Sessions, runtimes: Runtimes, public_url: str) -> None:
        self.sessions = sessions
        self.runtimes = runtimes
        parts = urlsplit(public_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.base = parts.path.rstrip("/")
        self.secure = parts.scheme == "https"

    def url(self, path: str) -> str:
        """A link inside the dashboard (the public URL may have a path prefix)."""
        return f"{self.base}{path}"

    def html(self, body: str, status: int = 200) -> web.Response:
        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")

    def error(self, status: int, title: str, message: str) -> web.Response:
        return self.html(page("error.html", d=self, title=title, message=message), status=status)

    async def viewer(self, request: web.Request) -> tuple[Runtime, Asker]:
        """The session's realm and person; a redirect to the login help without one."""
        token = request.cookies.get(COOKIE)
        user = await self.sessions.user(token) if token else None
        if user is None:
            raise web.HTTPSeeOther(self.url("/login"))
        rt = self.runtimes(user.realm_id)
        if rt is None:
            raise web.HTTPServiceUnavailable(
                text=page("error.html", d=self, title="Not available", message=NOT_SERVED),
                content_type="text/html",
                headers={"Retry-After": str(NOT_SERVED_RETRY_S)},
            )
        viewer = await viewer_of(rt, user.user_id)
        if viewer is None:
            assert token is not None
            await self.sessions.log_out(token)
            raise web.HTTPSeeOther(self.url("/login"))
        return rt, viewer
