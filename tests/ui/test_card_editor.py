"""The card editor as an officer uses it: edits save as made, survive reopening, undo."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QLineEdit

from fowdesk.domain.model import MilestoneStatus
from fowdesk.storage.repository import Repository
from fowdesk.ui import dialogs
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.milestones_panel import MILESTONE_LINE_CHARS
from fowdesk.ui.models import HistoryModel, MilestoneTableModel
from fowdesk.ui.widgets.date_edit import DateLineEdit


def card_in_file(repo: Repository, ref: str):
    return repo.card(repo.card_uuid_for_ref("FOW", ref))


def open_card(window: MainWindow, ref: str, tab: int = 0) -> None:
    window.show_ref(ref)
    assert window.editor.card is not None and window.editor.card.ref == ref
    window.editor.tabs.setCurrentIndex(tab)


def replace_text(qtbot, edit: QLineEdit, text: str) -> None:
    """Select all and type, then press Enter: what an officer does in a field."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def undo_with_keyboard(qtbot, window: MainWindow) -> None:
    window.card_view.setFocus()
    qtbot.keyClick(window.card_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def redo_with_keyboard(qtbot, window: MainWindow) -> None:
    window.card_view.setFocus()
    qtbot.keyClick(window.card_view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)


def click_cell(qtbot, view, row: int, column: int, double: bool = False) -> None:
    index = view.model().index(row, column)
    view.scrollTo(index)
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    if double:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)


# ---------------------------------------------------------------------- narrative and fields


def test_typed_narrative_is_saved_and_survives_reopening(march_window, opener, qtbot) -> None:
    window = march_window
    open_card(window, "3", tab=1)
    edit = window.editor.progress_edit
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # continues the bullet list
    qtbot.keyClicks(edit, "Skills board approved the pilot schools list")
    assert window.save_state.text() == "Unsaved changes…"
    qtbot.waitUntil(lambda: not window.editor.has_unsaved_changes(), timeout=3000)
    assert window.save_state.text().startswith("Saved")

    window = opener.reopen()
    open_card(window, "3", tab=1)
    progress = card_in_file(opener.repo, "3").progress_for("March 2020")
    assert progress[-1].text == "Skills board approved the pilot schools list"
    assert progress[-1].bulleted
    assert len(progress) == 4
    assert "Skills board approved" in window.editor.progress_edit.toPlainText()


def test_enter_on_a_bullet_starts_the_next_and_on_an_empty_one_ends_the_list(
    march_window: MainWindow, opener, qtbot
) -> None:
    window = march_window
    open_card(window, "2", tab=1)
    edit = window.editor.progress_edit
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClicks(edit, "Second point")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClicks(edit, "A closing remark.")
    window.editor.flush()
    paragraphs = card_in_file(opener.repo, "2").progress_for("March 2020")
    assert [(p.text, p.bulleted) for p in paragraphs[-2:]] == [
        ("Second point", True),
        ("A closing remark.", False),
    ]


def test_leaving_the_narrative_saves_it_at_once(march_window: MainWindow, opener, qtbot) -> None:
    window = march_window
    open_card(window, "7", tab=1)
    edit = window.editor.progress_edit
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(edit, " Extra words.")
    window.card_view.setFocus()  # focus leaves the text box
    assert not window.editor.has_unsaved_changes()
    text = card_in_file(opener.repo, "7").progress_for("March 2020")[-1].text
    assert text.endswith("Extra words.")


def test_title_edit_is_saved_and_audited_with_the_officers_name(window, opener, qtbot) -> None:
    open_card(window, "4")
    replace_text(qtbot, window.editor.title_edit, "Simplify adult learning")
    card = card_in_file(opener.repo, "4")
    assert card.title == "Simplify adult learning"
    history = opener.repo.card_history(card.uuid)
    assert (history[-1].field, history[-1].old, history[-1].new, history[-1].who) == (
        "title",
        "Simplify the Adult Learning Landscape",
        "Simplify adult learning",
        "officer",
    )
    assert window.card_view.currentIndex().siblingAtColumn(1).data() == "Simplify adult learning"


def test_history_panel_shows_who_changed_what(window: MainWindow, qtbot) -> None:
    open_card(window, "4")
    replace_text(qtbot, window.editor.title_edit, "Simplify adult learning")
    window.editor.tabs.setCurrentIndex(3)
    model = window.editor.history.model
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row[HistoryModel.WHO] == "officer"
    assert row[HistoryModel.WHAT] == "title"
    assert row[HistoryModel.WAS] == "Simplify the Adult Learning Landscape"
    assert row[HistoryModel.NOW] == "Simplify adult learning"
    assert row[HistoryModel.WHEN].count("/") == 2  # dd/mm/yyyy


