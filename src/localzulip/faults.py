"""Fault injection: failing, slow and dropped requests for resilience tests."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

HTML_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
HTML_503 = HTML_502.replace("502 Bad Gateway", "503 Service Temporarily Unavailable")


@dataclass
class Failure:
    """What to answer instead of the real response."""

    status: int
    body: str
    content_type: str


def failure_for(status: int) -> Failure:
    """Zulip answers 500 with JSON; 502/503/504 come from the proxy as HTML."""
    if status == 500:
        return Failure(
            500,
            '{"result":"error","msg":"Internal server error","code":"BAD_REQUEST"}',
            "application/json",
        )
    html = HTML_503 if status == 503 else HTML_502.replace("502", str(status))
    return Failure(status, html, "text/html")


@dataclass
class _Rule:
    remaining: int | None  # None: unlimited (fraction rules)
    status: int = 500
    fraction: float = 1.0
    path_contains: str | None = None
    method: str | None = None
    drop: bool = False
    after: bool = False  # drop only once the request has been carried out


@dataclass
class FaultInjector:
    """Rules consulted for every API request; thread-safe so tests can set them."""

    latency_seconds: float = 0.0
    latency_path_contains: str | None = None
    _rules: list[_Rule] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _rng: random.Random = field(default_factory=lambda: random.Random(1234))
    injected: int = 0

    def fail_next(
        self,
        count: int = 1,
        status: int = 500,
        *,
        path_contains: str | None = None,
        method: str | None = None,
    ) -> None:
        """Fail the next ``count`` matching requests with ``status`` (500/502/503/504)."""
        with self._lock:
            self._rules.append(_Rule(count, status, 1.0, path_contains, method))

    def fail_fraction(
        self,
        fraction: float,
        status: int = 503,
        *,
        path_contains: str | None = None,
        seed: int | None = None,
    ) -> None:
        """Fail a random ``fraction`` of matching requests until ``clear()``."""
        with self._lock:
            if seed is not None:
                self._rng.seed(seed)
            self._rules.append(_Rule(None, status, fraction, path_contains))

    def drop_next(
        self,
        count: int = 1,
        *,
        path_contains: str | None = None,
        method: str | None = None,
        after_commit: bool = False,
    ) -> None:
        """Close the connection of the next ``count`` matching requests without answering.

        With ``after_commit`` the server first carries the request out (the message
        is stored, the events sent) and only then drops the answer: the case in
        which a client cannot know whether its POST took effect.
        """
        with self._lock:
            self._rules.append(
                _Rule(count, 0, 1.0, path_contains, method, drop=True, after=after_commit)
            )

    def add_latency(self, seconds: float, *, path_contains: str | None = None) -> None:
        """Delay every matching request by ``seconds`` (real time) before answering."""
        self.latency_seconds = seconds
        self.latency_path_contains = path_contains

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
        self.latency_seconds = 0.0
        self.latency_path_contains = None

    def latency_for(self, path: str) -> float:
        if self.latency_seconds and (
            self.latency_path_contains is None or self.latency_path_contains in path
        ):
            return self.latency_seconds
        return 0.0

    def decide(self, method: str, path: str) -> Failure | str | None:
        """A Failure to answer, ``"drop"``/``"drop_after"`` to close the connection, or None."""
        with self._lock:
            for rule in list(self._rules):
                if rule.path_contains is not None and rule.path_contains not in path:
                    continue
                if rule.method is not None and rule.method.upper() != method.upper():
                    continue
                if rule.fraction < 1.0 and self._rng.random() >= rule.fraction:
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
                self.injected += 1
                if rule.drop:
                    return "drop_after" if rule.after else "drop"
                return failure_for(rule.status)
        return None
