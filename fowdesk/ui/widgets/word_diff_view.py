"""What changed in a piece of text, word by word: added words marked, removed ones struck.

A narrative that gained a paragraph starts with the same words as before, so
"was" and "now" cut to their opening words looked identical. This view shows
the whole change from :func:`~fowdesk.domain.textdiff.word_diff`: added words
underlined on green, removed words struck through on red (marked by line as
well as colour, so it reads without colour too).
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from fowdesk.domain.textdiff import DiffKind, word_diff

ADDED_STYLE = "background-color: #D7F5DD; color: #0B5A1E; text-decoration: underline;"
REMOVED_STYLE = "background-color: #FDE2E1; color: #8A1C14; text-decoration: line-through;"


def diff_html(old: str, new: str) -> str:
    """``new`` against ``old`` as HTML: same words plain, added and removed words marked."""
    pieces = []
    for piece in word_diff(old, new):
        text = escape(piece.text).replace("\n", "<br>")
        if piece.kind is DiffKind.ADDED:
            pieces.append(f'<span style="{ADDED_STYLE}">{text}</span>')
        elif piece.kind is DiffKind.REMOVED:
            pieces.append(f'<span style="{REMOVED_STYLE}">{text}</span>')
        else:
            pieces.append(text)
    return "".join(pieces)


def diff_words(old: str, new: str) -> str:
    """The same change in plain words, for screen readers: "added: …; removed: …"."""
    parts = []
    for piece in word_diff(old, new):
        if piece.kind is DiffKind.ADDED:
            parts.append(f"added: {' '.join(piece.text.split())}")
        elif piece.kind is DiffKind.REMOVED:
            parts.append(f"removed: {' '.join(piece.text.split())}")
    return "; ".join(parts) or "no change in the words"


class WordDiffView(QTextBrowser):
    """Read-only: one change shown as its word difference, with a line saying how to read it."""

    LEGEND = "Added words are underlined on green; removed words are struck through on red."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("What changed")
        self.setOpenLinks(False)
        self.show_nothing()

    def show_change(self, heading: str, old: str, new: str) -> None:
        self.setHtml(
            f"<p><b>{escape(heading)}</b></p><p>{diff_html(old, new)}</p>"
            f'<p style="color: #555555;">{self.LEGEND}</p>'
        )
        self.setAccessibleDescription(f"{heading}: {diff_words(old, new)}")

    def show_nothing(self) -> None:
        self.setHtml("<p>Choose a change above to see what changed in it, word by word.</p>")
        self.setAccessibleDescription("")
