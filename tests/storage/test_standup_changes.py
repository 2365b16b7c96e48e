"""Contract tests of ``apply_change`` on memory, SQLite and PostgreSQL: one user action's
settings, people, participants and audit row are written together, and a change that fails
part-way leaves nothing of itself behind (issue 11: one unit of work per action)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from storage.store_set import StoreSet
from zulip_standup.domain.records import (
    Audited,
    NewStandup,
    PersonProfile,
    StandupChange,
)
from zulip_standup.domain.standup import StandupSettings
from zulip_standup.storage.memory import DuplicateKeyError

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=3)
LEAD, ANN, BO, CY = 10, 1, 2, 3
ANN_P = PersonProfile(ANN, "Ann", "Asia/Kolkata")
BO_P = PersonProfile(BO, "Bo", None)


def _setup_change(realm: int, name: str = "standup", **changes: Any) -> StandupChange:
    values: dict[str, Any] = {
        "realm_id": realm,
        "now": NOW,
        "new": NewStandup(3, "dev", LEAD),
        "settings": StandupSettings(name=name),
        "replan": True,
        "people": (ANN_P, BO_P),
        "joining": ((ANN, "Ann"), (BO, "Bo")),
        "exact": True,
        "audit": Audited(LEAD, "setup", {"times": {}}),
    }
    return StandupChange(**{**values, **changes})


def _planned(stores: StoreSet, standup_id: int) -> None:
    """The planner has planned the standup until ``LATER`` (no re-plan is asked for)."""
    stores.jobs.plan_window(standup_id, (), LATER)
    assert standup_id not in stores.schedules.standups_to_plan(NOW, 10)


def test_a_setup_writes_standup_people_participants_and_audit_together(stores: StoreSet) -> None:
    """A setup is one change: the standup, who its people are, who takes part and the audit
    row that says who joined are all there after the one call."""
    realm = stores.realm()
    done = stores.standups.apply_change(_setup_change(realm))
    standup = done.standup
    assert stores.standups.in_channel(realm, 3) == [standup]
    assert standup.creator_user_id == LEAD
    assert (done.added, done.removed) == ((ANN, BO), ())
    assert [p.user_id for p in stores.standups.participants(standup.id)] == [ANN, BO]
    person = stores.standups.person(realm, ANN)
    assert person is not None
    assert person.profile_timezone == "Asia/Kolkata"
    assert stores.audit_log() == [
        (standup.id, LEAD, "setup", {"times": {}, "added": [ANN, BO], "removed": []})
    ]


def test_a_change_of_an_existing_standup_replaces_settings_and_syncs(stores: StoreSet) -> None:
    """Re-running setup changes the settings (a new schedule version), makes exactly the
    given people take part and asks the planner durably to re-plan."""
    realm = stores.realm()
    standup = stores.standups.apply_change(_setup_change(realm)).standup
    _planned(stores, standup.id)
    change = _setup_change(
        realm,
        standup_id=standup.id,
        new=None,
        settings=standup.settings.with_changes(prompt_time="08:00"),
        people=(PersonProfile(CY, "Cy", None),),
        joining=((BO, "Bo"), (CY, "Cy")),
        audit=Audited(LEAD, "setup_update", {}),
    )
    done = stores.standups.apply_change(change)
    assert done.standup.settings.prompt_time == "08:00"
    assert done.standup.schedule_version == standup.schedule_version + 1
    assert (done.added, done.removed) == ((CY,), (ANN,))
    assert [p.user_id for p in stores.standups.participants(standup.id)] == [BO, CY]
    assert standup.id in stores.schedules.standups_to_plan(NOW, 10)
    assert stores.audit_log()[-1] == (
        standup.id,
        LEAD,
        "setup_update",
        {"added": [CY], "removed": [ANN]},
    )


def test_a_participant_change_alone_leaves_a_durable_request_to_replan(
    stores: StoreSet,
) -> None:
    """Adding and removing people keeps the settings and version but clears the planned
    horizon in the same transaction, so the planner's next tick re-plans even if nothing
    else runs after the commit."""
    realm = stores.realm()
    standup = stores.standups.apply_change(_setup_change(realm)).standup
    _planned(stores, standup.id)
    change = StandupChange(
        realm,
        NOW,
        standup_id=standup.id,
        joining=((CY, "Cy"),),
        leaving=(ANN, 42),
        audit=Audited(LEAD, "participants_add", {}),
    )
    done = stores.standups.apply_change(change)
    assert done.standup.schedule_version == standup.schedule_version
    assert (done.added, done.removed) == ((CY,), (ANN,))
    assert standup.id in stores.schedules.standups_to_plan(NOW, 10)
    assert stores.audit_log()[-1][3] == {"added": [CY], "removed": [ANN]}


def test_a_change_without_participants_keeps_the_plan(stores: StoreSet) -> None:
    """A rename (settings without ``replan``) writes its audit row and asks for no re-plan."""
    realm = stores.realm()
    standup = stores.standups.apply_change(_setup_change(realm)).standup
    _planned(stores, standup.id)
    change = StandupChange(
        realm,
        NOW,
        standup_id=standup.id,
        settings=standup.settings.with_changes(name="morning"),
        audit=Audited(LEAD, "rename", {"from": "standup", "to": "morning"}),
    )
    assert stores.standups.apply_change(change).standup.name == "morning"
    assert standup.id not in stores.schedules.standups_to_plan(NOW, 10)
    assert stores.audit_log()[-1] == (
        standup.id,
        LEAD,
        "rename",
        {"from": "standup", "to": "morning"},
    )


def test_a_delete_and_its_audit_row_go_together(stores: StoreSet) -> None:
    """Deleting writes the audit row (without the gone standup's id) in the same call."""
    realm = stores.realm()
    standup = stores.standups.apply_change(_setup_change(realm)).standup
    detail = {"standup": standup.name, "stream_id": 3}
    change = StandupChange(
        realm, NOW, standup_id=standup.id, delete=True, audit=Audited(LEAD, "delete", detail)
    )
    assert stores.standups.apply_change(change).standup == standup
    assert stores.standups.get(standup.id) is None
    assert stores.standups.of_participant(realm, ANN) == []
    assert stores.audit_log()[-1] == (None, LEAD, "delete", detail)


# -- a failing change leaves nothing half-applied ---------------------------------


def _unchanged(stores: StoreSet, realm: int, audit_rows: int) -> None:
    assert stores.standups.person(realm, CY) is None
    assert len(stores.audit_log()) == audit_rows


def test_a_change_of_a_missing_standup_writes_nothing(stores: StoreSet) -> None:
    """The people it names are not remembered and no audit row is written."""
    realm = stores.realm()
    change = StandupChange(
        realm,
        NOW,
        standup_id=999,
        settings=StandupSettings(),
        replan=True,
        people=(PersonProfile(CY, "Cy", None),),
        joining=((CY, "Cy"),),
        audit=Audited(LEAD, "setup_update", {}),
    )
    with pytest.raises(KeyError):
        stores.standups.apply_change(change)
    _unchanged(stores, realm, 0)


def test_a_duplicate_setup_writes_nothing(stores: StoreSet) -> None:
    """A second standup of the same name in the channel is refused after its people were
    written in the same transaction: they are gone with it, as is its audit row."""
    realm = stores.realm()
    stores.standups.apply_change(_setup_change(realm))
    again = _setup_change(realm, people=(PersonProfile(CY, "Cy", None),), joining=((CY, "Cy"),))
    with pytest.raises((IntegrityError, DuplicateKeyError)):
        stores.standups.apply_change(again)
    _unchanged(stores, realm, 1)
    assert len(stores.standups.in_channel(realm, 3)) == 1


def test_a_change_whose_audit_row_fails_keeps_the_old_settings_and_people(
    stores: StoreSet,
) -> None:
    """The audit row is written last; when it cannot be stored, the settings, the
    participants, the people and the plan are as before."""
    realm = stores.realm()
    standup = stores.standups.apply_change(_setup_change(realm)).standup
    _planned(stores, standup.id)
    change = StandupChange(
        realm,
        NOW,
        standup_id=standup.id,
        settings=standup.settings.with_changes(prompt_time="07:00"),
        replan=True,
        people=(PersonProfile(CY, "Cy", None), PersonProfile(ANN, "Ann Renamed", None)),
        joining=((CY, "Cy"),),
        leaving=(BO,),
        audit=Audited(LEAD, "config", {"not json": object()}),
    )
    with pytest.raises((TypeError, StatementError)):
        stores.standups.apply_change(change)
    _unchanged(stores, realm, 1)
    assert stores.standups.get(standup.id) == standup
    members = stores.standups.participants(standup.id)
    assert [(p.user_id, p.display_name) for p in members] == [(ANN, "Ann"), (BO, "Bo")]
    ann = stores.standups.person(realm, ANN)
    assert ann is not None
    assert (ann.display_name, ann.profile_timezone) == ("Ann", "Asia/Kolkata")
    assert standup.id not in stores.schedules.standups_to_plan(NOW, 10)


def test_a_failing_delete_keeps_the_standup(stores: StoreSet) -> None:
    """A delete whose audit row fails leaves the standup and its participants in place."""
    realm = stores.realm()
    standup = stores.standups.apply_change(_setup_change(realm)).standup
    change = StandupChange(
        realm,
        NOW,
        standup_id=standup.id,
        delete=True,
        audit=Audited(LEAD, "delete", {"not json": object()}),
    )
    with pytest.raises((TypeError, StatementError)):
        stores.standups.apply_change(change)
    assert stores.standups.get(standup.id) == standup
    assert [p.user_id for p in stores.standups.participants(standup.id)] == [ANN, BO]
    assert len(stores.audit_log()) == 1
