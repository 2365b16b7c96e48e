"""``zulip-standup mcp`` as an LLM client meets it: the real command in a subprocess over
stdio (the SDK's own client), calling the REST API of a dashboard on the twin with a
person's token. Its tools answer what the API answers that person, and refuse what the API
refuses, with the API's words."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import CallToolResult, TextContent

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
from service.dashboard_site import Site, dashboard_site
from service.harness import Team
from zulip_standup.domain.commands import web_texts
from zulip_standup.domain.limits import API_BURST
from zulip_standup.services.dashboard import NOT_FOUND

NOT_VALID = "The token is not valid: make one with `token new` in a DM to the bot."
TOOLS = {
    "list_my_standups": set(),
    "day_report": {"standup_id", "date"},
    "person_history": {"standup_id", "user_id", "from_date", "to_date"},
    "standup_stats": {"standup_id", "days"},
    "open_blockers": set(),
    "search": {"query"},
}
# The tools about one standup, with the API path each one reads.
OF_A_STANDUP = {
    "day_report": ({"date": "2026-11-30"}, "/standups/{id}/run?date=2026-11-30"),
    "person_history": (
        {"from_date": "2026-11-30", "to_date": "2026-11-30"},
        "/standups/{id}/answers?from=2026-11-30&to=2026-11-30",
    ),
    "standup_stats": ({"days": 7}, "/standups/{id}/stats?days=7"),
}


@asynccontextmanager
async def mcp_server(url: str, token: str | None, errlog: Path) -> AsyncIterator[ClientSession]:
    """``zulip-standup mcp`` started as an MCP client starts it, its stderr kept in ``errlog``."""
    env = {"STANDUP_API_URL": url}
    if token is not None:
        env["STANDUP_API_TOKEN"] = token
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "zulip_standup", "mcp"], env=env
    )
    with errlog.open("a", encoding="utf-8") as err:
        async with (
            stdio_client(params, errlog=err) as (read, write),
            ClientSession(read, write, read_timeout_seconds=30) as session,
        ):
            await session.initialize()
            yield session


def _api_url(site: Site) -> str:
    return str(site.server.make_url("/")).rstrip("/")


def _text(result: CallToolResult) -> str:
    (block,) = result.content
    assert isinstance(block, TextContent)
    return block.text


async def _ok(session: ClientSession, tool: str, arguments: dict[str, Any] | None = None) -> Any:
    """The tool's JSON; the text block is the same JSON for text-only clients."""
    result = await session.call_tool(tool, arguments or {})
    assert not result.is_error, (tool, _text(result))
    assert json.loads(_text(result)) == result.structured_content
    return result.structured_content


async def _refused(
    session: ClientSession, tool: str, arguments: dict[str, Any] | None = None
) -> str:
    result = await session.call_tool(tool, arguments or {})
    assert result.is_error, (tool, result.structured_content)
    return _text(result)


async def _api(site: Site, token: str, path: str) -> Any:
    reply = await site.api(token, path)
    assert reply.status == 200, (path, reply.text)
    return json.loads(reply.text)


async def test_the_tools_are_listed_with_their_parameters(team: Team, tmp_path: Path) -> None:
    """An LLM client sees six read-only tools, each described, with typed parameters."""
    async with dashboard_site(team) as site:
        token = await site.token_for(team.ann)
        async with mcp_server(_api_url(site), token, tmp_path / "err.log") as session:
            listed = (await session.list_tools()).tools
    assert {tool.name: set(tool.input_schema.get("properties", {})) for tool in listed} == TOOLS
    for tool in listed:
        assert tool.description, tool.name
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint, tool.name
    schemas = {tool.name: tool.input_schema for tool in listed}
    assert schemas["day_report"]["required"] == ["standup_id"]
    assert schemas["day_report"]["properties"]["standup_id"]["type"] == "integer"
    assert schemas["search"]["required"] == ["query"]
    assert schemas["search"]["properties"]["query"]["type"] == "string"


