"""Where ``zulip-standup mcp`` finds the API and the token: the environment, checked."""

from __future__ import annotations

import pytest

from zulip_standup.assistant.api_client import ConfigError, config_from_env

TOKEN = "sut_abcDEF123-_"


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("https://standup.example.com", "https://standup.example.com"),
        ("https://standup.example.com/", "https://standup.example.com"),
        ("https://standup.example.com/api/v1", "https://standup.example.com"),
        ("standup.example.com", "https://standup.example.com"),
        ("http://127.0.0.1:9191", "http://127.0.0.1:9191"),
        ("http://[::1]:9191/", "http://[::1]:9191"),
    ],
)
def test_the_api_address_is_the_bots_public_url(given: str, base: str) -> None:
    """The bot's address as STANDUP_PUBLIC_URL has it (or with /api/v1); plain HTTP only
    on loopback."""
    config = config_from_env({"STANDUP_API_URL": given, "STANDUP_API_TOKEN": TOKEN})
    assert config.base_url == base
    assert config.token == TOKEN


def test_the_token_stays_out_of_repr() -> None:
    config = config_from_env({"STANDUP_API_URL": "https://s.example", "STANDUP_API_TOKEN": TOKEN})
    assert TOKEN not in repr(config)


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        config_from_env({"STANDUP_API_URL": "ftp://s.example"})
    assert "STANDUP_API_URL: 'ftp://s.example' is not an http(s) URL" in str(raised.value)
    assert "STANDUP_API_TOKEN is not set" in str(raised.value)
