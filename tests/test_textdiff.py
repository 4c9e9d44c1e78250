"""What changed in a narrative is visible: added and removed words and sentences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fowdesk.domain.textdiff import (
    DiffKind,
    DiffPiece,
    added_words,
    removed_words,
    sentence_changes,
    sentences,
    word_diff,
)

FEBRUARY = (
    "• RSA confirmed that the CofL platform rests with their technology partner – DigitalMe.\n"
    "• Ongoing discussions with RSA on delivery of CofL."
)


def test_an_added_paragraph_is_the_only_thing_marked_added() -> None:
    march = FEBRUARY + "\n• RSA exemption cleared by the procurement board."
    pieces = word_diff(FEBRUARY, march)
    assert [p.kind for p in pieces] == [DiffKind.SAME, DiffKind.ADDED]
    assert added_words(FEBRUARY, march) == ["• RSA exemption cleared by the procurement board."]
    assert removed_words(FEBRUARY, march) == []


def test_a_changed_word_is_removed_then_added_in_place() -> None:
    pieces = word_diff("Pilot agreed with two schools.", "Pilot agreed with four schools.")
    assert pieces == [
        DiffPiece(DiffKind.SAME, "Pilot agreed with "),
        DiffPiece(DiffKind.REMOVED, "two "),
        DiffPiece(DiffKind.ADDED, "four "),
        DiffPiece(DiffKind.SAME, "schools."),
    ]


def test_rewrapping_is_not_a_change() -> None:
    assert removed_words("one two  three", "one\ntwo three") == []
    assert added_words("one two  three", "one\ntwo three") == []


def test_sentences_added_and_removed_read_as_written() -> None:
    changed = sentence_changes(
        FEBRUARY, "• Ongoing discussions with RSA on delivery of CofL. Terms agreed (see point 1)."
    )
    assert changed.removed == [
        "RSA confirmed that the CofL platform rests with their technology partner – DigitalMe."
    ]
    assert changed.added == ["Terms agreed (see point 1)."]
    assert sentences("• One. “Two.” Three!\nFour") == ["One.", "“Two.”", "Three!", "Four"]


def test_two_unrelated_long_narratives_are_shown_removed_and_added_whole() -> None:
    old = " ".join(f"old{n % 7} words." for n in range(5000))
    new = " ".join(f"new{n % 5} text." for n in range(5000))
    pieces = word_diff(old, new)
    assert "".join(p.text for p in pieces if p.kind is not DiffKind.ADDED) == old
    assert "".join(p.text for p in pieces if p.kind is not DiffKind.REMOVED) == new


@settings(max_examples=200, deadline=None)
@given(
    old=st.lists(st.sampled_from(["a", "b.", "c", "\n", "  ", "d!", "é"]), max_size=30),
    new=st.lists(st.sampled_from(["a", "b.", "c", "\n", "  ", "d!", "é"]), max_size=30),
)
def test_the_pieces_give_back_both_texts_word_for_word(old: list[str], new: list[str]) -> None:
    old_text, new_text = " ".join(old), " ".join(new)
    pieces = word_diff(old_text, new_text)
    kept_old = "".join(p.text for p in pieces if p.kind is not DiffKind.ADDED)
    kept_new = "".join(p.text for p in pieces if p.kind is not DiffKind.REMOVED)
    assert kept_old.split() == old_text.split()
    assert kept_new.split() == new_text.split()
    assert all(p.text for p in pieces)
