"""What changed in a piece of text, word by word and sentence by sentence.

A narrative that gained a paragraph starts with the same words as before, so
cutting "was" and "now" to their opening words shows two identical
truncations. The window's history marks the added and removed words; the
PDF's changes section prints the added and removed sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum

from fowdesk.domain.narrative import BULLET


class DiffKind(StrEnum):
    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class DiffPiece:
    """A run of words that both texts share, or that one of them alone has."""

    kind: DiffKind
    text: str


#: A word with the spaces around it, so pieces join back into the text as written.
_WORD = re.compile(r"\s*\S+\s*|\s+")
#: A word that ends a sentence: . ! or ? with any closing quotes or brackets.
_ENDS_SENTENCE = re.compile(r"[.!?]+[\"'\u2019\u201d)\]]*$")
#: A sentence runs to . ! or ? (with any closing quotes or brackets) before a space or the end.
_SENTENCE = re.compile(r"\S.*?(?:[.!?]+[\"'\u2019\u201d)\]]*(?=\s|$)|$)")

#: Above this many word pairs, a rewritten passage is shown as removed and added
#: whole: comparing two unrelated 10,000-word narratives word by word takes seconds.
WORD_PAIRS_LIMIT = 250_000


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _sentence_runs(text: str) -> list[list[str]]:
    """The text's words grouped into sentences (a line break ends one too)."""
    runs: list[list[str]] = []
    current: list[str] = []
    for word in _words(text):
        current.append(word)
        if _ENDS_SENTENCE.search(word.strip()) or "\n" in word.lstrip():
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _key(words: list[str]) -> str:
    return " ".join(w.strip() for w in words)


def word_diff(old: str, new: str) -> list[DiffPiece]:
    """``new`` compared with ``old`` as runs of same, removed and added words.

    Words are compared without the spaces around them, so re-wrapping a line
    is not a change; each piece keeps its spacing so the pieces of one kind
    read as text. Removed words come before the added words that replace them.
    Sentences are matched first, so a long narrative that gained a paragraph
    is compared quickly; only the sentences that differ are compared word by word.
    """
    old_runs, new_runs = _sentence_runs(old), _sentence_runs(new)
    matcher = SequenceMatcher(
        None, [_key(r) for r in old_runs], [_key(r) for r in new_runs], autojunk=False
    )
    pieces: list[DiffPiece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_words = [w for run in old_runs[i1:i2] for w in run]
        new_words = [w for run in new_runs[j1:j2] for w in run]
        if tag == "equal":
            _append(pieces, DiffKind.SAME, "".join(new_words))
        elif tag == "replace" and len(old_words) * len(new_words) <= WORD_PAIRS_LIMIT:
            _word_pieces(pieces, old_words, new_words)
        else:
            _append(pieces, DiffKind.REMOVED, "".join(old_words))
            _append(pieces, DiffKind.ADDED, "".join(new_words))
    return pieces


def _word_pieces(pieces: list[DiffPiece], old_words: list[str], new_words: list[str]) -> None:
    matcher = SequenceMatcher(
        None, [w.strip() for w in old_words], [w.strip() for w in new_words], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(pieces, DiffKind.SAME, "".join(new_words[j1:j2]))
            continue
        _append(pieces, DiffKind.REMOVED, "".join(old_words[i1:i2]))
        _append(pieces, DiffKind.ADDED, "".join(new_words[j1:j2]))


def _append(pieces: list[DiffPiece], kind: DiffKind, text: str) -> None:
    if not text:
        return
    if kind is DiffKind.REMOVED and pieces and not pieces[-1].text[-1].isspace():
        # Shared words carry the new text's spacing; where the new text ended
        # and the old one went on, the old text's space goes with what it lost.
        text = text if text[0].isspace() else " " + text
    if pieces and pieces[-1].kind is kind:
        pieces[-1] = DiffPiece(kind, pieces[-1].text + text)
    else:
        pieces.append(DiffPiece(kind, text))


def added_words(old: str, new: str) -> list[str]:
    """The runs of words ``new`` has that ``old`` lacks, trimmed."""
    return [p.text.strip() for p in word_diff(old, new) if p.kind is DiffKind.ADDED]


def removed_words(old: str, new: str) -> list[str]:
    """The runs of words ``old`` had that ``new`` dropped, trimmed."""
    return [p.text.strip() for p in word_diff(old, new) if p.kind is DiffKind.REMOVED]


def sentences(text: str) -> list[str]:
    """Each line's sentences, bullets and spacing tidied: what a reader compares."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(BULLET.strip()):
            line = line[len(BULLET.strip()) :].strip()
        found += [" ".join(m.group().split()) for m in _SENTENCE.finditer(line)]
    return found


@dataclass
class SentenceChanges:
    """The sentences a text lost and gained, in the order they are written."""

    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


def sentence_changes(old: str, new: str) -> SentenceChanges:
    """Which whole sentences ``new`` dropped from ``old`` and which it added.

    A sentence with one word changed counts as one removed and one added, so
    each side reads as the officer wrote it.
    """
    old_sentences, new_sentences = sentences(old), sentences(new)
    matcher = SequenceMatcher(None, old_sentences, new_sentences, autojunk=False)
    changes = SentenceChanges()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            changes.removed += old_sentences[i1:i2]
        if tag in ("insert", "replace"):
            changes.added += new_sentences[j1:j2]
    return changes
