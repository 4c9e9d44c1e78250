"""The window's import preview: sections, a choice for each conflict, and no Apply while
cells need fixing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog
from return_helpers import column, export, row_of, set_cell

from fowdesk.domain.change_set import Resolution
from fowdesk.domain.model import MilestoneStatus
from fowdesk.exports.xlsx_import import read_return
from fowdesk.exports.xlsx_import.batch import read_returns
from fowdesk.storage.repository import Repository
from fowdesk.ui import prompts
from fowdesk.ui.batch_preview import BatchPreviewDialog
from fowdesk.ui.import_preview import CONFLICT, ImportPreviewDialog


def contested_return(db: Path, tmp_path: Path) -> tuple[Path, Any]:
    """A return with one of each: a conflict, a change, a deleted row, an edit not taken."""
    path = export(db, tmp_path / "r.xlsx")
    repo = Repository.open(db, user="colleague")
    try:
        card2 = repo.load_programme("FOW").card("2")
        contested, changed, deleted, typed_over = card2.milestones[:4]
        repo.update_milestone(contested.uuid, contested.version, status="Delayed")
    finally:
        repo.close()
    wb = openpyxl.load_workbook(path)
    ms = wb["Milestones"]
    set_cell(ms, row_of(ms, "ID", contested.uuid), "Status", "Complete")
    set_cell(ms, row_of(ms, "ID", changed.uuid), "Notes", "Chased")
    ms.cell(row_of(ms, "ID", typed_over.uuid), column(ms, "Due by")).value = datetime(2021, 1, 1)
    ms.delete_rows(row_of(ms, "ID", deleted.uuid))
    wb.save(path)
    return path, contested


def preview_of(db: Path, path: Path) -> Any:
    repo = Repository.open(db, user="pmo")
    try:
        return read_return(repo, path)
    finally:
        repo.close()


def test_the_preview_shows_each_section_and_a_choice_for_the_conflict(
    qtbot: Any, seeded_path: Path, tmp_path: Path
) -> None:
    path, contested = contested_return(seeded_path, tmp_path)
    dialog = ImportPreviewDialog(preview_of(seeded_path, path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    model = dialog.model
    rows = [model.preview_row(n) for n in range(model.rowCount())]
    headings = [r.item for r in rows if r.heading]
    assert headings == [
        "Conflicts – choose for each (1)",
        "Changes (1)",
        "Rows missing from the return (not deleted) (1)",
        "Not taken (1)",
    ]
    conflict_row = next(n for n, r in enumerate(rows) if r.kind == CONFLICT)
    assert rows[conflict_row].was.startswith("Delayed (changed by colleague")
    assert rows[conflict_row].now == "Complete"
    assert dialog.apply_button.isEnabled()
    assert "1 conflict(s)" in dialog.summary_label.text()

    # Keyboard: select the conflict row, then Alt+T takes the return's value.
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.view.setFocus()
    dialog.view.selectRow(conflict_row)
    qtbot.keyClick(dialog, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    conflict = rows[conflict_row].conflict
    assert conflict is not None
    # An access key "clicks" the button after its pressed look has shown.
    qtbot.waitUntil(lambda: conflict.resolution is Resolution.TAKE_RETURN)
    assert dialog.choice_boxes[conflict_row].currentText() == "Take the return's value"
    assert model.index(conflict_row, 5).data() == "Take the return's value"
    assert "1 conflict(s) settled for the return" in dialog.summary_label.text()
    qtbot.keyClick(dialog, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: conflict.resolution is Resolution.KEEP_DATABASE)
    # The choice box on the row does the same.
    dialog.choice_boxes[conflict_row].setCurrentText("Take the return's value")
    assert conflict.resolution is Resolution.TAKE_RETURN
    assert contested.uuid == conflict.uuid


def test_apply_is_disabled_while_cells_need_fixing_and_they_are_listed_one_a_line(
    qtbot: Any, seeded_path: Path, tmp_path: Path
) -> None:
    path = export(seeded_path, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    ms = wb["Milestones"]
    set_cell(ms, 5, "Status", "Done")
    set_cell(ms, 6, "Completed on", "soon")
    set_cell(ms, 7, "Notes", "Kept")
    wb.save(path)
    dialog = ImportPreviewDialog(preview_of(seeded_path, path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.apply_button.isEnabled()
    assert dialog.problems_list.isVisible()
    assert dialog.problems_list.toPlainText().splitlines() == [
        "Milestones row 5, Status: unknown status 'Done' (use Not started, In progress, "
        "Complete, Delayed, Cancelled)",
        "Milestones row 6, Completed on: 'soon' is not a date (write it as dd/mm/yyyy)",
    ]
    assert "2 cells need fixing" in dialog.problems_label.text()
    assert "Nothing can be applied until the cells below are fixed." in dialog.summary_label.text()


@pytest.fixture
def importing(monkeypatch: pytest.MonkeyPatch, messages: list) -> dict[str, Any]:
    """File → Import return answered by the test: the file chosen and the preview's answer."""
    state: dict[str, Any] = {"file": None, "answer": None, "previews": []}
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(state["file"]), ""))

    def answer(dialog: QDialog) -> bool:
        assert isinstance(dialog, ImportPreviewDialog)
        state["previews"].append(dialog)
        return state["answer"](dialog)

    monkeypatch.setattr(prompts, "run_dialog", answer)
    return state


