"""The Help menu's actions: about fowdesk (its version, the database, the backups)."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from fowdesk import __version__
from fowdesk.ui.main_window import MainWindow


class HelpActions:
    """One window's Help entries."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.about_action = QAction("&About fowdesk", window)
        self.about_action.triggered.connect(self.about)

    def about(self) -> None:
        QMessageBox.about(
            self.window,
            "About fowdesk",
            f"fowdesk {__version__}\n\nRecord programme progress offline; export Excel "
            "returns and committee reports.\n\nDatabase: " + str(self.window.repo.path),
        )
