"""Fixtures for localzulip tests: servers on loopback, OpenAPI spec, virtual clocks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lz_openapi import Validator, spec_file

from localzulip import LocalZulip, ServerConfig, VirtualClock


@pytest.fixture
def server() -> Iterator[LocalZulip]:
    """The sample realm served from a background thread on real time (1 s heartbeats)."""
    with LocalZulip(config=ServerConfig(heartbeat_seconds=1.0)) as srv:
        yield srv


@pytest.fixture
def virtual_server() -> Iterator[LocalZulip]:
    """The sample realm on a virtual clock starting at 2030-01-01T00:00:00Z."""
    clock = VirtualClock(start=1893456000.0)
    with LocalZulip(
        clock=clock, config=ServerConfig(heartbeat_on_wall_clock=True, heartbeat_seconds=1.0)
    ) as srv:
        yield srv


# The conformance suites (test_lz_conformance*.py): one server and validator per module;
# ``v`` fails a test whose calls broke the spec.
@pytest.fixture(scope="module")
def env() -> Iterator[tuple[LocalZulip, Validator]]:
    path = spec_file()
    assert path is not None
    with LocalZulip(config=ServerConfig(heartbeat_seconds=0.5)) as server:
        validator = Validator(path, base_url=server.url)
        yield server, validator


@pytest.fixture
def v(env: tuple[LocalZulip, Validator]) -> Iterator[Validator]:
    _, validator = env
    start = len(validator.failures)
    yield validator
    assert validator.failures[start:] == []
