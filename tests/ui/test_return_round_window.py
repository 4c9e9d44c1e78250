"""The return round in the window: addresses in the key, Send returns…, the Returns panel,
Chase, and File → Import returns… with one preview for several returns.

Driven as a PMO officer would: menu entries and the panel's buttons, keys
typed into the dialogs, conflicts settled by selecting a row and pressing
Alt+T. The dialogs' answers come from the test (``prompts.run_dialog``), the
files from patched file dialogs; everything written is read back.
"""

from __future__ import annotations

import email
import shutil
from datetime import date, timedelta
from email import policy
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog
from return_helpers import edit, row_of, set_cell

from fowdesk.domain.change_set import Resolution
from fowdesk.domain.model import CardStatus, LeadRole
from fowdesk.domain.working_days import working_days_between
from fowdesk.exports.return_round import send_returns
from fowdesk.storage.repository import Repository
from fowdesk.ui import prompts
from fowdesk.ui.batch_preview import BatchPreviewDialog
from fowdesk.ui.programme_settings import ProgrammeSettingsDialog
from fowdesk.ui.return_round_dialogs import ChaseDialog, RoundResultDialog, SendReturnsDialog
from fowdesk.ui.returns_panel import NOT_RETURNED, RETURNED

from .conftest import start_march

LEADS = ["EDT", "HOD", "HoP & ED", "SAH", "SSM"]


def name(lead: str) -> str:
    return f"FOW return 2020-03-31 {lead}.xlsx"


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[type, Any]:
    """Each dialog class → how the officer answers it; any other dialog fails the test."""
    table: dict[type, Any] = {}
    seen: list[QDialog] = []

    def answer(dialog: QDialog) -> bool:
        seen.append(dialog)
        for kind, respond in table.items():
            if isinstance(dialog, kind):
                return bool(respond(dialog))
        raise AssertionError(f"unexpected dialog {type(dialog).__name__}")

    monkeypatch.setattr(prompts, "run_dialog", answer)
    table[list] = seen  # type: ignore[index]
    return table


@pytest.fixture
def round_window(opener: Any, seeded_path: Path) -> Any:
    start_march(seeded_path)
    repo = Repository.open(seeded_path, user="setup")
    try:
        key = repo.load_programme("FOW").lead_key
        repo.set_lead_key(
            "FOW",
            [
                LeadRole(k.code, k.role, "ssm@southampton.gov.uk" if k.code == "SSM" else "")
                for k in key
            ],
        )
    finally:
        repo.close()
    return opener.open()


def wait_jobs(opener: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: not opener.app.jobs.busy, timeout=30000)


def focus_on(qtbot: Any, top: Any, widget: Any) -> None:
    """Give ``widget`` the keyboard, as clicking into it would."""
    top.activateWindow()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(
        lambda: (
            QApplication.focusWidget() is widget or widget.isAncestorOf(QApplication.focusWidget())
        )
    )


