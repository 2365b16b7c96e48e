"""Packing report content into Zulip-sized messages without truncating anything.

Zulip silently cuts content over ``max_message_length`` (10,000 characters by
default) and appends "[message truncated]", so a long digest would lose
people's answers. Content is therefore described as *groups* (one person)
of *blocks* (one answer, one digest section) and packed greedily: a group
stays in one message when it fits, a block stays whole when it fits, and only
a block longer than a whole message is cut, at a paragraph break if possible,
else at a line break, and inside a fenced code block only when the fence
itself is too long (the fence is then closed and reopened so each part still
renders). Every cut is marked "(continued)".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from zulip_standup.domain.limits import MAX_MESSAGE_CHARS
from zulip_standup.domain.reports import texts
from zulip_standup.domain.reports.fences import Stack, closing_lines, fence_states

MIN_LIMIT = 200
SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Block:
    """Content kept in one message when possible; ``continued`` heads each later part if cut."""

    text: str
    continued: str = texts.TEXT_CONTINUED


@dataclass(frozen=True)
class Group:
    """Blocks that belong together; ``continued`` heads each later message the group spans."""

    blocks: tuple[Block, ...]
    continued: str = ""


def pack(groups: Sequence[Group], limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """The messages that carry every group, each at most ``limit`` characters."""
    if limit < MIN_LIMIT:
        msg = f"a message limit below {MIN_LIMIT} characters cannot hold a report"
        raise ValueError(msg)
    messages: list[str] = []
    current = ""

    def flush() -> None:
        nonlocal current
        if current.strip():
            messages.append(current)
        current = ""

    for group in groups:
        blocks = [b for b in group.blocks if b.text.strip()]
        whole = SEPARATOR.join(b.text for b in blocks)
        if not whole:
            continue
        if len(_join(current, whole)) <= limit:
            current = _join(current, whole)
            continue
        flush()
        if len(whole) <= limit:
            current = whole
            continue
        header = group.continued[: limit // 4]
        fresh = True  # ``current`` holds nothing of this group's content yet
        for block in blocks:
            if len(_join(current, block.text)) > limit and not fresh:
                flush()
                current = header
            if len(_join(current, block.text)) <= limit:
                current = _join(current, block.text)
                fresh = False
                continue
            marker = block.continued[: limit // 4]
            budget = limit - len(header) - len(SEPARATOR) - len(marker) - 1
            for index, piece in enumerate(split_text(block.text, budget)):
                if index > 0:
                    flush()
                    current = _join(header, f"{marker}\n{piece}")
                else:
                    current = _join(current, piece)
            fresh = False
    flush()
    return messages


def split_message(content: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Any text as messages of at most ``limit`` characters, cut at paragraph or line breaks."""
    return pack([Group((Block(content),))], limit)


def _join(first: str, second: str) -> str:
    return f"{first}{SEPARATOR}{second}" if first else second


def _reopening(stack: Stack) -> str:
    return "\n".join(fence.opening for fence in stack)


def _closing(stack: Stack) -> str:
    return "\n".join(closing_lines(stack))


def _break_long_lines(lines: list[str], width: int) -> list[str]:
    """Lines no longer than ``width``: long ones broken at a space near the end, else hard."""
    result: list[str] = []
    for line in lines:
        rest = line
        while len(rest) > width:
            cut = rest.rfind(" ", int(width * 0.8), width)
            cut = cut + 1 if cut > 0 else width
            result.append(rest[:cut])
            rest = rest[cut:]
        result.append(rest)
    return result


def split_text(text: str, budget: int) -> list[str]:
    """``text`` cut into pieces of at most ``budget`` characters, keeping code fences intact.

    Preference: a paragraph break that leaves the piece at least half full,
    then any line break outside a fence, and a line break inside a fence only
    when nothing else fits (the fence is closed and reopened around the cut).
    """
    if len(text) <= budget:
        return [text]
    raw = text.split("\n")
    states = fence_states(raw)
    widest_repair = max((len(_reopening(s)) + len(_closing(s)) + 2 for s in states if s), default=0)
    lines = _break_long_lines(raw, max(budget - widest_repair, budget // 2))
    if len(lines) != len(raw):
        states = fence_states(lines)
    pieces: list[str] = []
    start = 0
    total = len(lines)
    while start < total:
        reopen = _reopening(states[start - 1]) if start > 0 else ""
        if not reopen:
            while start < total and not lines[start].strip():
                start += 1
            if start == total:
                break
        base = len(reopen) + 1 if reopen else 0
        size = base - 1
        end = start
        best: dict[int, int] = {}
        while end < total:
            size += len(lines[end]) + 1
            end += 1
            inside = states[end - 1]
            closing = len(_closing(inside)) + 1 if inside else 0
            if size + closing > budget:
                end -= 1
                break
            if end == total:
                best[0] = end
            elif not inside and (not lines[end].strip() or not lines[end - 1].strip()):
                if size >= budget // 2:
                    best[1] = end
                best[2] = end
            elif not inside:
                best[2] = end
            else:
                best[3] = end
        if not best:  # a single line with its fence repair exceeds the budget: cannot happen
            best[3] = start + 1
        cut = best[min(best)]
        chunk = lines[start:cut]
        if reopen:
            chunk = [reopen, *chunk]
        still_open = states[cut - 1]
        if still_open:
            chunk = [*chunk, _closing(still_open)]
        while chunk and not chunk[-1].strip():
            chunk.pop()
        pieces.append("\n".join(chunk))
        start = cut
    return pieces
