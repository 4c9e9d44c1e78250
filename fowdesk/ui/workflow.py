"""The reporting workflow from the desktop: everything the command line does.

:class:`Workflow` holds one window's actions for the reporting cycle: import
a return with a preview, Excel and PDF exports, print preview and print,
reporting periods, programme settings, a backup now. Long work runs on the
application's :class:`~fowdesk.ui.jobs.JobPool`, each job with its own
database connection, so the window stays responsive. Every failure is shown as
the same one clear line the command line prints, and nothing is lost.

Where the actions appear is decided in :mod:`fowdesk.ui.menus`; opening,
switching and restoring databases belong to the application object
(:mod:`fowdesk.ui.app`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog

from fowdesk import paths
from fowdesk.domain.change_set import ImportResult
from fowdesk.domain.leads import lead_choices
from fowdesk.domain.model import Programme
from fowdesk.domain.publishing import ReportOptions, publish_warnings
from fowdesk.domain.return_round import return_round
from fowdesk.errors import FowdeskError, LockedDatabase
from fowdesk.exports import pdf_report, xlsx_return
from fowdesk.exports.frozen import previous_published, reprint_info
from fowdesk.exports.publishing import publish_report
from fowdesk.exports.report_formats import EXTENSIONS, report_exporter
from fowdesk.exports.report_model import default_filename
from fowdesk.exports.return_round import (
    ChaseResult,
    SendResult,
    chase_returns,
    round_folder_name,
    round_period,
    send_returns,
)
from fowdesk.exports.xlsx_import import ChangeSet, preview, read_return
from fowdesk.exports.xlsx_import.batch import ReturnBatch, batch_applied, read_returns
from fowdesk.storage.repository import Repository
from fowdesk.ui import prompts
from fowdesk.ui.batch_preview import BatchPreviewDialog
from fowdesk.ui.dialogs import MyLeadDialog
from fowdesk.ui.import_preview import ImportPreviewDialog, imported_message
from fowdesk.ui.import_reasons import MissingReasonsDialog, missing_reasons
from fowdesk.ui.jobs import JobPool
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.programme_settings import NewProgrammeDialog, ProgrammeSettingsDialog
from fowdesk.ui.return_round_dialogs import (
    ChaseDialog,
    SendReturnsDialog,
    chased_dialog,
    sent_dialog,
)
from fowdesk.ui.workers import Progress
from fowdesk.ui.workflow_dialogs import NewPeriodDialog, PdfOptionsDialog, PublishDialog

XLSX_FILTER = "Excel returns (*.xlsx)"
PDF_FILTER = "PDF reports (*.pdf)"
#: Per report format: the options dialog's and the save dialog's title, the file filter.
REPORT_DIALOGS = {
    "pdf": ("Export PDF report", PDF_FILTER),
    "html": ("Export accessible HTML", "Web pages (*.html)"),
    "docx": ("Export Word appendix", "Word documents (*.docx)"),
}


class Workflow(QObject):
    """One window's reporting-cycle actions and the long-running work they start."""

    def __init__(self, window: MainWindow, jobs: JobPool) -> None:
        super().__init__(window)
        self.window = window
        self.jobs = jobs
        self.last_result: Any = None
        self._build_actions()
        jobs.busy_changed.connect(self._jobs_busy)
        window.editor.start_period_requested.connect(self.new_period)
        window.dashboard.returns_panel.set_actions(
            self.send_returns_action, self.import_returns_action, self.chase_returns_action
        )

    @property
    def repo(self) -> Repository:
        return self.window.repo

    @property
    def code(self) -> str | None:
        return self.window.programme.code if self.window.programme else None

    @property
    def jobs_running(self) -> int:
        return self.jobs.running

    def _action(
        self, text: str, slot: Callable[[], None], shortcut: str | None = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.import_action = a(
            "&Import return…",
            self.import_return,
            "Ctrl+I",
            "Apply an Excel return, after a preview of every change",
        )
        self.import_returns_action = a(
            "Import ret&urns…",
            self.import_returns,
            "Ctrl+Shift+I",
            "Take several returns in one go: one preview, one transaction",
        )
        self.import_folder_action = a(
            "Import a fo&lder of returns…",
            self.import_returns_folder,
            tip="Take every return in a folder (a shared inbox, the round's folder) in one go",
        )
        self.send_returns_action = a(
            "Sen&d returns…",
            self.send_returns,
            tip="Write each lead's return, a covering list and e-mail drafts to send",
        )
        self.chase_returns_action = a(
            "&Chase returns…",
            self.chase_returns,
            tip="Reminder e-mail drafts for every lead whose return has not come back",
        )
        self.export_xlsx_action = a("Export &Excel return…", self.export_xlsx, "Ctrl+E")
        self.export_my_xlsx_action = a("Export &my Excel return…", self.export_my_xlsx)
        self.export_pdf_action = a("Export &PDF report…", self.export_pdf, "Ctrl+Shift+E")
        self.export_card_action = a("Export this recommendation as P&DF…", self.export_card_pdf)
        self.export_html_action = a(
            "Export accessible &HTML…",
            self.export_html,
            tip="The report as one HTML file for the council's website (the accessible version)",
        )
        self.export_docx_action = a(
            "Export &Word appendix…",
            self.export_docx,
            tip="The report as a Word document for the committee clerk's agenda pack",
        )
        self.preview_action = a("Print pre&view…", self.print_preview)
        self.print_action = a("P&rint report…", self.print_report, "Ctrl+P")
        self.backup_action = a("&Back up now", self.backup_now)
        self.settings_action = a("Programme &settings…", self.programme_settings)
        self.new_programme_action = a("&New programme…", self.new_programme)
        self.new_period_action = a("Start reporting &period…", self.new_period)
        self.publish_action = a("P&ublish current period…", self.publish_period)
        self.reprint_action = a("&Reprint a published report…", self.reprint)
        #: Disabled while a job runs, so a second write never starts behind the first.
        self.job_actions = [
            self.import_action, self.import_returns_action, self.import_folder_action,
            self.send_returns_action, self.chase_returns_action,
            self.export_xlsx_action, self.export_my_xlsx_action,
            self.export_pdf_action, self.export_card_action, self.export_html_action,
            self.export_docx_action, self.preview_action, self.print_action,
            self.backup_action, self.publish_action, self.reprint_action,
        ]  # fmt: skip

    def _jobs_busy(self, busy: bool) -> None:
        for action in self.job_actions:
            action.setEnabled(not busy)

    # ------------------------------------------------------------------ jobs

    def run(
        self,
        description: str,
        job: Callable[[Repository, Progress], Any],
        on_success: Callable[[Any], None],
        *,
        source: str = "ui",
    ) -> None:
        """Run ``job`` off the GUI thread with its own connection; report back here."""
        self.window.editor.flush()
        self.window.show_status("")  # the last action's message gives way to this one's

        def succeeded(result: Any) -> None:
            self.last_result = result
            on_success(result)

        def failed(message: str) -> None:
            self.last_result = None
            prompts.show_error(self.window, message)

        self.jobs.run(
            self.repo.path,
            description,
            job,
            on_success=succeeded,
            on_failure=failed,
            user=self.repo.user,
            source=source,
        )

    def _export_folder(self) -> Path:
        return self.window.settings.export_folder or paths.default_exports_dir()

    def _ask_save_path(self, title: str, name: str, file_filter: str) -> Path | None:
        folder = self._export_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            folder = Path.home()
        chosen, _ = QFileDialog.getSaveFileName(self.window, title, str(folder / name), file_filter)
        return Path(chosen) if chosen else None

    def _exported(self, path: Any) -> None:
        path = Path(path)
        self.window.show_status(f"Exported {path.name}")
        if self.window.dashboard_shown():
            self.window.refresh_dashboard()
        choice = prompts.ask_open_exported(self.window, path)
        if choice:
            prompts.open_path(path if choice == "file" else path.parent)

    # ------------------------------------------------------------------ exports

    def export_xlsx(self, lead: str | None = None) -> None:
        programme = self.window.programme
        if programme is None:
            return
        name = xlsx_return.default_return_name(programme, lead)
        target = self._ask_save_path("Export Excel return", name, XLSX_FILTER)
        if target is None:
            return
        code = programme.code
        unrecorded: list[str] = []  # filled on the worker, read once the job has ended

        def export(repo: Repository, _progress: Progress) -> Path:
            written = xlsx_return.export_return(repo, target, code=code, lead=lead)
            unrecorded.extend(repo.unrecorded)
            return written

        def exported(path: Any) -> None:
            for line in unrecorded:  # the database could not record the return: say so
                prompts.show_info(
                    self.window, "Export Excel return", f"The file was written, but {line}."
                )
            self._exported(path)

        self.run(f"Exporting {target.name}…", export, exported)

    def export_my_xlsx(self) -> None:
        """The officer's own lead's return; with no lead set yet, ask which (and maybe remember)."""
        mine = self.window.settings.my_lead
        programme = self.window.programme
        if not mine and programme is not None:
            dialog = MyLeadDialog(self.window, lead_choices(programme))
            if not prompts.run_dialog(dialog):
                return
            mine, remember = dialog.chosen()
            if remember and mine:
                self.window.settings.my_lead = mine
                self.window.settings.sync()
                self.window.apply_my_lead()
        if mine:
            self.export_xlsx(lead=mine)

    def _pdf_options(
        self, card_ref: str | None = None, published_only: bool = False, title: str = ""
    ) -> tuple[str, str | None, bool | None] | None:
        programme = self.window.programme
        if programme is None:
            return None
        periods = [p for p in programme.periods if p.published or not published_only]
        if not periods:
            prompts.show_error(self.window, f"{programme.code} has no published period to reprint")
            return None
        code = programme.code
        dialog = PdfOptionsDialog(
            periods,
            card_ref=card_ref,
            title=title,
            reprint_info=lambda label: reprint_info(self.repo, code, label),
            parent=self.window,
        )
        if not prompts.run_dialog(dialog):
            return None
        return dialog.values()

    def export_pdf(self, card_ref: str | None = None, published_only: bool = False) -> None:
        self._export_report("pdf", card_ref, published_only)

    def export_html(self) -> None:
        self._export_report("html")

    def export_docx(self) -> None:
        self._export_report("docx")

    def _export_report(
        self, kind: str, card_ref: str | None = None, published_only: bool = False
    ) -> None:
        """Ask for the period and a file name, then write the report as ``kind`` off the GUI."""
        title, file_filter = REPORT_DIALOGS[kind]
        options = self._pdf_options(card_ref, published_only, title=title)
        if options is None or self.code is None:
            return
        period, appendix, changes = options
        code = self.code
        name = default_filename(code, period, card_ref, EXTENSIONS[kind])
        target = self._ask_save_path(title, name, file_filter)
        if target is None:
            return
        self.run(
            f"Exporting {target.name}…",
            # The renderer is imported on the worker too: python-docx takes a moment to load.
            lambda repo, progress: report_exporter(kind)(
                repo,
                target,
                code=code,
                period=period,
                appendix=appendix,
                card_ref=card_ref,
                include_changes=changes,
            ),
            self._exported,
        )

    def export_card_pdf(self) -> None:
        card = self.window.editor.card
        if card is None:
            prompts.show_error(self.window, "choose a recommendation first")
            return
        self.export_pdf(card_ref=card.ref)

    def reprint(self) -> None:
        self.export_pdf(published_only=True)

    def _report_bytes(self, then: Callable[[bytes, str], None]) -> None:
        options = self._pdf_options()
        if options is None or self.code is None:
            return
        period, appendix, changes = options
        code = self.code
        title = f"{code} {period}"
        self.run(
            "Preparing the report…",
            lambda repo, progress: pdf_report.report_pdf_bytes(
                repo, code=code, period=period, appendix=appendix, include_changes=changes
            )[2],
            lambda pdf: then(pdf, title),
        )

    def print_preview(self) -> None:
        self._report_bytes(lambda pdf, title: prompts.show_print_preview(self.window, pdf, title))

    def print_report(self) -> None:
        self._report_bytes(lambda pdf, title: prompts.print_report(self.window, pdf, title))

    # ------------------------------------------------------------------ import

    def import_return(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self.window, "Import an Excel return", str(self._export_folder()), XLSX_FILTER
        )
        if not chosen:
            return
        path = Path(chosen)
        self.run(
            f"Reading {path.name}…",
            lambda repo, progress: read_return(repo, path),
            self._preview_import,
        )

    def _preview_import(self, change_set: ChangeSet) -> None:
        dialog = ImportPreviewDialog(change_set, self.window)
        if dialog.nothing_to_show:
            if change_set.return_id:
                # Nothing to change, but a return sent in the round is marked as come back.
                self.run(
                    f"Recording {change_set.path.name}…",
                    lambda repo, progress: repo.apply(
                        change_set, source="import", author=change_set.author
                    ),
                    partial(self._nothing_new, change_set, dialog.nothing_to_show),
                    source="import",
                )
                return
            prompts.show_info(self.window, "Import return", dialog.nothing_to_show)
            return
        while True:
            if not prompts.run_dialog(dialog):
                self.window.show_status("Import cancelled: nothing was written")
                return
            # Re-dated with no reason: ask for the reasons before writing (Cancel: the preview).
            missing = missing_reasons(change_set)
            if not missing or prompts.run_dialog(MissingReasonsDialog(missing, self.window)):
                break
        self.run(
            f"Applying {change_set.path.name}…",
            lambda repo, progress: repo.apply(
                change_set, source="import", author=change_set.author
            ),
            partial(self._imported, change_set),
            source="import",
        )

    def _nothing_new(self, change_set: ChangeSet, said: str, result: ImportResult) -> None:
        if result.received:
            said += " " + preview.received(change_set)
            self.window.reload()
        prompts.show_info(self.window, "Import return", said)

    def _imported(self, change_set: ChangeSet, result: ImportResult) -> None:
        self.window.reload()
        self.window.show_status(f"Imported {change_set.path.name}")
        prompts.show_info(self.window, "Import return", imported_message(change_set, result))

    # ------------------------------------------------------------------ the return round

    def import_returns(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(
            self.window, "Import Excel returns", str(self._export_folder()), XLSX_FILTER
        )
        if chosen:
            paths = [Path(c) for c in chosen]
            self._read_batch(paths, f"{len(paths)} return{'s' if len(paths) != 1 else ''}")

    def import_returns_folder(self) -> None:
        """Every return in a folder; other files there (the covering list, drafts) are named."""
        chosen = QFileDialog.getExistingDirectory(
            self.window, "Import every return in a folder", str(self._export_folder())
        )
        if chosen:
            folder = Path(chosen)
            self._read_batch([folder], f"the returns in {folder.name}")

    def _read_batch(self, paths: list[Path], what: str) -> None:
        code = self.code
        self.run(
            f"Reading {what}…",
            lambda repo, progress: read_returns(repo, paths, programme=code),
            self._preview_batch,
        )

    def _preview_batch(self, batch: ReturnBatch) -> None:
        dialog = BatchPreviewDialog(batch, self.window)
        if not prompts.run_dialog(dialog):
            self.window.show_status("Import cancelled: nothing was written")
            return
        change_sets = batch.change_sets
        self.run(
            f"Applying {len(change_sets)} return{'s' if len(change_sets) != 1 else ''}…",
            lambda repo, progress: repo.apply_all(change_sets, source="import"),
            partial(self._batch_imported, batch),
            source="import",
        )

    def _batch_imported(self, batch: ReturnBatch, result: ImportResult) -> None:
        self.window.reload()
        count = len(batch.change_sets)
        self.window.show_status(f"Imported {count} return{'s' if count != 1 else ''}")
        prompts.show_info(self.window, "Import returns", batch_applied(batch, result))

    def _round_folder(self, programme: Programme) -> Path:
        return self._export_folder() / round_folder_name(programme)

    def send_returns(self) -> None:
        programme = self.window.programme
        if programme is None:
            return
        self.window.editor.flush()
        programme = self.repo.load_programme(programme.code)
        try:
            round_period(programme)
        except FowdeskError as exc:
            prompts.show_error(self.window, str(exc))
            return
        dialog = SendReturnsDialog(programme, self._round_folder(programme), parent=self.window)
        if not prompts.run_dialog(dialog):
            return
        folder, due, drafts, unknown = dialog.values()
        code = programme.code
        self.run(
            "Writing the returns…",
            lambda repo, progress: send_returns(
                repo, folder, code=code, drafts=drafts, due_on=due, include_unknown=unknown
            ),
            self._sent,
        )

    def _sent(self, result: SendResult) -> None:
        self.window.reload()
        if not self.window.dashboard_shown():
            self.window.show_dashboard()
        self.window.show_status(f"Wrote {len(result.sent)} returns to {result.folder.name}")
        prompts.run_dialog(sent_dialog(result, self.window))

    def chase_returns(self) -> None:
        programme = self.window.programme
        if programme is None:
            return
        self.window.editor.flush()
        programme = self.repo.load_programme(programme.code)
        period = programme.current_period
        label = period.label if period else ""
        state = return_round(
            programme, label, self.repo.returns(programme.code, label or None), date.today()
        )
        if not state.was_sent:
            prompts.show_info(
                self.window,
                "Chase returns",
                f"no returns were sent for {label or 'this period'}, so there is nobody to chase",
            )
            return
        pending = state.not_returned
        if not pending:
            prompts.show_info(self.window, "Chase returns", "every lead has sent their return back")
            return
        sent_from = pending[0].sent.sent_file
        folder = Path(sent_from).parent if sent_from else self._round_folder(programme)
        dialog = ChaseDialog(pending, folder, self.window)
        if not prompts.run_dialog(dialog):
            return
        folder, drafts = dialog.values()
        code = programme.code
        self.run(
            "Writing the reminders…",
            lambda repo, progress: chase_returns(repo, folder, code=code, drafts=drafts),
            self._chased,
        )

    def _chased(self, result: ChaseResult) -> None:
        self.window.reload()
        self.window.show_status(f"Wrote {len(result.reminders)} reminders")
        prompts.run_dialog(chased_dialog(result, self.window))

    # ------------------------------------------------------------------ periods, settings

    def new_period(self) -> None:
        """Start the next period: proposed, checked in the dialog, kept open on a problem."""
        programme = self.window.programme
        if programme is None:
            return
        self.window.editor.flush()
        dialog = NewPeriodDialog(programme, self.window)
        while prompts.run_dialog(dialog):
            problem = dialog.problem()
            if problem is None:
                label, as_at, meeting = dialog.values()
                try:
                    self.repo.new_period(programme.code, label, as_at, meeting)
                except LockedDatabase:
                    problem = "the database is in use by another program; try again in a moment"
                except FowdeskError as exc:
                    problem = str(exc)
                else:
                    self.window.reload()
                    self.window.show_status(
                        f"Started {label} (as at {as_at:%d/%m/%Y}): record its progress on "
                        "each card"
                    )
                    return
            dialog.show_problem(problem)  # shown again with everything as typed

    def publish_period(self) -> None:
        """Publish the current period with its report's options, after listing the gaps first."""
        programme = self.window.programme
        period = programme.current_period if programme else None
        if programme is None or period is None:
            return
        if period.published:
            prompts.show_error(self.window, f"period {period.label!r} is already published")
            return
        self.window.editor.flush()
        code, label = programme.code, period.label
        current = self.repo.load_programme(code)
        dialog = PublishDialog(
            period,
            publish_warnings(current, label),
            has_previous_report=previous_published(current, label) is not None,
            parent=self.window,
        )
        dialog.card_requested.connect(self.window.open_card)
        if not prompts.confirm_publish(self.window, dialog):
            return
        appendix, meeting, changes = dialog.values()
        options = ReportOptions.given(appendix, changes)
        new_meeting = meeting if meeting != " ".join(period.meeting.split()) else None
        self.run(
            f"Publishing {label}…",
            lambda repo, progress: publish_report(repo, code, label, options, meeting=new_meeting),
            lambda _result: self._published(label),
        )

    def _published(self, label: str) -> None:
        self.window.reload()
        self.window.show_status(f"Published {label}: its report is frozen")

    def programme_settings(self) -> None:
        if self.code is None:
            return
        self.window.editor.flush()
        if prompts.run_dialog(ProgrammeSettingsDialog(self.repo, self.code, self.window)):
            self.window.reload()

    def new_programme(self) -> None:
        dialog = NewProgrammeDialog(self.repo, self.window)
        if prompts.run_dialog(dialog):
            self.window.open_programme(dialog.created_code)

    # ------------------------------------------------------------------ backups

    def backup_now(self) -> None:
        self.run(
            "Backing up…",
            lambda repo, progress: repo.backup(reason="manual"),
            lambda path: self.window.show_status(f"Backed up to {Path(path).name}"),
        )
