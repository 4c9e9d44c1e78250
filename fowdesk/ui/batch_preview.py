"""The preview of several returns at once: one table, grouped by return and by card.

Files that need fixing come first, every problem of every file, and while
there are any nothing can be applied. Files left out of the batch are named
with the reason. Then conflicts between returns (two returns changed the same
field differently): one row per return's value, each with its choice, and
taking one keeps the database's value against the others. Then each return:
its heading, and under it each card's changes, new rows, conflicts with the
database, missing rows and edits not taken. Apply writes every return in one
transaction after one backup; Cancel writes nothing.
"""

from __future__ import annotations

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

from fowdesk.domain.change_set import ChangeSet, Conflict, Resolution, short
from fowdesk.exports.xlsx_import import preview
from fowdesk.exports.xlsx_import.batch import (
    BetweenReturns,
    ReturnBatch,
    by_card,
    file_line,
    return_name,
)
from fowdesk.ui.import_preview import CONFLICT, ImportPreviewModel, PreviewRow, preview_rows
from fowdesk.ui.table_models import Index
from fowdesk.ui.widgets.buttons import ImmediateButton
from fowdesk.ui.widgets.sizing import fit_to_screen

CARD = "Card"
BETWEEN = "Between returns"
SECTION_BETWEEN = "Conflicts between returns – choose for each"


def _card_rows(change_set: ChangeSet) -> list[PreviewRow]:
    """One return's rows, card by card: a card's line, then what the return does to it."""
    rows: list[PreviewRow] = []
    for part in by_card(change_set):
        title = f" “{short(part.title)}”" if part.title else ""
        rows.append(PreviewRow(CARD, f"Recommendation {part.ref}{title}", "", "", ""))
        rows += [r for r in preview_rows(part.change_set) if not r.heading]
    rows += [PreviewRow("Warning", "", "", "", "", w) for w in change_set.warnings]
    return rows


def _between_rows(between: BetweenReturns) -> list[PreviewRow]:
    return [
        PreviewRow(
            CONFLICT,
            f"{between.what} – {return_name(cs)}, {conflict.place}",
            between.label,
            f"database: {between.database}",
            f"{return_name(cs)}: {conflict.change.now}",
            conflict.resolution.value,
            conflict=conflict,
        )
        for cs, conflict in between.claims
    ]


def _return_note(batch: ReturnBatch, change_set: ChangeSet, own: ChangeSet) -> str:
    """A return's heading note: by whom, what it changes, where its conflicts are."""
    parts = [f"by {change_set.author}"] if change_set.author else []
    count = change_set.change_count
    parts.append(f"{count} change{'s' if count != 1 else ''}")
    if own.conflicts:
        parts.append(f"{len(own.conflicts)} conflict{'s' if len(own.conflicts) != 1 else ''}")
    between = len(change_set.conflicts) - len(own.conflicts)
    if between:
        parts.append(f"{between} with another return (above)")
    if change_set.earlier_imports:
        last = change_set.earlier_imports[-1]
        parts.append(f"imported before, on {last.at:%d/%m/%Y}: only what changed since")
    return "; ".join(parts)


def batch_rows(batch: ReturnBatch) -> list[PreviewRow]:
    """The batch as rows: conflicts between returns, then each return card by card."""
    rows: list[PreviewRow] = []
    if batch.between:
        rows.append(
            PreviewRow(
                "section",
                f"{SECTION_BETWEEN} ({len(batch.between)})",
                "",
                "",
                "",
                "two returns changed the same field differently: neither is applied unless chosen",
                heading=True,
            )
        )
        for between in batch.between:
            rows += _between_rows(between)
    for item in batch.included:
        change_set = item.change_set
        assert change_set is not None
        own = batch.without_between(change_set)
        rows.append(
            PreviewRow(
                "section",
                f"{return_name(change_set)} – {item.path.name}",
                "",
                "",
                "",
                _return_note(batch, change_set, own),
                heading=True,
            )
        )
        rows += _card_rows(own)
    return rows


class BatchPreviewModel(ImportPreviewModel):
    """The import preview's table, with each card's line in bold."""

    def cell_text(self, row: PreviewRow, column: int) -> str | None:
        if row.kind == CARD:
            return row.item if column == 0 else ""
        return super().cell_text(row, column)

    def row_background(self, row: PreviewRow) -> Any:
        if row.kind == CARD:
            return QBrush(QColor("#F4F6FA"))
        return super().row_background(row)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.FontRole
            and index.isValid()
            and self.row_at(index.row()).kind == CARD
        ):
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


