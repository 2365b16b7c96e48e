"""The answer budget (issue 12): the SQL one answer costs, counted, on SQLite and PostgreSQL.

The service tier's team runs on the SQL stores; a SQLAlchemy listener on the engine groups
the statements by the transaction that ran them (SQLite's own ``BEGIN IMMEDIATE`` is not a
statement of ours and is left out). Counts are deterministic, so they are asserted exactly;
time never is. Nothing of ours is replaced: the listener only watches the engine.

A message's receipt in the inbox is its own one-statement transaction per event batch (it
must be stored before any of the batch is handled, so a crash loses none of it); the answer
step is then one transaction of four statements: the open conversations read, the inbox
mark, the answer upsert and the conversation's new state.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection

from service.harness import MONDAY, Team, utc
from storage.store_set import sql_stores

_KIND = re.compile(r"^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM)\s", re.IGNORECASE)
_TABLE = re.compile(r'^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)', re.IGNORECASE)
_FROM = re.compile(r'\bFROM\s+"?(\w+)', re.IGNORECASE)

RECEIPT = ["INSERT inbox"]
ANSWER_STEP = ["SELECT conversations", "INSERT inbox", "INSERT answers", "UPDATE conversations"]


def _named(statement: str) -> str:
    """A statement as its verb and first table: ``SELECT conversations``, ``INSERT inbox``."""
    kind = _KIND.match(statement)
    assert kind is not None, statement
    verb = kind.group(1).split()[0].upper()
    table = (_FROM if verb == "SELECT" else _TABLE).search(statement)
    assert table is not None, statement
    return f"{verb} {table.group(1).lower()}"


@dataclass
class Transactions:
    """The statements of each transaction the engine ran, in the order they began."""

    seen: list[list[str]] = field(default_factory=list)
    _open: dict[int, list[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def began(self, conn: Connection) -> None:
        with self._lock:
            self._open[id(conn)] = statements = []
            self.seen.append(statements)

    def statement(self, conn: Connection, statement: str) -> None:
        if statement.strip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            return  # SQLite's BEGIN IMMEDIATE, issued when a transaction begins
        with self._lock:
            self._open[id(conn)].append(_named(statement))

    def since(self, mark: int) -> list[list[str]]:
        with self._lock:
            return [list(t) for t in self.seen[mark:]]


@pytest.fixture
def transactions(engine: Engine) -> Iterator[Transactions]:
    seen = Transactions()

    def on_begin(conn: Connection) -> None:
        seen.began(conn)

    def on_statement(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.statement(conn, statement)

    # Registered first, so each transaction is opened before SQLite's BEGIN IMMEDIATE runs.
    event.listen(engine, "begin", on_begin, insert=True)
    event.listen(engine, "before_cursor_execute", on_statement)
    yield seen
    event.remove(engine, "begin", on_begin)
    event.remove(engine, "before_cursor_execute", on_statement)


@pytest.fixture
async def prompted(engine: Engine) -> Team:
    """Lena's standup of #team on the SQL stores; Ann (Berlin) is prompted at 09:30 her
    time and has the first of three questions open."""
    team = Team(utc(MONDAY, 8), storage=sql_stores(engine.dialect.name, engine))
    await team.sets_up(team.lena)
    await team.at(utc(MONDAY, 9, 30))
    assert team.dms(team.ann)[-1].startswith("Hi! Time for **standup**")
    return team


async def test_an_answer_is_one_transaction_of_four_statements(
    prompted: Team, transactions: Transactions
) -> None:
    """Ann answers questions 1 and 2: each costs the receipt (one statement) and one step
    transaction of four statements, and the next question goes out."""
    team = prompted
    for number, text in ((1, "Reviewed the payments PR"), (2, "Ship the 2.4 release")):
        mark = len(transactions.seen)
        replies = await team.says(team.ann, text)
        assert replies[-1].startswith(f"**Question {number + 1} of 3:**"), replies
        assert transactions.since(mark) == [RECEIPT, ANSWER_STEP], number


async def test_a_batch_is_received_in_one_statement(
    prompted: Team, transactions: Transactions
) -> None:
    """Ann and Ben answer in the same poll: both are received in one statement, then each
    answer is its own step transaction."""
    team = prompted
    await team.at(utc(MONDAY, 10, 30))  # Ben (London) is prompted at 09:30 his time
    team.chat.now = int(team.clock.now().timestamp())
    ann = team.chat.person_sends(team.ann.user_id, "Reviewed the payments PR")
    ben = team.chat.person_sends(team.ben.user_id, "Fixed the flaky test")
    mark = len(transactions.seen)
    await team.bot.intake.received([ann, ben])
    await team.bot.handle_event(ann)
    await team.bot.handle_event(ben)
    assert transactions.since(mark) == [RECEIPT, ANSWER_STEP, ANSWER_STEP]
    for person in (team.ann, team.ben):
        assert team.dms(person)[-1].startswith("**Question 2 of 3:**"), team.dms(person)


async def test_the_last_answer_with_recap_and_report(
    prompted: Team, transactions: Transactions
) -> None:
    """Ann's third answer finishes her standup: the step, then the recap's answers, the
    report posted in #team and recorded, and the look for another standup waiting."""
    team = prompted
    await team.says(team.ann, "Reviewed the payments PR")
    await team.says(team.ann, "Ship the 2.4 release")
    mark = len(transactions.seen)
    replies = await team.says(team.ann, "none")
    assert any(r.startswith("Thanks! Your **standup** answers for") for r in replies), replies
    assert team.channel(team.team_channel)[-1].content.startswith("@_**Ann Archer|11**")
    assert transactions.since(mark) == [
        RECEIPT,
        ANSWER_STEP,
        ["SELECT answers"],  # the recap
        ["SELECT runs"],  # the report: its run, conversation and answers
        ["SELECT conversations"],
        ["SELECT answers"],
        ["UPDATE conversations"],  # the report's message recorded
        ["SELECT conversations"],  # any standup still open or held for her
        ["SELECT conversations"],
    ]
