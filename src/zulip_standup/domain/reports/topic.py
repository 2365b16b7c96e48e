"""The topic a standup's run posts into, from the settings' template."""

from __future__ import annotations

import datetime as dt
import re

from zulip_standup.domain.limits import MAX_TOPIC_CHARS
from zulip_standup.domain.standup import DEFAULT_TOPIC_TEMPLATE, StandupSettings

__all__ = ["MAX_TOPIC_CHARS", "render_topic", "run_topic"]

_PLACEHOLDER = re.compile(r"\{(date|name|weekday)\}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def run_topic(settings: StandupSettings, run_date: dt.date, max_length: int) -> str:
    """The topic a standup's run of ``run_date`` posts into (the one rule for it).

    The default template starts with the standup's name, so two standups of
    one channel never share a topic unless a manager sets the same template.
    """
    return render_topic(
        settings.topic_template, run_date, standup_name=settings.name, max_length=max_length
    )


def render_topic(
    template: str,
    run_date: dt.date,
    *,
    standup_name: str = "",
    max_length: int = MAX_TOPIC_CHARS,
) -> str:
    """The run's topic from the template, never longer than ``max_length`` code points.

    Only ``{date}``, ``{name}`` and ``{weekday}`` are replaced (no ``str.format``,
    so a template cannot reach attributes). When the result is too long the
    standup name is shortened first and the date is always kept, because the
    date is what makes each day's topic distinct.
    """
    date_text = run_date.isoformat()
    values = {"date": date_text, "weekday": _WEEKDAYS[run_date.weekday()]}

    def fill(name: str) -> str:
        filled = _PLACEHOLDER.sub(lambda m: {**values, "name": name}[m[1]], template)
        return " ".join(_CONTROL.sub(" ", filled).split())

    name = " ".join(_CONTROL.sub(" ", standup_name).split())
    topic = fill(name)
    if not topic:
        return render_topic(
            DEFAULT_TOPIC_TEMPLATE, run_date, standup_name=name, max_length=max_length
        )
    if len(topic) <= max_length:
        return topic
    if "{name}" in template and name:
        uses = template.count("{name}")
        shrink_each = -(-(len(topic) - max_length) // uses)  # ceiling division
        keep = len(name) - shrink_each - 1  # one code point for the ellipsis
        if keep >= 1:
            shortened = fill(name[:keep].rstrip() + "…")
            if len(shortened) <= max_length:
                return shortened
    if date_text not in topic or topic.index(date_text) + len(date_text) <= max_length - 1:
        return topic[: max_length - 1].rstrip() + "…"
    head = topic.replace(date_text, "", 1)
    return head[: max_length - len(date_text) - 2].rstrip() + "… " + date_text
