"""Whether a direct message answers an open standup question or is a command.

Every message takes this one route, whether it arrives live or is caught up
after a restart. For a person with an open question:

1. A message addressed to the bot (``@**Standup** …``, ``/standup …``) or
   starting with ``/`` is a command.
2. A message starting with the answer mark ``>`` is an answer (stored without
   the mark): the way to answer with text that reads like a command.
3. The conversation's own words (``skip``, ``back``, ``restart``,
   ``change <n> <text>``) go to the conversation of the current run.
4. Text that reads as a valid command (``help``, ``my data``, ``status``,
   ``pause`` …) is that command; the question stays open.
5. Anything else, including text that only starts with a command word but is
   not a valid command, answers the open question.

A conversation left open from an earlier day takes only rules 2, 4 and 5: there
``skip`` or ``back`` mean the commands about today.
"""

from __future__ import annotations

from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.conversation.answers import is_marked
from zulip_standup.domain.conversation.machine import MessageReceived, classify_message

TRUNCATION_NOTE = "\n[message truncated]"


def answers_open_question(
    body: str, parsed: ct.ParseResult, *, addressed: bool, current: bool
) -> bool:
    """Whether a DM answers the person's open question (see the module rules).

    ``body`` is the text without the bot's address, ``parsed`` the text read as a
    command, and ``current`` says the open conversation is of today's run (or later).
    """
    if addressed or body.lstrip().startswith("/"):
        return False
    if is_marked(body):
        return True
    if current and not isinstance(classify_message(body, 0), MessageReceived):
        return True
    return not isinstance(parsed, ct.ParsedCommand)


def is_truncated(text: str, limit: int) -> bool:
    """True for content Zulip shortened to its message limit (it appends a note)."""
    return len(text) >= limit - 1 and text.endswith(TRUNCATION_NOTE)
