"""What the conformance suites share: clients whose calls the validator checks, operation counts.

The servers and the validator are the ``env`` and ``v`` fixtures in ``conftest.py``."""

from __future__ import annotations

from typing import Any

from lz_openapi import Validator

from localzulip import LocalZulip


def client(env: tuple[LocalZulip, Validator], who: str) -> Any:
    server, validator = env
    return validator.attach(server.client(who))


def op_count(env: tuple[LocalZulip, Validator], op: str) -> int:
    return int(env[0].stats.count(op))
