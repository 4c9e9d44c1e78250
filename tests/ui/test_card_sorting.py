"""Sorting the card list by its headings, as an officer clicks them.

The list sorts its own rows by keys each row works out once (issue 17); the
orders must be the ones Qt's proxy gave: refs as numbers, RAG by severity,
words as text, and cards that sort the same in the order they were shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt

from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.models import CardListModel

ALL_FOW = [str(n) for n in range(1, 20)]


def click_heading(window: MainWindow, qtbot: Any, column: int) -> None:
    header = window.card_view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def shown(window: MainWindow, column: int) -> list[str]:
    proxy = window.proxy
    return [str(proxy.index(row, column).data()) for row in range(proxy.rowCount())]


def programme_order(window: MainWindow) -> dict[str, int]:
    assert window.programme is not None
    return {card.ref: number for number, card in enumerate(window.programme.cards)}


def test_the_list_opens_in_ref_order_and_a_click_on_ref_reverses_it(window, qtbot) -> None:
    assert window.visible_refs() == ALL_FOW  # 2 before 10: refs sort as numbers
    click_heading(window, qtbot, CardListModel.REF)
    assert window.visible_refs() == ALL_FOW[::-1]
    header = window.card_view.horizontalHeader()
    assert header.sortIndicatorSection() == CardListModel.REF
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_rag_sorts_by_severity_and_ties_keep_the_programmes_order(window, qtbot) -> None:
    window.as_at_today_action.trigger()  # as at today some are Red (all Green at February's)
    severity = {row.ref: row.rag.rag.severity for row in window.card_model.rows}
    order = programme_order(window)
    click_heading(window, qtbot, CardListModel.RAG)
    refs = window.visible_refs()
    assert refs == sorted(ALL_FOW, key=lambda ref: (severity[ref], order[ref]))
    click_heading(window, qtbot, CardListModel.RAG)  # worst first; ties still in order
    assert window.visible_refs() == sorted(ALL_FOW, key=lambda ref: (-severity[ref], order[ref]))
    assert len(set(severity.values())) > 1, "the seed has more than one RAG"


def test_titles_sort_as_text_and_a_second_sort_keeps_them_in_title_order(window, qtbot) -> None:
    titles = dict(zip(window.visible_refs(), shown(window, CardListModel.TITLE), strict=True))
    click_heading(window, qtbot, CardListModel.TITLE)
    assert shown(window, CardListModel.TITLE) == sorted(titles.values())
    statuses = dict(zip(window.visible_refs(), shown(window, CardListModel.STATUS), strict=True))
    click_heading(window, qtbot, CardListModel.STATUS)
    assert window.visible_refs() == sorted(ALL_FOW, key=lambda ref: (statuses[ref], titles[ref]))
    assert len(set(statuses.values())) < len(statuses), "some cards share a status"


def test_the_chosen_card_stays_chosen_when_the_list_is_sorted(window, qtbot) -> None:
    window.show_ref("7")
    click_heading(window, qtbot, CardListModel.TITLE)
    current = window.card_view.currentIndex()
    assert current.siblingAtColumn(CardListModel.REF).data() == "7"
    assert window.editor.card is not None and window.editor.card.ref == "7"
    selected = window.card_view.selectionModel().selectedRows()
    assert [index.data() for index in selected] == ["7"]


def test_a_retitled_card_moves_to_its_place_and_stays_chosen(window, qtbot) -> None:
    click_heading(window, qtbot, CardListModel.TITLE)
    window.show_ref("12")
    editor = window.editor
    editor.title_edit.selectAll()
    qtbot.keyClicks(editor.title_edit, "Aardvark first of all")
    editor.flush()
    assert shown(window, CardListModel.TITLE)[0] == "Aardvark first of all"
    assert window.visible_refs()[0] == "12"
    assert window.card_view.currentIndex().siblingAtColumn(CardListModel.REF).data() == "12"


def test_sorting_keeps_the_search_and_filters(window, qtbot) -> None:
    qtbot.keyClicks(window.search_edit, "digital")
    found = window.visible_refs()
    assert 1 < len(found) < 19
    click_heading(window, qtbot, CardListModel.REF)
    assert window.visible_refs() == sorted(found, key=int, reverse=True)
    window.search_edit.clear()
    assert window.visible_refs() == ALL_FOW[::-1]


def test_rag_order_follows_when_the_rag_is_judged_as_at_today(window, qtbot) -> None:
    click_heading(window, qtbot, CardListModel.RAG)
    click_heading(window, qtbot, CardListModel.RAG)  # worst first
    window.as_at_today_action.trigger()  # as at today some cards turn Red
    severity = {row.ref: row.rag.rag.severity for row in window.card_model.rows}
    assert max(severity.values()) > min(severity.values())
    refs = window.visible_refs()
    assert [severity[ref] for ref in refs] == sorted(severity.values(), reverse=True)
    assert shown(window, CardListModel.RAG)[0].startswith("R")
