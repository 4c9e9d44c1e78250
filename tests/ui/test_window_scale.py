"""The window's council-scale steps (issue 17): the as-at switch and the reload after an import.

Their speed is measured in ``bench/bench_scale.py``; here, that the cheaper
ways show the same thing: every RAG on screen judged as at the date the
banner says, and a reload that keeps what the officer was doing.
"""

from __future__ import annotations

from datetime import date

from fowdesk.domain.model import Rag
from fowdesk.domain.rag import card_rag
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.models import CardListModel


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
