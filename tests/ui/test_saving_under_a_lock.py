"""Typing is never lost to a lock, and the window never freezes on one.

Another program (a second connection) holds the database's write lock with
``BEGIN IMMEDIATE`` while the officer types. The save waits off the window
thread with "Waiting for the database…" in the status bar, the text stays in
the editor, and it is written when the lock clears; if the lock outlasts the
wait, the text stays in the editor and on the clipboard. A timer ticking
every 10 ms on the window thread measures the longest stall.

The tests prove the window thread never *waits for the lock*: the lock is
held for a second or more and the window must stay well under that. How
short its stalls are (the 100 ms budget) is measured in
``bench/bench_window.py``, not asserted here, where a loaded machine alone
can delay a timer past 100 ms.
"""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QTextCursor

from fowdesk.storage.repository import Repository
from fowdesk.ui.editing import WAITING
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.workflow_dialogs import NewPeriodDialog
from ui.answering import Answers, press_ok, type_into
from ui.conftest import WindowOpener, click_card

TYPED = "Typed while another program held the database"

# Far longer than any stall of a window that does not wait for the lock, far
# shorter than the lock is held: a window that waited would fail.
NOT_WAITING_FOR_THE_LOCK_S = 0.5
LOCK_HELD_MS = 1500


def settle() -> None:
    """Clear what earlier tests left behind, so it cannot pass for this window's stall.

    Their closed windows are deleted on the next turn of the event loop, and
    their garbage waits for a full collection: both are done now.
    """
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gc.collect()


@pytest.fixture(autouse=True)
def _collector_back_after_each_test() -> Iterator[None]:
    yield
    gc.unfreeze()


class Probe:
    """Ticks every 10 ms on the window thread and keeps the longest gap between ticks."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def start(self) -> None:
        settle()
        gc.freeze()  # what is alive now is the window's: no full collection walks it meanwhile
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        gc.unfreeze()
        return self.longest


@pytest.fixture
def other_program(seeded_path: Path) -> Iterator[sqlite3.Connection]:
    """Another program's connection to the same file; the test takes its lock."""
    conn = sqlite3.connect(seeded_path, isolation_level=None, timeout=0)
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


def choose_card(qtbot: Any, window: MainWindow, ref: str) -> None:
    """Click the card's row in the list; it opens in the editor."""
    click_card(qtbot, window, ref)
    assert window.editor.card is not None and window.editor.card.ref == ref


def type_at_the_end(qtbot: Any, window: MainWindow, ref: str, text: str) -> None:
    choose_card(qtbot, window, ref)
    window.editor.tabs.setCurrentIndex(1)
    edit = window.editor.progress_edit
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClicks(edit, text)


def march_text(repo: Repository, ref: str) -> str:
    card = repo.card(repo.card_uuid_for_ref("FOW", ref))
    return "\n".join(p.text for p in card.progress_for("March 2020"))


def test_a_save_during_a_held_lock_waits_off_the_window_thread_and_is_not_lost(
    march_window: MainWindow,
    opener: WindowOpener,
    other_program: sqlite3.Connection,
    qtbot: Any,
) -> None:
    window, repo = march_window, opener.repo
    assert repo is not None
    other_program.execute("BEGIN IMMEDIATE")
    type_at_the_end(qtbot, window, "3", TYPED)
    settle()
    started = time.perf_counter()
    choose_card(qtbot, window, "5")  # moving on saves: the lock is held
    moved_on = time.perf_counter() - started
    assert moved_on < NOT_WAITING_FOR_THE_LOCK_S, (
        f"moving on took {moved_on * 1000:.0f} ms under the lock"
    )
    assert window.save_state.text() == WAITING
    qtbot.waitUntil(lambda: window.progress_bar.isVisible())  # the worker waits
    choose_card(qtbot, window, "3")  # the text waiting to be saved is what the editor shows
    assert TYPED in window.editor.progress_edit.toPlainText()

    probe = Probe()  # while the worker waits and the save is written, the window ticks on
    probe.start()
    qtbot.wait(LOCK_HELD_MS)  # the officer reads; the lock is still held
    assert TYPED not in march_text(repo, "3")
    other_program.execute("ROLLBACK")  # the other program lets go
    qtbot.waitUntil(lambda: TYPED in march_text(repo, "3"), timeout=20000)
    qtbot.waitUntil(lambda: window.save_state.text().startswith("Saved"))
    longest = probe.stop()
    assert longest < NOT_WAITING_FOR_THE_LOCK_S, (
        f"the window thread stalled {longest * 1000:.0f} ms"
    )
    assert TYPED in window.editor.progress_edit.toPlainText()
    assert window.session.stack.count() >= 1, "the save can be undone like any other"


