"""``zulip-standup mcp``: an MCP server for LLM clients, a thin client of the REST API.

It runs as its own process, never inside the bot; every tool is one API call made with the
person's own token, so a tool sees exactly what the API (and chat) let that person see.
"""
