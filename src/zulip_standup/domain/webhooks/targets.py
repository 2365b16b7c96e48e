"""Which URLs a webhook may point at: https only, and never at an address inside the
operator's network (private, loopback, link-local, ...) unless the operator allows it.

The address rule is applied to every address the host resolves to, when the webhook is
added and again before each delivery (DNS answers change), and the delivery connects to
the address that was checked.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from zulip_standup.domain.limits import MAX_WEBHOOK_URL_CHARS

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
URL_FORM = "give an https URL such as https://ci.example.com/hooks/standup"


class BadWebhookUrl(ValueError):
    """The text is not a URL a webhook may have; the message says why."""


@dataclass(frozen=True, slots=True)
class Target:
    """A webhook URL taken apart: where to connect, and what to ask for there."""

    url: str
    host: str  # a name, or an address literal (IPv6 without brackets)
    port: int
    path: str  # with the query, as sent in the request line


def parse_target(text: str) -> Target:
    """The webhook URL in ``text`` (``<...>`` as Zulip's Markdown writes a link is taken off)."""
    url = text.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1].strip()
    if not url:
        raise BadWebhookUrl(f"the URL is missing; {URL_FORM}")
    if len(url) > MAX_WEBHOOK_URL_CHARS:
        raise BadWebhookUrl(f"that URL is {len(url)} characters; at most {MAX_WEBHOOK_URL_CHARS}")
    if any(char.isspace() or ord(char) < 32 for char in url):
        raise BadWebhookUrl(f"a URL has no spaces; {URL_FORM}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadWebhookUrl(f"that is not a well-formed URL; {URL_FORM}") from None
    if parts.scheme.lower() != "https":
        scheme = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise BadWebhookUrl(f"webhooks are sent over https only, not {scheme}; {URL_FORM}")
    return _checked(parts, url, port)


def _checked(parts: SplitResult, url: str, port: int | None) -> Target:
    host = parts.hostname
    if not host:
        raise BadWebhookUrl(f"the URL has no host; {URL_FORM}")
    if parts.username is not None or parts.password is not None:
        raise BadWebhookUrl("a webhook URL may not hold a user name or password")
    if parts.fragment:
        raise BadWebhookUrl("a webhook URL has no #fragment")
    if port == 0:
        raise BadWebhookUrl("port 0 is not a port")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(url, host, port or 443, path)


def address_refusal(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why a delivery may not go to ``address``, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_unspecified:
        return f"{address} is the unspecified address"
    if address.is_multicast:
        return f"{address} is a multicast address"
    if allow_private:
        return None
    for kind, found in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if found:
            return f"{address} is a {kind} address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None
