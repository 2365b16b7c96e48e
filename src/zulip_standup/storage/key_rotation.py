"""Re-encrypting stored answers under the newest key while the bot keeps writing them.

Each batch is read in a short transaction, re-encrypted with no transaction open, and
written back by compare-and-set: a row is updated only if it still holds the ciphertext
that was read. A row that changed in between (an edit committed by the running bot) is
read again and rotated from its new text, so a concurrent edit is never overwritten with
the old one. The same code is safe on SQLite (one writer) and PostgreSQL (READ COMMITTED
re-checks the condition against the committed row).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, select, update

from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.engine import reading
from zulip_standup.storage.tables import answers

ROTATE_BATCH = 500
# A row edited this many times while its rotation was retried is left to the next run.
MAX_ROUNDS_PER_BATCH = 20

AfterRead = Callable[[Sequence[int]], None]


class RotationIncompleteError(Exception):
    """Rows kept changing while being rotated; running ``rotate-keys`` again finishes them."""


def rotate_answers(
    engine: Engine,
    cipher: AnswerCipher,
    *,
    batch_size: int = ROTATE_BATCH,
    after_read: AfterRead | None = None,
) -> int:
    """Re-encrypt every answer with the newest key; return how many rows were rewritten.

    ``after_read`` is called with the ids of each batch once it is read and before any of
    it is written (a point where the bot may commit edits; tests synchronise on it).
    """
    rewritten = 0
    last_id = 0
    while True:
        with reading(engine) as conn:
            rows = conn.execute(
                select(answers.c.id, answers.c.text, answers.c.encrypted)
                .where(answers.c.id > last_id)
                .order_by(answers.c.id)
                .limit(batch_size)
            ).all()
        if not rows:
            return rewritten
        if after_read is not None:
            after_read([int(r.id) for r in rows])
        rewritten += _rotate_batch(engine, cipher, list(rows))
        last_id = int(rows[-1].id)


def _rotate_batch(engine: Engine, cipher: AnswerCipher, rows: list[Any]) -> int:
    """Write a batch back by compare-and-set, re-reading and retrying rows that changed."""
    rewritten = 0
    for _ in range(MAX_ROUNDS_PER_BATCH):
        sealed = [(r, cipher.rotate(r.text, bool(r.encrypted))) for r in rows]
        changed: list[int] = []
        with engine.begin() as conn:
            for row, text in sealed:
                result = conn.execute(
                    update(answers)
                    .where(
                        answers.c.id == row.id,
                        answers.c.text == row.text,
                        answers.c.encrypted == row.encrypted,
                    )
                    .values(text=text, encrypted=True)
                )
                if result.rowcount:
                    rewritten += 1
                else:
                    changed.append(int(row.id))
        if not changed:
            return rewritten
        with reading(engine) as conn:  # deleted rows simply drop out
            rows = list(
                conn.execute(
                    select(answers.c.id, answers.c.text, answers.c.encrypted).where(
                        answers.c.id.in_(changed)
                    )
                ).all()
            )
        if not rows:
            return rewritten
    msg = f"{len(rows)} answers kept changing while being re-encrypted; run rotate-keys again"
    raise RotationIncompleteError(msg)