def test_status_theme_and_leads_save_as_chosen(window: MainWindow, opener) -> None:
    open_card(window, "9")
    editor = window.editor
    editor.details.status_combo.setCurrentText("On hold")
    editor.details.status_combo.activated.emit(editor.details.status_combo.currentIndex())
    theme = window.programme.themes[1]
    editor.details.theme_combo.setCurrentIndex(editor.details.theme_combo.findData(theme))
    editor.details.theme_combo.activated.emit(editor.details.theme_combo.currentIndex())
    hod = next(a for a in editor.details.leads_menu.actions() if a.data() == "HOD")
    hod.setChecked(True)
    card = card_in_file(opener.repo, "9")
    assert str(card.status) == "On hold"
    assert card.theme == theme
    assert card.leads == ["HOD", "SSM"] or card.leads == ["SSM", "HOD"]
    assert editor.details.leads_button.text().replace("&&", "&") in ("SSM/HOD", "HOD/SSM")


def test_rag_override_shows_with_its_reason(window: MainWindow, opener, qtbot) -> None:
    open_card(window, "10")
    editor = window.editor
    editor.details.override_combo.setCurrentIndex(editor.details.override_combo.findData("A"))
    editor.details.override_combo.activated.emit(editor.details.override_combo.currentIndex())
    replace_text(qtbot, editor.details.override_reason, "Funding not yet confirmed")
    card = card_in_file(opener.repo, "10")
    assert card.rag_override is not None and card.rag_override.value == "A"
    assert card.rag_override_reason == "Funding not yet confirmed"
    assert editor.rag_chip.text().startswith("A  Amber (override)")
    assert "Funding not yet confirmed" in editor.rag_reason.text()


def test_carry_forward_copies_last_periods_narrative(opener, qtbot) -> None:
    repo = Repository.open(opener.path, user="clerk")
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    repo.close()
    window = opener.open()
    open_card(window, "2", tab=1)
    editor = window.editor
    assert "DigitalMe" in editor.progress.previous_view.toPlainText()
    assert editor.progress_edit.toPlainText() == ""
    qtbot.mouseClick(editor.progress.carry_button, Qt.MouseButton.LeftButton)
    card = card_in_file(opener.repo, "2")
    assert card.progress_for("March 2020") == card.progress_for("February 2020")
    assert "DigitalMe" in editor.progress_edit.toPlainText()


# ---------------------------------------------------------------------- milestones


def test_milestone_status_chosen_in_the_table_survives_reopening(opener, qtbot) -> None:
    window = opener.open()
    open_card(window, "2", tab=2)
    view = window.editor.milestone_view
    assert view.model().rowCount() == 7
    click_cell(qtbot, view, 0, MilestoneTableModel.STATUS, double=True)
    combo = view.findChild(QComboBox)
    assert combo is not None and combo.isVisible()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # Not started → In progress, chosen

    window = opener.reopen()
    open_card(window, "2", tab=2)
    model = window.editor.milestone_model
    assert model.index(0, MilestoneTableModel.STATUS).data() == "In progress"
    milestone = card_in_file(opener.repo, "2").milestones[0]
    assert milestone.status is MilestoneStatus.IN_PROGRESS


def test_mark_complete_records_todays_date(window: MainWindow, opener, qtbot) -> None:
    open_card(window, "2", tab=2)
    editor = window.editor
    click_cell(qtbot, editor.milestone_view, 1, MilestoneTableModel.DESCRIPTION)
    qtbot.mouseClick(editor.milestone_buttons["complete"], Qt.MouseButton.LeftButton)
    milestone = card_in_file(opener.repo, "2").milestones[1]
    assert milestone.status is MilestoneStatus.COMPLETE
    assert milestone.completed_on == date.today()
    cell = editor.milestone_model.index(1, MilestoneTableModel.COMPLETED).data()
    assert cell == date.today().strftime("%d/%m/%Y")


def test_completed_on_is_typed_as_a_uk_date_with_or_without_slashes(
    window: MainWindow, opener, qtbot
) -> None:
    open_card(window, "4", tab=2)
    view = window.editor.milestone_view
    click_cell(qtbot, view, 0, MilestoneTableModel.COMPLETED, double=True)
    box = view.findChild(DateLineEdit)
    assert box is not None and box.placeholderText() == "dd/mm/yyyy"
    box.selectAll()
    qtbot.keyClicks(box, "09032020")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: card_in_file(opener.repo, "4").milestones[0].completed_on == date(2020, 3, 9)
    )
    cell = window.editor.milestone_model.index(0, MilestoneTableModel.COMPLETED).data()
    assert cell == "09/03/2020"