async def test_each_tool_answers_what_the_api_answers(team: Team, tmp_path: Path) -> None:
    """Max (manager of both standups) calls every tool; each answer is the API's JSON for
    his token, Ann's answers word for word, markup included."""
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        token = await site.token_for(MAX)
        async with mcp_server(_api_url(site), token, tmp_path / "err.log") as session:
            listed = await _ok(session, "list_my_standups")
            assert listed == await _api(site, token, "/standups")
            assert {s["id"] for s in listed["standups"]} == set(ids.values())

            team_id = ids["team"]
            run = await _ok(session, "day_report", {"standup_id": team_id})
            assert run == await _api(site, token, f"/standups/{team_id}/run")
            (ann,) = [p for p in run["people"] if p["name"] == "Ann Archer"]
            assert [a["text"] for a in ann["answers"]] == ANN_TEAM

            history = await _ok(
                session,
                "person_history",
                {"standup_id": ids["secret"], "user_id": team.ann.user_id},
            )
            assert history == await _api(
                site, token, f"/standups/{ids['secret']}/answers?user_id={team.ann.user_id}"
            )
            assert [a["text"] for a in history["answers"]] == ANN_SECRET

            ranged = await _ok(
                session,
                "person_history",
                {"standup_id": team_id, "from_date": "2026-11-01", "to_date": "2026-11-29"},
            )
            assert (ranged["start"], ranged["end"], ranged["answers"]) == (
                "2026-11-01",
                "2026-11-29",
                [],
            )

            stats = await _ok(session, "standup_stats", {"standup_id": team_id, "days": 7})
            assert stats == await _api(site, token, f"/standups/{team_id}/stats?days=7")
            assert stats["answered"] >= 1

            blockers = await _ok(session, "open_blockers")
            assert blockers == await _api(site, token, "/blockers")
            assert [b["text"] for b in blockers["blockers"]] == [ANN_TEAM[2]]

            hits = await _ok(session, "search", {"query": "<script>"})
            assert hits == await _api(site, token, "/search?q=%3Cscript%3E")
            assert [h["text"] for h in hits["answers"]] == [ANN_TEAM[1]]


async def test_refusals_of_the_api_come_back_in_its_words(team: Team, tmp_path: Path) -> None:
    """A refusal of the API (a bad range, too many days, an empty query) comes back as a tool
    error in the API's words; arguments outside the schema never reach it; past the rate
    limit the tool says when to retry."""
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        token = await site.token_for(team.ann)
        async with mcp_server(_api_url(site), token, tmp_path / "err.log") as session:
            standup = ids["team"]
            refusals = {
                ("person_history", f"/standups/{standup}/answers?from=2026-12-01&to=2026-11-01"): {
                    "standup_id": standup,
                    "from_date": "2026-12-01",
                    "to_date": "2026-11-01",
                },
                ("standup_stats", f"/standups/{standup}/stats?days=999"): {
                    "standup_id": standup,
                    "days": 999,
                },
                ("search", "/search?q=%20"): {"query": " "},
            }
            for (tool, path), arguments in refusals.items():
                refused = await site.api(token, path)
                assert refused.status == 400, path
                words = json.loads(refused.text)["error"]["message"]
                assert await _refused(session, tool, arguments) == words, tool
            not_a_date = {"standup_id": standup, "date": "30.11.2026"}
            assert "valid date" in await _refused(session, "day_report", not_a_date)
            assert await _refused(session, "day_report", {"standup_id": 0})
            statuses = [(await site.api(token, "/me")).status for _ in range(API_BURST)]
            assert statuses[-1] == 429, statuses
            limited = await _refused(session, "list_my_standups")
            assert re.fullmatch(
                r"Too many requests to the standup API; retry after \d+ s\.", limited
            )


