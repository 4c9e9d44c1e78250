"""The dashboard: RAG counts, overdue and upcoming milestones, cards not yet updated, returns.

It shows a :class:`fowdesk.domain.summary.ProgrammeSummary` (judged as at
the current period's as-at date, as the return and the report are, or as at
today when the window's "As at today" is on) and the export log; clicking a
row asks the window to open that card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.model import RAG_COLOURS, Period, Rag
from fowdesk.domain.publishing import publication_status
from fowdesk.domain.return_round import ReturnRound
from fowdesk.domain.summary import MilestoneDue, ProgrammeSummary
from fowdesk.storage.repository import ExportRecord
from fowdesk.ui.returns_panel import ReturnsPanel
from fowdesk.ui.table_models import ReadOnlyTableModel


def _uk(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@dataclass(frozen=True)
class DashboardRow:
    """One line of a dashboard list, and the card it opens."""

    card_uuid: str
    cells: tuple[str, ...]


class DashboardListModel(ReadOnlyTableModel[DashboardRow]):
    """A read-only list of rows; each row remembers its card."""

    def card_uuid(self, row: int) -> str:
        return self.row_at(row).card_uuid

    def cell_text(self, row: DashboardRow, column: int) -> str | None:
        return row.cells[column] if column < len(row.cells) else None


class RagCountChip(QFrame):
    """A coloured box with the RAG letter, its name and the count: readable without colour."""

    def __init__(self, rag: Rag, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rag = rag
        self.setFrameShape(QFrame.Shape.StyledPanel)
        colour = QColor(RAG_COLOURS[rag])
        self.setStyleSheet(
            f"RagCountChip {{ background: {colour.name()}; border-radius: 6px; }}"
            " QLabel { color: white; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.count_label = QLabel("0")
        self.count_label.setStyleSheet("font-size: 20pt; font-weight: bold; color: white;")
        self.name_label = QLabel(f"{rag.value} – {rag.label}")
        self.name_label.setStyleSheet("font-weight: bold; color: white;")
        layout.addWidget(self.count_label, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.name_label, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.setAccessibleName(f"{rag.label} cards")

    def set_count(self, count: int) -> None:
        self.count_label.setText(str(count))
        self.setAccessibleDescription(f"{count} cards {self.rag.label} ({self.rag.value})")
        self.setToolTip(f"{count} recommendation(s) {self.rag.label} ({self.rag.value})")


def _list_view(model: DashboardListModel, name: str, stretch_column: int = 1) -> QTableView:
    """A read-only list whose descriptive column takes the spare width (the rest fit)."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # one Tab stop; arrows move, Enter opens the card
    view.verticalHeader().setVisible(False)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    view.setAlternatingRowColors(True)
    return view


