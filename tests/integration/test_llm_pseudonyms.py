"""Placeholders for names sent to the AI service: stable numbers, full hiding, exact restoring."""

from __future__ import annotations

import datetime as dt

from integration.fake_openai import FakeOpenAI, Reply
from zulip_standup.domain.reports.report import AnswerSet, PersonRef, sanitizer_for
from zulip_standup.domain.reports.summary import SummaryDay
from zulip_standup.domain.standup import DEFAULT_QUESTIONS, MentionPolicy
from zulip_standup.llm.openai_compat import AIConfig, summarize
from zulip_standup.llm.pseudonyms import assign

SILENT = sanitizer_for(MentionPolicy.SILENT)
DAY = dt.date(2026, 11, 30)
AT = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)

ANN = PersonRef(30, "Ann Lee")
WILL = PersonRef(10, "Will Turner")
ANNA = PersonRef(20, "Anna Lee-Smith")


def test_numbering_follows_user_ids_whatever_the_order() -> None:
    """The same people get the same placeholders every day, in user-id order."""
    forward = assign([ANN, WILL, ANNA])
    backward = assign([ANNA, ANN, WILL, ANN])
    assert (
        forward.placeholders
        == backward.placeholders
        == {
            10: "Person 1",
            20: "Person 2",
            30: "Person 3",
        }
    )


def test_names_first_names_and_mentions_are_hidden() -> None:
    """Full names (any case), unique first names (exact case) and all mention forms are replaced."""
    pseudonyms = assign([ANN, WILL, ANNA])
    text = (
        "ann lee and Anna Lee-Smith met Will; I will ask @**Will Turner|10**, "
        "@_**Ann Lee**, @**Stranger|99**, @**all** and @*design*. Ann's PR is done."
    )
    assert pseudonyms.hide(text) == (
        "Person 3 and Person 2 met Person 1; I will ask Person 1, "
        "Person 3, someone, a group and a group. Person 3's PR is done."
    )


def test_restore_maps_placeholders_back_and_leaves_unknown_ones() -> None:
    """Known placeholders become the rendered person; numbers nobody has stay as written."""
    pseudonyms = assign([ANN, WILL])
    restored = pseudonyms.restore(
        "Person 1 helps person 2; Person 10 and Person 3 are unknown.",
        lambda p: f"<{p.user_id}>",
    )
    assert restored == "<10> helps <30>; Person 10 and Person 3 are unknown."


CAROL = PersonRef(40, "Carol Member")
DAVE = PersonRef(41, "Dave Member")
MAY = PersonRef(50, "May Parker")


MODAL_NAME_RULE = [  # (what a person wrote, what the AI service gets)
    # Lower case: the ordinary words, never a name.
    ("I will ask if we may ship", "I will ask if we may ship"),
    # Capitalised mid-sentence: the person.
    ("Paired with Will on it; asked May.", "Paired with Person 1 on it; asked Person 2."),
    # Opening a sentence before a verb's plain form: the modal verb.
    (
        "Will fix CI tomorrow. May need help from ops",
        "Will fix CI tomorrow. May need help from ops",
    ),
    (
        "- Will focus on docs\n- May discuss it with ops",
        "- Will focus on docs\n- May discuss it with ops",
    ),
    # Opening a sentence before anything else: the person.
    ("Will fixed CI. May is out today", "Person 1 fixed CI. Person 2 is out today"),
    ("Will's PR merged; Will and I paired", "Person 1's PR merged; Person 1 and I paired"),
    ("May said yes. Will has the key", "Person 2 said yes. Person 1 has the key"),
    # A capitalised "May" mid-sentence could be the month: hidden anyway (privacy first).
    ("Release moves to May", "Release moves to Person 2"),
]


def test_names_that_are_also_modal_verbs() -> None:
    """People called Will and May are hidden; the verbs "will"/"may" are not, in any position."""
    pseudonyms = assign([WILL, MAY])
    assert [pseudonyms.hide(said) for said, _ in MODAL_NAME_RULE] == [
        sent for _, sent in MODAL_NAME_RULE
    ]


def test_a_first_name_two_people_share_is_hidden_as_someone() -> None:
    """A bare "Dave" could be either Dave: it is hidden as "someone", never left in the text."""
    pseudonyms = assign([CAROL, DAVE, PersonRef(42, "Dave Jones")])
    assert pseudonyms.hide("Dave is blocked; Dave Jones helps Carol Member and Carol") == (
        "someone is blocked; Person 3 helps Person 1 and Person 1"
    )


async def test_plain_names_of_anyone_known_never_reach_the_ai_service() -> None:
    """Full and first names typed as plain text are hidden like mentions, and come back.

    Ann and Ben answer; Carol is a member of the standup who did not answer and
    Dave is someone else in the organisation. Whatever form their names take in
    the answers, the request holds only placeholders (the same one for a
    person's name and their mention), and the summary people see names them.
    """
    ann, ben = PersonRef(10, "Ann Archer"), PersonRef(11, "Ben Baker")
    answers = (
        AnswerSet(
            ann, DAY, ("Paired with Carol Member on the release; Dave is blocked", "-", "no"), AT
        ),
        AnswerSet(
            ben, DAY, ("Reviewed carol member's doc with @**Dave Member|41**", "Ann", "no"), AT
        ),
    )
    day = SummaryDay("Team", DAY, DEFAULT_QUESTIONS, answers, 3, 0, known_people=(CAROL, DAVE))
    reply = "- Person 1 paired with Person 3; Person 4 is blocked.\n- Person 2 helped Person 4."
    async with FakeOpenAI([Reply(reply)]) as server:
        result = await summarize(day, AIConfig(server.base_url, "fake"), sanitize=SILENT)
    [request] = server.requests
    for name in ("Ann", "Archer", "Ben", "Baker", "Carol", "carol", "Member", "member", "Dave"):
        assert name not in request.text, f"{name!r} reached the AI service"
    sent = request.body["messages"][1]["content"]
    assert "Paired with Person 3 on the release; Person 4 is blocked" in sent
    assert "Reviewed Person 3's doc with Person 4" in sent
    assert result.source == "ai"
    assert result.text == (
        "- @_**Ann Archer|10** paired with @_**Carol Member|40**; "
        "@_**Dave Member|41** is blocked.\n"
        "- @_**Ben Baker|11** helped @_**Dave Member|41**."
    )
