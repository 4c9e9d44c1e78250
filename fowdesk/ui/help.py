"""The Help menu's actions: about fowdesk (its version, the database, the backups), the log."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from fowdesk import __version__
from fowdesk.ui.exception_hook import open_log_folder
from fowdesk.ui.main_window import MainWindow


class HelpActions:
    """One window's Help entries."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.about_action = QAction("&About fowdesk", window)
        self.about_action.triggered.connect(self.about)
        self.open_log_folder_action = QAction("Open &log folder", window)
        self.open_log_folder_action.setStatusTip("Where fowdesk writes the details of any error")
        self.open_log_folder_action.triggered.connect(lambda _checked=False: open_log_folder())

    def about(self) -> None:
        QMessageBox.about(
            self.window,
            "About fowdesk",
            f"fowdesk {__version__}\n\nRecord programme progress offline; export Excel "
            "returns and committee reports.\n\nDatabase: " + str(self.window.repo.path),
        )
