"""The REST API as the MCP server calls it: where it is, whose token, and what a refusal says.

The address and the token come from the environment only (a token in argv would show in
``ps``); neither the token nor the Authorization header ever appears in a message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import metadata
from types import TracebackType
from typing import Any, Self

import httpx

from zulip_standup.zuliprc import validate_site

URL_VARIABLE = "STANDUP_API_URL"
TOKEN_VARIABLE = "STANDUP_API_TOKEN"  # noqa: S105 - the variable's name, not a token
API_PREFIX = "/api/v1"
TIMEOUT = httpx.Timeout(20.0, connect=5.0)

NOT_AUTHORISED = "The token is not valid: make one with `token new` in a DM to the bot."


class ConfigError(Exception):
    """The environment does not say where the API is or whose token to use."""


class ApiRefusal(Exception):
    """The API said no, or could not be reached; ``message`` is what the person should read."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ApiConfig:
    """Where the bot's API is and the person's token (kept out of ``repr``)."""

    base_url: str
    token: str = field(repr=False)


def config_from_env(environ: Mapping[str, str]) -> ApiConfig:
    """The API's address and the token, checked; ``ConfigError`` names each problem."""
    problems = []
    raw_url = environ.get(URL_VARIABLE, "").strip()
    url = ""
    if not raw_url:
        problems.append(
            f"{URL_VARIABLE} is not set; give the bot's public address, "
            "e.g. https://standup.example.com"
        )
    else:
        try:
            url = validate_site(raw_url, "the standup bot")
        except ValueError as exc:
            problems.append(f"{URL_VARIABLE}: {exc}")
    token = environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        problems.append(
            f"{TOKEN_VARIABLE} is not set; make a token with `token new` in a DM to the bot"
        )
    elif not token.isascii() or not token.isprintable() or any(c.isspace() for c in token):
        problems.append(f"{TOKEN_VARIABLE} holds characters no token has")
    if problems:
        raise ConfigError("; ".join(problems))
    url = url.removesuffix(API_PREFIX).rstrip("/")
    return ApiConfig(url, token)


class StandupApi:
    """GETs against ``/api/v1`` with the person's bearer token; JSON back, or ``ApiRefusal``."""

    def __init__(self, config: ApiConfig) -> None:
        self.base_url = config.base_url
        self._http = httpx.AsyncClient(
            base_url=config.base_url + API_PREFIX,
            headers={
                "Authorization": f"Bearer {config.token}",
                "User-Agent": f"zulip-standup-mcp/{metadata.version('zulip-standup')}",
                "Accept": "application/json",
            },
            timeout=TIMEOUT,
            follow_redirects=False,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._http.aclose()

    async def get(self, path: str, params: Mapping[str, str | int | None] | None = None) -> Any:
        """The JSON answer of ``GET /api/v1<path>``; parameters that are None are left out."""
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}
        try:
            response = await self._http.get(path, params=query)
        except httpx.TimeoutException:
            msg = f"The standup API at {self.base_url} did not answer in time; try again later."
            raise ApiRefusal(msg) from None
        except httpx.HTTPError as exc:
            reason = str(exc).strip() or type(exc).__name__
            msg = f"Cannot reach the standup API at {self.base_url}: {reason}"
            raise ApiRefusal(msg) from None
        if response.status_code == 200:
            try:
                return response.json()
            except ValueError:
                msg = f"The standup API at {self.base_url} answered something that is not JSON."
                raise ApiRefusal(msg, 200) from None
        raise _refusal(response, self.base_url)


def _refusal(response: httpx.Response, base_url: str) -> ApiRefusal:
    status = response.status_code
    if status == 401:
        return ApiRefusal(NOT_AUTHORISED, status)
    message = _error_message(response)
    if status == 429:
        wait = response.headers.get("Retry-After", "")
        after = f"retry after {wait} s" if wait.isdigit() else "retry later"
        return ApiRefusal(f"Too many requests to the standup API; {after}.", status)
    if message is None:
        message = f"The standup API at {base_url} answered HTTP {status}."
    return ApiRefusal(message, status)


def _error_message(response: httpx.Response) -> str | None:
    """The API's ``{"error": {"message"}}``, or None when the body is not one."""
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return None
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return message if isinstance(message, str) and message else None
