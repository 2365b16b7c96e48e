"""A webhook receiver at the edge of the service tier: takes what the bot sends, answers with
the statuses a test scripts (200 once the script is spent), and refuses targets a test
names, as the real sender refuses private addresses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from zulip_standup.ports import SendResult


@dataclass(frozen=True)
class Received:
    """One delivery attempt as the receiver saw it."""

    url: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeWebhookSender:
    """``WebhookSender`` for the twin: records every attempt."""

    statuses: list[int] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # host -> why
    received: list[Received] = field(default_factory=list)

    def _why(self, url: str) -> str | None:
        return next((why for host, why in self.refused.items() if f"//{host}" in url), None)

    async def refusal(self, url: str) -> str | None:
        return self._why(url)

    async def send(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult:
        why = self._why(url)
        if why is not None:
            return SendResult(error=f"refused: {why}")
        self.received.append(Received(url, dict(headers), body))
        status = self.statuses.pop(0) if self.statuses else 200
        return SendResult(status=status)

    async def aclose(self) -> None:
        return None
