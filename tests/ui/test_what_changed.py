"""What changed is visible, dates are never changed, messages stay, my lead is asked for.

History shows a narrative's added words marked and removed words struck
through; the Completed on cell takes only real dates and keeps what was
typed; a status-bar message from an action is not overwritten by "Saved";
"Export my Excel return" with no lead set asks which lead; Preferences lists
every lead code in the key and in use, with its role.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox, QFileDialog

from fowdesk.exports.xlsx_columns import RECOMMENDATIONS
from fowdesk.storage.repository import Repository
from fowdesk.ui import dialogs, prompts
from fowdesk.ui.dialogs import MyLeadDialog
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.models import HistoryModel, MilestoneTableModel
from fowdesk.ui.settings import Settings
from fowdesk.ui.widgets.date_edit import DateLineEdit
from fowdesk.ui.widgets.word_diff_view import ADDED_STYLE, REMOVED_STYLE
from ui.answering import Answers, press_ok
from ui.conftest import WindowOpener


def card_in_file(repo: Repository, ref: str) -> Any:
    return repo.card(repo.card_uuid_for_ref("FOW", ref))


def open_card(window: MainWindow, ref: str, tab: int = 0) -> None:
    window.show_ref(ref)
    assert window.editor.card is not None and window.editor.card.ref == ref
    window.editor.tabs.setCurrentIndex(tab)


def click_cell(qtbot: Any, view: Any, row: int, column: int) -> None:
    index = view.model().index(row, column)
    view.scrollTo(index)
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)


# ---------------------------------------------------------------------- history


def test_history_shows_the_added_paragraph_word_by_word(
    march_window: MainWindow, opener: WindowOpener, qtbot: Any
) -> None:
    window = march_window
    open_card(window, "3", tab=1)
    edit = window.editor.progress_edit
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClicks(edit, "Skills board approved the pilot schools list.")
    # ...and the first word after the first bullet is taken out.
    edit.moveCursor(QTextCursor.MoveOperation.Start)
    edit.moveCursor(QTextCursor.MoveOperation.NextWord)
    edit.moveCursor(QTextCursor.MoveOperation.NextWord, QTextCursor.MoveMode.KeepAnchor)
    first_word = edit.textCursor().selectedText().strip()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    window.editor.flush()
    qtbot.keyClick(window.editor.tabs, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    window.editor.tabs.setCurrentIndex(3)

    model = window.editor.history.model
    newest = [model.index(0, c).data() for c in range(model.columnCount())]
    assert newest[HistoryModel.WHAT] == "progress (March 2020)"
    assert newest[HistoryModel.WAS] != newest[HistoryModel.NOW], "two identical truncations"
    assert window.editor.history.view.currentIndex().row() == 0
    html = window.editor.history.diff.toHtml()
    assert (
        "Skills board approved the pilot schools list." in window.editor.history.diff.toPlainText()
    )
    said = window.editor.history.diff.accessibleDescription().split(": ", 1)[1].split("; ")
    assert said == [
        f"removed: {first_word}",
        "added: • Skills board approved the pilot schools list.",
    ]
    assert "underline" in html and "line-through" in html
    assert "#d7f5dd" in html.lower() and "#fde2e1" in html.lower()
    assert ADDED_STYLE and REMOVED_STYLE  # the styles the view marks them with


# ---------------------------------------------------------------------- dates in cells


def test_31_02_2020_is_refused_in_the_completed_on_cell_and_kept_as_typed(
    window: MainWindow, opener: WindowOpener, qtbot: Any
) -> None:
    open_card(window, "4", tab=2)
    view = window.editor.milestone_view
    before = card_in_file(opener.repo, "4").milestones[0].completed_on  # type: ignore[arg-type]
    click_cell(qtbot, view, 0, MilestoneTableModel.COMPLETED)
    box = view.findChild(DateLineEdit)
    assert box is not None
    box.selectAll()
    qtbot.keyClicks(box, "31/02/2020")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.isVisible(), "Enter on an impossible date closed the cell"
    assert box.text() == "31/02/2020"
    assert box.problem() == "'31/02/2020' is not a date: February 2020 has 29 days"
    assert window.editor.milestones.problem.text() == box.problem()
    qtbot.keyClick(box, Qt.Key.Key_Backspace)  # 31/02/202: a year still being typed
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.text() == "31/02/202", "a partial date was turned into another"
    window.card_view.setFocus()  # leaving the cell saves nothing and says why
    qtbot.waitUntil(lambda: view.findChild(DateLineEdit) is None)
    assert card_in_file(opener.repo, "4").milestones[0].completed_on == before  # type: ignore[arg-type]
    assert window.save_state.text() == "Not saved: '31/02/202' is not a date (use DD/MM/YYYY)"


def test_letters_never_reach_a_date_box(window: MainWindow, qtbot: Any) -> None:
    box = DateLineEdit()
    qtbot.addWidget(box)
    qtbot.keyClicks(box, "3x1/0y3/2020")
    assert box.text() == "31/03/2020" and box.date() == date(2020, 3, 31)


# ---------------------------------------------------------------------- status-bar messages


def test_a_backup_message_stays_after_the_job_ends(
    window: MainWindow, opener: WindowOpener, qtbot: Any
) -> None:
    workflow = opener.app.workflow(window)
    workflow.backup_action.trigger()
    qtbot.waitUntil(lambda: not opener.app.jobs.busy, timeout=30000)
    qtbot.waitUntil(lambda: window.status_message.text().startswith("Backed up to "))
    open_card(window, "4")
    title = window.editor.title_edit
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, "Simplify adult learning")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert window.save_state.text().startswith("Saved")
    assert window.status_message.text().startswith("Backed up to "), "overwritten by Saved"


# ---------------------------------------------------------------------- my lead


@pytest.fixture
def answers(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> Answers:
    return Answers(qtbot, monkeypatch)


def test_export_my_return_with_no_lead_asks_which_and_remembers_it(
    window: MainWindow,
    opener: WindowOpener,
    settings: Settings,
    answers: Answers,
    tmp_path: Path,
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "my return.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    monkeypatch.setattr(prompts, "ask_open_exported", lambda _parent, _path: "")
    offered: list[list[str]] = []

    def choose_sle(dialog: MyLeadDialog) -> None:
        combo = dialog.lead_combo
        offered.append([combo.itemText(i) for i in range(combo.count())])
        combo.setFocus()
        while combo.currentData() != "SLE":
            qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert dialog.remember_check.isChecked()
        press_ok(qtbot, dialog)

    assert settings.my_lead == ""
    answers.expect(choose_sle)
    opener.app.workflow(window).export_my_xlsx_action.trigger()
    qtbot.waitUntil(lambda: not opener.app.jobs.busy, timeout=30000)
    assert offered == [
        [
            "EDT – Economic Development Team",
            "HOD – Head of Organisational Development",
            "HoP & ED – Head of Planning & Economic Development",
            "SAH – Solent Apprenticeship Manager",
            "SSM – Strategic Skills Manager",
            "SLE (not in the key)",
        ]
    ]
    assert settings.my_lead == "SLE"
    assert window.visible_refs() == ["8"], "the list opens on my lead's cards"
    sheet = openpyxl.load_workbook(target)[RECOMMENDATIONS]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(n for n, row in enumerate(rows) if "Ref" in row)
    ref = rows[header].index("Ref")
    assert [str(row[ref]) for row in rows[header + 1 :] if row[ref]] == ["8"]


def test_preferences_list_every_lead_code_in_the_key_and_in_use_with_its_role(
    window: MainWindow, settings: Settings, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[list[tuple[str, str]]] = []

    def look_and_choose_sle(parent: Any, kept: Settings, codes: Any) -> bool:
        dialog = dialogs.PreferencesDialog(parent, kept, codes)
        qtbot.addWidget(dialog)
        combo: QComboBox = dialog.lead_combo
        shown.append([(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())])
        combo.setCurrentIndex(combo.findData("SLE"))
        dialog.save()
        return True

    monkeypatch.setattr(dialogs, "edit_preferences", look_and_choose_sle)
    window.preferences_action.trigger()
    assert shown == [
        [
            ("(show every recommendation)", ""),
            ("EDT – Economic Development Team", "EDT"),
            ("HOD – Head of Organisational Development", "HOD"),
            ("HoP & ED – Head of Planning & Economic Development", "HoP & ED"),
            ("SAH – Solent Apprenticeship Manager", "SAH"),
            ("SSM – Strategic Skills Manager", "SSM"),
            ("SLE (not in the key)", "SLE"),
        ]
    ]
    assert settings.my_lead == "SLE"
    assert window.visible_refs() == ["8"]
