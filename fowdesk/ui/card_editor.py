"""The card editor: everything about one recommendation, saved as the officer types.

Text boxes save a moment after typing stops (or when focus leaves them);
drop-downs, lead choices and milestone edits save at once. Every save is an
undoable command through :class:`~fowdesk.ui.editing.EditSession`.

A published period is closed: its narrative is shown read-only under a
banner whose button starts the next period. Milestones, statuses and targets
belong to the card, not the period, so they stay editable, and the banner
lists what differs from the published report. RAG is judged as at the date
the window gives (:meth:`CardEditor.set_as_at`): the report's, or today's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QKeySequence,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.changes import Change, card_changes_since
from fowdesk.domain.leads import format_leads, normalise_code
from fowdesk.domain.limits import TITLE_MAX_CHARS
from fowdesk.domain.model import (
    Card,
    CardStatus,
    Deliverable,
    Milestone,
    MilestoneStatus,
    Paragraph,
    Period,
    Programme,
    Rag,
)
from fowdesk.domain.narrative import paragraphs_from_text, paragraphs_to_text
from fowdesk.domain.periods import propose_next_period, report_as_at
from fowdesk.domain.rag import card_rag
from fowdesk.ui import dialogs
from fowdesk.ui.delegates import (
    ChoiceDelegate,
    DateDelegate,
    RagChipDelegate,
    chip_style,
    muted_palette,
)
from fowdesk.ui.editing import (
    AddMilestoneCommand,
    CardFieldsCommand,
    DeleteMilestoneCommand,
    EditSession,
    MilestoneFieldsCommand,
    MoveMilestoneCommand,
    ProgressCommand,
    RepositoryCommand,
    ReviseTargetCommand,
)
from fowdesk.ui.models import (
    DeliverablesModel,
    HistoryModel,
    MilestoneTableModel,
    audit_text,
    uk_date,
)
from fowdesk.ui.text import shorten, spoken_rag
from fowdesk.ui.widgets.banner import Banner
from fowdesk.ui.widgets.buttons import ImmediateButton
from fowdesk.ui.widgets.date_edit import PROBLEM_COLOUR
from fowdesk.ui.widgets.focus_out import FocusOutWatcher
from fowdesk.ui.widgets.narrative_edit import NarrativeEdit
from fowdesk.ui.widgets.tick_menu import TickMenu
from fowdesk.ui.widgets.word_diff_view import WordDiffView
from fowdesk.ui.widgets.wrapping_line_edit import WrappingLineEdit

#: How long typing may pause before the text is saved.
SAVE_DELAY_MS = 700

#: Text that reports a problem in place (a required field left empty).
ERROR_TEXT = "#B3261E"

#: The Milestones tab's text; the count is added after it.
MILESTONES_TAB = "Milesto&nes"

#: The index of the Milestones tab.
MILESTONES_PAGE = 2

#: Text fields saved after typing stops: field name → label for the undo menu.
TEXT_FIELDS = {
    "title": "title",
    "next_steps_text": "next steps",
    "cross_reference": "cross-reference",
    "rag_override_reason": "override reason",
    "progress": "progress",
}


class CardEditor(QWidget):
    """Edits one card of the programme; ``jump_to_ref`` asks the window to show another."""

    jump_to_ref = Signal(str)
    #: The closed-period banner's button: start the next reporting period.
    start_period_requested = Signal()

    def __init__(self, session: EditSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.programme: Programme | None = None
        self.card: Card | None = None
        #: The date RAG is judged as at, and whether that is today (View → As at today).
        self.as_at = date.today()
        self.as_at_today = False
        #: The published report of the current period (a snapshot), when it is closed.
        self.published_report: dict[str, Any] | None = None
        self._loading = False
        self._title_missing = False
        self._dirty: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._focus_out = FocusOutWatcher(self.flush, self)
        self._build()
        session.card_saved.connect(self._card_saved)
        self.setEnabled(False)

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setAccessibleName("Recommendation")
        self.rag_chip = QLabel()
        self.rag_chip.setAccessibleName("RAG")
        self.rag_reason = QLabel()
        self.rag_reason.setWordWrap(True)
        self.rag_reason.setAccessibleName("RAG reason")
        rag_row = QHBoxLayout()
        rag_row.addWidget(self.rag_chip, 0, Qt.AlignmentFlag.AlignTop)
        rag_row.addWidget(self.rag_reason, 1)

        self.closed_banner = Banner("Published period")
        self.closed_banner.button.clicked.connect(self.start_period_requested)

        # Access keys: File, Edit, View, Programme and Help keep F, E, V, P and H.
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Card sections")
        self.tabs.addTab(self._build_details(), "&Details")
        self.tabs.addTab(self._build_progress(), "Pro&gress")
        self.tabs.addTab(self._build_milestones(), MILESTONES_TAB)
        self.tabs.addTab(self._build_history(), "H&istory")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.heading)
        layout.addLayout(rag_row)
        layout.addWidget(self.closed_banner)
        layout.addWidget(self.tabs, 1)

    # ------------------------------------------------------------------ keyboard

    def focus_chain(self) -> list[QWidget]:
        """The editor's widgets in Tab order: its tabs, then each section's fields in turn.

        Only the shown section's widgets take focus, so Tab walks the section
        the officer is looking at, then leaves the editor.
        """
        return [
            self.tabs,
            self.title_edit, self.leads_button, self.theme_combo, self.status_combo,
            self.override_combo, self.override_reason, self.next_steps_edit,
            self.cross_ref_edit, self.cross_ref_button, self.deliverables_view,
            self.add_deliverable_button, self.remove_deliverable_button,
            self.progress_edit, self.carry_button, self.previous_view,
            self.milestone_view, *self.milestone_buttons.values(),
            self.history_view,
        ]  # fmt: skip

    def focus_fields(self) -> None:
        """Focus the shown section's first field (F6); on Milestones, the section tabs."""
        page = self.tabs.currentWidget()
        if page is self.tabs.widget(MILESTONES_PAGE):
            self.tabs.tabBar().setFocus(Qt.FocusReason.OtherFocusReason)
            return
        first = next(
            (
                w for w in self.focus_chain()[1:]
                if page.isAncestorOf(w) and w.isEnabled() and w.isVisibleTo(page)
                and w.focusPolicy() & Qt.FocusPolicy.TabFocus
            ),
            None,
        )  # fmt: skip
        (first or self.tabs.tabBar()).setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_milestones(self) -> None:
        """Show the milestones and focus their table (F6), on the current row."""
        self.tabs.setCurrentIndex(MILESTONES_PAGE)
        self.milestone_view.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.milestone_view.currentIndex().isValid() and self.milestone_model.rowCount():
            self.milestone_view.setCurrentIndex(
                self.milestone_model.index(0, MilestoneTableModel.DESCRIPTION)
            )

    def move_to_section(self, step: int) -> None:
        """Show the next (or previous) tab; focus inside the editor follows to its first field."""
        was_inside = self.isAncestorOf(QApplication.focusWidget() or self)
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())
        if was_inside:
            if self.tabs.currentIndex() == MILESTONES_PAGE:
                self.milestone_view.setFocus(Qt.FocusReason.TabFocusReason)
            else:
                self.focus_fields()

    def _text_line(self, field: str, accessible: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(accessible)
        edit.textEdited.connect(lambda _text, f=field: self._touched(f))
        edit.editingFinished.connect(self.flush)
        return edit

    def _build_details(self) -> QWidget:
        page = QWidget()
        self.title_edit = WrappingLineEdit(max_length=TITLE_MAX_CHARS)
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setAccessibleDescription(
            f"Up to {TITLE_MAX_CHARS} characters; Enter saves it"
        )
        self.title_edit.textEdited.connect(lambda _text: self._touched("title"))
        self.title_edit.textChanged.connect(self._count_title)
        self.title_edit.editingFinished.connect(self.flush)
        self.title_problem = QLabel()
        self.title_problem.setAccessibleName("Title problem")
        self.title_problem.setStyleSheet(f"color: {ERROR_TEXT};")
        self.title_problem.hide()
        self.title_counter = QLabel()
        self.title_counter.setAccessibleName("Title length")
        self.title_counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        title_notes = QHBoxLayout()
        title_notes.setContentsMargins(0, 0, 0, 0)
        title_notes.addWidget(self.title_problem, 1)
        title_notes.addWidget(self.title_counter)
        title_box = QVBoxLayout()
        title_box.setSpacing(1)
        title_box.addWidget(self.title_edit)
        title_box.addLayout(title_notes)
        self.leads_button = QToolButton()
        self.leads_button.setAccessibleName("Leads")
        self.leads_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.leads_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.leads_menu = TickMenu(self.leads_button)
        self.leads_menu.setAccessibleName("Lead roles")
        self.leads_menu.setToolTipsVisible(True)
        self.leads_button.setMenu(self.leads_menu)
        self.leads_button.setMinimumWidth(160)
        self.theme_combo = QComboBox()
        self.theme_combo.setAccessibleName("Theme")
        self.theme_combo.activated.connect(lambda _=0: self._combo_changed("theme"))
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName("Status")
        self.status_combo.addItems([str(s) for s in CardStatus])
        self.status_combo.activated.connect(lambda _=0: self._combo_changed("status"))
        self.override_combo = QComboBox()
        self.override_combo.setAccessibleName("RAG override")
        self.override_combo.addItem("Derived from milestones (no override)", None)
        for rag in Rag:
            self.override_combo.addItem(f"{rag.value} – {rag.label}", rag.value)
        self.override_combo.activated.connect(lambda _=0: self._combo_changed("rag_override"))
        self.override_reason = self._text_line("rag_override_reason", "Reason for RAG override")
        self.override_reason.setPlaceholderText("Why the RAG is overridden")
        override_row = QHBoxLayout()
        override_row.addWidget(self.override_combo)
        override_row.addWidget(self.override_reason, 1)
        self.next_steps_edit = self._text_line("next_steps_text", "Next steps text")
        self.next_steps_edit.setPlaceholderText(
            "Next steps that are not milestones, e.g. Work in progress"
        )
        self.cross_ref_edit = self._text_line("cross_reference", "Cross-reference")
        self.cross_ref_edit.setPlaceholderText("e.g. 17")
        self.cross_ref_edit.setToolTip("The ref of the recommendation this one points to")
        self.cross_ref_edit.setMaximumWidth(120)
        self.cross_ref_button = QPushButton()
        self.cross_ref_button.setAccessibleName("Go to the cross-referenced recommendation")
        self.cross_ref_button.clicked.connect(
            lambda: self.jump_to_ref.emit(self.cross_ref_edit.text().strip())
        )
        cross_row = QHBoxLayout()
        cross_row.addWidget(self.cross_ref_edit)
        cross_row.addWidget(self.cross_ref_button)
        cross_row.addStretch(1)

        self.deliverables_model = DeliverablesModel(self, on_edit=self._deliverables_edited)
        self.deliverables_view = QTableView()
        self.deliverables_view.setAccessibleName("Agreed deliverables")
        self.deliverables_view.setModel(self.deliverables_model)
        self.deliverables_view.setWordWrap(True)
        self.deliverables_view.verticalHeader().setVisible(False)
        self.deliverables_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch
        )
        self.deliverables_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.deliverables_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.deliverables_view.setTabKeyNavigation(False)
        self.add_deliverable_button = ImmediateButton("&Add deliverable")
        self.add_deliverable_button.clicked.connect(self._add_deliverable)
        self.remove_deliverable_button = ImmediateButton("Remove delivera&ble")
        self.remove_deliverable_button.clicked.connect(self._remove_deliverable)
        deliverable_buttons = QHBoxLayout()
        deliverable_buttons.addWidget(self.add_deliverable_button)
        deliverable_buttons.addWidget(self.remove_deliverable_button)
        deliverable_buttons.addStretch(1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self._buddy("&Title:", self.title_edit), title_box)
        form.addRow("&Leads:", self.leads_button)
        form.addRow("The&me:", self.theme_combo)
        form.addRow("&Status:", self.status_combo)
        form.addRow(self._buddy("RAG &override:", self.override_combo), override_row)
        form.addRow("Ne&xt steps text:", self.next_steps_edit)
        form.addRow(self._buddy("Cross-&reference:", self.cross_ref_edit), cross_row)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        self.deliverables_label = QLabel("Agreed deliverables:")
        self.deliverables_label.setBuddy(self.deliverables_view)
        layout.addWidget(self.deliverables_label)
        layout.addWidget(self.deliverables_view, 1)
        layout.addLayout(deliverable_buttons)
        return page

    @staticmethod
    def _buddy(text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    def _build_progress(self) -> QWidget:
        page = QWidget()
        self.progress_label = QLabel()
        self.progress_edit = NarrativeEdit()
        self.progress_edit.setAccessibleName("Progress to date")
        self.progress_edit.setPlaceholderText(
            "One paragraph a line; start a line with • or - for a bullet (Enter continues it)"
        )
        self.progress_edit.textChanged.connect(lambda: self._touched("progress"))
        self.progress_edit.installEventFilter(self._focus_out)
        self._progress_palette = QPalette(self.progress_edit.palette())
        self.previous_label = QLabel()
        self.previous_view = NarrativeEdit()
        self.previous_view.setReadOnly(True)
        self.previous_view.setPalette(muted_palette(self.previous_view))
        self.previous_view.setAccessibleName("Previous period's progress")
        self.progress_label.setBuddy(self.progress_edit)
        self.carry_button = ImmediateButton("&Carry forward")
        self.carry_button.setAccessibleName("Carry forward the previous period's progress")
        self.carry_button.setToolTip("Copy the previous period's progress into this period")
        self.carry_button.clicked.connect(self.carry_forward)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.progress_label)
        top_layout.addWidget(self.progress_edit, 1)
        bottom = self.previous_panel = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        previous_row = QHBoxLayout()
        previous_row.addWidget(self.previous_label, 1)
        previous_row.addWidget(self.carry_button)
        bottom_layout.addLayout(previous_row)
        bottom_layout.addWidget(self.previous_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(page)
        layout.addWidget(splitter)
        return page

    def _build_milestones(self) -> QWidget:
        page = QWidget()
        self.milestone_model = MilestoneTableModel(self, on_edit=self._milestone_edited)
        self.milestone_view = QTableView()
        self.milestone_view.setAccessibleName("Milestones")
        self.milestone_view.setAccessibleDescription(
            "Arrow keys move between cells, F2 edits one; the buttons after the table act on "
            "the current row"
        )
        self.milestone_view.setModel(self.milestone_model)
        self.milestone_view.setTabKeyNavigation(False)  # one Tab stop; Tab goes on to the buttons
        self.milestone_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.milestone_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.milestone_view.setWordWrap(True)
        self.milestone_view.verticalHeader().setVisible(False)
        self.milestone_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        model = MilestoneTableModel
        self.milestone_view.setItemDelegateForColumn(
            model.STATUS, ChoiceDelegate([str(s) for s in MilestoneStatus], self)
        )
        self.completed_delegate = DateDelegate(self)
        self.completed_delegate.refused.connect(self.session.state_changed)
        self.completed_delegate.problem.connect(self._show_cell_problem)
        self.milestone_view.setItemDelegateForColumn(model.COMPLETED, self.completed_delegate)
        self.milestone_view.setItemDelegateForColumn(model.RAG, RagChipDelegate(self))
        header = self.milestone_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(model.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self._size_milestone_columns()
        self.milestone_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )

        self.add_milestone_action = QAction("&Add milestone", self)
        self.add_milestone_action.setShortcut(QKeySequence.StandardKey.New)
        self.add_milestone_action.setToolTip("Add a milestone (Ctrl+N)")
        self.add_milestone_action.triggered.connect(self.add_milestone)
        delete_key = QAction("Delete milestone", self.milestone_view)
        delete_key.setShortcut(QKeySequence.StandardKey.Delete)
        delete_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.triggered.connect(self.delete_milestone)
        self.milestone_view.addAction(delete_key)
        buttons = QHBoxLayout()
        self.milestone_buttons: dict[str, ImmediateButton] = {}
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
            self.milestone_buttons[key] = button
        buttons.addStretch(1)
        self.milestone_hint = QLabel()
        self.milestone_hint.setWordWrap(True)
        self.milestone_problem = QLabel()
        self.milestone_problem.setAccessibleName("Milestone cell problem")
        self.milestone_problem.setWordWrap(True)
        self.milestone_problem.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.milestone_problem.hide()
        layout = QVBoxLayout(page)
        layout.addWidget(self.milestone_view, 1)
        layout.addWidget(self.milestone_problem)
        layout.addLayout(buttons)
        layout.addWidget(self.milestone_hint)
        selection = self.milestone_view.selectionModel()
        selection.selectionChanged.connect(self._update_buttons)
        # The focused cell's row is the one the buttons act on, selected or not.
        selection.currentChanged.connect(self._update_buttons)
        return page

    def _act_on_row(self, act: Any) -> None:
        """Run a button's action on the current row, then give the table the keyboard back.

        An officer who pressed Alt+C on a row goes on with the arrow keys, not
        from a button that may just have been disabled.
        """
        act()
        self.milestone_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _size_milestone_columns(self) -> None:
        """Columns as narrow as their heading and a typical value allow, at any font size.

        The milestone itself takes what is left and wraps; so do long targets
        and revisions. Editors that need more room than their cell (the date
        picker, the status drop-down) open wider than it, so nothing is cut.
        """
        view, model = self.milestone_view, MilestoneTableModel
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
            heading = str(self.milestone_model.headerData(column, Qt.Orientation.Horizontal))
            widest = max(metrics.horizontalAdvance(heading), metrics.horizontalAdvance(sample))
            view.setColumnWidth(column, widest + padding)

    def _show_cell_problem(self, text: str) -> None:
        """Why the date being typed in a cell can never be a date, under the table."""
        self.milestone_problem.setText(text)
        self.milestone_problem.setVisible(bool(text))

    def _build_history(self) -> QWidget:
        page = QWidget()
        self.history_model = HistoryModel(self)
        self.history_view = QTableView()
        self.history_view.setAccessibleName("History")
        self.history_view.setModel(self.history_model)
        self.history_view.verticalHeader().setVisible(False)
        self.history_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_view.setTabKeyNavigation(False)
        # When and Who fit their text; What, Was and Now share the rest and wrap,
        # so every column is in view at 1366×768 and at 125%.
        self.history_view.setWordWrap(True)
        header = self.history_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (HistoryModel.WHEN, HistoryModel.WHO):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.history_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.history_diff = WordDiffView()
        self.history_view.selectionModel().currentRowChanged.connect(self._show_history_change)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.history_view)
        splitter.addWidget(self.history_diff)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(page)
        layout.addWidget(splitter)
        return page

    def _show_history_change(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The chosen change word by word: what was added, what was taken out."""
        if not current.isValid():
            self.history_diff.show_nothing()
            return
        row = self.history_model.history_row(current.row())
        entry = row.entry
        heading = self.history_model.describe(row)
        self.history_diff.show_change(heading, audit_text(entry.old), audit_text(entry.new))

    # ------------------------------------------------------------------ showing a card

    @property
    def period(self) -> Period | None:
        return self.programme.current_period if self.programme else None

    @property
    def year_from(self) -> date | None:
        period = self.period
        return period.as_at if period else None

    def set_programme(
        self, programme: Programme, published_report: dict[str, Any] | None = None
    ) -> None:
        """Edit ``programme``; ``published_report`` is its current period's, if published."""
        self.flush()
        self.programme = programme
        self.published_report = published_report
        self.card = None
        self._loading = True
        try:
            self.theme_combo.clear()
            self.theme_combo.addItem("(unassigned)", None)
            for theme in programme.themes:
                self.theme_combo.addItem(theme, theme)
            uses_benefits = any(d.benefit for c in programme.cards for d in c.deliverables)
            self.deliverables_view.setColumnHidden(DeliverablesModel.BENEFIT, not uses_benefits)
        finally:
            self._loading = False
        self.setEnabled(False)

    def show_card(self, card: Card) -> None:
        """Show ``card`` as the database holds it; text being typed is kept if it matches."""
        if self.card is not None and self.card.uuid != card.uuid:
            self.flush()
            self._show_title_problem("")
        self.session.seen(card)
        self.card = card
        self._loading = True
        try:
            self._show_fields(card)
        finally:
            self._loading = False
        self.setEnabled(True)
        self._update_buttons()

    def _set_line(self, edit: QLineEdit | WrappingLineEdit, text: str) -> None:
        if edit.text() != text:
            edit.setText(text)
            edit.setCursorPosition(0)

    def _show_fields(self, card: Card) -> None:
        self.heading.setText(f"{card.ref}. {shorten(card.title, TITLE_MAX_CHARS)}")
        self.heading.setToolTip(card.title if len(card.title) > TITLE_MAX_CHARS else "")
        self._show_rag(card)
        if not self._title_missing:  # an emptied title stays empty until it is filled
            self._set_line(self.title_edit, card.title)
        self._show_leads(card)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(card.theme)))
        self.status_combo.setCurrentText(str(card.status))
        override = card.rag_override.value if card.rag_override else None
        self.override_combo.setCurrentIndex(max(0, self.override_combo.findData(override)))
        self._set_line(self.override_reason, card.rag_override_reason)
        self.override_reason.setEnabled(card.rag_override is not None)
        self._set_line(self.next_steps_edit, card.next_steps_text)
        self._set_line(self.cross_ref_edit, card.cross_reference or "")
        self._show_cross_ref(card)
        self.deliverables_model.set_deliverables(card.deliverables)
        self.deliverables_label.setText(
            "Agreed deliverables:"
            if card.deliverables
            else "Agreed deliverables: none yet – use Add deliverable to record one."
        )
        self._show_progress(card)
        self._show_milestones(card)
        self._show_closed_period(card)
        self._show_history(card)
        self._show_waiting()

    def set_as_at(self, as_at: date, *, today: bool = False) -> None:
        """Judge RAG as at ``as_at`` (``today``: the View menu's "As at today" is on)."""
        self.as_at, self.as_at_today = as_at, today
        if self.card is not None:
            self.show_card(self.card)

    def as_at_words(self) -> str:
        """The date RAG is judged as at, said the way the officer should read it."""
        if self.as_at_today:
            return f"As at today ({uk_date(self.as_at)})"
        period = self.period
        if period is not None and self.as_at == period.as_at:
            return f"As at {uk_date(self.as_at)} ({period.label}'s report date)"
        return f"As at {uk_date(self.as_at)}"

    def _show_rag(self, card: Card) -> None:
        result = card_rag(card, self.as_at, self.year_from)
        override = " (override)" if result.overridden else ""
        self.rag_chip.setText(f"{result.rag.value}  {result.rag.label}{override}")
        self.rag_chip.setStyleSheet(chip_style(result.rag))
        self.rag_chip.setAccessibleName(f"RAG: {spoken_rag(result)}")
        reason = f"{self.as_at_words()}: {result.reason}"
        self.rag_reason.setToolTip(reason)
        self.rag_reason.setText(shorten(reason, 200))

    def _lead_choices(self, card: Card) -> list[str]:
        """The key's codes, then any code on the card that the key lacks."""
        assert self.programme is not None
        key_codes = [k.code for k in self.programme.lead_key]
        known = {normalise_code(code) for code in key_codes}
        return key_codes + [c for c in card.leads if normalise_code(c) not in known]

    def _show_leads(self, card: Card) -> None:
        """Tick the card's leads; the menu is rebuilt only when the choices change.

        While the menu is open it is never rebuilt, so the officer can go on
        ticking after each tick has been saved.
        """
        assert self.programme is not None
        codes = self._lead_choices(card)
        ticks = [a for a in self.leads_menu.actions() if a.isCheckable()]
        if [a.data() for a in ticks] != codes and not self.leads_menu.isVisible():
            self.leads_menu.clear()
            for code in codes:
                role = self.programme.lead_role(code)
                text = f"{code} – {role}" if role else f"{code} (not in the key)"
                action = QAction(text.replace("&", "&&"), self.leads_menu)
                action.setCheckable(True)
                action.setData(code)
                action.toggled.connect(self._leads_changed)
                self.leads_menu.addAction(action)
            self.leads_menu.addSeparator()
            done = self.leads_menu.addAction("Done")
            done.setToolTip("Close the list; each tick is saved as it is made")
            ticks = [a for a in self.leads_menu.actions() if a.isCheckable()]
        chosen = {normalise_code(code) for code in card.leads}
        for action in ticks:
            action.setChecked(normalise_code(str(action.data())) in chosen)
        self.leads_button.setText((format_leads(card.leads) or "(none)").replace("&", "&&"))

    def _show_cross_ref(self, card: Card) -> None:
        ref = card.cross_reference
        target = self.programme.card(ref) if self.programme and ref else None
        self.cross_ref_button.setVisible(target is not None)
        if target is not None:
            text = f"Go to {target.ref}. {shorten(target.title, 48)}"
            self.cross_ref_button.setText(text.replace("&", "&&"))
            self.cross_ref_button.setToolTip(f"{target.ref}. {target.title}")

    def _show_closed_period(self, card: Card) -> None:
        """The banner of a published period: its narrative is closed; what changed since."""
        period = self.period
        if period is None or not period.published or self.programme is None:
            self.closed_banner.clear()
            return
        proposal = propose_next_period(self.programme)
        changes = self._changes_since_report(card)
        detail = ""
        if changes:
            detail = f"Changed since the published {period.label} report: " + "; ".join(
                _change_words(change) for change in changes
            )
        self.closed_banner.show_message(
            f"{period.label} is published. Start {proposal.label} to record new progress.",
            f"Start {proposal.label}…",
            detail,
        )
        self.milestone_model.set_changed(
            {c.row_uuid: _change_words(c) for c in changes if c.row_uuid != card.uuid}
        )

    def _changes_since_report(self, card: Card) -> list[Change]:
        if self.published_report is None or self.programme is None:
            return []
        as_at = report_as_at(self.programme)
        return card_changes_since(self.published_report, card, as_at, self.year_from or as_at)

    def _show_progress(self, card: Card) -> None:
        period = self.period
        if period is None:
            self.progress_label.setText("No reporting period yet")
            self.progress_edit.setEnabled(False)
            return
        self.progress_edit.setEnabled(True)
        closed = period.published
        self.progress_edit.setReadOnly(closed)
        self.progress_edit.setPalette(
            muted_palette(self.progress_edit) if closed else self._progress_palette
        )
        self.progress_label.setText(
            f"Progress to date – {period.label} (as at {uk_date(period.as_at)})"
            + (" – published, read-only" if closed else "")
        )
        current = card.progress_for(period.label)
        if paragraphs_from_text(self.progress_edit.toPlainText()) != current:
            self.progress_edit.setPlainText(paragraphs_to_text(current))
        assert self.programme is not None
        previous = self.programme.previous_period(period.label)
        self.previous_panel.setVisible(previous is not None)
        if previous is None:
            self.previous_label.setText("Previous period: none (this is the first period)")
            self.previous_view.setPlainText("")
            self.carry_button.setEnabled(False)
        else:
            earlier = card.progress_for(previous.label)
            self.previous_label.setText(f"Previous period – {previous.label} (for reference)")
            self.previous_view.setPlainText(paragraphs_to_text(earlier))
            self.carry_button.setEnabled(bool(earlier) and not closed)

    def _show_milestones(self, card: Card) -> None:
        selected = self.selected_milestone()
        reset = self.milestone_model.set_milestones(card.milestones, self.as_at, self.year_from)
        if reset and selected is not None:
            self.select_milestone(selected.uuid)
        self.tabs.setTabText(MILESTONES_PAGE, f"{MILESTONES_TAB} ({len(card.milestones)})")
        unreadable = [
            m for m in card.milestones
            if self.milestone_model.window_text(m)[1]
        ]  # fmt: skip
        self.milestone_hint.setText(
            f"⚠ {len(unreadable)} target(s) cannot be read as dates; hover for examples."
            if unreadable
            else "Double-click a cell or press F2 to edit it. A new target asks for the reason."
        )

    def _show_history(self, card: Card) -> None:
        subjects = {card.uuid: ""}
        for m in card.milestones:
            short = m.description if len(m.description) <= 28 else m.description[:27] + "…"
            subjects[m.uuid] = f"Milestone {m.position + 1} ({short})"
        selected = self.history_view.currentIndex()
        before = self.history_model.rowCount()
        self.history_model.set_history(self.session.repo.card_history(card.uuid), subjects)
        count = self.history_model.rowCount()
        if not count:
            self.history_diff.show_nothing()
            return
        # The newest change stays chosen as new ones arrive; an older one chosen stays chosen.
        row = selected.row() + count - before if selected.isValid() and selected.row() else 0
        self.history_view.setCurrentIndex(self.history_model.index(min(max(row, 0), count - 1), 0))

    def _card_saved(self, card: Card) -> None:
        if self.card is not None and card.uuid == self.card.uuid:
            self.show_card(card)

    # ------------------------------------------------------------------ saving fields

    def _touched(self, field: str) -> None:
        if self._loading or self.card is None:
            return
        self._dirty.add(field)
        self._timer.start()
        self.session.state_changed.emit("Unsaved changes…")

    def has_unsaved_changes(self) -> bool:
        return bool(self._dirty)

    def flush(self) -> None:
        """Save whatever has been typed and not yet saved."""
        self._timer.stop()
        if not self._dirty or self.card is None:
            return
        dirty, self._dirty = self._dirty, set()
        card = self.card
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        waiting = self._waiting_fields()
        for field, edit in self._text_boxes().items():
            if field not in dirty:
                continue
            value = edit.text().strip()
            current = waiting.get(field, getattr(card, field)) or ""
            if field == "title":
                self._show_title_problem("" if value else "A title is required")
                if not value:
                    continue  # the box stays empty for the officer to fill; nothing is saved
            if value != current:
                old[field], new[field] = getattr(card, field), value
        if new:
            label = ", ".join(TEXT_FIELDS[f] for f in new)
            self.session.apply(
                CardFieldsCommand(self.session, card.uuid, old, new, f"Edit {label}")
            )
        if "progress" in dirty and self.period is not None and self.card is not None:
            self._save_progress(paragraphs_from_text(self.progress_edit.toPlainText()))
        if self._title_missing:
            self.session.state_changed.emit("Title not saved: a title is required")

    def _show_title_problem(self, problem: str) -> None:
        self._title_missing = bool(problem)
        self.title_problem.setText(problem)
        self.title_problem.setVisible(bool(problem))
        self.title_edit.setAccessibleDescription(
            problem or f"Up to {TITLE_MAX_CHARS} characters; Enter saves it"
        )

    def _count_title(self) -> None:
        length = len(self.title_edit.text())
        over = length > TITLE_MAX_CHARS
        self.title_counter.setText(
            f"{length}/{TITLE_MAX_CHARS} – too long, shorten it"
            if over
            else f"{length}/{TITLE_MAX_CHARS}"
        )
        self.title_counter.setStyleSheet(f"color: {ERROR_TEXT};" if over else "")

    def _text_boxes(self) -> dict[str, QLineEdit | WrappingLineEdit]:
        """The card's one-line text fields, by the card field each saves to."""
        return {
            "title": self.title_edit,
            "next_steps_text": self.next_steps_edit,
            "cross_reference": self.cross_ref_edit,
            "rag_override_reason": self.override_reason,
        }

    def _waiting_fields(self) -> dict[str, Any]:
        """Values typed on this card that are still waiting for the database's lock."""
        values: dict[str, Any] = {}
        if self.card is None:
            return values
        for command in self.session.pending(self.card.uuid):
            if isinstance(command, CardFieldsCommand):
                values.update(command.new)
            elif (
                isinstance(command, ProgressCommand)
                and self.period is not None
                and command.period_label == self.period.label
            ):
                values["progress"] = command.new
        return values

    def _show_waiting(self) -> None:
        """Text waiting for the lock stays shown, not the older text the file still holds."""
        for field, value in self._waiting_fields().items():
            if field == "progress":
                if paragraphs_from_text(self.progress_edit.toPlainText()) != value:
                    self.progress_edit.setPlainText(paragraphs_to_text(value))
            elif field in self._text_boxes():
                self._set_line(self._text_boxes()[field], value or "")

    def keep_unsaved(self, commands: list[RepositoryCommand]) -> None:
        """Saves given up after waiting for the lock: their text is back in the boxes, unsaved.

        It is saved the next time the officer leaves the box or types (not on
        a timer, which would only meet the same lock again).
        """
        if self.card is None:
            return
        box: QWidget | None = None
        self._loading = True
        try:
            for command in commands:
                if command.card_uuid != self.card.uuid:
                    continue
                if (
                    isinstance(command, ProgressCommand)
                    and self.period is not None
                    and command.period_label == self.period.label
                ):
                    self.progress_edit.setPlainText(paragraphs_to_text(command.new))
                    self._dirty.add("progress")
                    box = self.progress_edit
                elif isinstance(command, CardFieldsCommand):
                    for field, value in command.new.items():
                        if field in self._text_boxes():
                            self._set_line(self._text_boxes()[field], value or "")
                            self._dirty.add(field)
                            box = self._text_boxes()[field]
        finally:
            self._loading = False
        if box is not None:  # the officer is back in the box: leaving it saves
            self.tabs.setCurrentIndex(1 if box is self.progress_edit else 0)
            box.setFocus(Qt.FocusReason.OtherFocusReason)

    def _save_progress(self, paragraphs: list[Paragraph], text: str = "Edit progress") -> None:
        assert self.card is not None and self.period is not None
        current = self.card.progress_for(self.period.label)
        if paragraphs == self._waiting_fields().get("progress", current):
            return
        self.session.apply(
            ProgressCommand(
                self.session, self.card.uuid, self.period.label, current, paragraphs, text
            )
        )

    def carry_forward(self) -> None:
        """Start this period's narrative from the previous period's (one undoable step)."""
        if self.card is None or self.period is None or self.programme is None:
            return
        if self.period.published:
            return
        self.flush()
        previous = self.programme.previous_period(self.period.label)
        if previous is None:
            return
        earlier = self.card.progress_for(previous.label)
        self.progress_edit.setFocus()
        self._save_progress(list(earlier), "Carry forward progress")

    def _fields_command(self, new: dict[str, Any], text: str) -> None:
        assert self.card is not None
        old = {field: getattr(self.card, field) for field in new}
        if old == new:
            return
        self.session.apply(CardFieldsCommand(self.session, self.card.uuid, old, new, text))

    def _combo_changed(self, field: str) -> None:
        if self._loading or self.card is None:
            return
        self.flush()
        if field == "theme":
            self._fields_command({"theme": self.theme_combo.currentData()}, "Change theme")
        elif field == "status":
            status = CardStatus(self.status_combo.currentText())
            self._fields_command({"status": status}, "Change status")
        elif field == "rag_override":
            letter = self.override_combo.currentData()
            rag = Rag(letter) if letter else None
            self._fields_command({"rag_override": rag}, "Change RAG override")
            if rag is not None and not self.override_reason.text().strip():
                self.override_reason.setFocus()

    def _leads_changed(self) -> None:
        if self._loading or self.card is None:
            return
        codes = [
            str(a.data()) for a in self.leads_menu.actions() if a.isCheckable() and a.isChecked()
        ]
        self.flush()
        self._fields_command({"leads": codes}, "Change leads")

    def _deliverables_edited(self, items: list[Deliverable]) -> bool:
        if self.card is None:
            return False
        self.flush()
        before = self.card.deliverables
        return self.session.apply(
            CardFieldsCommand(
                self.session,
                self.card.uuid,
                {"deliverables": before},
                {"deliverables": items},
                "Edit deliverables",
            )
        )

    def _add_deliverable(self) -> None:
        if self.card is None:
            return
        items = [*self.card.deliverables, Deliverable("New deliverable")]
        if self._deliverables_edited(items):
            index = self.deliverables_model.index(len(items) - 1, DeliverablesModel.TEXT)
            self.deliverables_view.setCurrentIndex(index)
            self.deliverables_view.edit(index)

    def _remove_deliverable(self) -> None:
        index = self.deliverables_view.currentIndex()
        if self.card is None or not index.isValid():
            return
        items = list(self.card.deliverables)
        del items[index.row()]
        self._deliverables_edited(items)

    # ------------------------------------------------------------------ milestones

    def selected_milestone(self) -> Milestone | None:
        index = self.milestone_view.currentIndex()
        if not index.isValid() or index.row() >= self.milestone_model.rowCount():
            return None
        return self.milestone_model.milestone(index.row())

    def select_milestone(self, uuid: str) -> None:
        row = self.milestone_model.row_for_uuid(uuid)
        if row is not None:
            self.milestone_view.selectRow(row)
            self.milestone_view.setCurrentIndex(
                self.milestone_model.index(row, MilestoneTableModel.DESCRIPTION)
            )

    def _update_buttons(self) -> None:
        has_card = self.card is not None
        selected = self.selected_milestone()
        count = self.milestone_model.rowCount()
        self.milestone_buttons["add"].setEnabled(has_card)
        for key in ("delete", "complete", "revise"):
            self.milestone_buttons[key].setEnabled(selected is not None)
        self.milestone_buttons["up"].setEnabled(selected is not None and selected.position > 0)
        self.milestone_buttons["down"].setEnabled(
            selected is not None and selected.position < count - 1
        )
        if selected is not None:
            done = selected.status is MilestoneStatus.COMPLETE
            self.milestone_buttons["complete"].setEnabled(not done)

    def _milestone_edited(self, milestone: Milestone, field: str, value: Any) -> bool:
        if self.card is None:
            return False
        self.flush()
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
        self.flush()
        self.tabs.setCurrentIndex(MILESTONES_PAGE)
        command = AddMilestoneCommand(self.session, self.card.uuid, "New milestone")
        if self.session.apply(command) and command.milestone_uuid:
            self.select_milestone(command.milestone_uuid)
            self.milestone_view.edit(self.milestone_view.currentIndex())

    def delete_milestone(self) -> None:
        milestone = self.selected_milestone()
        if self.card is None or milestone is None:
            return
        self.flush()
        if self.session.apply(DeleteMilestoneCommand(self.session, self.card.uuid, milestone.uuid)):
            self.session.state_changed.emit("Milestone deleted – Ctrl+Z brings it back")

    def move_milestone(self, step: int) -> None:
        milestone = self.selected_milestone()
        if self.card is None or milestone is None:
            return
        new = milestone.position + step
        if not 0 <= new < self.milestone_model.rowCount():
            return
        self.flush()
        self.session.apply(
            MoveMilestoneCommand(
                self.session, self.card.uuid, milestone.uuid, milestone.position, new
            )
        )
        self.select_milestone(milestone.uuid)
        self._update_buttons()

    def mark_complete(self) -> None:
        milestone = self.selected_milestone()
        if milestone is None:
            return
        self._milestone_edited(milestone, "status", MilestoneStatus.COMPLETE)

    def revise_target(self) -> None:
        milestone = self.selected_milestone()
        if self.card is None or milestone is None:
            return
        self.flush()
        self._revise(milestone)


def _change_words(change: Change) -> str:
    """One change since the report, as the banner lists it: "Status: Open → Delayed"."""
    what = change.what
    if change.was and change.now:
        return f"{what} ({shorten(change.was, 40)} → {shorten(change.now, 40)})"
    return what
