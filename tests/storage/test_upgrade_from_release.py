"""A database of the previous release upgrades to head with every row intact.

The previous release is 0.1.0's schema (revision 0006); 0007 (web access) and 0008
(webhooks) came after it. The database is migrated to 0006 only and filled with SQL inserts
against the tables as they are at 0006 (reflected from the database, so no column of a
later revision can slip in), one or more rows in every table; then it is upgraded to head.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, MetaData, insert, select

from zulip_standup.domain.conversation.state import Phase
from zulip_standup.domain.scheduling.jobs import JobStatus
from zulip_standup.storage import migrate
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.inbox import InboxState, InboxStore
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.leases import LeaseStore
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.standups import StandupStore

RELEASE = "0006"  # 0.1.0's schema
TABLES_AT_RELEASE = {
    "alembic_version",
    "answers",
    "audit_log",
    "blockers",
    "conversations",
    "inbox",
    "jobs",
    "participants",
    "people",
    "realms",
    "runs",
    "standups",
    "time_off",
}
KEY = Fernet.generate_key().decode()
T0 = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 1)
CAROL, DAVE = 101, 102


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def release_db(database_url: str) -> Iterator[tuple[Engine, MetaData]]:
    """An empty database migrated to 0006 only, with its tables reflected as they are there."""
    engine = make_engine(database_url)
    migrate.upgrade(engine, RELEASE)
    assert migrate.current_revision(engine) == RELEASE
    schema = MetaData()
    schema.reflect(engine)
    try:
        yield engine, schema
    finally:
        engine.dispose()


class Filler:
    """Inserts rows into the 0006 tables and remembers what it inserted, by table."""

    def __init__(self, engine: Engine, schema: MetaData) -> None:
        self.engine, self.schema = engine, schema
        self.inserted: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, **values: Any) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(insert(self.schema.tables[table]).values(**values))
        key = result.inserted_primary_key
        self.inserted.setdefault(table, []).append(values)
        return int(key[0]) if key and key[0] is not None else 0


def fill(filler: Filler) -> dict[str, int]:
    """One realm with a standup of two people on one day, as 0.1.0 stored it."""
    add = filler.add
    cipher = AnswerCipher([KEY])
    sealed, encrypted = cipher.seal("Waiting on QA for the iOS build")
    assert encrypted
    realm = add(
        "realms",
        site="https://chat.example.org",
        bot_email="standup-bot@example.org",
        bot_user_id=9,
        last_message_id=500,
        lease_owner="host-a:4242",
        lease_expires_at=at(1),
        lease_epoch=3,
        created_at=at(-600),
    )
    standup = add(
        "standups",
        realm_id=realm,
        stream_id=7,
        stream_name="standup",
        name="standup",
        team_timezone="Asia/Kolkata",
        prompt_time="09:30",
        reminder_times=["11:00"],
        cutoff_time="12:45",
        weekdays=[0, 1, 2, 3, 4],
        frequency="weekly",
        interval_weeks=1,
        anchor_date=None,
        monthly_ordinal=None,
        holiday_country="IN",
        skip_dates=["2026-12-25"],
        delivery_mode="local",
        honour_away=True,
        questions=[
            {"text": "What did you do yesterday?", "blocker": False},
            {"text": "What will you do today?", "blocker": False},
            {"text": "Anything blocking you?", "blocker": True},
        ],
        topic_template="{name} {date}",
        report_style="living",
        mention_policy="silent",
        ai_summary=False,
        weekly_rollup=True,
        auto_sync=True,
        use_scheduled_messages=False,
        paused=False,
        paused_until=None,
        creator_user_id=CAROL,
        managers=[CAROL],
        schedule_version=2,
        created_at=at(-600),
        updated_at=at(-300),
        planned_until=at(60 * 24 * 7),
    )
    for user, name, override in ((CAROL, "Carol Member", "Asia/Kolkata"), (DAVE, "Dave", None)):
        add(
            "people",
            realm_id=realm,
            user_id=user,
            display_name=name,
            profile_timezone="Asia/Kolkata",
            timezone_override=override,
            holiday_region=None,
            zulip_away=False,
            updated_at=at(-60),
        )
        add(
            "participants",
            standup_id=standup,
            user_id=user,
            display_name=name,
            active=True,
            added_at=at(-600),
        )
    add(
        "time_off",
        realm_id=realm,
        user_id=DAVE,
        start_date=dt.date(2026, 12, 24),
        end_date=dt.date(2026, 12, 31),
        created_at=at(-30),
    )
    run = add(
        "runs",
        standup_id=standup,
        run_date=DAY,
        topic="standup 2026-12-01",
        digest_message_ids=[],
        digest_posted_at=None,
        created_at=at(0),
    )
    add(
        "conversations",
        run_id=run,
        user_id=CAROL,
        state="done",
        question_index=3,
        data={},
        prompted_at=at(0),
        prompt_message_id=401,
        completed_at=at(5),
        late=False,
        report_message_ids=[420],
        report_posted_at=at(5),
        updated_at=at(5),
    )
    add(
        "conversations",
        run_id=run,
        user_id=DAVE,
        state="asking",
        question_index=1,
        data={},
        prompted_at=at(0),
        prompt_message_id=402,
        completed_at=None,
        late=False,
        report_message_ids=[],
        report_posted_at=None,
        updated_at=at(3),
    )
    answers = [
        (CAROL, 0, "What did you do yesterday?", "Reviewed the *payments* PR", False, 410),
        (CAROL, 1, "What will you do today?", "Ship the 2.4.1 release", False, 411),
        (CAROL, 2, "Anything blocking you?", sealed, True, 412),
        (DAVE, 0, "What did you do yesterday?", "Fixed the flaky test", False, 413),
    ]
    for user, index, question, stored, is_sealed, message in answers:
        add(
            "answers",
            run_id=run,
            user_id=user,
            question_index=index,
            question_text=question,
            text=stored,
            encrypted=is_sealed,
            source_message_id=message,
            created_at=at(index + 1),
            edited=index == 1,
            edited_at=at(10) if index == 1 else None,
        )
    add(
        "blockers",
        standup_id=standup,
        user_id=CAROL,
        run_date=DAY,
        text=sealed,
        encrypted=True,
        resolved_at=None,
        created_at=at(3),
    )
    for kind, due, status in (("prompt", at(0), "done"), ("digest", at(525), "pending")):
        add(
            "jobs",
            key=f"{kind}:{standup}:{DAY}:{CAROL if kind == 'prompt' else ''}",
            standup_id=standup,
            kind=kind,
            run_date=DAY,
            user_id=CAROL if kind == "prompt" else None,
            due_at=due,
            deadline_at=due + dt.timedelta(hours=2),
            status=status,
            attempts=1 if status == "done" else 0,
            claimed_by="host-a:4242#3" if status == "done" else None,
            claimed_at=at(0) if status == "done" else None,
            finished_at=at(0) if status == "done" else None,
            last_error=None,
            scheduled_message_id=None,
            schedule_version=2,
            handed_off_at=at(0) if status == "done" else None,
        )
    for message, state in ((410, "done"), (499, "failed_permanent")):
        add(
            "inbox",
            realm_id=realm,
            message_id=message,
            state=state,
            attempts=1 if state == "done" else 3,
            incident="a1b2c3d4" if state == "failed_permanent" else None,
            received_at=at(1),
            updated_at=at(2),
        )
    add(
        "audit_log",
        realm_id=realm,
        standup_id=standup,
        actor_user_id=CAROL,
        action="standup.created",
        detail={"name": "standup", "channel": "standup"},
        at=at(-600),
    )
    return {"realm": realm, "standup": standup, "run": run}


def snapshot(engine: Engine, schema: MetaData) -> dict[str, list[dict[str, Any]]]:
    """Every row of every 0006 table, its 0006 columns only, by primary key; instants read
    back as aware UTC (SQLite keeps them naive, in UTC)."""
    found: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for name, table in schema.tables.items():
            query = select(table).order_by(*(table.primary_key.columns or table.c))
            found[name] = [
                {key: _aware(value) for key, value in row._mapping.items()}
                for row in conn.execute(query)
            ]
    return found


def _aware(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value


def test_a_filled_0006_database_upgrades_with_every_row_intact(
    release_db: tuple[Engine, MetaData],
) -> None:
    """0.1.0's schema (revision 0006), with rows in every table, plain and encrypted answers
    among them, upgrades to head: each table holds the same rows with the same values, and
    the stores read them as they read rows they wrote themselves (settings, people, answers
    decrypted, conversations, jobs, inbox states, the lease)."""
    engine, schema = release_db
    assert set(schema.tables) == TABLES_AT_RELEASE
    filler = Filler(engine, schema)
    ids = fill(filler)
    assert set(filler.inserted) == TABLES_AT_RELEASE - {"alembic_version"}
    before = snapshot(engine, schema)
    for table, rows in filler.inserted.items():
        got = [{k: row[k] for k in rows[0]} for row in before[table]]
        assert got == [{k: _aware(v) for k, v in r.items()} for r in rows], table

    migrate.upgrade(engine)

    assert migrate.current_revision(engine) == migrate.head_revision()
    after = snapshot(engine, schema)
    assert after.pop("alembic_version") == [{"version_num": migrate.head_revision()}]
    before.pop("alembic_version")
    assert after == before

    standups, runs = StandupStore(engine), RunStore(engine, AnswerCipher([KEY]))
    standup = standups.get(ids["standup"])
    assert standup is not None
    assert standup.settings.team_timezone == "Asia/Kolkata"
    assert [q.text for q in standup.settings.questions][2] == "Anything blocking you?"
    assert standup.settings.questions[2].blocker
    assert standup.settings.managers == frozenset({CAROL})
    assert standup.settings.skip_dates == frozenset({dt.date(2026, 12, 25)})
    assert [p.user_id for p in standups.participants(ids["standup"])] == [CAROL, DAVE]
    carol = standups.person(ids["realm"], CAROL)
    assert carol is not None
    assert carol.display_name == "Carol Member"
    assert standups.time_off_of(ids["realm"], DAVE) == [
        (dt.date(2026, 12, 24), dt.date(2026, 12, 31))
    ]

    run = runs.find_run(ids["standup"], DAY)
    assert run is not None
    assert run.id == ids["run"]
    assert [(a.user_id, a.question_index, a.text, a.edited) for a in runs.answers_of(run.id)] == [
        (CAROL, 0, "Reviewed the *payments* PR", False),
        (CAROL, 1, "Ship the 2.4.1 release", True),
        (CAROL, 2, "Waiting on QA for the iOS build", False),
        (DAVE, 0, "Fixed the flaky test", False),
    ]
    states = {c.user_id: c.state for c in runs.conversations_of_run(run.id)}
    assert states == {CAROL: Phase.DONE, DAVE: Phase.ASKING}

    jobs = JobStore(engine).rows_for_standup(ids["standup"])
    assert [(j["kind"], j["status"]) for j in jobs] == [
        ("prompt", JobStatus.DONE.value),
        ("digest", JobStatus.PENDING.value),
    ]
    inbox = InboxStore(engine)
    assert inbox.state(ids["realm"], 410) == InboxState.DONE
    assert inbox.state(ids["realm"], 499) == InboxState.FAILED_PERMANENT
    [lease] = LeaseStore(engine).rows()
    assert (lease.holder, lease.epoch, lease.expires_at) == ("host-a:4242", 3, at(1))

    # And the upgraded database takes new rows: Dave finishes his answers.
    runs.save_answer(run.id, DAVE, 1, "What will you do today?", "Pair on the release", 414, at(20))
    assert [a.text for a in runs.answers_of(run.id, DAVE)] == [
        "Fixed the flaky test",
        "Pair on the release",
    ]
