"""Request parameters as Zulip reads them: strings, JSON-decoded values, and unused names."""

from __future__ import annotations

import builtins
import json
from collections.abc import Mapping
from typing import Any

from localzulip.errors import ApiError, missing

_ABSENT = object()


class Params:
    """The request's form/query fields; records which ones a handler read.

    Names never read are reported back as ``ignored_parameters_unsupported``.
    """

    def __init__(self, values: Mapping[str, str], path_params: Mapping[str, str] | None = None):
        self._values = dict(values)
        self._used: set[str] = set()
        self.path = dict(path_params or {})

    def __contains__(self, name: builtins.str) -> builtins.bool:
        return name in self._values

    def names(self) -> list[builtins.str]:
        return list(self._values)

    def mark(self, *names: builtins.str) -> None:
        self._used.update(names)

    def ignored(self) -> list[builtins.str]:
        return [n for n in self._values if n not in self._used]

    def raw(self, name: builtins.str) -> builtins.str | None:
        self._used.add(name)
        return self._values.get(name)

    def str(self, name: builtins.str, default: Any = _ABSENT) -> Any:
        value = self.raw(name)
        if value is None:
            if default is _ABSENT:
                raise missing(name)
            return default
        return value

    def json(self, name: builtins.str, default: Any = _ABSENT) -> Any:
        value = self.raw(name)
        if value is None:
            if default is _ABSENT:
                raise missing(name)
            return default
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(f'Argument "{name}" is not valid JSON.') from None

    def bool(self, name: builtins.str, default: Any = _ABSENT) -> Any:
        value = self.raw(name)
        if value is None:
            if default is _ABSENT:
                raise missing(name)
            return default
        lowered = value.strip().lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
        raise ApiError(f"{name} is not a boolean")

    def int(self, name: builtins.str, default: Any = _ABSENT) -> Any:
        value = self.raw(name)
        if value is None:
            if default is _ABSENT:
                raise missing(name)
            return default
        try:
            parsed = json.loads(value)
        except ValueError:
            raise ApiError(f'Argument "{name}" is not valid JSON.') from None
        if isinstance(parsed, bool) or not isinstance(parsed, int):
            raise ApiError(f"{name} is not an integer")
        return parsed
