"""A one-line text field that wraps instead of cutting a long title off."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QTextCursor, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QWidget


class WrappingLineEdit(QPlainTextEdit):
    """A one-line field that wraps, so a long title is read whole instead of cut off.

    It grows to fit its text (up to ``max_lines``, then scrolls) and answers
    like a QLineEdit where the editor relies on it: ``text``/``setText``,
    ``textEdited`` for the officer's typing only, and ``editingFinished`` on
    Enter or when focus leaves. Enter never starts a new line; pasted line
    breaks become spaces. With ``max_length``, typing or pasting stops at that
    many characters (a longer text already there is shown whole, and may only
    shrink).
    """

    textEdited = Signal(str)
    editingFinished = Signal()

    def __init__(
        self, max_lines: int = 4, parent: QWidget | None = None, *, max_length: int | None = None
    ) -> None:
        super().__init__(parent)
        self._max_lines = max_lines
        self.max_length = max_length
        self._length = 0
        self._setting = False
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.textChanged.connect(self._typed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self._fit_height()

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self._setting = True
        try:
            self.setPlainText(text)
        finally:
            self._setting = False
        self._fit_height()

    def setCursorPosition(self, position: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(min(position, len(self.toPlainText())))
        self.setTextCursor(cursor)

    def visible_lines(self) -> int:
        """How many wrapped lines the text takes at the box's present width."""
        return max(1, round(self.document().documentLayout().documentSize().height()))

    def _fit_height(self, *_args: Any) -> None:
        lines = self.visible_lines()
        self.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if lines > self._max_lines
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        margins = self.contentsMargins()
        height = (
            min(lines, self._max_lines) * self.fontMetrics().lineSpacing()
            + 2 * round(self.document().documentMargin())
            + 2 * self.frameWidth()
            + margins.top()
            + margins.bottom()
        )
        if self.height() != height or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def _typed(self) -> None:
        if not self._setting:
            self._keep_within_limit()
            self.textEdited.emit(self.toPlainText())
        self._length = len(self.toPlainText())

    def _keep_within_limit(self) -> None:
        """Take back what was just typed or pasted beyond ``max_length``."""
        if self.max_length is None:
            return
        length = len(self.toPlainText())
        grown = length - max(self._length, self.max_length)
        if length <= self.max_length or grown <= 0:
            return
        cursor = self.textCursor()
        end = cursor.position()
        cursor.setPosition(max(0, end - grown))
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self._setting = True
        try:
            cursor.removeSelectedText()
        finally:
            self._setting = False
        self.setTextCursor(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.editingFinished.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editingFinished.emit()

    def insertFromMimeData(self, source: QMimeData) -> None:
        self.insertPlainText(" ".join(source.text().split()))
