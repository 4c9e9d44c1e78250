"""Reasons for milestones a return re-dated without one, asked for before the import writes.

The window insists on a reason whenever an officer moves a target; a return
from the PMO could move one with "Reason for change" left blank, and the
report would then show an unexplained slip. So Apply asks: one reason for
all of them, which each row may change. The command line never asks (it
lists them in its report); see :mod:`fowdesk.exports.xlsx_import.preview`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.change_set import ChangeSet, Conflict, Resolution, RowChange
from fowdesk.ui.table_models import HeadedTableModel, Index
from fowdesk.ui.widgets.date_edit import PROBLEM_COLOUR
from fowdesk.ui.widgets.sizing import fit_to_screen


@dataclass
class MissingReason:
    """A re-dated milestone with no reason yet, and the reason the officer gives it."""

    ref: str
    subject: str
    was: str
    now: str
    source: RowChange | Conflict
    reason: str = ""
    #: Typed in its own row: the reason for all no longer changes it.
    own: bool = False

    def give(self) -> None:
        """Put the reason where applying the change set records it with the slip."""
        if isinstance(self.source, Conflict):
            self.source.reason = self.reason
        else:
            self.source.reason = self.reason
            self.source.redated_without_reason = False


def missing_reasons(change_set: ChangeSet) -> list[MissingReason]:
    """Milestones the import would re-date with no reason: changes, and conflicts taken."""
    missing = []
    for row in change_set.redated_without_reason:
        target = row.change("target")
        assert target is not None
        missing.append(MissingReason(row.ref, row.subject, target.was, target.now, row))
    for conflict in change_set.conflicts:
        if (
            conflict.resolution is Resolution.TAKE_RETURN
            and conflict.change.key == "target"
            and not conflict.reason.strip()
        ):
            change = conflict.change
            missing.append(
                MissingReason(conflict.ref, conflict.subject, change.was, change.now, conflict)
            )
    return missing


class MissingReasonsModel(HeadedTableModel):
    """Ref, milestone, target was → now, and the reason (the only editable column)."""

    REF, MILESTONE, TARGET, REASON = range(4)
    HEADERS = ("Ref", "Milestone", "Target (was → now)", "Reason for change")

    def __init__(self, items: list[MissingReason], parent: Any = None) -> None:
        super().__init__(parent)
        self.items = items

    def row_total(self) -> int:
        return len(self.items)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and index.column() == self.REASON:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item, column = self.items[index.row()], index.column()
        needed = column == self.REASON and not item.reason
        if needed and role == Qt.ItemDataRole.DisplayRole:
            return "(a reason is needed)"
        if needed and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(PROBLEM_COLOUR))
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return (item.ref, item.subject, f"{item.was} → {item.now}", item.reason)[column]
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != self.REASON:
            return False
        item = self.items[index.row()]
        item.reason, item.own = " ".join(str(value).split()), True
        self.dataChanged.emit(index, index)
        return True

    def reason_for_all(self, text: str) -> None:
        """Every row not given a reason of its own takes ``text``."""
        for item in self.items:
            if not item.own:
                item.reason = " ".join(text.split())
        if self.items:
            self.dataChanged.emit(
                self.index(0, self.REASON), self.index(len(self.items) - 1, self.REASON)
            )


class MissingReasonsDialog(QDialog):
    """One reason for all the re-dated milestones, editable per row; OK once each has one."""

    def __init__(self, items: list[MissingReason], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        count = len(items)
        self.setWindowTitle("Reasons for the new targets")
        note = QLabel(
            f"The return re-dates {count} milestone{'s' if count != 1 else ''} without a "
            "reason. The report shows why each target moved: give a reason for all of them, "
            "and change it on any row that had another."
        )
        note.setWordWrap(True)
        self.all_edit = QLineEdit()
        self.all_edit.setAccessibleName("Reason for all")
        self.all_edit.setPlaceholderText("e.g. Board met late")
        self.model = MissingReasonsModel(items, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Re-dated milestones and their reasons")
        self.view.setWordWrap(True)
        self.view.verticalHeader().setVisible(False)
        self.view.setTabKeyNavigation(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (MissingReasonsModel.REF, MissingReasonsModel.TARGET):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        form = QFormLayout()
        form.addRow("Reason for &all:", self.all_edit)
        rows_label = QLabel("&Each milestone (type in its Reason cell to give it another):")
        rows_label.setBuddy(self.view)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("A&pply with these reasons")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(rows_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.all_edit.textChanged.connect(self.model.reason_for_all)
        self.model.dataChanged.connect(lambda *_: self._check())
        self._check()
        fit_to_screen(self, 820, 420)

    def _check(self) -> None:
        self.ok_button.setEnabled(all(item.reason for item in self.model.items))

    def accept(self) -> None:
        if not all(item.reason for item in self.model.items):
            return
        for item in self.model.items:
            item.give()
        super().accept()