def test_revise_target_records_the_reason_and_keeps_the_original(
    window: MainWindow, opener, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[Any] = []

    def answer(_parent, milestone, _year_from, new_target=None):
        asked.append((milestone.description, new_target))
        return "June 2020", "RSA legal review took longer"

    monkeypatch.setattr(dialogs, "ask_target_revision", answer)
    open_card(window, "2", tab=2)
    editor = window.editor
    click_cell(qtbot, editor.milestone_view, 0, MilestoneTableModel.DESCRIPTION)
    qtbot.mouseClick(editor.milestone_buttons["revise"], Qt.MouseButton.LeftButton)
    assert asked == [("Clear RSA for exemption as an SCC supplier", None)]
    milestone = card_in_file(opener.repo, "2").milestones[0]
    assert milestone.target == "June 2020"
    assert milestone.original_target == "March 2020"
    assert [r.reason for r in milestone.revisions] == ["RSA legal review took longer"]
    model = editor.milestone_model
    assert model.index(0, MilestoneTableModel.REVISED).data() == "1× – originally March 2020"
    assert model.index(0, MilestoneTableModel.WINDOW).data() == "01/06/2020 – 30/06/2020"


def test_typing_a_new_target_in_the_cell_asks_for_the_reason(
    window: MainWindow, opener, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        dialogs,
        "ask_target_revision",
        lambda _p, _m, _y, new_target=None: (new_target, "Board moved"),
    )
    open_card(window, "2", tab=2)
    view = window.editor.milestone_view
    click_cell(qtbot, view, 1, MilestoneTableModel.TARGET, double=True)
    editor = view.findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, "May 2020")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits a cell editor on its next turn
    qtbot.waitUntil(lambda: card_in_file(opener.repo, "2").milestones[1].target == "May 2020")
    milestone = card_in_file(opener.repo, "2").milestones[1]
    assert (milestone.target, milestone.original_target) == ("May 2020", "April 2020")
    assert milestone.revisions[0].reason == "Board moved"


def test_a_target_that_cannot_be_read_is_flagged(window: MainWindow, opener) -> None:
    card = card_in_file(opener.repo, "5")
    opener.repo.add_milestone(card.uuid, "Launch the hub", "when funding allows")
    window.show_ref("4")
    open_card(window, "5", tab=2)
    model = window.editor.milestone_model
    row = model.rowCount() - 1
    assert model.index(row, MilestoneTableModel.WINDOW).data() == "⚠ not understood"
    assert "cannot read" in model.index(row, MilestoneTableModel.TARGET).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert window.editor.milestones.hint.text().startswith("⚠ 1 target")