def type_into(qtbot: Any, widget: Any, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def send_round(folder: Path, db: Path) -> None:
    repo = Repository.open(db, user="Pat PMO")
    try:
        send_returns(repo, folder, code="FOW", due_on=date.today() + timedelta(days=14))
    finally:
        repo.close()


# ---------------------------------------------------------------------------- addresses


def test_a_lead_s_address_is_typed_into_the_key_and_kept(
    qtbot: Any, round_window: Any, opener: Any
) -> None:
    dialog = ProgrammeSettingsDialog(opener.repo, "FOW", round_window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(2)
    assert dialog.key_model.HEADERS == ("Code", "Lead role", "E-mail")
    focus_on(qtbot, dialog, dialog.key_view)
    dialog.key_view.setCurrentIndex(dialog.key_model.index(0, 2))  # EDT's E-mail cell
    qtbot.keyClick(dialog.key_view, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not dialog.key_view)
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "edt@southampton.gov.uk")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on Return by a queued call: wait for the cell to be written.
    qtbot.waitUntil(lambda: dialog.key_view.state() != dialog.key_view.State.EditingState)
    dialog.accept()
    saved = {k.code: k.email for k in opener.repo.load_programme("FOW").lead_key}
    assert saved["EDT"] == "edt@southampton.gov.uk" and saved["SSM"] == "ssm@southampton.gov.uk"

    # A mistyped address is refused in one line and the dialog stays open.
    again = ProgrammeSettingsDialog(opener.repo, "FOW", round_window)
    qtbot.addWidget(again)
    again.show()
    again.key_model.setData(again.key_model.index(1, 2), "hod at southampton")
    again.accept()
    assert again.isVisible()
    assert "HOD's e-mail address: 'hod at southampton' is not an e-mail address" in (
        again.error_label.text()
    )


# ---------------------------------------------------------------------------- send


def test_send_returns_from_the_programme_menu_writes_the_round_and_shows_it(
    qtbot: Any, round_window: Any, opener: Any, tmp_path: Path, answers: dict
) -> None:
    folder = tmp_path / "Team #2" / "March round"
    shown: dict[str, Any] = {}

    def fill(dialog: SendReturnsDialog) -> bool:
        shown["leads"] = [dialog.model.row_at(n)[0] for n in range(dialog.model.rowCount())]
        shown["notes"] = dialog.notes_label.text()
        shown["unknown visible"] = dialog.unknown_box.isVisibleTo(dialog)
        assert dialog.drafts_box.isChecked()
        type_into(qtbot, dialog.folder_edit, str(folder))
        return True

    def result(dialog: RoundResultDialog) -> bool:
        shown["heading"] = dialog.heading_label.text()
        shown["rows"] = [dialog.model.row_at(n) for n in range(dialog.model.rowCount())]
        return False

    answers[SendReturnsDialog] = fill
    answers[RoundResultDialog] = result
    workflow = opener.app.workflow(round_window)
    assert workflow.send_returns_action in round_window.menuBar().actions()[3].menu().actions()
    workflow.send_returns_action.trigger()
    wait_jobs(opener, qtbot)
    qtbot.waitUntil(lambda: "rows" in shown, timeout=30000)

    assert shown["leads"] == LEADS
    assert "SLE (1 card)" in shown["notes"] and shown["unknown visible"]
    assert "--unknown-leads" not in shown["notes"]
    assert sorted(p.name for p in folder.glob("*.xlsx")) == sorted(name(x) for x in LEADS)
    assert len(list(folder.glob("*.eml"))) == 5 and (folder / "returns.csv").exists()
    assert shown["heading"].startswith("FOW, March 2020: 5 returns written to ")
    ssm = next(r for r in shown["rows"] if r[0] == "SSM")
    assert ssm[2] == name("SSM") and ssm[5] == "ssm@southampton.gov.uk"
    hod = next(r for r in shown["rows"] if r[0] == "HOD")
    assert hod[5].startswith("no e-mail address in the key")
    message = email.message_from_bytes(
        (folder / "FOW return 2020-03-31 SSM.eml").read_bytes(), policy=policy.default
    )
    assert message["X-Unsent"] == "1" and "ssm@southampton.gov.uk" in str(message["To"])

    # The dashboard now shows the round: five leads, none returned.
    panel = round_window.dashboard.returns_panel
    assert round_window.dashboard_shown() and panel.view.isVisible()
    statuses = [panel.model.row_at(n).state for n in range(panel.model.rowCount())]
    assert statuses == [NOT_RETURNED] * 5
    assert panel.title() == "Returns for March 2020 (0 of 5 returned)"


def test_send_returns_on_a_published_period_says_so_before_asking(
    qtbot: Any, opener: Any, messages: list, answers: dict
) -> None:
    window = opener.open()  # the seed: February 2020 is published
    opener.app.workflow(window).send_returns_action.trigger()
    assert messages and "February 2020, is published" in messages[-1][2]
    assert answers[list] == []


# ---------------------------------------------------------------------------- track and chase


def test_the_returns_panel_after_two_of_five_and_the_chase_button(
    qtbot: Any,
    round_window: Any,
    opener: Any,
    seeded_path: Path,
    tmp_path: Path,
    answers: dict,
) -> None:
    folder = tmp_path / "round"
    send_round(folder, seeded_path)
    for lead, ref in (("SSM", "2"), ("EDT", "11")):
        back = Path(shutil.copy(folder / name(lead), tmp_path / f"{lead} back.xlsx"))
        edit(
            back,
            lambda wb, ref=ref, lead=lead: (
                set_cell(
                    wb["Recommendations"],
                    row_of(wb["Recommendations"], "Ref", ref),
                    "Status",
                    "On hold",
                ),
                setattr(wb.properties, "lastModifiedBy", f"{lead} officer"),
            ),
        )
        from fowdesk.exports.xlsx_import import import_return

        import_return(opener.repo, back, dry_run=False)
    conn = opener.repo.db.conn
    conn.execute("UPDATE returns SET due_on = ?", [(date.today() - timedelta(days=3)).isoformat()])
    conn.commit()

    with qtbot.waitSignal(round_window.dashboard.updated):
        round_window.show_dashboard()
    panel = round_window.dashboard.returns_panel
    rows = {panel.model.row_at(n).cells[0].split(" (")[0]: panel.model.row_at(n) for n in range(5)}
    assert panel.title() == "Returns for March 2020 (2 of 5 returned, 3 overdue)"
    assert rows["SSM"].state == RETURNED and rows["SSM"].cells[5] == "1"
    assert "by SSM officer · return ID " in rows["SSM"].cells[4]
    assert rows["SSM"].cells[3] == "" and rows["SSM"].cells[7] == "Returned"
    for lead in ("HOD", "HoP & ED", "SAH"):
        row = rows[lead]
        late = working_days_between(date.today() - timedelta(days=3), date.today())
        assert row.cells[7] == "Not returned"
        assert row.cells[3] == f"{late} working day{'s' if late != 1 else ''}"
        words = " ".join(row.cells).casefold()
        assert words.count("returned") == 1 and "received" not in words and "imported" not in words
        assert row.cells[4:7] == ("", "", "")
    background = panel.model.data(
        panel.model.index(list(rows).index("HOD"), 0), Qt.ItemDataRole.BackgroundRole
    )
    assert background is not None

    chased: dict[str, Any] = {}

    def chase(dialog: ChaseDialog) -> bool:
        chased["leads"] = [dialog.model.row_at(n)[0] for n in range(dialog.model.rowCount())]
        type_into(qtbot, dialog.folder_edit, str(tmp_path / "chase"))
        return True

    answers[ChaseDialog] = chase
    answers[RoundResultDialog] = lambda dialog: chased.setdefault("result", dialog) and False
    qtbot.mouseClick(panel.chase_button, Qt.MouseButton.LeftButton)
    wait_jobs(opener, qtbot)
    qtbot.waitUntil(lambda: "result" in chased, timeout=30000)
    assert [who.split(" (")[0] for who in chased["leads"]] == ["HOD", "HoP & ED", "SAH"]
    assert sorted(p.name for p in (tmp_path / "chase").glob("*.eml")) == [
        "FOW return 2020-03-31 reminder – HOD.eml",
        "FOW return 2020-03-31 reminder – HoP & ED.eml",
        "FOW return 2020-03-31 reminder – SAH.eml",
    ]
    assert panel.model.row_at(1).cells[7].startswith("Not returned, chased ")


# ---------------------------------------------------------------------------- collect


@pytest.fixture
def choosing(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Path]]:
    chosen: dict[str, list[Path]] = {"files": []}
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        lambda *_a, **_k: ([str(p) for p in chosen["files"]], ""),
    )
    return chosen


