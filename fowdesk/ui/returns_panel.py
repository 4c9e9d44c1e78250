"""The dashboard's Returns panel: this period's return round, one line per lead.

It shows a :class:`fowdesk.domain.return_round.ReturnRound`: when each lead's
return was sent, when it came back (by whom, from which return ID), what it
changed, what it left in conflict, and whether it is overdue. A lead who has
not replied reads "Not returned" and nothing else on their row says returned.
The panel's buttons are the workflow's own actions (send, import, chase), so
they are disabled while a job runs, like the menu entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.return_round import AdHocReturn, LeadRound, ReturnRound
from fowdesk.ui.table_models import Index, ReadOnlyTableModel

RETURNED = "Returned"
NOT_RETURNED = "Not returned"
AD_HOC = "Ad-hoc return"


@dataclass(frozen=True)
class ReturnsRow:
    """One row of the panel: its cells, its state, and the whole line (the tooltip)."""

    cells: tuple[str, ...]
    state: str
    overdue: bool
    line: str


def _short_id(return_id: str) -> str:
    return return_id.split("-")[0]


def _lead_row(lead: LeadRound) -> ReturnsRow:
    sent = lead.sent
    when = f"{sent.sent_at:%d/%m/%Y} · " if sent.sent_at else ""
    again = f" (sent {lead.times_sent} times)" if lead.times_sent > 1 else ""
    due = f"{lead.due_on:%d/%m/%Y}" if lead.due_on else ""
    reply = lead.last_reply
    if reply is None:
        status = NOT_RETURNED
        if sent.chased_at:
            status += f", chased {sent.chased_at:%d/%m}"
        overdue = ""
        if lead.overdue:
            days = lead.days_overdue
            overdue = f"{days} working day{'s' if days != 1 else ''}" if days else "yes"
        # A silent lead's row says nothing else: no date, no count, no return ID.
        cells = (lead.who, f"{when}{sent.filename}{again}", due, overdue, "", "", "", status)
        return ReturnsRow(cells, NOT_RETURNED, lead.overdue, lead.line())
    done = reply.imported
    by = done.author or done.who
    which = _short_id(done.return_id) + ("" if reply.from_sent else ", ad hoc")
    cells = (
        lead.who,
        f"{when}{sent.filename}{again}",
        due,
        "",
        f"{done.at:%d/%m/%Y} by {by} · return ID {which}",
        str(lead.changes),
        str(lead.conflicts_left),
        RETURNED,
    )
    return ReturnsRow(cells, RETURNED, False, lead.line())


def _ad_hoc_row(item: AdHocReturn) -> ReturnsRow:
    exported = item.exported
    lead = f"{exported.lead} (ad hoc)" if exported.lead else "All leads (ad hoc)"
    made = (
        f"not sent: exported {exported.exported_at:%d/%m/%Y} by {exported.exported_by}"
        if exported.exported_by
        else "not exported from this database"
    )
    last = item.imports[-1]
    cells = (
        lead,
        made,
        "",
        "",
        f"{last.at:%d/%m/%Y} by {last.author or last.who} · "
        f"return ID {_short_id(exported.return_id)}",
        str(sum(i.changes for i in item.imports)),
        str(last.conflicts_left),
        AD_HOC,
    )
    return ReturnsRow(cells, AD_HOC, False, item.line())


def returns_rows(state: ReturnRound) -> list[ReturnsRow]:
    return [_lead_row(lead) for lead in state.leads] + [_ad_hoc_row(a) for a in state.ad_hoc]


class ReturnsModel(ReadOnlyTableModel[ReturnsRow]):
    HEADINGS = (
        "Lead",
        "Sent",
        "Due back",
        "Overdue by",
        "Returned",
        "Changes",
        "Conflicts left",
        "Status",
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(self.HEADINGS, (), parent)

    def cell_text(self, row: ReturnsRow, column: int) -> str | None:
        return row.cells[column] if column < len(row.cells) else None

    def row_background(self, row: ReturnsRow) -> Any:
        if row.overdue:
            return QBrush(QColor("#FBE3E1"))
        if row.state == RETURNED:
            return QBrush(QColor("#E3F1E6"))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return self.row_at(index.row()).line
        return super().data(index, role)


class ReturnsPanel(QGroupBox):
    """This period's round at a glance, with the buttons that move it on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Returns", parent)
        self.setAccessibleName("Returns")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Return round")
        self.model = ReturnsModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Returns by lead")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 4):  # Sent, Returned: the long ones share the room
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        # The lead's role is long: it may be cut (the tooltip has the whole line).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 250)
        header.setStretchLastSection(False)
        self.send_button = QToolButton()
        self.import_button = QToolButton()
        self.chase_button = QToolButton()
        buttons = QHBoxLayout()
        for button in (self.send_button, self.import_button, self.chase_button):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            buttons.addWidget(button)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.round: ReturnRound | None = None
        self.show_round(None)

    def set_actions(self, send: QAction, import_: QAction, chase: QAction) -> None:
        """Give the buttons the workflow's actions (their text, access keys and enabling)."""
        for button, action in (
            (self.send_button, send),
            (self.import_button, import_),
            (self.chase_button, chase),
        ):
            button.setDefaultAction(action)
            button.setAccessibleName(action.text().replace("&", "").rstrip("…"))

    def show_round(self, state: ReturnRound | None) -> None:
        self.round = state
        rows = returns_rows(state) if state is not None else []
        self.model.set_rows(rows)
        if state is None or (not state.was_sent and not state.ad_hoc):
            label = f" for {state.period_label}" if state is not None else ""
            self.setTitle(f"Returns{label}")
            self.summary.setText(
                f"No returns sent{label} yet. Send returns writes one for each lead, with a "
                "covering list and e-mail drafts; this panel then shows who has replied."
            )
            self.view.setVisible(False)
            return
        self.view.setVisible(True)
        self._fit_rows()
        returned, total = len(state.returned), len(state.leads)
        overdue = f", {len(state.overdue)} overdue" if state.overdue else ""
        self.setTitle(f"Returns for {state.period_label} ({returned} of {total} returned{overdue})")
        heading = state.heading()
        prefix = f"{state.programme_code}, {state.period_label}: "
        text = heading[len(prefix) :] if heading.startswith(prefix) else heading
        self.summary.setText(text[0].upper() + text[1:] + ".")

    def _fit_rows(self, most: int = 8) -> None:
        """As tall as its rows (up to ``most``): the room left goes to the other lists."""
        view = self.view
        shown = min(self.model.rowCount(), most)
        height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
        height += sum(view.verticalHeader().sectionSize(row) for row in range(shown))
        view.setFixedHeight(height)

    def rows_wanted(self) -> int:
        """How many table rows the panel would like on screen."""
        return self.model.rowCount() if self.view.isVisible() else 0
