"""The main window: the programme's cards on the left, the card editor on the right.

The list is one :class:`CardListModel` behind a :class:`CardFilterProxy`
(lead, theme, RAG, status and the full-text search); a second tab shows the
dashboard. The window owns what is about viewing and editing one database:
the list, the editor, undo and redo, the status bar. It does not know the
reporting workflow, the database switching or the menus: the application
object (:mod:`fowdesk.ui.app`) puts a window, its workflow and its menus
(:mod:`fowdesk.ui.menus`) together.

Everything on screen judges RAG as at one date, the current period's as-at
date (:func:`~fowdesk.domain.periods.report_as_at`), as the return and the
report do; View → As at today shows today's view under a banner until it is
switched off.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.leads import lead_choices, normalise_code
from fowdesk.domain.model import Card, CardStatus, Programme, Rag
from fowdesk.domain.periods import report_as_at
from fowdesk.domain.rag import card_rag
from fowdesk.errors import FowdeskError
from fowdesk.gc_pause import freeze_long_lived, full_collections_paused
from fowdesk.storage.database import default_lock_timeout
from fowdesk.storage.repository import ProgrammeHeader, Repository
from fowdesk.ui import dialogs
from fowdesk.ui.card_editor import CardEditor
from fowdesk.ui.dashboard import DashboardRequest, DashboardWidget
from fowdesk.ui.delegates import RagChipDelegate
from fowdesk.ui.editing import WINDOW_LOCK_WAIT_S, EditSession
from fowdesk.ui.icon import app_icon
from fowdesk.ui.jobs import JobPool
from fowdesk.ui.models import UUID_ROLE, CardFilterProxy, CardListModel, CardRow
from fowdesk.ui.settings import Settings
from fowdesk.ui.text import sentence
from fowdesk.ui.widgets.banner import Banner
from fowdesk.ui.widgets.sizing import fit_to_screen
from fowdesk.ui.workers import Progress

ANY = "__any__"

#: The card list's width on a 1366-pixel screen; narrower screens give it 36%.
LIST_WIDTH = 470


@dataclass
class ReadAgain:
    """A programme read again on the job pool, with its list's rows ready to show."""

    programme: Programme
    #: The current period's published report, if it is published (for the editor).
    published: dict[str, Any] | None
    headers: list[ProgrammeHeader]
    #: The rows, judged as at ``as_at`` (``year_from`` for year-less targets).
    rows: list[CardRow]
    as_at: date
    year_from: date | None
    #: What the search box said when the reading began, and the cards it finds now.
    search_text: str
    matches: set[str] | None


def read_again(
    repo: Repository, code: str, as_at_today: bool, search_text: str, _progress: Progress
) -> ReadAgain:
    """Read ``code`` whole and make its list's rows (a job: runs on the job pool)."""
    programme = repo.load_programme(code)
    period = programme.current_period
    as_at = date.today() if as_at_today else report_as_at(programme)
    year_from = period.as_at if period else None
    rows = [CardRow.from_card(card, as_at, year_from).worked_out() for card in programme.cards]
    published = (
        repo.period_snapshot(code, period.label)
        if period is not None and period.published
        else None
    )
    matches = set(repo.search(code, search_text)) if search_text.strip() else None
    return ReadAgain(
        programme, published, repo.programmes(), rows, as_at, year_from, search_text, matches
    )


def card_stamp(card: Card) -> tuple[int, tuple[tuple[str, int], ...]]:
    """What changes whenever a card or one of its milestones is written (their versions)."""
    return card.version, tuple((m.uuid, m.version) for m in card.milestones)


def _card_with_uuid(programme: Programme, uuid: str) -> Card | None:
    return next((card for card in programme.cards if card.uuid == uuid), None)


