"""Contract tests of conversations, answer steps, history reads and prompt hand-offs, on
memory, SQLite and PostgreSQL (``stores``)."""

from __future__ import annotations

import datetime as dt

from storage.store_set import StoreSet
from zulip_standup.domain.conversation.state import ConversationState, Phase
from zulip_standup.domain.records import NewAnswer, OpenConversation, StandupChange, StepWrite
from zulip_standup.domain.scheduling.jobs import JobKey, JobKind, JobStatus
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.domain.standup import StandupSettings

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
MON, TUE, WED = dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 2)


def _standup(stores: StoreSet, realm: int, name: str = "daily", **settings: object) -> int:
    created = stores.standups.create(
        realm, 3, "dev", 10, StandupSettings(name=name, **settings), NOW
    )
    return int(created.id)


def test_a_step_stores_answers_state_and_the_message_at_once(stores: StoreSet) -> None:
    """An answer step writes its answers and state and marks the message handled; the same
    message delivered again writes nothing."""
    realm = stores.realm()
    runs = stores.runs
    run = runs.run_for(_standup(stores, realm), MON, NOW)
    conversation, _ = runs.start_conversation(run.id, 1, NOW)
    step = ConversationState(3, Phase.ASKING, current=1, answered=frozenset({0}))
    answers = [NewAnswer(0, "Done?", "shipped the export", 501)]
    assert runs.commit_step(conversation.id, NOW + MINUTE, step, answers, processed=(realm, 501))
    assert stores.inbox.is_finished(realm, 501)
    again = [NewAnswer(0, "Done?", "a different text", 501)]
    redo = ConversationState(3, Phase.DONE, current=2, answered=frozenset({0, 1, 2}))
    assert not runs.commit_step(conversation.id, NOW, redo, again, processed=(realm, 501))
    stored = runs.conversation(run.id, 1)
    assert stored is not None
    assert (stored.state, stored.question_index) == (Phase.ASKING, 1)
    assert ConversationState.from_dict(stored.data) == step
    assert [a.text for a in runs.answers_of(run.id, 1)] == ["shipped the export"]
    stored.data["answered"].append(1)  # the caller's dict is not the stored one
    assert ConversationState.from_dict(runs.conversation(run.id, 1).data) == step


def test_an_answer_step_reads_plans_and_stores_in_one_call(stores: StoreSet) -> None:
    """The answer step gives the plan the person's open conversations with run and standup,
    stores the step the plan returns with the message marked handled, writes nothing for
    no plan, and nothing again for a message handled before."""
    realm = stores.realm()
    runs = stores.runs
    daily = _standup(stores, realm)
    run = runs.run_for(daily, MON, NOW)
    conversation, _ = runs.start_conversation(run.id, 1, NOW)
    runs.save_conversation(conversation.id, NOW, state="asking", question_index=0)
    seen: list[list[OpenConversation]] = []
    step = ConversationState(3, Phase.ASKING, current=1, answered=frozenset({0}))
    answer = NewAnswer(0, "Done?", "shipped the export", 701)

    def plan(found: list[OpenConversation]) -> StepWrite | None:
        seen.append(found)
        return StepWrite(found[0].record.id, step, (answer,)) if found else None

    none = runs.answer_step(realm, 2, (realm, 700), NOW, plan)  # Bob has nothing open
    assert (none.open_conversations, none.stored) == ([], None)
    assert not stores.inbox.is_finished(realm, 700)
    done = runs.answer_step(realm, 1, (realm, 701), NOW + MINUTE, plan)
    assert done.stored is True
    (found,) = done.open_conversations
    assert (found.standup.id, found.standup.name, found.run.id) == (daily, "daily", run.id)
    assert found.record.id == conversation.id
    assert stores.inbox.is_finished(realm, 701)
    stored = runs.conversation(run.id, 1)
    assert stored is not None
    assert ConversationState.from_dict(stored.data) == step
    assert [a.text for a in runs.answers_of(run.id, 1)] == ["shipped the export"]
    assert [o.record.question_index for o in runs.open_turns(realm, 1)] == [1]
    redo = StepWrite(conversation.id, ConversationState(3, Phase.DONE), (answer,))
    again = runs.answer_step(realm, 1, (realm, 701), NOW, lambda _found: redo)
    assert again.stored is False
    assert runs.conversation(run.id, 1).state is Phase.ASKING


