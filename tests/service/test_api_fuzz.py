"""The REST API fuzzed with schemathesis against the document it serves: for every endpoint
and every request the fuzzer makes of it, valid or not, no 5xx and nothing outside the
document (status, content type, headers, body); without a valid token, always a 401.

The cases are generated at collection time from ``document(ENDPOINTS, PREFIX)``, one test
per operation, and a test pins that this is the document the server serves. (Loading the
served one through ``schemathesis.pytest.from_fixture`` would need the server before
collection; and its lazy runner sets ``Node._nodeid``, which pytest 9.2 no longer has.)

Schemathesis drives its cases synchronously over ``requests``, and the API is asyncio, so
the server lives on an event loop of its own in a background thread (``ServedApi``): the
twin's team, the answered realm and the dashboard site, all made and closed on that loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from contextlib import AsyncExitStack
from typing import Any, TypeVar

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.dashboard_realm import MAX, answered_realm
from service.dashboard_site import Site, dashboard_site
from service.harness import MONDAY, Team, utc
from zulip_standup.web.api import ENDPOINTS, PREFIX
from zulip_standup.web.openapi import document

T = TypeVar("T")
# The fake clock stands still, so the per-person budget never refills: room for every case.
BURST = 100_000
CONFORMS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FUZZED = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


class ServedApi:
    """The answered realm's dashboard and API on a loopback port, served by a loop that
    runs in its own thread for as long as the module's tests need it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="served-api", daemon=True)
        self.stack = AsyncExitStack()
        self.url = ""
        self.token = ""

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """``work`` done on the server's loop, waited for from this thread."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=60)

    def start(self) -> None:
        self.thread.start()
        self.run(self._open())

    async def _open(self) -> None:
        team = Team(utc(MONDAY, 8))
        await answered_realm(team)
        site: Site = await self.stack.enter_async_context(dashboard_site(team, api_burst=BURST))
        self.url = str(site.server.make_url("/api/v1"))
        # Max manages both standups, the private one too: every read has data to show.
        self.token = await site.token_for(MAX)

    def stop(self) -> None:
        if self.thread.is_alive():
            self.run(self.stack.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture(scope="module")
def served() -> Iterator[ServedApi]:
    api = ServedApi()
    try:
        api.start()
        yield api
    finally:
        api.stop()


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


# A fixed seed, and no cache written beside the tests. The tests send the token themselves,
# so the fuzzer makes up no Authorization header; and it adds no query parameter the document
# does not name, which the API ignores, as most do (OpenAPI leaves that open).
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 13,
        "cache": {"enabled": False},
        "generation": {
            "deterministic": True,
            "with-security-parameters": False,
            "allow-extra-parameters": False,
        },
    }
)
schema = schemathesis.openapi.from_dict(document(ENDPOINTS, PREFIX), config=CONFIG)


def test_the_fuzzed_document_is_the_served_one(served: ServedApi, http: requests.Session) -> None:
    """The document the fuzzer generates from is the one /api/v1/openapi.json serves."""
    response = http.get(f"{served.url}/openapi.json", timeout=10)
    assert response.status_code == 200
    assert response.json() == document(ENDPOINTS, PREFIX)


@schema.parametrize()
@FUZZED
def test_every_answer_to_a_valid_token_is_in_the_document(
    case: schemathesis.Case, served: ServedApi, http: requests.Session
) -> None:
    """Whatever the fuzzer asks with Max's token, well formed or not, the answer is one the
    document lists: no 5xx, a documented status and content type, a body of its schema;
    and a request outside the document's parameters is refused with a 4xx."""
    headers = {"Authorization": f"Bearer {served.token}"}
    response = case.call(base_url=served.url, session=http, headers=headers)
    assert response.status_code != 429, "the limiter held the fuzzer back"
    case.validate_response(response, checks=[*CONFORMS, negative_data_rejection])


@schema.parametrize()
@settings(FUZZED, max_examples=15)
def test_without_a_valid_token_every_request_is_a_401(
    case: schemathesis.Case, served: ServedApi, http: requests.Session
) -> None:
    """No token, a forged token, a token under another scheme: 401 with the documented error,
    whatever the rest of the request holds."""
    if case.method != case.operation.method.upper():
        return  # a method the document has not (aiohttp's own 405 page), not an API request
    for authorization in (None, "Bearer sut_forged", f"Basic {served.token}"):
        headers = {} if authorization is None else {"Authorization": authorization}
        response = case.call(base_url=served.url, session=http, headers=headers)
        assert response.status_code == 401, (authorization, response.text)
        case.validate_response(response, checks=CONFORMS)