def test_a_lock_that_outlasts_the_wait_keeps_the_text_in_the_editor_and_on_the_clipboard(
    march_window: MainWindow,
    opener: WindowOpener,
    other_program: sqlite3.Connection,
    messages: list[tuple[str, str, str]],
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FOWDESK_LOCK_TIMEOUT", "0.5")
    window, repo = march_window, opener.repo
    assert repo is not None
    before = march_text(repo, "3")
    other_program.execute("BEGIN IMMEDIATE")
    type_at_the_end(qtbot, window, "3", TYPED)
    choose_card(qtbot, window, "5")
    qtbot.waitUntil(lambda: bool(messages), timeout=20000)
    kind, title, text = messages[-1]
    assert (kind, title) == ("warning", "Not saved")
    assert text.startswith("Not saved: another program still had the database after 0.5 seconds.")
    assert "still in the editor and has been copied to the clipboard" in text
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None and TYPED in clipboard.text()
    assert march_text(repo, "3") == before
    # The card it belongs to is shown again, with the text, not saved yet.
    assert window.editor.card is not None and window.editor.card.ref == "3"
    assert TYPED in window.editor.progress_edit.toPlainText()
    assert window.editor.has_unsaved_changes()
    assert window.editor.progress_edit.hasFocus(), "back in the box: leaving it saves"
    assert window.save_state.text() == "Not saved – the database is in use by another program"

    other_program.execute("ROLLBACK")
    choose_card(qtbot, window, "5")  # leaving the box again saves it, now the lock is free
    qtbot.waitUntil(lambda: TYPED in march_text(repo, "3"))


def test_undo_while_the_lock_is_held_keeps_the_history(
    march_window: MainWindow,
    opener: WindowOpener,
    other_program: sqlite3.Connection,
    qtbot: Any,
) -> None:
    window, repo = march_window, opener.repo
    assert repo is not None
    type_at_the_end(qtbot, window, "3", TYPED)
    window.editor.flush()
    assert TYPED in march_text(repo, "3")
    other_program.execute("BEGIN IMMEDIATE")
    window.card_view.setFocus()
    qtbot.keyClick(window.card_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.save_state.text().startswith("Not undone or redone – the database is in use")
    qtbot.waitUntil(lambda: window.undo_action.isEnabled())
    assert window.session.stack.index() == window.session.stack.count()
    other_program.execute("ROLLBACK")
    qtbot.keyClick(window.card_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert TYPED not in march_text(repo, "3")


def test_starting_a_period_under_the_lock_keeps_the_dialog_and_what_was_typed(
    window: MainWindow,
    opener: WindowOpener,
    other_program: sqlite3.Connection,
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = Answers(qtbot, monkeypatch)
    seen: list[tuple[str, str]] = []

    def type_a_meeting_and_start(dialog: NewPeriodDialog) -> None:
        type_into(qtbot, dialog.meeting_edit, "Cabinet, 21 April 2020")
        press_ok(qtbot, dialog)

    def see_the_problem_then_start_again(dialog: NewPeriodDialog) -> None:
        seen.append((dialog.problem_label.text(), dialog.meeting_edit.text()))
        other_program.execute("ROLLBACK")
        press_ok(qtbot, dialog)

    answers.expect(type_a_meeting_and_start)
    answers.expect(see_the_problem_then_start_again)
    other_program.execute("BEGIN IMMEDIATE")
    started = time.perf_counter()
    opener.app.workflow(window).new_period_action.trigger()
    assert time.perf_counter() - started < 5
    assert seen == [
        (
            "the database is in use by another program; try again in a moment",
            "Cabinet, 21 April 2020",
        )
    ]
    march = opener.repo.load_programme("FOW").current_period  # type: ignore[union-attr]
    assert march is not None and (march.label, march.meeting) == (
        "March 2020",
        "Cabinet, 21 April 2020",
    )