class MainWindow(QMainWindow):
    """One open database: pick a card on the left, edit it on the right."""

    #: The programme has been read again and is shown (after :meth:`reload`).
    reloaded = Signal()

    def __init__(
        self,
        repo: Repository,
        settings: Settings,
        jobs: JobPool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.repo = repo
        self.settings = settings
        self.jobs = jobs
        self.settings.add_recent_file(repo.path)  # File → Open recent lists it
        # The window thread never waits on another program's lock: a save that meets
        # one is handed to a worker (see ui.editing), anything else says so at once.
        repo.set_lock_timeout(WINDOW_LOCK_WAIT_S)
        self.session = EditSession(repo, self, jobs)
        self._close_when_saved = False
        #: Reloads begun (a reading that arrives after a newer one began is not shown).
        self._reloads = 0
        self._reading = False
        self._read_again_after = False
        #: Cards this window saved while the programme was being read (read those again).
        self._saved_while_reading: set[str] = set()
        #: Closed: a reading that comes in afterwards is not shown.
        self._closed = False
        self.programme: Programme | None = None
        self.setWindowTitle(f"fowdesk – {repo.path.name}")
        self.setWindowIcon(app_icon())
        self._build_list()
        self.editor = CardEditor(self.session, self)
        self.editor.jump_to_ref.connect(self.show_ref)
        self.as_at_today = False
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.list_panel)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self._build_views()
        self._build_status_bar()
        self._build_actions()
        self._build_toolbar()
        self.session.card_saved.connect(self._card_saved)
        self.session.state_changed.connect(self.save_state.setText)
        self.session.conflict.connect(self._show_conflict)
        self.session.failed.connect(self._show_failure)
        self.session.waiting_changed.connect(self._saves_waiting)
        self.session.unsaved.connect(self._keep_unsaved)
        jobs.busy_changed.connect(self._jobs_busy)
        jobs.activity.connect(self.progress_label.setText)
        self._chain_focus()
        self._restore_state()
        self.open_programme(self._first_programme())

    # ------------------------------------------------------------------ building

    def _build_list(self) -> None:
        self.list_panel = QWidget()
        self.search_edit = QLineEdit()
        self.search_edit.setAccessibleName("Search")
        self.search_edit.setPlaceholderText("Search titles, deliverables, progress, milestones…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._search)
        self.lead_filter = self._filter_combo("Lead filter")
        self.theme_filter = self._filter_combo("Theme filter")
        self.rag_filter = self._filter_combo("RAG filter")
        self.status_filter = self._filter_combo("Status filter")
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Recommendations shown")
        self.card_model = CardListModel(self)
        self.proxy = CardFilterProxy(self)
        self.proxy.setSourceModel(self.card_model)
        self.card_view = QTableView()
        self.card_view.setAccessibleName("Recommendations")
        self.card_view.setAccessibleDescription(
            "Arrow keys choose a recommendation; Tab moves on to its editor"
        )
        self.card_view.setModel(self.proxy)
        self.card_view.setTabKeyNavigation(False)  # one Tab stop; arrows move within it
        self.card_view.setSortingEnabled(True)
        self.card_view.sortByColumn(CardListModel.REF, Qt.SortOrder.AscendingOrder)
        self.card_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.card_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.card_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.card_view.setAlternatingRowColors(True)
        self.card_view.verticalHeader().setVisible(False)
        self.card_view.setItemDelegateForColumn(CardListModel.RAG, RagChipDelegate(self))
        header = self.card_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(CardListModel.TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (CardListModel.REF, 46),
            (CardListModel.LEAD, 68),
            (CardListModel.RAG, 42),
            (CardListModel.STATUS, 84),
        ):
            self.card_view.setColumnWidth(column, width)
        self.card_view.selectionModel().currentRowChanged.connect(self._current_changed)

        filters = QGridLayout()
        for number, (label, combo) in enumerate(
            (
                ("Lead", self.lead_filter),
                ("Theme", self.theme_filter),
                ("RAG", self.rag_filter),
                ("Status", self.status_filter),
            )
        ):
            caption = QLabel(f"{label}:")
            caption.setBuddy(combo)
            filters.addWidget(caption, number // 2, (number % 2) * 2)
            filters.addWidget(combo, number // 2, (number % 2) * 2 + 1)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(3, 1)
        layout = QVBoxLayout(self.list_panel)
        layout.setContentsMargins(8, 8, 4, 4)
        layout.addWidget(self.search_edit)
        layout.addLayout(filters)
        layout.addWidget(self.card_view, 1)
        layout.addWidget(self.count_label)

    def _filter_combo(self, accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(accessible)
        combo.setMinimumContentsLength(5)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.currentIndexChanged.connect(self._filters_changed)
        return combo

    def _build_views(self) -> None:
        """Two tabs: the cards (list and editor) and the programme's dashboard."""
        self.dashboard = DashboardWidget()
        self.dashboard.card_requested.connect(self.open_card)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Views")
        self.tabs.addTab(self.splitter, "Cards")
        self.tabs.addTab(self.dashboard, "Dashboard")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.as_at_banner = Banner("As at today")
        self.as_at_banner.button.clicked.connect(lambda: self.set_as_at_today(False))
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.as_at_banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        self.status_message = QLabel()
        self.status_message.setAccessibleName("Last action")
        self.save_state = QLabel("Saved")
        self.save_state.setAccessibleName("Save state")
        self.db_label = QLabel(str(self.repo.path))
        self.db_label.setAccessibleName("Database file")
        self.db_label.setToolTip("The database file every change is saved to")
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setAccessibleName("Work in progress")
        status = self.statusBar()
        status.addWidget(self.status_message, 1)
        status.addPermanentWidget(self.save_state)
        status.addPermanentWidget(self.db_label)
        status.addPermanentWidget(self.progress_label)
        status.addPermanentWidget(self.progress_bar)
        self.progress_label.hide()
        self.progress_bar.hide()

    def show_status(self, text: str) -> None:
        """What an action did ("Backed up to…", "Published…"), as a sentence, until the next action.

        Saving has its own place beside it (:attr:`save_state`), so an edit
        saved meanwhile never hides what the last action said.
        """
        self.status_message.setText(sentence(text))
        self.status_message.setToolTip(sentence(text))

    def _jobs_busy(self, busy: bool) -> None:
        """Show the work in progress; when it ends, its own line ("Exported …") stays."""
        self.progress_label.setVisible(busy)
        self.progress_bar.setVisible(busy)

    def _build_actions(self) -> None:
        stack = self.session.stack
        self.undo_action = QAction("&Undo", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setEnabled(False)
        self.undo_action.triggered.connect(self.undo)
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.undoTextChanged.connect(
            lambda text: self.undo_action.setText(f"&Undo {text}" if text else "&Undo")
        )
        self.redo_action = QAction("&Redo", self)
        redo_keys = [QKeySequence("Ctrl+Y")]
        for key in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo):
            if key not in redo_keys:
                redo_keys.append(key)
        self.redo_action.setShortcuts(redo_keys)
        self.redo_action.setEnabled(False)
        self.redo_action.triggered.connect(self.redo)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        stack.redoTextChanged.connect(
            lambda text: self.redo_action.setText(f"&Redo {text}" if text else "&Redo")
        )
        self.find_action = QAction("&Find…", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_search)
        self.new_milestone_action = self.editor.add_milestone_action
        self.preferences_action = QAction("Pre&ferences…", self)
        self.preferences_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.preferences_action.triggered.connect(self.edit_preferences)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self._build_keyboard_actions()
        self.cards_action = QAction("&Cards", self)
        self.cards_action.setShortcut(QKeySequence("Ctrl+1"))
        self.cards_action.triggered.connect(self.show_cards)
        self.dashboard_action = QAction("&Dashboard", self)
        self.dashboard_action.setShortcut(QKeySequence("Ctrl+D"))
        self.dashboard_action.triggered.connect(self.show_dashboard)
        self.as_at_today_action = QAction("&As at today", self)
        self.as_at_today_action.setCheckable(True)
        self.as_at_today_action.setStatusTip(
            "Judge RAG as at today instead of as at the report's date (the return and PDF "
            "always use the report's date)"
        )
        self.as_at_today_action.toggled.connect(self.set_as_at_today)
        for action in (self.undo_action, self.redo_action, self.find_action,
                       self.new_milestone_action, *self.keyboard_actions):  # fmt: skip
            self.addAction(action)

    def _build_keyboard_actions(self) -> None:
        """F6 moves between the panes and Ctrl+Tab between the editor's sections, as in Office."""
        self.next_pane_action = QAction("&Next pane", self)
        self.next_pane_action.setShortcut(QKeySequence(Qt.Key.Key_F6))
        self.next_pane_action.setStatusTip("Move to the card list, the editor, the milestones")
        self.next_pane_action.triggered.connect(lambda: self.move_to_pane(+1))
        self.previous_pane_action = QAction("&Previous pane", self)
        self.previous_pane_action.setShortcut(QKeySequence("Shift+F6"))
        self.previous_pane_action.triggered.connect(lambda: self.move_to_pane(-1))
        self.next_section_action = QAction("Next &section", self)
        self.next_section_action.setShortcuts(
            [QKeySequence("Ctrl+Tab"), QKeySequence("Ctrl+PgDown")]
        )
        self.next_section_action.setStatusTip("Show the editor's next tab")
        self.next_section_action.triggered.connect(lambda: self.move_to_section(+1))
        self.previous_section_action = QAction("Previous sec&tion", self)
        self.previous_section_action.setShortcuts(
            [
                QKeySequence("Ctrl+Shift+Tab"),
                QKeySequence("Ctrl+PgUp"),
            ]
        )
        self.previous_section_action.triggered.connect(lambda: self.move_to_section(-1))
        self.keyboard_actions = [
            self.next_pane_action,
            self.previous_pane_action,
            self.next_section_action,
            self.previous_section_action,
        ]

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Programme")
        self.toolbar.setObjectName("programme_toolbar")
        self.toolbar.setMovable(False)
        self.programme_label = QLabel("  Programme: ")
        self.programme_combo = QComboBox()
        self.programme_combo.setAccessibleName("Programme")
        self.programme_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.programme_combo.activated.connect(self._programme_chosen)
        self.programme_label.setBuddy(self.programme_combo)
        self._programme_actions = [
            self.toolbar.addWidget(self.programme_label),
            self.toolbar.addWidget(self.programme_combo),
        ]
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.undo_action)
        self.toolbar.addAction(self.redo_action)
        self.addToolBar(self.toolbar)

    # ------------------------------------------------------------------ programmes

    def _first_programme(self) -> str | None:
        codes = [p.code for p in self.repo.programmes()]
        if not codes:
            return None
        last = self.settings.last_programme
        return last if last in codes else codes[0]

    def _fill_programme_combo(self, headers: list[ProgrammeHeader] | None = None) -> None:
        if headers is None:
            headers = self.repo.programmes()
        self.programme_combo.blockSignals(True)
        self.programme_combo.clear()
        for header in headers:
            self.programme_combo.addItem(f"{header.code} – {header.title}", header.code)
        if self.programme is not None:
            self.programme_combo.setCurrentIndex(self.programme_combo.findData(self.programme.code))
        self.programme_combo.blockSignals(False)
        several = len(headers) > 1
        for action in self._programme_actions:
            action.setVisible(several)

    def _programme_chosen(self, _index: int) -> None:
        code = self.programme_combo.currentData()
        if code and (self.programme is None or code != self.programme.code):
            self.open_programme(code)

    def open_programme(self, code: str | None) -> None:
        """Show ``code``'s cards (the my-lead filter applied) and select the first."""
        self.editor.flush()
        if code is None:
            self.programme = None
            self.card_model.set_rows([])
            self._fill_programme_combo()
            return
        undo_cleared = ""
        if self.programme is not None and self.programme.code != code:
            # Undo stays within what the officer can see: one programme at a time.
            if self.session.stack.count():
                undo_cleared = self.programme.code
            self.session.stack.clear()
        self._reloads += 1  # a reading begun before this one is not shown
        # What an earlier read froze and is garbage now goes (one full collection, before
        # the new programme is there to be walked too); the new programme is then frozen.
        freeze_long_lived(tidy=True)
        with full_collections_paused():  # a quarter of a million objects made at 5,000 cards
            self._show_programme(code)
        freeze_long_lived()
        if undo_cleared:
            self.show_status(
                f"Showing {code}: the changes made in {undo_cleared} "
                "are saved, but can no longer be undone"
            )
        if self.dashboard_shown():
            self.refresh_dashboard()

    def _show_programme(self, code: str) -> None:
        """Read ``code`` on this thread and lay out the list, editor and filters for it."""
        self.programme = self.repo.load_programme(code)
        self.settings.last_programme = self.programme.code
        self.setWindowTitle(f"{self.programme.title} – fowdesk ({self.repo.path.name})")
        self.editor.set_programme(self.programme, self._published_report(self.programme))
        as_at, year_from = self._rag_dates()
        self.editor.set_as_at(as_at, today=self.as_at_today)
        self._show_as_at_banner()
        self.card_model.set_rows(
            [CardRow.from_card(c, as_at, year_from) for c in self.programme.cards]
        )
        self._fill_programme_combo()
        self._fill_filters()
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.proxy.set_filters(matches=None)
        self.apply_my_lead()
        self._update_count()
        self._select_first()

    def _published_report(self, programme: Programme) -> dict[str, Any] | None:
        """The current period's published report (its snapshot), if the period is closed."""
        period = programme.current_period
        if period is None or not period.published:
            return None
        return self.repo.period_snapshot(programme.code, period.label)

    def judged_as_at(self) -> date:
        """The date the window judges RAG as at: the report's, or today with As at today on."""
        if self.as_at_today or self.programme is None:
            return date.today()
        return report_as_at(self.programme)

    def _rag_dates(self) -> tuple[date, date | None]:
        """RAG as at :meth:`judged_as_at`; year-less targets take the period's year."""
        period = self.programme.current_period if self.programme else None
        return self.judged_as_at(), period.as_at if period else None

    def set_as_at_today(self, on: bool) -> None:
        """Show RAG as at today (``on``) or as at the report's date, everywhere at once."""
        if on == self.as_at_today:
            return
        self.as_at_today = on
        self.as_at_today_action.setChecked(on)
        if self.programme is None:
            return
        as_at, year_from = self._rag_dates()
        # One judgement per card, then one repaint of the RAG column: the list's other
        # columns, sort keys and filters did not change (the proxy filters RAG again itself).
        self.card_model.set_rags(
            {card.uuid: card_rag(card, as_at, year_from) for card in self.programme.cards}
        )
        self._update_count()
        self.editor.set_as_at(as_at, today=on)
        self._show_as_at_banner()
        if self.dashboard_shown():
            self.refresh_dashboard()  # the RAGs the list now shows

    def _show_as_at_banner(self) -> None:
        period = self.programme.current_period if self.programme else None
        if not self.as_at_today or period is None:
            self.as_at_banner.clear()
            return
        self.as_at_banner.show_message(
            f"Showing RAG as at today ({date.today():%d/%m/%Y}), not as at {period.label}'s "
            f"report date ({period.as_at:%d/%m/%Y}). The return and the PDF use the report's "
            "date.",
            "Bac&k to the report's date",
        )

    def _fill_filters(self) -> None:
        """Offer the programme's leads, themes, RAGs and statuses; every filter off."""
        self._fill_filter_choices()
        self.proxy.set_filters(lead=None, theme=None, rag=None, status=None)

    def _fill_filter_choices(self) -> None:
        assert self.programme is not None
        leads = [k.code for k in self.programme.lead_key]
        known = {normalise_code(c) for c in leads}
        for card in self.programme.cards:
            for code in card.leads:
                if normalise_code(code) not in known:
                    known.add(normalise_code(code))
                    leads.append(code)
        choices = {
            self.lead_filter: [("All", ANY), *((c, c) for c in leads)],
            self.theme_filter: [
                ("All", ANY),
                ("(unassigned)", CardFilterProxy.UNASSIGNED),
                *((t, t) for t in self.programme.themes),
            ],
            self.rag_filter: [("All", ANY), *((f"{r.value} – {r.label}", r.value) for r in Rag)],
            self.status_filter: [("All", ANY), *((str(s), str(s)) for s in CardStatus)],
        }
        for combo, items in choices.items():
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
                if combo is self.theme_filter and data not in (ANY, CardFilterProxy.UNASSIGNED):
                    combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
            combo.blockSignals(False)

    def _refill_filters(self) -> None:
        """Offer the choices anew (an import may bring a lead), keeping each filter chosen."""
        combos = (self.lead_filter, self.theme_filter, self.rag_filter, self.status_filter)
        chosen = [combo.currentData() for combo in combos]
        self._fill_filter_choices()
        for combo, data in zip(combos, chosen, strict=True):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(data)))
            combo.blockSignals(False)
        self._filters_changed()

    def apply_my_lead(self) -> None:
        mine = self.settings.my_lead
        index = self.lead_filter.findData(mine) if mine else -1
        if index < 0 and mine:
            index = next(
                (
                    i
                    for i in range(self.lead_filter.count())
                    if normalise_code(str(self.lead_filter.itemData(i))) == normalise_code(mine)
                ),
                -1,
            )
        self.lead_filter.setCurrentIndex(max(0, index))
        self._filters_changed()

    # ------------------------------------------------------------------ list, search, filters

    def _filter_value(self, combo: QComboBox) -> str | None:
        data = combo.currentData()
        return None if data in (None, ANY) else str(data)

    def _filters_changed(self, _index: int = 0) -> None:
        rag = self._filter_value(self.rag_filter)
        self.proxy.set_filters(
            lead=self._filter_value(self.lead_filter),
            theme=self._filter_value(self.theme_filter),
            rag=Rag(rag) if rag else None,
            status=self._filter_value(self.status_filter),
        )
        self._update_count()

    def _search(self, text: str) -> None:
        if self.programme is None:
            return
        matches = set(self.repo.search(self.programme.code, text)) if text.strip() else None
        self.proxy.set_filters(matches=matches)
        self._update_count()
        if matches and self.editor.card is not None and self.editor.card.uuid not in matches:
            self._select_first()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.card_model.rowCount()
        what = "recommendation" if total == 1 else "recommendations"
        self.count_label.setText(
            f"{total} {what}" if shown == total else f"{shown} of {total} {what} shown"
        )

    def visible_refs(self) -> list[str]:
        """The refs the list shows now, top to bottom (what an officer sees)."""
        return [
            str(self.proxy.index(row, CardListModel.REF).data())
            for row in range(self.proxy.rowCount())
        ]

    def _select_first(self) -> None:
        if self.proxy.rowCount():
            self.card_view.selectRow(0)
            self._current_changed(self.proxy.index(0, 0), QModelIndex())

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        uuid = str(current.data(UUID_ROLE))
        if self.editor.card is not None and self.editor.card.uuid == uuid:
            return
        self.editor.flush()
        try:
            card = self.repo.card(uuid)
        except FowdeskError:
            # The list goes back to the card the editor still shows, so the officer sees
            # which card is open and choosing this one again reads it again.
            if self.editor.card is not None:
                self.select_card(self.editor.card.uuid)
            raise
        self.editor.show_card(card)

    def select_card(self, uuid: str) -> bool:
        """Select the card in the list (clearing search and filters if they hide it)."""
        row = self.card_model.row_for_uuid(uuid)
        if row is None:
            return False
        proxy_index = self.proxy.mapFromSource(self.card_model.index(row, 0))
        if not proxy_index.isValid():
            self.search_edit.clear()
            for combo in (self.lead_filter, self.theme_filter, self.rag_filter, self.status_filter):
                combo.setCurrentIndex(0)
            proxy_index = self.proxy.mapFromSource(self.card_model.index(row, 0))
        self.card_view.selectionModel().setCurrentIndex(
            proxy_index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.card_view.scrollTo(proxy_index)
        return True

    def show_ref(self, ref: str) -> None:
        """Jump to the card with this ref (a cross-reference was followed)."""
        if self.programme is None or not ref:
            return
        found = next((r for r in self.card_model.rows if r.ref == ref), None)
        if found is None:
            self.show_status(f"There is no recommendation {ref} in this programme")
            return
        self.select_card(found.uuid)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    # ------------------------------------------------------------------ saving

    def _card_saved(self, card: Card) -> None:
        if self._reading:
            self._saved_while_reading.add(card.uuid)
        as_at, year_from = self._rag_dates()
        self.card_model.replace_row(CardRow.from_card(card, as_at, year_from))
        if self.programme is not None:
            self.programme.cards = [
                card if c.uuid == card.uuid else c for c in self.programme.cards
            ]
        if self.search_edit.text().strip() and self.programme is not None:
            self.proxy.set_filters(
                matches=set(self.repo.search(self.programme.code, self.search_edit.text()))
            )
            self._update_count()
        if self.dashboard_shown():  # an undo on the dashboard: its figures follow the list
            self.refresh_dashboard()

    def _show_conflict(self, message: str) -> None:
        QMessageBox.warning(self, "Changed elsewhere", sentence(message))

    def _show_failure(self, message: str) -> None:
        QMessageBox.warning(self, "Not saved", sentence(message))

    def _history_waits(self) -> bool:
        """Undo and redo wait until the saves waiting for the lock are written."""
        if self.session.waiting:
            self.show_status("Undo and redo wait until your last change is saved")
            return True
        return False

    def undo(self) -> None:
        self.editor.flush()
        if self._history_waits():
            return
        stack = self.session.stack
        self._show_command_card(stack.command(stack.index() - 1))
        stack.undo()

    def redo(self) -> None:
        self.editor.flush()
        if self._history_waits():
            return
        stack = self.session.stack
        self._show_command_card(stack.command(stack.index()))
        stack.redo()

    def _show_command_card(self, command: object) -> None:
        """Undo and redo show the card they change, so the officer sees what moved."""
        card_uuid = getattr(command, "card_uuid", None)
        if card_uuid and (self.editor.card is None or self.editor.card.uuid != card_uuid):
            self.select_card(card_uuid)

    # ------------------------------------------------------------------ keyboard

    def _chain_focus(self) -> None:
        """Tab goes search → filters → list → editor (tabs, fields, milestones, buttons)."""
        chain: list[QWidget] = [
            self.programme_combo,
            self.tabs,
            self.search_edit,
            self.lead_filter,
            self.theme_filter,
            self.rag_filter,
            self.status_filter,
            self.card_view,
            *self.editor.focus_chain(),
        ]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def panes(self) -> list[QWidget]:
        """What F6 cycles through: the card list, the editor, the milestone table."""
        return [self.card_view, self.editor, self.editor.milestone_view]

    def current_pane(self) -> int | None:
        focus = QApplication.focusWidget()
        if focus is None:
            return None
        for number, pane in reversed(list(enumerate(self.panes()))):
            if focus is pane or pane.isAncestorOf(focus):
                return number
        return None

    def move_to_pane(self, step: int) -> None:
        """Focus the next (or previous) pane; the list when focus is elsewhere."""
        if self.dashboard_shown():
            self.show_cards()
        current = self.current_pane()
        count = len(self.panes())
        target = (0 if step > 0 else count - 1) if current is None else (current + step) % count
        if target == 0:
            self.card_view.setFocus(Qt.FocusReason.OtherFocusReason)
        elif target == 1:
            self.editor.focus_fields()
        else:
            self.editor.focus_milestones()

    def move_to_section(self, step: int) -> None:
        """Show the editor's next (or previous) tab, keeping focus in the editor if it was there."""
        if self.dashboard_shown():
            self.show_cards()
        self.editor.move_to_section(step)

    # ------------------------------------------------------------------ dashboard, reloading

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.dashboard:
            self.editor.flush()
            self.refresh_dashboard()

    def show_dashboard(self) -> None:
        self.tabs.setCurrentWidget(self.dashboard)

    def show_cards(self) -> None:
        self.tabs.setCurrentIndex(0)

    def dashboard_shown(self) -> bool:
        return self.tabs.currentWidget() is self.dashboard

    def refresh_dashboard(self) -> None:
        """Work the dashboard out again (on the job pool) for the cards and RAGs the list shows;
        ``dashboard.updated`` says when it is shown."""
        if self.programme is None:
            return
        request = DashboardRequest.of(
            self.programme, self.card_model.rows, self.judged_as_at(), self.as_at_today
        )
        self.dashboard.work_out(request, self.jobs, self.repo.path, self.repo.user)

    def open_card(self, uuid: str) -> None:
        self.show_cards()
        self.select_card(uuid)

    def reload(self) -> None:
        """Show the database as it now is (after an import, a period, settings).

        The programme is read on the job pool (a second at 5,000 cards); the
        window goes on meanwhile, and then swaps its list's rows in one
        operation (:meth:`_show_reloaded`), keeping the card chosen, the
        search and filters, and whatever the officer is typing. ``reloaded``
        says when it is shown.
        """
        if self.programme is None:
            self.open_programme(self._first_programme())
            self.reloaded.emit()
            return
        if self._reading:  # read again once this reading is in: it may predate the change
            self._read_again_after = True
            return
        self._reading = True
        self._read_again_after = False
        self._saved_while_reading.clear()
        self._reloads += 1
        number, code = self._reloads, self.programme.code
        as_at_today, search_text = self.as_at_today, self.search_edit.text()
        self.jobs.run(
            self.repo.path,
            f"Reading {code} again…",
            lambda repo, progress: read_again(repo, code, as_at_today, search_text, progress),
            on_success=lambda result: self._show_reloaded(number, result),
            on_failure=self._reload_failed,
            user=self.repo.user,
        )

    def _reload_failed(self, message: str) -> None:
        self._reading = False
        self.show_status(f"Could not read the programme again: {message}")

    def _show_reloaded(self, number: int, result: ReadAgain) -> None:
        """Show the programme read again: the list's rows swapped in one operation."""
        self._reading = False
        again = self._read_again_after
        current = self.programme
        if (
            number == self._reloads
            and current is not None
            and current.code == result.programme.code
            and not self._closed
        ):
            self._show_read_again(result)
            self.reloaded.emit()
        if again and not self._closed:
            self.reload()

    def _show_read_again(self, result: ReadAgain) -> None:
        programme = result.programme
        # A card this window saved while the programme was read: the file's newest.
        by_uuid = {card.uuid: number for number, card in enumerate(programme.cards)}
        newer: dict[str, Card] = {}
        for uuid in self._saved_while_reading & by_uuid.keys():
            try:
                newer[uuid] = self.repo.card(uuid)
            except FowdeskError:
                continue  # the job's reading stands; the next save shows the card again
        for uuid, card in newer.items():
            programme.cards[by_uuid[uuid]] = card
        self._saved_while_reading.clear()

        old = self.programme
        assert old is not None
        self.programme = programme
        self.setWindowTitle(f"{programme.title} – fowdesk ({self.repo.path.name})")
        as_at, year_from = self._rag_dates()
        if (as_at, year_from) == (result.as_at, result.year_from):
            rows = result.rows
            for uuid, card in newer.items():
                rows[by_uuid[uuid]] = CardRow.from_card(card, as_at, year_from)
        else:  # the as-at date was switched meanwhile: judge as at the one shown now
            rows = [CardRow.from_card(card, as_at, year_from) for card in programme.cards]
        self.card_model.update_rows(rows)
        self._show_in_editor(old, result)
        self._fill_programme_combo(result.headers)
        self._refill_filters()
        if self.search_edit.text() == result.search_text:
            self.proxy.set_filters(matches=result.matches)
        # else the officer typed meanwhile: that search already ran on the file as it is now
        self._update_count()
        self._show_as_at_banner()
        if self.editor.card is None or self.card_model.row_for_uuid(self.editor.card.uuid) is None:
            self._select_first()
        freeze_long_lived()  # before the dashboard's job starts; see gc_pause
        if self.dashboard_shown():
            self.refresh_dashboard()

    def _show_in_editor(self, old: Programme, result: ReadAgain) -> None:
        """The editor edits the programme read again; its card is shown anew only if it changed
        and the officer is not typing in it (their text is saved as typed, never replaced)."""
        programme = self.programme
        assert programme is not None
        editor = self.editor
        card = editor.card
        fresh = _card_with_uuid(programme, card.uuid) if card is not None else None
        same_frame = (
            programme.themes == old.themes
            and programme.periods == old.periods
            and programme.lead_key == old.lead_key
        )
        if same_frame:
            editor.programme_read_again(programme)  # nothing it lays out from it changed
        else:  # a new period, themes, leads: laid out anew (typing is saved first)
            focus = QApplication.focusWidget()
            editor.set_programme(programme, result.published)
            editor.set_as_at(self.judged_as_at(), today=self.as_at_today)
            if fresh is not None:  # as saved just now, if the officer was typing
                editor.show_card(_card_with_uuid(programme, fresh.uuid) or fresh)
            if focus is not None and editor.isAncestorOf(focus) and focus.isEnabled():
                focus.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if card is None or fresh is None or card_stamp(fresh) == card_stamp(card):
            return
        if editor.has_unsaved_changes() or self.session.pending(card.uuid):
            return  # under the officer's hands: their save meets the change as any other would
        editor.show_card(fresh)

    # ------------------------------------------------------------------ preferences, state

    def edit_preferences(self) -> None:
        codes = lead_choices(self.programme) if self.programme else []
        if dialogs.edit_preferences(self, self.settings, codes):
            self.repo.user = self.settings.officer_name or self.repo.user
            self.apply_my_lead()

    def _restore_state(self) -> None:
        if not self.settings.geometry.isEmpty():
            self.restoreGeometry(self.settings.geometry)
        else:
            fit_to_screen(self, 1366, 740)
        if not self.settings.window_state.isEmpty():
            self.restoreState(self.settings.window_state)
        self._splitter_restored = False

    def showEvent(self, event: QShowEvent) -> None:
        """The splitter is restored once the window has its real size, so it is not rescaled."""
        super().showEvent(event)
        if self._splitter_restored:
            return
        self._splitter_restored = True
        if self.settings.splitter_state.isEmpty():
            # 470 px of list at 1366 wide; a smaller screen (125%) gives the editor more.
            list_width = min(LIST_WIDTH, round(self.width() * 0.36))
            self.splitter.setSizes([list_width, self.width() - list_width])
        else:
            self.splitter.restoreState(self.settings.splitter_state)

    def save_window_state(self) -> None:
        self.settings.geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.splitter_state = self.splitter.saveState()
        self.settings.sync()

    def _saves_waiting(self, waiting: bool) -> None:
        if waiting:
            return
        if self._close_when_saved and not self.editor.has_unsaved_changes():
            self.close()  # the close the officer asked for while a save waited
        self._close_when_saved = False

    def _keep_unsaved(self, commands: list[Any]) -> None:
        """Saves given up after the wait: show their card with the text back in the editor."""
        texts = [c for c in commands if c.officer_text()]
        if not texts:
            return
        card_uuid = texts[-1].card_uuid
        if self.editor.card is None or self.editor.card.uuid != card_uuid:
            self.show_cards()
            self.select_card(card_uuid)
        self.editor.keep_unsaved([c for c in commands if c.card_uuid == card_uuid])

    def closeEvent(self, event: QCloseEvent) -> None:
        self.editor.flush()
        if self.session.waiting:
            # Closing now would lose what is waiting: close once it is written.
            self._close_when_saved = True
            self.show_status("Closing once your last change is saved (the database is in use)")
            event.ignore()
            return
        if not self.repo.closed:
            self.repo.set_lock_timeout(default_lock_timeout())  # the backup on closing may wait
        if self.jobs.busy:
            # An export or import half done is worse than a short wait.
            self.jobs.wait_for_done()
        self.save_window_state()
        self._closed = True
        event.accept()
