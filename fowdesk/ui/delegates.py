"""How cells are drawn and edited: RAG chips, status drop-downs, dd/mm/yyyy date boxes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from fowdesk.domain.model import RAG_COLOURS, Rag
from fowdesk.ui.models import RAG_ROLE
from fowdesk.ui.table_models import Index
from fowdesk.ui.widgets.date_edit import DateLineEdit

#: The text colour that reads on each chip colour (amber is too light for white).
_CHIP_TEXT = {
    Rag.RED: "#FFFFFF",
    Rag.AMBER: "#1A1A1A",
    Rag.GREEN: "#FFFFFF",
    Rag.COMPLETE: "#FFFFFF",
}


def chip_style(rag: Rag) -> str:
    """Stylesheet for a QLabel chip: the RAG colour with a readable letter on it."""
    return (
        f"background-color: {RAG_COLOURS[rag]}; color: {_CHIP_TEXT[rag]};"
        " border-radius: 4px; padding: 2px 8px; font-weight: bold;"
    )


def paint_chip(painter: QPainter, rect: QRect, rag: Rag, text: str) -> None:
    """A rounded chip in the RAG colour with the letter on it (readable without colour)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    height = min(rect.height() - 4, 20)
    width = max(height + 8, painter.fontMetrics().horizontalAdvance(text) + 12)
    chip = QRect(0, 0, width, height)
    chip.moveCenter(rect.center())
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(RAG_COLOURS[rag]))
    painter.drawRoundedRect(chip, 4, 4)
    font = QFont(painter.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(_CHIP_TEXT[rag]))
    painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def fit_editor(editor: QWidget, option: QStyleOptionViewItem) -> None:
    """Place a cell's editor on its cell at its own height, widened where the cell is narrower.

    Near the view's right edge it grows leftwards, so it is never cut off there.
    """
    hint = editor.sizeHint()
    rect = QRect(0, 0, max(option.rect.width(), hint.width()), hint.height())
    rect.moveCenter(option.rect.center())
    rect.moveLeft(option.rect.left())
    parent = editor.parentWidget()
    if parent is not None and rect.right() > parent.width():
        rect.moveRight(max(rect.width() - 1, parent.width() - 1))
    editor.setGeometry(rect)


class RagChipDelegate(QStyledItemDelegate):
    """Draws a RAG cell as a coloured chip carrying its letter."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        letter = index.data(RAG_ROLE)
        rag = Rag.from_text(str(letter)) if letter else None
        if rag is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        paint_chip(painter, option.rect, rag, str(index.data(Qt.ItemDataRole.DisplayRole)))


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down of fixed choices (milestone status)."""

    def __init__(self, choices: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.choices = list(choices)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(self.choices)
        combo.setAccessibleName("Status")
        combo.activated.connect(lambda _=0: self._chosen(combo))
        return combo

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> None:
        """Never narrower than its longest choice, even in a narrow column."""
        fit_editor(editor, option)

    def _chosen(self, combo: QComboBox) -> None:
        """A choice from the list is the officer's answer: save it and close the drop-down."""
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        value = str(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(0, editor.findText(value)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        if editor.currentText() != str(index.data(Qt.ItemDataRole.EditRole)):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


def as_date(value: Any) -> date | None:
    """A date whether Qt handed back a QDate or Python's own date."""
    if isinstance(value, QDate):
        return date(value.year(), value.month(), value.day()) if value.isValid() else None
    return value if isinstance(value, date) else None


class DateDelegate(QStyledItemDelegate):
    """A dd/mm/yyyy cell editor that saves only a real date (empty means "no date").

    While a date is typed, ``problem`` carries why it can never be one (or
    "" once it can). Enter or Tab on an impossible or half-typed date keeps
    the editor open with the text as typed; leaving the cell another way
    saves nothing and ``refused`` carries the reason for the status bar.
    What was typed is never turned into another date.
    """

    problem = Signal(str)
    refused = Signal(str)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = DateLineEdit(parent=parent, optional=True)
        editor.setAccessibleName("Completed on")
        editor.setFrame(False)
        editor.problem_changed.connect(self.problem)
        editor.destroyed.connect(lambda: self.problem.emit(""))
        return editor

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> None:
        """Never narrower than a whole date, even in a narrow column."""
        fit_editor(editor, option)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, DateLineEdit)
        editor.setDate(as_date(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, DateLineEdit)
        if editor.problem():
            self.refused.emit(f"Not saved: {editor.problem()}")
            return
        value = editor.date()
        if value != as_date(index.data(Qt.ItemDataRole.EditRole)):
            model.setData(index, value, Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, DateLineEdit)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)
            and watched.problem()
        ):
            self.problem.emit(watched.problem())
            return True  # stay in the cell with the text as typed
        if (
            isinstance(watched, DateLineEdit)
            and event.type() == QEvent.Type.FocusOut
            and watched.problem()
        ):
            # Qt closes the cell without saving a date its validator does not accept: say so.
            self.refused.emit(f"Not saved: {watched.problem()}")
        return super().eventFilter(watched, event)


def muted_palette(widget: QWidget) -> QPalette:
    """A read-only text box's palette: the window colour behind it, so it reads as reference."""
    palette = QPalette(widget.palette())
    palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
    return palette
