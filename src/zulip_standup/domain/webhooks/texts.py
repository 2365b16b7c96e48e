"""Every chat text of webhooks, in one place (tests read them from here)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from zulip_standup.domain.limits import MAX_WEBHOOKS
from zulip_standup.domain.webhooks.records import DeliveryRecord, WebhookListing, WebhookRecord

USAGE = (
    "`config [name] webhook add <https-url>`, `config [name] webhook remove <url|id>`, "
    "`config [name] webhook list`, `config [name] webhook log [id]`"
)
DOCS = "docs/webhooks.md"


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def added(standup: str, webhook: WebhookRecord) -> str:
    """In the channel: no URL (it may carry a token), no secret."""
    return (
        f"Added webhook {webhook.id} to **{standup}** (to {_host(webhook.url)}). "
        "Its signing secret was sent to you by direct message."
    )


def secret_dm(standup: str, webhook: WebhookRecord, secret: str) -> str:
    return (
        f"The signing secret of webhook {webhook.id} of **{standup}** ({webhook.url}), "
        f"shown this once:\n\n```text\n{secret}\n```\n"
        "Every delivery carries `X-Standup-Timestamp` and `X-Standup-Signature: sha256=<hex>`: "
        "compute HMAC-SHA256 of `<timestamp>.<raw body>` with this secret and compare it in "
        "constant time; refuse old timestamps; drop a repeated `X-Standup-Delivery` id (a "
        f"delivery may come more than once). See {DOCS}. If you lose the secret, remove the "
        "webhook and add it again."
    )


def refused(url: str, why: str) -> str:
    return (
        f"I can't send webhooks to {url}: {why}. Webhooks go only to public https "
        "addresses. Nothing was added."
    )


def too_many(standup: str) -> str:
    return (
        f"**{standup}** has {MAX_WEBHOOKS} webhooks, the most a standup may have. Remove one "
        "first with `config webhook remove <id>` (`config webhook list` shows them)."
    )


def already_there(standup: str, webhook_id: int) -> str:
    return f"**{standup}** already sends its events there (webhook {webhook_id}). Nothing changed."


def changed_meanwhile() -> str:
    return "The webhooks changed while I was adding this one; please try again."


def unknown(standup: str, given: str, listings: Sequence[WebhookListing]) -> str:
    ids = ", ".join(str(item.webhook.id) for item in listings)
    known = f"its webhooks are {ids}" if ids else "it has no webhooks"
    return f"**{standup}** has no webhook {given}; {known}. Usage: {USAGE}."


def removed(standup: str, webhook: WebhookRecord) -> str:
    return f"Removed webhook {webhook.id} (to {_host(webhook.url)}) from **{standup}**."


def _status(entry: DeliveryRecord) -> str:
    if entry.status_code is None:
        return entry.error or "no answer"
    return f"HTTP {entry.status_code}" + (f" ({entry.error})" if entry.error else "")


def _when(entry: DeliveryRecord) -> str:
    return entry.at.strftime("%Y-%m-%d %H:%M:%S UTC")


def listing(standup: str, listings: Sequence[WebhookListing]) -> str:
    if not listings:
        return f"**{standup}** has no webhooks. Add one with `config webhook add <https-url>`."
    lines = [f"Webhooks of **{standup}**:"]
    for item in listings:
        last = item.last
        status = "no delivery yet" if last is None else f"last: {_status(last)}, {_when(last)}"
        lines.append(f"- {item.webhook.id}: {item.webhook.url} ({status})")
    return "\n".join(lines)


def log(standup: str, webhook_id: int | None, entries: Sequence[DeliveryRecord]) -> str:
    which = f"webhook {webhook_id} of **{standup}**" if webhook_id else f"**{standup}**'s webhooks"
    if not entries:
        return f"No deliveries yet for {which}."
    lines = [f"Latest deliveries of {which}, newest first:"]
    for entry in entries:
        hook = "" if webhook_id else f"webhook {entry.webhook_id}, "
        lines.append(
            f"- {_when(entry)}: {hook}{entry.event_type} `{entry.event_id}` attempt "
            f"{entry.attempt}: {_status(entry)}"
        )
    return "\n".join(lines)


def not_available() -> str:
    return "Webhooks are not available on this bot."
