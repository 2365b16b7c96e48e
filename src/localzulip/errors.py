"""Zulip's error bodies as an exception type that handlers raise."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answered as ``{"result":"error","msg":...,"code":...}`` plus extra fields."""

    def __init__(
        self,
        msg: str,
        *,
        code: str = "BAD_REQUEST",
        status: int = 400,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(msg)
        self.msg = msg
        self.code = code
        self.status = status
        self.extra = extra
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"result": "error", "msg": self.msg}
        out.update(self.extra)
        out["code"] = self.code
        return out


def missing(name: str) -> ApiError:
    """Zulip's REQUEST_VARIABLE_MISSING error."""
    return ApiError(f"Missing '{name}' argument", code="REQUEST_VARIABLE_MISSING", var_name=name)


def unauthorized(msg: str) -> ApiError:
    """Zulip's 401 for every authentication failure on the REST API."""
    return ApiError(
        msg,
        code="UNAUTHORIZED",
        status=401,
        headers={"WWW-Authenticate": 'Basic realm="zulip"'},
    )


def bad_queue(queue_id: str) -> ApiError:
    return ApiError(f"Bad event queue ID: {queue_id}", code="BAD_EVENT_QUEUE_ID", queue_id=queue_id)