def test_ctrl_n_adds_a_milestone_and_undo_removes_it(window: MainWindow, opener, qtbot) -> None:
    open_card(window, "9")
    window.card_view.setFocus()
    qtbot.keyClick(window.card_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert [m.description for m in card_in_file(opener.repo, "9").milestones] == ["New milestone"]
    assert window.editor.tabs.currentIndex() == 2
    undo_with_keyboard(qtbot, window)
    assert card_in_file(opener.repo, "9").milestones == []
    redo_with_keyboard(qtbot, window)
    assert len(card_in_file(opener.repo, "9").milestones) == 1


def test_moving_a_milestone_down_keeps_the_new_order(window: MainWindow, opener, qtbot) -> None:
    open_card(window, "2", tab=2)
    editor = window.editor
    before = [m.description for m in card_in_file(opener.repo, "2").milestones]
    click_cell(qtbot, editor.milestone_view, 0, MilestoneTableModel.DESCRIPTION)
    qtbot.mouseClick(editor.milestone_buttons["down"], Qt.MouseButton.LeftButton)
    after = [m.description for m in card_in_file(opener.repo, "2").milestones]
    assert after == [before[1], before[0], *before[2:]]
    assert editor.milestones.selected_milestone().description == before[0]


# ---------------------------------------------------------------------- undo


def test_undo_puts_the_previous_title_back_in_the_file(window: MainWindow, opener, qtbot) -> None:
    open_card(window, "5")
    replace_text(qtbot, window.editor.title_edit, "Digital skills for all")
    assert card_in_file(opener.repo, "5").title == "Digital skills for all"
    undo_with_keyboard(qtbot, window)
    assert card_in_file(opener.repo, "5").title == "Digital Skills"
    assert window.editor.title_edit.text() == "Digital Skills"
    redo_with_keyboard(qtbot, window)
    assert card_in_file(opener.repo, "5").title == "Digital skills for all"
    titles = [
        (e.old, e.new)
        for e in opener.repo.card_history(card_in_file(opener.repo, "5").uuid)
        if e.field == "title"
    ]
    assert titles == [
        ("Digital Skills", "Digital skills for all"),
        ("Digital skills for all", "Digital Skills"),
        ("Digital Skills", "Digital skills for all"),
    ]


def test_undo_shows_the_card_it_changes(window: MainWindow, opener, qtbot) -> None:
    open_card(window, "5")
    replace_text(qtbot, window.editor.title_edit, "Digital skills for all")
    window.show_ref("8")
    undo_with_keyboard(qtbot, window)
    assert window.editor.card is not None and window.editor.card.ref == "5"
    assert window.editor.title_edit.text() == "Digital Skills"
    assert card_in_file(opener.repo, "5").title == "Digital Skills"


def test_delete_key_in_the_milestone_table_removes_the_milestone(
    window: MainWindow, opener, qtbot
) -> None:
    open_card(window, "4", tab=2)
    view = window.editor.milestone_view
    click_cell(qtbot, view, 0, MilestoneTableModel.NUMBER)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert len(card_in_file(opener.repo, "4").milestones) == 2


def test_undo_of_a_deleted_milestone_brings_it_back_where_it_was(
    window: MainWindow, opener, qtbot
) -> None:
    open_card(window, "2", tab=2)
    editor = window.editor
    original = [m.uuid for m in card_in_file(opener.repo, "2").milestones]
    click_cell(qtbot, editor.milestone_view, 2, MilestoneTableModel.DESCRIPTION)
    qtbot.mouseClick(editor.milestone_buttons["delete"], Qt.MouseButton.LeftButton)
    assert len(card_in_file(opener.repo, "2").milestones) == 6
    assert editor.milestone_model.rowCount() == 6
    assert "Ctrl+Z" in window.save_state.text()
    undo_with_keyboard(qtbot, window)
    assert [m.uuid for m in card_in_file(opener.repo, "2").milestones] == original
    assert editor.milestone_model.rowCount() == 7


def test_undo_of_a_revised_target_takes_the_revision_off_the_record(
    window: MainWindow, opener, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        dialogs, "ask_target_revision", lambda *_a, **_k: ("July 2020", "Waiting for RSA")
    )
    open_card(window, "2", tab=2)
    editor = window.editor
    click_cell(qtbot, editor.milestone_view, 0, MilestoneTableModel.DESCRIPTION)
    qtbot.mouseClick(editor.milestone_buttons["revise"], Qt.MouseButton.LeftButton)
    undo_with_keyboard(qtbot, window)
    milestone = card_in_file(opener.repo, "2").milestones[0]
    assert (milestone.target, milestone.original_target, milestone.revisions) == (
        "March 2020",
        None,
        [],
    )
    fields = [e.field for e in opener.repo.audit_for([milestone.uuid])]
    assert fields.count("target") == 2  # the revision and its undo are both on record


def test_undo_of_a_milestone_status_restores_it_in_the_file(
    window: MainWindow, opener, qtbot
) -> None:
    open_card(window, "3", tab=2)
    editor = window.editor
    click_cell(qtbot, editor.milestone_view, 0, MilestoneTableModel.DESCRIPTION)
    qtbot.mouseClick(editor.milestone_buttons["complete"], Qt.MouseButton.LeftButton)
    assert card_in_file(opener.repo, "3").milestones[0].status is MilestoneStatus.COMPLETE
    undo_with_keyboard(qtbot, window)
    milestone = card_in_file(opener.repo, "3").milestones[0]
    assert (milestone.status, milestone.completed_on) == (MilestoneStatus.NOT_STARTED, None)


# ---------------------------------------------------------------------- two windows, one file


def test_a_stale_edit_is_refused_with_a_message_and_nothing_is_lost(
    window: MainWindow, opener, other_process: Repository, messages: list, qtbot
) -> None:
    open_card(window, "1")
    card = card_in_file(other_process, "1")
    other_process.update_card(card.uuid, card.version, title="Solent strategy (PMO wording)")

    replace_text(qtbot, window.editor.title_edit, "Solent strategy (officer wording)")

    assert card_in_file(opener.repo, "1").title == "Solent strategy (PMO wording)"
    assert len(messages) == 1
    kind, _title, text = messages[0]
    assert kind == "warning"
    assert "changed by someone else" in text and "newer values are now shown" in text
    assert window.editor.title_edit.text() == "Solent strategy (PMO wording)"
    assert QGuiApplication.clipboard().text() == "Solent strategy (officer wording)"
    assert window.save_state.text() == "Not saved – changed elsewhere"
    # the officer can now make their edit on top of the newer card
    replace_text(qtbot, window.editor.title_edit, "Solent strategy (agreed wording)")
    assert card_in_file(opener.repo, "1").title == "Solent strategy (agreed wording)"
    assert len(messages) == 1


def test_a_stale_narrative_keeps_the_officers_text_on_the_clipboard(
    window: MainWindow, opener, other_process: Repository, messages: list
) -> None:
    open_card(window, "6", tab=1)
    card = card_in_file(other_process, "6")
    other_process.update_card(card.uuid, card.version, next_steps_text="PMO note")
    window.editor.progress_edit.setPlainText("• Levy transfer agreed with two SMEs")
    window.editor.flush()
    assert len(messages) == 1
    assert QGuiApplication.clipboard().text() == "• Levy transfer agreed with two SMEs"
    assert card_in_file(opener.repo, "6").progress_for("February 2020") == card.progress_for(
        "February 2020"
    )


def test_a_milestone_changed_elsewhere_is_not_overwritten(
    window: MainWindow, opener, other_process: Repository, messages: list, qtbot
) -> None:
    open_card(window, "2", tab=2)
    milestone = card_in_file(other_process, "2").milestones[0]
    other_process.update_milestone(milestone.uuid, milestone.version, status="Delayed")
    click_cell(qtbot, window.editor.milestone_view, 0, MilestoneTableModel.DESCRIPTION)
    qtbot.mouseClick(window.editor.milestone_buttons["complete"], Qt.MouseButton.LeftButton)
    assert card_in_file(opener.repo, "2").milestones[0].status is MilestoneStatus.DELAYED
    assert len(messages) == 1 and "milestone was changed by someone else" in messages[0][2]
    status = window.editor.milestone_model.index(0, MilestoneTableModel.STATUS).data()
    assert status == "Delayed"


def test_undo_after_someone_else_changed_the_card_is_refused(
    window: MainWindow, opener, other_process: Repository, messages: list, qtbot
) -> None:
    open_card(window, "5")
    replace_text(qtbot, window.editor.title_edit, "Digital skills for all")
    card = card_in_file(other_process, "5")
    other_process.update_card(card.uuid, card.version, title="Digital skills (PMO)")
    undo_with_keyboard(qtbot, window)
    assert card_in_file(opener.repo, "5").title == "Digital skills (PMO)"
    assert len(messages) == 1 and "changed by someone else" in messages[0][2]
    qtbot.waitUntil(lambda: not window.session.stack.canUndo())
    assert window.editor.title_edit.text() == "Digital skills (PMO)"


# ---------------------------------------------------------------------- polish: reading and ticking


def test_narrative_paragraphs_are_spaced_and_bullets_hang(window: MainWindow, qtbot) -> None:
    """Rec 3's long narrative reads as separate bullets, wrapped lines indented past the •."""
    window.resize(1366, 768)
    open_card(window, "3", tab=1)
    edit = window.editor.progress_edit
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # a new bullet, typed as an officer would
    qtbot.keyClicks(edit, "Skills board met")
    document = edit.document()
    blocks = [document.findBlockByNumber(n) for n in range(document.blockCount())]
    assert [b.text()[:2] for b in blocks] == ["• "] * 4
    for upper, lower in pairwise(blocks):
        upper_bottom = upper.layout().position().y() + upper.layout().boundingRect().height()
        assert lower.layout().position().y() - upper_bottom >= 4, "paragraphs run together"
    long_bullet = blocks[1]
    layout = long_bullet.layout()
    assert layout.lineCount() > 1, "rec 3's second bullet should wrap at this width"
    bullet_width = edit.fontMetrics().horizontalAdvance("• ")
    assert layout.lineAt(1).x() - layout.lineAt(0).x() >= bullet_width - 1, "no hanging indent"


def test_a_plain_paragraph_has_no_hanging_indent(march_window: MainWindow, qtbot) -> None:
    window = march_window
    open_card(window, "3", tab=1)
    edit = window.editor.progress_edit
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter on the empty bullet ends the list
    qtbot.keyClicks(edit, "A closing remark.")
    last = edit.document().lastBlock()
    assert last.text() == "A closing remark."
    assert last.blockFormat().leftMargin() == 0
    assert last.blockFormat().bottomMargin() > 0


def test_the_longest_titles_are_shown_whole_in_the_title_box(
    window: MainWindow, opener, qtbot
) -> None:
    window.resize(1366, 768)
    window.open_programme("DS2430")
    programme = window.programme
    assert programme is not None
    longest = max(programme.cards, key=lambda c: len(c.title))
    assert len(longest.title) > 150  # priority 6 of the Digital Strategy
    open_card(window, longest.ref)
    qtbot.wait(10)
    title = window.editor.title_edit
    assert title.text() == longest.title
    assert title.visible_lines() >= 2, "a long title wraps"
    assert title.verticalScrollBar().maximum() == 0, "every line of the title is in view"
    assert title.horizontalScrollBar().maximum() == 0


def laptop_at(window: MainWindow, width: int, height: int) -> None:
    """The window as a laptop screen leaves it, the card list taking its usual 36%."""
    window.resize(width, height)
    window.splitter.setSizes([round(width * 0.36), width - round(width * 0.36)])


def test_on_a_laptop_at_125_percent_the_due_window_gives_its_room_to_the_milestone(
    window: MainWindow, qtbot
) -> None:
    """1366×768 at 125% leaves Qt 1093×614: the milestone wrapped a word or two a line."""
    open_card(window, "2", tab=2)
    view, model = window.editor.milestone_view, window.editor.milestone_model
    line = view.fontMetrics().averageCharWidth() * MILESTONE_LINE_CHARS
    laptop_at(window, 1366, 768)
    qtbot.waitUntil(lambda: not view.isColumnHidden(MilestoneTableModel.WINDOW))
    laptop_at(window, 1093, 614)
    qtbot.waitUntil(lambda: view.isColumnHidden(MilestoneTableModel.WINDOW))
    assert view.columnWidth(MilestoneTableModel.DESCRIPTION) >= line
    assert view.horizontalScrollBar().maximum() == 0
    target = model.index(0, MilestoneTableModel.TARGET).data(Qt.ItemDataRole.ToolTipRole)
    assert target == "01/03/2020 – 31/03/2020", "the window is still on the target's tooltip"
    laptop_at(window, 1366, 768)
    qtbot.waitUntil(lambda: not view.isColumnHidden(MilestoneTableModel.WINDOW))
    assert view.columnWidth(MilestoneTableModel.DESCRIPTION) >= line


def test_with_the_due_window_hidden_the_hint_names_a_target_that_cannot_be_read(
    window: MainWindow, opener, qtbot
) -> None:
    card = card_in_file(opener.repo, "5")
    opener.repo.add_milestone(card.uuid, "Launch the hub", "when funding allows")
    laptop_at(window, 1093, 614)
    open_card(window, "5", tab=2)
    view, hint = window.editor.milestone_view, window.editor.milestones.hint
    qtbot.waitUntil(lambda: view.isColumnHidden(MilestoneTableModel.WINDOW))
    number = len(card.milestones) + 1
    assert hint.text() == (
        f"⚠ 1 target(s) cannot be read as dates (milestone {number}); "
        "hover over the target for examples."
    )
    laptop_at(window, 1366, 768)
    qtbot.waitUntil(lambda: not view.isColumnHidden(MilestoneTableModel.WINDOW))
    assert hint.text() == "⚠ 1 target(s) cannot be read as dates; hover for examples."


def test_typing_and_pasting_into_the_title_keeps_it_one_line(
    window: MainWindow, opener, qtbot
) -> None:
    open_card(window, "19")
    title = window.editor.title_edit
    QGuiApplication.clipboard().setText("Utilise the assets\nand support networks")
    title.setFocus()
    title.selectAll()
    qtbot.keyClick(title, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(title, " of the city")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert title.text() == "Utilise the assets and support networks of the city"
    assert card_in_file(opener.repo, "19").title == title.text()


def with_menu_open(qtbot, button, menu, steps) -> None:
    """Click ``button`` and run ``steps`` while its menu is open (it runs its own loop)."""
    errors: list[BaseException] = []
    ran: list[bool] = []

    def inside() -> None:
        try:
            qtbot.waitUntil(menu.isVisible, timeout=2000)
            steps()
            ran.append(True)
        except BaseException as error:  # re-raised once the menu has closed
            errors.append(error)
        finally:
            if menu.isVisible():
                qtbot.keyClick(menu, Qt.Key.Key_Escape)

    QTimer.singleShot(0, inside)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=2000)
    # The offscreen platform leaves the closed popup as the active window; a desktop does not.
    button.window().activateWindow()
    qtbot.waitUntil(button.window().isActiveWindow, timeout=2000)
    if errors:
        raise errors[0]
    assert ran, "the menu never opened"


#: What the offscreen platform says whenever a menu pops up; harmless for these tests.
MENU_POPUP_NOISE = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support grabbing"
)


