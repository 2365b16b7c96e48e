"""Each admin action commits its writes in one transaction (issue 11): the bot runs on
SQLite and a SQLAlchemy listener groups the statements by the transaction that committed
them. Nothing of ours is replaced; the listener only watches the engine."""

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

_WRITE = re.compile(r'^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)', re.IGNORECASE)
# The tables of a standup's configuration; the planner's own jobs and horizon are not here.
CONFIGURATION = {"people", "participants", "audit_log"}


@dataclass
class Commits:
    """The tables each committed transaction wrote, in commit order."""

    committed: list[set[str]] = field(default_factory=list)
    _open: dict[int, set[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def statement(self, conn: Connection, statement: str) -> None:
        found = _WRITE.match(statement)
        if found is not None:
            with self._lock:
                self._open.setdefault(id(conn), set()).add(found.group(1).lower())

    def ended(self, conn: Connection, *, committed: bool) -> None:
        with self._lock:
            tables = self._open.pop(id(conn), set())
            if committed and tables:
                self.committed.append(tables)

    def since(self, mark: int) -> list[set[str]]:
        with self._lock:
            return self.committed[mark:]

    def touching_configuration(self, mark: int) -> list[set[str]]:
        return [tables for tables in self.since(mark) if tables & CONFIGURATION]


@pytest.fixture
def commits(sqlite_engine: Engine) -> Iterator[Commits]:
    seen = Commits()

    def on_statement(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.statement(conn, statement)

    def on_commit(conn: Connection) -> None:
        seen.ended(conn, committed=True)

    def on_rollback(conn: Connection) -> None:
        seen.ended(conn, committed=False)

    listeners = (
        ("before_cursor_execute", on_statement),
        ("commit", on_commit),
        ("rollback", on_rollback),
    )
    for name, listener in listeners:
        event.listen(sqlite_engine, name, listener)
    yield seen
    for name, listener in listeners:
        event.remove(sqlite_engine, name, listener)


@pytest.fixture
def sql_team(sqlite_engine: Engine) -> Team:
    """The service tier's team, on the SQL stores over SQLite instead of the twin."""
    return Team(utc(MONDAY, 8), storage=sql_stores("sqlite", sqlite_engine))


async def test_setup_commits_standup_people_participants_and_audit_at_once(
    sql_team: Team, commits: Commits
) -> None:
    """Lena's setup creates the standup, remembers the five people of #team, makes them
    participants and writes the audit row in one commit; the planner's jobs follow in
    their own. Re-running setup is again one commit of its configuration."""
    mark = len(commits.committed)
    reply = await sql_team.sets_up(sql_team.lena)
    assert "- **Participants** (5), next prompt:" in reply
    (setup,) = commits.touching_configuration(mark)
    assert setup >= {"standups", "people", "participants", "audit_log"}
    assert "jobs" in set().union(*commits.since(mark)) - setup  # planned apart from setup
    assert [t for t in commits.since(mark) if "standups" in t and "jobs" not in t] == [setup]

    mark = len(commits.committed)
    updated = await sql_team.asks(sql_team.lena, "setup prompt 09:00")
    assert "is updated" in updated, updated
    (again,) = commits.touching_configuration(mark)
    assert again >= {"standups", "people", "audit_log"}


async def test_participant_changes_commit_once(sql_team: Team, commits: Commits) -> None:
    """Adding and removing a participant: each is one commit of people, participants, the
    re-plan request on the standup row and the audit row."""
    await sql_team.sets_up(sql_team.lena)
    mark = len(commits.committed)
    reply = await sql_team.asks(sql_team.lena, "participants remove @**Ben Baker**")
    assert "Ben Baker" in reply, reply
    (removed,) = commits.touching_configuration(mark)
    assert removed >= {"standups", "participants", "audit_log"}

    mark = len(commits.committed)
    reply = await sql_team.asks(sql_team.lena, "participants add @**Ben Baker**")
    assert "Ben Baker" in reply, reply
    (added,) = commits.touching_configuration(mark)
    assert added >= {"standups", "people", "participants", "audit_log"}
