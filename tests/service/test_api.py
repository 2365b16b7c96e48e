"""The REST API over HTTP: personal tokens from a DM, the same reads and refusals as the
dashboard for every kind of person, rate limiting, and answers that match the document."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from openapi_core import OpenAPI

from service.dashboard_realm import (
    ANN_SECRET,
    ANN_TEAM,
    DEE,
    MAX,
    READS,
    ROLES,
    answered_realm,
    person_in,
)
from service.dashboard_site import Reply, Site, dashboard_site
from service.harness import Team
from zulip_standup.domain.commands import web_texts
from zulip_standup.domain.limits import API_BURST, MAX_API_TOKENS, MAX_SEARCH_CHARS
from zulip_standup.services.dashboard import NOT_FOUND

ENDPOINTS_OF_A_STANDUP = (
    "/standups/{id}",
    "/standups/{id}/run?date=2026-11-30",
    "/standups/{id}/answers?from=2026-11-30&to=2026-11-30",
    "/standups/{id}/stats?days=7",
)


def _json(reply: Reply) -> Any:
    assert reply.headers["Content-Type"].startswith("application/json"), reply.headers
    return json.loads(reply.text)


async def test_tokens_are_made_listed_and_revoked_in_a_dm(team: Team) -> None:
    async with dashboard_site(team) as site:
        token = await site.token_for(team.ann, "ci-reports")
        me = await site.api(token, "/me")
        assert me.status == 200
        assert _json(me)["name"] == "Ann Archer"
        (taken,) = await team.says(team.ann, "token new ci-reports")
        assert taken == web_texts.token_name_taken("ci-reports")
        (listed,) = await team.says(team.ann, "token list")
        assert "**ci-reports**: made 30 Nov 2026, last used 30 Nov 2026 08:00 UTC" in listed
        assert token not in listed
        (revoked,) = await team.says(team.ann, "token revoke ci-reports")
        assert revoked == web_texts.token_revoked("ci-reports")
        gone = await site.api(token, "/me")
        assert gone.status == 401
        assert _json(gone)["error"]["code"] == "unauthorized"
        (unknown,) = await team.says(team.ann, "token revoke ci-reports")
        assert unknown == web_texts.no_such_token("ci-reports", [])


async def test_a_person_holds_at_most_ten_tokens(team: Team) -> None:
    async with dashboard_site(team) as site:
        for n in range(MAX_API_TOKENS):
            await site.token_for(team.ann, f"t{n}")
        (refused,) = await team.says(team.ann, "token new one-more")
        assert refused == web_texts.too_many_tokens(MAX_API_TOKENS)


async def test_requests_without_a_valid_token_are_refused(team: Team) -> None:
    async with dashboard_site(team) as site:
        token = await site.token_for(team.ann)
        for bearer in (None, "", "sut_forged", token[:-1] + "x"):
            reply = await site.api(bearer, "/standups")
            assert reply.status == 401, bearer
            assert "token new" in _json(reply)["error"]["message"]
        # A dashboard session is not an API token.
        await site.log_in(team.ann)
        cookie = site.cookies[team.ann.user_id]
        assert (await site.api(cookie, "/me")).status == 401


async def test_a_token_of_a_deactivated_person_stops_working(team: Team) -> None:
    await answered_realm(team)
    async with dashboard_site(team) as site:
        token = await site.token_for(DEE)
        assert (await site.api(token, "/standups")).status == 200
        gone = replace(DEE, is_active=False)
        team.chat.people[DEE.user_id] = gone
        team.runtime.directory.add(gone)
        assert (await site.api(token, "/standups")).status == 401


async def test_requests_beyond_the_burst_get_429_with_retry_after(team: Team) -> None:
    async with dashboard_site(team) as site:
        token = await site.token_for(team.ann)
        for _ in range(API_BURST):
            assert (await site.api(token, "/me")).status == 200
        limited = await site.api(token, "/me")
        assert limited.status == 429
        assert int(limited.headers["Retry-After"]) >= 1
        assert _json(limited)["error"]["code"] == "rate_limited"
        # Ben's budget is his own.
        assert (await site.api(await site.token_for(team.ben), "/me")).status == 200


async def test_bad_parameters_name_the_problem(team: Team) -> None:
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        token = await site.token_for(team.ann)
        cases = {
            f"/standups/{ids['team']}/run?date=30.11.2026": "is not a date; give YYYY-MM-DD",
            f"/standups/{ids['team']}/answers?from=2026-12-01&to=2026-11-01": "is after",
            f"/standups/{ids['team']}/stats?days=0": "from 1 to 366",
            "/search?q=": "",
        }
        for path, problem in cases.items():
            reply = await site.api(token, path)
            assert reply.status == 400, path
            assert problem in _json(reply)["error"]["message"], path
        for path in ("/standups/0", "/standups/abc", f"/standups/{2**63}"):
            reply = await site.api(token, path)
            assert reply.status == 404, path
            assert _json(reply)["error"]["message"] == NOT_FOUND


async def test_a_search_holds_at_most_500_characters(team: Team) -> None:
    """The document's maxLength of `q` is what the API takes: longer is a 400, not a search.
    (Found by the fuzzer: any length was searched.)"""
    async with dashboard_site(team) as site:
        token = await site.token_for(team.ann)
        assert (await site.api(token, f"/search?q={'x' * MAX_SEARCH_CHARS}")).status == 200
        reply = await site.api(token, f"/search?q={'x' * (MAX_SEARCH_CHARS + 1)}")
        assert reply.status == 400
        assert _json(reply)["error"] == {
            "code": "bad_parameter",
            "message": f"q holds at most {MAX_SEARCH_CHARS} characters",
        }


async def test_ids_and_numbers_are_ascii_digits(team: Team) -> None:
    """A superscript digit, another script's digit or a number of thousands of digits is no id
    and no count: a 404 or a 400, never a 500 and never standup 1. (Found by the fuzzer:
    `/standups/¹` was a 500, since str.isdigit takes it and int() does not.)"""
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        token = await site.token_for(MAX)
        for raw in ("\u00b9", "\u0661", "1" * 5000, "0" * 17 + "1"):
            reply = await site.api(token, f"/standups/{raw}")
            assert reply.status == 404, raw
            assert _json(reply)["error"]["message"] == NOT_FOUND
        for path in ("stats?days=\u00b2", "stats?days=\u0663", "answers?user_id=\u00b2"):
            reply = await site.api(token, f"/standups/{ids['team']}/{path}")
            assert reply.status == 400, path
            assert "is not a whole number" in _json(reply)["error"]["message"], path


async def test_dates_are_full_dates_within_the_apis_range(team: Team) -> None:
    """A date is YYYY-MM-DD, as the document's format says (not 20261130 nor 2026-W49-1),
    and from 1900-01-01 to 9998-12-31, so the look-backs of a day never leave the calendar.
    (A day near date.min or date.max was a 500: `run?date=0001-01-01`, `answers?to=0001-01-01`,
    `run?date=9999-12-31`.)"""
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        token = await site.token_for(MAX)
        standup = f"/standups/{ids['team']}"
        refused = {
            "/run?date=20261130": "is not a date",
            "/run?date=2026-W49-1": "is not a date",
            "/run?date=2026-11-31": "is not a date",
            "/run?date=0001-01-01": "is not a day from 1900-01-01 to 9998-12-31",
            "/run?date=9999-12-31": "is not a day from 1900-01-01 to 9998-12-31",
            "/answers?to=0001-01-01": "is not a day from",
            "/answers?from=1899-12-31&to=1900-01-01": "is not a day from",
        }
        for path, problem in refused.items():
            reply = await site.api(token, standup + path)
            assert reply.status == 400, path
            assert problem in _json(reply)["error"]["message"], path
        for path in ("/run?date=1900-01-01", "/run?date=9998-12-31", "/answers?to=1900-01-01"):
            assert (await site.api(token, standup + path)).status == 200, path


@pytest.mark.parametrize("channel", ["team", "secret"])
@pytest.mark.parametrize("role", list(ROLES))
async def test_api_permission_matrix(team: Team, role: str, channel: str) -> None:
    """Each kind of person, each endpoint about a standup, public and private: the
    dashboard's verdicts (the chat commands' rule), and a refusal that reads as missing."""
    ids = await answered_realm(team)
    person = person_in(team, role)
    allowed = READS[(role, channel)]
    async with dashboard_site(team) as site:
        token = await site.token_for(person)
        for endpoint in ENDPOINTS_OF_A_STANDUP:
            reply = await site.api(token, endpoint.format(id=ids[channel]))
            assert reply.status == (200 if allowed else 404), (role, channel, endpoint)
            if not allowed:
                missing = await site.api(token, endpoint.format(id=max(ids.values()) + 100))
                assert reply.text == missing.text
        listed = _json(await site.api(token, "/standups"))["standups"]
        assert (ids[channel] in [s["id"] for s in listed]) is allowed
        word, answer = (
            ("reorg", ANN_SECRET[0]) if channel == "secret" else ("payments", ANN_TEAM[0])
        )
        hits = _json(await site.api(token, f"/search?q={word}"))["answers"]
        assert (answer in [h["text"] for h in hits]) is allowed
        if channel == "team":
            blockers = _json(await site.api(token, "/blockers"))["blockers"]
            assert ("Waiting on VPN" in [b["text"] for b in blockers]) is allowed


async def test_a_days_answers_come_back_verbatim(team: Team) -> None:
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        token = await site.token_for(MAX)
        run = _json(await site.api(token, f"/standups/{ids['team']}/run?date=2026-11-30"))
        (ann,) = [p for p in run["people"] if p["name"] == "Ann Archer"]
        assert [a["text"] for a in ann["answers"]] == ANN_TEAM
        assert ann["standing"] == "answered"
        assert [b["text"] for b in run["blockers"]] == [ANN_TEAM[2]]
        detail = _json(await site.api(token, f"/standups/{ids['team']}"))
        assert [q["collects_blockers"] for q in detail["questions"]] == [False, False, True]
        assert detail["weekdays"] == [1, 2, 3, 4, 5]


async def _document(site: Site) -> OpenAPI:
    reply = await site.get(None, "/api/v1/openapi.json")
    assert reply.status == 200
    spec = _json(reply)
    spec["servers"] = [{"url": str(site.server.make_url("/api/v1"))}]
    return OpenAPI.from_dict(spec)


async def test_the_document_is_valid_and_every_answer_matches_it(team: Team) -> None:
    """The generated OpenAPI document passes openapi-core's validation, and each endpoint's
    answers, refusals included, validate against it."""
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        openapi = await _document(site)
        token = await site.token_for(MAX)
        paths = [p.format(id=ids["team"]) for p in ENDPOINTS_OF_A_STANDUP]
        paths += ["/me", "/standups", "/blockers", "/search?q=payments", "/search?q="]
        paths += [f"/standups/{ids['secret'] + 100}", "/standups/1/stats?days=999"]
        for path in paths:
            _validate(openapi, site, token, path, await site.api(token, path))
        _validate(openapi, site, None, "/me", await site.api(None, "/me"))


def _validate(openapi: OpenAPI, site: Site, token: str | None, path: str, reply: Reply) -> None:
    from openapi_core.testing import MockRequest, MockResponse

    base, _, query = path.partition("?")
    host = str(site.server.make_url("/api/v1")).rsplit("/api/v1", 1)[0]
    request = MockRequest(
        host,
        "get",
        f"/api/v1{base}",
        args=dict(pair.split("=", 1) for pair in query.split("&") if pair),
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )
    response = MockResponse(
        reply.text.encode(),
        status_code=reply.status,
        content_type=reply.headers["Content-Type"].split(";")[0],
        headers=reply.headers,
    )
    openapi.validate_response(request, response)