@pytest.mark.parametrize("role", [*ROLES, "deactivated"])
async def test_mcp_permission_matrix(team: Team, role: str, tmp_path: Path) -> None:
    """Each kind of person, each tool, the public and the private channel: the API's verdicts
    (the chat rule), a refused standup reading exactly like a missing one, and a deactivated
    person's token refused by every tool."""
    ids = await answered_realm(team)
    person = DEE if role == "deactivated" else person_in(team, role)
    async with dashboard_site(team) as site:
        token = await site.token_for(person)
        if role == "deactivated":
            gone = replace(DEE, is_active=False)
            team.chat.people[DEE.user_id] = gone
            team.runtime.directory.add(gone)
        async with mcp_server(_api_url(site), token, tmp_path / "err.log") as session:
            if role == "deactivated":
                await _everything_refused(session, list(ids.values()))
            else:
                await _reads_as_the_api_says(site, token, session, role, ids)
    assert token not in (tmp_path / "err.log").read_text()


async def _everything_refused(session: ClientSession, standup_ids: list[int]) -> None:
    for tool in OF_A_STANDUP:
        for standup_id in standup_ids:
            assert await _refused(session, tool, {"standup_id": standup_id}) == NOT_VALID
    for tool in ("list_my_standups", "open_blockers"):
        assert await _refused(session, tool) == NOT_VALID
    assert await _refused(session, "search", {"query": "reorg"}) == NOT_VALID


async def _reads_as_the_api_says(
    site: Site, token: str, session: ClientSession, role: str, ids: dict[str, int]
) -> None:
    missing = max(ids.values()) + 100
    listed = [s["id"] for s in (await _ok(session, "list_my_standups"))["standups"]]
    blockers = [b["text"] for b in (await _ok(session, "open_blockers"))["blockers"]]
    for channel, standup_id in ids.items():
        allowed = READS[(role, channel)]
        verdict = (role, channel)
        for tool, (arguments, path) in OF_A_STANDUP.items():
            given = {"standup_id": standup_id, **arguments}
            if allowed:
                answer = await _ok(session, tool, given)
                assert answer == await _api(site, token, path.format(id=standup_id)), verdict
            else:
                assert await _refused(session, tool, given) == NOT_FOUND, verdict
                absent = {**given, "standup_id": missing}
                assert await _refused(session, tool, absent) == NOT_FOUND
        assert (standup_id in listed) is allowed, verdict
        word, answer_text = (
            ("reorg", ANN_SECRET[0]) if channel == "secret" else ("payments", ANN_TEAM[0])
        )
        hits = (await _ok(session, "search", {"query": word}))["answers"]
        assert (answer_text in [h["text"] for h in hits]) is allowed, verdict
        if channel == "team":
            assert ("Waiting on VPN" in blockers) is allowed, verdict


async def test_a_bad_token_is_refused_by_every_tool(team: Team, tmp_path: Path) -> None:
    """A forged or revoked token: each tool says the token is not valid and how to make one;
    nothing on stderr shows the token or a traceback."""
    await answered_realm(team)
    errlog = tmp_path / "err.log"
    async with dashboard_site(team) as site:
        token = await site.token_for(team.ann)
        (revoked,) = await team.says(team.ann, "token revoke api")
        assert revoked == web_texts.token_revoked("api")
        for bearer in ("sut_forged", token):
            async with mcp_server(_api_url(site), bearer, errlog) as session:
                assert await _refused(session, "list_my_standups") == NOT_VALID
                refusal = await _refused(session, "day_report", {"standup_id": 1})
                assert refusal == NOT_VALID
    logged = errlog.read_text()
    assert token not in logged
    assert "sut_forged" not in logged
    assert "Traceback" not in logged


async def test_an_unreachable_api_is_a_clear_tool_error(tmp_path: Path) -> None:
    """Nothing listening at STANDUP_API_URL: the tool error names the address it could not
    reach; no traceback, no token."""
    secret = "sut_unreachable_token_value"
    errlog = tmp_path / "err.log"
    async with mcp_server("http://127.0.0.1:9", secret, errlog) as session:
        refusal = await _refused(session, "list_my_standups")
    assert refusal.startswith("Cannot reach the standup API at http://127.0.0.1:9:"), refusal
    assert "\n" not in refusal
    assert secret not in refusal + errlog.read_text()
    assert "Traceback" not in errlog.read_text()
