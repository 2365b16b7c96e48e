"""The AI summary of one standup day through any OpenAI-compatible ``/chat/completions`` endpoint.

Privacy and safety rules, all enforced here rather than trusted to callers:
only the run date's answers of one standup are sent; names (of the
participants and of everyone else the bot knows) are replaced by
``Person N`` placeholders and mapped back afterwards; the input is capped by
whole answers (and the prompt says so); the model's text is sanitised before
the bot's own silent mentions are put back. Only timeouts of the connection,
connection errors, 429 and 5xx are retried, a bounded number of times with
exponential backoff. Every failure raises an :class:`AISummaryError` subclass,
and :func:`summarize` turns any of them into the plain summary plus one
``ai_summary_failed`` log line that names the failure, never the answers or
the key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from zulip_standup.domain.reports import texts
from zulip_standup.domain.reports.report import PersonRef, Sanitizer, mention
from zulip_standup.domain.reports.summary import SummaryDay, SummaryResult, summarize_plainly
from zulip_standup.domain.standup import MentionPolicy
from zulip_standup.llm.pseudonyms import Pseudonyms, assign

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
_RETRYABLE_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError)
MAX_RETRY_AFTER_SECONDS = 10.0
# A model that writes "@**Person 1**" must not leave mention markup around the restored name.
_MARKED_PLACEHOLDER = re.compile(r"@_?\*\*\s*([Pp]erson\s+\d{1,6})\s*(?:\|\d*)?\*\*")


@dataclass(frozen=True)
class AIConfig:
    """Where and how to ask for a summary; ``api_key`` may be empty for a local server."""

    base_url: str
    model: str
    api_key: SecretStr | str | None = None
    timeout_seconds: float = 20.0
    max_retries: int = 2
    backoff_seconds: float = 0.5
    max_input_chars: int = 12_000
    max_output_tokens: int = 500
    max_output_chars: int = 4_000
    temperature: float = 0.2

    def __repr__(self) -> str:
        return f"AIConfig(base_url={self.base_url!r}, model={self.model!r}, api_key=***)"

    @property
    def endpoint(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"

    def headers(self) -> dict[str, str]:
        key = (
            self.api_key.get_secret_value() if isinstance(self.api_key, SecretStr) else self.api_key
        )
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers


class AISummaryError(Exception):
    """The AI summary could not be produced; ``kind`` is a stable name for logs and metrics."""

    kind = "error"


class AITimeoutError(AISummaryError):
    kind = "timeout"


class AIConnectionError(AISummaryError):
    kind = "connection"


class AIHTTPError(AISummaryError):
    kind = "http_status"

    def __init__(self, status: int) -> None:
        super().__init__(f"the AI endpoint answered HTTP {status}")
        self.status = status


class AIMalformedResponseError(AISummaryError):
    kind = "malformed"


class AIEmptyResponseError(AISummaryError):
    kind = "empty"


@dataclass(frozen=True)
class Prompt:
    """The chat messages to send, with the counts of what was included."""

    messages: tuple[dict[str, str], ...]
    included_answers: int
    omitted_answers: int


def build_prompt(day: SummaryDay, pseudonyms: Pseudonyms, max_input_chars: int) -> Prompt:
    """The request messages for today's answers, pseudonymised, cut by whole answers to fit."""
    todays = sorted(day.todays(), key=lambda a: (a.answered_at, a.participant.user_id))
    units: list[str] = []
    for answer_set in todays:
        person = pseudonyms.placeholder(answer_set.participant)
        for index, answer in enumerate(answer_set.answers):
            if not answer.strip():
                continue
            question = day.questions[index].text if index < len(day.questions) else ""
            units.append(
                texts.AI_PERSON_ANSWER.format(
                    person=person,
                    question=pseudonyms.hide(question),
                    answer=pseudonyms.hide(answer.strip()),
                )
            )
    answered = len({a.participant.user_id for a in todays})
    intro = texts.AI_USER_INTRO.format(
        date=day.run_date.isoformat(), answered=answered, expected=max(day.expected, answered)
    )
    budget = max_input_chars - len(intro) - len(texts.AI_TRUNCATED_NOTE) - 10
    kept: list[str] = []
    used = 0
    for unit in units:
        if used + len(unit) + 1 > budget:
            break
        kept.append(unit)
        used += len(unit) + 1
    omitted = len(units) - len(kept)
    note = texts.AI_TRUNCATED_NOTE.format(omitted=omitted) if omitted else ""
    user = intro + note + "\n" + "\n".join(kept)
    messages = (
        {"role": "system", "content": texts.AI_SYSTEM_PROMPT},
        {"role": "user", "content": user},
    )
    return Prompt(messages, len(kept), omitted)


def _content_of(payload: Any) -> str:
    try:
        content = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        msg = "the AI response has no choices[0].message.content"
        raise AIMalformedResponseError(msg) from exc
    if not isinstance(content, str):
        msg = "the AI response content is not text"
        raise AIMalformedResponseError(msg)
    if not content.strip():
        msg = "the AI response is empty"
        raise AIEmptyResponseError(msg)
    return content