def lead_action(editor, code: str):
    return next(a for a in editor.details.leads_menu.actions() if a.data() == code)


@MENU_POPUP_NOISE
def test_ticking_two_leads_keeps_the_menu_open_and_saves_both(opener, qtbot) -> None:
    window = opener.open()
    open_card(window, "10")  # led by HOD
    editor = window.editor
    menu = editor.details.leads_menu

    def tick(code: str) -> None:
        rect = menu.actionGeometry(lead_action(editor, code))
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=rect.center())
        assert menu.isVisible(), f"the menu closed after ticking {code}"

    def untick_hod_tick_edt_and_ssm() -> None:
        tick("HOD")
        tick("EDT")
        tick("SSM")
        assert [a.data() for a in menu.actions() if a.isChecked()] == ["EDT", "SSM"]

    with_menu_open(qtbot, editor.details.leads_button, menu, untick_hod_tick_edt_and_ssm)
    assert card_in_file(opener.repo, "10").leads == ["EDT", "SSM"]
    assert editor.details.leads_button.text() == "EDT/SSM"

    window = opener.reopen()
    open_card(window, "10")
    assert window.editor.details.leads_button.text() == "EDT/SSM"
    assert lead_action(window.editor, "EDT").isChecked()
    assert lead_action(window.editor, "SSM").isChecked()
    assert not lead_action(window.editor, "HOD").isChecked()


