"""Key rotation against concurrent writers, on SQLite and PostgreSQL: no edit is lost."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence

from cryptography.fernet import Fernet
from sqlalchemy import Engine

from zulip_standup.domain.standup import StandupSettings
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.standups import StandupStore

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def test_an_edit_committed_while_a_batch_is_being_rotated_survives(engine: Engine) -> None:
    """Promise 7: rotation has read a batch; before it writes, another connection (a bot
    still on the old key) commits an edit to a row of that batch. The edit is kept, and
    rotation still leaves every row readable with the new key alone."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    store = StandupStore(engine)
    realm = store.realm_id("https://chat.example.com", "bot@example.com", 99, NOW)
    standup = store.create(realm, 3, "dev", 10, StandupSettings(), NOW)
    bot = RunStore(engine, AnswerCipher([old]))
    run = bot.run_for(standup.id, NOW.date(), NOW)
    for index in range(3):
        bot.save_answer(run.id, 1, index, f"Q{index}", f"answer {index}", 100 + index, NOW)
    edits: list[str] = []  # what became of the one concurrent edit

    def edit() -> None:
        try:
            bot.save_answer(run.id, 1, 0, "Q0", "answer 0, edited", 100, NOW, edited=True)
        except Exception as exc:  # reported by the assertion below
            edits.append(f"failed: {exc}")
        else:
            edits.append("committed")

    def edit_in_another_thread(ids: Sequence[int]) -> None:
        """The synchronisation point: a batch is read, nothing of it written yet."""
        if edits:
            return
        worker = threading.Thread(target=edit)
        worker.start()
        worker.join(timeout=30)
        assert not worker.is_alive(), "the edit never finished"

    rotation = RunStore(engine, AnswerCipher([new, old]))
    assert rotation.rotate_keys(batch_size=2, after_read=edit_in_another_thread) == 3
    assert edits == ["committed"]
    readable = RunStore(engine, AnswerCipher([new])).answers_of(run.id)
    assert [a.text for a in readable] == ["answer 0, edited", "answer 1", "answer 2"]
    assert readable[0].edited
