"""Reading a blocker answer like a teammate: ordinary "no" answers are not blockers.

Each case pairs a way of saying "nothing is blocking me" with a near miss
that does report a blocker, so the rule can neither flag every answer nor
wave every answer through. The properties build answers from the parts
people actually combine: negations, fillers, punctuation, emoji, case.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zulip_standup.domain.reports.blockers import is_none_like, is_real_blocker

PAIRS = [
    ("No blockers, waiting on nothing", "No blockers, waiting on Dave for review"),
    ("No, nothing blocking me", "No, but waiting on Dave for the API key"),
    ("Not blocked, not waiting on anything", "blocked on CI"),
    ("nothing is blocking me right now, no worries", "CI is blocking me right now"),
    ("I'm not waiting on anyone", "I'm waiting on Dave"),
    ("Waiting on no one", "Waiting on legal"),
    ("Not really, all good", "Not really, the build is red"),
    ("no issues so far, all smooth", "issues with the VPN so far"),
    ("Nope — all good here 👍", "Nope — staging is down"),
    ("n/a, not stuck", "n/a yet, waiting on design"),
    ("No blockers. Nobody to wait on!", "No blockers. Deploy is stuck though"),
    ("Nothing's blocking me at the moment", "Nothing works at the moment"),
    ("I don't have any blockers today", "I don't have access to prod today"),
    ("Blockers: none", "Blockers: the API key"),
    ("not blocked anymore", "still blocked"),
    ("It's resolved, thanks", "It's not resolved, ops has not replied"),
    ("No longer blocked", "No one can review it"),
    ("Zero blockers 🎉", "Zero progress, stuck on the migration"),
    ("No problems and no blockers", "No problems but waiting on the vendor"),
    ("nah, not stuck", "stuck"),
    ("None at all, nothing holding me up", "None of the tests pass"),
    ("Not that I know of", "not sure"),
    ("**Nothing** blocking, **nobody** to wait for", "**Blocked** by legal review"),
    ("No impediments this week", "Impediments: no test data"),
    ("keine Blocker, alles gut", "Nein, die API ist kaputt"),
    ("pas de blocage aujourd'hui", "bloqué par la revue"),
    ("-- nope, nada", "-- waiting on Dave"),
    ("— nothing here, all good", "— CI"),
]


@pytest.mark.parametrize(("clear", "blocked"), PAIRS)
def test_a_no_answer_is_clear_and_its_near_miss_is_a_blocker(clear: str, blocked: str) -> None:
    """The "no" phrasing is not a blocker; the same shape naming something is one."""
    assert is_none_like(clear), f"{clear!r} was read as a blocker"
    assert is_real_blocker(blocked), f"{blocked!r} was read as no blocker"


NO_CORES = [
    "no",
    "none",
    "nope",
    "nothing",
    "nah",
    "n/a",
    "N/A",
    "not really",
    "no blockers",
    "no blocker",
    "nothing blocking me",
    "nothing is blocking me",
    "not blocked",
    "I'm not blocked",
    "waiting on nothing",
    "waiting for nothing",
    "not waiting on anyone",
    "blocked by nothing",
    "no issues",
    "no problems",
    "all good",
    "all clear",
    "fine",
    "resolved",
    "zero blockers",
    "I don't have any blockers",
]
TAILS = ["", " today", " so far", " for now", " at the moment", " atm", " thanks", " currently"]
JOINS = [", ", "; ", ". ", " — ", " - ", " and ", "\n", "! ", ", but "]
DECOR = ["{}", "{}.", "{}!", "**{}**", "_{}_", "{} 👍", "{} 🙂", "✅ {}", "{} :thumbs_up:", "{}..."]
CONCRETE = [
    "waiting on Dave for the API key",
    "blocked on CI",
    "waiting for review from Carol",
    "the staging database is down",
    "need VPN access",
    "legal has not signed off",
    "stuck on the migration",
    "PR 42 needs a review",
]


@functools.cache
def vocabulary() -> frozenset[str]:
    """Every word the rule knows (imported here so the file also runs on older sources)."""
    from zulip_standup.domain.reports import blocker_words as words

    return words.NEGATIONS | words.BLOCKERISH | words.WELL | words.FILLER | words.CONJUNCTIONS


def _cased(text: str, style: int) -> str:
    return [text, text.upper(), text.lower(), text.capitalize(), text.title()][style]


clear_clauses = st.tuples(st.sampled_from(NO_CORES), st.sampled_from(TAILS), st.integers(0, 4))
no_answers = st.builds(
    lambda parts, join, decor: decor.format(
        join.join(_cased(core + tail, style) for core, tail, style in parts)
    ),
    st.lists(clear_clauses, min_size=1, max_size=3),
    st.sampled_from(JOINS),
    st.sampled_from(DECOR),
)


@settings(max_examples=400, deadline=None)
@given(answer=no_answers)
def test_any_mix_of_no_phrases_fillers_case_and_emoji_is_not_a_blocker(answer: str) -> None:
    """ "No", "nothing blocking me", "all good"… in any case, joined and decorated, read clear."""
    assert is_none_like(answer), answer


@settings(max_examples=400, deadline=None)
@given(
    answer=no_answers,
    join=st.sampled_from([", but ", "; ", ". ", " — ", " but ", "\n"]),
    concrete=st.sampled_from(CONCRETE),
)
def test_a_no_answer_that_goes_on_to_name_a_blocker_is_a_blocker(
    answer: str, join: str, concrete: str
) -> None:
    """Whatever "no" comes first, an added clause naming a person or thing makes it a blocker."""
    assert is_none_like(answer)
    assert is_real_blocker(answer + join + concrete)
    assert is_real_blocker(concrete + join + answer)


unknown_words = st.from_regex(r"[A-Za-z]{2,12}", fullmatch=True).filter(
    lambda word: word.casefold() not in vocabulary()
)


@settings(max_examples=400, deadline=None)
@given(
    core=st.sampled_from(NO_CORES),
    frame=st.sampled_from(["{} {}", "{}, {}", "{} except {}", "{} but {}", "{}: {}"]),
    word=unknown_words,
)
def test_one_word_naming_something_makes_a_no_answer_a_blocker(
    core: str, frame: str, word: str
) -> None:
    """ "no blockers" is clear; "no blockers <anything not in the vocabulary>" is a blocker."""
    assert is_none_like(core)
    assert is_real_blocker(frame.format(core, word))
