"""Programme settings: title, introduction, column headings, themes, the lead-role key.

Everything here is what the report prints around the cards; editing it is
how a PMO officer adds the seed's missing ``SLE`` to the key. "Returns go to"
is who the Excel return's Instructions sheet tells officers to send it back
to. A new, empty programme is created from the same place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.model import LeadRole, Programme
from fowdesk.domain.narrative import paragraphs_from_text, paragraphs_to_text
from fowdesk.errors import FowdeskError
from fowdesk.storage.repository import Repository
from fowdesk.ui.table_models import HeadedTableModel, Index
from fowdesk.ui.widgets.sizing import fit_to_screen


class LeadKeyModel(HeadedTableModel):
    """The lead-role key as an editable table (Code, Lead role, E-mail for their returns)."""

    HEADERS = ("Code", "Lead role", "E-mail")

    def __init__(self, key: Sequence[LeadRole] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._rows = [[k.code, k.role, k.email] for k in key]

    def key(self) -> list[LeadRole]:
        return [
            LeadRole(code.strip(), role.strip(), email.strip())
            for code, role, email in self._rows
            if code.strip() or role.strip() or email.strip()
        ]

    def add_row(self, code: str = "", role: str = "", email: str = "") -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append([code, role, email])
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def row_total(self) -> int:
        return len(self._rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._rows[index.row()][index.column()]
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        self._rows[index.row()][index.column()] = str(value)
        self.dataChanged.emit(index, index, [role])
        return True


class ProgrammeSettingsDialog(QDialog):
    """Edit one programme's report settings; OK saves them all in one transaction."""

    def __init__(self, repo: Repository, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.code = code
        programme = repo.load_programme(code)
        self.setWindowTitle(f"Programme settings – {programme.code}")
        self.setAccessibleName("Programme settings")
        fit_to_screen(self, 820, 560)

        self.title_edit = QLineEdit(programme.title)
        self.title_edit.setAccessibleName("Programme title")
        self.report_title_edit = QLineEdit(programme.report_title)
        self.report_title_edit.setAccessibleName("Report title")
        self.introduction_edit = QPlainTextEdit(paragraphs_to_text(programme.introduction))
        self.introduction_edit.setAccessibleName("Introduction")
        self.introduction_edit.setToolTip("One paragraph a line; start a line with • for a bullet")
        self.returns_to_edit = QLineEdit(programme.returns_to)
        self.returns_to_edit.setAccessibleName("Returns go to")
        self.returns_to_edit.setPlaceholderText("e.g. Jo Bloggs, PMO – pmo@council.gov.uk")
        self.returns_to_edit.setToolTip("Who officers send their Excel return back to")
        self.heading_edits = [QLineEdit(text) for text in programme.column_headings]
        for number, edit in enumerate(self.heading_edits, start=1):
            edit.setAccessibleName(f"Column heading {number}")

        report = QWidget()
        form = QFormLayout(report)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Report title:", self.report_title_edit)
        form.addRow("&Introduction:", self.introduction_edit)
        for number, edit in enumerate(self.heading_edits, start=1):
            form.addRow(f"Column {number} heading:", edit)
        form.addRow("Returns &go to:", self.returns_to_edit)

        self.themes_edit = QPlainTextEdit("\n".join(programme.themes))
        self.themes_edit.setAccessibleName("Themes, one a line")
        themes = QWidget()
        themes_layout = QVBoxLayout(themes)
        themes_layout.addWidget(
            QLabel(
                "One theme a line. Cards keep a theme that stays in "
                "the list; removing a theme unassigns its cards."
            )
        )
        themes_layout.addWidget(self.themes_edit)

        self.key_model = LeadKeyModel(programme.lead_key, self)
        self.key_view = QTableView()
        self.key_view.setModel(self.key_model)
        self.key_view.setAccessibleName("Lead-role key")
        self.key_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        key_header = self.key_view.horizontalHeader()
        key_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        key_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        key_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.key_view.setToolTip(
            "E-mail: where the lead's return goes when the PMO sends returns (optional)"
        )
        self.add_lead_button = QPushButton("&Add lead role")
        self.remove_lead_button = QPushButton("Re&move lead role")
        self.add_lead_button.clicked.connect(self._add_lead)
        self.remove_lead_button.clicked.connect(self._remove_lead)
        key = QWidget()
        key_layout = QVBoxLayout(key)
        key_layout.addWidget(self.key_view)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.add_lead_button)
        buttons_row.addWidget(self.remove_lead_button)
        buttons_row.addStretch(1)
        key_layout.addLayout(buttons_row)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings sections")
        self.tabs.addTab(report, "Report")
        self.tabs.addTab(themes, "Themes")
        self.tabs.addTab(key, "Lead-role key")

        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #B00020;")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _add_lead(self) -> None:
        row = self.key_model.add_row()
        index = self.key_model.index(row, 0)
        self.key_view.setCurrentIndex(index)
        self.key_view.edit(index)

    def _remove_lead(self) -> None:
        index = self.key_view.currentIndex()
        if index.isValid():
            self.key_model.remove_row(index.row())

    def accept(self) -> None:
        """Save everything at once; on a problem, say it in one line and stay open."""
        try:
            with self.repo.transaction():
                self.repo.update_programme(
                    self.code,
                    title=self.title_edit.text().strip(),
                    report_title=self.report_title_edit.text().strip(),
                    introduction=paragraphs_from_text(self.introduction_edit.toPlainText()),
                    column_headings=[edit.text().strip() for edit in self.heading_edits],
                    returns_to=self.returns_to_edit.text().strip(),
                )
                self.repo.set_themes(self.code, self.themes_edit.toPlainText().splitlines())
                self.repo.set_lead_key(self.code, self.key_model.key())
        except FowdeskError as exc:
            self.error_label.setText(str(exc))
            return
        super().accept()


class NewProgrammeDialog(QDialog):
    """Ask for a code and a title; OK creates an empty programme with an open period."""

    def __init__(self, repo: Repository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.created_code = ""
        self.setWindowTitle("New programme")
        self.code_edit = QLineEdit()
        self.code_edit.setAccessibleName("Programme code")
        self.code_edit.setPlaceholderText("e.g. CLIM")
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Programme title")
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #B00020;")
        form = QFormLayout()
        form.addRow("&Code:", self.code_edit)
        form.addRow("&Title:", self.title_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def accept(self) -> None:
        try:
            self.repo.create_programme(self.code_edit.text(), self.title_edit.text())
        except FowdeskError as exc:
            self.error_label.setText(str(exc))
            return
        self.created_code = self.code_edit.text().strip()
        super().accept()


def programme_title(programme: Programme) -> str:
    return programme.report_title or programme.title
