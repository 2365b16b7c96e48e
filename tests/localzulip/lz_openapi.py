"""Validation of captured HTTP responses against zulip.yaml, with the recorded deviations."""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest
from openapi_core.templating.paths.exceptions import PathNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_schema_validator import OAS30Validator

SPEC_HOST = "http://localhost:9991"
REPO = Path(__file__).resolve().parents[2]


def spec_file() -> Path | None:
    """zulip.yaml from $ZULIP_OPENAPI_SPEC or ../shared/zulip-openapi/, if present."""
    env = os.environ.get("ZULIP_OPENAPI_SPEC")
    path = Path(env) if env else REPO.parent / "shared" / "zulip-openapi" / "zulip.yaml"
    return path if path.is_file() else None


# Where the real server (../shared/zulip-golden) differs from zulip.yaml; each entry is
# applied to a copy of the body before validation, after asserting the deviation is there.
DEVIATIONS = {
    "retry-after": "429 bodies carry a float retry-after (06_rate_limit.json); the schema "
    "says integer, so the float is checked and validated as its integer part",
    "bot-own-user": "GET /users/me for a bot has bot_type and bot_owner_id "
    "(01_users.json#0); the get-own-user schema forbids them, so they are checked and removed",
    "undocumented-status": "errors with a status the operation does not list (e.g. 400 "
    "'No such user' on get-user, 01_users.json#6) are validated against the error schema "
    "matching their code",
    "oneof-overlap": "several 4xx responses are a oneOf of error schemas that overlap (a "
    "plain {result,msg,code} body matches more than one), so a body that validates against "
    "at least one alternative is accepted",
    "greedy-path": "GET /user_uploads/{realm_id_str}/{filename}: the real filename contains "
    "slashes (08_user_uploads.json#7), which openapi-core's path matcher rejects; the "
    "operation is found with a greedy last parameter and its response schema applied",
    "unlisted-error": "a documented 4xx status whose listed schemas omit an error the real "
    "server sends there (STREAM_DOES_NOT_EXIST with stream_id, REQUEST_VARIABLE_MISSING, "
    "REQUEST_CONFUSING_VAR on send-message: 03_errors_send_message.json#1/#6/#15) is "
    "validated against the component schema of its code",
    "undocumented-codes": "REQUEST_CONFUSING_VAR (var_name1/var_name2) and BAD_NARROW (desc) "
    "are not in zulip.yaml (golden README surprise 7); validated as CodedErrorBase plus "
    "those fields",
}

ERROR_SCHEMAS = {
    "REQUEST_VARIABLE_MISSING": "MissingArgumentError",
    "BAD_EVENT_QUEUE_ID": "BadEventQueueIdError",
    "RATE_LIMIT_HIT": "RateLimitedError",
}