def test_an_edit_replaces_the_answer_and_keeps_its_first_time(stores: StoreSet) -> None:
    """Editing keeps the created time and the message id unless a new one is given."""
    realm = stores.realm()
    runs = stores.runs
    run = runs.run_for(_standup(stores, realm), MON, NOW)
    conversation, _ = runs.start_conversation(run.id, 1, NOW)
    first = [NewAnswer(0, "Done?", "v1", 600), NewAnswer(1, "Next?", "v1 next", 600)]
    runs.commit_step(conversation.id, NOW, ConversationState(3, Phase.ASKING), first)
    edit = [NewAnswer(0, "Done?", "v2", None, edited=True)]
    runs.commit_step(conversation.id, NOW + 5 * MINUTE, ConversationState(3, Phase.DONE), edit)
    one, two = runs.answers_of(run.id)
    assert (one.text, one.edited, one.edited_at, one.created_at) == (
        "v2",
        True,
        NOW + 5 * MINUTE,
        NOW,
    )
    assert one.source_message_id == 600
    assert (two.text, two.edited, two.edited_at) == ("v1 next", False, None)
    assert [a.question_index for a in runs.answers_from_message(realm, 600)] == [0, 1]
    assert runs.answers_from_message(stores.realm("https://other.example.org"), 600) == []


def test_open_and_older_conversations(stores: StoreSet) -> None:
    """Open conversations come newest run first across standups of the realm; starting a new
    day finds the person's unfinished ones of earlier days of that standup, to close as missed."""
    realm = stores.realm()
    runs = stores.runs
    daily, retro = _standup(stores, realm), _standup(stores, realm, "retro")
    mon, tue = runs.run_for(daily, MON, NOW), runs.run_for(daily, TUE, NOW)
    retro_mon = runs.run_for(retro, MON, NOW)
    for run in (mon, tue, retro_mon):
        conversation, created = runs.start_conversation(run.id, 1, NOW)
        assert created
        runs.save_conversation(conversation.id, NOW, state="asking", question_index=1)
    finished, _ = runs.start_conversation(mon.id, 2, NOW)
    runs.save_conversation(finished.id, NOW, state="done", completed_at=NOW)
    found = [(standup, day) for _, standup, day in runs.open_conversations(realm, 1)]
    assert found == [(daily, TUE), (retro, MON), (daily, MON)]
    assert runs.open_conversations(realm, 2) == []
    older = runs.unfinished_before(daily, 1, WED)
    assert [c.run_id for c in older] == [mon.id, tue.id]
    for record in older:
        runs.commit_step(record.id, NOW + MINUTE, ConversationState(3, Phase.MISSED), ())
    assert runs.unfinished_before(daily, 1, WED) == []
    assert runs.conversation(mon.id, 1).state is Phase.MISSED
    assert runs.conversation(mon.id, 2).state is Phase.DONE
    assert [day for _, _, day in runs.open_conversations(realm, 1)] == [MON]


def test_recently_changed_conversations_and_runs(stores: StoreSet) -> None:
    """Conversations asking or done changed since an instant come with their run; runs keep
    their topic and digest messages and are listed by date."""
    realm = stores.realm()
    runs = stores.runs
    daily = _standup(stores, realm)
    mon, tue = runs.run_for(daily, MON, NOW), runs.run_for(daily, TUE, NOW)
    runs.update_run(mon.id, topic="standup 2026-11-30", digest_message_ids=[7, 8])
    runs.update_run(mon.id, digest_posted_at=NOW + MINUTE)
    old, _ = runs.start_conversation(mon.id, 1, NOW)
    runs.save_conversation(old.id, NOW, state="done")
    new, _ = runs.start_conversation(tue.id, 1, NOW)
    runs.save_conversation(new.id, NOW + 10 * MINUTE, state="asking")
    pending, _ = runs.start_conversation(tue.id, 2, NOW + 10 * MINUTE)
    changed = runs.recently_changed_conversations(realm, NOW + 5 * MINUTE)
    assert [(c.id, standup, run.id) for c, standup, run in changed] == [(new.id, daily, tue.id)]
    assert len(runs.recently_changed_conversations(realm, NOW)) == 2
    assert pending.state == "pending"
    got = runs.get_run(mon.id)
    assert got is not None
    assert (got.topic, got.digest_message_ids, got.digest_posted_at) == (
        "standup 2026-11-30",
        (7, 8),
        NOW + MINUTE,
    )
    assert runs.find_run(daily, WED) is None
    assert [r.run_date for r in runs.runs_between(daily, MON, WED)] == [MON, TUE]
    assert [r.run_date for r in runs.runs_between(daily, TUE, TUE)] == [TUE]
    assert [c.user_id for c in runs.conversations_of_run(tue.id)] == [1, 2]


