"""The reporting cycle in the window, driven by keys and clicks on a real database.

A published period is closed (its narrative cannot be typed into; the
banner's button starts the next), the Start dialog proposes the next month
and keeps what was typed when something is wrong, Publish takes the
report's options and lists the gaps first, a reprint gives the published
bytes with its options greyed out, and the window judges RAG as the PDF does.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from fowdesk.domain.model import Rag
from fowdesk.domain.periods import report_as_at
from fowdesk.domain.summary import summarise
from fowdesk.exports.pdf_report import report_pdf_bytes
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.models import CardListModel
from fowdesk.ui.workflow import Workflow
from fowdesk.ui.workflow_dialogs import NewPeriodDialog, PdfOptionsDialog, PublishDialog
from ui.answering import Answers, press_ok, type_into
from ui.conftest import WindowOpener


@pytest.fixture
def answers(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> Answers:
    return Answers(qtbot, monkeypatch)


@pytest.fixture
def workflow(window: MainWindow, opener: WindowOpener) -> Workflow:
    return opener.app.workflow(window)


@pytest.fixture
def saved_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """File → Save dialogs answer with the next path in this list; exports are not opened."""
    names: list[Path] = []

    def save_as(*_args: Any, **_kwargs: Any) -> tuple[str, str]:
        return (str(names.pop(0)), "") if names else ("", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    from fowdesk.ui import prompts

    monkeypatch.setattr(prompts, "ask_open_exported", lambda _parent, _path: "")
    return names


def wait_idle(qtbot: Any, opener: WindowOpener) -> None:
    qtbot.waitUntil(lambda: not opener.app.jobs.busy, timeout=60000)


def open_card(window: MainWindow, ref: str, tab: int = 0) -> None:
    window.show_ref(ref)
    assert window.editor.card is not None and window.editor.card.ref == ref
    window.editor.tabs.setCurrentIndex(tab)


def accept_the_proposal(qtbot: Any) -> Any:
    def script(dialog: NewPeriodDialog) -> None:
        press_ok(qtbot, dialog)

    return script


# ---------------------------------------------------------------------- a closed period


def test_typing_into_the_published_february_is_impossible_and_the_banner_starts_march(
    window: MainWindow, workflow: Workflow, opener: WindowOpener, answers: Answers, qtbot: Any
) -> None:
    open_card(window, "3", tab=1)
    editor = window.editor
    before = editor.card.progress_for("February 2020") if editor.card else []
    banner = editor.closed_banner
    assert banner.isVisible()
    assert banner.label.text() == (
        "February 2020 is published. Start March 2020 to record new progress."
    )
    assert banner.button.text() == "Start March 2020…"
    assert editor.progress_edit.isReadOnly()
    assert not editor.progress.carry_button.isEnabled()
    editor.progress_edit.setFocus()
    qtbot.keyClicks(editor.progress_edit, "Typed into a closed period")
    editor.flush()
    assert "Typed into a closed period" not in editor.progress_edit.toPlainText()
    uuid = opener.repo.card_uuid_for_ref("FOW", "3")  # type: ignore[union-attr]
    assert opener.repo.card(uuid).progress_for("February 2020") == before  # type: ignore[union-attr]

    proposals: list[tuple[str, str, str]] = []

    def start_march(dialog: NewPeriodDialog) -> None:
        proposals.append(
            (dialog.label_edit.text(), dialog.as_at_edit.text(), dialog.meeting_edit.text())
        )
        press_ok(qtbot, dialog)

    answers.expect(start_march)
    with qtbot.waitSignal(window.reloaded):  # the programme is read again on the job pool
        qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)
    assert proposals == [("March 2020", "31/03/2020", "")]
    programme = opener.repo.load_programme("FOW")  # type: ignore[union-attr]
    assert programme.current_period is not None
    assert (programme.current_period.label, programme.current_period.as_at) == (
        "March 2020",
        date(2020, 3, 31),
    )
    assert not banner.isVisible()
    assert not editor.progress_edit.isReadOnly()
    assert window.status_message.text().startswith("Started March 2020 (as at 31/03/2020)")
    editor.progress_edit.setFocus()
    qtbot.keyClicks(editor.progress_edit, "- Recorded in March")
    editor.flush()
    card = opener.repo.card(uuid)  # type: ignore[union-attr]
    assert [p.text for p in card.progress_for("March 2020")] == ["Recorded in March"]
    assert card.progress_for("February 2020") == before


def test_milestones_stay_editable_in_a_published_period_and_show_as_changes(
    window: MainWindow, opener: WindowOpener, qtbot: Any
) -> None:
    open_card(window, "2", tab=2)
    editor = window.editor
    first = editor.milestone_model.milestone(0)
    editor.milestones.select_milestone(first.uuid)
    qtbot.mouseClick(editor.milestone_buttons["complete"], Qt.MouseButton.LeftButton)
    assert str(opener.repo.milestone(first.uuid).status) == "Complete"  # type: ignore[union-attr]
    detail = editor.closed_banner.detail.text()
    assert detail.startswith("Changed since the published February 2020 report: ")
    assert f"Milestone completed: {first.description}" in detail
    assert first.uuid in editor.milestone_model.changed
    tip = editor.milestone_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Changed since the published report: Milestone completed")
    assert editor.milestone_model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is None


# ---------------------------------------------------------------------- starting a period


def test_the_start_dialog_keeps_what_was_typed_and_says_what_is_wrong(
    window: MainWindow, workflow: Workflow, opener: WindowOpener, answers: Answers, qtbot: Any
) -> None:
    seen: dict[str, Any] = {}

    def type_a_duplicate_then_an_impossible_date_then_fix_both(dialog: NewPeriodDialog) -> None:
        type_into(qtbot, dialog.label_edit, "february  2020")
        type_into(qtbot, dialog.meeting_edit, "Scrutiny Inquiry Panel, 9 April 2020")
        press_ok(qtbot, dialog)
        assert dialog.isVisible(), "a duplicate label closed the dialog"
        seen["duplicate"] = dialog.problem_label.text()
        type_into(qtbot, dialog.label_edit, "March 2020")
        type_into(qtbot, dialog.as_at_edit, "31/02/2020")
        seen["in place"] = dialog.as_at_field.message.text()
        press_ok(qtbot, dialog)
        assert dialog.isVisible(), "an impossible date closed the dialog"
        seen["on OK"] = (dialog.as_at_field.message.text(), dialog.problem_label.text())
        seen["kept"] = (
            dialog.label_edit.text(),
            dialog.as_at_edit.text(),
            dialog.meeting_edit.text(),
        )
        type_into(qtbot, dialog.as_at_edit, "31032020")
        press_ok(qtbot, dialog)

    answers.expect(type_a_duplicate_then_an_impossible_date_then_fix_both)
    workflow.new_period_action.trigger()
    assert seen["duplicate"] == "period 'February 2020' already exists"
    assert seen["in place"] == "'31/02/2020' is not a date: February 2020 has 29 days"
    assert seen["on OK"] == ("'31/02/2020' is not a date: February 2020 has 29 days", "")
    assert seen["kept"] == ("March 2020", "31/02/2020", "Scrutiny Inquiry Panel, 9 April 2020")
    march = opener.repo.load_programme("FOW").current_period  # type: ignore[union-attr]
    assert march is not None
    assert (march.label, march.as_at, march.meeting) == (
        "March 2020",
        date(2020, 3, 31),
        "Scrutiny Inquiry Panel, 9 April 2020",
    )


def test_a_half_typed_date_is_not_turned_into_another(
    window: MainWindow, workflow: Workflow, opener: WindowOpener, answers: Answers, qtbot: Any
) -> None:
    seen: list[tuple[str, str]] = []

    def leave_the_date_half_typed(dialog: NewPeriodDialog) -> None:
        type_into(qtbot, dialog.as_at_edit, "31/0")
        qtbot.keyClick(dialog.as_at_edit, Qt.Key.Key_Tab)  # focus leaves the box
        press_ok(qtbot, dialog)
        seen.append((dialog.as_at_edit.text(), dialog.as_at_field.message.text()))
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    answers.expect(leave_the_date_half_typed)
    workflow.new_period_action.trigger()
    assert seen == [("31/0", "'31/0' is not a date (use DD/MM/YYYY)")]
    assert len(opener.repo.load_programme("FOW").periods) == 1  # type: ignore[union-attr]


# ---------------------------------------------------------------------- publishing and reprints


def test_publish_takes_the_reports_options_and_a_reprint_gives_the_same_bytes(
    window: MainWindow,
    workflow: Workflow,
    opener: WindowOpener,
    answers: Answers,
    saved_files: list[Path],
    tmp_path: Path,
    qtbot: Any,
) -> None:
    repo = opener.repo
    assert repo is not None
    answers.expect(accept_the_proposal(qtbot))
    with qtbot.waitSignal(window.reloaded):
        workflow.new_period_action.trigger()

    # A draft before publishing is printed as asked and freezes nothing.
    def draft_appendix_9(dialog: PdfOptionsDialog) -> None:
        assert dialog.appendix_edit.isEnabled() and not dialog.reprint_label.isVisible()
        type_into(qtbot, dialog.appendix_edit, "9")
        press_ok(qtbot, dialog)

    saved_files.append(tmp_path / "draft.pdf")
    answers.expect(draft_appendix_9)
    workflow.export_pdf_action.trigger()
    wait_idle(qtbot, opener)
    assert "Appendix 9" in pdf_text((tmp_path / "draft.pdf").read_bytes())
    assert repo.period_pdf("FOW", "March 2020") is None

    warnings: list[str] = []

    def publish_as_appendix_7(dialog: PublishDialog) -> None:
        assert dialog.windowTitle() == "Publish March 2020"
        assert dialog.warnings_view is not None
        warnings.append(dialog.warnings_view.toPlainText())
        type_into(qtbot, dialog.appendix_edit, "7")
        type_into(qtbot, dialog.meeting_edit, "Cabinet, 21 April 2020")
        qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)

    answers.expect(publish_as_appendix_7)
    workflow.publish_action.trigger()
    wait_idle(qtbot, opener)
    assert "18 recommendations have no update for March 2020" in warnings[0]
    assert "Lead code SLE is not in the lead-role key" in warnings[0]
    march = repo.load_programme("FOW").period("March 2020")
    assert march is not None and march.published and march.meeting == "Cabinet, 21 April 2020"
    stored = repo.period_pdf("FOW", "March 2020")
    assert stored is not None and "Appendix 7" in pdf_text(stored)
    assert window.status_message.text() == "Published March 2020: its report is frozen"

    greyed: list[tuple[bool, bool, str, str]] = []

    def reprint(dialog: PdfOptionsDialog) -> None:
        greyed.append(
            (
                dialog.appendix_edit.isEnabled(),
                dialog.changes_check.isEnabled(),
                dialog.appendix_edit.text(),
                dialog.reprint_label.text(),
            )
        )
        press_ok(qtbot, dialog)

    for name in ("first reprint.pdf", "second reprint.pdf"):
        saved_files.append(tmp_path / name)
        answers.expect(reprint)
        workflow.reprint_action.trigger()
        wait_idle(qtbot, opener)
    assert (
        greyed
        == [
            (
                False,
                False,
                "7",
                "Reprint of the published report (Appendix 7, Cabinet, 21 April 2020)",
            )
        ]
        * 2
    )
    assert (tmp_path / "first reprint.pdf").read_bytes() == stored
    assert (tmp_path / "second reprint.pdf").read_bytes() == stored


def test_a_publish_warning_links_to_its_card_and_publishes_nothing(
    window: MainWindow, workflow: Workflow, opener: WindowOpener, answers: Answers, qtbot: Any
) -> None:
    answers.expect(accept_the_proposal(qtbot))
    with qtbot.waitSignal(window.reloaded):
        workflow.new_period_action.trigger()
    open_card(window, "1")

    def follow_the_first_link(dialog: PublishDialog) -> None:
        view = dialog.warnings_view
        assert view is not None
        view.setFocus()
        qtbot.keyClick(view, Qt.Key.Key_Tab)  # the first link: rec 1's no-update
        assert view.textCursor().selectedText() == "1"
        qtbot.keyClick(view, Qt.Key.Key_Return)

    open_card(window, "5")
    answers.expect(follow_the_first_link)
    workflow.publish_action.trigger()
    assert window.editor.card is not None and window.editor.card.ref == "1"
    march = opener.repo.load_programme("FOW").period("March 2020")  # type: ignore[union-attr]
    assert march is not None and not march.published


# ---------------------------------------------------------------------- one "as at"


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def printed_counts(pdf: bytes) -> dict[str, int]:
    """The summary page's RAG counts as printed ("R  Red\\n7")."""
    first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or ""
    return {
        letter: int(re.search(rf"{letter}\s+{name}\s*\n\s*(\d+)", first)[1])  # type: ignore[index]
        for letter, name in (("R", "Red"), ("A", "Amber"), ("G", "Green"), ("C", "Complete"))
    }


