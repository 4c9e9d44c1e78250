"""Small dialogs of the reporting cycle: new period, PDF options, restore."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.model import Period
from fowdesk.storage.backups import BackupFile
from fowdesk.ui.widgets.sizing import fit_to_screen

UK_DATE_FORMAT = "dd/MM/yyyy"


def _buttons(dialog: QDialog, ok_text: str = "OK") -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class NewPeriodDialog(QDialog):
    """Label, as-at date and meeting line of a new reporting period."""

    def __init__(self, latest: Period | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start a reporting period")
        today = date.today()
        self.label_edit = QLineEdit(today.strftime("%B %Y"))
        self.label_edit.setAccessibleName("Period label")
        self.as_at_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.as_at_edit.setDisplayFormat(UK_DATE_FORMAT)
        self.as_at_edit.setCalendarPopup(True)
        self.as_at_edit.setAccessibleName("As-at date")
        self.meeting_edit = QLineEdit()
        self.meeting_edit.setAccessibleName("Committee or meeting line")
        self.meeting_edit.setPlaceholderText("e.g. Scrutiny Inquiry Panel, 9 April 2020")
        note = QLabel(
            "Every card carries on as it stands. Each card's progress narrative for the new "
            "period starts empty, with this period's shown beside it."
            + (f" The current period is {latest.label}." if latest else "")
        )
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Label:", self.label_edit)
        form.addRow("&As at:", self.as_at_edit)
        form.addRow("&Meeting:", self.meeting_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(_buttons(self, "Start period"))

    def values(self) -> tuple[str, date, str]:
        qdate = self.as_at_edit.date()
        return (
            self.label_edit.text().strip(),
            date(qdate.year(), qdate.month(), qdate.day()),
            self.meeting_edit.text().strip(),
        )


class PdfOptionsDialog(QDialog):
    """Which period to print, an optional appendix label, the changes section."""

    def __init__(
        self,
        periods: Sequence[Period],
        *,
        card_ref: str | None = None,
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            f"Export PDF – recommendation {card_ref}" if card_ref else title or "Export PDF report"
        )
        self.period_combo = QComboBox()
        self.period_combo.setAccessibleName("Reporting period")
        for period in reversed(periods):
            suffix = " (published)" if period.published else ""
            self.period_combo.addItem(f"{period.label}{suffix}", period.label)
        self.appendix_edit = QLineEdit()
        self.appendix_edit.setAccessibleName("Appendix number")
        self.appendix_edit.setPlaceholderText("e.g. 1 (leave blank for none)")
        self.changes_check = QCheckBox("&Include “changes since the last report”")
        self.changes_check.setChecked(True)
        form = QFormLayout()
        form.addRow("&Period:", self.period_combo)
        form.addRow("&Appendix:", self.appendix_edit)
        form.addRow("", self.changes_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self, "Export"))

    def values(self) -> tuple[str, str | None, bool]:
        appendix = self.appendix_edit.text().strip() or None
        return self.period_combo.currentData(), appendix, self.changes_check.isChecked()


def file_size(path: Path) -> str:
    """A file's size as a person reads it: "812 KB", "3.4 MB"; "missing" if it has gone."""
    try:
        size = path.stat().st_size
    except OSError:
        return "missing"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class RestoreBackupDialog(QDialog):
    """Pick one of the rotating backups, newest first, to put back: file, date, size, why."""

    HEADINGS = ("Taken", "Why", "Size", "File")

    def __init__(self, backups: Sequence[BackupFile], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from a backup")
        self.list = QTreeWidget()
        self.list.setAccessibleName("Backups")
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(self.HEADINGS)
        for backup in backups:
            item = QTreeWidgetItem(
                [
                    f"{backup.taken_at:%d/%m/%Y %H:%M:%S}",
                    backup.reason.replace("-", " "),
                    file_size(backup.path),
                    backup.path.name,
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, str(backup.path))
            item.setToolTip(3, str(backup.path))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
            self.list.addTopLevelItem(item)
        for column in range(len(self.HEADINGS)):
            self.list.resizeColumnToContents(column)
        if backups:
            self.list.setCurrentItem(self.list.topLevelItem(0))
        self.list.itemActivated.connect(lambda *_: self.accept())
        label = QLabel("&Backups, newest first:")
        label.setBuddy(self.list)
        folder = backups[0].path.parent if backups else None
        note = QLabel(
            "The current database is backed up first, so a restore can itself be undone."
            + (f" The backups are in {folder}." if folder else "")
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.list)
        layout.addWidget(note)
        layout.addWidget(_buttons(self, "Restore"))
        fit_to_screen(self, 720, 400)

    def count(self) -> int:
        return self.list.topLevelItemCount()

    def chosen_path(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(0, Qt.ItemDataRole.UserRole)) if item else None
