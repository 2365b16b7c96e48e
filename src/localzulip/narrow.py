"""Narrow filters (GET /messages and register): parsing, validation and matching."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from localzulip.errors import ApiError
from localzulip.models import Message, Stream, User
from localzulip.realm import Realm

Predicate = Callable[[Message, set[str]], bool]


@dataclass(frozen=True)
class Term:
    """One narrow term."""

    operator: str
    operand: Any
    negated: bool = False


def bad_narrow(desc: str) -> ApiError:
    return ApiError(f"Invalid narrow operator: {desc}", code="BAD_NARROW", desc=desc)


def parse_terms(raw: Any) -> list[Term]:
    """Accept both ``[{"operator":..,"operand":..}]`` and legacy ``[["op","operand"]]``."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ApiError('Argument "narrow" is not a list')
    terms = []
    for item in raw:
        if isinstance(item, dict):
            if "operator" not in item or "operand" not in item:
                raise ApiError("element is missing operator or operand")
            terms.append(
                Term(str(item["operator"]), item["operand"], bool(item.get("negated", False)))
            )
        elif isinstance(item, list) and len(item) == 2:
            terms.append(Term(str(item[0]), item[1]))
        else:
            raise ApiError('Argument "narrow" has an element of the wrong type')
    return terms


class Narrow:
    """A validated narrow for one user, usable as a predicate over messages."""

    def __init__(self, realm: Realm, user: User, terms: list[Term]) -> None:
        self.realm = realm
        self.user = user
        self.terms = terms
        self.stream: Stream | None = None
        self._preds: list[tuple[Predicate, bool]] = [(self._compile(t), t.negated) for t in terms]

    def matches(self, message: Message, flags: set[str]) -> bool:
        return all(pred(message, flags) != negated for pred, negated in self._preds)

    # ----- compilation -----
    def _users(self, operand: Any) -> set[int]:
        ids: set[int] = set()
        items: list[Any]
        if isinstance(operand, str):
            items = [p.strip() for p in operand.split(",") if p.strip()]
        elif isinstance(operand, list):
            items = operand
        else:
            items = [operand]
        for item in items:
            user = (
                self.realm.user(item)
                if isinstance(item, int) and not isinstance(item, bool)
                else self.realm.user_by_email(str(item))
            )
            if user is None:
                raise bad_narrow(f"unknown user in {_fmt(operand)}")
            ids.add(user.user_id)
        return ids

    def _compile(self, term: Term) -> Predicate:
        op = term.operator.lower()
        operand = term.operand
        if op in ("stream", "channel"):
            stream = (
                self.realm.streams.get(operand)
                if isinstance(operand, int)
                else self.realm.stream_by_name(str(operand))
            )
            if stream is None:
                raise bad_narrow(f"unknown channel {operand}")
            if not term.negated:
                self.stream = stream
            sid = stream.stream_id
            return lambda m, f: m.type == "stream" and m.stream_id == sid
        if op in ("topic", "subject"):
            topic = str(operand).lower()
            return lambda m, f: m.type == "stream" and m.topic.lower() == topic
        if op == "sender":
            if isinstance(operand, str) and operand == "me":
                uid = self.user.user_id
            else:
                uid = next(iter(self._users(operand if isinstance(operand, int) else [operand])))
            return lambda m, f: m.sender_id == uid
        if op in ("dm", "pm-with"):
            wanted = self._users(operand) | {self.user.user_id}
            return lambda m, f: m.type == "private" and set(m.dm_user_ids) == wanted
        if op in ("dm-including", "group-pm-with"):
            needed = self._users(operand)
            return lambda m, f: m.type == "private" and needed <= set(m.dm_user_ids)
        if op == "is":
            return self._is(str(operand))
        if op == "id":
            try:
                wanted_id = int(operand)
            except (TypeError, ValueError):
                raise bad_narrow(f"invalid message id {operand}") from None
            return lambda m, f: m.id == wanted_id
        if op == "search":
            needle = str(operand).lower()
            return lambda m, f: needle in m.content.lower() or needle in m.topic.lower()
        if op == "streams" and operand == "public":
            return lambda m, f: m.type == "stream" and not self._private(m)
        raise bad_narrow(f"unknown operator {term.operator}")

    def _private(self, message: Message) -> bool:
        stream = self.realm.streams.get(message.stream_id or -1)
        return stream is None or stream.invite_only

    def _is(self, operand: str) -> Predicate:
        if operand in ("dm", "private"):
            return lambda m, f: m.type == "private"
        if operand == "mentioned":
            return lambda m, f: bool(
                f & {"mentioned", "wildcard_mentioned", "stream_wildcard_mentioned"}
            )
        if operand == "unread":
            return lambda m, f: "read" not in f
        if operand in ("starred", "alerted"):
            flag = "starred" if operand == "starred" else "has_alert_word"
            return lambda m, f: flag in f
        if operand == "resolved":
            return lambda m, f: m.topic.startswith("✔ ")
        raise bad_narrow(f"unknown 'is' operand {operand}")


def _fmt(operand: Any) -> str:
    if isinstance(operand, list):
        return "[" + ", ".join(str(x) for x in operand) + "]"
    return str(operand)