@MENU_POPUP_NOISE
def test_leads_can_be_ticked_from_the_keyboard_without_the_menu_closing(
    window: MainWindow, opener, qtbot
) -> None:
    open_card(window, "11")  # led by EDT; the key lists EDT, HOD, HoP & ED, SAH, SSM
    editor = window.editor
    menu = editor.details.leads_menu

    def add_hod_with_space_then_done() -> None:
        qtbot.keyClick(menu, Qt.Key.Key_Down)
        qtbot.keyClick(menu, Qt.Key.Key_Down)
        assert menu.activeAction() is lead_action(editor, "HOD")
        qtbot.keyClick(menu, Qt.Key.Key_Space)
        assert menu.isVisible()
        qtbot.keyClick(menu, Qt.Key.Key_Up)
        qtbot.keyClick(menu, Qt.Key.Key_Up)  # round to "Done"
        assert menu.activeAction().text() == "Done"
        qtbot.keyClick(menu, Qt.Key.Key_Return)
        assert not menu.isVisible()

    with_menu_open(qtbot, editor.details.leads_button, menu, add_hod_with_space_then_done)
    assert card_in_file(opener.repo, "11").leads == ["EDT", "HOD"]
    undo_with_keyboard(qtbot, window)
    assert card_in_file(opener.repo, "11").leads == ["EDT"]


