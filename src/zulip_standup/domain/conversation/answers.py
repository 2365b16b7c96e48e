"""Reading answers out of messages: all questions answered at once.

Whether a blocker answer means "no blocker" is decided in ``blockers.is_none_like``.

A message answers all N questions at once when (N ≥ 2) either

* it is a numbered list ``1. …`` / ``1) …`` / ``1: …`` whose top-level
  numbers are exactly 1..N in order, starting on the first line; an answer may
  run over several lines, and lines indented deeper than the numbers (nested
  lists) belong to the answer; or
* it has exactly N paragraphs separated by blank lines.

Fenced code blocks (``` or ~~~) are opaque: nothing inside them is a number
or a paragraph break. Answer text is kept verbatim except for the number
marker and surrounding blank lines.

A message that starts with ``>`` (``ANSWER_MARK``, Zulip's quote marker) is
an answer whatever it says, so text that reads like a command can still be
given as an answer; the mark itself is not part of the answer (``unmarked``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ANSWER_MARK = ">"
_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")
_MARKER_RE = re.compile(r"(?P<indent> {0,3})(?P<number>\d{1,2})[.):](?:[ \t]+|$)")


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    in_fence: bool  # inside a fenced block, or one of its fence lines


def _classify(text: str) -> list[_Line]:
    """Split into lines, marking those that belong to fenced code blocks."""
    lines: list[_Line] = []
    fence: str | None = None
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        match = _FENCE_RE.match(line)
        if fence is None and match is not None:
            fence = match[1]
            lines.append(_Line(line, in_fence=True))
            continue
        if fence is not None:
            closing = match is not None and match[1][0] == fence[0] and len(match[1]) >= len(fence)
            if closing and not line.strip().strip(fence[0]):
                fence = None
            lines.append(_Line(line, in_fence=True))
            continue
        lines.append(_Line(line, in_fence=False))
    return lines


def _trim(lines: list[str]) -> str:
    """Join lines, dropping blank lines at both ends and trailing spaces."""
    return "\n".join(lines).strip("\n").rstrip()


def _numbered(lines: list[_Line], count: int) -> tuple[str, ...] | None:
    first = next((i for i, line in enumerate(lines) if line.text.strip()), None)
    if first is None:
        return None
    opening = _MARKER_RE.match(lines[first].text)
    if opening is None or lines[first].in_fence or int(opening["number"]) != 1:
        return None
    indent = opening["indent"]
    parts: list[list[str]] = []
    for line in lines[first:]:
        match = None if line.in_fence else _MARKER_RE.match(line.text)
        is_next = match is not None and match["indent"] == indent
        if is_next and match is not None and int(match["number"]) == len(parts) + 1:
            parts.append([line.text[match.end() :].lstrip()])
        else:
            parts[-1].append(line.text)
    answers = tuple(_trim(part) for part in parts)
    if len(answers) != count or not all(answers):
        return None
    return answers


def _paragraphs(lines: list[_Line], count: int) -> tuple[str, ...] | None:
    parts: list[list[str]] = [[]]
    for line in lines:
        if not line.in_fence and not line.text.strip():
            if parts[-1]:
                parts.append([])
            continue
        parts[-1].append(line.text)
    answers = tuple(_trim(part) for part in parts if part)
    return answers if len(answers) == count and all(answers) else None


def split_answers(text: str, count: int) -> tuple[str, ...] | None:
    """The ``count`` answers in ``text`` when it answers every question at once, else None."""
    if count < 2 or not text.strip():
        return None
    lines = _classify(text)
    return _numbered(lines, count) or _paragraphs(lines, count)


def answers_in(text: str, count: int) -> tuple[str, ...]:
    """``count`` answers for an all-at-once message, else the whole text as one answer."""
    return split_answers(text, count) or (text.strip(),)


def is_marked(text: str) -> bool:
    """Whether a message is marked as an answer (it starts with ``ANSWER_MARK``)."""
    return text.lstrip().startswith(ANSWER_MARK)


def unmarked(text: str) -> str:
    """The answer a message gives: without the answer mark (and one space after it), if any."""
    if not is_marked(text):
        return text
    rest = text.lstrip()[len(ANSWER_MARK) :]
    return rest[1:] if rest[:1] in {" ", "\t"} else rest
