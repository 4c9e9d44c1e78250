"""Window fixtures: real seeded databases in tmp, settings in a temp INI, no dialogs left open."""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from fowdesk.storage.repository import Repository
from fowdesk.ui import dialogs, prompts
from fowdesk.ui.app import DeskApplication
from fowdesk.ui.exception_hook import install_exception_hook
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.models import CardListModel
from fowdesk.ui.settings import Settings


@pytest.fixture(autouse=True)
def _settings_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every QSettings the window makes lands in a temp folder, never the real user's."""
    folder = tmp_path_factory.mktemp("settings")
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    yield folder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "fowdesk.ini"), QSettings.Format.IniFormat))


@pytest.fixture(autouse=True)
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """Message boxes are recorded (kind, title, text) instead of shown."""
    shown: list[tuple[str, str, str]] = []

    def recorder(kind: str) -> Callable[..., Any]:
        def show(_parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            shown.append((kind, title, text))
            return QMessageBox.StandardButton.Ok

        return show

    for kind in ("warning", "critical", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, kind, recorder(kind))
    return shown


@pytest.fixture(autouse=True)
def _no_unexpected_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog a test did not expect fails the test instead of blocking the run."""

    def unexpected(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a dialog opened that the test did not expect")

    monkeypatch.setattr(dialogs, "ask_target_revision", unexpected)
    monkeypatch.setattr(dialogs, "edit_preferences", unexpected)
    for name in (
        "run_dialog", "ask_open_exported", "confirm_publish", "show_print_preview", "print_report",
        "open_path",
    ):  # fmt: skip
        monkeypatch.setattr(prompts, name, unexpected)


class WindowOpener:
    """Opens (and reopens) the window on one database file, as an officer would."""

    def __init__(self, qtbot: Any, path: Path, settings: Settings) -> None:
        self.qtbot, self.path, self.settings = qtbot, path, settings
        self.app = DeskApplication(settings)
        self.window: MainWindow | None = None
        self.repo: Repository | None = None

    def open(self) -> MainWindow:
        self.repo = Repository.open(self.path, user="officer", source="ui")
        self.window = self.app.open_window(self.repo)
        self.qtbot.addWidget(self.window)
        self.window.show()
        self.qtbot.waitExposed(self.window)
        return self.window

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window = None
        if self.repo is not None:
            self.repo.close()
            self.repo = None

    def reopen(self) -> MainWindow:
        self.close()
        return self.open()


@pytest.fixture
def opener(qtbot: Any, seeded_path: Path, settings: Settings) -> Iterator[WindowOpener]:
    opened = WindowOpener(qtbot, seeded_path, settings)
    yield opened
    opened.close()


@pytest.fixture
def window(opener: WindowOpener) -> MainWindow:
    return opener.open()


def start_march(path: Path) -> None:
    """Start March 2020 with each card's February narrative carried over to edit on.

    The seed's February 2020 is published, so its narrative is closed: an
    officer records new progress in the next period.
    """
    repo = Repository.open(path, user="officer", source="cli")
    try:
        repo.new_period("FOW", "March 2020", date(2020, 3, 31))
        for card in repo.load_programme("FOW").cards:
            if card.progress_for("February 2020"):
                repo.set_progress(
                    card.uuid, "March 2020", card.progress_for("February 2020"), card.version
                )
    finally:
        repo.close()


@pytest.fixture
def march_window(opener: WindowOpener, seeded_path: Path) -> MainWindow:
    """The window on the seed with March 2020 started (see :func:`start_march`)."""
    start_march(seeded_path)
    return opener.open()


@pytest.fixture
def other_process(seeded_path: Path) -> Iterator[Repository]:
    """A second connection to the same file: another window or the PMO's fowdesk."""
    repository = Repository.open(seeded_path, user="pmo", source="cli")
    yield repository
    repository.close()


@pytest.fixture
def hook() -> Iterator[Any]:
    """The window's exception hook as ``run_window`` installs it; Python's own afterwards."""
    saved = sys.excepthook, sys.unraisablehook, threading.excepthook, warnings.showwarning
    installed = install_exception_hook(QApplication.activeWindow)
    yield installed
    sys.excepthook, sys.unraisablehook, threading.excepthook, warnings.showwarning = saved
    if installed.dialog is not None:
        installed.dialog.close()


def click_card(qtbot: Any, window: MainWindow, ref: str) -> None:
    """Click the card's row in the list, as an officer moving on would."""
    row = next(
        r for r in range(window.proxy.rowCount())
        if window.proxy.index(r, CardListModel.REF).data() == ref
    )  # fmt: skip
    index = window.proxy.index(row, CardListModel.TITLE)
    window.card_view.scrollTo(index)
    centre = window.card_view.visualRect(index).center()
    qtbot.mouseClick(window.card_view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