class DashboardWidget(QWidget):
    """The programme at a glance. Emits ``card_requested(uuid)`` when a row is opened."""

    card_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Dashboard")
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.chips = {
            rag: RagCountChip(rag) for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE)
        }
        chips = QHBoxLayout()
        for chip in self.chips.values():
            chips.addWidget(chip)
        chips.addStretch(1)
        self.last_activity = QLabel()
        self.last_activity.setWordWrap(True)
        self.last_activity.setAccessibleName("Last export and publish")

        self.overdue_model = DashboardListModel(
            ["Ref", "Milestone", "Target", "Due by", "Days overdue"]
        )
        self.upcoming_model = DashboardListModel(
            ["Ref", "Milestone", "Target", "Due by", "Days to go"]
        )
        self.not_updated_model = DashboardListModel(["Ref", "Recommendation", "Lead"])
        self.overdue_view = _list_view(self.overdue_model, "Overdue milestones")
        self.upcoming_view = _list_view(self.upcoming_model, "Milestones due in the next 30 days")
        self.not_updated_view = _list_view(self.not_updated_model, "Cards with no update")

        grid = self.grid = QGridLayout()
        self._empty_notes: dict[QTableView, QLabel] = {}
        self.overdue_box = self._boxed(
            "Overdue milestones", self.overdue_view, "No milestone is overdue."
        )
        self.upcoming_box = self._boxed(
            "Due in the next 30 days", self.upcoming_view, "Nothing falls due in the next 30 days."
        )
        self.not_updated_box = self._boxed(
            "No update this period",
            self.not_updated_view,
            "Every recommendation has progress recorded for this period.",
        )
        grid.addWidget(self.overdue_box, 0, 0)
        grid.addWidget(self.upcoming_box, 0, 1)
        grid.addWidget(self.not_updated_box, 1, 0, 1, 2)
        self.returns_panel = ReturnsPanel()
        grid.addWidget(self.returns_panel, 2, 0, 1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(chips)
        layout.addWidget(self.last_activity)
        layout.addLayout(grid, 1)

        for view, model in (
            (self.overdue_view, self.overdue_model),
            (self.upcoming_view, self.upcoming_model),
            (self.not_updated_view, self.not_updated_model),
        ):
            view.activated.connect(
                lambda index, m=model: self.card_requested.emit(m.card_uuid(index.row()))
            )
            view.doubleClicked.connect(
                lambda index, m=model: self.card_requested.emit(m.card_uuid(index.row()))
            )

    def _boxed(self, title: str, view: QTableView, empty: str) -> QGroupBox:
        """A titled list that says so in words when it is empty, not with a blank table."""
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        inner.addWidget(view)
        note = QLabel(empty)
        note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        inner.addWidget(note)
        self._empty_notes[view] = note
        return box

    def _show_or_say_empty(self, view: QTableView) -> None:
        empty = view.model().rowCount() == 0
        view.setVisible(not empty)
        self._empty_notes[view].setVisible(empty)

    def show_summary(
        self,
        title: str,
        summary: ProgrammeSummary,
        period: Period | None,
        lead_of: dict[str, str],
        exports: Sequence[ExportRecord],
        published: Period | None,
        *,
        as_at_today: bool = False,
    ) -> None:
        """Fill the dashboard; ``lead_of`` maps card uuid → its leads as printed."""
        self.heading.setText(_heading(title, period, summary.as_at, as_at_today))
        period_label = period.label if period else "this period"
        for rag, chip in self.chips.items():
            chip.set_count(summary.rag_counts.get(rag, 0))
        self.overdue_model.set_rows(_milestone_rows(summary.overdue))
        self.upcoming_model.set_rows(_milestone_rows(summary.upcoming))
        self.not_updated_model.set_rows(
            [
                DashboardRow(c.uuid, (c.ref, c.title, lead_of.get(c.uuid, "")))
                for c in summary.not_updated
            ]
        )
        self.overdue_box.setTitle(f"Overdue milestones ({len(summary.overdue)})")
        self.upcoming_box.setTitle(f"Due in the next 30 days ({len(summary.upcoming)})")
        self.not_updated_box.setTitle(f"No update for {period_label} ({len(summary.not_updated)})")
        self.last_activity.setText(_activity_line(exports, published))
        for view in self._empty_notes:
            self._show_or_say_empty(view)
        # An empty list says so in a line; the room goes to the lists that have rows.
        self.grid.setRowStretch(1, 2 if summary.not_updated else 0)
        self.grid.setColumnStretch(1, 2 if summary.upcoming else 1)

    def show_returns(self, state: ReturnRound | None) -> None:
        """Fill the Returns panel with this period's round (None: no period)."""
        self.returns_panel.show_round(state)
        self.grid.setRowStretch(2, 0)  # as tall as its rows: the room goes to the lists


def _milestone_rows(items: Sequence[MilestoneDue]) -> list[DashboardRow]:
    """Ref, milestone, target, due by and days (overdue or to go) for each item."""
    return [
        DashboardRow(
            d.card_uuid,
            (d.card_ref, d.milestone.description, d.milestone.target, _uk(d.due_by), str(d.days)),
        )
        for d in items
    ]


def _heading(title: str, period: Period | None, as_at: date, as_at_today: bool) -> str:
    """Which report the counts are for: "… – March 2020 · as at 31/03/2020 · open"."""
    judged = f"RAG as at today, {_uk(as_at)}" if as_at_today else f"as at {_uk(as_at)}"
    if period is None:
        return f"{title} · no reporting period yet · {judged}"
    status = publication_status(period)
    return f"{title} · {judged} · {'open, not yet published' if status == 'open' else status}"


def _activity_line(exports: Sequence[ExportRecord], published: Period | None) -> str:
    def last(kind: str) -> str:
        record = next((e for e in exports if e.kind == kind), None)
        if record is None:
            return "never"
        return f"{record.at:%d/%m/%Y %H:%M} by {record.who} ({record.filename})"

    published_text = (
        f"{published.label}, {publication_status(published)}" if published else "none yet"
    )
    return (
        f"Last Excel return: {last('xlsx')}.  Last PDF report: {last('pdf')}.  "
        f"Last published report: {published_text}."
    )
