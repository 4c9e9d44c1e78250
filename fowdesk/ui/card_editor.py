"""The card editor: everything about one recommendation, saved as the officer types.

Text boxes save a moment after typing stops (or when focus leaves them);
drop-downs, lead choices and milestone edits save at once. Every save is an
undoable command through :class:`~fowdesk.ui.editing.EditSession`.

A published period is closed: its narrative is shown read-only under a
banner whose button starts the next period. Milestones, statuses and targets
belong to the card, not the period, so they stay editable, and the banner
lists what differs from the published report. RAG is judged as at the date
the window gives (:meth:`CardEditor.set_as_at`): the report's, or today's.

The editor puts together the card's heading (ref, title and RAG), that
banner and four tabs, each a panel of its own: Details
(:mod:`~fowdesk.ui.details_panel`), Progress (:mod:`~fowdesk.ui.progress_panel`),
Milestones (:mod:`~fowdesk.ui.milestones_panel`) and History
(:mod:`~fowdesk.ui.history_panel`). It keeps what runs across them: which
card is shown, saving typed text (the Details boxes and the narrative), the
Tab order and the keys that move between sections.

Access keys: the menu bar keeps F, E, V, P and H; the tabs take D, G, N and
I; each tab's own letters are its panel's affair (a hidden tab's keys do
not act).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.changes import Change, card_changes_since
from fowdesk.domain.limits import TITLE_MAX_CHARS
from fowdesk.domain.model import Card, Paragraph, Period, Programme
from fowdesk.domain.narrative import paragraphs_to_text
from fowdesk.domain.periods import propose_next_period, report_as_at
from fowdesk.domain.rag import card_rag
from fowdesk.ui.delegates import chip_style
from fowdesk.ui.details_panel import DetailsPanel, show_line
from fowdesk.ui.editing import CardFieldsCommand, EditSession, ProgressCommand, RepositoryCommand
from fowdesk.ui.history_panel import HistoryPanel
from fowdesk.ui.milestones_panel import MilestonesPanel
from fowdesk.ui.models import uk_date
from fowdesk.ui.progress_panel import ProgressPanel
from fowdesk.ui.text import shorten, spoken_rag
from fowdesk.ui.widgets.banner import Banner
from fowdesk.ui.widgets.focus_out import FocusOutWatcher

#: How long typing may pause before the text is saved.
SAVE_DELAY_MS = 700

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
        self.details = DetailsPanel(self.session, save_typed=self.flush)
        self.details.typed.connect(self._touched)
        self.details.jump_to_ref.connect(self.jump_to_ref)
        self.tabs.addTab(self.details, "&Details")
        self.progress = ProgressPanel()
        self.progress.narrative_changed.connect(lambda: self._touched("progress"))
        self.progress.edit.installEventFilter(self._focus_out)
        self.progress.carry_button.clicked.connect(self.carry_forward)
        self.tabs.addTab(self.progress, "Pro&gress")
        self.milestones = MilestonesPanel(
            self.session,
            save_typed=self.flush,
            reveal=lambda: self.tabs.setCurrentIndex(MILESTONES_PAGE),
        )
        self.tabs.addTab(self.milestones, MILESTONES_TAB)
        self.history = HistoryPanel(self.session)
        self.tabs.addTab(self.history, "H&istory")

        # The widgets the window (F6, the Programme menu) and many tests reach for by name.
        self.title_edit = self.details.title_edit
        self.progress_edit = self.progress.edit
        self.milestone_view = self.milestones.view
        self.milestone_model = self.milestones.model
        self.milestone_buttons = self.milestones.buttons
        self.add_milestone_action = self.milestones.add_action

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
            *self.details.focus_chain(),
            *self.progress.focus_chain(),
            *self.milestones.focus_chain(),
            *self.history.focus_chain(),
        ]

    def focus_fields(self) -> None:
        """Focus the shown section's first field (F6); on Milestones, the section tabs."""
        page = self.tabs.currentWidget()
        if page is self.milestones:
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
        self.milestones.focus_table()

    def move_to_section(self, step: int) -> None:
        """Show the next (or previous) tab; focus inside the editor follows to its first field."""
        was_inside = self.isAncestorOf(QApplication.focusWidget() or self)
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())
        if was_inside:
            if self.tabs.currentIndex() == MILESTONES_PAGE:
                self.milestone_view.setFocus(Qt.FocusReason.TabFocusReason)
            else:
                self.focus_fields()

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
        self.milestones.forget_card()
        self.details.set_programme(programme)
        self.setEnabled(False)

    def programme_read_again(self, programme: Programme) -> None:
        """The same programme read again (after an import): the card shown and typing stay."""
        self.programme = programme
        self.details.programme = programme

    def show_card(self, card: Card) -> None:
        """Show ``card`` as the database holds it; text being typed is kept if it matches."""
        if self.card is not None and self.card.uuid != card.uuid:
            self.flush()
            self.details.show_title_problem("")
        self.session.seen(card)
        self.card = card
        self._loading = True
        try:
            self._show_fields(card)
        finally:
            self._loading = False
        self.setEnabled(True)
        self.milestones.update_buttons()

    def _show_fields(self, card: Card) -> None:
        self.heading.setText(f"{card.ref}. {shorten(card.title, TITLE_MAX_CHARS)}")
        self.heading.setToolTip(card.title if len(card.title) > TITLE_MAX_CHARS else "")
        self._show_rag(card)
        self.details.show_card(card)
        self.progress.show_card(card, self.programme)
        self.milestones.show_card(card, self.as_at, self.year_from)
        self.tabs.setTabText(MILESTONES_PAGE, f"{MILESTONES_TAB} ({len(card.milestones)})")
        self._show_closed_period(card)
        self.history.show_card(card)
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

    def _card_saved(self, card: Card) -> None:
        if self.card is not None and card.uuid == self.card.uuid:
            self.show_card(card)

    # ------------------------------------------------------------------ saving typed text

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
        for field, edit in self.details.text_boxes().items():
            if field not in dirty:
                continue
            value = edit.text().strip()
            current = waiting.get(field, getattr(card, field)) or ""
            if field == "title":
                self.details.show_title_problem("" if value else "A title is required")
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
            self._save_progress(self.progress.paragraphs())
        if self.details.title_missing:
            self.session.state_changed.emit("Title not saved: a title is required")

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
        boxes = self.details.text_boxes()
        for field, value in self._waiting_fields().items():
            if field == "progress":
                self.progress.show_paragraphs(value)
            elif field in boxes:
                show_line(boxes[field], value or "")

    def keep_unsaved(self, commands: list[RepositoryCommand]) -> None:
        """Saves given up after waiting for the lock: their text is back in the boxes, unsaved.

        It is saved the next time the officer leaves the box or types (not on
        a timer, which would only meet the same lock again).
        """
        if self.card is None:
            return
        boxes = self.details.text_boxes()
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
                        if field in boxes:
                            show_line(boxes[field], value or "")
                            self._dirty.add(field)
                            box = boxes[field]
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


def _change_words(change: Change) -> str:
    """One change since the report, as the banner lists it: "Status: Open → Delayed"."""
    what = change.what
    if change.was and change.now:
        return f"{what} ({shorten(change.was, 40)} → {shorten(change.now, 40)})"
    return what
