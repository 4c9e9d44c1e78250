"""The reporting workflow from the desktop: everything the command line does.

:class:`Workflow` gives a :class:`MainWindow` its File and Programme menus
(new/open database, recent files, import a return with a preview, Excel and
PDF exports, print preview and print, reporting periods, programme settings,
backups and restore) and the dashboard tab. Long work runs on the thread pool
(:mod:`fowdesk.ui.workers`), each job with its own database connection, so the
window stays responsive. Every failure is shown as the same one clear line
the command line prints, and nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QTabWidget,
    QWidget,
)

from fowdesk import paths
from fowdesk.domain.leads import format_leads
from fowdesk.domain.summary import summarise
from fowdesk.errors import FowdeskError
from fowdesk.exports import pdf_report, xlsx_return
from fowdesk.exports.xlsx_import import ChangeSet, apply_change_set, read_return
from fowdesk.storage.backups import list_backups, restore_backup
from fowdesk.storage.repository import Repository
from fowdesk.ui import printing
from fowdesk.ui.dashboard import DashboardWidget
from fowdesk.ui.import_preview import ImportPreviewDialog
from fowdesk.ui.programme_settings import NewProgrammeDialog, ProgrammeSettingsDialog
from fowdesk.ui.workers import Progress, start_job
from fowdesk.ui.workflow_dialogs import (
    NewPeriodDialog,
    PdfOptionsDialog,
    RestoreBackupDialog,
    confirm_publish,
)

if TYPE_CHECKING:
    from fowdesk.ui.main_window import MainWindow

XLSX_FILTER = "Excel returns (*.xlsx)"
PDF_FILTER = "PDF reports (*.pdf)"
DB_FILTER = "fowdesk databases (*.db);;All files (*)"


# Each of these blocks for a person; tests replace them, so nothing waits on a dialog.
def ask_open_exported(parent: QWidget, path: Path) -> str:
    """Offer to open an exported file: returns "file", "folder" or ""."""
    box = QMessageBox(parent)
    box.setWindowTitle("Export finished")
    box.setText(f"Saved {path.name}")
    box.setInformativeText(str(path.parent))
    open_file = box.addButton("Open file", QMessageBox.ButtonRole.AcceptRole)
    open_folder = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    clicked = box.clickedButton()
    if clicked is open_file:
        return "file"
    if clicked is open_folder:
        return "folder"
    return ""


def show_error(parent: QWidget, message: str) -> None:
    """The same one clear line the command line prints."""
    QMessageBox.warning(parent, "fowdesk", message)


def show_info(parent: QWidget, title: str, message: str) -> None:
    QMessageBox.information(parent, title, message)


def run_dialog(dialog: QDialog) -> bool:
    """Show a modal dialog; True when the officer accepted it."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def show_print_preview(parent: QWidget, pdf: bytes, title: str) -> None:
    printing.print_preview_dialog(parent, pdf, title).exec()


def print_report(parent: QWidget, pdf: bytes, title: str) -> bool:
    return printing.print_dialog(parent, pdf, title)


