"""The Dashboard tab worked out on the job pool (issue 17's window budget at 5,000 cards).

Its speed is measured in ``bench/bench_scale.py``. Here: the dashboard says
what it said when it was worked out on the window thread (cell by cell, on
the seeds and a synthetic programme, as at the report's date and today); its
figures are those of the list beside it, never the file's behind the list's
back; and while they are being worked out it says so and greys the old ones.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bench.synthetic import synthetic_programme
from fowdesk.domain.leads import format_leads
from fowdesk.domain.model import CardStatus, Milestone, MilestoneStatus, Rag
from fowdesk.domain.periods import report_as_at
from fowdesk.domain.summary import summarise
from fowdesk.storage.repository import Repository
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.settings import Settings
from ui.conftest import WindowOpener
from ui.dashboard_text import dashboard_text


def _uk(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _shown(text: str) -> str:
    return text.replace("\n", " ⏎ ") if text else text


def said_before(window: MainWindow) -> dict[str, Any]:
    """What the dashboard said when the window thread worked it out: the programme read from
    the file, every card judged by ``summarise``, every date written out with strftime."""
    assert window.programme is not None
    programme = window.repo.load_programme(window.programme.code)
    as_at = date.today() if window.as_at_today else report_as_at(programme)
    summary = summarise(programme, as_at)
    lead_of = {c.uuid: format_leads(c.leads) for c in programme.cards}

    def milestone_cells(items: list[Any]) -> list[list[Any]]:
        rows = []
        for d in items:
            texts = (d.card_ref, d.milestone.description, d.milestone.target, _uk(d.due_by))
            rows.append([(_shown(t), t) for t in (*texts, str(d.days))])
        return rows

    period = programme.current_period
    return {
        "chips": {rag.value: str(summary.rag_counts.get(rag, 0)) for rag in window.dashboard.chips},
        "boxes": [
            f"Overdue milestones ({len(summary.overdue)})",
            f"Due in the next 30 days ({len(summary.upcoming)})",
            f"No update for {period.label if period else 'this period'} "
            f"({len(summary.not_updated)})",
        ],
        "overdue": milestone_cells(summary.overdue),
        "upcoming": milestone_cells(summary.upcoming),
        "not updated": [
            [(_shown(t), t) for t in (c.ref, c.title, lead_of.get(c.uuid, ""))]
            for c in summary.not_updated
        ],
        "uuids": [
            [d.card_uuid for d in summary.overdue],
            [d.card_uuid for d in summary.upcoming],
            [c.uuid for c in summary.not_updated],
        ],
    }


def says_now(window: MainWindow) -> dict[str, Any]:
    text = dashboard_text(window.dashboard)
    return {
        "chips": {letter: chip[0] for letter, chip in text["chips"].items()},
        "boxes": text["boxes"],
        "overdue": text["overdue"],
        "upcoming": text["upcoming"],
        "not updated": text["not updated"],
        "uuids": text["uuids"],
    }


def show_dashboard(window: MainWindow, qtbot: Any) -> None:
    with qtbot.waitSignal(window.dashboard.updated, timeout=20000):
        window.show_dashboard()
    assert not window.dashboard.working


def switch_as_at(window: MainWindow, qtbot: Any) -> None:
    with qtbot.waitSignal(window.dashboard.updated, timeout=20000):
        window.as_at_today_action.trigger()


def list_counts(window: MainWindow) -> dict[str, str]:
    """The RAG letters of the window's card list, counted."""
    counts = Counter(row.rag.rag for row in window.card_model.rows)
    return {rag.value: str(counts.get(rag, 0)) for rag in window.dashboard.chips}


def chip_counts(window: MainWindow) -> dict[str, str]:
    return {rag.value: chip.count_label.text() for rag, chip in window.dashboard.chips.items()}


def test_the_seeds_dashboards_say_what_they_said_before(
    window: MainWindow, qtbot: Any, qtmodeltester: Any
) -> None:
    for code in ("FOW", "DS2430"):
        window.open_programme(code)
        show_dashboard(window, qtbot)
        assert says_now(window) == said_before(window)
        switch_as_at(window, qtbot)
        assert f"RAG as at today, {date.today():%d/%m/%Y}" in window.dashboard.heading.text()
        assert says_now(window) == said_before(window)
        switch_as_at(window, qtbot)
        assert says_now(window) == said_before(window)
        window.show_cards()
    assert says_now(window)["not updated"]  # DS2430's cards have no update for its period
    window.open_programme("FOW")
    show_dashboard(window, qtbot)
    switch_as_at(window, qtbot)
    assert len(says_now(window)["overdue"]) > 25
    for model in (
        window.dashboard.overdue_model,
        window.dashboard.upcoming_model,
        window.dashboard.not_updated_model,
    ):
        qtmodeltester.check(model)