def three_returns(seeded_path: Path, tmp_path: Path) -> list[Path]:
    """SSM and EDT both change joint card 18's Status (differently); SAH completes a milestone."""
    folder = tmp_path / "round"
    send_round(folder, seeded_path)
    back = tmp_path / "back"
    shutil.copytree(folder, back)
    changes = {"SSM": ("18", "On hold"), "EDT": ("18", "Closed")}
    for lead, (ref, status) in changes.items():
        edit(
            back / name(lead),
            lambda wb, ref=ref, status=status: set_cell(
                wb["Recommendations"], row_of(wb["Recommendations"], "Ref", ref), "Status", status
            ),
        )
    edit(back / name("SAH"), lambda wb: set_cell(wb["Milestones"], 2, "Notes", "Venue booked"))
    return [back / name("SSM"), back / name("EDT"), back / name("SAH")]


def test_import_returns_previews_three_returns_and_settles_the_conflict_between_two(
    qtbot: Any,
    round_window: Any,
    opener: Any,
    seeded_path: Path,
    tmp_path: Path,
    answers: dict,
    choosing: dict,
    messages: list,
) -> None:
    choosing["files"] = three_returns(seeded_path, tmp_path)
    seen: dict[str, Any] = {}

    def settle(dialog: BatchPreviewDialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        seen["summary"] = dialog.summary_label.text()
        rows = [dialog.model.preview_row(n) for n in range(dialog.model.rowCount())]
        seen["items"] = [(r.kind, r.item) for r in rows]
        between = dialog.conflict_rows_for("Recommendation 18")
        assert len(between) == 2
        # Select SSM's value and press Alt+T: SSM's is taken, EDT's kept as the database has it.
        ssm_row = next(n for n in between if "SSM's return" in dialog.model.preview_row(n).item)
        focus_on(qtbot, dialog, dialog.view)
        dialog.view.selectRow(ssm_row)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
        seen["boxes"] = [dialog.choice_boxes[n].currentText() for n in between]
        # Then EDT's instead: SSM's goes back to the database's.
        edt_row = next(n for n in between if n != ssm_row)
        dialog.choose(edt_row, Resolution.TAKE_RETURN)
        seen["boxes after"] = {
            dialog.model.preview_row(n).item.split(" – ")[1].split(",")[0]: dialog.choice_boxes[
                n
            ].currentText()
            for n in between
        }
        return dialog.apply_button.isEnabled()

    answers[BatchPreviewDialog] = settle
    workflow = opener.app.workflow(round_window)
    assert workflow.import_returns_action in round_window.menuBar().actions()[0].menu().actions()
    workflow.import_returns_action.trigger()
    wait_jobs(opener, qtbot)
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)

    assert seen["summary"].startswith("3 of 3 files to import into FOW, March 2020")
    kinds = [k for k, _ in seen["items"]]
    assert kinds[0] == "section" and "Conflicts between returns" in seen["items"][0][1]
    # Grouped by return, then by card.
    sah = seen["items"].index(("section", "SAH's return – " + name("SAH")))
    assert seen["items"][sah + 1] == (
        "Card",
        "Recommendation 6 “Work with the Solent Apprenticeship Hub to increase the…”",
    ) or (
        seen["items"][sah + 1][0] == "Card"
        and seen["items"][sah + 1][1].startswith("Recommendation 6")
    )
    assert seen["boxes"] == [Resolution.TAKE_RETURN.value, Resolution.KEEP_DATABASE.value] or (
        sorted(seen["boxes"])
        == sorted([Resolution.TAKE_RETURN.value, Resolution.KEEP_DATABASE.value])
    )
    assert seen["boxes after"] == {
        "SSM's return": Resolution.KEEP_DATABASE.value,
        "EDT's return": Resolution.TAKE_RETURN.value,
    }
    kind, title, text = messages[-1]
    assert (kind, title) == ("information", "Import returns")
    assert text.startswith("Imported 2 changes from 2 returns in one transaction")
    card = opener.repo.load_programme("FOW").card("18")
    assert card is not None and card.status is CardStatus.CLOSED
    sah_card = opener.repo.load_programme("FOW").card("6")
    assert sah_card is not None and sah_card.milestones[0].notes == "Venue booked"


