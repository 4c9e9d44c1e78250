"""The whole workflow from the desktop: dashboard, import preview, exports, periods,
print, programme settings, backups — driven through the window's menus."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

from fowdesk.domain.model import MilestoneStatus, Rag
from fowdesk.domain.quality import quality_notes
from fowdesk.domain.summary import summarise
from fowdesk.exports import xlsx_return
from fowdesk.exports.xlsx_columns import INSTRUCTIONS, MILESTONES, RECOMMENDATIONS, SUMMARY
from fowdesk.storage.backups import list_backups
from fowdesk.storage.repository import Repository
from fowdesk.ui import printing, prompts
from fowdesk.ui.app import DeskApplication
from fowdesk.ui.dashboard import DashboardListModel, DashboardRow
from fowdesk.ui.import_preview import CONFLICT, ImportPreviewDialog, ImportPreviewModel
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.programme_settings import LeadKeyModel, ProgrammeSettingsDialog
from fowdesk.ui.settings import Settings
from fowdesk.ui.workflow import Workflow
from fowdesk.ui.workflow_dialogs import NewPeriodDialog, PdfOptionsDialog, RestoreBackupDialog


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


class Desk:
    """The window on a seeded database, with every blocking dialog answered by the test."""

    def __init__(self, qtbot: Any, path: Path, settings: Settings, monkeypatch: Any) -> None:
        self.qtbot, self.path, self.settings = qtbot, path, settings
        self.save_as: Path | None = None
        self.open_file: Path | None = None
        self.dialog_answers: list[Callable[[QDialog], bool]] = []
        self.dialogs_seen: list[QDialog] = []
        self.opened_exports: list[Path] = []
        self.publish_answer = True
        self.repo = Repository.open(path, user="officer", source="ui")
        self.app = DeskApplication(settings)
        self.window = self.app.open_window(self.repo)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.workflow: Workflow = self.app.workflow(self.window)
        self.databases = self.app.parts(self.window).databases
        monkeypatch.setattr(QFileDialog, "getSaveFileName", self._save_name)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", self._open_name)
        monkeypatch.setattr(prompts, "run_dialog", self._run_dialog)
        monkeypatch.setattr(prompts, "ask_open_exported", self._ask_open)
        monkeypatch.setattr(prompts, "confirm_publish", lambda _parent, _label: self.publish_answer)

    def _save_name(self, *_args: Any, **_kwargs: Any) -> tuple[str, str]:
        return (str(self.save_as) if self.save_as else "", "")

    def _open_name(self, *_args: Any, **_kwargs: Any) -> tuple[str, str]:
        return (str(self.open_file) if self.open_file else "", "")

    def _run_dialog(self, dialog: QDialog) -> bool:
        self.dialogs_seen.append(dialog)
        assert self.dialog_answers, f"unexpected dialog {type(dialog).__name__}"
        return self.dialog_answers.pop(0)(dialog)

    def _ask_open(self, _parent: Any, path: Path) -> str:
        self.opened_exports.append(path)
        return ""

    def answer_import_preview(self, apply: bool) -> list[ImportPreviewDialog]:
        """Answer the next import preview with Apply (or Cancel); the list gets the dialog."""
        seen: list[ImportPreviewDialog] = []

        def answer(dialog: QDialog) -> bool:
            assert isinstance(dialog, ImportPreviewDialog)
            seen.append(dialog)
            return apply

        self.dialog_answers.append(answer)
        return seen

    def wait_idle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.app.jobs.busy, timeout=30000)

    def replacement(self) -> MainWindow | None:
        """The window that replaced this one after a switch or restore (None if none did)."""
        current = self.app.current_window
        return current if current is not self.window else None

    def trigger(self, action: Any) -> None:
        action.trigger()
        self.wait_idle()

    def export_return(self, target: Path) -> Path:
        self.save_as = target
        self.trigger(self.workflow.export_xlsx_action)
        assert self.opened_exports and self.opened_exports[-1] == target
        return target


@pytest.fixture
def desk(
    qtbot: Any, seeded_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Desk]:
    made = Desk(qtbot, seeded_path, settings, monkeypatch)
    yield made
    made.window.close()
    made.repo.close()


def header_columns(ws: Any) -> tuple[int, dict[str, int]]:
    for row in range(1, 6):
        values = [c.value for c in ws[row]]
        if "ID" in values:
            return row, {v: i + 1 for i, v in enumerate(values) if v}
    raise AssertionError(f"no header row in {ws.title}")


def row_for(ws: Any, column: str, value: str) -> int:
    header, cols = header_columns(ws)
    for row in range(header + 1, ws.max_row + 1):
        if ws.cell(row, cols[column]).value == value:
            return row
    raise AssertionError(f"{value!r} not in {ws.title}")


def edit_return(path: Path, edits: list[tuple[str, str, str, str, Any]]) -> None:
    """Each edit: (sheet, find-column, find-value, column, new value) — as a PMO officer would."""
    wb = openpyxl.load_workbook(path)
    for sheet, find_column, find_value, column, value in edits:
        ws = wb[sheet]
        _, cols = header_columns(ws)
        ws.cell(row_for(ws, find_column, find_value), cols[column]).value = value
    wb.save(path)


def test_models_pass_the_model_tester(qtmodeltester: Any) -> None:
    dashboard = DashboardListModel(["Ref", "Milestone"])
    dashboard.set_rows([DashboardRow("u1", ("2", "Clear RSA")), DashboardRow("u2", ("3", "x"))])
    qtmodeltester.check(dashboard)
    key = LeadKeyModel()
    key.add_row("SLE", "Skills Lead")
    qtmodeltester.check(key)
    qtmodeltester.check(ImportPreviewModel())


def test_dashboard_shows_counts_and_opens_an_overdue_card(desk: Desk) -> None:
    desk.trigger(desk.window.dashboard_action)
    dashboard = desk.window.dashboard

    def counts() -> dict[str, int]:
        return {rag.value: int(chip.count_label.text()) for rag, chip in dashboard.chips.items()}

    assert desk.window.tabs.currentWidget() is dashboard
    # As at February 2020's report date, as the return and the PDF judge it: all on track.
    assert counts() == {"R": 0, "A": 0, "G": 19, "C": 0}
    assert dashboard.heading.text() == (
        "Future of Work in Southampton programme – Progress Report – February 2020"
        " · as at 29/02/2020 · published (seeded)"
    )
    assert dashboard.overdue_model.rowCount() == 0
    assert "Last published report: February 2020, published (seeded)" in (
        dashboard.last_activity.text()
    )
    # View → As at today: every FOW milestone with an ended window is long overdue.
    desk.trigger(desk.window.as_at_today_action)
    assert desk.window.as_at_banner.isVisible()
    programme = desk.repo.load_programme("FOW")
    expected = summarise(programme, date.today())
    assert counts()["R"] == expected.rag_counts[Rag.RED] > 0
    assert f"RAG as at today, {date.today():%d/%m/%Y}" in dashboard.heading.text()
    assert dashboard.overdue_model.rowCount() == len(expected.overdue) > 25
    assert "never" in dashboard.last_activity.text()
    first_ref = dashboard.overdue_model.index(0, 0).data()
    dashboard.overdue_view.doubleClicked.emit(dashboard.overdue_model.index(0, 1))
    assert desk.window.tabs.currentIndex() == 0
    assert desk.window.editor.card is not None and desk.window.editor.card.ref == first_ref


def test_export_excel_and_pdf_from_the_menu_while_the_window_keeps_working(
    desk: Desk, tmp_path: Path, qtbot: Any
) -> None:
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(desk.workflow.jobs_running))
    timer.start()
    target = tmp_path / "FOW return.xlsx"
    desk.save_as = target
    desk.workflow.export_xlsx_action.trigger()
    assert desk.workflow.jobs_running == 1  # the export is running off the GUI thread
    desk.wait_idle()
    assert any(running for running in ticks), "the event loop ran during the export"
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames[:4] == [INSTRUCTIONS, SUMMARY, RECOMMENDATIONS, MILESTONES]

    ticks.clear()
    pdf = tmp_path / "FOW report.pdf"
    desk.save_as = pdf
    desk.dialog_answers.append(lambda d: isinstance(d, PdfOptionsDialog))
    desk.workflow.export_pdf_action.trigger()
    desk.wait_idle()
    timer.stop()
    assert any(running for running in ticks)
    text = pdf_text(pdf)
    assert "Future of Work in Southampton programme" in text
    assert "Page 1 of" in text
    assert [e.kind for e in desk.repo.export_log("FOW")][:2] == ["pdf", "xlsx"]


def test_an_unwritable_target_gives_one_clear_line_and_no_file(
    desk: Desk, tmp_path: Path, messages: list[tuple[str, str, str]]
) -> None:
    desk.save_as = tmp_path / "no such folder" / "return.xlsx"
    desk.trigger(desk.workflow.export_xlsx_action)
    assert messages and messages[-1][0] == "warning"
    assert "does not exist" in messages[-1][2] and "\n" not in messages[-1][2]
    assert not desk.save_as.exists()


def test_import_preview_lists_the_changes_and_apply_writes_them(desk: Desk, tmp_path: Path) -> None:
    returned = desk.export_return(tmp_path / "return.xlsx")
    edit_return(
        returned,
        [
            (
                MILESTONES,
                "Milestone",
                "Clear RSA for exemption as an SCC supplier",
                "Status",
                "Complete",
            ),
            (
                MILESTONES,
                "Milestone",
                "Agree terms of commission with the RSA",
                "Target",
                "June 2020",
            ),
            (
                MILESTONES,
                "Milestone",
                "Agree terms of commission with the RSA",
                "Reason for change",
                "RSA board met late",
            ),
        ],
    )
    desk.open_file = returned
    before = sha(desk.path)
    previews = desk.answer_import_preview(apply=False)
    desk.trigger(desk.workflow.import_action)
    rows = [previews[0].model.preview_row(i) for i in range(previews[0].model.rowCount())]
    assert {(r.field, r.was, r.now) for r in rows} >= {
        ("Status", "Not started", "Complete"),
        ("Target", "April 2020", "June 2020"),
    }
    assert any(r.note == "Reason: RSA board met late" for r in rows)
    assert sha(desk.path) == before, "Cancel writes nothing"

    desk.dialog_answers.append(lambda d: True)
    desk.trigger(desk.workflow.import_action)
    desk.wait_idle()
    card = desk.repo.load_programme("FOW").card("2")
    assert card is not None
    assert str(card.milestones[0].status) == "Complete"
    revised = card.milestones[1]
    assert (revised.target, revised.original_target) == ("June 2020", "April 2020")
    assert revised.revisions[0].reason == "RSA board met late"
    history = desk.repo.card_history(card.uuid)
    assert any(h.source == "import" for h in history)
    assert list_backups(desk.repo.backups_dir), "a backup is taken before an import"


def test_a_conflict_is_shown_and_not_applied(desk: Desk, tmp_path: Path) -> None:
    returned = desk.export_return(tmp_path / "return.xlsx")
    card = desk.repo.load_programme("FOW").card("2")
    assert card is not None
    first = card.milestones[0]
    other = Repository.open(desk.path, user="colleague")
    other.update_milestone(first.uuid, first.version, status="Delayed")
    other.close()
    edit_return(returned, [(MILESTONES, "Milestone", first.description, "Status", "Complete")])
    desk.open_file = returned
    seen = desk.answer_import_preview(apply=True)
    desk.trigger(desk.workflow.import_action)
    model = seen[0].model
    conflicts = [
        model.preview_row(i)
        for i in range(model.rowCount())
        if model.preview_row(i).kind == CONFLICT
    ]
    assert len(conflicts) == 1
    assert "Delayed" in conflicts[0].was and "Complete" in conflicts[0].now
    assert str(desk.repo.milestone(first.uuid).status) == "Delayed"


def test_publish_then_reprint_gives_the_frozen_pdf(desk: Desk, tmp_path: Path) -> None:
    def new_period(dialog: QDialog) -> bool:
        assert isinstance(dialog, NewPeriodDialog)
        dialog.label_edit.setText("March 2020")
        dialog.as_at_edit.setDate(date(2020, 3, 31))
        return True

    desk.dialog_answers.append(new_period)
    desk.trigger(desk.workflow.new_period_action)
    desk.trigger(desk.workflow.publish_action)
    assert desk.repo.load_programme("FOW").period("March 2020").published  # type: ignore[union-attr]

    def choose_march(dialog: QDialog) -> bool:
        assert isinstance(dialog, PdfOptionsDialog)
        dialog.period_combo.setCurrentIndex(dialog.period_combo.findData("March 2020"))
        return True

    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    desk.save_as = first
    desk.dialog_answers.append(choose_march)
    desk.trigger(desk.workflow.reprint_action)
    card = desk.repo.load_programme("FOW").cards[0]
    desk.repo.update_card(card.uuid, card.version, title="Renamed after the committee met")
    desk.save_as = second
    desk.dialog_answers.append(choose_march)
    desk.trigger(desk.workflow.reprint_action)
    assert first.read_bytes() == second.read_bytes()
    assert "Renamed after the committee met" not in pdf_text(second)


def test_programme_settings_add_sle_and_check_no_longer_reports_it(desk: Desk) -> None:
    def add_sle(dialog: QDialog) -> bool:
        assert isinstance(dialog, ProgrammeSettingsDialog)
        row = dialog.key_model.add_row()
        dialog.key_model.setData(dialog.key_model.index(row, 0), "SLE")
        dialog.key_model.setData(dialog.key_model.index(row, 1), "Skills and Learning Executive")
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    programme = desk.repo.load_programme("FOW")
    assert any("'SLE'" in n for n in quality_notes(programme, date(2020, 2, 29)))
    desk.dialog_answers.append(add_sle)
    desk.trigger(desk.workflow.settings_action)
    programme = desk.repo.load_programme("FOW")
    assert programme.lead_role("SLE") == "Skills and Learning Executive"
    assert quality_notes(programme, date(2020, 2, 29)) == []


def test_restore_brings_back_a_backup(desk: Desk, qtbot: Any) -> None:
    card = desk.repo.load_programme("FOW").cards[0]
    desk.trigger(desk.workflow.backup_action)
    desk.repo.update_card(card.uuid, card.version, title="A mistake")

    def choose_newest(dialog: QDialog) -> bool:
        assert isinstance(dialog, RestoreBackupDialog)
        assert dialog.count() >= 1
        return True

    desk.dialog_answers.append(choose_newest)
    desk.databases.restore.trigger()
    new_window = desk.replacement()
    assert new_window is not None
    qtbot.addWidget(new_window)
    try:
        assert new_window.repo.card(card.uuid).title == card.title
        assert any(b.reason == "before-restore" for b in list_backups(new_window.repo.backups_dir))
    finally:
        new_window.close()
        new_window.repo.close()


def test_an_officers_whole_cycle(
    desk: Desk, tmp_path: Path, qtbot: Any, messages: list[tuple[str, str, str]]
) -> None:
    """Open → new period → edit rec 2 → export → PMO edits → import → publish → PDF."""

    def new_period(dialog: QDialog) -> bool:
        assert isinstance(dialog, NewPeriodDialog)
        dialog.label_edit.setText("March 2020")
        dialog.as_at_edit.setDate(date(2020, 3, 31))
        dialog.meeting_edit.setText("Scrutiny Inquiry Panel, 9 April 2020")
        return True

    desk.dialog_answers.append(new_period)
    desk.trigger(desk.workflow.new_period_action)
    window, repo, editor = desk.window, desk.repo, desk.window.editor
    window.show_ref("2")
    assert editor.card is not None and editor.card.ref == "2"
    assert editor.progress_edit.toPlainText() == "", "a new period starts with no narrative"
    editor.tabs.setCurrentIndex(1)
    editor.progress_edit.setFocus()
    qtbot.keyClicks(editor.progress_edit, "- RSA exemption cleared by procurement board")
    editor.tabs.setCurrentIndex(2)  # leaving the narrative saves it
    first = editor.card.milestones[0]
    editor.milestones.select_milestone(first.uuid)
    qtbot.mouseClick(editor.milestone_buttons["complete"], Qt.MouseButton.LeftButton)
    card = repo.load_programme("FOW").card("2")
    assert card is not None
    assert [p.text for p in card.progress_for("March 2020")] == [
        "RSA exemption cleared by procurement board"
    ]
    assert card.milestones[0].status is MilestoneStatus.COMPLETE

    returned = desk.export_return(tmp_path / "March return.xlsx")
    edit_return(returned, [(RECOMMENDATIONS, "Ref", "3", "Status", "On hold")])
    desk.open_file = returned
    desk.dialog_answers.append(lambda d: True)
    desk.trigger(desk.workflow.import_action)
    desk.wait_idle()
    assert str(repo.load_programme("FOW").card("3").status) == "On hold"  # type: ignore[union-attr]

    def appendix(number: str) -> Callable[[QDialog], bool]:
        def answer(dialog: QDialog) -> bool:
            assert isinstance(dialog, PdfOptionsDialog)
            dialog.appendix_edit.setText(number)
            return True

        return answer

    # A draft before publishing is labelled as asked and freezes nothing.
    draft = tmp_path / "March draft.pdf"
    desk.save_as = draft
    desk.dialog_answers.append(appendix("9"))
    desk.trigger(desk.workflow.export_pdf_action)
    assert "Appendix 9" in pdf_text(draft)
    assert repo.period_pdf("FOW", "March 2020") is None

    desk.trigger(desk.workflow.publish_action)
    pdf = tmp_path / "March report.pdf"
    desk.save_as = pdf
    desk.dialog_answers.append(appendix(""))
    desk.trigger(desk.workflow.export_pdf_action)
    assert pdf.read_bytes() == repo.period_pdf("FOW", "March 2020")  # the published bytes
    text = pdf_text(pdf)
    assert "RSA exemption cleared by procurement board" in text
    assert "Appendix 9" not in text
    assert "Scrutiny Inquiry Panel, 9 April 2020" in text
    changes = text[text.index("Changes since the last report") :]
    assert first.description[:40] in changes  # the completed milestone is listed
    assert "On hold" in changes

    # The published report cannot change: the export dialog shows its options greyed out.
    shown: list[tuple[bool, bool, str]] = []

    def another_appendix(dialog: QDialog) -> bool:
        assert isinstance(dialog, PdfOptionsDialog)
        reprint = dialog.reprint_label.text()
        shown.append((dialog.appendix_edit.isEnabled(), dialog.changes_check.isEnabled(), reprint))
        return True

    again = tmp_path / "March again.pdf"
    desk.save_as = again
    desk.dialog_answers.append(another_appendix)
    desk.trigger(desk.workflow.export_pdf_action)
    assert again.read_bytes() == repo.period_pdf("FOW", "March 2020")
    assert shown == [
        (
            False,
            False,
            "Reprint of the published report (no appendix label, Scrutiny Inquiry Panel, "
            "9 April 2020)",
        )
    ]


def test_xlsx_default_name_is_offered(desk: Desk) -> None:
    programme = desk.repo.load_programme("FOW")
    assert xlsx_return.default_return_name(programme, None) == "FOW return 2020-02-29.xlsx"


def test_print_preview_and_print_paint_every_report_page_on_a4_landscape(
    desk: Desk, tmp_path: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    previewed: list[tuple[bytes, str]] = []
    monkeypatch.setattr(
        prompts, "show_print_preview", lambda _p, pdf, title: previewed.append((pdf, title))
    )
    desk.dialog_answers.append(lambda d: isinstance(d, PdfOptionsDialog))
    desk.trigger(desk.workflow.preview_action)
    pdf, title = previewed[0]
    pages = printing.page_count(pdf)
    assert pages >= 5 and title == "FOW February 2020"

    preview = printing.print_preview_dialog(desk.window, pdf, title)
    painted: list[int] = []
    preview.paintRequested.connect(lambda _printer: painted.append(1))
    preview.show()
    qtbot.waitUntil(lambda: bool(painted), timeout=10000)
    preview.close()

    printed = tmp_path / "printed.pdf"

    def print_to_file(_parent: Any, report: bytes, _title: str) -> bool:
        printer = printing.a4_landscape_printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printing.paint_pdf(printer, report) == pages

    monkeypatch.setattr(prompts, "print_report", print_to_file)
    desk.dialog_answers.append(lambda d: isinstance(d, PdfOptionsDialog))
    desk.trigger(desk.workflow.print_action)
    reader = PdfReader(printed)
    assert len(reader.pages) == pages
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape


def test_new_database_then_a_new_programme_then_back_through_recent_files(
    desk: Desk, tmp_path: Path, qtbot: Any
) -> None:
    fresh = tmp_path / "elsewhere" / "new programme.db"
    fresh.parent.mkdir()
    desk.save_as = fresh
    desk.trigger(desk.databases.new)
    window = desk.replacement()
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert window.repo.path == fresh.resolve() or window.repo.path == fresh
        assert window.repo.programmes() == []

        def name_it(dialog: QDialog) -> bool:
            dialog.code_edit.setText("HOU")  # type: ignore[attr-defined]
            dialog.title_edit.setText("Housing Delivery Programme")  # type: ignore[attr-defined]
            dialog.accept()
            return dialog.result() == QDialog.DialogCode.Accepted

        desk.dialog_answers.append(name_it)
        desk.app.workflow(window).new_programme_action.trigger()
        assert window.programme is not None and window.programme.code == "HOU"
        assert desk.path.resolve() in desk.settings.recent_files
        recent = desk.app.parts(window).databases.recent
        recent.aboutToShow.emit()
        back = next(a for a in recent.actions() if a.data() == str(desk.path.resolve()))
        assert back.text().startswith("&") and back.isEnabled()
        open_now = next(a for a in recent.actions() if a.data() == str(fresh.resolve()))
        assert open_now.isChecked() and not open_now.isEnabled()
        back.trigger()
        again = desk.app.current_window
        assert again is not window
        assert again is not None
        qtbot.addWidget(again)
        assert again.programme is not None and again.programme.code == "FOW"
        again.close()
        again.repo.close()
    finally:
        window.close()
        window.repo.close()


def test_opening_a_file_that_is_not_a_database_says_so_in_one_line_and_keeps_the_window(
    desk: Desk, tmp_path: Path, messages: list[tuple[str, str, str]]
) -> None:
    letter = tmp_path / "minutes.db"
    letter.write_text("Minutes of the Scrutiny Inquiry Panel\n")
    before = letter.read_bytes()
    desk.open_file = letter
    desk.trigger(desk.databases.open)
    assert desk.replacement() is None
    assert messages[-1][0] == "warning" and "\n" not in messages[-1][2]
    assert "minutes.db" in messages[-1][2]
    assert letter.read_bytes() == before
    assert desk.window.programme is not None and desk.window.programme.code == "FOW"


def test_the_restore_list_shows_each_backups_file_date_and_size(desk: Desk, qtbot: Any) -> None:
    desk.trigger(desk.workflow.backup_action)
    backup = list_backups(desk.repo.backups_dir)[0]
    shown: list[list[str]] = []

    def look(dialog: QDialog) -> bool:
        assert isinstance(dialog, RestoreBackupDialog)
        item = dialog.list.topLevelItem(0)
        shown.append([item.text(c) for c in range(dialog.list.columnCount())])
        return False

    desk.dialog_answers.append(look)
    desk.databases.restore.trigger()
    taken, why, size, name = shown[0]
    assert name == backup.path.name
    assert taken == f"{backup.taken_at:%d/%m/%Y %H:%M:%S}"
    assert why == "manual"
    assert size.endswith(" KB") and int(size.split()[0]) == round(backup.path.stat().st_size / 1024)


def test_messages_in_the_window_read_as_sentences_while_the_cli_keeps_its_line(
    desk: Desk, messages: list[tuple[str, str, str]]
) -> None:
    desk.databases.restore.trigger()  # a new database has no backups yet
    assert messages[-1][2].startswith("There are no backups in ")


def test_a_message_starting_with_a_file_name_keeps_its_case() -> None:
    from fowdesk.ui.text import sentence

    assert (
        sentence("minutes.db is not a fowdesk database") == "minutes.db is not a fowdesk database"
    )
    assert sentence("there are no backups yet") == "There are no backups yet"
    assert sentence("") == ""


def test_the_import_preview_columns_fit_the_dialog_and_long_text_wraps(
    desk: Desk, tmp_path: Path, qtbot: Any
) -> None:
    returned = desk.export_return(tmp_path / "return.xlsx")
    long_reason = "The RSA board met late and asked for a fuller legal review " * 3
    edit_return(
        returned,
        [
            (
                MILESTONES,
                "Milestone",
                "Agree terms of commission with the RSA",
                "Target",
                "June 2020",
            ),
            (
                MILESTONES,
                "Milestone",
                "Agree terms of commission with the RSA",
                "Reason for change",
                long_reason,
            ),
        ],
    )
    seen = desk.answer_import_preview(apply=False)
    desk.open_file = returned
    desk.trigger(desk.workflow.import_action)
    dialog = seen[0]
    qtbot.addWidget(dialog)
    dialog.resize(1000, 600)
    dialog.show()
    qtbot.waitExposed(dialog)
    view = dialog.view
    total = sum(view.columnWidth(c) for c in range(dialog.model.columnCount()))
    assert total <= view.viewport().width() + 1, "every column, Note and Now too, is in view"
    row = next(
        r for r in range(dialog.model.rowCount()) if "Reason:" in dialog.model.preview_row(r).note
    )
    assert view.rowHeight(row) > 2 * view.fontMetrics().lineSpacing(), "the long note wraps"


def test_the_status_bar_keeps_what_a_finished_job_did(desk: Desk, tmp_path: Path) -> None:
    desk.export_return(tmp_path / "return.xlsx")
    assert desk.window.status_message.text() == "Exported return.xlsx"
    assert not desk.window.progress_bar.isVisible()
    desk.trigger(desk.workflow.backup_action)
    assert desk.window.status_message.text().startswith("Backed up to fowdesk-")
