"""The API's OpenAPI 3.1 document, generated from its endpoint declarations and models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from zulip_standup.domain.limits import (
    API_FIRST_DAY,
    API_LAST_DAY,
    MAX_SEARCH_CHARS,
    MAX_STATS_DAYS,
)
from zulip_standup.web import api_models as m
from zulip_standup.web import params


@dataclass(frozen=True)
class Param:
    """One parameter of an endpoint; ``kind`` names its schema in ``_KINDS``."""

    name: str
    where: str  # "path" | "query"
    kind: str  # "id" | "date" | "days" | "text"
    description: str
    required: bool = False


class Endpoint(Protocol):
    """What the document needs to know of an endpoint (``web.api.Endpoint`` has it)."""

    @property
    def path(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def answer(self) -> type[BaseModel]: ...
    @property
    def params(self) -> tuple[Param, ...]: ...


_KINDS: dict[str, dict[str, Any]] = {
    "id": {"type": "integer", "minimum": 1, "maximum": params.MAX_ID},
    "date": {
        "type": "string",
        "format": "date",
        "description": f"YYYY-MM-DD, from {API_FIRST_DAY} to {API_LAST_DAY}",
    },
    "days": {"type": "integer", "minimum": 1, "maximum": MAX_STATS_DAYS},
    "text": {"type": "string", "minLength": 1, "maxLength": MAX_SEARCH_CHARS},
}
_REFUSALS = {
    "400": "A parameter is not what the endpoint takes",
    "401": "No token, or not a token of an active person",
    "404": "No such standup, or the person cannot see its channel",
    "429": "Too many requests; wait for Retry-After seconds",
    "503": "The organisation is not served by this process right now",
}


def _parameter(param: Param) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": param.where,
        "required": param.required,
        "description": param.description,
        "schema": _KINDS[param.kind],
    }


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": endpoint.summary,
            "content": {"application/json": {"schema": _ref(endpoint.answer)}},
        }
    }
    for status, description in _REFUSALS.items():
        if status == "404" and not endpoint.params:
            continue
        if status == "400" and not any(p.where == "query" for p in endpoint.params):
            continue
        error = {
            "description": description,
            "content": {"application/json": {"schema": _ref(m.Error)}},
        }
        if status == "429":
            error["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        responses[status] = error
    name = endpoint.path.strip("/").replace("/", "_").replace("{", "").replace("}", "")
    return {
        "operationId": f"get_{name}",
        "summary": endpoint.summary,
        "parameters": [_parameter(p) for p in endpoint.params],
        "responses": responses,
    }


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def document(endpoints: Iterable[Endpoint], prefix: str) -> dict[str, Any]:
    """The whole document; every answer model and ``Error`` in its components."""
    endpoints = list(endpoints)
    models = {e.answer for e in endpoints} | {m.Error}
    _, schemas = models_json_schema(
        [(model, "serialization") for model in sorted(models, key=lambda x: x.__name__)],
        ref_template="#/components/schemas/{model}",
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "zulip-standup API",
            "version": "1",
            "description": "Read-only access to standups, with the chat commands' permissions.",
        },
        "servers": [{"url": prefix}],
        "security": [{"token": []}],
        "paths": {e.path: {"get": _operation(e)} for e in endpoints},
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal token: `token new` in a DM to the bot",
                }
            },
        },
    }
