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
    QLabel,
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
from fowdesk.ui.import_preview import (
    CONFLICT,
    ImportPreviewModel,
    PreviewDialog,
    PreviewRow,
    preview_rows,
)
from fowdesk.ui.table_models import Index
from fowdesk.ui.text import sentence

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
            f"{sentence(between.what)} – {return_name(cs)}, {conflict.place}",
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

    def spans_row(self, row: PreviewRow) -> bool:
        return row.heading or row.kind == CARD

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


class BatchPreviewDialog(PreviewDialog):
    """Lists a batch; ``exec()`` returns Accepted only when the officer chose Apply."""

    def __init__(self, batch: ReturnBatch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch = batch
        count = len(batch.files)
        self.setWindowTitle(f"Import returns – {count} file{'s' if count != 1 else ''}")
        self.setAccessibleName("Import returns preview")
        to_fix = batch.to_fix
        lines = []
        for item in to_fix:
            if item.problem:
                lines.append(item.problem)
            elif item.change_set is not None:
                lines.append(f"{item.path}:")
                lines += [f"    {p}" for p in item.change_set.problems]

        self.left_out_label = QLabel()
        self.left_out_label.setWordWrap(True)
        self.left_out_label.setAccessibleName("Files left out")
        notes = [file_line(item) for item in batch.left_out]
        notes += [f"{p.name}: not an Excel workbook, not read" for p in batch.ignored]
        self.left_out_label.setText(
            "<b>Left out</b> (nothing of these is imported):<br>"
            + "<br>".join(_escape(line) for line in notes)
        )
        self._build(
            BatchPreviewModel(batch_rows(batch)),
            table_name="Changes in the returns",
            problems=(
                "Files that need fixing",
                f"<b>{len(to_fix)} file{'s' if len(to_fix) != 1 else ''} need"
                f"{'s' if len(to_fix) == 1 else ''} fixing</b> – correct them and import the "
                "returns again; nothing can be applied until then:",
                lines,
            ),
            has_conflicts=any(cs.conflicts for cs in batch.change_sets),
            needs_fixing=batch.needs_fixing,
            apply_text="&Apply all returns",
            above_table=[self.left_out_label] if notes else [],
            size=(1240, 680),
        )
        if not notes:
            self.left_out_label.hide()

    # ------------------------------------------------------------------ choices

    def _conflict_row(self, conflict: Conflict) -> int | None:
        return next(
            (n for n in self.choice_boxes if self.model.preview_row(n).conflict is conflict), None
        )

    def _settle(self, number: int, conflict: Conflict, resolution: Resolution) -> None:
        between = self.batch.between_for(conflict)
        if between is None or resolution is not Resolution.TAKE_RETURN:
            conflict.resolution = resolution
            return
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
