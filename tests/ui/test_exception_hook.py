"""The window's failures are recorded: a bug in a slot is logged and shown, the window lives on."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication

from fowdesk import logs, paths
from fowdesk.errors import LockedDatabase
from fowdesk.storage.repository import Repository
from fowdesk.ui.app import DeskApplication
from fowdesk.ui.exception_hook import ErrorDialog
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.settings import Settings
from fowdesk.ui.workers import start_job


@pytest.fixture
def desk(qtbot: Any, seeded_path: Path, settings: Settings) -> Iterator[tuple[Any, MainWindow]]:
    repo = Repository.open(seeded_path, user="officer", source="ui")
    app = DeskApplication(settings)
    window = app.open_window(repo)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield app, window
    window.close()
    repo.close()


def log_text() -> str:
    path = logs.log_file()
    return path.read_text("utf-8") if path.exists() else ""


def failing_action(window: MainWindow) -> QAction:
    def broken_slot() -> None:
        raise ValueError("a deliberate bug in a slot")

    action = QAction("Broken", window)
    action.triggered.connect(broken_slot)
    window.addAction(action)
    return action


@pytest.mark.qt_no_exception_capture
def test_a_failing_slot_is_logged_shown_and_the_window_lives_on(
    desk: tuple[Any, MainWindow], hook: Any, qtbot: Any
) -> None:
    _app, window = desk
    failing_action(window).trigger()

    assert "ValueError: a deliberate bug in a slot" in log_text()
    assert "Traceback (most recent call last)" in log_text()
    dialog = hook.dialog
    assert isinstance(dialog, ErrorDialog) and dialog.isVisible()
    assert dialog.message.text().startswith("Unexpected ValueError: a deliberate bug in a slot")
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "Traceback" in copied and "broken_slot" in copied
    assert window.isVisible()

    # The window still works: the next edit saves as usual.
    window.show_ref("3")
    assert window.editor.card is not None and window.editor.card.ref == "3"


@pytest.mark.qt_no_exception_capture
def test_a_burst_of_errors_shows_one_box(desk: tuple[Any, MainWindow], hook: Any) -> None:
    _app, window = desk
    action = failing_action(window)
    for _ in range(5):
        action.trigger()
    boxes = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()
    ]
    assert len(boxes) == 1
    assert "(and 4 more since)" in boxes[0].message.text()
    assert log_text().count("ValueError: a deliberate bug in a slot") == 5


def test_a_job_that_fails_with_a_bug_logs_its_traceback(qtbot: Any, seeded_path: Path) -> None:
    logs.setup_logging()

    def job(_repo: Any, _progress: Any) -> None:
        raise RuntimeError("a deliberate bug in a job")

    failures: list[str] = []
    finished: list[bool] = []
    start_job(
        seeded_path,
        job,
        on_success=lambda _r: None,
        on_failure=failures.append,
        on_finished=lambda: finished.append(True),
    )
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    assert failures == ["unexpected RuntimeError: a deliberate bug in a job; details in the log"]
    assert "RuntimeError: a deliberate bug in a job" in log_text()
    assert "in job" in log_text()


def test_help_opens_the_log_folder(
    desk: tuple[Any, MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, window = desk
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    help_menu = app.parts(window).menus.help
    entry = next(a for a in help_menu.actions() if a.text() == "Open &log folder")
    entry.trigger()
    assert [url.toLocalFile() for url in opened] == [str(paths.log_dir())]
    assert paths.log_dir().is_dir()


def test_the_window_says_it_recovered_an_interrupted_write(
    qtbot: Any, seeded_path: Path, settings: Settings
) -> None:
    """A publish killed mid-write (a power cut): the window opens on the data as before."""
    db = ["--db", str(seeded_path)]
    started = subprocess.run([sys.executable, "-m", "fowdesk", *db, "period", "new", "Spring"])
    assert started.returncode == 0
    killer = [sys.executable, str(Path(__file__).parent.parent / "sigkill.py")]
    publish = ["period", "publish", "Spring"]
    killed = subprocess.run([*killer, "statement", "INSERT INTO audit", "1", "--", *db, *publish])
    assert killed.returncode == -9
    repo = Repository.open(seeded_path, user="officer", source="ui")
    try:
        window = DeskApplication(settings).open_window(repo)
        qtbot.addWidget(window)
        assert window.status_message.text().startswith("Recovered from an interrupted write (")
        assert window.programme is not None
        assert not window.programme.period("Spring").published
    finally:
        repo.close()


@pytest.mark.qt_no_exception_capture
def test_a_known_fault_reaching_the_hook_is_not_called_unexpected(
    desk: tuple[Any, MainWindow], hook: Any
) -> None:
    """A locked file past the read's wait is the one line under a plain heading, not "a bug"."""
    _app, window = desk

    def locked_slot() -> None:
        raise LockedDatabase("fow.db: the database is in use by another program (waited 1 s)", 1)

    action = QAction("Locked", window)
    action.triggered.connect(locked_slot)
    window.addAction(action)
    action.trigger()

    dialog = hook.dialog
    assert isinstance(dialog, ErrorDialog) and dialog.isVisible()
    assert dialog.message.text().startswith("fow.db: the database is in use by another program")
    assert "did not expect" not in dialog.heading.text()
    assert "could not finish" in dialog.heading.text()
