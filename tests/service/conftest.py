"""The service tier's world: a team on the twin (see ``harness.py``)."""

from __future__ import annotations

import pytest

from service.harness import MONDAY, Team, utc


@pytest.fixture
def team() -> Team:
    """The team on Monday 30 November 2026 at 08:00 UTC (09:00 in Berlin), nothing set up."""
    return Team(utc(MONDAY, 8))
