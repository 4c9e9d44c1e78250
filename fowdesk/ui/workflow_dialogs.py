"""Small dialogs of the reporting cycle: new period, publish, PDF options, restore."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fowdesk.domain.model import Period, Programme
from fowdesk.domain.periods import new_period_problem, propose_next_period
from fowdesk.domain.publishing import (
    LISTED_REFS,
    PublishWarnings,
    publication_status,
)
from fowdesk.exports.frozen import ReprintInfo
from fowdesk.storage.backups import BackupFile
from fowdesk.ui.widgets.date_edit import PROBLEM_COLOUR, DateField
from fowdesk.ui.widgets.sizing import fit_to_screen


def _buttons(dialog: QDialog, ok_text: str = "OK") -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class NewPeriodDialog(QDialog):
    """Label, as-at date and meeting line of a new reporting period.

    It proposes the month after the current period (February 2020 → "March
    2020", as at 31/03/2020) and checks what is typed before it closes: a
    duplicate label or an impossible date is shown here, and the dialog stays
    open with everything as typed.
    """

    def __init__(self, programme: Programme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start a reporting period")
        self.periods = list(programme.periods)
        proposal = propose_next_period(programme)
        self.label_edit = QLineEdit(proposal.label)
        self.label_edit.setAccessibleName("Period label")
        self.as_at_field = DateField(proposal.as_at)
        self.as_at_edit = self.as_at_field.edit
        self.as_at_edit.setAccessibleName("As-at date")
        self.meeting_edit = QLineEdit(proposal.meeting)
        self.meeting_edit.setAccessibleName("Committee or meeting line")
        self.meeting_edit.setPlaceholderText("e.g. Scrutiny Inquiry Panel, 9 April 2020")
        latest = programme.current_period
        current = (
            f" The current period is {latest.label}, as at {latest.as_at:%d/%m/%Y}"
            f" ({publication_status(latest)})."
            if latest
            else ""
        )
        note = QLabel(
            "Every card carries on as it stands. Each card's progress narrative for the new "
            "period starts empty, with the current period's shown beside it." + current
        )
        note.setWordWrap(True)
        self.problem_label = QLabel()
        self.problem_label.setAccessibleName("Problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.problem_label.hide()
        self.label_edit.textEdited.connect(lambda _text: self.show_problem(""))
        self.as_at_edit.textEdited.connect(lambda _text: self.show_problem(""))
        form = QFormLayout()
        form.addRow("&Label:", self.label_edit)
        form.addRow("&As at:", self.as_at_field)
        form.addRow("&Meeting:", self.meeting_edit)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # grows with a problem
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(_buttons(self, "Start period"))
        self.resize(520, self.sizeHint().height())

    def problem(self) -> str | None:
        """Why the period as typed cannot be started (the repository's own rule); None if it can."""
        return new_period_problem(self.periods, self.label_edit.text(), self.as_at_edit.text())

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.show_problem(problem)
            date_is_wrong = self.as_at_edit.date() is None or "as-at" in problem
            (self.as_at_edit if date_is_wrong else self.label_edit).setFocus()
            return
        super().accept()

    def show_problem(self, text: str) -> None:
        """A date that is not one is said under the date; anything else under the form."""
        if text and self.as_at_edit.date() is None and text == self.as_at_edit.problem():
            self.as_at_field.show_problem(text)
            text = ""
        self.problem_label.setText(text)
        self.problem_label.setVisible(bool(text))

    def values(self) -> tuple[str, date, str]:
        """Label, as-at date and meeting line; only once :meth:`problem` is None."""
        as_at = self.as_at_edit.date()
        assert as_at is not None, "values() read before the dialog was checked"
        return (
            " ".join(self.label_edit.text().split()),
            as_at,
            self.meeting_edit.text().strip(),
        )


class PublishDialog(QDialog):
    """Publish a period: the report's options, and what would read as a gap, before freezing.

    The warnings link to their cards: following one closes the dialog
    (nothing is published) and asks the window to show that card
    (``card_requested``), so the gap can be filled first.
    """

    card_requested = Signal(str)

    def __init__(
        self,
        period: Period,
        warnings: PublishWarnings,
        *,
        has_previous_report: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Publish {period.label}")
        self.period = period
        intro = QLabel(
            f"Publishing freezes the {period.label} report exactly as it stands now, printed "
            "with the options below. Every later print or export of it gives the same PDF, and "
            "the next report's “changes since the last report” are measured from it. This "
            "cannot be undone."
        )
        intro.setWordWrap(True)
        self.appendix_edit = QLineEdit()
        self.appendix_edit.setAccessibleName("Appendix number")
        self.appendix_edit.setPlaceholderText("e.g. 7 (leave blank for none)")
        self.meeting_edit = QLineEdit(period.meeting)
        self.meeting_edit.setAccessibleName("Committee or meeting line")
        self.meeting_edit.setPlaceholderText("e.g. Cabinet, 21 April 2020 (printed on every page)")
        self.changes_check = QCheckBox("&Include “changes since the last report”")
        self.changes_check.setChecked(has_previous_report)
        self.changes_check.setEnabled(has_previous_report)
        if not has_previous_report:
            self.changes_check.setToolTip("No earlier report has been published to compare with")
        form = QFormLayout()
        form.addRow("&Appendix:", self.appendix_edit)
        form.addRow("&Meeting:", self.meeting_edit)
        form.addRow("", self.changes_check)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        self.warnings_view: QTextBrowser | None = None
        if warnings.is_empty:
            clear = QLabel("Nothing to warn about: every recommendation has an update.")
            clear.setWordWrap(True)
            layout.addWidget(clear)
        else:
            heading = QLabel("&Before you publish — the committee would read these as gaps:")
            heading.setWordWrap(True)
            self.warnings_view = QTextBrowser()
            self.warnings_view.setAccessibleName("Warnings before publishing")
            self.warnings_view.setOpenLinks(False)
            self.warnings_view.setHtml(warnings_html(warnings))
            self.warnings_view.anchorClicked.connect(self._follow)
            heading.setBuddy(self.warnings_view)
            layout.addWidget(heading)
            layout.addWidget(self.warnings_view, 1)
            note = QLabel("Follow a link to open that recommendation (nothing is published).")
            note.setWordWrap(True)
            layout.addWidget(note)
        buttons = _buttons(self, f"&Publish {period.label}")
        self.publish_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.publish_button.setAutoDefault(False)
        self.publish_button.setDefault(False)
        layout.addWidget(buttons)
        fit_width = 640
        self.resize(fit_width, 560 if self.warnings_view is not None else self.sizeHint().height())

    def _follow(self, url: QUrl) -> None:
        if url.scheme() == CARD_LINK:
            self.card_requested.emit(url.path())
            self.reject()

    def values(self) -> tuple[str | None, str, bool | None]:
        """(appendix or None, meeting line, include the changes section or None if none exists)."""
        appendix = " ".join(self.appendix_edit.text().split()) or None
        changes = self.changes_check.isChecked() if self.changes_check.isEnabled() else None
        return appendix, " ".join(self.meeting_edit.text().split()), changes


#: The scheme of a link to a card in a dialog: ``card:UUID``.
CARD_LINK = "card"


def _card_link(uuid: str, text: str) -> str:
    return f'<a href="{CARD_LINK}:{escape(uuid)}">{escape(text)}</a>'


def warnings_html(warnings: PublishWarnings) -> str:
    """The warnings as the Publish dialog lists them, each card a link."""
    parts: list[str] = []
    cut = LISTED_REFS

    def more(count: int) -> str:
        return f", and {count - cut} more" if count > cut else ""

    if warnings.not_updated:
        count = len(warnings.not_updated)
        links = ", ".join(_card_link(c.uuid, c.ref) for c in warnings.not_updated[:cut])
        has = "recommendation has" if count == 1 else "recommendations have"
        parts.append(
            f"<p><b>{count} {has} no update for {escape(warnings.period_label)}</b> (the report "
            f"prints “No update for this period”): {links}{more(count)}</p>"
        )
    if warnings.overdue:
        count = len(warnings.overdue)
        items = "".join(
            f"<li>{_card_link(d.card_uuid, f'rec {d.card_ref}')} "
            f"{escape(d.milestone.description)}"
            + (f" ({escape(d.milestone.target)})" if d.milestone.target else "")
            + "</li>"
            for d in warnings.overdue[:cut]
        )
        are = "milestone is" if count == 1 else "milestones are"
        parts.append(
            f"<p><b>{count} {are} overdue as at {warnings.as_at:%d/%m/%Y}:</b></p>"
            f"<ul>{items}</ul>" + (f"<p>and {count - cut} more</p>" if count > cut else "")
        )
    if warnings.redated_without_reason:
        count = len(warnings.redated_without_reason)
        items = "".join(
            f"<li>{_card_link(m.card_uuid, f'rec {m.card_ref}')} "
            f"{escape(m.milestone.description)} ({escape(m.milestone.target)})</li>"
            for m in warnings.redated_without_reason[:cut]
        )
        were = "milestone was" if count == 1 else "milestones were"
        parts.append(f"<p><b>{count} {were} re-dated without a reason:</b></p><ul>{items}</ul>")
    for code, cards in warnings.unknown_leads.items():
        links = ", ".join(_card_link(c.uuid, c.ref) for c in cards[:cut])
        parts.append(
            f"<p><b>Lead code {escape(code)} is not in the lead-role key</b> (Programme → "
            f"Programme settings adds it): rec {links}{more(len(cards))}</p>"
        )
    return "".join(parts)


class PdfOptionsDialog(QDialog):
    """Which period to print, an optional appendix label, the changes section.

    A published period's report is the one that was published: its options
    are shown greyed out as stored, with "Reprint of the published report
    (Appendix 7, Cabinet, 21 April 2020)", and nothing here can change them.
    """

    def __init__(
        self,
        periods: Sequence[Period],
        *,
        card_ref: str | None = None,
        title: str = "",
        reprint_info: Callable[[str], ReprintInfo | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            f"Export PDF – recommendation {card_ref}" if card_ref else title or "Export PDF report"
        )
        self._reprint_info = reprint_info or (lambda _label: None)
        self.reprint: ReprintInfo | None = None
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
        self.reprint_label = QLabel()
        self.reprint_label.setAccessibleName("Reprint")
        self.reprint_label.setWordWrap(True)
        self.reprint_label.hide()
        self._typed = ("", True)  # what the officer chose for a draft, kept across periods
        form = QFormLayout()
        form.addRow("&Period:", self.period_combo)
        form.addRow("", self.reprint_label)
        form.addRow("&Appendix:", self.appendix_edit)
        form.addRow("", self.changes_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self, "Export"))
        self.period_combo.currentIndexChanged.connect(self._period_chosen)
        self._period_chosen()

    def _period_chosen(self, _index: int = 0) -> None:
        if self.reprint is None:
            self._typed = (self.appendix_edit.text(), self.changes_check.isChecked())
        label = self.period_combo.currentData()
        self.reprint = self._reprint_info(label) if label else None
        published = self.reprint is not None
        self.appendix_edit.setEnabled(not published)
        self.changes_check.setEnabled(not published)
        self.reprint_label.setVisible(published)
        if self.reprint is not None:
            stored = self.reprint.options.settled()
            self.reprint_label.setText(self.reprint.description)
            self.appendix_edit.setText(stored.appendix or "" if stored.known else "")
            self.changes_check.setChecked(bool(stored.include_changes))
        else:
            self.appendix_edit.setText(self._typed[0])
            self.changes_check.setChecked(self._typed[1])

    def values(self) -> tuple[str, str | None, bool | None]:
        """(period, appendix, changes); a published period's options are left as stored (None)."""
        label = self.period_combo.currentData()
        if self.reprint is not None:
            return label, None, None
        appendix = self.appendix_edit.text().strip() or None
        return label, appendix, self.changes_check.isChecked()


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
