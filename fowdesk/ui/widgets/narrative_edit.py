"""A narrative box that reads like the printed report: spaced paragraphs and bullets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QTextBlock, QTextBlockFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit, QWidget

from fowdesk.domain.narrative import BULLET, BULLET_MARKS, paragraphs_from_text

#: Space after each narrative paragraph, so bullets read apart as in the printed report.
PARAGRAPH_GAP_PX = 6

#: Marks typed at the start of a line ("- ", "* ") that are shown as "• " at once.
TYPED_MARKS = tuple(m for m in BULLET_MARKS if m != BULLET and len(m) == len(BULLET))


def is_bullet_line(line: str) -> bool:
    """Whether the narrative rule reads this line as a bullet."""
    paragraphs = paragraphs_from_text(line)
    return bool(paragraphs) and paragraphs[0].bulleted


class NarrativeEdit(QTextEdit):
    """A narrative box that reads like the report: spaced paragraphs, hanging-indent bullets.

    A line begun with "- " or "* " becomes a "• " bullet as it is typed, so
    the box shows what will be stored and printed. Enter on a bullet starts
    the next bullet, as in a word processor; Enter on an empty bullet ends the
    list (the "• " is removed), so a plain paragraph can follow. Only plain
    text goes in; what is stored is decided by the one narrative rule
    (:func:`~fowdesk.domain.narrative.paragraphs_from_text`).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self._formatting = False
        self.textChanged.connect(self._space_paragraphs)

    def setPlainText(self, text: str) -> None:
        """Show ``text`` laid out as paragraphs, with nothing for Ctrl+Z to take back."""
        super().setPlainText(text)
        self._space_paragraphs()
        self.document().clearUndoRedoStacks()

    def _space_paragraphs(self) -> None:
        """Give every paragraph a gap after it and every bullet a hanging indent."""
        if self._formatting:
            return
        self._formatting = True
        try:
            indent = float(self.fontMetrics().horizontalAdvance(BULLET))
            block = self.document().begin()
            while block.isValid():
                self._mark_as_bullet(block)
                bullet = is_bullet_line(block.text()) or block.text().startswith(BULLET)
                wanted = (
                    float(PARAGRAPH_GAP_PX),
                    indent if bullet else 0.0,
                    -indent if bullet else 0.0,
                )
                current = block.blockFormat()
                if (current.bottomMargin(), current.leftMargin(), current.textIndent()) != wanted:
                    spaced = QTextBlockFormat(current)
                    spaced.setBottomMargin(wanted[0])
                    spaced.setLeftMargin(wanted[1])
                    spaced.setTextIndent(wanted[2])
                    cursor = QTextCursor(block)
                    cursor.joinPreviousEditBlock()  # one Ctrl+Z takes back the typing and all
                    cursor.setBlockFormat(spaced)
                    cursor.endEditBlock()
                block = block.next()
        finally:
            self._formatting = False

    @staticmethod
    def _mark_as_bullet(block: QTextBlock) -> None:
        """A line typed as "- " (or "* ") shows "• " at once; "• - " (Enter, then "- ") too."""
        text = block.text()
        if text.startswith(BULLET) and text[len(BULLET) :].startswith(TYPED_MARKS):
            start, end = block.position(), block.position() + 2 * len(BULLET)
        elif text.startswith(TYPED_MARKS):
            start, end = block.position(), block.position() + len(BULLET)
        else:
            return
        cursor = QTextCursor(block)
        cursor.joinPreviousEditBlock()  # one Ctrl+Z takes back the "- " and all
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(BULLET)
        cursor.endEditBlock()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & (
            Qt.KeyboardModifier.ShiftModifier
        ):
            cursor = self.textCursor()
            line = cursor.block().text()
            if line.startswith(BULLET):
                if line.strip() == BULLET.strip():
                    cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
                    cursor.movePosition(
                        QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor
                    )
                    cursor.removeSelectedText()
                    self.setTextCursor(cursor)
                    return
                cursor.insertText("\n" + BULLET)
                self.setTextCursor(cursor)
                return
        super().keyPressEvent(event)
