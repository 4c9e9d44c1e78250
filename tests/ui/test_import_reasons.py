"""A return that re-dates milestones without a reason: the preview marks them, Apply asks.

The window insists on a reason when an officer moves a target; a return from
the PMO may move one with "Reason for change" left blank. The preview marks
those rows, and Apply asks for the reason (one for all, editable per row)
before anything is written. Cancel there goes back to the preview.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QLineEdit

from fowdesk.exports.xlsx_columns import MILESTONES
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage.repository import Repository
from fowdesk.ui.import_preview import REDATED_WITHOUT_REASON, ImportPreviewDialog
from fowdesk.ui.import_reasons import MissingReasonsDialog, MissingReasonsModel
from fowdesk.ui.main_window import MainWindow
from ui.answering import Answers, press_ok
from ui.conftest import WindowOpener


def redate(path: Path, edits: dict[str, tuple[str, str]]) -> None:
    """Milestone description → (new target, reason typed): the PMO's edits to the return."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[MILESTONES]
    header = next(r for r in range(1, 6) if "ID" in [c.value for c in sheet[r]])
    columns = {c.value: c.column for c in sheet[header] if c.value}
    for row in range(header + 1, sheet.max_row + 1):
        description = sheet.cell(row, columns["Milestone"]).value
        if description in edits:
            target, reason = edits[description]
            sheet.cell(row, columns["Target"]).value = target
            sheet.cell(row, columns["Reason for change"]).value = reason or None
    workbook.save(path)


@pytest.fixture
def returned(window: MainWindow, opener: WindowOpener, tmp_path: Path) -> dict[str, Any]:
    """A return re-dating two milestones with no reason and one with a reason."""
    repo = opener.repo
    assert repo is not None
    programme = repo.load_programme("FOW")
    rec2, rec4 = programme.card("2"), programme.card("4")
    assert rec2 is not None and rec4 is not None
    silent_a, silent_b, explained = rec2.milestones[1], rec4.milestones[0], rec2.milestones[2]
    path = export_return(repo, tmp_path / "March return.xlsx", code="FOW")
    redate(
        path,
        {
            silent_a.description: ("June 2020", ""),
            silent_b.description: ("July 2020", ""),
            explained.description: ("August 2020", "Waiting for the RSA's board"),
        },
    )
    return {"path": path, "silent": [silent_a, silent_b], "explained": explained}


def reasons_on_file(repo: Repository, milestone_uuid: str) -> list[str]:
    return [r.reason for r in repo.milestone(milestone_uuid).revisions]


def import_with(
    window: MainWindow, opener: WindowOpener, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    opener.app.workflow(window).import_action.trigger()


def test_apply_asks_for_the_reasons_one_for_all_and_one_changed(
    window: MainWindow,
    opener: WindowOpener,
    returned: dict[str, Any],
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = opener.repo
    assert repo is not None
    answers = Answers(qtbot, monkeypatch)
    seen: dict[str, Any] = {}

    def look_and_apply(dialog: ImportPreviewDialog) -> None:
        rows = [dialog.model.preview_row(n) for n in range(dialog.model.rowCount())]
        marked = [r for r in rows if r.needs_reason]
        seen["marked"] = sorted((r.was, r.now, r.note) for r in marked)
        seen["tinted"] = all(
            dialog.model.index(rows.index(r), 1).data(Qt.ItemDataRole.BackgroundRole) is not None
            for r in marked
        )
        seen["summary"] = dialog.summary_label.text()
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)

    def give_reasons(dialog: MissingReasonsDialog) -> None:
        seen["ok at first"] = dialog.ok_button.isEnabled()
        dialog.all_edit.setFocus()
        qtbot.keyClicks(dialog.all_edit, "Board met late")
        # The second milestone had another reason: typed into its own Reason cell.
        view = dialog.view
        view.setFocus()
        view.setCurrentIndex(dialog.model.index(1, MissingReasonsModel.REASON))
        qtbot.keyClicks(view, "L")  # typing in a cell opens its editor with the key
        editor = view.findChild(QLineEdit)
        assert editor is not None
        qtbot.keyClicks(editor, "egal review took longer")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: view.state() is not QAbstractItemView.State.EditingState)
        seen["rows"] = [(i.was, i.now, i.reason) for i in dialog.model.items]
        press_ok(qtbot, dialog)

    answers.expect(look_and_apply)
    answers.expect(give_reasons)
    import_with(window, opener, returned["path"], monkeypatch)
    qtbot.waitUntil(lambda: not opener.app.jobs.busy, timeout=30000)

    silent_a, silent_b = returned["silent"]
    assert seen["marked"] == sorted(
        [
            (silent_a.target, "June 2020", REDATED_WITHOUT_REASON),
            (silent_b.target, "July 2020", REDATED_WITHOUT_REASON),
        ]
    )
    assert seen["tinted"]
    assert (
        "2 milestones are re-dated without a reason: Apply asks for the reason first."
        in (seen["summary"])
    )
    assert seen["ok at first"] is False, "Apply with no reasons given"
    assert seen["rows"] == [
        (silent_a.target, "June 2020", "Board met late"),
        (silent_b.target, "July 2020", "Legal review took longer"),
    ]
    assert reasons_on_file(repo, silent_a.uuid) == ["Board met late"]
    assert reasons_on_file(repo, silent_b.uuid) == ["Legal review took longer"]
    assert reasons_on_file(repo, returned["explained"].uuid) == ["Waiting for the RSA's board"]


def test_cancel_in_the_reasons_goes_back_to_the_preview_and_writes_nothing(
    window: MainWindow,
    opener: WindowOpener,
    returned: dict[str, Any],
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
    seeded_path: Path,
) -> None:
    before = hashlib.sha256(seeded_path.read_bytes()).hexdigest()
    answers = Answers(qtbot, monkeypatch)
    shown: list[str] = []

    def apply(dialog: ImportPreviewDialog) -> None:
        shown.append(type(dialog).__name__)
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)

    def cancel(dialog: Any) -> None:
        shown.append(type(dialog).__name__)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    answers.expect(apply)
    answers.expect(cancel)  # the reasons: not now
    answers.expect(cancel)  # the preview again: cancel the import
    import_with(window, opener, returned["path"], monkeypatch)
    qtbot.waitUntil(lambda: len(shown) == 3 and not opener.app.jobs.busy, timeout=30000)
    assert shown == ["ImportPreviewDialog", "MissingReasonsDialog", "ImportPreviewDialog"]
    assert window.status_message.text() == "Import cancelled: nothing was written"
    assert hashlib.sha256(seeded_path.read_bytes()).hexdigest() == before
