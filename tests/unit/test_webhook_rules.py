"""The pure webhook rules: the signature (against a vector computed with openssl), the retry
schedule, which statuses are permanent, which URLs and addresses are refused, event ids and
the blocker rule's events."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json

import pytest

from zulip_standup.domain.webhooks import events as ev
from zulip_standup.domain.webhooks.delivery import WEBHOOK_RETRY, Outcome, outcome_of
from zulip_standup.domain.webhooks.signing import delivery_headers, signature
from zulip_standup.domain.webhooks.targets import BadWebhookUrl, address_refusal, parse_target

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_signature_matches_an_independently_computed_vector() -> None:
    """`printf '%s' '1767225600.{"id":"e1"}' | openssl dgst -sha256 -hmac whsec-test-secret`."""
    expected = "0c96dc3945b8e43e530c2c000ba361f24e4d945d4991fda0f25307d2bc80edd9"
    assert signature("whsec-test-secret", 1767225600, b'{"id":"e1"}') == f"sha256={expected}"
    assert signature("other", 1767225600, b'{"id":"e1"}') != f"sha256={expected}"
    assert signature("whsec-test-secret", 1767225601, b'{"id":"e1"}') != f"sha256={expected}"


def test_headers_carry_type_id_timestamp_and_signature() -> None:
    """The four X-Standup headers, and JSON."""
    headers = delivery_headers("answers.submitted", "e1", 1767225600, "sha256=ab")
    assert headers["X-Standup-Event"] == "answers.submitted"
    assert headers["X-Standup-Delivery"] == "e1"
    assert headers["X-Standup-Timestamp"] == "1767225600"
    assert headers["X-Standup-Signature"] == "sha256=ab"
    assert headers["Content-Type"] == "application/json"


def test_retry_schedule_grows_to_about_a_day_then_gives_up() -> None:
    """30 s, 2 min, 10 min, 1 h, 3 h, 6 h, 12 h after attempts 1..7; none after the 8th."""
    delays = [WEBHOOK_RETRY.next_due(n, T0) for n in range(1, 9)]
    assert [None if d is None else (d - T0).total_seconds() for d in delays] == [
        30,
        120,
        600,
        3600,
        3 * 3600,
        6 * 3600,
        12 * 3600,
        None,
    ]
    assert WEBHOOK_RETRY.max_attempts == 8
    total = sum((WEBHOOK_RETRY.delays), dt.timedelta())
    assert dt.timedelta(hours=20) < total < dt.timedelta(hours=24)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (299, Outcome.DELIVERED),
        (301, Outcome.PERMANENT),  # redirects are not followed
        (400, Outcome.PERMANENT),
        (401, Outcome.PERMANENT),
        (404, Outcome.PERMANENT),
        (410, Outcome.PERMANENT),
        (408, Outcome.RETRY),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (502, Outcome.RETRY),
        (503, Outcome.RETRY),
    ],
)
def test_permanent_and_transient_statuses(status: int, outcome: Outcome) -> None:
    """2xx delivered; 408, 429 and 5xx retried; any other 4xx (and 3xx) is permanent."""
    assert outcome_of(status) is outcome


@pytest.mark.parametrize(
    ("address", "refused_as"),
    [
        ("10.0.0.1", "private"),
        ("192.168.1.5", "private"),
        ("172.16.0.1", "private"),
        ("127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - the address under test
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "private"),  # reserved; Python counts it private too
        ("100.64.0.1", "public"),  # carrier-grade NAT: not public
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::", "unspecified"),
    ],
)
def test_addresses_inside_the_network_are_refused(address: str, refused_as: str) -> None:
    """Every kind of inside address is refused by default, saying which kind."""
    why = address_refusal(ipaddress.ip_address(address), allow_private=False)
    assert why is not None
    assert refused_as in why


def test_public_addresses_pass_and_the_operator_may_allow_private_ones() -> None:
    """93.184.215.14 passes; with the operator setting loopback and private pass, but the
    unspecified and multicast addresses never do."""
    assert address_refusal(ipaddress.ip_address("93.184.215.14"), allow_private=False) is None
    for address in ("127.0.0.1", "10.0.0.1", "::1"):
        assert address_refusal(ipaddress.ip_address(address), allow_private=True) is None
    for address in ("0.0.0.0", "224.0.0.1"):  # noqa: S104
        assert address_refusal(ipaddress.ip_address(address), allow_private=True) is not None


@pytest.mark.parametrize(
    ("text", "host", "port", "path"),
    [
        ("https://ci.example.com", "ci.example.com", 443, "/"),
        ("https://CI.example.com:8443/a/b?x=1&y=2", "ci.example.com", 8443, "/a/b?x=1&y=2"),
        ("<https://ci.example.com/h>", "ci.example.com", 443, "/h"),
        ("https://[2001:db8::1]:9/x", "2001:db8::1", 9, "/x"),
    ],
)
def test_urls_taken_apart(text: str, host: str, port: int, path: str) -> None:
    """Host (lower case, IPv6 without brackets), port (443 by default) and request path."""
    target = parse_target(text)
    assert (target.host, target.port, target.path) == (host, port, path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("http://ci.example.com/", "https only"),
        ("ftp://ci.example.com/", "https only"),
        ("ci.example.com", "https only"),
        ("https://", "no host"),
        ("https://ci.example.com:0/", "port 0"),
        ("https://ci.example.com:70000/", "well-formed"),
        ("https://u:p@ci.example.com/", "user name or password"),
        ("https://ci.example.com/#top", "fragment"),
        ("https://ci.example.com/a b", "no spaces"),
        ("https://ci.example.com/" + "a" * 500, "at most 500"),
    ],
)
def test_bad_urls_are_refused_with_the_reason(text: str, problem: str) -> None:
    """Each malformed or non-https URL is refused, naming the problem."""
    with pytest.raises(BadWebhookUrl, match=problem):
        parse_target(text)


def test_event_ids_follow_the_facts_and_bodies_are_stable() -> None:
    """The same facts give the same id (so reporting twice queues nothing); the body holds
    the envelope with the id, type, UTC time, standup and run date."""
    one = ev.event_id(ev.ANSWERS_SUBMITTED, 1, dt.date(2026, 12, 1), 11)
    assert one == ev.event_id(ev.ANSWERS_SUBMITTED, 1, dt.date(2026, 12, 1), 11)
    assert one != ev.event_id(ev.ANSWERS_SUBMITTED, 1, dt.date(2026, 12, 1), 12)
    ref = ev.StandupRef(1, "standup", "team")
    event = ev.new_event(ev.ANSWERS_SUBMITTED, one, ref, dt.date(2026, 12, 1), T0, {"a": "ü"})
    assert json.loads(event.body) == {
        "id": one,
        "type": "answers.submitted",
        "created_at": "2026-12-01T09:00:00Z",
        "standup": {"id": 1, "name": "standup", "channel": "team"},
        "run_date": "2026-12-01",
        "data": {"a": "ü"},
    }
    with pytest.raises(ValueError, match="unknown webhook event type"):
        ev.new_event("answers.deleted", one, ref, dt.date(2026, 12, 1), T0, {})


def test_delivery_keys_round_trip() -> None:
    """A delivery job's key names its event and webhook; other keys are not deliveries."""
    key = ev.delivery_key("5d86aff5-7542-5843-9b16-dfba7e717b65", 7)
    assert ev.parse_delivery_key(key) == ("5d86aff5-7542-5843-9b16-dfba7e717b65", 7)
    assert ev.parse_delivery_key("1:prompt:2026-12-01:11") is None
    assert ev.parse_delivery_key("webhook:x:y") is None


