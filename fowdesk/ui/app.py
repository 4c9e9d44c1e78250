"""The application object: fowdesk's windows, the database each shows, and the job pool.

:class:`DeskApplication` puts a window together (the :class:`MainWindow`, its
:class:`Workflow`, its Help and its menus), and owns what outlives one window:
opening, creating and switching databases, restoring from a backup (which
closes the database and opens it again), the officer's settings and the one
:class:`~fowdesk.ui.jobs.JobPool` every window's long work runs on.
:func:`run_window` starts it all for ``fowdesk gui``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox

from fowdesk import APP_NAME, __version__, paths
from fowdesk.errors import FowdeskError
from fowdesk.gc_pause import freeze_long_lived
from fowdesk.storage.backups import list_backups, restore_backup
from fowdesk.storage.repository import Repository
from fowdesk.ui import prompts
from fowdesk.ui.exception_hook import install_exception_hook
from fowdesk.ui.help import HelpActions
from fowdesk.ui.icon import app_icon
from fowdesk.ui.jobs import JobPool
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.menus import DatabaseActions, Menus, build_menu_bar
from fowdesk.ui.settings import Settings
from fowdesk.ui.text import sentence
from fowdesk.ui.workflow import Workflow
from fowdesk.ui.workflow_dialogs import RestoreBackupDialog

DB_FILTER = "fowdesk databases (*.db);;All files (*)"


@dataclass(frozen=True)
class OpenWindow:
    """A window and the parts the application gave it."""

    window: MainWindow
    workflow: Workflow
    databases: DatabaseActions
    help: HelpActions
    menus: Menus


class DeskApplication(QObject):
    """Every open window, the databases behind them, and the job pool they share."""

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.jobs = JobPool(self)
        self.opened: list[OpenWindow] = []
        self._repos: list[Repository] = []

    # ------------------------------------------------------------------ windows

    def open_window(self, repo: Repository) -> MainWindow:
        """A window on ``repo`` with its workflow, Help and menus (not yet shown)."""
        window = MainWindow(repo, self.settings, self.jobs)
        workflow = Workflow(window, self.jobs)
        databases = self._database_actions(window)
        help_actions = HelpActions(window)
        menus = build_menu_bar(window, workflow, databases, help_actions)
        self.opened.append(OpenWindow(window, workflow, databases, help_actions, menus))
        if repo not in self._repos:
            self._repos.append(repo)
        if repo.recovery is not None:
            window.show_status(f"{repo.recovery.describe()}; a copy as found is in backups")
        return window

    def parts(self, window: MainWindow) -> OpenWindow:
        return next(o for o in self.opened if o.window is window)

    def workflow(self, window: MainWindow) -> Workflow:
        return self.parts(window).workflow

    @property
    def current_window(self) -> MainWindow | None:
        """The window opened last (the one a switch or restore left on screen)."""
        return self.opened[-1].window if self.opened else None

    def close_databases(self) -> None:
        """Close every database a window here showed, with a backup (on quitting)."""
        for repo in self._repos:
            repo.close(backup=True)

    # ------------------------------------------------------------------ database actions

    def _database_actions(self, window: MainWindow) -> DatabaseActions:
        new = QAction("&New database…", window)
        new.setShortcut(QKeySequence("Ctrl+Shift+N"))
        new.triggered.connect(lambda _checked=False: self.new_database(window))
        open_ = QAction("&Open database…", window)
        open_.setShortcut(QKeySequence("Ctrl+O"))
        open_.triggered.connect(lambda _checked=False: self.open_database(window))
        recent = QMenu("Open recen&t", window)
        recent.aboutToShow.connect(lambda: self._fill_recent_menu(window, recent))
        restore = QAction("Re&store from a backup…", window)
        restore.triggered.connect(lambda _checked=False: self.restore_from_backup(window))

        def busy(running: bool) -> None:
            # Switching or restoring under a running export would close its database.
            for action in (new, open_, recent.menuAction(), restore):
                action.setEnabled(not running)

        self.jobs.busy_changed.connect(busy)
        return DatabaseActions(new, open_, recent, restore)

    def _fill_recent_menu(self, window: MainWindow, menu: QMenu) -> None:
        """The databases opened lately, newest first; the one open now is shown ticked."""
        menu.clear()
        current = window.repo.path.resolve()
        for number, path in enumerate(self.settings.recent_files, start=1):
            key = f"&{number} " if number < 10 else ""
            action = menu.addAction(key + str(path).replace("&", "&&"))
            action.setData(str(path))
            if path.resolve() == current:
                action.setCheckable(True)
                action.setChecked(True)
                action.setEnabled(False)
                action.setText(f"{action.text()}  (open now)")
            elif not path.exists():
                action.setEnabled(False)
                action.setText(f"{action.text()}  (not found)")
            else:
                action.triggered.connect(partial(self._open_recent, window, path))
        if menu.isEmpty():
            menu.addAction("(no database opened yet)").setEnabled(False)

    def _open_recent(self, window: MainWindow, path: Path, _checked: bool = False) -> None:
        self.switch_database(window, path)

    def new_database(self, window: MainWindow) -> MainWindow | None:
        chosen, _ = QFileDialog.getSaveFileName(
            window, "New database", str(paths.data_dir() / "new programme.db"), DB_FILTER
        )
        if not chosen:
            return None
        path = Path(chosen)
        try:
            Repository.create(path, seeded=False, user=window.repo.user, source="ui").close()
        except FowdeskError as exc:
            prompts.show_error(window, str(exc))
            return None
        return self.switch_database(window, path)

    def open_database(self, window: MainWindow) -> MainWindow | None:
        chosen, _ = QFileDialog.getOpenFileName(
            window, "Open database", str(window.repo.path.parent), DB_FILTER
        )
        return self.switch_database(window, Path(chosen)) if chosen else None

    def restore_from_backup(self, window: MainWindow) -> MainWindow | None:
        """Put a backup back in place of the window's database, then show it again."""
        repo = window.repo
        backups = list_backups(repo.backups_dir)
        if not backups:
            prompts.show_error(window, f"there are no backups in {repo.backups_dir} yet")
            return None
        dialog = RestoreBackupDialog(backups, window)
        if not prompts.run_dialog(dialog) or not dialog.chosen_path():
            return None
        chosen = Path(str(dialog.chosen_path()))
        db_path = repo.path
        window.editor.flush()
        repo.close()
        try:
            restore_backup(chosen, db_path)
        except FowdeskError as exc:
            prompts.show_error(window, str(exc))
        return self.switch_database(window, db_path, replace_closed=True)

    def switch_database(
        self, old: MainWindow, path: Path, *, replace_closed: bool = False
    ) -> MainWindow | None:
        """Open ``path`` in a new window that replaces ``old``; the old file is closed cleanly."""
        try:
            repo = Repository.open(path, user=old.repo.user, source="ui")
        except FowdeskError as exc:
            prompts.show_error(old, str(exc))
            if replace_closed:  # the old file was closed for a restore: reopen it
                repo = Repository.open(old.repo.path, user=old.repo.user, source="ui")
            else:
                return None
        old.editor.flush()
        new = self.open_window(repo)
        new.show()
        old_repo = old.repo
        old.close()
        old_repo.close(backup=not replace_closed)
        self.opened = [o for o in self.opened if o.window is not old]
        # The old window was frozen with its programme: once the callers let it go too,
        # collect what of it is cyclic garbage (see gc_pause.freeze_long_lived).
        QTimer.singleShot(0, lambda: freeze_long_lived(tidy=True))
        return new


