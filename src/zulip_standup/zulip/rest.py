"""A thin typed Zulip REST client on httpx: timeouts, TLS verification, Zulip's error bodies.

The official ``zulip`` client is the reference for what a correct request
looks like, but it hides response headers, ignores 429 and retries POSTs on
5xx; a long-running bot needs all three handled, so it talks HTTP itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, TypedDict

import httpx

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=10.0)
USER_AGENT = "zulip-standup/0.1"


class ZulipError(Exception):
    """A failed Zulip call; ``str()`` is safe to show an operator (no secrets)."""


class ZulipUnreachableError(ZulipError):
    """No HTTP answer: DNS, connection refused, TLS failure or timeout."""


@dataclass
class ZulipApiError(ZulipError):
    """Zulip answered with an error body."""

    status: int
    code: str
    msg: str
    body: dict[str, Any]

    def __str__(self) -> str:
        return f"HTTP {self.status} {self.code}: {self.msg}"


class ZulipAuthError(ZulipApiError):
    """HTTP 401: wrong key, wrong email or a deactivated account."""


class ServerSettings(TypedDict, total=False):
    """GET /server_settings (operationId get-server-settings)."""

    zulip_version: str
    zulip_feature_level: int
    realm_name: str
    realm_uri: str


class OwnUser(TypedDict, total=False):
    """GET /users/me (operationId get-own-user)."""

    user_id: int
    email: str
    full_name: str
    is_bot: bool
    role: int
    timezone: str


class ZulipRest:
    """Async access to one Zulip site as one account."""

    def __init__(
        self,
        site: str,
        email: str,
        api_key: str,
        *,
        verify: bool = True,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not verify:
            log.warning("tls_verification_disabled", extra={"site": site})
        self.site = site.rstrip("/")
        self._client = httpx.AsyncClient(
            base_url=self.site + "/api/v1/",
            auth=httpx.BasicAuth(email, api_key),
            timeout=timeout,
            verify=verify,
            headers={"User-Agent": USER_AGENT},
            transport=transport,
        )

    async def __aenter__(self) -> ZulipRest:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self, method: str, path: str, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        """Send one request; raise ZulipUnreachableError when no HTTP answer comes back."""
        try:
            if method == "GET":
                return await self._client.request(method, path, params=params)
            return await self._client.request(method, path, data=params)
        except httpx.TimeoutException as exc:
            msg = f"Zulip at {self.site} did not answer in time ({type(exc).__name__})"
            raise ZulipUnreachableError(msg) from None
        except httpx.HTTPError as exc:
            msg = f"cannot reach Zulip at {self.site}: {_short_reason(exc)}"
            raise ZulipUnreachableError(msg) from None

    async def call(
        self, method: str, path: str, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Send one request and return its success body, or raise the matching error."""
        return decode(await self.request(method, path, params), self.site)

    async def server_settings(self) -> ServerSettings:
        body = await self.call("GET", "server_settings")
        return ServerSettings(
            zulip_version=str(body.get("zulip_version", "")),
            zulip_feature_level=int(body.get("zulip_feature_level", 0)),
            realm_name=str(body.get("realm_name", "")),
            realm_uri=str(body.get("realm_uri", "")),
        )

    async def own_user(self) -> OwnUser:
        body = await self.call("GET", "users/me")
        return OwnUser(
            user_id=int(body["user_id"]),
            email=str(body.get("email", "")),
            full_name=str(body.get("full_name", "")),
            is_bot=bool(body.get("is_bot", False)),
            role=int(body.get("role", 400)),
            timezone=str(body.get("timezone", "")),
        )


def decode(response: httpx.Response, site: str) -> dict[str, Any]:
    """Zulip's success body, or the ZulipApiError its error body describes."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        msg = f"Zulip at {site} sent HTTP {response.status_code} without a JSON body"
        raise ZulipApiError(response.status_code, "NOT_JSON", msg, {})
    if response.status_code == 200 and body.get("result") == "success":
        return body
    code = str(body.get("code", "BAD_REQUEST"))
    msg = str(body.get("msg", ""))
    if response.status_code == 401:
        raise ZulipAuthError(response.status_code, code, msg, body)
    raise ZulipApiError(response.status_code, code, msg, body)


def _short_reason(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "TLS certificate verification failed"
    return text.splitlines()[0][:200]
