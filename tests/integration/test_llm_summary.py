"""The AI summary against a local OpenAI-compatible server: privacy, safety, retries, fallback."""

from __future__ import annotations

import datetime as dt
import logging
import re
import socket

import pytest
from pydantic import SecretStr

from integration.fake_openai import FakeOpenAI, Reply
from zulip_standup.domain.reports.report import AnswerSet, PersonRef, sanitizer_for
from zulip_standup.domain.reports.summary import SummaryDay, summarize_plainly
from zulip_standup.domain.standup import DEFAULT_QUESTIONS, MentionPolicy
from zulip_standup.llm.openai_compat import AIConfig, SummaryResult, build_prompt, summarize
from zulip_standup.llm.pseudonyms import assign

SILENT = sanitizer_for(MentionPolicy.SILENT)
KEY = "sk-test-key-0123456789"
DAY = dt.date(2026, 11, 30)
AT = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
ALICE = PersonRef(11, "Alice Smith")
BOB = PersonRef(12, "Bob Builder")
CHANDRA = PersonRef(5, "Chandra Rao")
NAMES = ("Alice", "Smith", "Bob", "Builder", "Chandra", "Rao", "Dmitri", "Outsider", "backend")
NOTIFYING = re.compile(r"@\*\*|@\*(?!\*)")
WILDCARD = re.compile(r"@_?\*\*(all|everyone|channel|stream|topic)\*\*", re.IGNORECASE)

TODAY_SETS = (
    AnswerSet(
        ALICE,
        DAY,
        (
            "Fixed the login bug with Bob",
            "Pairing with @**Bob Builder|12** on billing",
            "Waiting for VPN access",
        ),
        AT,
    ),
    AnswerSet(BOB, DAY, ("Reviewed Alice's PR", "Billing migration", "none"), AT),
    AnswerSet(
        CHANDRA,
        DAY,
        ("Wrote docs; asked @**Dmitri Outsider|77** and @*backend*", "More docs", "no"),
        AT,
    ),
)
YESTERDAY = AnswerSet(ALICE, DAY - dt.timedelta(days=1), ("YESTERDAY-ONLY roadmap", "x", "y"), AT)
THE_DAY = SummaryDay("Team", DAY, DEFAULT_QUESTIONS, (*TODAY_SETS, YESTERDAY), 4, 1)
PLAIN = SILENT(summarize_plainly(THE_DAY))


class Sleeps:
    """Records backoff delays instead of sleeping, so retry tests take no time."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def config(base_url: str, **changes: object) -> AIConfig:
    values: dict[str, object] = {
        "base_url": base_url,
        "model": "fake-model",
        "api_key": SecretStr(KEY),
        "timeout_seconds": 1.0,
        "max_retries": 2,
        "backoff_seconds": 0.01,
    }
    values.update(changes)
    return AIConfig(**values)  # type: ignore[arg-type]


async def test_request_carries_no_real_names_and_only_todays_answers() -> None:
    """Names and mentions are placeholders, yesterday is absent, placeholders map back in order."""
    reply = (
        "- Person 2 fixed the login bug.\n"
        "- Person 3 works on billing; @**Person 2** helps.\n"
        "- Person 1 wrote docs."
    )
    async with FakeOpenAI([Reply(reply)]) as server:
        result = await summarize(THE_DAY, config(server.base_url), sanitize=SILENT)
    [request] = server.requests
    for name in NAMES:
        assert name not in request.text
    assert "YESTERDAY-ONLY" not in request.text
    user = request.body["messages"][1]["content"]
    assert (
        "Person 2 — What did you do since the last standup?\nFixed the login bug with Person 3"
        in (user)
    )
    assert "Pairing with Person 3 on billing" in user
    assert "asked someone and a group" in user
    assert request.body["model"] == "fake-model"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert result.source == "ai"
    assert result.text == (
        "- @_**Alice Smith|11** fixed the login bug.\n"
        "- @_**Bob Builder|12** works on billing; @_**Alice Smith|11** helps.\n"
        "- @_**Chandra Rao|5** wrote docs."
    )


async def test_timeout_falls_back_to_the_plain_summary() -> None:
    """A server slower than the timeout gives the plain summary; timeouts are not retried."""
    sleeps = Sleeps()
    async with FakeOpenAI(default=Reply(delay=5.0)) as server:
        result = await summarize(
            THE_DAY, config(server.base_url, timeout_seconds=0.2), sanitize=SILENT, sleep=sleeps
        )
    assert (result.source, result.error, result.text) == ("plain", "timeout", PLAIN)
    assert len(server.requests) == 1
    assert sleeps.delays == []


async def test_server_error_is_retried_then_falls_back() -> None:
    """HTTP 500 is retried max_retries times with growing backoff, then the plain one is used."""
    sleeps = Sleeps()
    async with FakeOpenAI(default=Reply(status=500)) as server:
        result = await summarize(THE_DAY, config(server.base_url), sanitize=SILENT, sleep=sleeps)
    assert (result.source, result.error, result.text) == ("plain", "http_status", PLAIN)
    assert len(server.requests) == 3
    assert sleeps.delays == [0.01, 0.02]


async def test_transient_errors_then_success() -> None:
    """A 500 and a 429 (honouring Retry-After) are retried; the third answer is used."""
    sleeps = Sleeps()
    script = [
        Reply(status=500),
        Reply(status=429, headers={"Retry-After": "0.05"}),
        Reply("- Person 1 wrote docs."),
    ]
    async with FakeOpenAI(script) as server:
        result = await summarize(THE_DAY, config(server.base_url), sanitize=SILENT, sleep=sleeps)
    assert (result.source, result.text) == ("ai", "- @_**Chandra Rao|5** wrote docs.")
    assert sleeps.delays == [0.01, 0.05]


async def test_client_error_is_not_retried() -> None:
    """A 401 (bad key) is not transient: one request, then the plain summary."""
    async with FakeOpenAI(default=Reply(status=401)) as server:
        result = await summarize(THE_DAY, config(server.base_url), sanitize=SILENT)
    assert (result.source, result.error) == ("plain", "http_status")
    assert len(server.requests) == 1


async def test_wildcard_in_the_ai_output_is_neutralised() -> None:
    """The model's text is sanitised: wildcards and groups notify nobody, people only silently."""
    reply = (
        "Great work @**all**! @**everyone** @*backend* ask @**Alice Smith|11**. Person 3 blocked."
    )
    async with FakeOpenAI([Reply(reply)]) as server:
        result = await summarize(THE_DAY, config(server.base_url), sanitize=SILENT)
    assert result.source == "ai"
    assert not NOTIFYING.search(result.text)
    assert not WILDCARD.search(result.text)
    assert "ask @_**Alice Smith|11**." in result.text
    assert "@_**Bob Builder|12** blocked." in result.text


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(raw="this is not JSON"), "malformed"),
        (Reply(raw='{"choices": []}'), "malformed"),
        (Reply(raw='{"choices": [{"message": {"content": 42}}]}'), "malformed"),
        (Reply("   \n "), "empty"),
        (Reply(None), "malformed"),
    ],
)
async def test_malformed_or_empty_responses_fall_back(reply: Reply, kind: str) -> None:
    """Anything but a non-empty text completion gives the plain summary with the failure kind."""
    async with FakeOpenAI([reply]) as server:
        result = await summarize(THE_DAY, config(server.base_url), sanitize=SILENT)
    assert (result.source, result.error, result.text) == ("plain", kind, PLAIN)