def _retry_delay(config: AIConfig, attempt: int, response: httpx.Response | None) -> float:
    delay = config.backoff_seconds * (2.0**attempt)
    if response is not None and response.status_code == 429:
        with contextlib.suppress(ValueError):
            delay = max(delay, float(response.headers.get("retry-after", "0")))
    return min(delay, MAX_RETRY_AFTER_SECONDS)


async def complete(
    config: AIConfig,
    messages: tuple[dict[str, str], ...],
    *,
    client: httpx.AsyncClient | None = None,
    sleep: Sleep = asyncio.sleep,
) -> str:
    """The model's reply to ``messages``; raises an :class:`AISummaryError` on any failure."""
    body = {
        "model": config.model,
        "messages": list(messages),
        "temperature": config.temperature,
        "max_tokens": config.max_output_tokens,
    }
    owned = client is None
    http = client or httpx.AsyncClient(timeout=config.timeout_seconds)
    try:
        for attempt in range(config.max_retries + 1):
            last_try = attempt == config.max_retries
            response: httpx.Response | None = None
            try:
                response = await http.post(
                    config.endpoint,
                    json=body,
                    headers=config.headers(),
                    timeout=config.timeout_seconds,
                )
            except _RETRYABLE_ERRORS as exc:
                if last_try:
                    raise AIConnectionError(type(exc).__name__) from exc
            except httpx.TimeoutException as exc:
                raise AITimeoutError(type(exc).__name__) from exc
            except httpx.HTTPError as exc:
                raise AIConnectionError(type(exc).__name__) from exc
            else:
                status = response.status_code
                if status == 429 or status >= 500:
                    if last_try:
                        raise AIHTTPError(status)
                elif status >= 400:
                    raise AIHTTPError(status)
                else:
                    try:
                        payload = response.json()
                    except ValueError as exc:
                        msg = "the AI response is not JSON"
                        raise AIMalformedResponseError(msg) from exc
                    return _content_of(payload)
            await sleep(_retry_delay(config, attempt, response))
    finally:
        if owned:
            await http.aclose()
    msg = "no attempt was made"  # only reachable with a negative max_retries
    raise AIConnectionError(msg)


async def ai_summary(
    day: SummaryDay,
    config: AIConfig,
    *,
    sanitize: Sanitizer,
    policy: MentionPolicy = MentionPolicy.SILENT,
    client: httpx.AsyncClient | None = None,
    sleep: Sleep = asyncio.sleep,
) -> str:
    """The AI summary text, sanitised with names restored; raises :class:`AISummaryError`."""
    pseudonyms = assign(day.participants(), day.known_people)
    prompt = build_prompt(day, pseudonyms, config.max_input_chars)
    if prompt.included_answers == 0:
        msg = "no answers to summarise"
        raise AIEmptyResponseError(msg)
    reply = await complete(config, prompt.messages, client=client, sleep=sleep)
    text = sanitize(_MARKED_PLACEHOLDER.sub(r"\1", reply.strip()))
    if len(text) > config.max_output_chars:
        text = text[: config.max_output_chars].rsplit("\n", 1)[0] + "\n…"

    def render(person: PersonRef) -> str:
        return mention(person, policy)

    return pseudonyms.restore(text, render)


async def summarize(
    day: SummaryDay,
    config: AIConfig | None,
    *,
    sanitize: Sanitizer,
    policy: MentionPolicy = MentionPolicy.SILENT,
    client: httpx.AsyncClient | None = None,
    sleep: Sleep = asyncio.sleep,
) -> SummaryResult:
    """The day's summary: the AI one when configured and working, else the plain one.

    AI problems never raise: the digest must be posted whatever the AI service does.
    """
    plain = sanitize(summarize_plainly(day))
    if config is None:
        return SummaryResult(plain, "plain")
    if not any(a.strip() for answer_set in day.todays() for a in answer_set.answers):
        # Nobody answered: nothing to send, and nothing went wrong worth a warning.
        logger.info("ai_summary_skipped", extra={"run_date": day.run_date.isoformat()})
        return SummaryResult(plain, "plain", AIEmptyResponseError.kind)
    try:
        text = await ai_summary(
            day, config, sanitize=sanitize, policy=policy, client=client, sleep=sleep
        )
    except AISummaryError as exc:
        kind, status = exc.kind, getattr(exc, "status", None)
    except Exception as exc:  # a bug here must not cost the team its digest
        kind, status = f"unexpected:{type(exc).__name__}", None
    else:
        logger.info("ai_summary_created", extra={"run_date": day.run_date.isoformat()})
        return SummaryResult(text, "ai")
    # Only the failure's kind: exception messages could quote the model's or people's text.
    logger.warning(
        "ai_summary_failed",
        extra={"error_kind": kind, "status": status, "run_date": day.run_date.isoformat()},
    )
    return SummaryResult(plain, "plain", kind)


class AISummariser:
    """The ``Summariser`` port: ``summarize`` with the operator's AI settings (None: the
    plain summary only)."""

    def __init__(self, config: AIConfig | None) -> None:
        self.config = config

    async def summarise(
        self,
        day: SummaryDay,
        *,
        use_ai: bool,
        sanitize: Sanitizer,
        policy: MentionPolicy,
    ) -> SummaryResult:
        config = self.config if use_ai else None
        return await summarize(day, config, sanitize=sanitize, policy=policy)