def test_import_returns_with_one_bad_file_lists_its_cells_and_cannot_apply(
    qtbot: Any,
    round_window: Any,
    opener: Any,
    seeded_path: Path,
    tmp_path: Path,
    answers: dict,
    choosing: dict,
) -> None:
    files = three_returns(seeded_path, tmp_path)
    edit(files[2], lambda wb: set_cell(wb["Milestones"], 3, "Status", "Done-ish"))
    choosing["files"] = files
    seen: dict[str, Any] = {}

    def look(dialog: BatchPreviewDialog) -> bool:
        seen["problems"] = dialog.problems_list.toPlainText()
        seen["apply"] = dialog.apply_button.isEnabled()
        seen["label"] = dialog.problems_label.text()
        return False

    answers[BatchPreviewDialog] = look
    before = opener.repo.load_programme("FOW")
    opener.app.workflow(round_window).import_returns_action.trigger()
    wait_jobs(opener, qtbot)
    qtbot.waitUntil(lambda: "apply" in seen, timeout=30000)
    assert not seen["apply"] and "1 file needs fixing" in seen["label"]
    assert f"{files[2]}:" in seen["problems"]
    assert "Milestones row 3, Status: unknown status 'Done-ish'" in seen["problems"]
    after = opener.repo.load_programme("FOW")
    assert [c.status for c in after.cards] == [c.status for c in before.cards]


def test_import_a_folder_of_returns_takes_every_return_in_it_and_names_the_rest(
    qtbot: Any,
    round_window: Any,
    opener: Any,
    seeded_path: Path,
    tmp_path: Path,
    answers: dict,
    messages: list,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """File → Import a folder of returns: the round's folder as it came back, covering list too."""
    files = three_returns(seeded_path, tmp_path)
    folder = files[0].parent
    assert (folder / "returns.csv").exists()  # the covering list travels with the returns
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(folder))
    seen: dict[str, Any] = {}

    def keep_edt(dialog: BatchPreviewDialog) -> bool:
        seen["summary"] = dialog.summary_label.text()
        seen["left out"] = dialog.left_out_label.text()
        edt = next(
            n
            for n in dialog.conflict_rows_for("Recommendation 18")
            if "EDT's return" in dialog.model.preview_row(n).item
        )
        dialog.choose(edt, Resolution.TAKE_RETURN)
        return True

    answers[BatchPreviewDialog] = keep_edt
    workflow = opener.app.workflow(round_window)
    file_menu = round_window.menuBar().actions()[0].menu()
    assert workflow.import_folder_action in file_menu.actions()
    workflow.import_folder_action.trigger()
    wait_jobs(opener, qtbot)
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)

    returns = len(list(folder.glob("*.xlsx")))
    assert seen["summary"].startswith(f"{returns} of {returns} files to import into FOW")
    assert "returns.csv: not an Excel workbook, not read" in seen["left out"]
    kind, title, text = messages[-1]
    assert (kind, title) == ("information", "Import returns")
    assert text.startswith("Imported 2 changes from 2 returns in one transaction")
    programme = opener.repo.load_programme("FOW")
    card18, card6 = programme.card("18"), programme.card("6")
    assert card18 is not None and card18.status is CardStatus.CLOSED
    assert card6 is not None and card6.milestones[0].notes == "Venue booked"
