"""The card list: first run, search as you type, filters, my-lead, programme switching."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fowdesk.ui.app import run_window
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.models import CardListModel
from fowdesk.ui.settings import Settings

ALL_FOW = [str(n) for n in range(1, 20)]


def choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not offered"
    combo.setCurrentIndex(index)


def test_first_run_opens_on_future_of_work_with_all_nineteen_cards(window: MainWindow) -> None:
    assert window.programme is not None and window.programme.code == "FOW"
    assert window.visible_refs() == ALL_FOW
    assert window.editor.card is not None and window.editor.card.ref == "1"
    assert window.count_label.text() == "19 recommendations"


def test_programme_switcher_shows_both_programmes_and_switches(window: MainWindow) -> None:
    combo = window.programme_combo
    assert combo.count() == 2
    assert combo.isVisibleTo(window)
    combo.setCurrentIndex(combo.findData("DS2430"))
    combo.activated.emit(combo.currentIndex())
    assert window.programme is not None and window.programme.code == "DS2430"
    assert window.visible_refs()[:9] == [str(n) for n in range(1, 10)]


def test_switching_programme_leaves_the_other_programmes_undo_behind(
    window: MainWindow, qtbot
) -> None:
    window.show_ref("4")
    status = window.editor.details.status_combo
    status.setCurrentText("On hold")
    status.activated.emit(status.currentIndex())
    assert window.undo_action.isEnabled()
    window.open_programme("DS2430")
    assert not window.undo_action.isEnabled()


def test_typing_digitalme_narrows_the_list_to_rec_2(window: MainWindow, qtbot) -> None:
    qtbot.keyClicks(window.search_edit, "DigitalMe")
    assert window.visible_refs() == ["2"]
    assert window.count_label.text() == "1 of 19 recommendations shown"


def test_digital_shipyard_finds_rec_12_and_rec_17_it_points_to(window: MainWindow, qtbot) -> None:
    qtbot.keyClicks(window.search_edit, "Digital Shipyard")
    assert window.visible_refs() == ["12", "17"]


def test_clearing_the_search_shows_every_card_again(window: MainWindow, qtbot) -> None:
    qtbot.keyClicks(window.search_edit, "levy")
    assert "6" in window.visible_refs() and len(window.visible_refs()) < 19
    window.search_edit.clear()
    assert window.visible_refs() == ALL_FOW


def test_search_finds_a_narrative_as_soon_as_it_is_saved(march_window: MainWindow, qtbot) -> None:
    window = march_window
    window.show_ref("9")
    editor = window.editor
    editor.tabs.setCurrentIndex(1)
    editor.progress_edit.setPlainText("• Met the Zanzibar delegation")
    editor.flush()
    qtbot.keyClicks(window.search_edit, "zanzibar")
    assert window.visible_refs() == ["9"]


def test_ctrl_f_puts_the_cursor_in_the_search_box(window: MainWindow, qtbot) -> None:
    window.activateWindow()
    window.card_view.setFocus()
    qtbot.keyClick(window.card_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.search_edit


def test_lead_filter_shows_only_that_leads_cards(window: MainWindow) -> None:
    choose(window.lead_filter, "EDT")
    assert window.visible_refs() == ["11", "12", "13", "14", "15", "16", "17", "18"]
    choose(window.lead_filter, "SLE")
    assert window.visible_refs() == ["8"]


def test_status_and_rag_filters_combine_with_search(window: MainWindow, qtbot) -> None:
    choose(window.status_filter, "On hold")
    assert window.visible_refs() == []
    choose(window.status_filter, "All")
    rags = {window.proxy.index(r, CardListModel.RAG).data() for r in range(window.proxy.rowCount())}
    letter = sorted(rags)[0]
    choose(window.rag_filter, next(
        window.rag_filter.itemText(i)
        for i in range(window.rag_filter.count())
        if window.rag_filter.itemText(i).startswith(letter + " ")
    ))  # fmt: skip
    shown = window.visible_refs()
    assert shown and all(
        window.proxy.index(r, CardListModel.RAG).data().startswith(letter)
        for r in range(window.proxy.rowCount())
    )
    qtbot.keyClicks(window.search_edit, "skills")
    assert set(window.visible_refs()) <= set(shown)


def test_theme_filter_unassigned_shows_the_seed_cards(window: MainWindow) -> None:
    choose(window.theme_filter, "(unassigned)")
    assert window.visible_refs() == ALL_FOW
    choose(window.theme_filter, window.programme.themes[0])
    assert window.visible_refs() == []


def test_my_lead_preference_filters_the_list_on_start(opener, settings: Settings) -> None:
    settings.my_lead = "SAH"
    window = opener.open()
    assert window.visible_refs() == ["6"]
    assert window.editor.card is not None and window.editor.card.ref == "6"


def test_rag_column_is_a_letter_readable_without_colour(window: MainWindow) -> None:
    window.as_at_today_action.trigger()  # as at today some are Red (all Green at February's date)
    model = window.card_model
    spoken = []
    for row in range(model.rowCount()):
        letter = model.index(row, CardListModel.RAG).data()
        name = model.index(row, CardListModel.RAG).data(Qt.ItemDataRole.AccessibleTextRole)
        assert letter[0] in "RAGC"
        assert name.split(" – ")[0] in ("Red", "Amber", "Green", "Complete")
        spoken.append(name)
    # A screen reader hears what the colour means, not just its name.
    assert any(n.startswith("Red – overdue by more than 30 days: ") for n in spoken)


def test_cross_reference_button_jumps_to_the_card_it_names(window: MainWindow, qtbot) -> None:
    window.show_ref("12")
    editor = window.editor
    assert editor.details.cross_ref_button.isVisibleTo(window)
    qtbot.mouseClick(editor.details.cross_ref_button, Qt.MouseButton.LeftButton)
    assert editor.card is not None and editor.card.ref == "17"
    assert window.card_view.currentIndex().data() == "17"


def test_window_remembers_its_size_and_splitter(opener, settings: Settings) -> None:
    window = opener.open()
    window.resize(window.minimumWidth(), 600)
    window.splitter.setSizes([300, window.splitter.width() - 300])
    sizes = window.splitter.sizes()
    opener.close()
    assert not settings.geometry.isEmpty() and not settings.splitter_state.isEmpty()
    window = opener.open()
    assert window.splitter.sizes() == sizes
    # (the offscreen screen is 800 px wide, so only the height can be compared)
    assert window.height() == 600


def test_self_test_opens_the_window_on_the_seeded_cards(seeded_path: Path, capsys) -> None:
    assert run_window(seeded_path, self_test=True) == 0
    assert "self-test: ok (FOW, 19 cards)" in capsys.readouterr().out


def test_first_run_creates_the_seeded_database(tmp_path: Path, capsys) -> None:
    path = tmp_path / "new" / "fowdesk.db"
    assert run_window(path, self_test=True) == 0
    assert path.is_file()
    assert "ok (FOW, 19 cards)" in capsys.readouterr().out


def test_a_file_that_is_not_fowdesks_gets_one_clear_message(tmp_path: Path, messages: list) -> None:
    junk = tmp_path / "letter.db"
    junk.write_bytes(b"Dear colleague, " * 200)
    assert run_window(junk, self_test=False) == 1
    assert len(messages) == 1 and messages[0][0] == "critical"
    assert "\n" not in messages[0][2]
    assert junk.read_bytes() == b"Dear colleague, " * 200


def test_switching_programme_says_that_undo_history_was_cleared(window: MainWindow, qtbot) -> None:
    window.show_ref("5")
    title = window.editor.title_edit
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, "Digital skills for all")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert window.undo_action.isEnabled()
    window.programme_combo.setFocus()
    qtbot.keyClick(window.programme_combo, Qt.Key.Key_Down)  # FOW → DS2430, by keyboard
    assert window.programme is not None and window.programme.code == "DS2430"
    assert not window.undo_action.isEnabled()
    assert window.status_message.text() == (
        "Showing DS2430: the changes made in FOW are saved, but can no longer be undone"
    )


def test_switching_programme_with_nothing_to_undo_says_nothing(window: MainWindow) -> None:
    window.show_status("")
    window.open_programme("DS2430")
    assert window.status_message.text() == ""
