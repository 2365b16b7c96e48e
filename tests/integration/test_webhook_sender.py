"""The webhook sender against a local HTTPS receiver (its CA made at test time): delivered
with certificate checks on the host name while connecting to the checked address, no
redirects, timeouts; and targets inside the network refused before any connection (a TCP
listener that counts connections stays at zero)."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from integration.webhook_receiver import ConnectionCounter, Receiver, make_tls
from zulip_standup.domain.webhooks.signing import delivery_headers, signature
from zulip_standup.domain.webhooks.targets import IPAddress
from zulip_standup.webhooks.sender import HttpsWebhookSender, UnresolvableHost

SECRET = "s3cret"
BODY = b'{"id":"e1","type":"answers.submitted"}'


def headers(body: bytes = BODY) -> dict[str, str]:
    return delivery_headers(
        "answers.submitted", "e1", 1767225600, signature(SECRET, 1767225600, body)
    )


@pytest.fixture
async def receiver(tmp_path: Path) -> AsyncIterator[tuple[Receiver, Path]]:
    ca_file, context = make_tls(tmp_path)
    found = Receiver(context, secret=SECRET)
    await found.start()
    yield found, ca_file
    await found.stop()


@pytest.fixture
async def counter() -> AsyncIterator[ConnectionCounter]:
    found = ConnectionCounter()
    await found.start()
    yield found
    await found.stop()


def fixed_dns(table: dict[str, str]):  # type: ignore[no-untyped-def]
    calls: list[str] = []

    async def resolve(host: str, _port: int) -> list[IPAddress]:
        calls.append(host)
        if host not in table:
            raise UnresolvableHost(f"{host} could not be resolved")
        return [ipaddress.ip_address(table[host])]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


async def test_delivers_over_verified_tls_with_signed_headers(
    receiver: tuple[Receiver, Path],
) -> None:
    """To https://localhost:<port>/hook (allowed for the test, CA trusted): 200, the body
    and headers as sent, the signature valid, Host as in the URL."""
    hook, ca_file = receiver
    sender = HttpsWebhookSender(allow_private=True, ca_file=ca_file)
    try:
        result = await sender.send(hook.url(), headers(), BODY)
    finally:
        await sender.aclose()
    assert (result.status, result.error) == (200, None)
    (got,) = hook.deliveries
    assert got.signed
    assert got.body == BODY
    assert got.headers["Host"] == f"localhost:{hook.port}"
    assert got.headers["X-Standup-Delivery"] == "e1"


async def test_connects_to_the_checked_address_with_sni_and_host_of_the_name(
    receiver: tuple[Receiver, Path],
) -> None:
    """hooks.test resolves (once) to 127.0.0.1: the request goes there, its certificate is
    checked for hooks.test and Host says hooks.test; a name the certificate lacks fails
    the TLS check, so pinning the address never skips verification."""
    hook, ca_file = receiver
    dns = fixed_dns({"hooks.test": "127.0.0.1", "other.test": "127.0.0.1"})
    sender = HttpsWebhookSender(allow_private=True, ca_file=ca_file, resolver=dns)
    try:
        ok = await sender.send(hook.url("hooks.test"), headers(), BODY)
        wrong = await sender.send(hook.url("other.test"), headers(), BODY)
    finally:
        await sender.aclose()
    assert ok.status == 200
    assert dns.calls == ["hooks.test", "other.test"]  # type: ignore[attr-defined]
    assert [d.headers["Host"] for d in hook.deliveries] == [f"hooks.test:{hook.port}"]
    assert wrong.status is None
    assert wrong.retry
    assert "certificate" in (wrong.error or "").lower()


async def test_an_untrusted_certificate_is_refused(receiver: tuple[Receiver, Path]) -> None:
    """Without the test CA the receiver's certificate does not verify: nothing delivered."""
    hook, _ = receiver
    sender = HttpsWebhookSender(allow_private=True)
    try:
        result = await sender.send(hook.url(), headers(), BODY)
    finally:
        await sender.aclose()
    assert result.status is None
    assert hook.deliveries == []


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "rebound.test"],
)
async def test_inside_targets_are_refused_before_any_connection(
    counter: ConnectionCounter, host: str
) -> None:
    """By default a target on 127.0.0.1 (directly, by name, as IPv6 or mapped, or a name
    whose DNS answer is 127.0.0.1) is refused when added and when delivering: the listener
    on that port counts no connection."""
    dns = None
    if host == "rebound.test":
        dns = fixed_dns({"rebound.test": "127.0.0.1"})
    sender = HttpsWebhookSender(**({"resolver": dns} if dns else {}))
    url = f"https://{host}:{counter.port}/hook"
    try:
        why = await sender.refusal(url)
        result = await sender.send(url, headers(), BODY)
    finally:
        await sender.aclose()
    assert why is not None
    assert "loopback" in why
    assert result.error is not None
    assert result.error.startswith("refused:")
    assert not result.retry
    assert counter.connections == 0


@pytest.mark.parametrize(
    ("address", "kind"),
    [("10.0.0.1", "private"), ("169.254.169.254", "link-local"), ("192.168.0.10", "private")],
)
async def test_private_and_metadata_addresses_are_refused(address: str, kind: str) -> None:
    """10.0.0.1 and the cloud metadata address are refused without a connection attempt
    (nothing listens there: a connection would time out, a refusal is immediate)."""
    sender = HttpsWebhookSender(connect_timeout=30.0)
    try:
        result = await sender.send(f"https://{address}/latest/meta-data", headers(), BODY)
        why = await sender.refusal(f"https://{address}/")
    finally:
        await sender.aclose()
    assert result.error == f"refused: {address} resolves to {address} is a {kind} address"
    assert why is not None
    assert kind in why


async def test_redirects_are_not_followed(tmp_path: Path) -> None:
    """A 302 to elsewhere comes back as 302 (a permanent failure), the Location unvisited."""
    ca_file, context = make_tls(tmp_path)
    visited: list[str] = []

    async def moved(request: web.Request) -> web.Response:
        visited.append(request.path)
        if request.path == "/elsewhere":
            return web.Response(status=200)
        raise web.HTTPFound("/elsewhere")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", moved)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    sender = HttpsWebhookSender(allow_private=True, ca_file=ca_file)
    try:
        result = await sender.send(f"https://localhost:{port}/hook", headers(), BODY)
    finally:
        await sender.aclose()
        await runner.cleanup()
    assert result.status == 302
    assert visited == ["/hook"]


async def test_a_silent_receiver_times_out_and_is_retried(tmp_path: Path) -> None:
    """A receiver that accepts and never answers: the read timeout ends the attempt, worth
    another try."""
    ca_file, context = make_tls(tmp_path)

    async def silent(_reader: object, _writer: object) -> None:
        await asyncio.Event().wait()

    server = await asyncio.start_server(silent, "127.0.0.1", 0, ssl=context)  # type: ignore[arg-type]
    port = server.sockets[0].getsockname()[1]
    sender = HttpsWebhookSender(
        allow_private=True, ca_file=ca_file, read_timeout=0.3, connect_timeout=0.3
    )
    try:
        result = await sender.send(f"https://localhost:{port}/hook", headers(), BODY)
    finally:
        await sender.aclose()
        server.close()
    assert result.status is None
    assert result.retry
    assert "timed out" in (result.error or "")
