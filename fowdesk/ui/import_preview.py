"""The import preview: every edit of a return, in sections, before anything is written.

Cells that need fixing come first, one a line, and while there are any Apply
stays disabled. Then the sections the command line prints: conflicts (each
with its choice: take the return's value or keep the database's), changes
field by field (re-dated milestones with their reasons), new rows, rows
missing from the return (never deleted), edits not taken and why, warnings.
Apply hands the change set back to the window, which writes it in one
transaction off the GUI thread; Cancel writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.change_set import ChangeSet, Conflict, ImportResult, Resolution, RowKind
from fowdesk.exports.xlsx_import import preview
from fowdesk.ui.import_reasons import missing_reasons
from fowdesk.ui.table_models import Index, ReadOnlyTableModel
from fowdesk.ui.widgets.buttons import ImmediateButton
from fowdesk.ui.widgets.sizing import fit_to_screen

CONFLICT = "Conflict"
HEADING = "section"

#: Rows are as tall as their wrapped text up to this many rows; beyond it they
#: keep one height (measuring every row of a council-sized return takes seconds)
#: and the whole text is in each cell's tooltip.
WRAP_ROWS_UP_TO = 2000

SECTION_CONFLICTS = "Conflicts – choose for each"
SECTION_CHANGES = "Changes"
SECTION_NEW = "New rows"
SECTION_MISSING = "Rows missing from the return (not deleted)"
SECTION_NOT_TAKEN = "Not taken"
SECTION_WARNINGS = "Warnings"

REDATED_WITHOUT_REASON = "Re-dated without a reason – Apply asks for one"


@dataclass(frozen=True)
class PreviewRow:
    kind: str
    item: str
    field: str
    was: str
    now: str
    note: str = ""
    #: Set on conflict rows: the conflict its choice settles.
    conflict: Conflict | None = None
    #: A section's heading row ("Changes (5)"), shown bold across the table.
    heading: bool = False
    #: A milestone re-dated with no reason: Apply asks for one.
    needs_reason: bool = False


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _heading(title: str, count: int, note: str = "") -> PreviewRow:
    return PreviewRow(HEADING, f"{title} ({count})", "", "", "", note, heading=True)


def preview_rows(change_set: ChangeSet) -> list[PreviewRow]:
    """The change set as rows in sections, read top to bottom."""
    rows: list[PreviewRow] = []
    if change_set.conflicts:
        rows.append(
            _heading(
                SECTION_CONFLICTS,
                len(change_set.conflicts),
                "both the return and the database changed these since the export",
            )
        )
        for conflict in change_set.conflicts:
            who = f" (changed by {conflict.changed_by})" if conflict.changed_by else ""
            rows.append(
                PreviewRow(
                    CONFLICT,
                    f"{_capital(conflict.what)} – {conflict.place}",
                    conflict.label,
                    f"{conflict.change.was}{who}",
                    conflict.change.now,
                    conflict.resolution.value,
                    conflict=conflict,
                )
            )
    if change_set.updates:
        rows.append(_heading(SECTION_CHANGES, sum(len(r.fields) for r in change_set.updates)))
        for change in change_set.updates:
            for field in change.fields:
                note = ""
                needs_reason = field.key == "target" and change.redated_without_reason
                if field.key == "target":
                    note = REDATED_WITHOUT_REASON if needs_reason else f"Reason: {change.reason}"
                kind = "Re-dated" if field.key == "target" else "Change"
                rows.append(
                    PreviewRow(
                        kind,
                        f"{change.what} – {change.place}",
                        field.label,
                        field.was,
                        field.now,
                        note,
                        needs_reason=needs_reason,
                    )
                )
    if change_set.new_rows:
        rows.append(_heading(SECTION_NEW, len(change_set.new_rows)))
        for change in change_set.new_rows:
            summary = "; ".join(f"{f.label}: {f.now}" for f in change.fields if f.now)
            kind = "New milestone" if change.kind is RowKind.MILESTONE else "New recommendation"
            rows.append(PreviewRow(kind, f"{change.what} – {change.place}", "", "", summary))
    if change_set.missing:
        rows.append(
            _heading(
                SECTION_MISSING,
                len(change_set.missing),
                "left as they are; to drop a milestone, set its Status to Cancelled",
            )
        )
        for missing in change_set.missing:
            item = _capital(str(missing))
            rows.append(PreviewRow("Missing", item, "", "", "", "not deleted"))
    if change_set.not_taken:
        rows.append(_heading(SECTION_NOT_TAKEN, len(change_set.not_taken)))
        for item in change_set.not_taken:
            where = f"{item.what or item.ref} – {item.place}"
            rows.append(PreviewRow("Not taken", where, item.column, "", item.value, item.why))
    if change_set.warnings:
        rows.append(_heading(SECTION_WARNINGS, len(change_set.warnings)))
        for warning in change_set.warnings:
            rows.append(PreviewRow("Warning", "", "", "", "", warning))
    return rows


class ImportPreviewModel(ReadOnlyTableModel[PreviewRow]):
    HEADINGS = ("What", "Item", "Field", "Database (was)", "Return (now)", "Note or choice")

    def __init__(self, rows: Sequence[PreviewRow] = (), parent: Any = None) -> None:
        super().__init__(self.HEADINGS, rows, parent)

    def preview_row(self, number: int) -> PreviewRow:
        return self.row_at(number)

    def cell_text(self, row: PreviewRow, column: int) -> str | None:
        if row.heading:
            return (row.item, "", "", "", "", row.note)[column] if column in (0, 5) else ""
        if row.conflict is not None and column == 5:
            return row.conflict.resolution.value
        return (row.kind, row.item, row.field, row.was, row.now, row.note)[column]

    def row_background(self, row: PreviewRow) -> Any:
        if row.heading:
            return QBrush(QColor("#E8EEF6"))
        if row.kind == CONFLICT:
            return QBrush(QColor("#FBE3E1"))
        if row.kind in ("Warning", "Not taken", "Missing") or row.needs_reason:
            return QBrush(QColor("#FFF4D6"))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.isValid():
            if self.row_at(index.row()).heading:
                font = QFont()
                font.setBold(True)
                return font
            return None
        return super().data(index, role)

    def conflict_rows(self) -> list[int]:
        return [n for n in range(self.row_total()) if self.row_at(n).conflict is not None]

    def spans_row(self, row: PreviewRow) -> bool:
        """Whether the row is one line across the table (a section's heading)."""
        return row.heading

    def choice_changed(self, number: int) -> None:
        index = self.index(number, 5)
        self.dataChanged.emit(index, index)


def imported_message(change_set: ChangeSet, result: ImportResult) -> str:
    """What the window says once an import is applied."""
    lines = [f"Applied {result.changes} change(s) from {change_set.path.name}."]
    if result.backup:
        lines.append(f"A backup was taken first: {result.backup.name}.")
    if result.conflicts_left:
        lines.append(preview.conflicts_left(change_set))
    return " ".join(lines)


class PreviewDialog(QDialog):
    """What the import preview and the batch preview share.

    A summary, what needs fixing (while anything does, nothing can be
    applied), one table of rows with a choice box on each conflict, Take and
    Keep for the selected conflicts, Apply and Cancel. Enter never applies
    or settles anything: Cancel is the default button and the table has the
    focus. Subclasses fill it in with :meth:`_build` and say what the summary
    is in :meth:`_refresh`.
    """

    def _build(
        self,
        model: ImportPreviewModel,
        *,
        table_name: str,
        problems: tuple[str, str, Sequence[str]],
        has_conflicts: bool,
        needs_fixing: bool,
        apply_text: str,
        above_table: Sequence[QWidget] = (),
        below_choices: Sequence[QWidget] = (),
        size: tuple[int, int] = (1240, 640),
    ) -> None:
        """Lay the dialog out; ``problems`` is (accessible name, heading, lines), no lines none."""
        layout = QVBoxLayout(self)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        problems_name, problems_heading, problem_lines = problems
        self.problems_label = QLabel(problems_heading)
        self.problems_label.setWordWrap(True)
        self.problems_list = QPlainTextEdit()
        self.problems_list.setReadOnly(True)
        self.problems_list.setAccessibleName(problems_name)
        self.problems_list.setPlainText("\n".join(problem_lines))
        self.problems_list.setMaximumHeight(150)
        if problem_lines:
            layout.addWidget(self.problems_label)
            layout.addWidget(self.problems_list)
        else:
            self.problems_label.hide()
            self.problems_list.hide()
        for widget in above_table:
            layout.addWidget(widget)

        self.model = model
        model.setParent(self)
        self.view = QTableView()
        self.view.setModel(model)
        self.view.setAccessibleName(table_name)
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
        if model.rowCount() <= WRAP_ROWS_UP_TO:
            self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for number in range(model.rowCount()):
            if model.spans_row(model.preview_row(number)):
                self.view.setSpan(number, 0, 1, 5)
        self.choice_boxes: dict[int, QComboBox] = {}
        for number in model.conflict_rows():
            box = QComboBox()
            box.addItems([r.value for r in Resolution])
            box.setAccessibleName(f"Choice for {model.preview_row(number).item}")
            box.currentIndexChanged.connect(lambda _i, n=number: self._box_chosen(n))
            self.view.setIndexWidget(model.index(number, 5), box)
            self.choice_boxes[number] = box
        layout.addWidget(self.view, 1)

        choices = QHBoxLayout()
        # Access keys act at once: Alt+T then Down settles this row, not the next.
        self.take_button = ImmediateButton("&Take the return's value")
        self.keep_button = ImmediateButton("&Keep the database's")
        for button, resolution in (
            (self.take_button, Resolution.TAKE_RETURN),
            (self.keep_button, Resolution.KEEP_DATABASE),
        ):
            button.setToolTip("For the selected conflicts")
            button.setAutoDefault(False)  # Enter in the dialog never settles a conflict
            button.clicked.connect(lambda _c=False, r=resolution: self.choose_selected(r))
            button.setEnabled(has_conflicts and not needs_fixing)
            choices.addWidget(button)
        choices.addStretch(1)
        if has_conflicts:
            layout.addLayout(choices)
        for widget in below_choices:
            layout.addWidget(widget)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setText(apply_text)
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        layout.addWidget(self.buttons)
        self._refresh()
        fit_to_screen(self, *size)
        self.view.setFocus()  # Tab reaches the buttons

    def _refresh(self) -> None:
        """Say in the summary what Apply would do, and enable it only when it can."""
        raise NotImplementedError

    def _box_chosen(self, number: int) -> None:
        conflict = self.model.preview_row(number).conflict
        if conflict is not None:
            self._settle(number, conflict, Resolution(self.choice_boxes[number].currentText()))
            self.model.choice_changed(number)
        self._refresh()

    def _settle(self, number: int, conflict: Conflict, resolution: Resolution) -> None:
        """Record the officer's choice for the conflict on row ``number``."""
        conflict.resolution = resolution

    def choose(self, number: int, resolution: Resolution) -> None:
        """Settle the conflict on preview row ``number``."""
        self.choice_boxes[number].setCurrentText(resolution.value)

    def choose_selected(self, resolution: Resolution) -> None:
        for index in self.view.selectionModel().selectedRows():
            if index.row() in self.choice_boxes:
                self.choose(index.row(), resolution)


class ImportPreviewDialog(PreviewDialog):
    """Lists the change set; ``exec()`` returns Accepted only when the officer chose Apply."""

    def __init__(self, change_set: ChangeSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.change_set = change_set
        self.setWindowTitle(f"Import return – {change_set.path.name}")
        self.setAccessibleName("Import preview")
        count = len(change_set.problems)
        note = QLabel(
            "RAG is worked out by fowdesk: a changed RAG cell is not imported — use "
            "“RAG override” with a reason. Rows missing from the return are never deleted."
        )
        note.setWordWrap(True)
        self._build(
            ImportPreviewModel(preview_rows(change_set)),
            table_name="Changes in the return",
            problems=(
                "Cells that need fixing",
                f"<b>{count} cell{'s' if count != 1 else ''} need{'s' if count == 1 else ''} "
                "fixing</b> – correct them in the return and import it again; nothing can be "
                "applied until then:",
                [str(p) for p in change_set.problems],
            ),
            has_conflicts=bool(change_set.conflicts),
            needs_fixing=change_set.needs_fixing,
            apply_text="&Apply changes",
            below_choices=[note],
        )

    @property
    def nothing_to_show(self) -> str:
        """The one line to show instead of the dialog, when the return changes nothing at all."""
        change_set = self.change_set
        if not change_set.is_empty or self.model.rowCount() or change_set.problems:
            return ""
        earlier = preview.earlier_imports_line(change_set)
        if earlier:
            return f"{change_set.path.name}: {earlier[0].lower()}{earlier[1:]}; nothing new."
        return f"{change_set.path.name}: no changes — the database already holds it."

    def _refresh(self) -> None:
        change_set = self.change_set
        updates = sum(len(r.fields) for r in change_set.updates)
        taken = len(change_set.taken_conflicts)
        counts = [
            (updates, "field change(s)"),
            (len(change_set.new_rows), "new row(s)"),
            (len(change_set.revisions), "re-dated milestone(s)"),
            (len(change_set.conflicts), "conflict(s)"),
            (len(change_set.missing), "row(s) missing from the return"),
            (len(change_set.not_taken), "edit(s) not taken"),
        ]
        parts = [f"{count} {what}" for count, what in counts if count]
        if taken:
            parts.append(f"{taken} conflict(s) settled for the return")
        lines = [preview.heading(change_set) + ".", "; ".join(parts or ["no edits"]) + "."]
        if change_set.basis:
            lines.append(change_set.basis[0].upper() + change_set.basis[1:] + ".")
        earlier = preview.earlier_imports_line(change_set)
        if earlier:
            lines.append(f"{earlier}.")
        unexplained = len(missing_reasons(change_set))
        if unexplained:
            lines.append(
                f"{unexplained} milestone{'s are' if unexplained != 1 else ' is'} re-dated "
                "without a reason: Apply asks for the reason first."
            )
        if change_set.needs_fixing:
            lines.append("Nothing can be applied until the cells below are fixed.")
        elif change_set.is_empty:
            lines.append("Nothing to apply.")
        self.summary_label.setText("\n".join(lines))
        self.apply_button.setEnabled(not change_set.needs_fixing and not change_set.is_empty)
