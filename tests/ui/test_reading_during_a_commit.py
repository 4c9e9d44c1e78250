"""The window reads on while another program commits; only a lock held far longer says so.

Another program (a real second process, ``lock_holder.py``) commits while
the officer clicks through cards and searches: the file is held exclusively
for ``COMMIT_S``, and the window's reads wait it out instead of showing an
error. A lock held past ``READ_WAIT_S`` gives the one line in the error box,
never a hang; a large write still in progress shuts nobody out.
"""

from __future__ import annotations

from typing import Any

import pytest
from lock_holder import OtherProgram, refused_at_once

from fowdesk.storage import database
from fowdesk.ui.exception_hook import ErrorDialog
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.models import CardListModel
from ui.conftest import WindowOpener, click_card

COMMIT_S = 0.3  # how long the other program's commit holds the file exclusively


@pytest.fixture
def settled_window(opener: WindowOpener) -> MainWindow:
    """The window on a file opened once before (its search index built)."""
    return opener.open()


def shown_ref(window: MainWindow) -> str | None:
    return window.editor.card.ref if window.editor.card is not None else None


def chosen_ref(window: MainWindow) -> str | None:
    """The card the list has chosen (its current row)."""
    current = window.card_view.currentIndex()
    return (
        window.proxy.index(current.row(), CardListModel.REF).data() if current.isValid() else None
    )


def test_clicking_a_card_during_another_programs_commit_shows_it(
    settled_window: MainWindow, opener: WindowOpener, qtbot: Any
) -> None:
    window = settled_window
    for ref in ("4", "7"):
        with OtherProgram(opener.path, "exclusive") as other:
            assert refused_at_once(opener.path)
            other.release(after=COMMIT_S)
            click_card(qtbot, window, ref)  # an error here fails the test (pytest-qt)
            other.wait_released()
        assert shown_ref(window) == ref


def test_searching_during_another_programs_commit_filters_the_list(
    settled_window: MainWindow, opener: WindowOpener, qtbot: Any
) -> None:
    window = settled_window
    total = window.proxy.rowCount()
    with OtherProgram(opener.path, "exclusive") as other:
        other.release(after=COMMIT_S)
        window.search_edit.setFocus()
        qtbot.keyClicks(window.search_edit, "digital")
        other.wait_released()
    assert 0 < window.proxy.rowCount() < total
    assert window.count_label.text().endswith("shown")


@pytest.mark.qt_no_exception_capture
def test_a_lock_held_past_the_limit_says_one_line_and_the_window_carries_on(
    settled_window: MainWindow, opener: WindowOpener, qtbot: Any, hook: Any
) -> None:
    window = settled_window
    click_card(qtbot, window, "2")
    with OtherProgram(opener.path, "exclusive"):
        click_card(qtbot, window, "6")  # held until after the click: the read gives up
        dialog = hook.dialog
        assert isinstance(dialog, ErrorDialog) and dialog.isVisible()
        assert dialog.line == (
            f"{opener.path}: the database is in use by another program "
            f"(waited {database.READ_WAIT_S:g} s); try again"
        )
    assert shown_ref(window) == "2", "the card shown before is still there, nothing lost"
    assert chosen_ref(window) == "2", "the list shows the card that is open, not the one refused"
    dialog.close()
    click_card(qtbot, window, "6")  # the file is free again: the refused card opens when chosen
    assert shown_ref(window) == "6"
    click_card(qtbot, window, "8")
    assert shown_ref(window) == "8"


def test_another_programs_large_write_does_not_stop_the_window_reading(
    settled_window: MainWindow, opener: WindowOpener, qtbot: Any
) -> None:
    """Before it commits, a write larger than SQLite's cache used to lock readers out."""
    window = settled_window
    with OtherProgram(opener.path, "big-write", "400") as other:
        click_card(qtbot, window, "3")
        assert shown_ref(window) == "3"
        window.search_edit.setFocus()
        qtbot.keyClicks(window.search_edit, "digital")
        assert window.count_label.text().endswith("shown")
        other.release()
        other.wait_released()
