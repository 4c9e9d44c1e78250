"""The window's council-scale steps (issue 17): the as-at switch and the reload after an import.

Their speed is measured in ``bench/bench_scale.py``; here, that the cheaper
ways show the same thing: every RAG on screen judged as at the date the
banner says, and a reload that keeps what the officer was doing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from fowdesk.domain.model import Rag
from fowdesk.domain.rag import RagResult, card_rag
from fowdesk.exports.xlsx_columns import MILESTONES
from fowdesk.storage.repository import Repository
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.models import CardListModel, CardRow, MilestoneTableModel
from fowdesk.ui.settings import Settings
from ui.test_workflow import Desk, edit_return


def choose_rag(window: MainWindow, rag: Rag) -> None:
    combo = window.rag_filter
    combo.setCurrentIndex(combo.findData(rag.value))


def shown_rags(window: MainWindow) -> dict[str, str]:
    proxy = window.proxy
    return {
        str(proxy.index(row, CardListModel.REF).data()): str(
            proxy.index(row, CardListModel.RAG).data()
        )
        for row in range(proxy.rowCount())
    }


def expected_rags(window: MainWindow, as_at: date) -> dict[str, str]:
    """Each card's RAG letter judged afresh from the window's programme (override marked *)."""
    assert window.programme is not None and window.programme.current_period is not None
    year_from = window.programme.current_period.as_at
    letters = {}
    for card in window.programme.cards:
        result = card_rag(card, as_at, year_from)
        letters[card.ref] = result.rag.value + ("*" if result.overridden else "")
    return letters


def test_the_rag_filter_follows_the_as_at_switch_both_ways(window: MainWindow, qtbot) -> None:
    report_date = window.judged_as_at()
    choose_rag(window, Rag.RED)
    assert shown_rags(window) == {}  # as at February's report date nothing is Red
    assert window.count_label.text() == "0 of 19 recommendations shown"

    window.as_at_today_action.trigger()
    red_today = {ref: rag for ref, rag in expected_rags(window, date.today()).items()
                 if rag.startswith("R")}  # fmt: skip
    assert red_today  # the seed's milestones are long overdue today
    assert shown_rags(window) == red_today
    assert window.count_label.text() == f"{len(red_today)} of 19 recommendations shown"
    assert window.as_at_banner.isVisible()

    choose_rag(window, Rag.GREEN)  # every other card: judged as at today as well
    green_today = {ref: rag for ref, rag in expected_rags(window, date.today()).items()
                   if rag.startswith("G")}  # fmt: skip
    assert shown_rags(window) == green_today

    window.as_at_today_action.trigger()
    assert shown_rags(window) == {
        ref: rag for ref, rag in expected_rags(window, report_date).items() if rag.startswith("G")
    }
    assert not window.as_at_banner.isVisible()


def test_every_rag_cell_and_the_editor_agree_with_the_date_shown(window: MainWindow) -> None:
    for as_at in (date.today(), window.judged_as_at()):
        window.as_at_today_action.trigger()
        assert window.judged_as_at() == as_at
        assert shown_rags(window) == expected_rags(window, as_at)
        assert window.editor.as_at == as_at


# ---------------------------------------------------------------------- reload after an import


def chosen_ref(window: MainWindow) -> str:
    current = window.card_view.currentIndex()
    return str(current.sibling(current.row(), CardListModel.REF).data())


def reload_and_wait(window: MainWindow, qtbot) -> None:
    with qtbot.waitSignal(window.reloaded, timeout=30_000):
        window.reload()


def test_a_reload_keeps_the_card_chosen_the_search_and_the_filters(
    window: MainWindow, other_process: Repository, qtbot
) -> None:
    assert window.programme is not None
    five = window.programme.card("5")
    assert five is not None
    lead = five.leads[0]
    window.lead_filter.setCurrentIndex(window.lead_filter.findData(lead))
    qtbot.keyClicks(window.search_edit, "digital")
    assert "5" in window.visible_refs()
    window.show_ref("5")
    before = window.visible_refs()

    # Another program (the import) retitles card 5 and adds a card this view shows.
    other_process.update_card(five.uuid, five.version, title="Digital skills for all, renamed")
    added = other_process.add_card("FOW", "20", "Digital inclusion fund", leads=[lead])
    reload_and_wait(window, qtbot)

    assert window.search_edit.text() == "digital"
    assert window.lead_filter.currentData() == lead
    assert window.visible_refs() == sorted([*before, "20"], key=int)
    assert window.count_label.text() == f"{len(before) + 1} of 20 recommendations shown"
    assert chosen_ref(window) == "5"
    assert window.editor.card is not None and window.editor.card.ref == "5"
    assert window.editor.title_edit.text() == "Digital skills for all, renamed"
    row = window.card_model.row_for_uuid(added.uuid)
    assert row is not None and window.card_model.card_row(row).title == "Digital inclusion fund"


def test_typing_while_the_programme_is_read_again_is_kept_and_saved(
    window: MainWindow, other_process: Repository, qtbot
) -> None:
    assert window.programme is not None
    seven = window.programme.card("7")
    assert seven is not None
    window.show_ref("5")
    editor = window.editor
    editor.title_edit.setFocus()
    editor.title_edit.setCursorPosition(len(editor.title_edit.text()))
    other_process.update_card(seven.uuid, seven.version, title="Changed by the import")

    with qtbot.waitSignal(window.reloaded, timeout=30_000):
        window.reload()
        qtbot.keyClicks(editor.title_edit, " - typed meanwhile")  # before the reading is in
    typed = editor.title_edit.text()
    assert typed.endswith(" - typed meanwhile")
    assert editor.title_edit.hasFocus()
    assert editor.title_edit.textCursor().position() == len(typed)

    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Return)  # saved as typed
    editor.flush()
    five = other_process.card(editor.card.uuid)  # type: ignore[union-attr]
    assert five.title == typed
    titles = {row.ref: row.title for row in window.card_model.rows}
    assert titles["5"] == typed and titles["7"] == "Changed by the import"


def test_a_card_saved_while_the_programme_is_read_shows_as_saved(
    window: MainWindow, other_process: Repository, qtbot
) -> None:
    window.show_ref("5")
    editor = window.editor
    with qtbot.waitSignal(window.reloaded, timeout=30_000):
        window.reload()
        editor.title_edit.selectAll()
        qtbot.keyClicks(editor.title_edit, "Saved while the list was read")
        editor.flush()  # saved now, perhaps after the job read card 5
    titles = {row.ref: row.title for row in window.card_model.rows}
    assert titles["5"] == "Saved while the list was read"
    assert window.programme is not None
    five = window.programme.card("5")
    assert five is not None and five.title == "Saved while the list was read"
    assert other_process.card(five.uuid).title == "Saved while the list was read"


def test_switching_the_as_at_date_while_reading_shows_the_rag_as_at_the_new_date(
    window: MainWindow, qtbot
) -> None:
    with qtbot.waitSignal(window.reloaded, timeout=30_000):
        window.reload()
        window.as_at_today_action.trigger()  # the reading judged as at the report's date
    assert shown_rags(window) == expected_rags(window, date.today())
    assert window.as_at_banner.isVisible()


def test_a_second_reload_asked_for_while_reading_reads_again(
    window: MainWindow, other_process: Repository, qtbot
) -> None:
    assert window.programme is not None
    nine = window.programme.card("9")
    assert nine is not None
    with qtbot.waitSignal(window.reloaded, timeout=30_000):
        window.reload()
        other_process.update_card(nine.uuid, nine.version, title="Written after the first read")
        window.reload()  # the first reading may predate this change
    qtbot.waitUntil(
        lambda: (
            {row.ref: row.title for row in window.card_model.rows}["9"]
            == "Written after the first read"
        )
    )
    qtbot.waitUntil(lambda: not window.jobs.busy)


def test_the_card_being_typed_in_is_not_replaced_when_the_import_changed_it(
    window: MainWindow, other_process: Repository, qtbot, messages
) -> None:
    window.show_ref("5")
    editor = window.editor
    card = editor.card
    assert card is not None
    editor.title_edit.setFocus()
    editor.title_edit.setCursorPosition(len(editor.title_edit.text()))
    other_process.update_card(card.uuid, card.version, next_steps_text="Set by the import")

    with qtbot.waitSignal(window.reloaded, timeout=30_000):
        window.reload()
        qtbot.keyClicks(editor.title_edit, " - mine")
    typed = editor.title_edit.text()
    assert typed == card.title + " - mine"  # not replaced under the officer's hands
    assert editor.title_edit.hasFocus() and editor.has_unsaved_changes()

    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Return)
    editor.flush()  # their save meets the import's change as any other change elsewhere
    assert [m[1] for m in messages] == ["Changed elsewhere"]
    assert QApplication.clipboard().text() == typed  # nothing lost
    assert editor.details.next_steps_edit.text() == "Set by the import"


def test_rows_removed_and_added_by_a_reload_keep_the_chosen_card(qtbot) -> None:
    model = CardListModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.sort(CardListModel.REF)
    rag = RagResult(Rag.GREEN, "On track")

    def rows(refs: list[str]) -> list[CardRow]:
        return [CardRow(f"uuid-{r}", r, f"Card {r}", ("EDT",), None, "In progress", rag)
                for r in refs]  # fmt: skip

    model.set_rows(rows(["1", "2", "3", "4", "5"]))
    view.setCurrentIndex(model.index(model.row_for_uuid("uuid-3") or 0, 0))
    model.update_rows(rows(["1", "3", "5", "6", "0"]))
    refs = [model.card_row(n).ref for n in range(model.rowCount())]
    assert refs == ["0", "1", "3", "5", "6"]
    assert view.currentIndex().row() == refs.index("3")


@pytest.fixture
def desk(
    qtbot: Any, seeded_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Desk]:
    """The window on the seed with its dialogs answered by the test (as test_workflow's)."""
    made = Desk(qtbot, seeded_path, settings, monkeypatch)
    yield made
    made.window.close()
    made.repo.close()


def test_an_import_in_the_window_keeps_the_search_the_filter_and_the_card_chosen(
    desk: Desk, tmp_path: Path, qtbot
) -> None:
    window = desk.window
    assert window.programme is not None
    two = window.programme.card("2")
    assert two is not None
    window.lead_filter.setCurrentIndex(window.lead_filter.findData(two.leads[0]))
    qtbot.keyClicks(window.search_edit, "RSA")
    window.show_ref("2")
    shown = window.visible_refs()
    assert "2" in shown

    returned = desk.export_return(tmp_path / "return.xlsx")
    milestone = two.milestones[0].description
    edit_return(returned, [(MILESTONES, "Milestone", milestone, "Status", "Complete")])
    desk.open_file = returned
    desk.dialog_answers.append(lambda _preview: True)  # Apply
    with qtbot.waitSignal(window.reloaded, timeout=30_000):
        desk.trigger(desk.workflow.import_action)

    assert window.search_edit.text() == "RSA"
    assert window.lead_filter.currentData() == two.leads[0]
    assert window.visible_refs() == shown
    assert chosen_ref(window) == "2"
    editor = window.editor
    assert editor.card is not None and editor.card.ref == "2"
    assert str(editor.card.milestones[0].status) == "Complete"
    assert editor.milestone_model.index(0, MilestoneTableModel.STATUS).data() == "Complete"
