"""Zulip's Unicode emoji data and the checks its reaction endpoints make with it.

The names are Zulip's own (the Google/iamcal set with Zulip's renames), as
shipped by the ``zulip-emoji-mapping`` package, which is generated from
Zulip's emoji name table. Like the real server (``zerver/lib/emoji.py``), a
reaction is looked up by name when no code is given, and a name sent with a
code must be that code's name: ``check`` is ``2705``; ``2714`` is
``check_mark``.
"""

from __future__ import annotations

from zulip_emoji_mapping.emoji_names import (  # type: ignore[import-untyped]
    EMOJI_NAME_MAPS,
)

from localzulip.errors import ApiError

UNICODE = "unicode_emoji"
ZULIP_EXTRA = "zulip_extra_emoji"
REALM = "realm_emoji"
ZULIP_EXTRA_CODES = frozenset({"zulip"})


def _tables() -> tuple[dict[str, str], dict[str, str]]:
    name_to_code: dict[str, str] = {}
    code_to_name: dict[str, str] = {}
    for code, names in EMOJI_NAME_MAPS.items():
        code_to_name[code] = names["canonical_name"]
        for name in (names["canonical_name"], *names["aliases"]):
            name_to_code[name] = code
    return name_to_code, code_to_name


NAME_TO_CODEPOINT, CODEPOINT_TO_NAME = _tables()


def emoji_data(name: str) -> tuple[str, str]:
    """(code, reaction type) of an emoji named by a client that sent no code."""
    if name in ZULIP_EXTRA_CODES:
        return name, ZULIP_EXTRA
    code = NAME_TO_CODEPOINT.get(name)
    if code is None:
        raise ApiError(f"Emoji '{name}' does not exist")
    return code, UNICODE


def check_emoji_request(name: str, code: str, reaction_type: str) -> None:
    """Refuse a name/code pair Zulip's data does not hold, with Zulip's messages."""
    if reaction_type == REALM:
        raise ApiError("Invalid custom emoji.")  # localzulip realms have no custom emoji
    if reaction_type == ZULIP_EXTRA:
        if code not in ZULIP_EXTRA_CODES:
            raise ApiError("Invalid emoji code.")
        if name != code:
            raise ApiError("Invalid emoji name.")
    elif reaction_type == UNICODE:
        if code not in CODEPOINT_TO_NAME:
            raise ApiError("Invalid emoji code.")
        if NAME_TO_CODEPOINT.get(name) != code:
            raise ApiError("Invalid emoji name.")
    else:
        raise ApiError("Invalid emoji type.")