class Workflow(QObject):
    """The window's menus and long-running work; one per MainWindow."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.jobs_running = 0
        self.last_result: Any = None
        self.window_replaced: MainWindow | None = None
        self._build_dashboard_tab()
        self._build_actions()
        self._build_menus()
        self._build_progress()
        window.build_file_menu = self.build_file_menu  # type: ignore[method-assign]
        self.build_file_menu()

    # ------------------------------------------------------------------ building

    @property
    def repo(self) -> Repository:
        return self.window.repo

    @property
    def code(self) -> str | None:
        return self.window.programme.code if self.window.programme else None

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
        self.new_db_action = a("&New database…", self.new_database, "Ctrl+Shift+N")
        self.open_db_action = a("&Open database…", self.open_database_dialog, "Ctrl+O")
        self.import_action = a(
            "&Import return…",
            self.import_return,
            "Ctrl+I",
            "Apply an Excel return, after a preview of every change",
        )
        self.export_xlsx_action = a("Export &Excel return…", self.export_xlsx, "Ctrl+E")
        self.export_my_xlsx_action = a("Export &my Excel return…", self.export_my_xlsx)
        self.export_pdf_action = a("Export &PDF report…", self.export_pdf, "Ctrl+Shift+E")
        self.export_card_action = a("Export this recommendation as P&DF…", self.export_card_pdf)
        self.preview_action = a("Print pre&view…", self.print_preview)
        self.print_action = a("&Print report…", self.print_report, "Ctrl+P")
        self.backup_action = a("&Back up now", self.backup_now)
        self.restore_action = a("&Restore from a backup…", self.restore_from_backup)
        self.settings_action = a("Programme &settings…", self.programme_settings)
        self.new_programme_action = a("&New programme…", self.new_programme)
        self.new_period_action = a("Start reporting &period…", self.new_period)
        self.publish_action = a("P&ublish current period…", self.publish_period)
        self.reprint_action = a("&Reprint a published report…", self.reprint)
        self.dashboard_action = a("&Dashboard", self.show_dashboard, "Ctrl+D")
        self.cards_action = a("&Cards", self.show_cards, "Ctrl+1")
        self.job_actions = [
            self.import_action, self.export_xlsx_action, self.export_my_xlsx_action,
            self.export_pdf_action, self.export_card_action, self.preview_action,
            self.print_action, self.backup_action, self.restore_action,
            self.publish_action, self.reprint_action, self.new_db_action,
            self.open_db_action,
        ]  # fmt: skip

    def _build_menus(self) -> None:
        menu_bar = self.window.menuBar()
        help_action = next(
            (m.menuAction() for m in menu_bar.findChildren(QMenu) if m.title() == "&Help"), None
        )
        self.programme_menu = QMenu("&Programme", menu_bar)
        programme_items = (
            self.settings_action, self.new_programme_action, None,
            self.new_period_action, self.publish_action, self.reprint_action,
        )  # fmt: skip
        for action in programme_items:
            if action is None:
                self.programme_menu.addSeparator()
            else:
                self.programme_menu.addAction(action)
        self.view_menu = QMenu("&View", menu_bar)
        self.view_menu.addAction(self.cards_action)
        self.view_menu.addAction(self.dashboard_action)
        for menu in (self.view_menu, self.programme_menu):
            if help_action is not None:
                menu_bar.insertMenu(help_action, menu)
            else:
                menu_bar.addMenu(menu)
        self.recent_menu = QMenu("Open &recent", self.window)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)

    def build_file_menu(self) -> None:
        menu = self.window.file_menu
        menu.clear()
        for item in (
            self.new_db_action, self.open_db_action, self.recent_menu, None,
            self.import_action, self.export_xlsx_action, self.export_my_xlsx_action,
            self.export_pdf_action, self.export_card_action, None,
            self.preview_action, self.print_action, None,
            self.backup_action, self.restore_action, None,
            self.window.preferences_action, None, self.window.quit_action,
        ):  # fmt: skip
            if item is None:
                menu.addSeparator()
            elif isinstance(item, QMenu):
                menu.addMenu(item)
            else:
                menu.addAction(item)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = [p for p in self.window.settings.recent_files if p != self.repo.path]
        if not recent:
            empty = self.recent_menu.addAction("(none)")
            empty.setEnabled(False)
        for path in recent:
            self.recent_menu.addAction(str(path), partial(self.switch_database, path))

    def _build_dashboard_tab(self) -> None:
        window = self.window
        cards = window.takeCentralWidget()
        self.dashboard = DashboardWidget()
        self.dashboard.card_requested.connect(self.open_card)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Views")
        self.tabs.addTab(cards, "Cards")
        self.tabs.addTab(self.dashboard, "Dashboard")
        self.tabs.currentChanged.connect(self._tab_changed)
        window.setCentralWidget(self.tabs)

    def _build_progress(self) -> None:
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setAccessibleName("Work in progress")
        status = self.window.statusBar()
        status.addPermanentWidget(self.progress_label)
        status.addPermanentWidget(self.progress_bar)
        self.progress_label.hide()
        self.progress_bar.hide()

    # ------------------------------------------------------------------ dashboard

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.dashboard:
            self.window.editor.flush()
            self.refresh_dashboard()

    def show_dashboard(self) -> None:
        self.tabs.setCurrentWidget(self.dashboard)

    def show_cards(self) -> None:
        self.tabs.setCurrentIndex(0)

    def refresh_dashboard(self) -> None:
        programme = self.window.programme
        if programme is None:
            return
        programme = self.repo.load_programme(programme.code)
        label = programme.current_period.label if programme.current_period else ""
        self.dashboard.show_summary(
            programme.report_title or programme.title,
            summarise(programme, date.today()),
            label,
            {c.uuid: format_leads(c.leads) for c in programme.cards},
            self.repo.export_log(programme.code),
            programme.latest_published_period,
        )

    def open_card(self, uuid: str) -> None:
        self.show_cards()
        self.window.select_card(uuid)

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
        self.jobs_running += 1
        for action in self.job_actions:
            action.setEnabled(False)
        self.progress_label.setText(description)
        self.progress_label.show()
        self.progress_bar.show()

        def succeeded(result: Any) -> None:
            self.last_result = result
            on_success(result)

        def failed(message: str) -> None:
            self.last_result = None
            show_error(self.window, message)

        start_job(
            self.repo.path,
            job,
            on_success=succeeded,
            on_failure=failed,
            on_progress=lambda _p, text: self.progress_label.setText(text),
            on_finished=self._job_finished,
            user=self.repo.user,
            source=source,
        )

    def _job_finished(self) -> None:
        self.jobs_running -= 1
        if self.jobs_running == 0:
            for action in self.job_actions:
                action.setEnabled(True)
            self.progress_label.hide()
            self.progress_bar.hide()
            self.window.save_state.setText("Saved")

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
        self.window.save_state.setText(f"Exported {path.name}")
        if self.tabs.currentWidget() is self.dashboard:
            self.refresh_dashboard()
        choice = ask_open_exported(self.window, path)
        if choice:
            target = path if choice == "file" else path.parent
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

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
        self.run(
            f"Exporting {target.name}…",
            lambda repo, progress: xlsx_return.export_return(repo, target, code=code, lead=lead),
            self._exported,
        )

    def export_my_xlsx(self) -> None:
        mine = self.window.settings.my_lead
        if not mine:
            show_error(self.window, "set “my lead code” in Preferences to export your own return")
            return
        self.export_xlsx(lead=mine)

    def _pdf_options(
        self, card_ref: str | None = None, published_only: bool = False
    ) -> tuple[str, str | None, bool] | None:
        programme = self.window.programme
        if programme is None:
            return None
        periods = [p for p in programme.periods if p.published or not published_only]
        if not periods:
            show_error(self.window, f"{programme.code} has no published period to reprint")
            return None
        dialog = PdfOptionsDialog(periods, card_ref=card_ref, parent=self.window)
        if not run_dialog(dialog):
            return None
        return dialog.values()

    def export_pdf(self, card_ref: str | None = None, published_only: bool = False) -> None:
        options = self._pdf_options(card_ref, published_only)
        if options is None or self.code is None:
            return
        period, appendix, changes = options
        code = self.code
        name = pdf_report.default_filename(code, period, card_ref)
        target = self._ask_save_path("Export PDF report", name, PDF_FILTER)
        if target is None:
            return
        self.run(
            f"Exporting {target.name}…",
            lambda repo, progress: pdf_report.export_report(
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
            show_error(self.window, "choose a recommendation first")
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
        self._report_bytes(lambda pdf, title: show_print_preview(self.window, pdf, title))

    def print_report(self) -> None:
        self._report_bytes(lambda pdf, title: print_report(self.window, pdf, title))

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
        if change_set.is_empty and not change_set.conflicts:
            show_info(
                self.window,
                "Import return",
                f"{change_set.path.name}: no changes — the database already holds it.",
            )
            return
        if not run_dialog(dialog):
            self.window.save_state.setText("Import cancelled: nothing was written")
            return
        self.run(
            f"Applying {change_set.path.name}…",
            lambda repo, progress: apply_change_set(repo, change_set),
            partial(self._imported, change_set),
            source="import",
        )

    def _imported(self, change_set: ChangeSet, backup: Any) -> None:
        self.reload()
        kept = f" A backup was taken first: {Path(backup).name}." if backup else ""
        conflicts = (
            f" {len(change_set.conflicts)} conflict(s) were not applied."
            if change_set.conflicts
            else ""
        )
        self.window.save_state.setText(f"Imported {change_set.path.name}")
        show_info(
            self.window,
            "Import return",
            f"Applied {change_set.change_count} change(s) from {change_set.path.name}."
            f"{conflicts}{kept}",
        )

    def reload(self) -> None:
        """Show the database as it now is (after an import, a period, settings)."""
        selected = self.window.editor.card.uuid if self.window.editor.card else None
        self.window.open_programme(self.code)
        if selected:
            self.window.select_card(selected)
        if self.tabs.currentWidget() is self.dashboard:
            self.refresh_dashboard()

    # ------------------------------------------------------------------ periods, settings

    def new_period(self) -> None:
        programme = self.window.programme
        if programme is None:
            return
        dialog = NewPeriodDialog(programme.current_period, self.window)
        if not run_dialog(dialog):
            return
        label, as_at, meeting = dialog.values()
        self.window.editor.flush()
        try:
            self.repo.new_period(programme.code, label, as_at, meeting)
        except FowdeskError as exc:
            show_error(self.window, str(exc))
            return
        self.reload()
        self.window.save_state.setText(f"Started period {label}")

    def publish_period(self) -> None:
        programme = self.window.programme
        period = programme.current_period if programme else None
        if programme is None or period is None:
            return
        if period.published:
            show_error(self.window, f"period {period.label!r} is already published")
            return
        if not confirm_publish(self.window, period.label):
            return
        code, label = programme.code, period.label
        self.run(
            f"Publishing {label}…",
            lambda repo, progress: repo.publish_period(code, label),
            lambda _result: self._published(label),
        )

    def _published(self, label: str) -> None:
        self.reload()
        self.window.save_state.setText(f"Published {label}: its report is frozen")

    def programme_settings(self) -> None:
        if self.code is None:
            return
        self.window.editor.flush()
        if run_dialog(ProgrammeSettingsDialog(self.repo, self.code, self.window)):
            self.reload()

    def new_programme(self) -> None:
        dialog = NewProgrammeDialog(self.repo, self.window)
        if run_dialog(dialog):
            self.window.open_programme(dialog.created_code)

    # ------------------------------------------------------------------ databases, backups

    def backup_now(self) -> None:
        self.run(
            "Backing up…",
            lambda repo, progress: repo.backup(reason="manual"),
            lambda path: self.window.save_state.setText(f"Backed up to {Path(path).name}"),
        )

    def restore_from_backup(self) -> None:
        backups = list_backups(self.repo.backups_dir)
        if not backups:
            show_error(self.window, f"there are no backups in {self.repo.backups_dir} yet")
            return
        dialog = RestoreBackupDialog(backups, self.window)
        if not run_dialog(dialog) or not dialog.chosen_path():
            return
        chosen = Path(str(dialog.chosen_path()))
        db_path = self.repo.path
        self.window.editor.flush()
        self.repo.close()
        try:
            restore_backup(chosen, db_path)
        except FowdeskError as exc:
            show_error(self.window, str(exc))
        self.switch_database(db_path, replace_closed=True)

    def new_database(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self.window, "New database", str(paths.data_dir() / "new programme.db"), DB_FILTER
        )
        if not chosen:
            return
        path = Path(chosen)
        try:
            Repository.create(path, seeded=False, user=self.repo.user, source="ui").close()
        except FowdeskError as exc:
            show_error(self.window, str(exc))
            return
        self.switch_database(path)

    def open_database_dialog(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self.window, "Open database", str(self.repo.path.parent), DB_FILTER
        )
        if chosen:
            self.switch_database(Path(chosen))

    def switch_database(self, path: Path, *, replace_closed: bool = False) -> MainWindow | None:
        """Open ``path`` in a new window that replaces this one; this file is closed cleanly."""
        from fowdesk.ui.main_window import MainWindow

        old = self.window
        try:
            repo = Repository.open(path, user=old.repo.user, source="ui")
        except FowdeskError as exc:
            show_error(old, str(exc))
            if replace_closed:  # the old file was closed for a restore: reopen it
                repo = Repository.open(old.repo.path, user=old.repo.user, source="ui")
            else:
                return None
        old.editor.flush()
        new = MainWindow(repo, old.settings)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(partial(repo.close, backup=True))
        new.show()
        old_repo = old.repo
        old.close()
        old_repo.close(backup=not replace_closed)
        self.window_replaced = new
        return new


def attach(window: MainWindow) -> Workflow:
    """Give a main window the part-2 workflow (menus, dashboard, exports, import…)."""
    return Workflow(window)


__all__ = ["Workflow", "attach"]