def import_from_menu(opener: Any, qtbot: Any) -> None:
    opener.app.workflow(opener.window).import_action.trigger()
    qtbot.waitUntil(lambda: not opener.app.jobs.busy, timeout=30000)


def test_the_window_applies_a_conflict_taken_and_says_what_it_did(
    qtbot: Any,
    opener: Any,
    window: Any,
    seeded_path: Path,
    tmp_path: Path,
    importing: dict,
    messages: list,
) -> None:
    path, contested = contested_return(seeded_path, tmp_path)
    importing["file"] = path

    def take_it(dialog: ImportPreviewDialog) -> bool:
        row = dialog.model.conflict_rows()[0]
        dialog.choose(row, Resolution.TAKE_RETURN)
        return dialog.apply_button.isEnabled()

    importing["answer"] = take_it
    import_from_menu(opener, qtbot)
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)
    kind, title, text = messages[-1]
    assert (kind, title) == ("information", "Import return")
    assert text.startswith("Applied 2 change(s) from r.xlsx. A backup was taken first:")
    assert window.repo.milestone(contested.uuid).status is MilestoneStatus.COMPLETE

    # Again: the deleted row and the typed-over Due by are still listed; nothing to apply.
    seen: list[str] = []

    def look(dialog: ImportPreviewDialog) -> bool:
        seen.append(dialog.summary_label.text())
        assert not dialog.apply_button.isEnabled()
        return False

    importing["answer"] = look
    import_from_menu(opener, qtbot)
    assert "Already imported on " in seen[0] and "Nothing to apply." in seen[0]
    assert len(messages) == 1


def test_the_window_says_a_return_already_imported_has_nothing_new(
    qtbot: Any,
    opener: Any,
    window: Any,
    seeded_path: Path,
    tmp_path: Path,
    importing: dict,
    messages: list,
) -> None:
    path = export(seeded_path, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    set_cell(wb["Milestones"], 3, "Notes", "Chased")
    wb.save(path)
    importing["file"] = path
    importing["answer"] = lambda dialog: True
    import_from_menu(opener, qtbot)
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)
    importing["answer"] = lambda _dialog: pytest.fail("nothing new: no preview")
    import_from_menu(opener, qtbot)
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=30000)
    assert messages[-1][2].startswith("r.xlsx: already imported on ")
    assert messages[-1][2].endswith(" by officer; nothing new.")


def test_the_window_leaves_a_kept_conflict_and_says_where(
    qtbot: Any,
    opener: Any,
    window: Any,
    seeded_path: Path,
    tmp_path: Path,
    importing: dict,
    messages: list,
) -> None:
    path, contested = contested_return(seeded_path, tmp_path)
    importing["file"] = path
    importing["answer"] = lambda dialog: True
    import_from_menu(opener, qtbot)
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)
    text = messages[-1][2]
    assert "Applied 1 change(s)" in text
    assert "1 conflict left for someone to settle: Milestones row 3 (Status)" in text
    assert window.repo.milestone(contested.uuid).status is MilestoneStatus.DELAYED


def batch_of_one(db: Path, path: Path) -> Any:
    repo = Repository.open(db, user="pmo")
    try:
        return read_returns(repo, [path])
    finally:
        repo.close()


@pytest.mark.parametrize("kind", ["one return", "batch"])
@pytest.mark.parametrize("focus_on", ["view", "take_button", "keep_button"])
def test_enter_in_the_preview_applies_nothing_and_settles_nothing(
    qtbot: Any, seeded_path: Path, tmp_path: Path, kind: str, focus_on: str
) -> None:
    """Cancel is the default button: Enter on the table or on Take/Keep never writes a return
    and never settles a conflict (the batch preview's Take/Keep took Enter as a click)."""
    path, _contested = contested_return(seeded_path, tmp_path)
    if kind == "batch":
        batch = batch_of_one(seeded_path, path)
        conflict = batch.change_sets[0].conflicts[0]
        dialog: Any = BatchPreviewDialog(batch)
    else:
        change_set = preview_of(seeded_path, path)
        conflict = change_set.conflicts[0]
        dialog = ImportPreviewDialog(change_set)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.view.hasFocus()  # where the preview opens
    dialog.view.selectRow(dialog.model.conflict_rows()[0])
    widget = getattr(dialog, focus_on)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    assert not dialog.isVisible()  # Enter is Cancel
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert conflict.resolution is Resolution.KEEP_DATABASE
