"""Zulip's fenced blocks: which fences a text leaves open, and how to close them.

The rule follows Zulip's Markdown (``zerver/lib/markdown/fenced_code.py``): a
fence opens on a line that is three or more backticks or tildes at the start
of the line, optionally followed by a language and a header; it closes on a
line equal to the same fence (trailing spaces aside). Inside ``quote`` and
``spoiler`` blocks fences nest; inside a code (or math) block nothing opens.

One rule for the product: the report splitter uses it to close and reopen a
fence it must cut, and the sanitiser uses it so that a re-posted answer that
leaves a fence open cannot turn the rest of a report into code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_OPENER = re.compile(
    r"^(?P<fence>~{3,}|`{3,})[ ]*"
    r"(?:\{?\.?(?P<lang>[a-zA-Z0-9_+\-./#]+)[ ]*(?P<header>[^ ~`][^~`]*)?\}?)?$"
)
_NESTING = frozenset({"quote", "quoted", "spoiler"})


@dataclass(frozen=True)
class OpenFence:
    """A fence left open: the line that opened it and the line that closes it."""

    opening: str
    closing: str
    nests: bool  # fences inside it open blocks of their own (quote, spoiler)


Stack = tuple[OpenFence, ...]


def opener(line: str) -> OpenFence | None:
    """The fence ``line`` opens when read where a fence may open, else None."""
    match = _OPENER.match(line)
    if match is None:
        return None
    lang = (match["lang"] or "").lower()
    return OpenFence(opening=line, closing=match["fence"], nests=lang in _NESTING)


def fence_states(lines: Sequence[str]) -> list[Stack]:
    """For each line, the fences still open after it, outermost first."""
    states: list[Stack] = []
    stack: Stack = ()
    for line in lines:
        if stack and line.rstrip() == stack[-1].closing:
            stack = stack[:-1]
        elif not stack or stack[-1].nests:
            fence = opener(line)
            if fence is not None:
                stack = (*stack, fence)
        states.append(stack)
    return states


def closing_lines(stack: Stack) -> list[str]:
    """The lines that close ``stack``, innermost first."""
    return [fence.closing for fence in reversed(stack)]


def close_open_fences(text: str) -> str:
    """``text`` with every fence it leaves open closed at its end (unchanged when balanced)."""
    states = fence_states(text.split("\n"))
    if not states or not states[-1]:
        return text
    return "\n".join([text.rstrip("\n"), *closing_lines(states[-1])])
