"""The metrics port."""

from __future__ import annotations

from typing import Protocol

# -- metrics ----------------------------------------------------------------------
# What the use cases count; Prometheus in ``http/metrics.py``.


class Count(Protocol):
    def inc(self, amount: float = 1) -> None: ...


class LabelledCount(Protocol):
    def labels(self, **labelkwargs: str) -> Count: ...


class Metrics(Protocol):
    """The counters the use cases move."""

    @property
    def prompts_sent(self) -> LabelledCount: ...

    @property
    def answers_recorded(self) -> Count: ...

    @property
    def commands(self) -> LabelledCount: ...

    @property
    def jobs(self) -> LabelledCount: ...

    @property
    def handler_errors(self) -> Count: ...

    @property
    def slowed_down(self) -> Count: ...
