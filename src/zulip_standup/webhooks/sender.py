"""HTTPS delivery of webhook bodies, guarded against server-side request forgery.

Before any connection the host is resolved and every address it resolves to is checked
(``domain.webhooks.targets.address_refusal``); one refused address refuses the target.
The request then goes to a checked address itself, so a DNS answer that changes between
the check and the connection (DNS rebinding) cannot send it elsewhere: the URL names the
address, the ``Host`` header and TLS SNI name the host, and the certificate is verified
against the host name. No keep-alive (a pooled connection to one address must not carry
another host's request), no redirects, no proxies from the environment, timeouts on
connect and read, and at most ``MAX_RESPONSE_BYTES`` of the answer read.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

import certifi
import httpx

from zulip_standup.domain.webhooks.delivery import MAX_RESPONSE_BYTES
from zulip_standup.domain.webhooks.targets import (
    BadWebhookUrl,
    IPAddress,
    Target,
    address_refusal,
    parse_target,
)
from zulip_standup.ports import SendResult

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 10.0

Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]


class UnresolvableHost(Exception):
    """The host has no address (or the resolver failed): worth trying again later."""


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for ``host`` (literals resolve to themselves)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except (socket.gaierror, UnicodeError) as exc:
        raise UnresolvableHost(f"{host} could not be resolved") from exc
    found: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    if not found:
        raise UnresolvableHost(f"{host} has no address")
    return found


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """certifi's roots, plus the operator's bundle when given; verification always on."""
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context


class HttpsWebhookSender:
    """``WebhookSender`` over httpx."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        ca_file: Path | None = None,
        resolver: Resolver = system_resolver,
        connect_timeout: float = CONNECT_TIMEOUT_S,
        read_timeout: float = READ_TIMEOUT_S,
    ) -> None:
        self._allow_private = allow_private
        self._resolve = resolver
        self._client = httpx.AsyncClient(
            verify=tls_context(ca_file),
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout),
            limits=httpx.Limits(max_keepalive_connections=0),
            follow_redirects=False,
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _checked(self, target: Target) -> list[IPAddress]:
        """The target's addresses, after each passed the check (else BadWebhookUrl)."""
        addresses = await self._resolve(target.host, target.port)
        for address in addresses:
            why = address_refusal(address, allow_private=self._allow_private)
            if why is not None:
                raise BadWebhookUrl(f"{target.host} resolves to {why}")
        return addresses

    async def refusal(self, url: str) -> str | None:
        try:
            await self._checked(parse_target(url))
        except (BadWebhookUrl, UnresolvableHost) as exc:
            return str(exc)
        return None

    async def send(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult:
        try:
            target = parse_target(url)
            addresses = await self._checked(target)
        except BadWebhookUrl as exc:
            return SendResult(error=f"refused: {exc}")
        except UnresolvableHost as exc:
            return SendResult(error=str(exc), retry=True)
        failure = "no address"
        for address in addresses:
            try:
                return await self._post(target, address, headers, body)
            except httpx.ConnectError as exc:
                # Nothing was sent to this address: the next one may answer.
                failure = f"could not connect to {address}: {_reason(exc)}"
            except httpx.TimeoutException:
                return SendResult(error=f"timed out talking to {address}", retry=True)
            except httpx.HTTPError as exc:
                return SendResult(error=f"{type(exc).__name__}: {_reason(exc)}", retry=True)
        return SendResult(error=failure, retry=True)

    async def _post(
        self, target: Target, address: IPAddress, headers: Mapping[str, str], body: bytes
    ) -> SendResult:
        literal = f"[{address}]" if address.version == 6 else str(address)
        pinned = f"https://{literal}:{target.port}{target.path}"
        host = target.host if ":" not in target.host else f"[{target.host}]"
        request_headers = {
            **headers,
            "Host": host if target.port == 443 else f"{host}:{target.port}",
        }
        extensions = {} if _is_literal(target.host) else {"sni_hostname": target.host}
        async with self._client.stream(
            "POST", pinned, content=body, headers=request_headers, extensions=extensions
        ) as response:
            read = 0
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read >= MAX_RESPONSE_BYTES:
                    break
            return SendResult(status=response.status_code)


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0]
