"""The import preview: every change of a return, field by field, before anything is written.

The officer sees what each field was and what it will be, the new rows, the
re-dated milestones with their reasons, and the conflicts (both values, not
applied). Apply hands the change set back to the window, which writes it in
one transaction off the GUI thread; Cancel writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fowdesk.exports.xlsx_import import ChangeSet
from fowdesk.ui.table_models import ReadOnlyTableModel
from fowdesk.ui.widgets.sizing import fit_to_screen

CONFLICT = "Conflict – not applied"

#: Rows are as tall as their wrapped text up to this many rows; beyond it they
#: keep one height (measuring every row of a council-sized return takes seconds)
#: and the whole text is in each cell's tooltip.
WRAP_ROWS_UP_TO = 2000


@dataclass(frozen=True)
class PreviewRow:
    kind: str
    item: str
    field: str
    was: str
    now: str
    note: str = ""


def preview_rows(change_set: ChangeSet) -> list[PreviewRow]:
    """The change set flattened into rows a person reads top to bottom."""
    rows: list[PreviewRow] = []
    for change in change_set.updates:
        for field in change.fields:
            note = ""
            if change.new_target is not None and field.field.lower().startswith("target"):
                note = f"Reason: {change.reason}" if change.reason else "No reason given"
            kind = "Re-dated" if note else "Change"
            rows.append(PreviewRow(kind, change.what, field.field, field.was, field.now, note))
    for change in change_set.new_rows:
        summary = "; ".join(f"{f.field}: {f.now}" for f in change.fields if f.now)
        rows.append(PreviewRow("New", change.what, "", "", summary))
    for conflict in change_set.conflicts:
        who = f" (changed by {conflict.changed_by})" if conflict.changed_by else ""
        rows.append(
            PreviewRow(
                CONFLICT,
                f"{conflict.ref} “{conflict.subject}”",
                conflict.field,
                f"database: {conflict.database}{who}",
                f"return: {conflict.workbook}",
                f"both changed since the export (was {conflict.exported})",
            )
        )
    for warning in change_set.warnings:
        rows.append(PreviewRow("Warning", "", "", "", "", warning))
    return rows


class ImportPreviewModel(ReadOnlyTableModel[PreviewRow]):
    HEADINGS = ("What", "Item", "Field", "Was", "Now", "Note")

    def __init__(self, rows: Sequence[PreviewRow] = (), parent: Any = None) -> None:
        super().__init__(self.HEADINGS, rows, parent)

    def preview_row(self, number: int) -> PreviewRow:
        return self.row_at(number)

    def cell_text(self, row: PreviewRow, column: int) -> str | None:
        return (row.kind, row.item, row.field, row.was, row.now, row.note)[column]

    def row_background(self, row: PreviewRow) -> Any:
        if row.kind == CONFLICT:
            return QBrush(QColor("#FBE3E1"))
        if row.kind == "Warning":
            return QBrush(QColor("#FFF4D6"))
        return None


class ImportPreviewDialog(QDialog):
    """Lists the change set; ``exec()`` returns Accepted only when the officer chose Apply."""

    def __init__(self, change_set: ChangeSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.change_set = change_set
        self.setWindowTitle(f"Import return – {change_set.path.name}")
        self.setAccessibleName("Import preview")
        author = f" by {change_set.author}" if change_set.author else ""
        updates = sum(len(r.fields) for r in change_set.updates)
        summary = (
            f"{change_set.programme_code}, {change_set.period_label}: return{author}.  "
            f"{updates} field change(s), {len(change_set.new_rows)} new row(s), "
            f"{len(change_set.revisions)} re-dated milestone(s), "
            f"{len(change_set.conflicts)} conflict(s) that will not be applied."
        )
        if change_set.is_empty:
            summary += "  Nothing to apply: the database already holds this return."
        self.summary_label = QLabel(summary)
        self.summary_label.setWordWrap(True)
        self.model = ImportPreviewModel(preview_rows(change_set), self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Changes in the return")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(True)
        self.view.setTabKeyNavigation(False)
        # Short columns fit their words; the long ones share the width and wrap.
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (0, 2):  # What, Field
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        if self.model.rowCount() <= WRAP_ROWS_UP_TO:
            self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setText("&Apply changes")
        self.apply_button.setEnabled(not change_set.is_empty)
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.view, 1)
        note = QLabel(
            "RAG is worked out by fowdesk: a changed RAG cell is not imported — use "
            "“RAG override” with a reason. Rows missing from the return are left as "
            "they are."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 1200, 620)