def test_history_reads_by_range_person_and_realm(stores: StoreSet) -> None:
    """Answers in a date range come by date, person and question; counts are per realm."""
    realm = stores.realm()
    runs = stores.runs
    daily, retro = _standup(stores, realm), _standup(stores, realm, "retro")
    for day in (MON, TUE, WED):
        run = runs.run_for(daily, day, NOW)
        for user in (2, 1):
            runs.save_answer(run.id, user, 1, "Next?", f"{user} next {day}", None, NOW)
            runs.save_answer(run.id, user, 0, "Done?", f"{user} done {day}", None, NOW)
    runs.save_answer(runs.run_for(retro, MON, NOW).id, 1, 0, "Went well?", "x", None, NOW)
    rows = runs.answers_in_range(daily, MON, TUE)
    assert [(d, a.user_id, a.question_index) for d, a in rows] == [
        (MON, 1, 0),
        (MON, 1, 1),
        (MON, 2, 0),
        (MON, 2, 1),
        (TUE, 1, 0),
        (TUE, 1, 1),
        (TUE, 2, 0),
        (TUE, 2, 1),
    ]
    mine = runs.answers_in_range(daily, TUE, WED, user_id=2)
    assert [a.text for _, a in mine] == [
        "2 done 2026-12-01",
        "2 next 2026-12-01",
        "2 done 2026-12-02",
        "2 next 2026-12-02",
    ]
    assert runs.count_answers(realm, 1) == 7
    assert runs.count_answers(stores.realm("https://other.example.org"), 1) == 0


def test_a_new_display_name_reaches_every_membership_in_the_realm(stores: StoreSet) -> None:
    """A renamed person is listed under the new name in each of their standups; inactive
    memberships are listed only when asked for."""
    realm = stores.realm()
    people = stores.standups
    daily, retro = _standup(stores, realm), _standup(stores, realm, "retro")
    people.set_participants(daily, [(1, "Ann"), (2, "Bo")], NOW)
    people.set_participants(retro, [(1, "Ann")], NOW)
    people.remove_participants(daily, [2])
    person = people.upsert_person(realm, 1, NOW, display_name="Ann Lee", zulip_away=True)
    assert (person.display_name, person.zulip_away, person.profile_timezone) == (
        "Ann Lee",
        True,
        None,
    )
    assert [p.display_name for p in people.participants(daily)] == ["Ann Lee"]
    assert [p.display_name for p in people.participants(retro)] == ["Ann Lee"]
    everyone = people.participants(daily, active_only=False)
    assert [(p.user_id, p.active) for p in everyone] == [(1, True), (2, False)]
    assert people.person(realm, 2) is None
    assert people.upsert_person(realm, 2, NOW).display_name == "user 2"


