"""Contract tests of the configuration and answer stores on memory, SQLite and PostgreSQL
(``stores``); encryption at rest and cascades are read from the SQL rows (``engine``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from storage.store_set import StoreSet
from zulip_standup.domain.conversation.state import Absence, ConversationState, Phase
from zulip_standup.domain.scheduling.jobs import JobKind
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.domain.standup import Question, StandupSettings
from zulip_standup.storage.crypto import AnswerCipher, UnreadableAnswerError
from zulip_standup.storage.memory import DuplicateKeyError
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.standups import StandupStore
from zulip_standup.storage.tables import answers

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
INJECTION = "'); DROP TABLE answers; -- \u2603 **bold** @**all** ?"  # Zulip refuses NUL bytes


def _setup(engine: Engine, keys: list[str] | None = None) -> tuple[StandupStore, RunStore, int]:
    store = StandupStore(engine)
    realm = store.realm_id("https://chat.example.com", "bot@example.com", 99, NOW)
    return store, RunStore(engine, AnswerCipher(keys or [])), realm


def _on(stores: StoreSet) -> tuple[Any, Any, int]:
    realm = stores.standups.realm_id("https://chat.example.com", "bot@example.com", 99, NOW)
    return stores.standups, stores.runs, realm


def test_standup_round_trip_and_settings_update(stores: StoreSet) -> None:
    """Settings survive storage exactly; a schedule change bumps the version."""
    store, _, realm = _on(stores)
    settings = StandupSettings(
        name="retro",
        team_timezone="Europe/Berlin",
        reminder_times=("10:30", "11:45"),
        skip_dates=frozenset({dt.date(2026, 12, 24)}),
        questions=(Question("Done?"), Question(INJECTION, blocker=True)),
        managers=frozenset({5, 7}),
    )
    standup = store.create(realm, 3, "dev", 10, settings, NOW)
    assert standup.settings == settings
    assert store.in_channel(realm, 3) == [standup]
    changed = store.update_settings(
        standup.id, settings.with_changes(prompt_time="08:00"), NOW, replan=True
    )
    assert changed.settings.prompt_time == "08:00"
    assert changed.schedule_version == standup.schedule_version + 1


def test_realm_is_created_once(stores: StoreSet) -> None:
    """The same bot account maps to the same realm row on every start."""
    store, _, realm = _on(stores)
    assert store.realm_id("https://chat.example.com", "bot@example.com", 99, NOW) == realm
    assert store.realm_id("https://chat.example.com", "other-bot@example.com", 98, NOW) != realm


def test_participants_set_add_remove(stores: StoreSet) -> None:
    """Syncing reports who was added and removed; removed people can come back."""
    store, _, realm = _on(stores)
    standup = store.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    added, removed = store.set_participants(standup.id, [(1, "Ann"), (2, "Bo")], NOW)
    assert (added, removed) == ([1, 2], [])
    added, removed = store.set_participants(standup.id, [(2, "Bo"), (3, "Cy")], NOW)
    assert (added, removed) == ([3], [1])
    assert store.add_participants(standup.id, [(1, "Ann"), (2, "Bo")], NOW) == [1]
    assert store.remove_participants(standup.id, [2, 42]) == [2]
    assert [p.user_id for p in store.participants(standup.id)] == [1, 3]
    assert [s.id for s in store.of_participant(realm, 1)] == [standup.id]


def test_person_and_time_off(stores: StoreSet) -> None:
    """Only given fields change; `back` ends current time off and keeps planned time off."""
    store, _, realm = _on(stores)
    store.upsert_person(realm, 1, NOW, display_name="Ann", profile_timezone="Asia/Kolkata")
    person = store.upsert_person(realm, 1, NOW, timezone_override="Europe/Berlin")
    assert (person.display_name, person.profile_timezone) == ("Ann", "Asia/Kolkata")
    assert person.timezone_override == "Europe/Berlin"
    today = dt.date(2026, 12, 10)
    store.add_time_off(realm, 1, dt.date(2026, 12, 8), dt.date(2026, 12, 12), NOW)
    store.add_time_off(realm, 1, dt.date(2026, 12, 20), dt.date(2026, 12, 22), NOW)
    assert store.end_time_off(realm, 1, today) == 1
    assert store.time_off_of(realm, 1) == [
        (dt.date(2026, 12, 8), dt.date(2026, 12, 9)),
        (dt.date(2026, 12, 20), dt.date(2026, 12, 22)),
    ]
    store.add_time_off(realm, 1, today, dt.date(2026, 12, 11), NOW)
    assert store.end_time_off(realm, 1, today) == 1  # starting today: nothing of it is left
    assert store.end_time_off(realm, 1, today) == 0
    assert len(store.time_off_of(realm, 1)) == 2


def test_many_people_and_their_time_off_in_one_read(stores: StoreSet) -> None:
    """``people_with_time_off`` gives what ``person`` and ``time_off_of`` give, for each id
    asked (None and no time off for one not stored, nothing of another realm's), over
    more ids than one IN list holds."""
    store, _, realm = _on(stores)
    other = stores.realm()
    store.upsert_person(realm, 1, NOW, display_name="Ann", profile_timezone="Asia/Kolkata")
    store.upsert_person(realm, 2, NOW, display_name="Bo")
    store.upsert_person(other, 3, NOW, display_name="Cy")
    store.add_time_off(realm, 1, dt.date(2026, 12, 20), dt.date(2026, 12, 22), NOW)
    store.add_time_off(realm, 1, dt.date(2026, 12, 8), dt.date(2026, 12, 9), NOW)
    store.add_time_off(other, 3, dt.date(2026, 12, 8), dt.date(2026, 12, 9), NOW)
    many = [1, 2, 3, *range(1000, 2200)]
    found = store.people_with_time_off(realm, many)
    assert sorted(found) == sorted(many)
    for uid in (1, 2, 3, 1500):
        assert found[uid] == (store.person(realm, uid), store.time_off_of(realm, uid))
    assert found[1][1] == [
        (dt.date(2026, 12, 8), dt.date(2026, 12, 9)),
        (dt.date(2026, 12, 20), dt.date(2026, 12, 22)),
    ]
    assert found[3] == (None, [])
    assert store.people_with_time_off(realm, []) == {}


def test_runs_and_prompt_claim_are_exactly_once(stores: StoreSet) -> None:
    """The run for a date is one row; the prompt can be claimed once only."""
    store, runs, realm = _on(stores)
    standup = store.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    run = runs.run_for(standup.id, dt.date(2026, 11, 30), NOW)
    assert runs.run_for(standup.id, dt.date(2026, 11, 30), NOW).id == run.id
    conversation, created = runs.start_conversation(run.id, 1, NOW)
    assert created
    assert runs.start_conversation(run.id, 1, NOW) == (conversation, False)
    assert runs.claim_prompt(conversation.id, NOW)
    assert not runs.claim_prompt(conversation.id, NOW)


def test_conversations_store_the_typed_machine_state(stores: StoreSet) -> None:
    """A conversation's state goes in and comes out as the machine's phase: an absent one
    keeps its reason, and the unfinished conversations of earlier runs are found to close."""
    store, runs, realm = _on(stores)
    standup = store.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    monday = runs.run_for(standup.id, dt.date(2026, 11, 30), NOW)
    tuesday = runs.run_for(standup.id, dt.date(2026, 12, 1), NOW)
    absent, _ = runs.start_conversation(monday.id, 1, NOW)
    asking, _ = runs.start_conversation(monday.id, 2, NOW)
    runs.commit_step(
        absent.id, NOW, ConversationState(3, Phase.ABSENT, absence=Absence.HOLIDAY), ()
    )
    runs.commit_step(asking.id, NOW, ConversationState(3, Phase.ASKING, current=1), ())
    stored = {c.user_id: c for c in runs.conversations_of_run(monday.id)}
    assert (stored[1].state, stored[1].absence) == (Phase.ABSENT, Absence.HOLIDAY)
    assert (stored[2].state, stored[2].absence, stored[2].question_index) == (
        Phase.ASKING,
        None,
        1,
    )
    assert [c.id for c in runs.unfinished_before(standup.id, 2, tuesday.run_date)] == [asking.id]
    assert runs.unfinished_before(standup.id, 1, tuesday.run_date) == []


def test_answers_verbatim_and_idempotent_processing(stores: StoreSet) -> None:
    """Injection payloads and Unicode are stored and read back verbatim; message ids dedupe."""
    store, runs, realm = _on(stores)
    standup = store.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    run = runs.run_for(standup.id, dt.date(2026, 11, 30), NOW)
    runs.save_answer(run.id, 1, 0, "Q1", INJECTION, 501, NOW)
    runs.save_answer(run.id, 1, 0, "Q1", INJECTION + " edited", 501, NOW, edited=True)
    (answer,) = runs.answers_of(run.id, 1)
    assert answer.text == INJECTION + " edited"
    assert answer.edited
    assert runs.answers_from_message(realm, 501) == [answer]
    inbox = stores.inbox
    assert inbox.done(realm, 501, NOW)
    assert not inbox.done(realm, 501, NOW)
    assert inbox.low_water(realm) == 501


def test_answers_encrypted_at_rest_and_rotated(engine: Engine) -> None:
    """With a key the stored column holds no plain text; rotation re-encrypts under the new key."""
    old_key = Fernet.generate_key().decode()
    new_key = Fernet.generate_key().decode()
    store, runs, realm = _setup(engine, [old_key])
    standup = store.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    run = runs.run_for(standup.id, dt.date(2026, 11, 30), NOW)
    runs.save_answer(run.id, 1, 0, "Q1", "secret plans for launch", 7, NOW)
    with engine.connect() as conn:
        stored = conn.execute(select(answers.c.text, answers.c.encrypted)).one()
    assert stored.encrypted
    assert "secret plans" not in stored.text

    rotated = RunStore(engine, AnswerCipher([new_key, old_key]))
    assert rotated.rotate_keys() == 1
    only_new = RunStore(engine, AnswerCipher([new_key]))
    assert only_new.answers_of(run.id)[0].text == "secret plans for launch"
    only_old = RunStore(engine, AnswerCipher([old_key]))
    with pytest.raises(UnreadableAnswerError):
        only_old.answers_of(run.id)


def test_forget_person_and_retention(stores: StoreSet) -> None:
    """`forget me` removes one person's data only; retention purges old answers."""
    store, runs, realm = _on(stores)
    standup = store.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    store.set_participants(standup.id, [(1, "Ann"), (2, "Bo")], NOW)
    store.upsert_person(realm, 1, NOW, display_name="Ann")
    old_run = runs.run_for(standup.id, dt.date(2025, 1, 6), NOW)
    run = runs.run_for(standup.id, dt.date(2026, 11, 30), NOW)
    runs.save_answer(old_run.id, 2, 0, "Q1", "old", None, NOW - dt.timedelta(days=400))
    runs.save_answer(run.id, 1, 0, "Q1", "mine", None, NOW)
    runs.save_answer(run.id, 2, 0, "Q1", "theirs", None, NOW)
    counts = runs.forget_person(realm, 1, NOW)
    assert counts["answers"] == 1
    assert counts["memberships"] == 1
    assert counts["profile"] == 1
    assert [a.text for a in runs.answers_of(run.id)] == ["theirs"]
    assert runs.purge_answers_before(NOW - dt.timedelta(days=365)) == 1
    assert runs.answers_of(old_run.id) == []


def test_deleting_a_standup_deletes_its_runs_answers_and_jobs(stores: StoreSet) -> None:
    """SECURITY.md promise 8: no answer outlives its standup; its planned jobs go too."""
    store, runs, realm = _on(stores)
    standup = store.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    other = store.create(realm, 3, "retro", 10, StandupSettings(name="retro"), NOW)
    store.set_participants(standup.id, [(1, "Ann")], NOW)
    run = runs.run_for(standup.id, dt.date(2026, 11, 30), NOW)
    kept = runs.run_for(other.id, dt.date(2026, 11, 30), NOW)
    runs.save_answer(run.id, 1, 0, "Q1", "x", 70, NOW)
    runs.save_answer(kept.id, 1, 0, "Q1", "y", 71, NOW)
    stores.jobs.insert(
        [Occurrence(s.id, JobKind.PROMPT, run.run_date, 1, NOW, None) for s in (standup, other)]
    )
    store.delete(standup.id)
    assert store.get(standup.id) is None
    assert runs.get_run(run.id) is None
    assert runs.answers_of(run.id) == []
    assert runs.answers_from_message(realm, 70) == []
    assert [a.text for a in runs.answers_of(kept.id)] == ["y"]
    assert stores.jobs.rows_for_standup(standup.id) == []
    assert len(stores.jobs.rows_for_standup(other.id)) == 1
    assert store.of_participant(realm, 1) == []


def test_a_second_standup_of_the_same_name_in_a_channel_is_refused(stores: StoreSet) -> None:
    """Names are unique per channel: the store refuses a duplicate instead of keeping two."""
    store, _, realm = _on(stores)
    store.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    with pytest.raises((IntegrityError, DuplicateKeyError)):
        store.create(realm, 3, "dev", 11, StandupSettings(), NOW)
    assert len(store.in_channel(realm, 3)) == 1
    assert store.create(realm, 4, "ops", 10, StandupSettings(), NOW).stream_id == 4


def test_deleting_a_standup_deletes_its_answer_rows(engine: Engine) -> None:
    """SECURITY.md promise 8, read from the table: no answer row outlives its standup."""
    store, runs, realm = _setup(engine)
    standup = store.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    run = runs.run_for(standup.id, dt.date(2026, 11, 30), NOW)
    runs.save_answer(run.id, 1, 0, "Q1", "x", None, NOW)
    store.delete(standup.id)
    with engine.connect() as conn:
        assert conn.execute(select(answers)).all() == []
