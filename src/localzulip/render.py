"""A small Zulip-flavoured Markdown renderer and mention parsing."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from localzulip.models import User

_MENTION = re.compile(r"@(_?)\*\*([^*|]*)(?:\|(\d+))?\*\*")
_WILDCARDS = {"all", "everyone", "stream", "channel"}
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_FENCE_OPEN = re.compile(
    r"^(?P<fence>~{3,}|`{3,})[ ]*"
    r"(?:\{?\.?(?P<lang>[a-zA-Z0-9_+\-./#]+)[ ]*(?P<header>[^ ~`][^~`]*)?\}?)?$"
)
_NESTING_LANGS = frozenset({"quote", "quoted", "spoiler"})
_IMAGE_EXT = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp")

Lookup = Callable[[str, int | None], User | None]


def find_mentions(content: str, lookup: Lookup) -> tuple[set[int], bool, bool]:
    """User ids mentioned loudly, plus (stream wildcard, topic wildcard) flags."""
    users: set[int] = set()
    stream_wild = False
    topic_wild = False
    for silent, name, uid in _MENTION.findall(content):
        if silent:
            continue
        if not uid and name in _WILDCARDS:
            stream_wild = True
            continue
        if not uid and name == "topic":
            topic_wild = True
            continue
        user = lookup(name, int(uid) if uid else None)
        if user is not None:
            users.add(user.user_id)
    return users, stream_wild, topic_wild


def render(content: str, lookup: Lookup | None = None) -> str:
    """Render Markdown to the HTML Zulip would store (close, not byte-identical)."""
    return _render_lines(content.strip().split("\n"), lookup)


def _render_lines(lines: list[str], lookup: Lookup | None) -> str:
    """Paragraphs and fenced blocks, as Zulip's fenced-code preprocessor finds them.

    A fence is three or more backticks or tildes starting a line, optionally with a
    language and header; only a line equal to the same fence closes it, and a fence
    that never closes runs to the end of the message. ``quote`` and ``spoiler``
    blocks hold Markdown (fences nest there); any other block is code.
    """
    out: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        text = "\n".join(prose)
        paragraphs = re.split(r"\n\s*\n", text)
        out.extend(_paragraph(p.strip("\n"), lookup) for p in paragraphs if p.strip())
        prose.clear()

    index = 0
    while index < len(lines):
        opening = _FENCE_OPEN.match(lines[index])
        if opening is None:
            prose.append(lines[index])
            index += 1
            continue
        flush()
        lang = (opening["lang"] or "").lower()
        end = _block_end(lines, index + 1, opening["fence"], lang in _NESTING_LANGS)
        out.append(_fenced(lang, opening["header"] or "", lines[index + 1 : end], lookup))
        index = end + 1
    flush()
    return "\n".join(out)


def _block_end(lines: list[str], start: int, fence: str, nests: bool) -> int:
    """Index of the line closing the block opened before ``start`` (``len(lines)`` if none)."""
    index = start
    while index < len(lines):
        if lines[index].rstrip() == fence:
            return index
        inner = _FENCE_OPEN.match(lines[index]) if nests else None
        if inner is not None:
            inner_nests = (inner["lang"] or "").lower() in _NESTING_LANGS
            index = _block_end(lines, index + 1, inner["fence"], inner_nests) + 1
            continue
        index += 1
    return len(lines)


def _fenced(lang: str, header: str, body: list[str], lookup: Lookup | None) -> str:
    if lang in {"quote", "quoted"}:
        return f"<blockquote>\n{_render_lines(body, lookup)}\n</blockquote>"
    if lang == "spoiler":
        return (
            f'<div class="spoiler-block"><div class="spoiler-header">{html.escape(header)}</div>'
            f'<div class="spoiler-content" aria-hidden="true">{_render_lines(body, lookup)}'
            "</div></div>"
        )
    code = html.escape("\n".join(body), quote=False)
    if lang in {"math", "tex", "latex"}:
        return f'<span class="katex-display">{code}</span>'
    language = f' data-code-language="{html.escape(lang)}"' if lang else ""
    return f'<div class="codehilite"{language}><pre><span></span><code>{code}\n</code></pre></div>'


def _paragraph(para: str, lookup: Lookup | None) -> str:
    images: list[str] = []
    text = html.escape(para, quote=False)

    def mention(m: re.Match[str]) -> str:
        silent, name, uid = m.group(1), m.group(2), m.group(3)
        user = lookup(html.unescape(name), int(uid) if uid else None) if lookup else None
        if user is None:
            return m.group(0)
        cls = "user-mention silent" if silent else "user-mention"
        prefix = "" if silent else "@"
        safe = html.escape(user.full_name)
        return f'<span class="{cls}" data-user-id="{user.user_id}">{prefix}{safe}</span>'

    def link(m: re.Match[str]) -> str:
        label, url = m.group(1), m.group(2)
        if url.startswith("/user_uploads/") and url.lower().endswith(_IMAGE_EXT):
            images.append(
                f'<div class="message_inline_image"><a href="{url}" title="{label}">'
                f'<img src="{url}"></a></div>'
            )
        return f'<a href="{url}">{label}</a>'

    text = _MENTION.sub(mention, text)
    text = _LINK.sub(link, text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _CODE.sub(r"<code>\1</code>", text)
    text = text.replace("\n", "<br>\n")
    return f"<p>{text}</p>" + ("\n" + "\n".join(images) if images else "")
