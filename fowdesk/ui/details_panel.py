"""The card editor's Details tab: what the recommendation is, who leads it, where it stands.

It is a panel of its own because these are the card's own fields, edited
in a form: the title (with its length limit and the rule that it may not be
left empty), lead roles ticked from the programme's key, theme, status, a
RAG override with its reason, next steps, a cross-reference to another
recommendation and the agreed deliverables. Drop-downs, ticks and
deliverables save at once here; the one-line text boxes are saved by the
editor a moment after typing stops (:attr:`DetailsPanel.typed` tells it),
together with the progress narrative.

Access keys on this tab: T, L, M, S, O, X, R (the form's labels), A and B
(the deliverables' buttons).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.leads import format_leads, normalise_code
from fowdesk.domain.limits import TITLE_MAX_CHARS
from fowdesk.domain.model import Card, CardStatus, Deliverable, Programme, Rag
from fowdesk.ui.editing import CardFieldsCommand, EditSession
from fowdesk.ui.models import DeliverablesModel
from fowdesk.ui.text import shorten
from fowdesk.ui.widgets.buttons import ImmediateButton
from fowdesk.ui.widgets.tick_menu import TickMenu
from fowdesk.ui.widgets.wrapping_line_edit import WrappingLineEdit

#: Text that reports a problem in place (a required field left empty).
ERROR_TEXT = "#B3261E"

#: What the title box tells a screen reader while its text is fine.
TITLE_DESCRIPTION = f"Up to {TITLE_MAX_CHARS} characters; Enter saves it"

TextBox = QLineEdit | WrappingLineEdit


def show_line(edit: TextBox, text: str) -> None:
    """Show ``text`` from its start; a box that already says it is left as it is."""
    if edit.text() != text:
        edit.setText(text)
        edit.setCursorPosition(0)


class DetailsPanel(QWidget):
    """The card's fields as a form, over its agreed deliverables.

    ``save_typed`` saves the editor's text still being typed, before a
    drop-down, a tick or a deliverable is saved.
    """

    #: The officer typed in the one-line box of this card field ("title", …).
    typed = Signal(str)
    #: The cross-reference button: show the recommendation with this ref.
    jump_to_ref = Signal(str)

    def __init__(self, session: EditSession, save_typed: Callable[[], None]) -> None:
        super().__init__()
        self.session = session
        self._save_typed = save_typed
        self.programme: Programme | None = None
        self.card: Card | None = None
        self._showing = False
        self._title_missing = False
        self.title_edit = WrappingLineEdit(max_length=TITLE_MAX_CHARS)
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setAccessibleDescription(TITLE_DESCRIPTION)
        self.title_edit.textEdited.connect(lambda _text: self.typed.emit("title"))
        self.title_edit.textChanged.connect(self._count_title)
        self.title_edit.editingFinished.connect(save_typed)
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
        form.addRow(_buddy("&Title:", self.title_edit), title_box)
        form.addRow("&Leads:", self.leads_button)
        form.addRow("The&me:", self.theme_combo)
        form.addRow("&Status:", self.status_combo)
        form.addRow(_buddy("RAG &override:", self.override_combo), override_row)
        form.addRow("Ne&xt steps text:", self.next_steps_edit)
        form.addRow(_buddy("Cross-&reference:", self.cross_ref_edit), cross_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.deliverables_label = QLabel("Agreed deliverables:")
        self.deliverables_label.setBuddy(self.deliverables_view)
        layout.addWidget(self.deliverables_label)
        layout.addWidget(self.deliverables_view, 1)
        layout.addLayout(deliverable_buttons)

    def _text_line(self, field: str, accessible: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(accessible)
        edit.textEdited.connect(lambda _text, f=field: self.typed.emit(f))
        edit.editingFinished.connect(self._save_typed)
        return edit

    def focus_chain(self) -> list[QWidget]:
        """The form's fields top to bottom, then the deliverables and their buttons."""
        return [
            self.title_edit, self.leads_button, self.theme_combo, self.status_combo,
            self.override_combo, self.override_reason, self.next_steps_edit,
            self.cross_ref_edit, self.cross_ref_button, self.deliverables_view,
            self.add_deliverable_button, self.remove_deliverable_button,
        ]  # fmt: skip

    def text_boxes(self) -> dict[str, TextBox]:
        """The card's one-line text fields, by the card field each saves to."""
        return {
            "title": self.title_edit,
            "next_steps_text": self.next_steps_edit,
            "cross_reference": self.cross_ref_edit,
            "rag_override_reason": self.override_reason,
        }

    # ------------------------------------------------------------------ showing a card

    def set_programme(self, programme: Programme) -> None:
        """Offer ``programme``'s themes (and its deliverables' benefits, if it records any)."""
        self.programme = programme
        self.card = None
        self._showing = True
        try:
            self.theme_combo.clear()
            self.theme_combo.addItem("(unassigned)", None)
            for theme in programme.themes:
                self.theme_combo.addItem(theme, theme)
            uses_benefits = any(d.benefit for c in programme.cards for d in c.deliverables)
            self.deliverables_view.setColumnHidden(DeliverablesModel.BENEFIT, not uses_benefits)
        finally:
            self._showing = False

    def show_card(self, card: Card) -> None:
        """Show ``card``'s fields; an emptied title stays empty until it is filled."""
        self.card = card
        self._showing = True
        try:
            if not self._title_missing:
                show_line(self.title_edit, card.title)
            self._show_leads(card)
            self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(card.theme)))
            self.status_combo.setCurrentText(str(card.status))
            override = card.rag_override.value if card.rag_override else None
            self.override_combo.setCurrentIndex(max(0, self.override_combo.findData(override)))
            show_line(self.override_reason, card.rag_override_reason)
            self.override_reason.setEnabled(card.rag_override is not None)
            show_line(self.next_steps_edit, card.next_steps_text)
            show_line(self.cross_ref_edit, card.cross_reference or "")
            self._show_cross_ref(card)
            self.deliverables_model.set_deliverables(card.deliverables)
            self.deliverables_label.setText(
                "Agreed deliverables:"
                if card.deliverables
                else "Agreed deliverables: none yet – use Add deliverable to record one."
            )
        finally:
            self._showing = False

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

    # ------------------------------------------------------------------ the title's rules

    @property
    def title_missing(self) -> bool:
        """The officer emptied the title: nothing is saved until it is filled."""
        return self._title_missing

    def show_title_problem(self, problem: str) -> None:
        """Say under the title box why it was not saved ("" when it is fine)."""
        self._title_missing = bool(problem)
        self.title_problem.setText(problem)
        self.title_problem.setVisible(bool(problem))
        self.title_edit.setAccessibleDescription(problem or TITLE_DESCRIPTION)

    def _count_title(self) -> None:
        length = len(self.title_edit.text())
        over = length > TITLE_MAX_CHARS
        self.title_counter.setText(
            f"{length}/{TITLE_MAX_CHARS} – too long, shorten it"
            if over
            else f"{length}/{TITLE_MAX_CHARS}"
        )
        self.title_counter.setStyleSheet(f"color: {ERROR_TEXT};" if over else "")

    # ------------------------------------------------------------------ saving at once

    def _fields_command(self, new: dict[str, Any], text: str) -> None:
        assert self.card is not None
        old = {field: getattr(self.card, field) for field in new}
        if old == new:
            return
        self.session.apply(CardFieldsCommand(self.session, self.card.uuid, old, new, text))

    def _combo_changed(self, field: str) -> None:
        if self._showing or self.card is None:
            return
        self._save_typed()
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
        if self._showing or self.card is None:
            return
        codes = [
            str(a.data()) for a in self.leads_menu.actions() if a.isCheckable() and a.isChecked()
        ]
        self._save_typed()
        self._fields_command({"leads": codes}, "Change leads")

    def _deliverables_edited(self, items: list[Deliverable]) -> bool:
        if self.card is None:
            return False
        self._save_typed()
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


def _buddy(text: str, widget: QWidget) -> QLabel:
    """A label whose access key focuses ``widget``."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label
