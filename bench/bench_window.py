"""Window timings on a synthetic programme: open the window, search as you type, show a card.

Usage: python bench/bench_window.py [N_CARDS] [N_MILESTONES]   (default 1,000 × 10)
Runs on Qt's offscreen platform; the officer's own settings are not touched.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from bench.synthetic import build_synthetic
from bench.table import Row, print_table, size_from_argv, timed
from fowdesk.storage.repository import Repository
from fowdesk.ui.app import DeskApplication, make_application
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.settings import Settings


def _export_from_the_menu(desk: DeskApplication, action: Any, target: Path) -> float:
    """Run a File menu export; the longest gap between event-loop turns meanwhile."""
    import itertools
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QFileDialog

    from fowdesk.ui import prompts

    QFileDialog.getSaveFileName = staticmethod(lambda *_a, **_k: (str(target), ""))  # type: ignore[method-assign]
    prompts.ask_open_exported = lambda *_a: ""  # type: ignore[assignment]
    prompts.run_dialog = lambda _dialog: True  # the PDF options as offered
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    action.trigger()
    while desk.jobs.busy:
        QApplication.processEvents()
        time.sleep(0.002)
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    return max(gaps, default=0.0)


def main() -> None:
    n_cards, n_milestones = size_from_argv()
    make_application()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        build_synthetic(path, n_cards, n_milestones)
        settings = Settings(QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat))

        desk = DeskApplication(settings)

        def open_window() -> tuple[Repository, MainWindow]:
            repo = Repository.open(path, user="bench", source="ui")
            window = desk.open_window(repo)
            window.resize(1366, 768)
            window.show()
            QApplication.processEvents()
            return repo, window

        seconds, (repo, window) = timed(open_window)
        assert window.card_model.rowCount() == n_cards
        rows.append(
            (f"open the window on {n_cards} × {n_milestones} (shown)", seconds, "", "≤ 2 s")
        )

        per_key: list[float] = []
        for text in ["skills", "pilot fund", "bootcamp network", "zzz-nothing", "levy"]:
            window.search_edit.clear()
            typed = ""
            for char in text:
                typed += char
                seconds, _ = timed(lambda t=typed: window.search_edit.setText(t))
                per_key.append(seconds)
        window.search_edit.clear()
        rows.append(
            (
                f"search as you type, list filtered ({len(per_key)} keystrokes, median)",
                statistics.median(per_key),
                "",
                "≤ 50 ms",
            )
        )
        rows.append(("search as you type (slowest keystroke)", max(per_key), "", "≤ 50 ms"))

        showing: list[float] = []
        for ref in ("10", str(n_cards // 2), str(n_cards)):
            seconds, _ = timed(lambda r=ref: (window.show_ref(r), QApplication.processEvents()))
            showing.append(seconds)
        rows.append(("show a card in the editor (slowest of 3)", max(showing), "", "< 100 ms"))

        window.show_ref("10")
        editor = window.editor

        def type_and_save() -> None:
            editor.title_edit.setText("Edited title")
            editor.title_edit.textEdited.emit("Edited title")
            editor.flush()

        seconds, _ = timed(type_and_save)
        rows.append(("save a title edit (write, reload, list row)", seconds, "", "< 100 ms"))

        rows.extend(_under_a_lock(window, path))

        actions = desk.workflow(window)
        for name, action, suffix, goal in (
            ("Excel export", actions.export_xlsx_action, "xlsx", "≤ 5 s"),
            ("PDF report", actions.export_pdf_action, "pdf", "≤ 15 s"),
        ):
            target = Path(folder) / f"from the window.{suffix}"
            seconds, stall = timed(
                lambda action=action, target=target: _export_from_the_menu(desk, action, target)
            )
            size = f"{n_cards} × {n_milestones}"
            kb = f"{target.stat().st_size // 1024} KB"
            rows.append((f"{name} from the File menu, {size} (to the file)", seconds, kb, goal))
            rows.append(("longest GUI-thread stall during that export", stall, "", "≤ 100 ms"))
        window.close()
        repo.close()
        rows.extend(_published_period(desk, path, n_cards, n_milestones))
    print_table(rows)


def _under_a_lock(window: MainWindow, path: Path) -> list[Row]:
    """A title saved while another program holds the write lock: the window thread's share."""
    import sqlite3

    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    window.show_ref("11")
    editor = window.editor

    def hand_over() -> None:
        editor.title_edit.setText("Edited under a lock")
        editor.title_edit.textEdited.emit("Edited under a lock")
        editor.flush()

    seconds, _ = timed(hand_over)
    assert window.session.waiting
    other.execute("ROLLBACK")
    other.close()
    while window.session.waiting:
        QApplication.processEvents()
    return [("save under a held lock: window thread until queued", seconds, "", "≤ 100 ms")]


def _published_period(
    desk: DeskApplication, path: Path, n_cards: int, n_milestones: int
) -> list[Row]:
    """The window on a programme whose current period is published (the banner, the changes)."""
    repo = Repository.open(path, user="bench", source="cli")
    repo.publish_period(None, "February 2020")
    repo.close()

    def open_window() -> tuple[Repository, MainWindow]:
        opened = Repository.open(path, user="bench", source="ui")
        window = desk.open_window(opened)
        window.resize(1366, 768)
        window.show()
        QApplication.processEvents()
        return opened, window

    seconds, (opened, window) = timed(open_window)
    rows: list[Row] = [
        (f"open the window, period published ({n_cards} × {n_milestones})", seconds, "", "≤ 2 s")
    ]
    showing: list[float] = []
    for ref in ("10", str(n_cards // 2), str(n_cards)):
        seconds, _ = timed(lambda r=ref: (window.show_ref(r), QApplication.processEvents()))
        showing.append(seconds)
    rows.append(
        (
            "show a card, changes since the report marked (slowest of 3)",
            max(showing),
            "",
            "< 100 ms",
        )
    )
    window.close()
    opened.close()
    return rows


if __name__ == "__main__":
    main()
