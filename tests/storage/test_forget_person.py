"""`forget me` at the storage level, on SQLite and PostgreSQL: no row keeps the person's id."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from zulip_standup.domain.scheduling.jobs import JobKind
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.domain.standup import StandupSettings
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.standups import StandupStore
from zulip_standup.storage.tables import audit_log, jobs

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
ANN, BO, CY = 1001, 1002, 1003


def test_forgetting_deletes_the_persons_jobs_and_scrubs_the_audit_log(engine: Engine) -> None:
    """Promise 8: the person's pending and finished job rows are deleted, and the audit log
    keeps what happened but not who: their actor id becomes 0 and their id leaves every
    participant list. Other people and other realms are untouched."""
    store = StandupStore(engine)
    realm = store.realm_id("https://chat.example.com", "bot@example.com", 99, NOW)
    other_realm = store.realm_id("https://other.example.com", "bot@other.example.com", 9, NOW)
    standup = store.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    store.set_participants(standup.id, [(ANN, "Ann"), (BO, "Bo")], NOW)
    job_store = JobStore(engine)
    day = NOW.date()
    job_store.insert(
        [
            Occurrence(standup.id, JobKind.PROMPT, day, ANN, NOW),
            Occurrence(standup.id, JobKind.PROMPT, day + dt.timedelta(days=1), ANN, NOW),
            Occurrence(standup.id, JobKind.PROMPT, day, BO, NOW + dt.timedelta(hours=1)),
            Occurrence(standup.id, JobKind.DIGEST, day, None, NOW + dt.timedelta(hours=2)),
        ]
    )
    (done,) = job_store.claim_due(NOW, 1, "w1")
    assert job_store.complete(done.id, "w1", NOW)  # Ann's first prompt is finished
    store.audit(realm, standup.id, ANN, "setup", {"times": {}}, NOW)
    store.audit(realm, standup.id, BO, "participants_add", {"added": [ANN, CY], "removed": []}, NOW)
    store.audit(realm, standup.id, BO, "participants_remove", {"added": [], "removed": [ANN]}, NOW)
    store.audit(other_realm, None, ANN, "setup", {"times": {}}, NOW)

    counts = RunStore(engine, AnswerCipher([])).forget_person(realm, ANN, NOW)

    with engine.connect() as conn:
        job_users = conn.execute(select(jobs.c.user_id).order_by(jobs.c.id)).scalars().all()
        log = conn.execute(
            select(audit_log.c.realm_id, audit_log.c.actor_user_id, audit_log.c.detail)
            .where(audit_log.c.action != "forget_me")
            .order_by(audit_log.c.id)
        ).all()
        forgotten = conn.execute(
            select(audit_log.c.actor_user_id).where(audit_log.c.action == "forget_me")
        ).scalars()
        forgotten_actors = list(forgotten)
    assert job_users == [BO, None]
    assert [tuple(row) for row in log] == [
        (realm, 0, {"times": {}}),
        (realm, BO, {"added": [CY], "removed": []}),
        (realm, BO, {"added": [], "removed": []}),
        (other_realm, ANN, {"times": {}}),
    ]
    assert forgotten_actors == [0]  # the deletion itself is logged, by nobody in particular
    assert (counts["jobs"], counts["audit_entries"]) == (2, 3)
