"""The dashboard served over loopback HTTP in front of a ``Team`` on the twin.

People log in the way they would: they DM ``dashboard`` to the bot, take the link from
its reply and press the button; each person keeps their own session cookie. Requests
go through aiohttp's real server and client; nothing of ours is stubbed.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from service.harness import Team
from zulip_standup.domain.chat import Person
from zulip_standup.domain.limits import API_BURST
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.web_login import Sessions
from zulip_standup.web.app import COOKIE, Dashboard

PUBLIC_URL = "https://standup.example.org"
LINK = re.compile(re.escape(PUBLIC_URL) + r"/login/([A-Za-z0-9_-]+)")
TOKEN = re.compile(r"```text\n(sut_[A-Za-z0-9_-]+)\n```")


@dataclass
class Reply:
    status: int
    text: str
    headers: dict[str, str]
    location: str | None


@dataclass
class Site:
    team: Team
    server: TestServer
    http: aiohttp.ClientSession
    cookies: dict[int, str] = field(default_factory=dict)
    # False: this process does not serve the realm now (a standby, or still starting).
    serving: bool = True

    async def link_for(self, person: Person) -> str:
        """The token of a fresh login link, as the bot DMs it."""
        (reply,) = await self.team.says(person, "dashboard")
        found = LINK.search(reply)
        assert found, reply
        return found[1]

    async def log_in(self, person: Person) -> Reply:
        """``person`` asks for a link and presses its button; their cookie is kept."""
        return await self.press(person, await self.link_for(person))

    async def press(self, person: Person, token: str) -> Reply:
        """The login button of a link, pressed by ``person``'s browser."""
        reply = await self.post(person, f"/login/{token}")
        if reply.status == 303:
            cookie = reply.headers["Set-Cookie"]
            found = re.match(rf"{COOKIE}=([^;]+);", cookie)
            assert found, cookie
            self.cookies[person.user_id] = found[1]
        return reply

    async def token_for(self, person: Person, name: str = "api") -> str:
        """A new API token of ``person``'s, as the bot shows it in the DM."""
        (reply,) = await self.team.says(person, f"token new {name}")
        found = TOKEN.search(reply)
        assert found, reply
        return found[1]

    async def api(self, token: str | None, path: str) -> Reply:
        """``GET /api/v1<path>`` with ``token`` as the bearer (None: no Authorization)."""
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return await self._send("GET", None, f"/api/v1{path}", headers)

    async def get(self, person: Person | None, path: str) -> Reply:
        return await self._send("GET", person, path, {})

    async def post(
        self, person: Person | None, path: str, *, origin: str | None = PUBLIC_URL
    ) -> Reply:
        return await self._send("POST", person, path, {"Origin": origin} if origin else {})

    async def _send(
        self, method: str, person: Person | None, path: str, headers: dict[str, str]
    ) -> Reply:
        if person is not None and person.user_id in self.cookies:
            headers["Cookie"] = f"{COOKIE}={self.cookies[person.user_id]}"
        async with self.http.request(
            method, self.server.make_url(path), headers=headers, allow_redirects=False
        ) as response:
            return Reply(
                response.status,
                await response.text(),
                dict(response.headers),
                response.headers.get("Location"),
            )


@asynccontextmanager
async def dashboard_site(
    team: Team, public_url: str | None = PUBLIC_URL, *, api_burst: int = API_BURST
) -> AsyncIterator[Site]:
    """The dashboard of ``team``'s realm, listening on a loopback port; each person may make
    ``api_burst`` API requests at once (the fake clock refills them only as it moves)."""
    team.runtime.public_url = public_url
    site: Site | None = None

    def runtime_of(realm_id: int) -> Runtime | None:
        served = site is not None and site.serving and realm_id == team.realm_id
        return team.runtime if served else None

    dashboard = Dashboard(
        Sessions(team.storage.web, team.clock),
        runtime_of,
        public_url or PUBLIC_URL,
        api_burst=api_burst,
    )
    app = web.Application()
    dashboard.install(app)
    server = TestServer(app)
    await server.start_server()
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            site = Site(team, server, http)
            yield site
    finally:
        await server.close()
