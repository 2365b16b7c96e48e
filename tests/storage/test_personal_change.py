"""Contract tests of a person's own change stored in one transaction
(``apply_personal_change``) on memory, SQLite and PostgreSQL (``stores``); a failure in
the middle of the transaction is injected at the database driver (``engine``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import StatementError

from storage.store_set import StoreSet, sql_stores
from zulip_standup.domain.records import PersonalChange
from zulip_standup.domain.scheduling.planning import TimeOff
from zulip_standup.domain.standup import StandupSettings

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 2)
HORIZON = NOW + dt.timedelta(hours=36)
DUE_BEFORE = NOW + dt.timedelta(hours=24)  # the planner re-plans horizons ending before this
ANN, BO = 11, 12


def _planned_standups(stores: StoreSet, realm: int) -> tuple[int, int, int]:
    """Ann takes part in ``daily`` and ``retro``, not in ``leads`` (Bo does), and left
    ``old``; every standup is planned to the horizon. Returns (daily, retro, leads)."""
    ids = []
    for name, members in (("daily", [ANN, BO]), ("retro", [ANN]), ("leads", [BO])):
        standup = stores.standups.create(realm, 3, "dev", 10, StandupSettings(name=name), NOW)
        stores.standups.add_participants(standup.id, [(u, f"user {u}") for u in members], NOW)
        ids.append(standup.id)
    old = stores.standups.create(realm, 3, "dev", 10, StandupSettings(name="old"), NOW)
    stores.standups.add_participants(old.id, [(ANN, "Ann")], NOW)
    stores.standups.remove_participants(old.id, [ANN])
    for sid in [*ids, old.id]:
        stores.jobs.plan_window(sid, [], HORIZON)
    assert stores.schedules.standups_to_plan(DUE_BEFORE, 10) == []
    daily, retro, leads = ids
    return daily, retro, leads


def _ann(realm: int, **changes: Any) -> PersonalChange:
    """Ann's change, with what ``remember`` stores of her (her name and profile zone)."""
    base = PersonalChange(realm, ANN, NOW, display_name="Ann Archer", profile_timezone="UTC")
    return replace(base, **changes)


def test_the_person_their_time_off_and_a_replan_request_are_stored_together(
    stores: StoreSet,
) -> None:
    """One change creates Ann with her name, profile zone, override and holiday region, adds
    her time off, and asks for her standups (only hers, only active ones) to be re-planned:
    the planner's source lists them as due."""
    realm = stores.realm()
    daily, retro, _leads = _planned_standups(stores, realm)
    result = stores.standups.apply_personal_change(
        _ann(
            realm,
            timezone_override="Asia/Kolkata",
            holiday_region="DE-BY",
            time_off=TimeOff(dt.date(2026, 12, 20), dt.date(2026, 12, 24)),
        )
    )
    person = stores.standups.person(realm, ANN)
    assert person is not None
    assert result.person == person
    assert (person.display_name, person.profile_timezone) == ("Ann Archer", "UTC")
    assert (person.timezone_override, person.holiday_region) == ("Asia/Kolkata", "DE-BY")
    periods = [(dt.date(2026, 12, 20), dt.date(2026, 12, 24))]
    assert stores.standups.time_off_of(realm, ANN) == periods
    assert list(result.time_off) == periods
    assert result.replan == (daily, retro)
    assert stores.schedules.standups_to_plan(DUE_BEFORE, 10) == [daily, retro]
    # The participants' names follow, as with ``upsert_person``.
    assert {p.display_name for p in stores.standups.participants(daily) if p.user_id == ANN} == {
        "Ann Archer"
    }


def test_back_ends_current_time_off_keeps_planned_and_asks_for_a_replan(
    stores: StoreSet,
) -> None:
    """``back`` on Wednesday shortens this week's time off and keeps Christmas; settings not
    named in the change stay as they were."""
    realm = stores.realm()
    daily, retro, _ = _planned_standups(stores, realm)
    stores.standups.upsert_person(realm, ANN, NOW, timezone_override="Europe/Berlin")
    stores.standups.add_time_off(realm, ANN, dt.date(2026, 11, 30), dt.date(2026, 12, 4), NOW)
    stores.standups.add_time_off(realm, ANN, dt.date(2026, 12, 20), dt.date(2026, 12, 24), NOW)
    result = stores.standups.apply_personal_change(_ann(realm, back_on=TODAY))
    assert result.periods_ended == 1
    kept = [
        (dt.date(2026, 11, 30), dt.date(2026, 12, 1)),
        (dt.date(2026, 12, 20), dt.date(2026, 12, 24)),
    ]
    assert list(result.time_off) == kept == stores.standups.time_off_of(realm, ANN)
    assert result.person.timezone_override == "Europe/Berlin"
    assert result.replan == (daily, retro)
    assert stores.schedules.standups_to_plan(DUE_BEFORE, 10) == [daily, retro]


