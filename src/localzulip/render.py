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
    paragraphs = [p for p in re.split(r"\n\s*\n", content.strip()) if p.strip()]
    return "\n".join(_paragraph(p, lookup) for p in paragraphs)


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
