"""A small local OpenAI-compatible ``/chat/completions`` server for the AI-summary tests.

It listens on 127.0.0.1 on an ephemeral port, records every request (body
and headers), and answers from a script of :class:`Reply` values: a normal
completion, an HTTP error, a raw body, or a delay that outlasts the client's
timeout. Delays end early when the server stops, so tests never wait for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Reply:
    """One scripted answer; ``content`` becomes ``choices[0].message.content`` unless ``raw``."""

    content: str | None = "- Person 1 did things."
    status: int = 200
    raw: str | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Recorded:
    """A request the server received."""

    body: dict[str, Any]
    text: str
    headers: dict[str, str]


class FakeOpenAI:
    """``async with FakeOpenAI([Reply(...), ...]) as server:`` then use ``server.base_url``."""

    def __init__(self, script: list[Reply] | None = None, default: Reply | None = None) -> None:
        self.script = list(script or [])
        self.default = default or Reply()
        self.requests: list[Recorded] = []
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        text = await request.text()
        self.requests.append(Recorded(json.loads(text), text, dict(request.headers)))
        reply = self.script.pop(0) if self.script else self.default
        if reply.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), reply.delay)
        if reply.raw is not None:
            return web.Response(
                text=reply.raw,
                status=reply.status,
                headers=reply.headers,
                content_type="text/plain",
            )
        if reply.status != 200:
            error = {"error": {"message": "scripted failure", "type": "server_error"}}
            return web.json_response(error, status=reply.status, headers=reply.headers)
        completion = {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "model": "fake",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content},
                    "finish_reason": "stop",
                }
            ],
        }
        return web.json_response(completion, headers=reply.headers)

    async def __aenter__(self) -> FakeOpenAI:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}/v1"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