def test_prompt_hand_offs_follow_their_jobs(stores: StoreSet) -> None:
    """Only pending prompts of standups with scheduled messages on, due within the window,
    are offered; a recorded hand-off is found by key and by id and can be cleared."""
    realm = stores.realm()
    on = _standup(stores, realm, use_scheduled_messages=True, honour_away=True)
    off = _standup(stores, realm, "retro")
    assert stores.handoffs.in_use()
    stores.standups.upsert_person(realm, 2, NOW, zulip_away=True)
    jobs = stores.jobs
    jobs.insert(
        [
            Occurrence(on, JobKind.PROMPT, MON, 1, NOW + 30 * MINUTE, None),
            Occurrence(on, JobKind.PROMPT, MON, 2, NOW + 20 * MINUTE, None),
            Occurrence(on, JobKind.PROMPT, MON, 3, NOW + 90 * MINUTE, None),
            Occurrence(on, JobKind.DIGEST, MON, None, NOW + 40 * MINUTE, None),
            Occurrence(off, JobKind.PROMPT, MON, 1, NOW + 30 * MINUTE, None),
        ]
    )
    handoffs = stores.handoffs
    found = handoffs.candidates(NOW, dt.timedelta(0), 60 * MINUTE, 10)
    assert [(c.standup_id, c.user_id, c.run_date) for c in found] == [(on, 2, MON), (on, 1, MON)]
    assert [c.user_id for c in handoffs.candidates(NOW, dt.timedelta(0), 60 * MINUTE, 1)] == [2]
    second, first = found
    assert handoffs.record(first.job_id, 9001, NOW)
    assert not handoffs.record(first.job_id, 9002, NOW)
    assert handoffs.record(second.job_id, 9003, NOW)
    assert [c.user_id for c in handoffs.candidates(NOW, dt.timedelta(0), 60 * MINUTE, 10)] == []
    assert handoffs.scheduled_id_of(str(JobKey(on, JobKind.PROMPT, MON, 1))) == 9001
    assert handoffs.scheduled_id_of(str(JobKey(on, JobKind.PROMPT, MON, 3))) is None
    held = handoffs.handed_off([9001, 9003, 9999])
    assert set(held) == {9001, 9003}
    assert (held[9001].job_id, held[9001].status, held[9001].due_at) == (
        first.job_id,
        JobStatus.PENDING,
        NOW + 30 * MINUTE,
    )
    assert (held[9003].use_scheduled_messages, held[9003].honour_away) == (True, True)
    assert (held[9001].zulip_away, held[9003].zulip_away) == (False, True)
    assert not held[9001].prompt_claimed
    # Ann answers ahead: her conversation claims its prompt, and the hand-off shows it.
    run = stores.runs.run_for(on, MON, NOW)
    conversation, _ = stores.runs.start_conversation(run.id, 1, NOW)
    assert stores.runs.claim_prompt(conversation.id, NOW)
    assert handoffs.handed_off([9001])[9001].prompt_claimed
    assert not handoffs.handed_off([9003])[9003].prompt_claimed
    handoffs.clear(first.job_id, 9999)  # not its id: nothing changes
    assert handoffs.scheduled_id_of(str(JobKey(on, JobKind.PROMPT, MON, 1))) == 9001
    handoffs.clear(first.job_id, 9001)
    assert handoffs.scheduled_id_of(str(JobKey(on, JobKind.PROMPT, MON, 1))) is None
    (claimed,) = jobs.claim_due(NOW + 20 * MINUTE, 10, "w1")
    assert handoffs.handed_off([9003])[9003].status is JobStatus.CLAIMED
    assert not handoffs.record(claimed.id, 1, NOW)


def test_a_settings_change_after_a_hand_off_marks_its_text_stale(stores: StoreSet) -> None:
    """Ann's prompt is handed off at 09:00; the standup is renamed at 09:01: the hand-off
    shows its settings changed (its id stays until the cancel), the other standup's does not,
    and a hand-off recorded after the rename is current again."""
    realm = stores.realm()
    daily = _standup(stores, realm, use_scheduled_messages=True)
    retro = _standup(stores, realm, "retro", use_scheduled_messages=True)
    stores.jobs.insert(
        [Occurrence(sid, JobKind.PROMPT, MON, 1, NOW + 30 * MINUTE, None) for sid in (daily, retro)]
    )
    handoffs = stores.handoffs
    found = {c.standup_id: c for c in handoffs.candidates(NOW, dt.timedelta(0), 60 * MINUTE, 10)}
    assert handoffs.record(found[daily].job_id, 9001, NOW)
    assert handoffs.record(found[retro].job_id, 9002, NOW)
    assert not handoffs.handed_off([9001])[9001].settings_changed
    standup = stores.standups.get(daily)
    assert standup is not None
    renamed = StandupChange(
        realm, NOW + MINUTE, standup_id=daily, settings=standup.settings.with_changes(name="web")
    )
    stores.standups.apply_change(renamed)
    held = handoffs.handed_off([9001, 9002])
    assert (held[9001].settings_changed, held[9002].settings_changed) == (True, False)
    assert handoffs.scheduled_id_of(str(JobKey(daily, JobKind.PROMPT, MON, 1))) == 9001
    handoffs.clear(found[daily].job_id, 9001)
    assert handoffs.record(found[daily].job_id, 9003, NOW + 2 * MINUTE)
    assert not handoffs.handed_off([9003])[9003].settings_changed


