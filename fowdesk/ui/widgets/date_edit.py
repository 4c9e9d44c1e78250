"""A dd/mm/yyyy date box that never changes what the officer typed.

QDateEdit cannot be empty or hold an impossible date, so it quietly turns
31/02/2020 into 28/02/2020 and a half-typed "31032020" into another day.
:class:`DateLineEdit` is a plain text box judged by the one date parser
(:func:`~fowdesk.domain.dates.date_entry`): it takes only what could be a
date, keeps a half-typed or impossible one exactly as typed, and says why
the latter is not a date (:attr:`DateLineEdit.problem_changed`). A date is
only ever read from it when it is a real one.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from fowdesk.domain.dates import DateEntry, date_entry, date_problem, entry_problem, parse_uk_date

#: What a date box lets through at all: digits and the separators people type.
_DATE_CHARACTERS = re.compile(r"[0-9/.\- ]{0,10}")

#: The colour a problem is shown in beside the box it belongs to.
PROBLEM_COLOUR = "#B3261E"


class UkDateValidator(QValidator):
    """Judges each key: letters are refused, anything digit-shaped is kept as typed.

    An impossible date ("31/02/2020") is *Intermediate*, not *Invalid*: the
    keystroke is kept so the officer sees what they typed and why it is not
    a date, instead of a key that silently does nothing.
    """

    def __init__(self, parent: QWidget | None = None, *, optional: bool = False) -> None:
        super().__init__(parent)
        self.optional = optional

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if not _DATE_CHARACTERS.fullmatch(text):
            return QValidator.State.Invalid, text, pos
        entry = date_entry(text)
        if entry is DateEntry.COMPLETE or (entry is DateEntry.EMPTY and self.optional):
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos


class DateLineEdit(QLineEdit):
    """A date typed as dd/mm/yyyy (or ddmmyyyy); ``date()`` is None unless it is a real one.

    ``optional`` boxes may be left empty (a milestone not yet completed).
    ``problem_changed`` carries why the text can never be a date, or "".
    """

    problem_changed = Signal(str)

    def __init__(
        self, value: date | None = None, parent: QWidget | None = None, *, optional: bool = False
    ) -> None:
        super().__init__(parent)
        self.optional = optional
        self.setValidator(UkDateValidator(self, optional=optional))
        self.setPlaceholderText("dd/mm/yyyy")
        self.setToolTip("A date as dd/mm/yyyy, typed with or without the slashes")
        self._problem = ""
        self.textChanged.connect(self._judge)
        self.editingFinished.connect(self._tidy)
        self.setDate(value)

    def date(self) -> date | None:
        """The date typed, or None when the box holds no real date."""
        return parse_uk_date(self.text())

    def setDate(self, value: date | None) -> None:
        self.setText(value.strftime("%d/%m/%Y") if value else "")

    def is_empty(self) -> bool:
        return not self.text().strip()

    def problem(self) -> str:
        """Why the text is not an acceptable date ("" when it is one, or may be left empty)."""
        if self.date() is not None or (self.optional and self.is_empty()):
            return ""
        return date_problem(self.text()) or ""

    def _judge(self, text: str) -> None:
        problem = entry_problem(text) or ""
        if problem != self._problem:
            self._problem = problem
            self.problem_changed.emit(problem)

    def _tidy(self) -> None:
        """A finished real date is shown the one way (31032020 → 31/03/2020): the same day."""
        value = self.date()
        if value is not None and self.text() != value.strftime("%d/%m/%Y"):
            self.setDate(value)


class DateField(QWidget):
    """A :class:`DateLineEdit` with its problem shown in words underneath."""

    def __init__(
        self, value: date | None = None, parent: QWidget | None = None, *, optional: bool = False
    ) -> None:
        super().__init__(parent)
        self.edit = DateLineEdit(value, optional=optional)
        self.edit.setMaximumWidth(self.edit.fontMetrics().horizontalAdvance("00/00/00000") + 24)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.edit.textChanged.connect(lambda text: self.show_problem(entry_problem(text) or ""))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.message)
        self.setFocusProxy(self.edit)

    def show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleName(text or "Date problem")
        self.message.setVisible(bool(text))
