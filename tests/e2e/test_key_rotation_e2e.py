"""Key rotation while the real bot runs and answers and edits arrive through localzulip."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Sequence

from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import select

from localzulip import LocalZulip
from zulip_standup.domain.conversation.machine import EDIT_EMOJI
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.tables import answers

from .harness import SteppedClock, running_bot, wait_for
from .people import bot_replies_after, dm, eventually, reactions_of

MONDAY_0300 = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


def _keys(*keys: str) -> list[SecretStr]:
    return [SecretStr(k) for k in keys]


async def test_rotation_while_the_bot_runs_and_answers_arrive(
    zulip: LocalZulip, database_url: str
) -> None:
    """Promise 7: `rotate-keys` runs while the bot is up; after its first batch is read and
    before it is written, Carol edits an answer of that batch and Alice answers for the day.
    Afterwards every answer reads back as last written, with the new key alone."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    bot_id = zulip.bot.user_id
    clock = SteppedClock(MONDAY_0300)
    async with running_bot(zulip, database_url, clock, encryption_keys=_keys(old)):
        zulip.human("alice").send_stream("standup", "general", "@**Standup** setup")
        await wait_for(zulip, lambda m: m.sender_id == bot_id and "is set up" in m.content)
        clock.set(dt.datetime(2026, 11, 30, 4, 1, tzinfo=dt.UTC))  # 09:31 in Kolkata
        await wait_for(zulip, lambda m: m.sender_id == bot_id and "Question 1 of 3" in m.content)
        carol = zulip.human("carol")
        first = carol.dm_bot("CAROL-ONE")
        await bot_replies_after(zulip, "carol", first, 1)
        await dm(zulip, "carol", "CAROL-TWO")
        await dm(zulip, "carol", "none")

    # The operator puts the new key first, restarts the bot, then rotates.
    async with running_bot(zulip, database_url, clock, encryption_keys=_keys(new, old)) as bot:
        loop = asyncio.get_running_loop()
        batch_read = asyncio.Event()
        go_on = threading.Event()

        def after_read(ids: Sequence[int]) -> None:
            if not go_on.is_set():  # hold the first batch only
                loop.call_soon_threadsafe(batch_read.set)
                assert go_on.wait(60), "the test never let the rotation go on"

        rotation = RunStore(bot.engine, AnswerCipher([new, old]))
        rotating = asyncio.create_task(
            asyncio.to_thread(rotation.rotate_keys, batch_size=2, after_read=after_read)
        )
        try:
            await asyncio.wait_for(batch_read.wait(), 30)
            carol.edit(first, content="CAROL-ONE-EDITED")
            await eventually(
                lambda: reactions_of(zulip, first) == [EDIT_EMOJI], "the edit is stored"
            )
            clock.set(dt.datetime(2026, 11, 30, 8, 31, tzinfo=dt.UTC))  # 09:31 in Berlin
            await wait_for(
                zulip,
                lambda m: (
                    m.sender_id == bot_id
                    and set(m.dm_user_ids) == {bot_id, zulip.user("alice").user_id}
                    and "Question 1 of 3" in m.content
                ),
            )
            await dm(zulip, "alice", "1. ALICE-ONE\n2. ALICE-TWO\n3. none")
        finally:
            go_on.set()
        assert await asyncio.wait_for(rotating, 30) == 6

        with bot.engine.connect() as conn:
            stored = conn.execute(
                select(answers.c.user_id, answers.c.question_index, answers.c.text)
                .where(answers.c.encrypted.is_(True))
                .order_by(answers.c.user_id, answers.c.question_index)
            ).all()
    only_new = AnswerCipher([new])
    texts = [only_new.open(row.text, encrypted=True) for row in stored]
    assert sorted(texts) == sorted(
        ["CAROL-ONE-EDITED", "CAROL-TWO", "none", "ALICE-ONE", "ALICE-TWO", "none"]
    )
