"""``zulip-standup mcp`` refusing to start: one line on stderr (stdout is the MCP protocol's),
exit 2, no traceback and never the token."""

from __future__ import annotations

import os
import subprocess
import sys

TOKEN = "sut_Q7wErTy9uIoP1aSdFgHjKlZxCvBnM123"


def _mcp(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STANDUP_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "zulip_standup", "mcp"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def _refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("zulip-standup mcp: "), line
    return line


def test_mcp_without_a_token_says_how_to_make_one() -> None:
    line = _refused(_mcp({"STANDUP_API_URL": "https://standup.example.com"}))
    assert "STANDUP_API_TOKEN is not set; make a token with `token new` in a DM" in line


def test_mcp_without_an_address_names_the_variable() -> None:
    line = _refused(_mcp({"STANDUP_API_TOKEN": TOKEN}))
    assert "STANDUP_API_URL is not set" in line


def test_mcp_refuses_plain_http_to_a_remote_host() -> None:
    """The token would cross the network in the clear: refused before any connection."""
    env = {"STANDUP_API_URL": "http://standup.example.com", "STANDUP_API_TOKEN": TOKEN}
    line = _refused(_mcp(env))
    assert "STANDUP_API_URL: 'http://standup.example.com' uses plain HTTP" in line


def test_mcp_refuses_a_token_with_spaces_without_echoing_it() -> None:
    env = {"STANDUP_API_URL": "https://standup.example.com", "STANDUP_API_TOKEN": TOKEN + " x"}
    assert "STANDUP_API_TOKEN holds characters no token has" in _refused(_mcp(env))


def test_mcp_is_listed_in_the_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "zulip_standup", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "mcp" in result.stdout
