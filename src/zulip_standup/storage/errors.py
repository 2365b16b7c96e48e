"""Which database errors are worth retrying: lost connections, lock waits, serialisation."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError

_TRANSIENT_SQLITE = ("database is locked", "database table is locked", "disk i/o error")
# SQLSTATE classes and codes PostgreSQL uses for failures that a retry can cure.
_TRANSIENT_PG_CODES = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"}


def is_transient_db_error(exc: BaseException) -> bool:
    """True for a database failure a later attempt may not meet (never for a bug or bad data)."""
    if isinstance(exc, TimeoutError):  # the pool had no free connection in time
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    original = exc.orig
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if code is not None:
        return str(code) in _TRANSIENT_PG_CODES or str(code).startswith("08")
    if isinstance(exc, OperationalError):
        text = str(original).lower()
        if any(marker in text for marker in _TRANSIENT_SQLITE):
            return True
        # psycopg raises OperationalError without a SQLSTATE when the server is gone.
        return "connection" in text or "server closed" in text or "terminating" in text
    return False
