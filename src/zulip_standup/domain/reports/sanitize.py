"""Make user content safe to re-post in a channel: no wildcard or group mention ever notifies.

Zulip renders ``@`` + optional ``_`` + ``**name**`` as a person or wildcard
mention and ``@`` + optional ``_`` + ``*group*`` as a group mention. The rule
here is deliberately blunter than Zulip's parser so that no disagreement
about code spans, escapes or preceding characters can let a mention through:

* Every ``@`` that is directly followed by ``*`` or ``_*`` gets a zero-width
  space (U+200B) inserted after it, which no Zulip mention syntax accepts, and
  which still reads as ``@all`` in bold, unless it starts a well-formed
  personal mention ``@**Name**`` / ``@**Name|id**`` / ``@**|id**``.
* A well-formed personal mention becomes silent (``@_**Name|id**``) unless
  ``notify`` is true. Names equal to a wildcard (``all``, ``everyone``,
  ``channel``, ``stream``, ``topic``; any case, also with ``|…``) are never
  personal.
* This applies inside code spans and blocks too: there a mention does not
  render anyway, and the inserted character is invisible.

Re-posted content also cannot change the layout around it (``contain``):

* A code, math, quote or spoiler fence (```` ``` ```` or ``~~~``) the text
  opens and does not close is closed at its end, by Zulip's fence rule
  (``domain/reports/fences.py``), so one answer cannot turn the rest of a report,
  other people's answers included, into code.
* A first line that is only ``=`` or ``-`` signs is escaped: placed under a
  heading line it would turn that line into a Markdown heading.

The output can be longer than the input by one character per neutralised
mark and by the closing fences; callers split long content after sanitising.
"""

from __future__ import annotations

import re

from zulip_standup.domain.reports.fences import close_open_fences

ZERO_WIDTH_SPACE = "\u200b"
WILDCARDS = frozenset({"all", "everyone", "channel", "stream", "topic"})
_MARK_RE = re.compile(r"@(?=_?\*)")
_PERSON_RE = re.compile(r"@(?P<silent>_?)\*\*(?P<body>[^*@\n]+)\*\*(?!\*)")
_NAME_FORBIDDEN = frozenset('*`\\>"@|\n\r')
_UNDERLINE_RE = re.compile(r"^ {0,3}(=+|-+) *(?=\n|$)")


def _is_person(body: str) -> bool:
    """A mention body that can only mean one person: ``Name``, ``Name|id`` or ``|id``."""
    name, bar, user_id = body.rpartition("|") if "|" in body else (body, "", "")
    if bar and not (user_id.isascii() and user_id.isdecimal()):
        return False
    if name.strip().casefold() in WILDCARDS or body.strip().casefold() in WILDCARDS:
        return False
    return bool(name.strip()) or bool(bar)


def sanitize(text: str, *, notify: bool = False) -> str:
    """Neutralise wildcard and group mentions; silence personal ones unless ``notify``."""
    out: list[str] = []
    position = 0
    for mark in _MARK_RE.finditer(text):
        start = mark.start()
        if start < position:
            continue
        out.append(text[position:start])
        person = _PERSON_RE.match(text, start)
        if person is not None and _is_person(person["body"]):
            body = person["body"]
            silent = "" if notify and not person["silent"] else "_"
            out.append(f"@{silent}**{body}**")
            position = person.end()
        else:
            out.append("@" + ZERO_WIDTH_SPACE)
            position = start + 1
    out.append(text[position:])
    return contain("".join(out))


def contain(text: str) -> str:
    """``text`` unable to change the layout of the message it is placed in (see above)."""
    text = _UNDERLINE_RE.sub(lambda m: m[0].replace(m[1], "\\" + m[1], 1), text, count=1)
    return close_open_fences(text)


def _clean_name(name: str) -> str | None:
    stripped = name.strip()
    if not stripped or any(char in _NAME_FORBIDDEN for char in stripped):
        return None
    if stripped.casefold() in WILDCARDS:
        return None
    return stripped


def silent_mention(name: str, user_id: int | None = None) -> str:
    """``@_**Name|id**``: shows the person's name, notifies nobody."""
    return _mention(name, user_id, "_")


def mention(name: str, user_id: int | None = None) -> str:
    """``@**Name|id**``: notifies the person."""
    return _mention(name, user_id, "")


def _mention(name: str, user_id: int | None, silent: str) -> str:
    clean = _clean_name(name)
    if user_id is not None:
        return f"@{silent}**{clean or ''}|{user_id}**"
    if clean is None:
        return plain_name(name)
    return f"@{silent}**{clean}**"


def plain_name(name: str) -> str:
    """A name as plain text that cannot form a mention or Markdown emphasis."""
    escaped = re.sub(r"([\\`*_~|>#\[\]])", r"\\\1", " ".join(name.split()))
    return sanitize(escaped) if "@" in escaped else escaped