def test_a_card_without_deliverables_says_so(window: MainWindow) -> None:
    open_card(window, "1")
    assert window.editor.details.deliverables_model.rowCount() == 0
    assert "none yet" in window.editor.details.deliverables_label.text()
    open_card(window, "3")
    assert window.editor.details.deliverables_label.text() == "Agreed deliverables:"


def test_a_long_rag_reason_is_cut_at_a_word_with_the_whole_reason_on_hover(
    window: MainWindow,
) -> None:
    window.as_at_today_action.trigger()  # as at today, three overdue milestones: a long reason
    open_card(window, "3")
    shown, whole = window.editor.rag_reason.text(), window.editor.rag_reason.toolTip()
    assert shown.endswith("…") and len(shown) <= 200
    kept = shown[:-1]
    assert whole.startswith(kept)
    assert whole[len(kept)] in " ;,–", f"cut mid-word: …{kept[-12:]}|{whole[len(kept) :][:12]}"


# ------------------------------------------------------------------ the small dialogs themselves


def show_and_activate(qtbot, dialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)


def test_revise_dialog_needs_a_reason_and_says_how_often_the_date_moved(
    repo: Repository, qtbot
) -> None:
    milestone = card_in_file(repo, "2").milestones[2]
    repo.revise_target(milestone.uuid, milestone.version, "June 2020", "Board met late")
    milestone = repo.milestone(milestone.uuid)
    dialog = dialogs.ReviseTargetDialog(None, milestone, date(2020, 2, 29))
    show_and_activate(qtbot, dialog)
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "April to May 2020 (revised once)" in labels
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.target_edit.selectAll()
    qtbot.keyClicks(dialog.target_edit, "September 2020")
    assert dialog.window_label.text() == "Due window: 01/09/2020 – 30/09/2020"
    assert not ok.isEnabled(), "a moved date needs a reason"
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert dialog.reason_edit.hasFocus()
    qtbot.keyClicks(dialog.reason_edit, "Waiting for the LEP")
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.answer() == ("September 2020", "Waiting for the LEP")