@pytest.fixture
def synthetic_path(tmp_path: Path) -> Path:
    """300 synthetic cards: overrides, cards with no update, milestones due soon and overdue
    as at the report's date and as at today, with and without a year in the target."""
    programme = synthetic_programme(300, 10)
    period = programme.periods[-1]
    today = date.today()
    for number, card in enumerate(programme.cards):
        if number % 7 == 0:
            card.progress = {}
        if number % 11 == 0:
            card.rag_override, card.rag_override_reason = Rag.RED, "Funding withdrawn"
        if number % 13 == 0:
            card.status = CardStatus.COMPLETE
        for days, around in ((number % 40 - 5, period.as_at), (number % 40 - 5, today)):
            due = around + timedelta(days=days)
            card.milestones.append(
                Milestone(f"Due {days} days from {around}", f"{due.day} {due:%B %Y}")
            )
        card.milestones.append(Milestone("Year-less", "28-29 March", MilestoneStatus.IN_PROGRESS))
    path = tmp_path / "synthetic.db"
    repo = Repository.create(path, seeded=False, user="tester")
    try:
        repo.insert_programme(programme)
    finally:
        repo.close()
    return path


def test_a_synthetic_dashboard_says_what_it_said_before(
    synthetic_path: Path, qtbot: Any, settings: Settings
) -> None:
    opener = WindowOpener(qtbot, synthetic_path, settings)
    window = opener.open()
    try:
        show_dashboard(window, qtbot)
        before = said_before(window)
        assert before["overdue"] and before["upcoming"] and before["not updated"]
        assert says_now(window) == before
        switch_as_at(window, qtbot)
        today = said_before(window)
        assert today["upcoming"] and today["overdue"] != before["overdue"]
        assert says_now(window) == today
    finally:
        opener.close()


def test_the_figures_are_the_lists_until_the_list_reads_the_file_again(
    window: MainWindow, other_process: Repository, qtbot: Any
) -> None:
    """Another program puts a card on Red: the dashboard counts what the list shows (as the
    window thread's reading of the file did not), and follows the list when it reads again."""
    card = other_process.load_programme("FOW").cards[0]
    other_process.update_card(
        card.uuid, card.version, rag_override=Rag.RED, rag_override_reason="Funding withdrawn"
    )
    show_dashboard(window, qtbot)
    assert list_counts(window) == {"R": "0", "A": "0", "G": "19", "C": "0"}
    assert chip_counts(window) == list_counts(window)

    with qtbot.waitSignal(window.dashboard.updated, timeout=20000):
        window.reload()
        qtbot.waitSignal(window.reloaded, timeout=20000).wait()
    assert list_counts(window) == {"R": "1", "A": "0", "G": "18", "C": "0"}
    assert chip_counts(window) == list_counts(window)


def test_while_it_is_worked_out_the_dashboard_says_so_and_greys_the_old_figures(
    window: MainWindow, qtbot: Any
) -> None:
    dashboard = window.dashboard
    window.show_dashboard()
    # The first time, nothing worked out yet: no zeros, no empty lists, just the line.
    assert not dashboard.body.isVisible() and dashboard.working_line.isVisible()
    assert dashboard.working_line.text() == "Working out the figures as at 29/02/2020…"
    qtbot.waitUntil(lambda: not dashboard.working, timeout=20000)
    assert dashboard.body.isVisible() and not dashboard.working_line.isVisible()
    before = chip_counts(window)
    #: Whether the figures were still greyed, or said to be worked out, when shown.
    when_shown: list[tuple[bool, bool]] = []
    dashboard.updated.connect(
        lambda: when_shown.append((dashboard.veil.isVisible(), dashboard.working_line.isVisible()))
    )

    window.as_at_today_action.trigger()
    # Not yet worked out: the heading says which date is coming, the old counts are greyed.
    assert dashboard.working
    assert f"RAG as at today, {date.today():%d/%m/%Y}" in dashboard.heading.text()
    assert dashboard.working_line.isVisible()
    assert dashboard.working_line.text().startswith(
        f"Working out the figures as at {date.today():%d/%m/%Y}"
    )
    assert dashboard.veil.isVisible()
    assert chip_counts(window) == before

    qtbot.waitUntil(lambda: not dashboard.working, timeout=20000)
    assert when_shown == [(False, False)]
    assert chip_counts(window) == list_counts(window) != before


def test_switching_back_and_forth_shows_only_the_last(window: MainWindow, qtbot: Any) -> None:
    show_dashboard(window, qtbot)
    shown: list[str] = []
    window.dashboard.updated.connect(lambda: shown.append(window.dashboard.heading.text()))
    for _ in range(3):  # today, the report's date, today: quicker than it is worked out
        window.as_at_today_action.trigger()
    qtbot.waitUntil(lambda: not window.dashboard.working, timeout=20000)
    assert len(shown) == 1 and f"RAG as at today, {date.today():%d/%m/%Y}" in shown[0]
    assert says_now(window) == said_before(window)
    assert chip_counts(window) == list_counts(window)


def test_an_undo_on_the_dashboard_is_counted(window: MainWindow, qtbot: Any) -> None:
    """The officer puts a card on Red, opens the dashboard and undoes it there (Ctrl+Z)."""
    window.show_ref("10")
    combo = window.editor.details.override_combo
    combo.setCurrentIndex(combo.findData("R"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: list_counts(window)["R"] == "1", timeout=20000)
    show_dashboard(window, qtbot)
    assert chip_counts(window) == list_counts(window)
    with qtbot.waitSignal(window.dashboard.updated, timeout=20000):
        window.undo()
    assert list_counts(window)["R"] == "0"
    assert chip_counts(window) == list_counts(window)
