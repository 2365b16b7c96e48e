"""The official client's event loop against localzulip, including an injected queue expiry."""

from __future__ import annotations

import threading
import time
from typing import Any

from localzulip import LocalZulip


class Stop(Exception):
    """Raised from the callback to end call_on_each_event (the client does not catch it)."""


def wait_until(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


def test_call_on_each_event_survives_queue_expiry(server: LocalZulip) -> None:
    """call_on_each_event gets DMs, re-registers after its queue is expired, and ends cleanly."""
    bot = server.client("bot")
    seen: list[str] = []
    errors: list[BaseException] = []

    def callback(event: dict[str, Any]) -> None:
        content = event["message"]["content"]
        if content == "stop":
            raise Stop
        seen.append(content)

    def run() -> None:
        try:
            bot.call_on_each_event(callback, event_types=["message"])
        except Stop:
            pass
        except BaseException as exc:  # pragma: no cover - surfaced by the assert below
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    carol = server.human("carol")
    wait_until(lambda: server.stats.count("register-queue") == 1)
    carol.dm_bot("before expiry")
    wait_until(lambda: "before expiry" in seen)
    expired = server.call(lambda: server.core.queues.expire_now(user_id=server.bot.user_id))
    assert expired == 1
    wait_until(lambda: server.stats.count("register-queue") == 2)
    carol.dm_bot("after expiry")
    wait_until(lambda: "after expiry" in seen)
    carol.dm_bot("stop")
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert errors == []
    assert seen == ["before expiry", "after expiry"]
