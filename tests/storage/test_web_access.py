"""The web dashboard's credentials on memory, SQLite and PostgreSQL (``stores``): login links
are used once, sessions die when ended, idle or expired, API tokens are one per name and
gone when revoked, purging and ``forget me`` delete what they should. Concurrent link uses
and SQLite's read transactions run on the SQL stores only (``engine``, ``sqlite_engine``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

from sqlalchemy import Engine

from storage.scheduling_rows import add_realm
from storage.store_set import StoreSet
from zulip_standup.domain.records import WebUser
from zulip_standup.storage.web_access import WebAccessStore

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
ANN, BO = 1001, 1002


def digest(secret: str) -> str:
    """What the caller stores in place of a secret: its SHA-256 hex digest."""
    return hashlib.sha256(secret.encode()).hexdigest()


def test_a_login_link_works_once(stores: StoreSet) -> None:
    """The first use of a link gives its person; the second gives nothing."""
    realm = stores.realm()
    stores.web.add_login(realm, ANN, digest("link"), NOW, NOW + 15 * MINUTE)
    assert stores.web.use_login(digest("link"), NOW + MINUTE) == WebUser(realm, ANN)
    assert stores.web.use_login(digest("link"), NOW + 2 * MINUTE) is None


def test_an_expired_link_is_refused_from_its_expiry_on(stores: StoreSet) -> None:
    """A link works just before ``expires_at``; at ``expires_at`` exactly it is refused."""
    realm = stores.realm()
    stores.web.add_login(realm, ANN, digest("early"), NOW, NOW + 15 * MINUTE)
    stores.web.add_login(realm, ANN, digest("late"), NOW, NOW + 15 * MINUTE)
    just_before = NOW + 15 * MINUTE - dt.timedelta(microseconds=1)
    assert stores.web.use_login(digest("early"), just_before) == WebUser(realm, ANN)
    assert stores.web.use_login(digest("late"), NOW + 15 * MINUTE) is None


def test_unknown_digests_find_nothing(stores: StoreSet) -> None:
    """A digest never stored opens nothing and ends nothing."""
    unknown = digest("never issued")
    assert stores.web.use_login(unknown, NOW) is None
    assert stores.web.session(unknown, NOW, HOUR) is None
    assert stores.web.api_token(unknown, NOW) is None
    assert stores.web.end_session(unknown, NOW) is False


def test_ending_a_session_logs_it_out_once(stores: StoreSet) -> None:
    """``end_session`` is True for a live session, which is then refused; ending it again,
    or ending an expired session, is False."""
    realm = stores.realm()
    stores.web.add_session(realm, ANN, digest("s"), NOW, NOW + DAY)
    stores.web.add_session(realm, ANN, digest("short"), NOW, NOW + HOUR)
    assert stores.web.end_session(digest("s"), NOW + MINUTE) is True
    assert stores.web.session(digest("s"), NOW + 2 * MINUTE, HOUR) is None
    assert stores.web.end_session(digest("s"), NOW + 2 * MINUTE) is False
    assert stores.web.end_session(digest("short"), NOW + HOUR) is False


def test_ending_a_persons_sessions_also_spends_their_unused_links(stores: StoreSet) -> None:
    """``sessions revoke``: Ann's live sessions end (the count leaves out the one she had
    ended herself), and a link sent to her before cannot start a new session. Bo keeps
    his session and his link."""
    realm = stores.realm()
    web = stores.web
    web.add_session(realm, ANN, digest("ann-1"), NOW, NOW + DAY)
    web.add_session(realm, ANN, digest("ann-2"), NOW, NOW + DAY)
    web.add_session(realm, ANN, digest("ann-old"), NOW, NOW + DAY)
    assert web.end_session(digest("ann-old"), NOW)
    web.add_session(realm, BO, digest("bo"), NOW, NOW + DAY)
    web.add_login(realm, ANN, digest("ann-link"), NOW, NOW + 15 * MINUTE)
    web.add_login(realm, BO, digest("bo-link"), NOW, NOW + 15 * MINUTE)

    assert web.end_sessions_of(realm, ANN, NOW + MINUTE) == 2

    later = NOW + 2 * MINUTE
    assert web.session(digest("ann-1"), later, HOUR) is None
    assert web.session(digest("ann-2"), later, HOUR) is None
    assert web.use_login(digest("ann-link"), later) is None
    assert web.session(digest("bo"), later, HOUR) == WebUser(realm, BO)
    assert web.use_login(digest("bo-link"), later) == WebUser(realm, BO)
    assert web.end_sessions_of(realm, ANN, later) == 0


def test_a_session_dies_after_an_idle_hour(stores: StoreSet) -> None:
    """With an idle limit of one hour, a session not used for 61 minutes is refused, and
    stays refused even before its absolute expiry."""
    realm = stores.realm()
    stores.web.add_session(realm, ANN, digest("s"), NOW, NOW + DAY)
    assert stores.web.session(digest("s"), NOW + 61 * MINUTE, HOUR) is None
    assert stores.web.session(digest("s"), NOW + 62 * MINUTE, HOUR) is None


def test_a_session_in_use_lives_past_its_idle_limit(stores: StoreSet) -> None:
    """Used every 50 minutes with an idle limit of one hour, a session stays alive for more
    than three hours: each use counts as a sighting."""
    realm = stores.realm()
    stores.web.add_session(realm, ANN, digest("s"), NOW, NOW + DAY)
    for step in range(1, 5):  # 50, 100, 150 and 200 minutes
        at = NOW + step * 50 * MINUTE
        assert stores.web.session(digest("s"), at, HOUR) == WebUser(realm, ANN), step


def test_a_session_ends_at_its_expiry_however_busy(stores: StoreSet) -> None:
    """Used every 10 minutes, a session that expires two hours after its start is refused
    at that instant."""
    realm = stores.realm()
    stores.web.add_session(realm, ANN, digest("s"), NOW, NOW + 2 * HOUR)
    for step in range(1, 12):
        assert stores.web.session(digest("s"), NOW + step * 10 * MINUTE, HOUR) is not None
    assert stores.web.session(digest("s"), NOW + 2 * HOUR, HOUR) is None


def test_a_sighting_under_a_minute_old_is_not_written_again(stores: StoreSet) -> None:
    """Seen 59 s after the last sighting, a session is served without moving its sighting;
    seen 60 s after, the sighting moves. So the one seen at 59 s is idle an hour after its
    creation, the one seen at 60 s is still alive then."""
    realm = stores.realm()
    stores.web.add_session(realm, ANN, digest("at-59s"), NOW, NOW + DAY)
    stores.web.add_session(realm, ANN, digest("at-60s"), NOW, NOW + DAY)
    assert stores.web.session(digest("at-59s"), NOW + dt.timedelta(seconds=59), HOUR)
    assert stores.web.session(digest("at-60s"), NOW + dt.timedelta(seconds=60), HOUR)
    after_an_hour = NOW + HOUR + dt.timedelta(seconds=30)
    assert stores.web.session(digest("at-59s"), after_an_hour, HOUR) is None
    assert stores.web.session(digest("at-60s"), after_an_hour, HOUR) == WebUser(realm, ANN)


def test_api_tokens_one_per_name_listed_oldest_first(stores: StoreSet) -> None:
    """A second token of one name is refused (None); another person may use that name.
    The list is ordered by creation, then id."""
    realm = stores.realm()
    web = stores.web
    ci = web.add_api_token(realm, ANN, "ci", digest("t1"), NOW)
    assert isinstance(ci, int)
    assert web.add_api_token(realm, ANN, "ci", digest("t2"), NOW + MINUTE) is None
    bos = web.add_api_token(realm, BO, "ci", digest("t3"), NOW)
    laptop = web.add_api_token(realm, ANN, "laptop", digest("t4"), NOW + HOUR)
    phone = web.add_api_token(realm, ANN, "phone", digest("t5"), NOW + HOUR)
    backfilled = web.add_api_token(realm, ANN, "old", digest("t6"), NOW - DAY)
    assert len({ci, bos, laptop, phone, backfilled}) == 5

    listed = web.api_tokens_of(realm, ANN)
    assert [(t.name, t.token_id) for t in listed] == [
        ("old", backfilled),
        ("ci", ci),
        ("laptop", laptop),
        ("phone", phone),
    ]
    assert [t.created_at for t in listed] == [NOW - DAY, NOW, NOW + HOUR, NOW + HOUR]
    assert all(t.last_used_at is None for t in listed)
    assert [t.name for t in web.api_tokens_of(realm, BO)] == ["ci"]


def test_an_api_token_finds_its_person_until_revoked(stores: StoreSet) -> None:
    """A token's lookup gives its person; once revoked it gives nothing, revoking it again
    is False, and the name is free for a new token."""
    realm = stores.realm()
    web = stores.web
    web.add_api_token(realm, ANN, "ci", digest("t1"), NOW)
    assert web.api_token(digest("t1"), NOW + MINUTE) == WebUser(realm, ANN)
    assert web.revoke_api_token(realm, ANN, "ci") is True
    assert web.api_token(digest("t1"), NOW + 2 * MINUTE) is None
    assert web.revoke_api_token(realm, ANN, "ci") is False
    assert web.api_tokens_of(realm, ANN) == []
    assert web.add_api_token(realm, ANN, "ci", digest("t2"), NOW) is not None


def test_an_api_tokens_last_use_is_written_at_most_once_a_minute(stores: StoreSet) -> None:
    """Used at 9:01, again at 9:01:30 (not written) and at 9:02 (written)."""
    realm = stores.realm()
    web = stores.web
    web.add_api_token(realm, ANN, "ci", digest("t1"), NOW)

    def last_used() -> dt.datetime | None:
        (token,) = web.api_tokens_of(realm, ANN)
        return token.last_used_at

    web.api_token(digest("t1"), NOW + MINUTE)
    assert last_used() == NOW + MINUTE
    assert web.api_token(digest("t1"), NOW + dt.timedelta(seconds=90)) is not None
    assert last_used() == NOW + MINUTE
    web.api_token(digest("t1"), NOW + 2 * MINUTE)
    assert last_used() == NOW + 2 * MINUTE


def test_purge_deletes_expired_and_ended_rows_and_keeps_live_ones(stores: StoreSet) -> None:
    """Purging before 12:00 deletes the link and the session that expired before it and the
    session ended before it; what expires at 12:00 or later, and the session ended after,
    stay (and still work where they are live)."""
    realm = stores.realm()
    web = stores.web
    before = NOW + 3 * HOUR  # 12:00
    web.add_login(realm, ANN, digest("expired-link"), NOW, NOW + HOUR)
    web.add_login(realm, ANN, digest("link-to-12"), NOW, before)
    web.add_login(realm, ANN, digest("live-link"), NOW, before + HOUR)
    web.add_session(realm, ANN, digest("expired"), NOW, NOW + HOUR)
    web.add_session(realm, ANN, digest("ended"), NOW, NOW + DAY)
    web.add_session(realm, ANN, digest("ended-late"), NOW, NOW + DAY)
    web.add_session(realm, ANN, digest("live"), NOW, NOW + DAY)
    assert web.end_session(digest("ended"), NOW + 2 * HOUR)
    assert web.end_session(digest("ended-late"), before + MINUTE)
    web.add_api_token(realm, ANN, "ci", digest("token"), NOW)

    assert web.purge_web_access(before) == 3
    assert web.purge_web_access(before) == 0

    kept = before + MINUTE
    assert web.use_login(digest("live-link"), kept) == WebUser(realm, ANN)
    assert web.session(digest("live"), kept, 4 * HOUR) == WebUser(realm, ANN)
    assert web.api_token(digest("token"), kept) == WebUser(realm, ANN)
    # The kept link and session still count as rows: a later purge deletes them.
    assert web.purge_web_access(NOW + DAY + MINUTE) == 4


def test_forgetting_a_person_deletes_their_links_sessions_and_tokens(stores: StoreSet) -> None:
    """``forget me`` deletes Ann's link, session and token in her realm and says how many;
    Bo's, and Ann's in another realm, stay."""
    realm = stores.realm()
    other_realm = stores.realm("https://other.example.org")
    web = stores.web
    for person, where, key in ((ANN, realm, "ann"), (BO, realm, "bo"), (ANN, other_realm, "x")):
        web.add_login(where, person, digest(f"{key}-link"), NOW, NOW + HOUR)
        web.add_session(where, person, digest(f"{key}-session"), NOW, NOW + DAY)
        web.add_api_token(where, person, "ci", digest(f"{key}-token"), NOW)

    counts = stores.runs.forget_person(realm, ANN, NOW)

    assert (counts["web_logins"], counts["web_sessions"], counts["api_tokens"]) == (1, 1, 1)
    later = NOW + MINUTE
    assert web.use_login(digest("ann-link"), later) is None
    assert web.session(digest("ann-session"), later, HOUR) is None
    assert web.api_token(digest("ann-token"), later) is None
    assert web.api_tokens_of(realm, ANN) == []
    for key, where, person in (("bo", realm, BO), ("x", other_realm, ANN)):
        user = WebUser(where, person)
        assert web.use_login(digest(f"{key}-link"), later) == user
        assert web.session(digest(f"{key}-session"), later, HOUR) == user
        assert web.api_token(digest(f"{key}-token"), later) == user
    assert stores.audit_log()[-1][2:] == ("forget_me", counts)


def test_racing_uses_of_one_link_let_exactly_one_in(engine: Engine) -> None:
    """Eight requests with the same link at the same moment: one gets its person, seven
    get nothing."""
    realm = add_realm(engine)
    web = WebAccessStore(engine)
    web.add_login(realm, ANN, digest("link"), NOW, NOW + 15 * MINUTE)
    threads = 8
    start = threading.Barrier(threads)
    results: list[WebUser | None] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def use() -> None:
        start.wait()
        try:
            user = web.use_login(digest("link"), NOW + MINUTE)
        except BaseException as exc:  # collected and re-raised below
            with lock:
                errors.append(exc)
            return
        with lock:
            results.append(user)

    running = [threading.Thread(target=use) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    assert errors == []
    assert results.count(WebUser(realm, ANN)) == 1
    assert results.count(None) == threads - 1


def test_lookups_take_the_write_lock_only_when_they_write(
    sqlite_engine: Engine, begins: list[str]
) -> None:
    """On SQLite a session or token lookup within a minute of the last sighting, and the
    token list, read in a deferred transaction only; a lookup due a write reads deferred,
    then writes in one immediate transaction."""
    realm = add_realm(sqlite_engine)
    web = WebAccessStore(sqlite_engine)
    web.add_session(realm, ANN, digest("s"), NOW, NOW + DAY)
    web.add_api_token(realm, ANN, "ci", digest("t"), NOW)
    web.api_token(digest("t"), NOW)
    begins.clear()

    assert web.session(digest("s"), NOW + dt.timedelta(seconds=30), HOUR)
    assert web.api_token(digest("t"), NOW + dt.timedelta(seconds=30))
    assert [t.name for t in web.api_tokens_of(realm, ANN)] == ["ci"]
    assert begins == ["BEGIN DEFERRED"] * 3

    begins.clear()
    assert web.session(digest("s"), NOW + 2 * MINUTE, HOUR)
    assert begins == ["BEGIN DEFERRED", "BEGIN IMMEDIATE"]
