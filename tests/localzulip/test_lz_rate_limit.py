"""Zulip's per-user rate limits on a virtual clock."""

from __future__ import annotations

import requests

from localzulip import LocalZulip


def session(server: LocalZulip, who: str) -> requests.Session:
    s = requests.Session()
    s.auth = server.credentials(who)
    return s


def test_burst_of_250_gets_200_successes_and_50_429s(virtual_server: LocalZulip) -> None:
    """200 requests succeed with Remaining 199..0, the next 50 get Zulip's exact 429."""
    s = session(virtual_server, "carol")
    url = virtual_server.url + "/api/v1/users/me"
    responses = [s.get(url) for _ in range(250)]
    ok = [r for r in responses if r.status_code == 200]
    limited = [r for r in responses if r.status_code == 429]
    assert len(ok) == 200
    assert len(limited) == 50
    assert [int(r.headers["X-RateLimit-Remaining"]) for r in ok] == list(range(199, -1, -1))
    now = virtual_server.clock.now()
    assert ok[0].headers["X-RateLimit-Limit"] == "200"
    assert ok[0].headers["X-RateLimit-Reset"] == str(int(now + 60))
    for r in limited:
        body = r.json()
        assert body == {
            "result": "error",
            "msg": "API usage exceeded rate limit",
            "code": "RATE_LIMIT_HIT",
            "retry-after": body["retry-after"],
        }
        assert isinstance(body["retry-after"], float)
        assert float(r.headers["Retry-After"]) == body["retry-after"] == 60.0
        assert r.headers["X-RateLimit-Remaining"] == "0"
        assert r.headers["X-RateLimit-Reset"] == str(int(now + 60))
    assert virtual_server.stats.rate_limited == 50


def test_bucket_refills_as_the_clock_advances(virtual_server: LocalZulip) -> None:
    """Calls leave the 60 s window one by one; rejected calls never count."""
    s = session(virtual_server, "dave")
    url = virtual_server.url + "/api/v1/users/me"
    clock = virtual_server.virtual_clock
    for _ in range(100):
        assert s.get(url).status_code == 200
    clock.advance(30)
    for _ in range(100):
        assert s.get(url).status_code == 200
    assert s.get(url).status_code == 429
    clock.advance(29.5)
    denied = s.get(url)
    assert denied.status_code == 429
    assert abs(denied.json()["retry-after"] - 0.5) < 1e-6
    clock.advance(0.5)
    first = s.get(url)
    assert first.status_code == 200
    assert first.headers["X-RateLimit-Remaining"] == "99"
    clock.advance(29)
    assert s.get(url).headers["X-RateLimit-Remaining"] == "98"
    clock.advance(1)
    assert s.get(url).headers["X-RateLimit-Remaining"] == "197"


def test_events_use_a_separate_bucket(virtual_server: LocalZulip) -> None:
    """An exhausted API bucket does not block GET /events, which has its own bucket."""
    s = session(virtual_server, "alice")
    base = virtual_server.url + "/api/v1"
    qid = s.post(base + "/register", data={"event_types": '["message"]'}).json()["queue_id"]
    while s.get(base + "/users/me").status_code != 429:
        pass
    poll = s.get(
        base + "/events", params={"queue_id": qid, "last_event_id": -1, "dont_block": "true"}
    )
    assert poll.status_code == 200
    assert poll.headers["X-RateLimit-Remaining"] == "199"


def test_rate_limit_can_be_scaled_and_switched_off(virtual_server: LocalZulip) -> None:
    """A 5-per-2-s rule limits after 5 calls; disabling removes limits and headers."""
    limiter = virtual_server.core.ratelimiter
    limiter.configure(limit=5, window=2)
    s = session(virtual_server, "bob")
    url = virtual_server.url + "/api/v1/users/me"
    assert [s.get(url).status_code for _ in range(6)] == [200] * 5 + [429]
    virtual_server.virtual_clock.advance(2)
    assert s.get(url).status_code == 200
    limiter.configure(enabled=False)
    r = s.get(url)
    assert r.status_code == 200
    assert "X-RateLimit-Limit" not in r.headers
