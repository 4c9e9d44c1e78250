"""The card editor's History tab: every recorded change to the card, the chosen one word by word.

It is a panel of its own because it only reads: the audit trail of the card
and its milestones, newest first, with the chosen change shown as a word
diff (added words marked, removed words struck) so that an officer can see
exactly what a colleague or an imported return changed. Nothing here saves.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.model import Card
from fowdesk.ui.editing import EditSession
from fowdesk.ui.models import HistoryModel, audit_text
from fowdesk.ui.widgets.word_diff_view import WordDiffView

#: How much of a milestone's description names it in the What column.
SUBJECT_CHARS = 28


class HistoryPanel(QWidget):
    """The card's changes as a table over a word diff of the chosen one."""

    def __init__(self, session: EditSession) -> None:
        super().__init__()
        self.session = session
        self.model = HistoryModel(self)
        self.view = QTableView()
        self.view.setAccessibleName("History")
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTabKeyNavigation(False)
        # When and Who fit their text; What, Was and Now share the rest and wrap,
        # so every column is in view at 1366×768 and at 125%.
        self.view.setWordWrap(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (HistoryModel.WHEN, HistoryModel.WHO):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.diff = WordDiffView()
        self.view.selectionModel().currentRowChanged.connect(self._show_change)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.diff)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def focus_chain(self) -> list[QWidget]:
        """The table of changes (the word diff follows it as the page's last stop)."""
        return [self.view]

    def _show_change(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The chosen change word by word: what was added, what was taken out."""
        if not current.isValid():
            self.diff.show_nothing()
            return
        row = self.model.history_row(current.row())
        entry = row.entry
        heading = self.model.describe(row)
        self.diff.show_change(heading, audit_text(entry.old), audit_text(entry.new))

    def show_card(self, card: Card) -> None:
        """``card``'s changes as the database holds them; the chosen change stays chosen."""
        subjects = {card.uuid: ""}
        for m in card.milestones:
            short = (
                m.description
                if len(m.description) <= SUBJECT_CHARS
                else m.description[: SUBJECT_CHARS - 1] + "…"
            )
            subjects[m.uuid] = f"Milestone {m.position + 1} ({short})"
        selected = self.view.currentIndex()
        before = self.model.rowCount()
        self.model.set_history(self.session.repo.card_history(card.uuid), subjects)
        count = self.model.rowCount()
        if not count:
            self.diff.show_nothing()
            return
        # The newest change stays chosen as new ones arrive; an older one chosen stays chosen.
        row = selected.row() + count - before if selected.isValid() and selected.row() else 0
        self.view.setCurrentIndex(self.model.index(min(max(row, 0), count - 1), 0))
