"""Answer exports: CSV and JSON that parse back to exactly the rows that were exported."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from zulip_standup.domain.reports.export import (
    CSV_HEADER,
    AnswerRow,
    from_csv,
    from_json,
    to_csv,
    to_json,
)

TRICKY = [
    'Fixed "quoted" bug, then ate',
    "line one\nline two\r\nline three",
    "Ünïcödé — 日本語 — emoji 🚀 — RTL שלום",
    "=SUM(A1:A9), +1, -1, @cmd",
    "",
    "comma, comma,, and ;semicolon; and \ttab",
]


def rows() -> list[AnswerRow]:
    return [
        AnswerRow(
            date=dt.date(2026, 11, 30),
            standup='Team, "core"',
            user_id=10 + i,
            name=f"Zoë O'Brien {i}",
            question_number=i % 3 + 1,
            question='What, "exactly",\nwill you do?',
            answer=answer,
            answered_at=dt.datetime(2026, 11, 30, 9, i, 5, 123456, tzinfo=dt.UTC),
            edited=i % 2 == 0,
        )
        for i, answer in enumerate(TRICKY)
    ]


def test_csv_round_trips_unicode_commas_quotes_and_newlines() -> None:
    """CSV parsed back gives the same rows, including every awkward character."""
    assert from_csv(to_csv(rows())) == rows()


def test_csv_is_plain_csv_module_output() -> None:
    """The standard csv module reads the export with the documented header and raw values."""
    records = list(csv.reader(io.StringIO(to_csv(rows()), newline="")))
    assert tuple(records[0]) == CSV_HEADER
    assert [record[6] for record in records[1:]] == TRICKY
    assert records[1][7] == "2026-11-30T09:00:05.123456+00:00"
    assert records[1][8] == "true"
    assert records[2][8] == "false"


def test_csv_tolerates_a_byte_order_mark() -> None:
    """A file saved by a spreadsheet with a UTF-8 BOM still parses."""
    assert from_csv("\ufeff" + to_csv(rows())) == rows()


def test_json_round_trips() -> None:
    """JSON parsed back gives the same rows; it is readable UTF-8 (no \\u escapes)."""
    text = to_json(rows())
    assert from_json(text) == rows()
    assert "日本語" in text
    document = json.loads(text)
    assert document["format"] == 1
    assert document["columns"] == list(CSV_HEADER)


def test_answered_at_is_stored_in_utc() -> None:
    """A non-UTC instant is exported in UTC and compares equal after the round trip."""
    berlin = dt.timezone(dt.timedelta(hours=1))
    row = rows()[0]
    local = AnswerRow(**{**row.__dict__, "answered_at": row.answered_at.astimezone(berlin)})
    assert "+00:00" in to_csv([local])
    assert from_csv(to_csv([local])) == [row]


def test_bad_input_is_refused_with_a_reason() -> None:
    """A wrong header or a missing field is a ValueError naming the problem."""
    with pytest.raises(ValueError, match="header"):
        from_csv("a,b,c\r\n1,2,3\r\n")
    with pytest.raises(ValueError, match="'date'"):
        from_json('{"answers": [{"x": 1}]}')
    with pytest.raises(ValueError, match="'answers' list"):
        from_json("[]")
    with pytest.raises(ValueError, match="timezone-aware"):
        to_csv([AnswerRow(**{**rows()[0].__dict__, "answered_at": dt.datetime(2026, 1, 1)})])  # noqa: DTZ001
