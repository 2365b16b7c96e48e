"""One logging set-up for the program: text or JSON lines, secrets scrubbed from every record."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import Any, ClassVar, Literal, TextIO

REDACTED = "[REDACTED]"

# Names of fields that hold secrets: passwords, tokens, API/secret/private/encryption keys.
# Identifiers whose names merely contain "key" (``job_key``, ``sort_key``, ``key_id``) are
# not secrets: a failed job must stay diagnosable by its key.
_SECRET_WORDS = ("password", "passwd", "pwd", "secret", "token", "credential", "credentials")
_KEY_QUALIFIERS = ("api", "secret", "private", "access", "encryption", "fernet", "signing")
_SECRET_FIELD_NAMES = "|".join(
    (
        rf"(?:[a-z0-9]+[_-])*(?:{'|'.join(_SECRET_WORDS)})",
        rf"(?:[a-z0-9]+[_-])*(?:{'|'.join(_KEY_QUALIFIERS)})[_-]?keys?",
        r"apikey|keys?",
    )
)
_SECRET_NAME_RE = re.compile(rf"(?i)(?:{_SECRET_FIELD_NAMES})")

# Patterns that look like credentials whatever their value; known secret
# values (the configured keys) are scrubbed in addition, verbatim.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(?i)(authorization\s*[:=]\s*)(basic|bearer|token)\s+[^\s'\",}]+"),
        r"\1\2 " + REDACTED,
    ),
    (re.compile(r"(?i)\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]{12,}"), r"\1 " + REDACTED),
    (re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^:/@\s'\"]+:)[^@\s'\"]+@"), r"\1" + REDACTED + "@"),
    (
        re.compile(
            rf"(?i)(?<![a-z0-9_-])((?:{_SECRET_FIELD_NAMES})['\"]?\s*[=:]\s*['\"]?)[^\s'\",}}&]+"
        ),
        r"\1" + REDACTED,
    ),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"), REDACTED),
)

_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "taskName"}
)


class Redactor:
    """Removes secrets from text: configured values verbatim, plus credential-shaped patterns."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        for secret in secrets:
            if secret and len(secret) >= 4 and secret not in self._secrets:
                self._secrets.append(secret)
        self._secrets.sort(key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


class _RedactingFormatter(logging.Formatter):
    redactor: Redactor

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor(super().format(record))


class TextFormatter(_RedactingFormatter):
    """``time level logger event key=value ...``, one line per record plus any traceback."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s%(context)s")
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        extras = _extras(record)
        record.context = "".join(f" {k}={v}" for k, v in extras.items())
        return super().format(record)


class JsonFormatter(_RedactingFormatter):
    """One JSON object per line; extra fields become keys, tracebacks go into ``exc_info``."""

    default_keys: ClassVar[tuple[str, ...]] = ("ts", "level", "logger", "event")

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        payload.update({k: _jsonable(v) for k, v in _extras(record).items()})
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack_info"] = self.formatStack(record.stack_info)
        # Redact field by field so the result stays valid JSON.
        redacted = {k: self.redactor(v) if isinstance(v, str) else v for k, v in payload.items()}
        return json.dumps(redacted, ensure_ascii=False, default=str)


def is_secret_name(name: str) -> bool:
    """Whether a field called ``name`` holds a secret (its value is then never logged)."""
    return _SECRET_NAME_RE.fullmatch(name) is not None


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    """The record's extra fields; a secret-named field's value is replaced whatever it is."""
    return {
        k: REDACTED if is_secret_name(k) else v
        for k, v in vars(record).items()
        if k not in _STANDARD_ATTRS and k != "context"
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


_redactor = Redactor()


def redactor() -> Redactor:
    """The process-wide redactor, so components that learn a secret late can register it."""
    return _redactor


def configure_logging(
    level: str = "INFO",
    fmt: Literal["text", "json"] = "text",
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Install one handler on the root logger; returns it so tests can remove it."""
    _redactor.add(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(_redactor) if fmt == "json" else TextFormatter(_redactor))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_zulip_standup", False):
            root.removeHandler(existing)
    handler._zulip_standup = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # Libraries that narrate every step at INFO; only their problems matter to an operator.
    for name in ("alembic", "httpx", "httpcore", "aiohttp.access"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    return handler