@dataclass
class Validator:
    """Validates every response a ``zulip.Client`` session receives."""

    spec_path: Path
    base_url: str = ""
    seen: list[tuple[str, str, int]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    used_deviations: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.api = OpenAPI.from_file_path(str(self.spec_path))
        self.spec: dict[str, Any] = yaml.safe_load(self.spec_path.read_text("utf-8"))

    def attach(self, client: Any) -> Any:
        client.ensure_session()
        client.session.hooks["response"].append(self._hook)
        return client

    def _hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.check(response)

    def component(self, name: str, body: Any) -> list[str]:
        schema = {"$ref": f"#/components/schemas/{name}", "components": self.spec["components"]}
        return [e.message for e in OAS30Validator(schema).iter_errors(body)]

    def check(self, response: requests.Response) -> None:
        prepared = response.request
        path = prepared.path_url
        where = f"{prepared.method} {path.split('?')[0]} -> {response.status_code}"
        self.seen.append((prepared.method or "", path, response.status_code))
        try:
            body = response.json()
        except ValueError:
            self.failures.append(f"{where}: body is not JSON")
            return
        patched = self.apply_deviations(prepared, response.status_code, body)
        copy_req = prepared.copy()
        copy_req.url = (prepared.url or "").replace(self.base_url, SPEC_HOST)
        fake = _Response(response.status_code, patched, response.headers)
        try:
            self.api.validate_response(RequestsOpenAPIRequest(copy_req), fake)
        except ResponseNotFound:
            self.used_deviations.add("undocumented-status")
            errors = self.error_schema_errors(patched)
            if errors:
                self.failures.append(f"{where}: {errors[:3]}")
        except PathNotFound:
            self.used_deviations.add("greedy-path")
            schema = self.response_schema(prepared.method or "", path, response.status_code)
            errors = self.schema_errors(schema, patched) if schema else ["no operation"]
            if errors:
                self.failures.append(f"{where}: {errors[:3]}")
        except Exception as exc:
            schema = self.response_schema(prepared.method or "", path, response.status_code)
            if response.status_code >= 400 and schema and "oneOf" in schema:
                self.used_deviations.add("oneof-overlap")
                if any(not self.schema_errors(alt, patched) for alt in schema["oneOf"]):
                    return
            if response.status_code >= 400 and not self.error_schema_errors(patched):
                self.used_deviations.add("unlisted-error")
                return
            detail = getattr(exc, "__cause__", None) or exc
            self.failures.append(f"{where}: {type(exc).__name__}: {str(detail)[:500]}")

    def schema_errors(self, schema: dict[str, Any], body: Any) -> list[str]:
        full = {**schema, "components": self.spec["components"]}
        return [e.message for e in OAS30Validator(full).iter_errors(body)]

    def response_schema(self, method: str, path: str, status: int) -> dict[str, Any] | None:
        """The JSON schema of a response, found with greedy path parameters."""
        path = path.split("?", maxsplit=1)[0].removeprefix("/api/v1")
        for template, item in self.spec["paths"].items():
            pattern = re.sub(r"\\{[^}]+\\}$", ".+", re.escape(template))
            pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", pattern)
            if re.fullmatch(pattern, path) and method.lower() in item:
                responses = item[method.lower()]["responses"]
                resp = responses.get(str(status))
                if resp is None:
                    return None
                if "$ref" in resp:
                    resp = self.spec["components"]["responses"][resp["$ref"].rsplit("/", 1)[1]]
                schema: dict[str, Any] = resp["content"]["application/json"]["schema"]
                return schema
        return None

    def error_schema_errors(self, body: Any) -> list[str]:
        code = body.get("code") if isinstance(body, dict) else None
        if code in ("REQUEST_CONFUSING_VAR", "BAD_NARROW"):
            self.used_deviations.add("undocumented-codes")
            core = {k: body[k] for k in ("result", "msg", "code")}
            return self.component("CodedErrorBase", core)
        if code == "STREAM_DOES_NOT_EXIST":
            name = (
                "NonExistingStreamIdError"
                if "stream_id" in body
                else ("NonExistingStreamNameError")
            )
            return self.component(name, body)
        return self.component(ERROR_SCHEMAS.get(code or "", "CodedError"), body)

    def apply_deviations(self, prepared: Any, status: int, body: Any) -> Any:
        if not isinstance(body, dict):
            return body
        patched = copy.deepcopy(body)
        if status == 429:
            assert isinstance(body["retry-after"], float), body
            patched["retry-after"] = int(body["retry-after"])
            self.used_deviations.add("retry-after")
        url = prepared.url or ""
        if (
            prepared.method == "GET"
            and url.split("?")[0].endswith("/api/v1/users/me")
            and body.get("is_bot")
        ):
            assert "bot_type" in body
            assert "bot_owner_id" in body
            patched.pop("bot_type")
            patched.pop("bot_owner_id")
            self.used_deviations.add("bot-own-user")
        return patched


class _Response:
    """The minimal response protocol openapi-core needs."""

    def __init__(self, status: int, body: Any, headers: Any) -> None:
        self.status_code = status
        self.data = json.dumps(body).encode()
        self.content_type = "application/json"
        self.headers = headers