def test_preferences_export_folder_label_is_a_shortcut_not_a_stray_ampersand(
    settings, qtbot
) -> None:
    dialog = dialogs.PreferencesDialog(None, settings, ["EDT", "SSM"])
    show_and_activate(qtbot, dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert "Default &export folder:" in texts  # shown as "Default export folder:" with E underlined
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    assert dialog.folder_edit.hasFocus()


# ---------------------------------------------------------------------- polish: limits and feedback


def test_a_title_stops_at_250_characters_and_the_counter_says_so(
    window: MainWindow, opener, qtbot
) -> None:
    from fowdesk.domain.limits import TITLE_MAX_CHARS

    open_card(window, "5")
    title, counter = window.editor.title_edit, window.editor.details.title_counter
    assert counter.isVisible() and counter.text() == f"14/{TITLE_MAX_CHARS}"  # "Digital Skills"
    QGuiApplication.clipboard().setText("word " * 160)  # 800 characters pasted
    title.setFocus()
    title.selectAll()
    qtbot.keyClick(title, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(title, "more")  # typing at the limit adds nothing
    assert len(title.text()) == TITLE_MAX_CHARS
    assert counter.text() == f"{TITLE_MAX_CHARS}/{TITLE_MAX_CHARS}"
    qtbot.keyClick(title, Qt.Key.Key_Return)
    saved = card_in_file(opener.repo, "5").title
    assert len(saved) <= TITLE_MAX_CHARS and saved.startswith("word word")
    # The heading stays a heading: at most three lines at 1366 wide.
    window.resize(1366, 768)
    heading = window.editor.heading
    assert heading.height() <= 3 * heading.fontMetrics().lineSpacing() + 8


def test_a_title_longer_than_the_limit_already_stored_is_shown_whole_and_may_only_shrink(
    window: MainWindow, opener, other_process: Repository, qtbot
) -> None:
    card = card_in_file(other_process, "5")
    long_title = "Digital skills " + "for everyone " * 60
    other_process.update_card(card.uuid, card.version, title=long_title.strip())
    with qtbot.waitSignal(window.reloaded):
        window.reload()
    open_card(window, "5")
    title = window.editor.title_edit
    assert title.text() == long_title.strip()
    assert "too long" in window.editor.details.title_counter.text()
    title.setFocus()
    title.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(title, "x")
    assert title.text() == long_title.strip(), "nothing is added to an over-long title"
    qtbot.keyClick(title, Qt.Key.Key_Backspace)
    assert title.text() == long_title.strip()[:-1], "but it can be shortened"


def test_clearing_a_title_says_a_title_is_required_instead_of_putting_the_old_one_back(
    window: MainWindow, opener, qtbot
) -> None:
    open_card(window, "5")
    editor = window.editor
    title = editor.title_edit
    title.setFocus()
    title.selectAll()
    qtbot.keyClick(title, Qt.Key.Key_Delete)
    qtbot.keyClick(title, Qt.Key.Key_Tab)  # leaving the field saves it
    assert title.text() == "", "the officer's empty box is left as typed"
    assert editor.details.title_problem.isVisible()
    assert editor.details.title_problem.text() == "A title is required"
    assert window.save_state.text() == "Title not saved: a title is required"
    assert card_in_file(opener.repo, "5").title == "Digital Skills", "nothing was saved"
    title.setFocus()
    qtbot.keyClicks(title, "Digital skills for all")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert not editor.details.title_problem.isVisible()
    assert card_in_file(opener.repo, "5").title == "Digital skills for all"


def test_a_dash_and_a_space_become_a_bullet_as_they_are_typed(
    march_window: MainWindow, opener, qtbot
) -> None:
    window = march_window
    open_card(window, "2", tab=1)
    edit = window.editor.progress_edit
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClicks(edit, "- ")
    last = edit.document().lastBlock()
    assert last.text() == "• ", "shown as a bullet at once, not after reloading"
    assert last.blockFormat().leftMargin() > 0
    qtbot.keyClicks(edit, "RSA board met")
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter after it continues the list
    qtbot.keyClicks(edit, "Pilot agreed")
    lines = edit.toPlainText().split("\n")
    assert lines[-2:] == ["• RSA board met", "• Pilot agreed"]
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter on the empty bullet: a plain paragraph
    qtbot.keyClicks(edit, "Next:")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClicks(edit, "* ")  # typed on a plain line, it is a bullet at once too
    assert edit.document().lastBlock().text() == "• "
    qtbot.keyClicks(edit, "Launch")
    window.editor.flush()
    saved = card_in_file(opener.repo, "2").progress_for("March 2020")
    assert [(p.text, p.bulleted) for p in saved[-4:]] == [
        ("RSA board met", True),
        ("Pilot agreed", True),
        ("Next:", False),
        ("Launch", True),
    ]
