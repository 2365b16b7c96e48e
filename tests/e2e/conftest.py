"""Fixtures for end-to-end tests: localzulip with the sample realm, on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from localzulip import LocalZulip, ServerConfig


@pytest.fixture
def zulip() -> Iterator[LocalZulip]:
    """The sample realm (alice owner, bob admin, carol/dave members, erin guest) on real time."""
    with LocalZulip(config=ServerConfig(heartbeat_seconds=1.0)) as server:
        yield server
