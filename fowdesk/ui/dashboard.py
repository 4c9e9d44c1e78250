"""The dashboard: RAG counts, overdue and upcoming milestones, cards not yet updated, returns.

It shows a :class:`fowdesk.domain.summary.ProgrammeSummary` (judged as at
the current period's as-at date, as the return and the report are, or as at
today when the window's "As at today" is on) and the export log; clicking a
row asks the window to open that card.

At 5,000 cards working it out takes longer than a window step may, so the
window asks for it (:meth:`DashboardWidget.work_out`) with the programme and
the RAGs its list shows, the figures are worked out on the job pool
(:func:`work_out_dashboard`), and the finished lists are swapped in. Meanwhile
the dashboard says so and greys what it showed before. The lists' cells are
written out only when a view asks for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
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
from shiboken6 import isValid

from fowdesk.domain.leads import format_leads
from fowdesk.domain.model import RAG_COLOURS, Card, Period, Programme, Rag
from fowdesk.domain.publishing import publication_status
from fowdesk.domain.return_round import ReturnRound, return_round
from fowdesk.domain.summary import MilestoneDue, ProgrammeSummary, summarise
from fowdesk.exports.report_model import report_heading
from fowdesk.storage.repository import ExportRecord, Repository
from fowdesk.ui.jobs import JobPool
from fowdesk.ui.models import CardRow
from fowdesk.ui.returns_panel import ReturnsPanel
from fowdesk.ui.table_models import ReadOnlyTableModel
from fowdesk.ui.text import sentence

#: How many rows of a dashboard list its columns are sized by (the rest are cut, with a tooltip).
SIZED_BY_ROWS = 100


def _uk(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@dataclass(frozen=True)
class DashboardRow:
    """One line of a dashboard list, and the card it opens."""

    card_uuid: str
    cells: tuple[str, ...]


ListRowT = TypeVar("ListRowT")


class DashboardListModel(ReadOnlyTableModel[ListRowT]):
    """A read-only list of rows; each row remembers its card (here a :class:`DashboardRow`)."""

    def card_uuid(self, row: int) -> str:
        return str(self.row_at(row).card_uuid)  # type: ignore[attr-defined]

    def cell_text(self, row: Any, column: int) -> str | None:
        return row.cells[column] if column < len(row.cells) else None


class MilestoneDueModel(DashboardListModel[MilestoneDue]):
    """Ref, milestone, target, due by and days (overdue or to go), written out as shown.

    As at today a 5,000-card programme has some 20,000 overdue milestones: a
    view asks only for the cells it draws and sizes its columns by.
    """

    def cell_text(self, row: MilestoneDue, column: int) -> str | None:
        if column == 0:
            return row.card_ref
        if column == 1:
            return row.milestone.description
        if column == 2:
            return row.milestone.target
        if column == 3:
            return _uk(row.due_by)
        if column == 4:
            return str(row.days)
        return None


class NotUpdatedModel(DashboardListModel[Card]):
    """Ref, recommendation and its leads as printed, for each card with no update."""

    def card_uuid(self, row: int) -> str:
        return self.row_at(row).uuid

    def cell_text(self, row: Card, column: int) -> str | None:
        if column == 0:
            return row.ref
        if column == 1:
            return row.title
        if column == 2:
            return format_leads(row.leads)
        return None


@dataclass(frozen=True)
class DashboardRequest:
    """What the window shows, for the dashboard to be worked out from (on the job pool)."""

    programme: Programme
    #: The cards as the window has them now (the programme's list may be swapped meanwhile).
    cards: tuple[Card, ...]
    #: The RAG each card has in the window's list, judged as at ``as_at``.
    rags: Mapping[str, Rag]
    as_at: date
    as_at_today: bool
    #: The day the returns are judged overdue on.
    today: date

    @classmethod
    def of(
        cls, programme: Programme, rows: Sequence[CardRow], as_at: date, as_at_today: bool
    ) -> DashboardRequest:
        """The programme and the RAGs the list shows (``rows``), as at ``as_at``."""
        return cls(
            programme,
            tuple(programme.cards),
            {row.uuid: row.rag.rag for row in rows},
            as_at,
            as_at_today,
            date.today(),
        )

    @property
    def heading(self) -> str:
        programme, period = self.programme, self.programme.current_period
        title = report_heading(programme, period) if period else programme.title
        return _heading(title, period, self.as_at, self.as_at_today)


@dataclass(frozen=True)
class DashboardContent:
    """The dashboard worked out: what :meth:`DashboardWidget.show_content` puts on screen."""

    request: DashboardRequest
    summary: ProgrammeSummary
    activity: str
    returns: ReturnRound | None


def work_out_dashboard(repo: Repository, request: DashboardRequest) -> DashboardContent:
    """The dashboard's figures and lines (a job: runs on the job pool, with its own ``repo``).

    Counted from the cards and RAGs the window shows; the export log and the
    returns are read from the file.
    """
    programme = request.programme
    summary = summarise(programme, request.as_at, cards=request.cards, rags=request.rags)
    activity = _activity_line(repo.export_log(programme.code), programme.latest_published_period)
    period = programme.current_period
    label = period.label if period else ""
    listing = repo.returns(programme.code, label or None)
    return DashboardContent(
        request, summary, activity, return_round(programme, label, listing, request.today)
    )


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


class Veil(QWidget):
    """A pale veil over a widget: what shows through is from before, and is being worked out.

    Clicks and the wheel go through it (a row opens its card as before), and it
    takes no focus, so greying the dashboard never moves the officer's focus.
    """

    def __init__(self, covered: QWidget) -> None:
        super().__init__(covered)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        covered.installEventFilter(self)
        self.hide()

    def cover(self) -> None:
        covered = self.parentWidget()
        assert covered is not None
        self.setGeometry(covered.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        return False

    def paintEvent(self, _event: QPaintEvent) -> None:
        QPainter(self).fillRect(self.rect(), QColor(255, 255, 255, 170))


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
    # Columns fit the first rows, not all of them: as at today a big programme lists 20,000
    # overdue milestones, and Qt's default (1,000 rows, asked at each layout) cost a second.
    header.setResizeContentsPrecision(SIZED_BY_ROWS)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    view.setAlternatingRowColors(True)
    return view


class DashboardWidget(QWidget):
    """The programme at a glance. Emits ``card_requested(uuid)`` when a row is opened."""

    card_requested = Signal(str)
    #: The content last asked for (:meth:`work_out`) is worked out and shown.
    updated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Dashboard")
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        #: Says the figures below are being worked out (they are greyed meanwhile).
        self.working_line = QLabel()
        self.working_line.setAccessibleName("Dashboard state")
        self.working_line.setVisible(False)
        #: The request waiting to be worked out, whether a job is working one out now, and
        #: where jobs run (given by the window with its first request).
        self._wanted: DashboardRequest | None = None
        self._running = False
        self._shown_once = False
        self._pool: tuple[JobPool, Path, str | None] | None = None
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

        self.overdue_model = MilestoneDueModel(
            ["Ref", "Milestone", "Target", "Due by", "Days overdue"]
        )
        self.upcoming_model = MilestoneDueModel(
            ["Ref", "Milestone", "Target", "Due by", "Days to go"]
        )
        self.not_updated_model = NotUpdatedModel(["Ref", "Recommendation", "Lead"])
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

        #: Everything below the heading: greyed while it is being worked out again.
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(chips)
        body.addWidget(self.last_activity)
        body.addLayout(grid, 1)
        self.veil = Veil(self.body)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.working_line)
        layout.addWidget(self.body, 1)
        layout.addStretch(0)  # keeps the lines at the top while the body is hidden

        models: tuple[DashboardListModel[Any], ...] = (
            self.overdue_model,
            self.upcoming_model,
            self.not_updated_model,
        )
        for view, model in zip(
            (self.overdue_view, self.upcoming_view, self.not_updated_view), models, strict=True
        ):
            view.activated.connect(
                lambda index, m=model: self.card_requested.emit(m.card_uuid(index.row()))
            )
            view.doubleClicked.connect(
                lambda index, m=model: self.card_requested.emit(m.card_uuid(index.row()))
            )

    @property
    def working(self) -> bool:
        """The figures shown are not yet those last asked for (they are greyed)."""
        return self._running or self._wanted is not None

    def work_out(
        self, request: DashboardRequest, jobs: JobPool, db_path: Path, user: str | None
    ) -> None:
        """Work the dashboard out for ``request`` on ``jobs``; ``updated`` says when it is shown.

        Until then the heading says what is being worked out and the figures
        below it are greyed. A request made while one is worked out replaces
        any other waiting: only the newest is worked out next and shown.
        """
        self._pool = (jobs, db_path, user)
        self._wanted = request
        self.heading.setText(request.heading)
        working = f"Working out the figures as at {_uk(request.as_at)}…"
        if self._shown_once:
            self.working_line.setText(f"{working} What is greyed below is from before.")
            self.veil.cover()
        else:  # nothing worked out yet: no empty lists, no zeros
            self.working_line.setText(working)
            self.body.setVisible(False)
        self.working_line.setVisible(True)
        if not self._running:
            self._start()

    def _start(self) -> None:
        request, self._wanted = self._wanted, None
        assert request is not None and self._pool is not None
        jobs, db_path, user = self._pool
        self._running = True
        jobs.run(
            db_path,
            "Working out the dashboard…",
            lambda repo, _progress: work_out_dashboard(repo, request),
            on_success=self._arrived,
            on_failure=self._failed,
            user=user,
        )

    def _arrived(self, content: DashboardContent) -> None:
        if not isValid(self):  # the window was closed and deleted meanwhile
            return
        self._running = False
        if self._wanted is not None:  # asked again meanwhile: this one is already out of date
            self._start()
            return
        self.show_content(content)
        self.updated.emit()

    def _failed(self, message: str) -> None:
        if not isValid(self):
            return
        self._running = False
        if self._wanted is not None:
            self._start()
            return
        self.working_line.setText(sentence(f"could not work out the dashboard: {message}"))

    def show_content(self, content: DashboardContent) -> None:
        """Show the dashboard worked out (and no longer grey it)."""
        request = content.request
        period = request.programme.current_period
        self.show_summary(request.heading, content.summary, period, content.activity)
        self.show_returns(content.returns)
        self.working_line.setVisible(False)
        self.veil.hide()
        self.body.setVisible(True)
        self._shown_once = True

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
        self, heading: str, summary: ProgrammeSummary, period: Period | None, activity: str
    ) -> None:
        """Fill the counts and lists (their cells are written out as the views ask for them)."""
        self.heading.setText(heading)
        period_label = period.label if period else "this period"
        for rag, chip in self.chips.items():
            chip.set_count(summary.rag_counts.get(rag, 0))
        self.overdue_model.set_rows(summary.overdue)
        self.upcoming_model.set_rows(summary.upcoming)
        self.not_updated_model.set_rows(summary.not_updated)
        self.overdue_box.setTitle(f"Overdue milestones ({len(summary.overdue)})")
        self.upcoming_box.setTitle(f"Due in the next 30 days ({len(summary.upcoming)})")
        self.not_updated_box.setTitle(f"No update for {period_label} ({len(summary.not_updated)})")
        self.last_activity.setText(activity)
        for view in self._empty_notes:
            self._show_or_say_empty(view)
        # An empty list says so in a line; the room goes to the lists that have rows.
        self.grid.setRowStretch(1, 2 if summary.not_updated else 0)
        self.grid.setColumnStretch(1, 2 if summary.upcoming else 1)

    def show_returns(self, state: ReturnRound | None) -> None:
        """Fill the Returns panel with this period's round (None: no period)."""
        self.returns_panel.show_round(state)
        self.grid.setRowStretch(2, 0)  # as tall as its rows: the room goes to the lists


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
