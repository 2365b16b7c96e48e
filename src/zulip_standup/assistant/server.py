"""The MCP tools, each one GET of the REST API, served over stdio with the SDK's MCPServer.

A tool answers with the API's JSON twice, as the MCP specification recommends for
structured results: as ``structured_content`` and serialised in a text block for clients
that read only text. A refusal is the API's own message as a tool error.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from zulip_standup.assistant.api_client import ApiConfig, ApiRefusal, StandupApi

INSTRUCTIONS = (
    "Read-only access to a Zulip team's asynchronous standups, as the person whose token "
    "this server holds may see them in chat. Start with list_my_standups to find a "
    "standup_id; dates are YYYY-MM-DD in the standup's time zone."
)
READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)

StandupId = Annotated[
    int, Field(description="The standup's id, as list_my_standups gives it", ge=1)
]
Day = Annotated[
    dt.date | None,
    Field(description="A day, YYYY-MM-DD (default: the standup's today)"),
]


def build_server(api: StandupApi) -> MCPServer:
    """The MCP server whose tools call ``api``."""
    server: MCPServer = MCPServer("zulip-standup", instructions=INSTRUCTIONS)

    @server.tool(
        name="list_my_standups",
        description=(
            "The standups you can read: id, name, channel and whether you take part. "
            "Use an id from here as standup_id in the other tools."
        ),
        annotations=READ_ONLY,
    )
    async def list_my_standups() -> CallToolResult:
        return await _answer(api, "/standups")

    @server.tool(
        name="day_report",
        description=(
            "One day of a standup: each participant's standing (answered, late, skipped, "
            "away, ...) with their answers word for word, and the blockers open that day."
        ),
        annotations=READ_ONLY,
    )
    async def day_report(standup_id: StandupId, date: Day = None) -> CallToolResult:
        return await _answer(api, f"/standups/{standup_id}/run", {"date": _iso(date)})

    @server.tool(
        name="person_history",
        description=(
            "Answers of a standup over a range of days, oldest first: one person's "
            "(user_id) or everyone's. Without dates: the last 30 days."
        ),
        annotations=READ_ONLY,
    )
    async def person_history(
        standup_id: StandupId,
        user_id: Annotated[
            int | None,
            Field(description="Only this person's answers (user ids come with every answer)"),
        ] = None,
        from_date: Annotated[
            dt.date | None, Field(description="First day, YYYY-MM-DD (default: 30 days back)")
        ] = None,
        to_date: Annotated[
            dt.date | None,
            Field(description="Last day, YYYY-MM-DD (default: the standup's today)"),
        ] = None,
    ) -> CallToolResult:
        query = {"user_id": user_id, "from": _iso(from_date), "to": _iso(to_date)}
        return await _answer(api, f"/standups/{standup_id}/answers", query)

    @server.tool(
        name="standup_stats",
        description=(
            "Participation and answer times of a standup over its last days: totals, "
            "each day's figures and each person's (answered, median answer time, streaks)."
        ),
        annotations=READ_ONLY,
    )
    async def standup_stats(
        standup_id: StandupId,
        days: Annotated[
            int | None, Field(description="How many days back, 1 to 366 (default 30)")
        ] = None,
    ) -> CallToolResult:
        return await _answer(api, f"/standups/{standup_id}/stats", {"days": days})

    @server.tool(
        name="open_blockers",
        description=(
            "Blockers still open in the standups you can read: who, what, since when and "
            "for how many standup days."
        ),
        annotations=READ_ONLY,
    )
    async def open_blockers() -> CallToolResult:
        return await _answer(api, "/blockers")

    @server.tool(
        name="search",
        description=(
            "Answers of the last year, in the standups you can read, that hold every word "
            "of the query; newest first, with the total found."
        ),
        annotations=READ_ONLY,
    )
    async def search(
        query: Annotated[str, Field(description="The words to find, e.g. 'VPN outage'")],
    ) -> CallToolResult:
        return await _answer(api, "/search", {"q": query})

    return server


async def _answer(
    api: StandupApi, path: str, params: Mapping[str, str | int | None] | None = None
) -> CallToolResult:
    try:
        body: Any = await api.get(path, params)
    except ApiRefusal as exc:
        # Returned, not raised as ToolError: the SDK would put "Error executing tool ..."
        # before the API's words, and a refusal should read exactly as the API says it.
        return CallToolResult(content=[TextContent(text=exc.message)], is_error=True)
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return CallToolResult(content=[TextContent(text=text)], structured_content=body)


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


async def serve(config: ApiConfig) -> None:
    """Serve the tools on stdin/stdout until the client closes them."""
    async with StandupApi(config) as api:
        await build_server(api).run_stdio_async()
