"""The card editor's Milestones tab: the card's milestones as a table the officer edits in place.

It is a panel of its own because a milestone has its own life beside the
card's text: cells edited in place (a date typed into Completed on, a status
chosen), rows added, deleted, moved and completed, and a new target that
always asks for its reason. Every change saves at once as one undoable
command. The editor shows the card here and turns to this tab when a
milestone is added from elsewhere (Ctrl+N).

On a narrow table (a laptop at 125%) the Due window column gives its room
to the milestone, which would otherwise wrap a word or two a line: the
window is still on the Target cell's tooltip, and the hint under the table
names any target that cannot be read as a date.

Access keys on this tab: A, L, U, W, C and R (the buttons under the table).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.model import Card, Milestone, MilestoneStatus
from fowdesk.ui import dialogs
from fowdesk.ui.delegates import ChoiceDelegate, DateDelegate, RagChipDelegate
from fowdesk.ui.editing import (
    AddMilestoneCommand,
    DeleteMilestoneCommand,
    EditSession,
    MilestoneFieldsCommand,
    MoveMilestoneCommand,
    ReviseTargetCommand,
)
from fowdesk.ui.models import MilestoneTableModel
from fowdesk.ui.widgets.buttons import ImmediateButton
from fowdesk.ui.widgets.date_edit import PROBLEM_COLOUR

#: The milestone column should hold about this many characters a line; on a
#: table too narrow for that with the Due window shown, the window is hidden.
MILESTONE_LINE_CHARS = 20


class MilestonesPanel(QWidget):
    """The milestone table, the buttons that act on its current row, and what they save.

    ``save_typed`` saves the editor's text still being typed before a
    milestone change is saved; ``reveal`` turns the editor to this tab.
    """

    def __init__(
        self,
        session: EditSession,
        save_typed: Callable[[], None],
        reveal: Callable[[], None],
    ) -> None:
        super().__init__()
        self.session = session
        self._save_typed = save_typed
        self._reveal = reveal
        #: The card shown, and the start of its reporting year (for reading targets).
        self.card: Card | None = None
        self.year_from: date | None = None
        self.model = MilestoneTableModel(self, on_edit=self._milestone_edited)
        self.view = QTableView()
        self.view.setAccessibleName("Milestones")
        self.view.setAccessibleDescription(
            "Arrow keys move between cells, F2 edits one; the buttons after the table act on "
            "the current row"
        )
        self.view.setModel(self.model)
        self.view.setTabKeyNavigation(False)  # one Tab stop; Tab goes on to the buttons
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(True)
        self.view.verticalHeader().setVisible(False)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        model = MilestoneTableModel
        self.view.setItemDelegateForColumn(
            model.STATUS, ChoiceDelegate([str(s) for s in MilestoneStatus], self)
        )
        self.completed_delegate = DateDelegate(self)
        self.completed_delegate.refused.connect(self.session.state_changed)
        self.completed_delegate.problem.connect(self._show_cell_problem)
        self.view.setItemDelegateForColumn(model.COMPLETED, self.completed_delegate)
        self.view.setItemDelegateForColumn(model.RAG, RagChipDelegate(self))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(model.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self._size_columns()
        self.view.installEventFilter(self)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.add_action = QAction("&Add milestone", self)
        self.add_action.setShortcut(QKeySequence.StandardKey.New)
        self.add_action.setToolTip("Add a milestone (Ctrl+N)")
        self.add_action.triggered.connect(self.add_milestone)
        delete_key = QAction("Delete milestone", self.view)
        delete_key.setShortcut(QKeySequence.StandardKey.Delete)
        delete_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.triggered.connect(self.delete_milestone)
        self.view.addAction(delete_key)
        buttons = QHBoxLayout()
        self.buttons: dict[str, ImmediateButton] = {}
        for key, label, slot in (
            ("add", "&Add", self.add_milestone),
            ("delete", "De&lete", self.delete_milestone),
            ("up", "Move &up", lambda: self.move_milestone(-1)),
            ("down", "Move do&wn", lambda: self.move_milestone(+1)),
            ("complete", "Mark &complete", self.mark_complete),
            ("revise", "&Revise target…", self.revise_target),
        ):
            button = ImmediateButton(label)
            button.setAccessibleName(label.replace("&", "").replace("…", ""))
            if key == "add":
                button.clicked.connect(slot)
            else:
                button.clicked.connect(lambda _checked=False, act=slot: self._act_on_row(act))
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setAccessibleName("Milestone cell problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.problem.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        selection = self.view.selectionModel()
        selection.selectionChanged.connect(self.update_buttons)
        # The focused cell's row is the one the buttons act on, selected or not.
        selection.currentChanged.connect(self.update_buttons)

    def focus_chain(self) -> list[QWidget]:
        """The table, then the buttons that act on its current row, in Tab order."""
        return [self.view, *self.buttons.values()]

    def focus_table(self) -> None:
        """Give the table the keyboard, on its current row (the first if none is current)."""
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.view.currentIndex().isValid() and self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, MilestoneTableModel.DESCRIPTION))

    def _act_on_row(self, act: Any) -> None:
        """Run a button's action on the current row, then give the table the keyboard back.

        An officer who pressed Alt+C on a row goes on with the arrow keys, not
        from a button that may just have been disabled.
        """
        act()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _size_columns(self) -> None:
        """Columns as narrow as their heading and a typical value allow, at any font size.

        The milestone itself takes what is left and wraps; so do long targets
        and revisions. Editors that need more room than their cell (the date
        picker, the status drop-down) open wider than it, so nothing is cut.
        """
        view, model = self.view, MilestoneTableModel
        metrics = view.horizontalHeader().fontMetrics()
        padding = 2 * view.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + 6
        samples = {
            model.NUMBER: "99",
            model.TARGET: "March 2020",
            model.WINDOW: "31/05/2020 –",
            model.STATUS: max((str(s) for s in MilestoneStatus), key=metrics.horizontalAdvance),
            model.COMPLETED: "30/11/2020",
            model.RAG: "W",
            model.REVISED: "1× – originally",
            model.NOTES: "",
        }
        for column, sample in samples.items():
            heading = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            widest = max(metrics.horizontalAdvance(heading), metrics.horizontalAdvance(sample))
            view.setColumnWidth(column, widest + padding)
        self._window_width = view.columnWidth(model.WINDOW)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self._fit_due_window()
        return False

    def _fit_due_window(self) -> None:
        """Hide the Due window column while the milestone would have too little room beside it.

        The room is worked out from the table's own width as if its vertical
        scroll bar were showing, so rows rewrapping (and the scroll bar coming
        or going) cannot flip the column back and forth.
        """
        view, model = self.view, MilestoneTableModel
        others = sum(
            view.columnWidth(column)
            for column in range(self.model.columnCount())
            if column not in (model.DESCRIPTION, model.WINDOW)
        )
        room = (
            view.width()
            - 2 * view.frameWidth()
            - view.verticalScrollBar().sizeHint().width()
            - others
            - self._window_width
        )
        wanted = view.fontMetrics().averageCharWidth() * MILESTONE_LINE_CHARS
        narrow = room < wanted
        if narrow != view.isColumnHidden(model.WINDOW):
            view.setColumnHidden(model.WINDOW, narrow)
            self._show_hint()

    def _show_cell_problem(self, text: str) -> None:
        """Why the date being typed in a cell can never be a date, under the table."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    # ------------------------------------------------------------------ showing a card

    def show_card(self, card: Card, as_at: date, year_from: date | None) -> None:
        """Show ``card``'s milestones judged as at ``as_at``; the chosen row stays chosen."""
        self.card, self.year_from = card, year_from
        selected = self.selected_milestone()
        reset = self.model.set_milestones(card.milestones, as_at, year_from)
        if reset and selected is not None:
            self.select_milestone(selected.uuid)
        self._show_hint()

    def _show_hint(self) -> None:
        """How to edit, or how many targets cannot be read (and which, if the window is hidden)."""
        unreadable = [
            m for m in self.model.milestones
            if self.model.window_text(m)[1]
        ]  # fmt: skip
        if not unreadable:
            self.hint.setText(
                "Double-click a cell or press F2 to edit it. A new target asks for the reason."
            )
        elif self.view.isColumnHidden(MilestoneTableModel.WINDOW):
            rows = "milestone" if len(unreadable) == 1 else "milestones"
            numbers = ", ".join(str(m.position + 1) for m in unreadable)
            self.hint.setText(
                f"⚠ {len(unreadable)} target(s) cannot be read as dates ({rows} {numbers}); "
                "hover over the target for examples."
            )
        else:
            self.hint.setText(
                f"⚠ {len(unreadable)} target(s) cannot be read as dates; hover for examples."
            )

    def forget_card(self) -> None:
        """No card is shown (another programme is loading): the buttons have nothing to act on."""
        self.card = None

    def selected_milestone(self) -> Milestone | None:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.milestone(index.row())

    def select_milestone(self, uuid: str) -> None:
        row = self.model.row_for_uuid(uuid)
        if row is not None:
            self.view.selectRow(row)
            self.view.setCurrentIndex(self.model.index(row, MilestoneTableModel.DESCRIPTION))

    def update_buttons(self) -> None:
        """Each button is enabled only where it can act on the current row."""
        has_card = self.card is not None
        selected = self.selected_milestone()
        count = self.model.rowCount()
        self.buttons["add"].setEnabled(has_card)
        for key in ("delete", "complete", "revise"):
            self.buttons[key].setEnabled(selected is not None)
        self.buttons["up"].setEnabled(selected is not None and selected.position > 0)
        self.buttons["down"].setEnabled(selected is not None and selected.position < count - 1)
        if selected is not None:
            done = selected.status is MilestoneStatus.COMPLETE
            self.buttons["complete"].setEnabled(not done)

    # ------------------------------------------------------------------ saving milestones

    def _milestone_edited(self, milestone: Milestone, field: str, value: Any) -> bool:
        if self.card is None:
            return False
        self._save_typed()
        if field == "target":
            if value.strip() == milestone.target.strip():
                return False
            return self._revise(milestone, value.strip())
        if field == "description" and not value.strip():
            return False
        old: dict[str, Any] = {field: getattr(milestone, field)}
        new: dict[str, Any] = {field: value}
        if (
            field == "status"
            and value is MilestoneStatus.COMPLETE
            and milestone.completed_on is None
        ):
            old["completed_on"], new["completed_on"] = None, date.today()
        if old == new:
            return False
        label = {"completed_on": "completed-on date"}.get(field, field)
        return self.session.apply(
            MilestoneFieldsCommand(
                self.session, self.card.uuid, milestone.uuid, old, new, f"Edit milestone {label}"
            )
        )

    def _revise(self, milestone: Milestone, new_target: str | None = None) -> bool:
        assert self.card is not None
        answer = dialogs.ask_target_revision(self, milestone, self.year_from, new_target)
        if answer is None:
            return False
        target, reason = answer
        if target == milestone.target:
            return False
        return self.session.apply(
            ReviseTargetCommand(self.session, self.card.uuid, milestone.uuid, target, reason)
        )

    def add_milestone(self) -> None:
        if self.card is None:
            return
        self._save_typed()
        self._reveal()
        command = AddMilestoneCommand(self.session, self.card.uuid, "New milestone")
        if self.session.apply(command) and command.milestone_uuid:
            self.select_milestone(command.milestone_uuid)
            self.view.edit(self.view.currentIndex())

    def delete_milestone(self) -> None:
        milestone = self.selected_milestone()
        if self.card is None or milestone is None:
            return
        self._save_typed()
        if self.session.apply(DeleteMilestoneCommand(self.session, self.card.uuid, milestone.uuid)):
            self.session.state_changed.emit("Milestone deleted – Ctrl+Z brings it back")

    def move_milestone(self, step: int) -> None:
        milestone = self.selected_milestone()
        if self.card is None or milestone is None:
            return
        new = milestone.position + step
        if not 0 <= new < self.model.rowCount():
            return
        self._save_typed()
        self.session.apply(
            MoveMilestoneCommand(
                self.session, self.card.uuid, milestone.uuid, milestone.position, new
            )
        )
        self.select_milestone(milestone.uuid)
        self.update_buttons()

    def mark_complete(self) -> None:
        milestone = self.selected_milestone()
        if milestone is None:
            return
        self._milestone_edited(milestone, "status", MilestoneStatus.COMPLETE)

    def revise_target(self) -> None:
        milestone = self.selected_milestone()
        if self.card is None or milestone is None:
            return
        self._save_typed()
        self._revise(milestone)
