"""CSV and JSON encodings of stored answers, exact enough to parse back into the same rows.

Answers are free text with commas, quotes, newlines and any Unicode, so the
CSV is written by the standard ``csv`` module (RFC 4180 quoting, ``\\r\\n``
rows) and read back the same way; nothing is escaped or rewritten, which is
what lets an export be checked against the database row for row. Timestamps
are ISO 8601 in UTC.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

CSV_HEADER = (
    "date",
    "standup",
    "user_id",
    "name",
    "question_number",
    "question",
    "answer",
    "answered_at",
    "edited",
)
JSON_FORMAT_VERSION = 1


@dataclass(frozen=True)
class AnswerRow:
    """One stored answer as exported: one row per person, day and question."""

    date: dt.date
    standup: str
    user_id: int
    name: str
    question_number: int
    question: str
    answer: str
    answered_at: dt.datetime
    edited: bool

    def as_record(self) -> dict[str, Any]:
        """The row as JSON-ready values, in header order."""
        return {
            "date": self.date.isoformat(),
            "standup": self.standup,
            "user_id": self.user_id,
            "name": self.name,
            "question_number": self.question_number,
            "question": self.question,
            "answer": self.answer,
            "answered_at": _utc_text(self.answered_at),
            "edited": self.edited,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> AnswerRow:
        """A row from a CSV or JSON record; raises ValueError naming the bad field."""
        try:
            return cls(
                date=dt.date.fromisoformat(str(record["date"])),
                standup=str(record["standup"]),
                user_id=int(record["user_id"]),
                name=str(record["name"]),
                question_number=int(record["question_number"]),
                question=str(record["question"]),
                answer=str(record["answer"]),
                answered_at=_parse_utc(str(record["answered_at"])),
                edited=_parse_bool(record["edited"]),
            )
        except KeyError as exc:
            msg = f"export record lacks the field {exc.args[0]!r}"
            raise ValueError(msg) from exc


def _utc_text(instant: dt.datetime) -> str:
    if instant.tzinfo is None:
        msg = "answered_at must be timezone-aware"
        raise ValueError(msg)
    return instant.astimezone(dt.UTC).isoformat()


def _parse_utc(text: str) -> dt.datetime:
    instant = dt.datetime.fromisoformat(text)
    if instant.tzinfo is None:
        msg = f"answered_at {text!r} has no UTC offset"
        raise ValueError(msg)
    return instant.astimezone(dt.UTC)


def _parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no", ""}:
        return False
    msg = f"edited must be true or false, not {value!r}"
    raise ValueError(msg)


def to_csv(rows: Iterable[AnswerRow]) -> str:
    """The rows as CSV text with a header line; encode as UTF-8 to upload."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        record = row.as_record()
        record["edited"] = "true" if row.edited else "false"
        writer.writerow([record[column] for column in CSV_HEADER])
    return buffer.getvalue()


def from_csv(text: str) -> list[AnswerRow]:
    """Rows parsed back from :func:`to_csv` output (a leading UTF-8 BOM is tolerated)."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    if tuple(reader.fieldnames or ()) != CSV_HEADER:
        msg = f"CSV header must be {','.join(CSV_HEADER)}"
        raise ValueError(msg)
    return [AnswerRow.from_record(record) for record in reader]


def to_json(rows: Iterable[AnswerRow]) -> str:
    """The rows as a JSON document ``{"format": 1, "columns": [...], "answers": [...]}``."""
    document = {
        "format": JSON_FORMAT_VERSION,
        "columns": list(CSV_HEADER),
        "answers": [row.as_record() for row in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def from_json(text: str) -> list[AnswerRow]:
    """Rows parsed back from :func:`to_json` output."""
    document = json.loads(text)
    if not isinstance(document, dict) or not isinstance(document.get("answers"), list):
        msg = "JSON export must be an object with an 'answers' list"
        raise ValueError(msg)
    return [AnswerRow.from_record(record) for record in document["answers"]]
