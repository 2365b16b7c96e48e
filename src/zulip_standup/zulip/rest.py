"""A thin typed Zulip REST client on httpx: timeouts, TLS verification, Zulip's error bodies.

The official ``zulip`` client is the reference for what a correct request
looks like, but it hides response headers, ignores 429 and retries POSTs on
5xx; a long-running bot needs all three handled, so it talks HTTP itself.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypedDict

import httpx

from zulip_standup.clock import SystemClock
from zulip_standup.ports import ChatError, ChatRefused, ChatUnreachable, Clock
from zulip_standup.zulip.pacer import Pacer

log = logging.getLogger(__name__)

# Turns each JSON object of a body into what the caller keeps, as it is decoded (json's
# object_hook): a large list then never exists as dicts all at once.
ObjectHook = Callable[[dict[str, Any]], Any]

# How often a call is tried when Zulip answers 429; each try waits what the server asks.
MAX_RATE_LIMITED_TRIES = 6
# Transient failures (5xx, dropped connections) of idempotent calls are retried this often.
MAX_TRANSIENT_TRIES = 4
BACKOFF_BASE_S = 0.5
BACKOFF_MAX_S = 8.0

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=10.0)
USER_AGENT = "zulip-standup/0.1"


# Connections to Zulip kept open: the worker's jobs in flight (32), the dispatcher's replies
# (16) and the event long-poll fit, so sends never wait for one nor reconnect (httpx keeps
# 20 by default and closed the rest after each burst); httpcore looks at every pooled
# connection on each request, so more would cost CPU for nothing.
CONNECTIONS = 64


class ZulipError(ChatError):
    """A failed Zulip call; ``str()`` is safe to show an operator (no secrets)."""


class ZulipUnreachableError(ZulipError, ChatUnreachable):
    """No HTTP answer: DNS, connection refused, TLS failure or timeout."""


class ZulipApiError(ChatRefused, ZulipError):
    """Zulip answered with an error body (status, code, msg, body: see ``ChatRefused``)."""


class ZulipAuthError(ZulipApiError):
    """HTTP 401: wrong key, wrong email or a deactivated account."""


def is_transient(exc: Exception) -> bool:
    """Failures worth retrying: no answer at all, or a 5xx/429 from the server or its proxy."""
    if isinstance(exc, ZulipUnreachableError):
        return True
    return isinstance(exc, ZulipApiError) and (exc.status >= 500 or exc.status == 429)


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
        clock: Clock | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        if not verify:
            log.warning("tls_verification_disabled", extra={"site": site})
        self.site = site.rstrip("/")
        self.clock: Clock = clock or SystemClock()
        self.pacer = pacer or Pacer(self.clock)
        self.requests_made = 0
        self._client = httpx.AsyncClient(
            base_url=self.site + "/api/v1/",
            auth=httpx.BasicAuth(email, api_key),
            timeout=timeout,
            verify=verify,
            headers={"User-Agent": USER_AGENT},
            transport=transport,
            limits=httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS),
        )

    async def __aenter__(self) -> ZulipRest:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        read_timeout: float | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> httpx.Response:
        """Send one request; raise ZulipUnreachableError when no HTTP answer comes back."""
        encoded = _encode(params)
        extra: dict[str, Any] = {}
        if read_timeout is not None:
            extra["timeout"] = httpx.Timeout(read_timeout, connect=10.0)
        self.requests_made += 1
        try:
            if method == "GET":
                return await self._client.request(method, path, params=encoded, **extra)
            return await self._client.request(method, path, data=encoded, files=files, **extra)
        except httpx.TimeoutException as exc:
            msg = f"Zulip at {self.site} did not answer in time ({type(exc).__name__})"
            raise ZulipUnreachableError(msg) from None
        except httpx.HTTPError as exc:
            msg = f"cannot reach Zulip at {self.site}: {_short_reason(exc)}"
            raise ZulipUnreachableError(msg) from None

    async def call(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        paced: bool = True,
        retry_transient: bool | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        object_hook: ObjectHook | None = None,
    ) -> dict[str, Any]:
        """Send one request through the pacer and return its success body.

        A 429 is always waited out and retried (the server did nothing). Other
        transient failures are retried only for idempotent calls: by default
        every method but POST, whose retry could duplicate a message.
        """
        if retry_transient is None:
            retry_transient = method != "POST"
        rate_limited = 0
        transient = 0
        while True:
            sent_at = await self.pacer.admit() if paced else None
            try:
                response = await self.request(method, path, params, files=files)
                if paced:
                    self.pacer.observe(
                        response.status_code, response.headers, _retry_after(response), sent_at
                    )
                return decode(response, self.site, object_hook)
            except ZulipApiError as exc:
                if exc.status == 429 and rate_limited + 1 < MAX_RATE_LIMITED_TRIES:
                    rate_limited += 1
                    if not paced:
                        await self.clock.sleep(_retry_after_of(exc) or 1.0)
                    continue
                if not (retry_transient and exc.status >= 500):
                    raise
                transient += 1
                if transient >= MAX_TRANSIENT_TRIES:
                    raise
            except ZulipUnreachableError:
                transient += 1
                if not retry_transient or transient >= MAX_TRANSIENT_TRIES:
                    raise
            delay = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** (transient - 1))
            log.info("zulip_call_retried", extra={"path": path, "attempt": transient})
            await self.clock.sleep(delay)

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


def decode(
    response: httpx.Response, site: str, object_hook: ObjectHook | None = None
) -> dict[str, Any]:
    """Zulip's success body, or the ZulipApiError its error body describes."""
    try:
        body = response.json(object_hook=object_hook)
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


def _encode(params: dict[str, Any] | None) -> dict[str, str] | None:
    """Zulip's encoding, as the official client does it: non-strings are JSON."""
    if params is None:
        return None
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}


def _retry_after(response: httpx.Response) -> float | None:
    if response.status_code != 429:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    value = body.get("retry-after") if isinstance(body, dict) else None
    return float(value) if isinstance(value, int | float) else None


def _retry_after_of(exc: ZulipApiError) -> float | None:
    value = exc.body.get("retry-after")
    return float(value) if isinstance(value, int | float) else None


def _short_reason(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "TLS certificate verification failed"
    return text.splitlines()[0][:200]
