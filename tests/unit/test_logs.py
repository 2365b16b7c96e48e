"""No secret reaches the log, in text or JSON format, also not inside exception text."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from zulip_standup.logs import REDACTED, configure_logging

ZULIP_KEY = "Zk9mT2x4QwErTy7uIoP3aSdFgHjKlZx1"
LLM_KEY = "sk-proj-Abc123Def456Ghi789"
DB_PASSWORD = "pg-S3cret-pa55"
FERNET_KEY = "q8U3m0vVd8D6s1nHq0Y8a2qI3hS9v1Xl4o5wJt7cK2E="
BASIC_HEADER = "Basic c3RhbmR1cC1ib3RAZXhhbXBsZS5jb206WmtMOW1UMng0UXdFclR5"
UNCONFIGURED_BEARER = "Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature"
ALL_SECRETS = (ZULIP_KEY, LLM_KEY, DB_PASSWORD, FERNET_KEY, BASIC_HEADER, UNCONFIGURED_BEARER)


@pytest.fixture(params=["text", "json"])
def captured(request: pytest.FixtureRequest) -> Iterator[tuple[str, io.StringIO]]:
    stream = io.StringIO()
    handler = configure_logging(
        "DEBUG", request.param, secrets=[ZULIP_KEY, LLM_KEY, DB_PASSWORD, FERNET_KEY], stream=stream
    )
    try:
        yield request.param, stream
    finally:
        logging.getLogger().removeHandler(handler)


def _emit_everything() -> None:
    log = logging.getLogger("zulip_standup.test")
    log.info("zulip_request", extra={"api_key": ZULIP_KEY, "site": "https://chat.example.com"})
    log.info("llm call with key %s", LLM_KEY)
    log.warning("db_connect", extra={"url": f"postgresql://standup:{DB_PASSWORD}@db/standup"})
    log.info("headers", extra={"headers": {"Authorization": BASIC_HEADER}})
    log.info("upstream said Authorization: %s", UNCONFIGURED_BEARER)
    log.debug("encryption keys loaded: %s", FERNET_KEY)
    try:
        msg = f"connect failed for postgresql://standup:{DB_PASSWORD}@db key={ZULIP_KEY}"
        raise ConnectionError(msg)
    except ConnectionError:
        log.exception("zulip_call_failed")
    try:
        raise RuntimeError({"Authorization": BASIC_HEADER, "llm": LLM_KEY})
    except RuntimeError:
        log.error("crash", exc_info=True)


def test_no_secret_in_output(captured: tuple[str, io.StringIO]) -> None:
    """API key, Authorization header, database password, LLM key and Fernet key are all scrubbed."""
    fmt, stream = captured
    _emit_everything()
    output = stream.getvalue()
    for secret in ALL_SECRETS:
        assert secret not in output, f"{secret[:8]}... leaked in {fmt} output"
    # The Basic credentials' base64 body is what matters; the scheme word may stay.
    assert "c3RhbmR1cC1ib3RA" not in output
    assert "eyJhbGciOiJIUzI1NiJ9" not in output
    assert output.count(REDACTED) >= 8
    assert "zulip_call_failed" in output
    assert "ConnectionError" in output  # the traceback is kept, only scrubbed
    assert "https://chat.example.com" in output  # non-secret context survives


def test_json_lines_stay_valid_json() -> None:
    """In JSON format every line parses and carries the event name and level."""
    stream = io.StringIO()
    handler = configure_logging("DEBUG", "json", secrets=[ZULIP_KEY], stream=stream)
    try:
        _emit_everything()
    finally:
        logging.getLogger().removeHandler(handler)
    lines = stream.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0]["event"] == "zulip_request"
    assert records[0]["level"] == "info"
    assert records[0]["site"] == "https://chat.example.com"
    assert "Traceback" in records[6]["exc_info"]


def test_identifiers_named_like_keys_stay_visible(captured: tuple[str, io.StringIO]) -> None:
    """A failed job names its job key, so the failure can be diagnosed; identifiers whose
    names merely contain "key" or "token" are not secrets and are kept, while secret-named
    fields with values nobody configured are still scrubbed."""
    fmt, stream = captured
    log = logging.getLogger("zulip_standup.test")
    job_key = "standup:7:prompt:2026-11-30:user:12"
    log.error("job_failed", extra={"job_key": job_key, "kind": "prompt", "attempt": 2})
    log.info("planned sort_key=%s max_tokens=%d key_id=%s", "b-12", 300, "k-9")
    try:
        msg = f"job {job_key} crashed: job_key={job_key}"
        raise RuntimeError(msg)
    except RuntimeError:
        log.exception("job_failed", extra={"job_key": job_key})
    log.warning("login", extra={"api_key": "unconfigured-4f2a9c", "password": "hunter2-xyz"})
    log.warning("upstream said password=hunter2-xyz token=tok-77aa secret: s3-abc")
    output = stream.getvalue()
    assert output.count(job_key) >= 4, f"{fmt}: {output}"
    for identifier in ("sort_key=b-12", "max_tokens=300", "key_id=k-9"):
        assert identifier in output, f"{identifier} lost in {fmt} output"
    for secret in ("unconfigured-4f2a9c", "hunter2-xyz", "tok-77aa", "s3-abc"):
        assert secret not in output, f"{secret} leaked in {fmt} output"
