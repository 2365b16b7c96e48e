"""Placeholders for names sent to the AI service: stable numbers, full hiding, exact restoring."""

from __future__ import annotations

from zulip_standup.domain.report import PersonRef
from zulip_standup.llm.pseudonyms import assign

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
