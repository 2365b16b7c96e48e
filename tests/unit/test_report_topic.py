"""The run's topic: template placeholders, and shortening to Zulip's 60 code points ourselves."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zulip_standup.domain.limits import MAX_TOPIC_CHARS
from zulip_standup.domain.reports.topic import render_topic

DAY = dt.date(2026, 11, 30)  # a Monday


@pytest.mark.parametrize(
    ("template", "name", "expected"),
    [
        ("standup {date}", "", "standup 2026-11-30"),
        ("{name} {weekday} {date}", "Backend", "Backend Monday 2026-11-30"),
        ("{name}: {date}", "Team\nA\t!", "Team A !: 2026-11-30"),
        ("daily {date.__class__} {date}", "", "daily {date.__class__} 2026-11-30"),
        ("{unknown} {date}", "", "{unknown} 2026-11-30"),
        ("   ", "x", "x 2026-11-30"),  # the default template: the standup's name and the date
    ],
)
def test_topic_placeholders(template: str, name: str, expected: str) -> None:
    """Only {date}, {name} and {weekday} are filled; control characters become spaces."""
    assert render_topic(template, DAY, standup_name=name) == expected


def test_long_non_ascii_name_is_shortened_and_the_date_kept() -> None:
    """A long name in a non-Latin script is cut with "…" so the topic is exactly 60 code points."""
    name = "Équipe ünïcödé 日本語チーム " * 5
    topic = render_topic("{name} · {date}", DAY, standup_name=name)
    assert len(topic) <= MAX_TOPIC_CHARS
    assert topic.endswith("… · 2026-11-30")
    assert topic.startswith("Équipe ünïcödé 日本語チーム")


def test_emoji_counts_as_one_code_point() -> None:
    """60 code points, not 60 bytes: a topic of 60 emoji-and-date code points is left alone."""
    template = "🚀" * (MAX_TOPIC_CHARS - 11) + " {date}"
    topic = render_topic(template, DAY)
    assert len(topic) == MAX_TOPIC_CHARS
    assert topic.endswith(" 2026-11-30")


def test_long_literal_template_keeps_the_date() -> None:
    """Without a name to shorten, the literal text is cut and the date moved to the end."""
    template = "x" * 70 + " {date}"
    topic = render_topic(template, DAY)
    assert len(topic) == MAX_TOPIC_CHARS
    assert topic == "x" * 48 + "… 2026-11-30"


@given(st.text(max_size=200), st.text(max_size=200), st.dates())
def test_topic_is_never_too_long_nor_empty(template: str, name: str, day: dt.date) -> None:
    """Property: whatever the template and name, the topic fits Zulip and is not blank."""
    topic = render_topic(template, day, standup_name=name)
    assert 0 < len(topic) <= MAX_TOPIC_CHARS
    assert topic == topic.strip()
