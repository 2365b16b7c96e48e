"""Mention safety: re-posted content can never notify via wildcard or group mentions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zulip_standup.domain.reports.sanitize import (
    contain,
    mention,
    plain_name,
    sanitize,
    silent_mention,
)

# Written from Zulip's syntax (zulip-api-notes §8: `@` + optional `_` + `**name**` / `*group*`;
# zerver/lib/mention.py wildcards), independently of the implementation, and broader than
# Zulip: any case, optional `|…` suffix, surrounding spaces, any preceding character.
WILDCARD_RE = re.compile(
    r"@_?\*\*\s*(all|everyone|channel|stream|topic)\s*(\|[^*]*)?\*\*", re.IGNORECASE
)
GROUP_RE = re.compile(r"@_?\*(?!\*)[^*]+\*")
NOTIFYING_PERSON_RE = re.compile(r"@\*\*[^*]+\*\*")


def notifies(text: str) -> bool:
    """True if Zulip could render a wildcard or group mention from this text."""
    return bool(WILDCARD_RE.search(text) or GROUP_RE.search(text))


WILDCARD_FORMS = [
    "@**all**", "@**everyone**", "@**channel**", "@**stream**", "@**topic**",
    "@_**all**", "@_**everyone**", "@**ALL**", "@**Everyone**", "@**all|12**", "@** all **",
    "@_**topic|3**",
]  # fmt: skip


@pytest.mark.parametrize("form", WILDCARD_FORMS)
@pytest.mark.parametrize("notify", [False, True])
def test_wildcards_are_neutralised(form: str, notify: bool) -> None:
    """Every wildcard form, silent or not, any case, stops being a mention, even with notify."""
    out = sanitize(f"Heads up {form}!", notify=notify)
    assert not notifies(out)
    assert out.replace("\u200b", "") == f"Heads up {form}!"  # reads the same


@pytest.mark.parametrize("form", ["@*backend*", "@_*backend*", "@*Team Ops 🚀*"])
@pytest.mark.parametrize("notify", [False, True])
def test_group_mentions_are_neutralised(form: str, notify: bool) -> None:
    """Group mentions are neutralised, also silent ones and with notify."""
    out = sanitize(f"ping {form}", notify=notify)
    assert not notifies(out)
    assert out.replace("\u200b", "") == f"ping {form}"


def test_personal_mentions_become_silent() -> None:
    """@**Name** and @**Name|id** become silent mentions by default."""
    assert sanitize("thanks @**Ada Lovelace|12** and @**Zoë Ça**") == (
        "thanks @_**Ada Lovelace|12** and @_**Zoë Ça**"
    )
    assert sanitize("id only @**|12**") == "id only @_**|12**"
    assert not NOTIFYING_PERSON_RE.search(sanitize("@**Bob** @**Bob|3**"))


def test_notify_keeps_personal_mentions() -> None:
    """With notify=True personal mentions stay as typed; silent ones stay silent."""
    text = "@**Ada|12** and @_**Bob|3**"
    assert sanitize(text, notify=True) == text


def test_code_does_not_create_mentions() -> None:
    """Mentions inside code spans and fences are neutralised too, so no parser mismatch helps."""
    text = "`@**all**` and\n```\n@**everyone** @*ops*\n```\n``@**all**`"
    out = sanitize(text)
    assert not notifies(out)
    assert out.replace("\u200b", "") == text


@pytest.mark.parametrize(
    "text",
    [
        "@**x @**all** y**",  # a wildcard nested in a would-be name
        "@***all***",
        "@\\**all**",
        "@**al\\*l**",
        "@@**all**",
        "x@**all**",
        "@**all**@**everyone**",
        "@_**_**all**",
        "@**all\n**",
    ],
)
def test_tricky_forms(text: str) -> None:
    """Nested, escaped and adjacent asterisks cannot smuggle a wildcard through."""
    assert not notifies(sanitize(text))


def test_unchanged_text_without_mentions() -> None:
    """Text without @ is returned exactly, Markdown and Unicode included."""
    text = "**bold** _it_ `code` 🚀 日本語 email@example.com a@b"
    assert sanitize(text) == text


def test_at_the_message_limit() -> None:
    """10,000 characters of wildcards are all neutralised, none lost."""
    text = ("@**all** " * 1200)[:10_000]
    out = sanitize(text)
    assert not notifies(out)
    assert out.replace("\u200b", "") == text


def test_mention_helpers() -> None:
    """silent_mention/mention build the id form; unusable names fall back safely."""
    assert silent_mention("Ada Lovelace", 12) == "@_**Ada Lovelace|12**"
    assert mention("Ada Lovelace", 12) == "@**Ada Lovelace|12**"
    assert silent_mention("Ada") == "@_**Ada**"
    assert silent_mention("Evil*Name", 5) == "@_**|5**"
    assert silent_mention("all") == "all"
    assert not notifies(mention("everyone"))
    assert plain_name("a*b_c") == "a\\*b\\_c"


MENTIONISH = st.lists(
    st.one_of(
        st.sampled_from(["@", "_", "*", "**", "|", "`", "```", "\\", "\n", " ", "\u200b"]),
        st.sampled_from(["all", "ALL", "everyone", "channel", "stream", "topic", "Ada", "12"]),
        st.text(max_size=5),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(text=st.one_of(MENTIONISH, st.text()), notify=st.booleans())
def test_output_never_notifies(text: str, notify: bool) -> None:
    """Any input: no wildcard or group mention in the output; only ZWSPs and `_` are added.

    (Besides what ``contain`` adds to keep the layout: closing fences, an escaped underline.)
    """
    out = sanitize(text, notify=notify)
    assert not notifies(out)
    assert out.replace("\u200b", "").replace("@_", "@") == contain(text).replace(
        "\u200b", ""
    ).replace("@_", "@")
    if not notify:
        assert not NOTIFYING_PERSON_RE.search(out)
