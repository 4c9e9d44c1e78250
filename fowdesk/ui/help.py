"""The Help menu: a guide to the month, the keyboard shortcuts, the log, about fowdesk.

The shortcuts list is read from the window's own actions each time it is
shown, so it cannot fall out of step with the keys that really work. The
guide is an HTML page shipped in ``resources/help/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fowdesk import __version__, paths
from fowdesk.ui import prompts
from fowdesk.ui.exception_hook import open_log_folder
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.widgets.sizing import fit_to_screen

GUIDE = ("help", "getting-started.html")


def plain(text: str) -> str:
    """A menu or action text as read aloud: no access-key "&", no trailing "…"."""
    return text.replace("&&", "\x00").replace("&", "").replace("\x00", "&").rstrip("…").strip()


@dataclass(frozen=True)
class Shortcut:
    """One key of the window: where it works, what it does, and the keys."""

    where: str
    what: str
    keys: str


#: Keys from Qt.Key.Key_Back on are a keyboard's special keys (Back, Redo, media keys):
#: they work where a keyboard has them, but the list shows what every keyboard can press.
_SPECIAL_KEYS_FROM = Qt.Key.Key_Back.value


def typed_keys(action: QAction) -> list[QKeySequence]:
    """The action's shortcuts that any keyboard can type."""
    return [
        key for key in action.shortcuts()
        if key.count() and key[0].key().value < _SPECIAL_KEYS_FROM
    ]  # fmt: skip


def _keys(action: QAction) -> str:
    return ", ".join(
        key.toString(QKeySequence.SequenceFormat.NativeText) for key in typed_keys(action)
    )


def _menu_actions(menu: QMenu) -> list[QAction]:
    found: list[QAction] = []
    for action in menu.actions():
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            found.extend(_menu_actions(submenu))
        elif not action.isSeparator():
            found.append(action)
    return found


def shortcuts(window: QMainWindow) -> list[Shortcut]:
    """Every action of ``window`` that has a key: menu by menu, then the window's others."""
    listed: list[Shortcut] = []
    seen: set[int] = set()
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if not isinstance(menu, QMenu):
            continue
        for action in _menu_actions(menu):
            seen.add(id(action))
            if typed_keys(action):
                listed.append(
                    Shortcut(f"{plain(menu.title())} menu", plain(action.text()), _keys(action))
                )
    for action in window.findChildren(QAction):
        if id(action) in seen or not typed_keys(action) or not action.text():
            continue
        owner = action.parent()
        where = owner.accessibleName() if isinstance(owner, QWidget) else ""
        listed.append(
            Shortcut(f"In {where}" if where else "Anywhere", plain(action.text()), _keys(action))
        )
    return listed


class ShortcutsDialog(QDialog):
    """A table of the window's keys, read from its actions when opened."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = shortcuts(window)
        self.table = QTableWidget(len(self.rows), 3)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "What it does", "Where"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        for number, row in enumerate(self.rows):
            for column, text in enumerate((row.keys, row.what, row.where)):
                self.table.setItem(number, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        fit_to_screen(self, 640, 620)


class GuideDialog(QDialog):
    """The getting-started guide in a browser pane; links to the web open outside."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Getting started with fowdesk")
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Getting started guide")
        self.browser.setOpenExternalLinks(True)
        self.browser.setSource(paths.resource(*GUIDE).as_uri())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.browser.setFocus(Qt.FocusReason.OtherFocusReason)
        fit_to_screen(self, 760, 680)


class HelpActions:
    """One window's Help entries."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.getting_started_action = QAction("&Getting started", window)
        self.getting_started_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.getting_started_action.triggered.connect(self.getting_started)
        self.shortcuts_action = QAction("&Keyboard shortcuts", window)
        self.shortcuts_action.triggered.connect(self.keyboard_shortcuts)
        self.open_log_folder_action = QAction("Open &log folder", window)
        self.open_log_folder_action.setStatusTip("Where fowdesk writes the details of any error")
        self.open_log_folder_action.triggered.connect(lambda _checked=False: open_log_folder())
        self.about_action = QAction("&About fowdesk", window)
        self.about_action.triggered.connect(self.about)

    def getting_started(self) -> None:
        prompts.run_dialog(GuideDialog(self.window))

    def keyboard_shortcuts(self) -> None:
        prompts.run_dialog(ShortcutsDialog(self.window))

    def about(self) -> None:
        repo = self.window.repo
        prompts.show_about(
            self.window,
            "About fowdesk",
            f"fowdesk {__version__}\n\n"
            "Record programme progress offline; export Excel returns and committee reports.\n\n"
            f"Database: {repo.path}\n"
            f"Backups: {repo.backups_dir}\n"
            f"Log: {paths.log_dir()}",
        )