class BatchPreviewDialog(QDialog):
    """Lists a batch; ``exec()`` returns Accepted only when the officer chose Apply."""

    def __init__(self, batch: ReturnBatch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch = batch
        count = len(batch.files)
        self.setWindowTitle(f"Import returns – {count} file{'s' if count != 1 else ''}")
        self.setAccessibleName("Import returns preview")
        layout = QVBoxLayout(self)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_list = QPlainTextEdit()
        self.problems_list.setReadOnly(True)
        self.problems_list.setAccessibleName("Files that need fixing")
        self.problems_list.setMaximumHeight(150)
        to_fix = batch.to_fix
        if to_fix:
            self.problems_label.setText(
                f"<b>{len(to_fix)} file{'s' if len(to_fix) != 1 else ''} need"
                f"{'s' if len(to_fix) == 1 else ''} fixing</b> – correct them and import the "
                "returns again; nothing can be applied until then:"
            )
            lines = []
            for item in to_fix:
                if item.problem:
                    lines.append(item.problem)
                elif item.change_set is not None:
                    lines.append(f"{item.path}:")
                    lines += [f"    {p}" for p in item.change_set.problems]
            self.problems_list.setPlainText("\n".join(lines))
            layout.addWidget(self.problems_label)
            layout.addWidget(self.problems_list)
        else:
            self.problems_label.hide()
            self.problems_list.hide()

        self.left_out_label = QLabel()
        self.left_out_label.setWordWrap(True)
        self.left_out_label.setAccessibleName("Files left out")
        notes = [file_line(item) for item in batch.left_out]
        notes += [f"{p.name}: not an Excel workbook, not read" for p in batch.ignored]
        if notes:
            self.left_out_label.setText(
                "<b>Left out</b> (nothing of these is imported):<br>"
                + "<br>".join(_escape(line) for line in notes)
            )
            layout.addWidget(self.left_out_label)
        else:
            self.left_out_label.hide()

        self.model = BatchPreviewModel(batch_rows(batch), self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Changes in the returns")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(True)
        self.view.setTabKeyNavigation(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (0, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for number in range(self.model.rowCount()):
            row = self.model.preview_row(number)
            if row.heading or row.kind == CARD:
                self.view.setSpan(number, 0, 1, 5)
        self.choice_boxes: dict[int, QComboBox] = {}
        for number in self.model.conflict_rows():
            box = QComboBox()
            box.addItems([r.value for r in Resolution])
            box.setAccessibleName(f"Choice for {self.model.preview_row(number).item}")
            box.currentIndexChanged.connect(lambda _i, n=number: self._box_chosen(n))
            self.view.setIndexWidget(self.model.index(number, 5), box)
            self.choice_boxes[number] = box
        layout.addWidget(self.view, 1)

        conflicts = [c for cs in batch.change_sets for c in cs.conflicts]
        choices = QHBoxLayout()
        self.take_button = ImmediateButton("&Take the return's value")
        self.keep_button = ImmediateButton("&Keep the database's")
        for button, resolution in (
            (self.take_button, Resolution.TAKE_RETURN),
            (self.keep_button, Resolution.KEEP_DATABASE),
        ):
            button.setToolTip("For the selected conflicts")
            button.clicked.connect(lambda _c=False, r=resolution: self.choose_selected(r))
            button.setEnabled(bool(conflicts) and not batch.needs_fixing)
            choices.addWidget(button)
        choices.addStretch(1)
        if conflicts:
            layout.addLayout(choices)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setText("&Apply all returns")
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        layout.addWidget(self.buttons)
        self._refresh()
        fit_to_screen(self, 1240, 680)

    # ------------------------------------------------------------------ choices

    def _conflict_row(self, conflict: Conflict) -> int | None:
        return next(
            (n for n in self.choice_boxes if self.model.preview_row(n).conflict is conflict), None
        )

    def _box_chosen(self, number: int) -> None:
        conflict = self.model.preview_row(number).conflict
        if conflict is None:
            return
        resolution = Resolution(self.choice_boxes[number].currentText())
        between = self.batch.between_for(conflict)
        if between is not None and resolution is Resolution.TAKE_RETURN:
            # One return's value at most: taking it keeps the database's against the others.
            taker = next(cs for cs, c in between.claims if c is conflict)
            between.take(taker)
            for _, other in between.claims:
                row = self._conflict_row(other)
                if row is not None and other is not conflict:
                    box = self.choice_boxes[row]
                    box.blockSignals(True)
                    box.setCurrentText(Resolution.KEEP_DATABASE.value)
                    box.blockSignals(False)
                    self.model.choice_changed(row)
        else:
            conflict.resolution = resolution
        self.model.choice_changed(number)
        self._refresh()

    def choose(self, number: int, resolution: Resolution) -> None:
        """Settle the conflict on preview row ``number``."""
        self.choice_boxes[number].setCurrentText(resolution.value)

    def choose_selected(self, resolution: Resolution) -> None:
        for index in self.view.selectionModel().selectedRows():
            if index.row() in self.choice_boxes:
                self.choose(index.row(), resolution)

    def conflict_rows_for(self, text: str) -> list[int]:
        """Rows of conflicts whose item mentions ``text`` (tests and the keyboard use this)."""
        return [n for n in self.choice_boxes if text in self.model.preview_row(n).item]

    # ------------------------------------------------------------------ summary

    def _refresh(self) -> None:
        batch = self.batch
        included = batch.included
        changes = batch.change_count
        taken = sum(len(cs.taken_conflicts) for cs in batch.change_sets)
        lines = [
            f"{len(included)} of {len(batch.files)} file{'s' if len(batch.files) != 1 else ''} "
            f"to import into {batch.programme_code}, {batch.current_period or 'no period'}, in "
            "one transaction after one backup.",
            f"{changes} change{'s' if changes != 1 else ''} to apply"
            + (
                f" (with {taken} conflict{'s' if taken != 1 else ''} settled for a return)"
                if taken
                else ""
            )
            + f"; {batch.conflicts_left} conflict{'s' if batch.conflicts_left != 1 else ''} "
            "left as the database has them"
            + (f", {len(batch.between)} of them between returns" if batch.between else "")
            + ".",
        ]
        for item in included:
            assert item.change_set is not None
            earlier = preview.earlier_imports_line(item.change_set)
            if earlier:
                lines.append(f"{item.path.name}: {earlier[0].lower()}{earlier[1:]}.")
        if batch.needs_fixing:
            lines.append("Nothing can be applied until the files listed below are fixed.")
        elif not included:
            lines.append("No return to import.")
        elif batch.is_empty:
            lines.append("Nothing to apply.")
        self.summary_label.setText("\n".join(lines))
        self.apply_button.setEnabled(bool(included) and not batch.needs_fixing)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
