"""What one fan-out of prompts costs the database (issue 12): five people of a team-mode
standup are prompted at 09:30 by one worker tick on the SQL stores, and a SQLAlchemy listener
counts the statements (transaction control left out: SQLite's BEGIN is a statement, a
PostgreSQL driver's is not) and the transactions. The jobs run one after another so the
counts are exact (concurrent jobs race to create the run's row)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, event

from service.harness import MONDAY, Team, utc
from storage.store_set import sql_stores
from zulip_standup.services.scheduler import Worker

PEOPLE = 5


@dataclass
class Cost:
    statements: int = 0
    transactions: int = 0

    def statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.statements += 1

    def begin(self, _conn: Any) -> None:
        self.transactions += 1


@pytest.fixture
def cost(engine: Engine) -> Iterator[Cost]:
    counted = Cost()
    event.listen(engine, "before_cursor_execute", counted.statement)
    event.listen(engine, "begin", counted.begin)
    yield counted
    event.remove(engine, "before_cursor_execute", counted.statement)
    event.remove(engine, "begin", counted.begin)


async def test_one_prompt_costs_a_fixed_number_of_statements(engine: Engine, cost: Cost) -> None:
    """Load the run and conversation (created), the person, claim the prompt, close older
    runs, check for a held one, step, read the previous run for the text, record the message
    and finish the job: 13 statements in 12 transactions a prompt, plus the claim's 2
    statements in 1 transaction, and once per fan-out the new run's row and the standup
    (kept by the serving process's cache after the first prompt). (Issue 12 asks for
    at most 2 statements a prompt, amortised: that needs the batched fan-out pipeline.)"""
    team = Team(utc(MONDAY, 8), storage=sql_stores(engine.dialect.name, engine))
    await team.sets_up(team.lena)
    assert (await team.asks(team.lena, "config mode team")).startswith("Updated")
    await team.at(utc(MONDAY, 9, 29))
    worker = Worker(
        team.clock, team.storage.jobs, team.bot.handle_job, realm_id=team.realm_id, concurrency=1
    )
    team.clock.set(utc(MONDAY, 9, 30))
    cost.statements = cost.transactions = 0
    report = await worker.tick()
    assert (report.claimed, report.done) == (PEOPLE, PEOPLE)
    people = [team.lena, team.ann, team.ben, team.ravi, team.noa]
    assert all(len(team.dms(person)) == 1 for person in people)
    expected = (2 + 1 + 1 + 13 * PEOPLE, 1 + 1 + 1 + 12 * PEOPLE)
    assert (cost.statements, cost.transactions) == expected
