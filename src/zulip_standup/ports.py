"""Every interface between the application and the outside world, in one place."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    """The source of the current instant (aware UTC) and of scheduling sleeps."""

    def now(self) -> dt.datetime: ...

    async def sleep(self, seconds: float) -> None: ...