def test_blocker_events_follow_the_open_blocker_rule() -> None:
    """Opened when none was open; resolved when the open one is gone; nothing otherwise."""
    d1, d2 = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
    assert ev.blocker_change(None, (d1, "CI")) == (ev.BLOCKER_OPENED, d1, "CI")
    assert ev.blocker_change((d1, "CI"), None) == (ev.BLOCKER_RESOLVED, d1, "CI")
    assert ev.blocker_change((d1, "CI"), (d1, "CI still")) is None
    assert ev.blocker_change(None, None) is None
    assert d2 > d1


def test_the_verification_example_in_the_docs_accepts_a_real_signature() -> None:
    """docs/webhooks.md's `verify` accepts what the bot signs, and refuses a wrong secret, a
    changed body and an old timestamp."""
    import re
    from pathlib import Path

    docs = Path(__file__).parents[2] / "docs" / "webhooks.md"
    (code,) = re.findall(r"```python\n(.*?)```", docs.read_text(), re.DOTALL)
    scope: dict[str, object] = {}
    exec(compile(code, str(docs), "exec"), scope)  # noqa: S102 - our own documentation
    verify = scope["verify"]
    body, stamp = b'{"id":"e1"}', 1767225600
    signed = signature("whsec-test-secret", stamp, body)
    assert verify("whsec-test-secret", str(stamp), body, signed, now=stamp + 10)  # type: ignore[operator]
    assert not verify("other", str(stamp), body, signed, now=stamp)  # type: ignore[operator]
    assert not verify("whsec-test-secret", str(stamp), body + b" ", signed, now=stamp)  # type: ignore[operator]
    assert not verify("whsec-test-secret", str(stamp), body, signed, now=stamp + 3600)  # type: ignore[operator]