def test_hand_offs_are_not_in_use_without_the_option(stores: StoreSet) -> None:
    """No standup with the option and no live handed-off job: the hand-off stays idle."""
    realm = stores.realm()
    _standup(stores, realm)
    assert not stores.handoffs.in_use()


def test_a_step_can_claim_the_prompt_in_the_same_commit(stores: StoreSet) -> None:
    """A skip ahead stores its step and the prompt's claim at once, so the prompt job finds
    the prompt taken; a claim made before keeps its time."""
    realm = stores.realm()
    runs = stores.runs
    run = runs.run_for(_standup(stores, realm), MON, NOW)
    fresh, _ = runs.start_conversation(run.id, 1, NOW)
    skipped = ConversationState(3, Phase.SKIPPED)
    assert runs.commit_step(fresh.id, NOW + MINUTE, skipped, (), claim_prompt=True)
    stored = runs.conversation(run.id, 1)
    assert (stored.state, stored.prompted_at) == (Phase.SKIPPED, NOW + MINUTE)
    assert not runs.claim_prompt(fresh.id, NOW + 2 * MINUTE)
    claimed, _ = runs.start_conversation(run.id, 2, NOW)
    assert runs.claim_prompt(claimed.id, NOW)
    asking = ConversationState(3, Phase.ASKING)
    assert runs.commit_step(claimed.id, NOW + 5 * MINUTE, asking, (), claim_prompt=True)
    assert runs.conversation(run.id, 2).prompted_at == NOW
    plain, _ = runs.start_conversation(run.id, 3, NOW)
    runs.commit_step(plain.id, NOW, skipped, ())
    assert runs.conversation(run.id, 3).prompted_at is None


def test_a_turn_is_started_once_with_its_run(stores: StoreSet) -> None:
    """``start_turn`` creates the run and a pending conversation on first use, and hands
    back the same rows afterwards (the run shared by the standup's people)."""
    realm = stores.realm()
    runs = stores.runs
    daily = _standup(stores, realm)
    run, first = runs.start_turn(daily, MON, 1, NOW)
    assert (run.standup_id, run.run_date, first.state, first.prompted_at) == (
        daily,
        MON,
        Phase.PENDING,
        None,
    )
    again_run, again = runs.start_turn(daily, MON, 1, NOW + MINUTE)
    assert (again_run.id, again.id) == (run.id, first.id)
    other_run, other = runs.start_turn(daily, MON, 2, NOW)
    assert other_run.id == run.id
    assert other.id != first.id
    assert runs.find_run(daily, MON) == run
    assert runs.conversation(run.id, 1) == first


def test_a_first_claim_step_is_refused_after_a_claim(stores: StoreSet) -> None:
    """A step that is the prompt's first claim stores state and claim; once the prompt is
    claimed, the same step is refused and writes nothing."""
    realm = stores.realm()
    runs = stores.runs
    run, conversation = runs.start_turn(_standup(stores, realm), MON, 1, NOW)
    asking = ConversationState(3, Phase.ASKING)
    assert runs.commit_step(conversation.id, NOW, asking, (), first_claim=True)
    stored = runs.conversation(run.id, 1)
    assert stored is not None
    assert (stored.state, stored.prompted_at) == (Phase.ASKING, NOW)
    _, later = runs.start_turn(_standup(stores, realm, "weekly"), MON, 1, NOW)
    assert runs.claim_prompt(later.id, NOW)
    asking_later = ConversationState(3, Phase.ASKING, current=1)
    assert not runs.commit_step(later.id, NOW + MINUTE, asking_later, (), first_claim=True)
    unchanged = runs.conversation(later.run_id, 1)
    assert unchanged is not None
    assert (unchanged.state, unchanged.question_index) == (Phase.PENDING, 0)


def test_the_last_run_before_a_date(stores: StoreSet) -> None:
    """The standup's latest run before a date, not another standup's, none before the first."""
    realm = stores.realm()
    runs = stores.runs
    daily, weekly = _standup(stores, realm), _standup(stores, realm, "weekly")
    mon = runs.run_for(daily, MON, NOW)
    runs.run_for(weekly, TUE, NOW)
    runs.run_for(daily, WED, NOW)
    assert runs.last_run_before(daily, MON) is None
    assert runs.last_run_before(daily, TUE) == mon
    assert runs.last_run_before(daily, WED) == mon
    assert runs.last_run_before(daily, WED + dt.timedelta(days=1)) == runs.find_run(daily, WED)
