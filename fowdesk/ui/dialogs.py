"""Small dialogs: revise a milestone's target with a reason, the officer's preferences and lead.

Each is opened through one module-level function, so tests patch that
function and no dialog is ever left open on a test run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.dates import format_window, is_horizon, parse_target
from fowdesk.domain.leads import LeadChoice, normalise_code
from fowdesk.domain.model import Milestone
from fowdesk.ui.settings import Settings


def describe_target(text: str, year_from: date | None) -> str:
    """What fowdesk reads a target as, for the line under a target box."""
    text = text.strip()
    if not text:
        return "No target"
    if is_horizon(text):
        return "Roadmap horizon (no dates)"
    window = parse_target(text, year_from)
    if window is None:
        return "⚠ fowdesk cannot read this as a date (e.g. “March 2020”, “April to May 2020”)"
    return f"Due window: {format_window(window)}"


def times(count: int) -> str:
    """ "once", "twice", "3 times": how an officer says how often a date moved."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


class ReviseTargetDialog(QDialog):
    """New target and the reason for the change; the original target is kept as the baseline."""

    def __init__(
        self,
        parent: QWidget | None,
        milestone: Milestone,
        year_from: date | None,
        new_target: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Revise target")
        self._year_from = year_from
        self._had_target = bool(milestone.target.strip())
        form = QFormLayout()
        description = QLabel(milestone.description)
        description.setWordWrap(True)
        form.addRow("Milestone:", description)
        form.addRow("Current target:", QLabel(milestone.target or "(none)"))
        if milestone.revisions:
            baseline = milestone.original_target or "(none)"
            form.addRow(
                "Original target:",
                QLabel(f"{baseline} (revised {times(milestone.revision_count)})"),
            )
        self.target_edit = QLineEdit(milestone.target if new_target is None else new_target)
        self.target_edit.setAccessibleName("New target")
        self.window_label = QLabel()
        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName("Reason for change")
        self.reason_edit.setPlaceholderText("Why the date moved (shown in the return and report)")
        form.addRow("New &target:", self.target_edit)
        form.addRow("", self.window_label)
        form.addRow("&Reason for change:", self.reason_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.target_edit.textChanged.connect(self._check)
        self.reason_edit.textChanged.connect(self._check)
        self._original = milestone.target
        self._check()
        self.resize(520, self.sizeHint().height())

    def _check(self) -> None:
        self.window_label.setText(describe_target(self.target_edit.text(), self._year_from))
        changed = self.target_edit.text().strip() != self._original.strip()
        reason_ok = bool(self.reason_edit.text().strip()) or not self._had_target
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(changed and reason_ok)

    def answer(self) -> tuple[str, str]:
        return self.target_edit.text().strip(), self.reason_edit.text().strip()


def ask_target_revision(
    parent: QWidget | None,
    milestone: Milestone,
    year_from: date | None,
    new_target: str | None = None,
) -> tuple[str, str] | None:
    """(new target, reason), or None when the officer cancels."""
    dialog = ReviseTargetDialog(parent, milestone, year_from, new_target)
    if new_target is not None:
        dialog.reason_edit.setFocus()
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.answer()


class PreferencesDialog(QDialog):
    """The officer's name for the audit trail, "my lead" code, default export folder."""

    def __init__(
        self,
        parent: QWidget | None,
        settings: Settings,
        lead_codes: Sequence[LeadChoice | str],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.settings = settings
        self.name_edit = QLineEdit(settings.officer_name)
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setPlaceholderText("Your computer user name is used if left blank")
        self.lead_combo = lead_combo(lead_codes, settings.my_lead)
        self.lead_combo.setItemText(0, "(show every recommendation)")
        self.folder_edit = QLineEdit(str(settings.export_folder or ""))
        self.folder_edit.setAccessibleName("Default export folder")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Your &name (audit trail):", self.name_edit)
        form.addRow("My &lead code:", self.lead_combo)
        folder_label = QLabel("Default &export folder:")
        folder_label.setBuddy(self.folder_edit)
        form.addRow(folder_label, folder_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Default export folder", self.folder_edit.text()
        )
        if folder:
            self.folder_edit.setText(folder)

    def save(self) -> None:
        self.settings.officer_name = self.name_edit.text()
        self.settings.my_lead = str(self.lead_combo.currentData() or "")
        folder = self.folder_edit.text().strip()
        self.settings.export_folder = Path(folder) if folder else None
        self.settings.sync()


def lead_combo(choices: Sequence[LeadChoice | str], current: str = "") -> QComboBox:
    """Every lead code with its role ("SSM – Strategic Skills Manager"); data is the code.

    A code in use that the key lacks is listed too ("SLE (not in the key)"),
    and so is the officer's current code if no programme uses it any more.
    """
    combo = QComboBox()
    combo.setAccessibleName("My lead code")
    combo.addItem("(none)", "")
    for choice in choices:
        if isinstance(choice, LeadChoice):
            combo.addItem(choice.label, choice.code)
        else:
            combo.addItem(choice, choice)
    wanted = normalise_code(current)
    found = next(
        (i for i in range(1, combo.count()) if normalise_code(combo.itemData(i)) == wanted), None
    )
    if current and found is None:
        combo.addItem(current, current)
        found = combo.count() - 1
    combo.setCurrentIndex(found or 0)
    return combo


class MyLeadDialog(QDialog):
    """ "Export my Excel return" with no lead set: which lead, and remember it?"""

    def __init__(self, parent: QWidget | None, choices: Sequence[LeadChoice]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export my Excel return")
        note = QLabel(
            "Which lead's return is yours? The return lists only the recommendations that "
            "lead is responsible for."
        )
        note.setWordWrap(True)
        self.lead_combo = lead_combo(choices)
        self.lead_combo.removeItem(0)
        self.lead_combo.setAccessibleName("Lead")
        self.remember_check = QCheckBox("&Remember this as my lead code (Preferences)")
        self.remember_check.setChecked(True)
        form = QFormLayout()
        form.addRow("&Lead:", self.lead_combo)
        form.addRow("", self.remember_check)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Export…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())

    def chosen(self) -> tuple[str, bool]:
        """(the lead code, whether to remember it as "my lead")."""
        return str(self.lead_combo.currentData() or ""), self.remember_check.isChecked()


def edit_preferences(
    parent: QWidget | None, settings: Settings, lead_codes: Sequence[LeadChoice | str]
) -> bool:
    """Show the preferences; True when the officer saved them."""
    dialog = PreferencesDialog(parent, settings, lead_codes)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    dialog.save()
    return True
