"""The card editor's Progress tab: this period's narrative, with the last period's beside it.

It is a panel of its own because the narrative belongs to a reporting
period, not to the card: it is closed (read-only, greyed) once the period is
published, and the previous period's text is shown for reference, ready to
be carried forward. The editor saves what is typed here with the card's
other text (:attr:`ProgressPanel.narrative_changed` tells it when to) and runs
Carry forward, which has to save typed text first.

Access key on this tab: C (Carry forward).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from fowdesk.domain.model import Card, Paragraph, Programme
from fowdesk.domain.narrative import paragraphs_from_text, paragraphs_to_text
from fowdesk.ui.delegates import muted_palette
from fowdesk.ui.models import uk_date
from fowdesk.ui.widgets.buttons import ImmediateButton
from fowdesk.ui.widgets.narrative_edit import NarrativeEdit


class ProgressPanel(QWidget):
    """Progress to date for the current period, and the previous period's (read-only)."""

    #: The narrative's text changed (typed, or shown anew: the editor tells them apart).
    narrative_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        self.edit = NarrativeEdit()
        self.edit.setAccessibleName("Progress to date")
        self.edit.setPlaceholderText(
            "One paragraph a line; start a line with • or - for a bullet (Enter continues it)"
        )
        self.edit.textChanged.connect(self.narrative_changed)
        self._open_palette = QPalette(self.edit.palette())
        self.previous_label = QLabel()
        self.previous_view = NarrativeEdit()
        self.previous_view.setReadOnly(True)
        self.previous_view.setPalette(muted_palette(self.previous_view))
        self.previous_view.setAccessibleName("Previous period's progress")
        self.label.setBuddy(self.edit)
        self.carry_button = ImmediateButton("&Carry forward")
        self.carry_button.setAccessibleName("Carry forward the previous period's progress")
        self.carry_button.setToolTip("Copy the previous period's progress into this period")
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.label)
        top_layout.addWidget(self.edit, 1)
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
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def focus_chain(self) -> list[QWidget]:
        """The narrative, Carry forward, then the previous period's text, in Tab order."""
        return [self.edit, self.carry_button, self.previous_view]

    def paragraphs(self) -> list[Paragraph]:
        """The narrative as typed."""
        return paragraphs_from_text(self.edit.toPlainText())

    def show_paragraphs(self, paragraphs: list[Paragraph]) -> None:
        """Show ``paragraphs``, leaving the text (and the cursor) alone if it already says them."""
        if self.paragraphs() != paragraphs:
            self.edit.setPlainText(paragraphs_to_text(paragraphs))

    def show_card(self, card: Card, programme: Programme | None) -> None:
        """``card``'s narrative for the programme's current period, closed once it is published."""
        period = programme.current_period if programme else None
        if period is None:
            self.label.setText("No reporting period yet")
            self.edit.setEnabled(False)
            return
        self.edit.setEnabled(True)
        closed = period.published
        self.edit.setReadOnly(closed)
        self.edit.setPalette(muted_palette(self.edit) if closed else self._open_palette)
        self.label.setText(
            f"Progress to date – {period.label} (as at {uk_date(period.as_at)})"
            + (" – published, read-only" if closed else "")
        )
        self.show_paragraphs(card.progress_for(period.label))
        assert programme is not None
        previous = programme.previous_period(period.label)
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