def test_a_change_that_moves_no_prompt_leaves_the_plans_alone(stores: StoreSet) -> None:
    """``back`` with no time off today stores the person but asks for no re-plan."""
    realm = stores.realm()
    _planned_standups(stores, realm)
    stores.standups.add_time_off(realm, ANN, dt.date(2026, 12, 20), dt.date(2026, 12, 24), NOW)
    result = stores.standups.apply_personal_change(_ann(realm, back_on=TODAY))
    assert (result.periods_ended, result.replan) == (0, ())
    assert stores.schedules.standups_to_plan(DUE_BEFORE, 10) == []
    assert stores.standups.person(realm, ANN) == result.person


def test_a_moved_profile_zone_alone_asks_for_a_replan(stores: StoreSet) -> None:
    """Zulip says Ann's profile zone moved: her new zone is stored and her standups are due
    to be re-planned, though she changed no setting of her own."""
    realm = stores.realm()
    daily, retro, _ = _planned_standups(stores, realm)
    result = stores.standups.apply_personal_change(
        _ann(realm, profile_timezone="Asia/Tokyo", zone_moved=True)
    )
    assert result.person.profile_timezone == "Asia/Tokyo"
    assert result.replan == (daily, retro)
    assert stores.schedules.standups_to_plan(DUE_BEFORE, 10) == [daily, retro]


def test_a_change_that_cannot_be_stored_stores_nothing(stores: StoreSet) -> None:
    """A change the store refuses (a naive instant) leaves the person, their time off and
    the plans as they were."""
    realm = stores.realm()
    _planned_standups(stores, realm)
    before = stores.standups.upsert_person(realm, ANN, NOW, display_name="Ann")
    naive = NOW.replace(tzinfo=None)
    change = replace(
        _ann(realm, timezone_override="Asia/Kolkata", time_off=TimeOff(TODAY, TODAY)),
        now=naive,
    )
    with pytest.raises((ValueError, StatementError), match="naive"):
        stores.standups.apply_personal_change(change)
    assert stores.standups.person(realm, ANN) == before
    assert stores.standups.time_off_of(realm, ANN) == []
    assert stores.schedules.standups_to_plan(DUE_BEFORE, 10) == []


@contextmanager
def _failing(engine: Engine, statement: str) -> Iterator[None]:
    """The database fails the first statement that starts with ``statement`` (a lost
    connection, a full disk) while the block runs."""

    def fail(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if sql.lstrip().upper().startswith(statement.upper()):
            msg = f"injected failure at {statement}"
            raise RuntimeError(msg)

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


@pytest.mark.parametrize("where", ["INSERT INTO time_off", "UPDATE standups"])
def test_a_failure_inside_the_transaction_leaves_nothing_half_applied(
    engine: Engine, where: str
) -> None:
    """The database fails after the person row was written (at the time off, or at the
    re-plan request): the person's row, time off and plans are as before."""
    stores = sql_stores(engine.dialect.name, engine)
    realm = stores.realm()
    _planned_standups(stores, realm)
    before = stores.standups.upsert_person(realm, ANN, NOW, display_name="Ann")
    change = _ann(realm, timezone_override="Asia/Kolkata", time_off=TimeOff(TODAY, TODAY))
    with _failing(engine, where), pytest.raises(RuntimeError, match="injected"):
        stores.standups.apply_personal_change(change)
    assert stores.standups.person(realm, ANN) == before
    assert stores.standups.time_off_of(realm, ANN) == []
    assert stores.schedules.standups_to_plan(DUE_BEFORE, 10) == []
    # Without the failure the same change is stored whole.
    assert stores.standups.apply_personal_change(change).person.timezone_override == (
        "Asia/Kolkata"
    )
