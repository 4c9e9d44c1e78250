"""The programme the window shows is kept out of Python's full garbage collections.

At 5,000 cards a programme is a quarter of a million long-lived objects, and
every full collection walked them all on the window thread (50–170 ms, see
``bench/bench_scale.py``'s "longest full collection" row). Once the window has
read a programme it freezes what is alive (``gc_pause.freeze_long_lived``); a
frozen cycle would never be collected, so what was frozen must not pile up
over reloads and programme switches.
"""

from __future__ import annotations

import dataclasses
import gc
import weakref
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from bench.synthetic import synthetic_programme
from fowdesk.gc_pause import freeze_long_lived, full_collections_paused
from fowdesk.storage.repository import Repository
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.settings import Settings
from ui.conftest import WindowOpener

CARDS = 300


@pytest.fixture
def two_programmes(tmp_path: Path) -> Path:
    """SYN and SY2, 300 cards × 10 milestones each, in a real SQLite file."""
    path = tmp_path / "two programmes.db"
    repo = Repository.create(path, seeded=False, user="officer")
    try:
        repo.insert_programme(synthetic_programme(CARDS, 10), audit=False)
        second = dataclasses.replace(synthetic_programme(CARDS, 10, seed=2), code="SY2")
        repo.insert_programme(second, audit=False)
    finally:
        repo.close()
    return path


@pytest.fixture
def window(qtbot: Any, two_programmes: Path, settings: Settings) -> Any:
    opener = WindowOpener(qtbot, two_programmes, settings)
    yield opener.open()
    opener.close()


def collected_objects() -> set[int]:
    """Identities of what a full collection walks now (``gc.get_objects`` leaves frozen out)."""
    return {id(thing) for thing in gc.get_objects()}


def programme_objects(window: MainWindow) -> list[object]:
    assert window.programme is not None
    cards = window.programme.cards
    milestones = [milestone for card in cards for milestone in card.milestones]
    return [*cards, *milestones, *window.card_model.rows]


def walked(window: MainWindow) -> list[object]:
    seen = collected_objects()
    return [thing for thing in programme_objects(window) if id(thing) in seen]


def reload(qtbot: Any, window: MainWindow) -> None:
    with qtbot.waitSignal(window.reloaded, timeout=20_000):
        window.reload()


def switch_programme(qtbot: Any, window: MainWindow) -> None:
    """The other programme, chosen by keyboard in the toolbar's list."""
    combo = window.programme_combo
    combo.setFocus()
    key = Qt.Key.Key_Down if combo.currentIndex() == 0 else Qt.Key.Key_Up
    qtbot.keyClick(combo, key)
    qtbot.waitUntil(lambda: window.programme is not None and window.programme.code ==
                    combo.currentData())  # fmt: skip


def test_the_programme_read_on_opening_is_out_of_the_collectors_way(window: MainWindow) -> None:
    assert len(programme_objects(window)) == CARDS * 12
    assert walked(window) == []
    assert gc.get_freeze_count() > CARDS * 12


def test_a_programme_read_again_or_switched_to_is_frozen_too(
    qtbot: Any, window: MainWindow
) -> None:
    first = window.programme
    reload(qtbot, window)
    assert window.programme is not first
    assert walked(window) == []

    switch_programme(qtbot, window)
    assert window.programme is not None and window.programme.code == "SY2"
    assert walked(window) == []


def test_what_is_frozen_stays_flat_over_reloads_and_switches(
    qtbot: Any, window: MainWindow
) -> None:
    """Ten reloads (which only freeze), then six switches there and back (which tidy first):
    had each kept its old programme (say, frozen in a cycle), the count would grow by a
    programme's worth each time."""
    one_programme = CARDS * 12
    after_reloads = []
    for _ in range(10):
        reload(qtbot, window)
        after_reloads.append(gc.get_freeze_count())
    assert max(after_reloads[2:]) - after_reloads[1] < one_programme / 10, after_reloads
    after_switches = []
    for _ in range(6):
        switch_programme(qtbot, window)
        switch_programme(qtbot, window)
        assert window.programme is not None and window.programme.code == "SYN"
        after_switches.append(gc.get_freeze_count())
    assert max(after_switches[2:]) - after_switches[1] < one_programme / 10, after_switches
    reload(qtbot, window)
    gc.unfreeze()  # what had been frozen and is garbage now: a full collection finds it
    assert gc.collect() < one_programme / 10


def test_what_is_frozen_stays_flat_over_reloads_with_the_dashboard_shown(
    qtbot: Any, window: MainWindow
) -> None:
    """Each reload works the dashboard out again on the job pool, handing the job the
    whole programme: nothing of a finished job may keep it."""
    with qtbot.waitSignal(window.dashboard.updated, timeout=20_000):
        window.show_dashboard()
    frozen = []
    for _ in range(6):
        with qtbot.waitSignal(window.dashboard.updated, timeout=20_000):
            reload(qtbot, window)
        qtbot.waitUntil(lambda: not window.jobs.busy)
        # Garbage not yet collected is no leak (how much of it there is depends on when
        # the young collections ran); a programme a finished job still holds is alive.
        gc.collect()
        frozen.append(gc.get_freeze_count() + len(gc.get_objects()))
    assert max(frozen[2:]) - frozen[1] < CARDS * 12 / 10, frozen


def test_a_cycle_frozen_then_let_go_is_collected_at_the_next_tidy() -> None:
    class Node:
        other: Any = None

    first, second = Node(), Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    assert freeze_long_lived()
    del first, second
    gc.collect()
    assert gone() is not None, "a frozen cycle is out of reach of every collection"
    assert freeze_long_lived(tidy=True)
    assert gone() is None


def test_nothing_is_frozen_while_a_job_runs() -> None:
    gc.unfreeze()
    made_by_a_job = [object()]  # a list: tracked by the collector
    with full_collections_paused():
        assert not freeze_long_lived()
    assert gc.get_freeze_count() == 0
    assert id(made_by_a_job) in collected_objects()