def shown_counts(window: MainWindow) -> dict[str, int]:
    letters = [
        str(window.card_model.index(row, CardListModel.RAG).data()).rstrip("*")
        for row in range(window.card_model.rowCount())
    ]
    return {letter: letters.count(letter) for letter in "RAGC"}


def test_rag_on_screen_is_the_pdfs_and_as_at_today_is_shown_under_a_banner(
    window: MainWindow, workflow: Workflow, opener: WindowOpener, answers: Answers, qtbot: Any
) -> None:
    def june(dialog: NewPeriodDialog) -> None:
        type_into(qtbot, dialog.label_edit, "June 2020")
        type_into(qtbot, dialog.as_at_edit, "30062020")
        press_ok(qtbot, dialog)

    answers.expect(june)
    with qtbot.waitSignal(window.reloaded):
        workflow.new_period_action.trigger()
    repo = opener.repo
    assert repo is not None
    _, _, pdf = report_pdf_bytes(repo, code="FOW", period="June 2020")
    on_paper = printed_counts(pdf)
    assert on_paper == {"R": 7, "A": 3, "G": 9, "C": 0}
    assert shown_counts(window) == on_paper
    with qtbot.waitSignal(window.dashboard.updated):
        window.show_dashboard()
    chips = {rag.value: int(c.count_label.text()) for rag, c in window.dashboard.chips.items()}
    assert chips == on_paper
    assert "June 2020 · as at 30/06/2020 · open, not yet published" in (
        window.dashboard.heading.text()
    )
    window.show_cards()
    open_card(window, "3")
    assert window.editor.rag_reason.text().startswith("As at 30/06/2020 (June 2020's report date):")

    # View → As at today: today's view, with a banner until it is switched off.
    menu = opener.app.parts(window).menus.view
    assert window.as_at_today_action in menu.actions()
    window.as_at_today_action.trigger()
    today = summarise(repo.load_programme("FOW"), date.today())
    assert window.as_at_banner.isVisible()
    assert "Showing RAG as at today" in window.as_at_banner.label.text()
    assert shown_counts(window)["R"] == today.rag_counts[Rag.RED]
    assert window.editor.rag_reason.text().startswith("As at today")
    qtbot.mouseClick(window.as_at_banner.button, Qt.MouseButton.LeftButton)
    assert not window.as_at_today_action.isChecked()
    assert not window.as_at_banner.isVisible()
    assert shown_counts(window) == on_paper
    assert report_as_at(repo.load_programme("FOW")) == date(2020, 6, 30)