async def test_connection_refused_is_retried_then_falls_back() -> None:
    """Nobody listening: the bounded retries run, then the plain summary."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    result = await summarize(
        THE_DAY, config(f"http://127.0.0.1:{port}/v1"), sanitize=SILENT, sleep=sleeps
    )
    assert (result.source, result.error) == ("plain", "connection")
    assert sleeps.delays == [0.01, 0.02]


async def test_no_config_or_no_answers_means_plain_without_a_request() -> None:
    """AI off, or nothing answered today: the plain summary, and nothing is sent."""
    assert await summarize(THE_DAY, None, sanitize=SILENT) == SummaryResult(PLAIN, "plain")
    only_yesterday = SummaryDay("Team", DAY, DEFAULT_QUESTIONS, (YESTERDAY,), 3, 0)
    async with FakeOpenAI() as server:
        result = await summarize(only_yesterday, config(server.base_url), sanitize=SILENT)
    assert (result.source, result.error) == ("plain", "empty")
    assert server.requests == []


async def test_failure_log_names_the_failure_but_no_answer_or_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One ``ai_summary_failed`` record with the error kind; no answer text, no API key."""
    caplog.set_level(logging.DEBUG, logger="zulip_standup.llm")
    async with FakeOpenAI(default=Reply(status=503)) as server:
        await summarize(
            THE_DAY, config(server.base_url, max_retries=0), sanitize=SILENT, sleep=Sleeps()
        )
    [record] = [r for r in caplog.records if r.getMessage() == "ai_summary_failed"]
    assert record.__dict__["error_kind"] == "http_status"
    assert record.__dict__["status"] == 503
    everything = " ".join(str(vars(r)) for r in caplog.records)
    assert KEY not in everything
    for answer_set in TODAY_SETS:
        for answer in answer_set.answers:
            if len(answer) > 4:
                assert answer not in everything


def test_input_is_cut_by_whole_answers_and_the_prompt_says_so() -> None:
    """Over the input cap, whole answers are left out and the prompt tells the model."""
    pseudonyms = assign(THE_DAY.participants())
    full = build_prompt(THE_DAY, pseudonyms, 100_000)
    cut = build_prompt(THE_DAY, pseudonyms, 420)
    assert full.omitted_answers == 0
    assert cut.omitted_answers > 0
    assert cut.included_answers + cut.omitted_answers == full.included_answers
    user = cut.messages[1]["content"]
    assert len(user) <= 420
    assert f"{cut.omitted_answers} answer(s) were left out" in user
    full_units = full.messages[1]["content"].split("\n\n")
    kept = [unit for unit in full_units if unit.startswith("Person") and unit in user]
    assert len(kept) == cut.included_answers


def test_config_repr_hides_the_key() -> None:
    """The key never shows in a repr (and so not in a log line that prints the config)."""
    assert KEY not in repr(config("http://127.0.0.1:1/v1"))
    assert KEY not in repr(config("http://127.0.0.1:1/v1", api_key=KEY))