def _wants_offscreen(self_test: bool) -> bool:
    """A self-test on a machine with no display (CI) runs on Qt's offscreen platform."""
    if not self_test or "QT_QPA_PLATFORM" in os.environ or sys.platform != "linux":
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with fowdesk's name (for QSettings), style and icon."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("fowdesk")
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("fowdesk")
    app.setWindowIcon(app_icon())
    return app


def run_window(db_path: Path, *, self_test: bool = False, user: str | None = None) -> int:
    """Open the window on ``db_path`` (created and seeded on first run); the exit code."""
    if _wants_offscreen(self_test):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    qt_app = make_application()
    settings = Settings()
    try:
        repo = Repository.open_or_create(
            db_path, user=user or settings.officer_name or None, source="ui"
        )
    except FowdeskError as error:
        if self_test:
            print(f"fowdesk: error: {error}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "fowdesk cannot open the database", sentence(str(error)))
        return 1
    desk = DeskApplication(settings)
    install_exception_hook(lambda: desk.current_window)
    try:
        window = desk.open_window(repo)
        window.show()
        if self_test:
            qt_app.processEvents()
            rows = window.card_model.rowCount()
            ok = window.isVisible() and rows > 0
            code = window.programme.code if window.programme else "none"
            print(f"fowdesk window self-test: {'ok' if ok else 'FAILED'} ({code}, {rows} cards)")
            window.close()
            return 0 if ok else 1
        return qt_app.exec()
    finally:
        repo.close(backup=True)
        desk.close_databases()
