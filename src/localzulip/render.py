"""A small Zulip-flavoured Markdown renderer, mention parsing and the emoji table."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from localzulip.models import User

EMOJI: dict[str, str] = {
    "+1": "1f44d",
    "thumbs_up": "1f44d",
    "-1": "1f44e",
    "thumbs_down": "1f44e",
    "tada": "1f389",
    "calendar": "1f4c5",
    "smile": "1f604",
    "slight_smile": "1f642",
    "heart": "2764",
    "check": "2714",
    "pencil": "270f",
    "check_mark": "2714",
    "white_check_mark": "2705",
    "octopus": "1f419",
    "wave": "1f44b",
    "coffee": "2615",
    "palm_tree": "1f334",
    "house": "1f3e0",
    "sick": "1f912",
    "car": "1f697",
    "airplane": "2708",
    "eyes": "1f440",
    "rocket": "1f680",
    "fire": "1f525",
    "clock": "1f570",
    "warning": "26a0",
    "x": "274c",
    "cross_mark": "274c",
    "question": "2753",
    "thinking": "1f914",
    "sunny": "2600",
    "zzz": "1f4a4",
    "bug": "1f41b",
    "memo": "1f4dd",
    "star": "2b50",
    "ok": "1f197",
    "pray": "1f64f",
    "clap": "1f44f",
    "muscle": "1f4aa",
    "working_on_it": "1f6e0",
}

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
