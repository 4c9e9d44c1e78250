"""The return round's dialogs: send returns, chase, and what was written.

The send dialog shows who will get a return before anything is written (the
leads in use, their addresses, what each return holds, who is left out and
why), with the folder, the due date and the e-mail drafts tick box. The chase
dialog lists the leads whose returns are not back. Afterwards one dialog shows
what was written — the covering list on screen — and opens the folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.model import Programme
from fowdesk.domain.return_round import LeadRound, Recipient, round_recipients
from fowdesk.exports.return_round import ChaseResult, SendResult, default_due_date
from fowdesk.ui import prompts
from fowdesk.ui.table_models import ReadOnlyTableModel
from fowdesk.ui.widgets.sizing import fit_to_screen

UK_DATE_FORMAT = "dd/MM/yyyy"


class TextRowsModel(ReadOnlyTableModel[tuple[str, ...]]):
    """Rows of plain text under headings."""

    def cell_text(self, row: tuple[str, ...], column: int) -> str | None:
        return row[column] if column < len(row) else None


def _table(model: TextRowsModel, name: str, stretch: Sequence[int] = ()) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(not stretch)
    return view


def _folder_row(dialog: QDialog, folder: Path, title: str) -> tuple[QLineEdit, QHBoxLayout]:
    edit = QLineEdit(str(folder))
    edit.setAccessibleName("Folder")
    browse = QPushButton("B&rowse…")
    browse.setAccessibleName("Choose the folder")

    def choose() -> None:
        chosen = QFileDialog.getExistingDirectory(dialog, title, edit.text())
        if chosen:
            edit.setText(chosen)

    browse.clicked.connect(choose)
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return edit, row


def _recipient_row(recipient: Recipient) -> tuple[str, ...]:
    return (
        recipient.code,
        recipient.role or "(not in the lead-role key)",
        recipient.email or "no address: the draft's To is empty",
        str(recipient.cards),
        str(recipient.milestones),
    )


class SendReturnsDialog(QDialog):
    """Who gets a return, the folder, the due date, and whether to write e-mail drafts."""

    def __init__(
        self,
        programme: Programme,
        folder: Path,
        *,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.programme = programme
        period = programme.current_period
        label = period.label if period else ""
        self.setWindowTitle(f"Send returns – {programme.code}, {label}")
        self.setAccessibleName("Send returns")
        intro = QLabel(
            "One return for each lead below, each with its own return ID, and a covering list "
            "(returns.csv). fowdesk sends nothing: with e-mail drafts ticked, open each .eml "
            "file in Outlook, check it and press Send."
        )
        intro.setWordWrap(True)
        self.model = TextRowsModel(["Lead", "Role", "E-mail", "Cards", "Milestones"])
        self.view = _table(self.model, "Leads who get a return", stretch=(1, 2))
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setAccessibleName("Left out of the round")
        self.unknown_box = QCheckBox("&Include leads not in the lead-role key")
        self.unknown_box.toggled.connect(self._fill)

        self.folder_edit, folder_row = _folder_row(self, folder, "Folder for the returns")
        self.due_edit = QDateEdit()
        self.due_edit.setDisplayFormat(UK_DATE_FORMAT)
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setAccessibleName("Due back")
        start = today or date.today()
        due = default_due_date(start)
        self.due_edit.setMinimumDate(QDate(start.year, start.month, start.day))
        self.due_edit.setDate(QDate(due.year, due.month, due.day))
        self.drafts_box = QCheckBox("E-&mail drafts (.eml) to send from Outlook")
        self.drafts_box.setChecked(True)
        form = QFormLayout()
        folder_label = QLabel("F&older:")
        folder_label.setBuddy(self.folder_edit)
        form.addRow(folder_label, folder_row)
        due_label = QLabel("&Due back:")
        due_label.setBuddy(self.due_edit)
        form.addRow(due_label, self.due_edit)
        form.addRow("", self.drafts_box)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Write the returns")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.unknown_box)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._fill()
        fit_to_screen(self, 900, 560)

    def _fill(self) -> None:
        recipients = round_recipients(self.programme, include_unknown=self.unknown_box.isChecked())
        self.recipients = recipients
        self.model.set_rows([_recipient_row(r) for r in recipients.leads])
        notes = recipients.notes()
        if not self.unknown_box.isChecked():
            # The command line's flag means nothing here: the tick box is the way to ask.
            notes = [n.replace(", or ask for them (--unknown-leads)", "") for n in notes]
        self.notes_label.setText("\n".join(f"Note: {n[0].upper()}{n[1:]}." for n in notes))
        self.notes_label.setVisible(bool(notes))
        unknown = round_recipients(self.programme, include_unknown=False).unknown_skipped
        self.unknown_box.setVisible(bool(unknown))
        if unknown:
            codes = ", ".join(r.code for r in unknown)
            self.unknown_box.setText(f"&Include leads not in the lead-role key ({codes})")
        self.ok_button.setEnabled(bool(recipients.leads))

    def values(self) -> tuple[Path, date, bool, bool]:
        """Folder, due date, write drafts, include unknown leads."""
        due = self.due_edit.date()
        return (
            Path(self.folder_edit.text().strip()),
            date(due.year(), due.month(), due.day()),
            self.drafts_box.isChecked(),
            self.unknown_box.isChecked(),
        )


class ChaseDialog(QDialog):
    """The leads whose returns are not back, the folder, and the drafts tick box."""

    def __init__(
        self, leads: Sequence[LeadRound], folder: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Chase returns")
        self.setAccessibleName("Chase returns")
        intro = QLabel(
            f"{len(leads)} lead{'s have' if len(leads) != 1 else ' has'} not sent their return "
            "back. Each gets a reminder with their return attached again (a fresh one if the "
            "programme has changed since it was sent). fowdesk sends nothing."
        )
        intro.setWordWrap(True)
        self.model = TextRowsModel(["Lead", "Sent", "Status", "E-mail"])
        self.model.set_rows(
            [
                (
                    lead.who,
                    lead.sent.filename,
                    lead.status_text(),
                    lead.sent.sent_to or "no address: the draft's To is empty",
                )
                for lead in leads
            ]
        )
        self.view = _table(self.model, "Leads to chase", stretch=(2,))
        self.folder_edit, folder_row = _folder_row(self, folder, "Folder for the reminders")
        self.drafts_box = QCheckBox("E-&mail drafts (.eml) to send from Outlook")
        self.drafts_box.setChecked(True)
        form = QFormLayout()
        folder_label = QLabel("F&older:")
        folder_label.setBuddy(self.folder_edit)
        form.addRow(folder_label, folder_row)
        form.addRow("", self.drafts_box)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Write the reminders")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 900, 420)

    def values(self) -> tuple[Path, bool]:
        return Path(self.folder_edit.text().strip()), self.drafts_box.isChecked()


class RoundResultDialog(QDialog):
    """What a send or a chase wrote: the covering list on screen, and the folder."""

    def __init__(
        self,
        title: str,
        heading: str,
        headings: Sequence[str],
        rows: Sequence[tuple[str, ...]],
        notes: Sequence[str],
        folder: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.heading_label = QLabel(heading)
        self.heading_label.setWordWrap(True)
        self.model = TextRowsModel(headings)
        self.model.set_rows(rows)
        self.view = _table(self.model, "What was written", stretch=(2,))
        self.notes_label = QLabel("\n".join(notes))
        self.notes_label.setWordWrap(True)
        self.notes_label.setVisible(bool(notes))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton("&Open folder", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(lambda: prompts.open_path(self.folder))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.notes_label)
        layout.addWidget(buttons)
        fit_to_screen(self, 1100, 480)


def sent_dialog(result: SendResult, parent: Any = None) -> RoundResultDialog:
    rows = [
        (
            s.recipient.code,
            s.recipient.role or "(not in the lead-role key)",
            s.path.name,
            str(s.recipient.cards),
            str(s.recipient.milestones),
            s.address_text,
            s.draft.name if s.draft else "",
        )
        for s in result.sent
    ]
    lines = result.lines()
    notes = [line.strip() for line in lines[1:] if not line.startswith("  ") or "Note:" in line]
    notes += [f"Could not record in the database: {line}." for line in result.unrecorded]
    return RoundResultDialog(
        "Returns written",
        lines[0] + ".",
        ["Lead", "Role", "File", "Cards", "Milestones", "E-mail", "Draft e-mail"],
        rows,
        notes,
        result.folder,
        parent,
    )


def chased_dialog(result: ChaseResult, parent: Any = None) -> RoundResultDialog:
    rows = [
        (
            r.lead.who,
            r.lead.status_text(),
            r.attached.name + (f" (fresh: {r.why_fresh})" if r.fresh else " (as sent)"),
            r.address or "no address: the draft's To is empty",
            r.draft.name if r.draft else "",
        )
        for r in result.reminders
    ]
    lines = result.lines()
    notes = [line for line in lines[1:] if not line.startswith("  ")]
    return RoundResultDialog(
        "Reminders written",
        lines[0] + ".",
        ["Lead", "Status", "Attached", "E-mail", "Draft e-mail"],
        rows,
        notes,
        result.folder,
        parent,
    )
