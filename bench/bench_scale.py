"""Council scale (issue 17): every job at 1,000 and 5,000 × 10, beside its anchor, in one table.

Usage: python bench/bench_scale.py [--sizes 1000,5000] [--runs 3]
                                   [--jobs storage,commands,pdf,window]

Each job is timed as the officer meets it: the command-line jobs as whole
``fowdesk`` processes (start-up, open, work, commit), the median of
``--runs`` runs on fresh copies of the database; the window's jobs in this
process on Qt's offscreen platform. Two anchors run here, on the same data:

* **raw SQLite**: the same cards, progress, milestones, one audit row per
  card and milestone and one search row per card, inserted with
  ``executemany`` in one transaction on the same schema — the least any
  write of these rows can cost;
* **reportlab probe**: plain reportlab (its own Paragraph and Table, DejaVu
  registered as a plain TTFont) laying out one four-column table per card
  with the same text — the least a report of this content can cost, per page.

Each row gives the job's figure, its ratio to its anchor where it has one,
how much it grew from the first size to the second (≤ 6× for 5× the data),
and the issue's target with whether it was met.
"""

from __future__ import annotations

import argparse
import gc
import io
import itertools
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_import import _all_new_rows, _narrative_edits
from bench.synthetic import build_synthetic, synthetic_programme
from bench.table import timed
from fowdesk.domain.model import Programme
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage.repository import Repository

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Figure:
    """One job at one size: seconds (or seconds per page), its anchor, and what it made."""

    seconds: float
    anchor: float | None = None
    note: str = ""
    #: Processor seconds (user + system) of a whole command: what a busy machine cannot inflate.
    cpu: float | None = None


@dataclass
class Job:
    name: str
    unit: str  # "s", "ms", "ms/page"
    target: Callable[[int, Figure], str | None] | None = None
    figures: dict[int, Figure] = field(default_factory=dict)


def _limit(
    seconds_at: dict[int, float], on_cpu: bool = False
) -> Callable[[int, Figure], str | None]:
    """A target of at most so many seconds at each size (sizes not named have none).

    ``on_cpu``: judged on processor time (a window step's: the window thread's,
    which other programs on a shared machine cannot inflate), where measured.
    """

    def check(size: int, figure: Figure) -> str | None:
        if size not in seconds_at:
            return None
        limit = seconds_at[size]
        shown = f"≤ {limit * 1000:.0f} ms" if limit < 1 else f"≤ {limit:g} s"
        if on_cpu and figure.cpu is not None:
            return f"{shown} cpu {'met' if figure.cpu <= limit else 'MISSED'}"
        return f"{shown} {'met' if figure.seconds <= limit else 'MISSED'}"

    return check


def _ratio_limit(most: float, memory_mib: float) -> Callable[[int, Figure], str | None]:
    def check(size: int, figure: Figure) -> str | None:
        if figure.anchor is None:
            return None
        ratio = figure.seconds / figure.anchor
        peak = float(figure.note.split(" MiB")[0].split()[-1]) if "MiB" in figure.note else 0.0
        ok = ratio <= most and peak <= memory_mib
        return f"≤ {most}× probe, ≤ {memory_mib:.0f} MiB {'met' if ok else 'MISSED'}"

    return check


# ----------------------------------------------------------------------------- commands


def _fowdesk(db: Path, *args: str) -> tuple[float, float, float, subprocess.CompletedProcess[str]]:
    """(wall seconds, processor seconds, peak MiB, outcome) of one whole ``fowdesk`` command.

    The peak is GNU time's: a child forked straight from this (large) process
    would report this process's size as its own peak.
    """
    env = dict(os.environ, HOME=str(db.parent / "home"), QT_QPA_PLATFORM="offscreen")
    peak_file = db.parent / "peak.txt"
    start = time.perf_counter()
    done = subprocess.run(
        [
            "/usr/bin/time",
            *("-f", "%M %U %S", "-o", str(peak_file)),
            *(sys.executable, "-m", "fowdesk", "--db", str(db), *args),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - start
    peak_kib, user, system = peak_file.read_text().split()[-3:]
    return seconds, float(user) + float(system), int(peak_kib) / 1024, done


def _median_command(
    template: Path, runs: int, args: Callable[[Path], list[str]], check: Callable[[Any], None]
) -> tuple[float, float, float]:
    """Median wall and processor seconds, and the largest peak MiB, of a command run on
    fresh copies of ``template``."""
    seconds, cpus, peaks = [], [], []
    for run in range(runs):
        db = template.parent / f"run-{run}.db"
        db.unlink(missing_ok=True)
        shutil.rmtree(template.parent / "backups", ignore_errors=True)
        shutil.copyfile(template, db)
        wall, cpu, peak, done = _fowdesk(db, *args(db))
        if done.returncode not in (0, 3):
            raise SystemExit(f"fowdesk {' '.join(args(db))} failed: {done.stderr or done.stdout}")
        check(done)
        seconds.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
        db.unlink()
    return statistics.median(seconds), statistics.median(cpus), max(peaks)


# ----------------------------------------------------------------------------- anchors


def raw_sqlite_insert(path: Path, programme: Programme) -> float:
    """Seconds to insert the programme's rows, audit and search rows with plain sqlite3."""
    Repository.create(path, seeded=False, user="bench").close()
    now = "2020-02-29T12:00:00"
    cards, progress, milestones, audit, search = [], [], [], [], []
    for position, card in enumerate(programme.cards):
        cards.append(
            (
                *(card.uuid, 1, card.ref, card.title, "[]", "/".join(card.leads)),
                *(str(card.status), position, now, now),
            )
        )
        paragraphs = card.progress_for("February 2020")
        progress.append((card.uuid, 1, "[" + ",".join(f'"{p.text}"' for p in paragraphs) + "]"))
        audit.append((now, "bench", "cli", "cards", card.uuid, "(created)", card.title))
        body = [card.ref, card.title, *(p.text for p in paragraphs)]
        for index, milestone in enumerate(card.milestones):
            milestones.append(
                (
                    *(milestone.uuid, card.uuid, index, milestone.description),
                    *(milestone.target, str(milestone.status), now, now),
                )
            )
            audit.append(
                (now, "bench", "cli", "milestones", milestone.uuid, "(created)", milestone.target)
            )
            body.append(f"{milestone.description} {milestone.target}")
        search.append((card.uuid, 1, "\n".join(body)))
    connection = sqlite3.connect(path, isolation_level=None)
    start = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "INSERT INTO programmes (id, code, title) VALUES (1, ?, ?)",
        [programme.code, programme.title],
    )
    connection.execute(
        "INSERT INTO periods (id, programme_id, label, as_at, created_at)"
        " VALUES (1, 1, 'February 2020', '2020-02-29', ?)",
        [now],
    )
    connection.executemany(
        "INSERT INTO cards (uuid, programme_id, ref, title, deliverables, leads, status,"
        " position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        cards,
    )
    connection.executemany(
        "INSERT INTO progress (card_uuid, period_id, paragraphs, updated_at) VALUES (?, ?, ?, ?)",
        [(*row, now) for row in progress],
    )
    connection.executemany(
        "INSERT INTO milestones (uuid, card_uuid, position, description, target, status,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        milestones,
    )
    connection.executemany(
        "INSERT INTO audit (at, who, source, table_name, row_uuid, field, new)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        audit,
    )
    connection.executemany(
        "INSERT INTO card_search (card_uuid, programme_id, body) VALUES (?, ?, ?)", search
    )
    connection.execute("COMMIT")
    seconds = time.perf_counter() - start
    connection.close()
    return seconds


def reportlab_probe(programme: Programme) -> tuple[float, int]:
    """(build seconds, pages) of plain reportlab laying out one table per card."""
    from xml.sax.saxutils import escape

    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from fowdesk import paths

    for name, filename in (
        ("ProbeSans", "DejaVuSans.ttf"),
        ("ProbeSans-Bold", "DejaVuSans-Bold.ttf"),
    ):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(paths.resource("fonts", filename))))
    cell = ParagraphStyle("probe", fontName="ProbeSans", fontSize=8, leading=10, spaceAfter=2)
    bullet = ParagraphStyle("probe_bullet", parent=cell, leftIndent=9, bulletFontName="ProbeSans")
    bold = ParagraphStyle("probe_bold", parent=cell, fontName="ProbeSans-Bold")
    width = landscape(A4)[0] - 28 * mm
    style = TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.5, "#808080"),
        ]
    )
    label = programme.periods[-1].label
    story = [
        Table(
            [[Paragraph(h, bold) for h in ("Recommendation", "Lead", "Progress", "Next steps")]],
            colWidths=[w * width for w in (0.3, 0.07, 0.33, 0.3)],
            style=style,
        )
    ]
    for card in programme.cards:
        first = [Paragraph(escape(f"{card.ref}. {card.title}"), bold)]
        first += [Paragraph(escape(d.text), bullet, bulletText="•") for d in card.deliverables]
        progress = [
            Paragraph(escape(p.text), bullet, bulletText="•") for p in card.progress_for(label)
        ]
        steps = [
            Paragraph(escape(f"{m.description} – {m.target} ({m.status})"), bullet, bulletText="•")
            for m in card.milestones
        ]
        story.append(
            Table(
                [[first, Paragraph(escape("/".join(card.leads)), cell), progress, steps]],
                colWidths=[w * width for w in (0.3, 0.07, 0.33, 0.3)],
                style=style,
                splitInRow=1,
            )
        )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=14 * mm, rightMargin=14 * mm)
    start = time.perf_counter()
    doc.build(story)
    seconds = time.perf_counter() - start
    return seconds, len(PdfReader(io.BytesIO(buffer.getvalue())).pages)


# ----------------------------------------------------------------------------- window


class FullCollections:
    """Every full (generation-2) collection Python starts by itself on the window thread,
    timed from ``gc.callbacks``' start to stop; the bench's own ``gc.collect()`` is left out."""

    on_purpose = False

    def __init__(self) -> None:
        #: (wall seconds, window-thread processor seconds) of each.
        self.seconds: list[tuple[float, float]] = []
        self._started = (0.0, 0.0)
        self._window_thread = threading.main_thread()

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2 or threading.current_thread() is not self._window_thread:
            return
        if phase == "start":
            self._started = (time.perf_counter(), time.thread_time())
        elif not FullCollections.on_purpose:
            wall, cpu = self._started
            self.seconds.append((time.perf_counter() - wall, time.thread_time() - cpu))

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self)


def collect_on_purpose() -> None:
    """The bench's own full collection before a step (not one the officer would meet)."""
    FullCollections.on_purpose = True
    try:
        gc.collect()
    finally:
        FullCollections.on_purpose = False


def session_collections(window: Any) -> Figure:
    """A working spell with no collection by the bench: six reloads, the as-at switch, a
    search typed, sorts, the dashboard; the window thread's longest full collection in it.

    Anchor: one full collection of everything alive with nothing frozen (what each full
    collection walked before the window froze the programme it read).
    """
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    def reload() -> None:
        loop = QEventLoop()
        window.reloaded.connect(loop.quit)
        QTimer.singleShot(60_000, loop.quit)
        window.reload()
        loop.exec()
        window.reloaded.disconnect(loop.quit)

    def settle() -> None:
        for _ in range(5):
            QApplication.processEvents()

    with FullCollections() as full:
        for round_number in range(6):
            reload()
            window.as_at_today_action.trigger()
            for typed in ("s", "sk", "ski", "skil", ""):
                window.search_edit.setText(typed)
                settle()
            window.card_view.sortByColumn(round_number % 5, Qt.SortOrder.DescendingOrder)
            window.as_at_today_action.trigger()
            settle()
        updated = QEventLoop()
        window.dashboard.updated.connect(updated.quit)
        QTimer.singleShot(60_000, updated.quit)
        window.show_dashboard()
        updated.exec()
        window.dashboard.updated.disconnect(updated.quit)
        reload()
        window.show_cards()
        settle()
    window.card_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    FullCollections.on_purpose = True
    try:
        everything, _ = timed(gc.collect)
    finally:
        FullCollections.on_purpose = False
        if frozen:  # as the window left it, so the next size starts alike
            gc.freeze()
    longest = max(full.seconds, default=(0.0, 0.0), key=lambda figures: figures[1])
    return Figure(
        longest[0],
        everything,
        note=f"{len(full.seconds)} full collections, {frozen:,} objects frozen; "
        "anchor: one full collection of everything, nothing frozen",
        cpu=longest[1],
    )


def window_figures(path: Path, n_cards: int) -> dict[str, Figure]:
    """Open, sort, search and the longest list operation, on the window over ``path``."""
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from fowdesk.ui.app import DeskApplication, make_application
    from fowdesk.ui.settings import Settings

    make_application()
    settings = Settings(QSettings(str(path.parent / "bench.ini"), QSettings.Format.IniFormat))
    desk = DeskApplication(settings)

    def open_window() -> Any:
        repo = Repository.open(path, user="bench", source="ui")
        window = desk.open_window(repo)
        window.resize(1366, 768)
        window.show()
        QApplication.processEvents()
        return repo, window

    collect_on_purpose()
    started = time.thread_time()
    opened, (repo, window) = timed(open_window)
    figures = {"open": Figure(opened, cpu=time.thread_time() - started)}
    assert window.card_model.rowCount() == n_cards
    #: Processor seconds of the window thread per step, beside the wall seconds.
    cpu: dict[float, float] = {}

    def step(action: Callable[[], object]) -> float:
        started = time.thread_time()
        seconds, _ = timed(lambda: (action(), QApplication.processEvents()))
        cpu[seconds] = time.thread_time() - started
        return seconds

    sorts = []
    for column in range(5):
        for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
            sorts.append(step(lambda c=column, o=order: window.card_view.sortByColumn(c, o)))
    window.card_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    figures["sort"] = Figure(max(sorts), note=f"slowest of {len(sorts)}", cpu=cpu[max(sorts)])

    keys = []
    for text in ["skills", "pilot fund", "bootcamp network", "zzz-nothing", "levy"]:
        window.search_edit.clear()
        typed = ""
        for char in text:
            typed += char
            keys.append(step(lambda t=typed: window.search_edit.setText(t)))
    figures["search"] = Figure(
        max(keys), note=f"median {statistics.median(keys) * 1000:.0f} ms", cpu=cpu[max(keys)]
    )

    operations: dict[str, float] = {
        "a sort": max(sorts),
        "a search keystroke": max(keys),
        "clear search": step(window.search_edit.clear),
    }
    operations["lead filter"] = step(lambda: window.lead_filter.setCurrentIndex(1))
    operations["RAG filter"] = step(lambda: window.rag_filter.setCurrentIndex(1))
    operations["filters off"] = step(
        lambda: (window.lead_filter.setCurrentIndex(0), window.rag_filter.setCurrentIndex(0))
    )
    as_at_today = getattr(window, "as_at_today_action", None)  # the View menu's toggle
    if as_at_today is not None:
        there = step(as_at_today.trigger)
        back = step(as_at_today.trigger)
        operations["RAG as at today"] = max(there, back)
        figures["as at today"] = Figure(
            max(there, back),
            rule_alone(window),
            note="slower of on and off; anchor: the RAG rule alone on every card",
            cpu=cpu[max(there, back)],
        )
    window.card_view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    operations["show a card"] = step(lambda: window.show_ref(str(n_cards // 2)))
    editor = window.editor

    def save_title() -> None:
        editor.title_edit.setText("Aardvark first")
        editor.title_edit.textEdited.emit("Aardvark first")
        editor.flush()

    operations["save a title (sorted by title)"] = step(save_title)
    window.card_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    worst = max(operations, key=lambda name: operations[name])
    figures["list"] = Figure(operations[worst], note=worst, cpu=cpu[operations[worst]])
    figures["reload"], figures["reload stretch"] = reload_figures(window)
    figures["reload"].anchor = reading_alone(path)
    figures.update(dashboard_figures(window))
    figures["full collection"] = session_collections(window)
    window.close()
    repo.close()
    return figures


def rule_alone(window: Any) -> float:
    """Anchor of the as-at switch: the RAG rule judging every card, nothing shown."""
    from fowdesk.domain.rag import card_rag

    assert window.programme is not None and window.programme.current_period is not None
    year_from = window.programme.current_period.as_at
    as_at = window.judged_as_at()
    seconds, _ = timed(
        lambda: [card_rag(card, as_at, year_from) for card in window.programme.cards]
    )
    return seconds


def reading_alone(path: Path) -> float:
    """Anchor of the reload: reading the programme whole on a connection of its own."""
    repo = Repository.open(path, user="bench")
    try:
        collect_on_purpose()
        seconds, _ = timed(lambda: repo.load_programme("SYN"))
    finally:
        repo.close()
    return seconds


def reload_figures(window: Any) -> tuple[Figure, Figure]:
    """The reload after an import: wall until the list shows the file again (with the
    window thread's processor time meanwhile), and the window thread's longest stretch.

    A window that reads off its thread says so with ``reloaded``; the bench waits
    for it in an event loop, which costs the window thread nothing while it waits.
    """
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    collect_on_purpose()
    reloaded = getattr(window, "reloaded", None)
    started, started_cpu = time.perf_counter(), time.thread_time()
    if reloaded is None:  # the reload before issue 17's follow-up: all of it on the window thread
        window.reload()
        QApplication.processEvents()
        seconds, cpu = time.perf_counter() - started, time.thread_time() - started_cpu
        whole = Figure(seconds, cpu=cpu, note="on the window thread; anchor: load_programme alone")
        return whole, Figure(seconds, cpu=cpu, note="the whole reload")
    stretches: list[tuple[float, float]] = []

    def stretch(action: Callable[[], object]) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        action()
        QApplication.processEvents()
        stretches.append((time.perf_counter() - wall, time.thread_time() - cpu))

    loop = QEventLoop()
    reloaded.connect(loop.quit)
    QTimer.singleShot(60_000, loop.quit)
    original = window._show_reloaded
    window._show_reloaded = lambda *args: stretch(lambda: original(*args))
    try:
        stretch(window.reload)
        loop.exec()
    finally:
        window._show_reloaded = original
        reloaded.disconnect(loop.quit)
    QApplication.processEvents()
    seconds, cpu = time.perf_counter() - started, time.thread_time() - started_cpu
    longest = max(stretches)
    return (
        Figure(seconds, cpu=cpu, note="read on the job pool; anchor: load_programme alone"),
        Figure(longest[0], cpu=longest[1], note=f"{len(stretches)} stretches"),
    )


def busiest_stretch(action: Callable[[], object], until: list[Any]) -> tuple[float, float]:
    """Run ``action`` and the event loop until each signal in ``until`` has been emitted, then
    let the loop settle (delayed layouts, repaints) for 50 ms.

    Returns the wall seconds until the last signal, and the window thread's longest
    stretch of processor time between two waits of its event loop (``aboutToBlock``):
    a step the officer would feel as the window not answering. The action's own
    synchronous part is one such stretch.
    """
    from PySide6.QtCore import QAbstractEventDispatcher, QEventLoop, QThread, QTimer

    dispatcher = QAbstractEventDispatcher.instance(QThread.currentThread())
    marks: list[float] = []
    emitted: dict[int, bool] = {}
    loop = QEventLoop()

    def heard(number: int) -> None:
        emitted[number] = True
        if len(emitted) == len(until):
            loop.quit()

    slots = [lambda *_args, n=number: heard(n) for number in range(len(until))]
    for signal, slot in zip(until, slots, strict=True):
        signal.connect(slot)

    def blocked() -> None:
        marks.append(time.thread_time())

    collect_on_purpose()
    dispatcher.aboutToBlock.connect(blocked)
    started = time.perf_counter()
    marks.append(time.thread_time())
    try:
        action()
        if len(emitted) < len(until):
            QTimer.singleShot(60_000, loop.quit)
            loop.exec()
        seconds = time.perf_counter() - started
        settle = QEventLoop()
        QTimer.singleShot(50, settle.quit)
        settle.exec()
        marks.append(time.thread_time())
    finally:
        dispatcher.aboutToBlock.disconnect(blocked)
        for signal, slot in zip(until, slots, strict=True):
            signal.disconnect(slot)
    if len(emitted) < len(until):
        raise SystemExit("the dashboard never said it was worked out")
    return seconds, max(later - earlier for earlier, later in itertools.pairwise(marks))


def dashboard_figures(window: Any) -> dict[str, Figure]:
    """The Dashboard tab: opening it, RAG as at today and a reload with it shown.

    Each is timed until the dashboard shows the content for what the window
    shows (a window whose dashboard is worked out on the job pool says so with
    ``dashboard.updated``), with the window thread's longest stretch as its
    processor time. Anchor: ``summarise`` alone on the window's programme.
    """
    from fowdesk.domain.summary import summarise

    updated = getattr(window.dashboard, "updated", None)
    waits = [updated] if updated is not None else []
    window.show_cards()
    opened, opened_cpu = busiest_stretch(window.show_dashboard, waits)
    toggles = [busiest_stretch(window.as_at_today_action.trigger, waits) for _ in range(2)]
    toggled, toggled_cpu = max(toggles, key=lambda figure: figure[1])
    reloaded, reloaded_cpu = busiest_stretch(window.reload, [window.reloaded, *waits])
    assert window.programme is not None
    programme, as_at = window.programme, window.judged_as_at()
    collect_on_purpose()
    alone, _ = timed(lambda: summarise(programme, as_at))
    note = "longest window-thread stretch as cpu; anchor: summarise alone"
    return {
        "dashboard open": Figure(opened, alone, note=note, cpu=opened_cpu),
        "dashboard as at today": Figure(
            toggled, alone, note="slower of on and off; " + note, cpu=toggled_cpu
        ),
        "dashboard reload": Figure(reloaded, alone, note=note, cpu=reloaded_cpu),
    }


# ----------------------------------------------------------------------------- one size


def measure(
    size: int, n_milestones: int, runs: int, jobs: set[str], root: Path
) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    raw = None
    if jobs & {"storage", "commands"}:  # not kept: the window's full collections would walk it
        raw = raw_sqlite_insert(root / "raw.db", synthetic_programme(size, n_milestones))

    full = root / "full.db"
    seconds, _ = timed(lambda: build_synthetic(full, size, n_milestones))
    if "storage" in jobs:
        figures["build"] = Figure(seconds, raw)

    if "commands" in jobs:
        repo = Repository.open(full, user="exporter")
        exported = export_return(repo, root / "SYN return.xlsx", code="SYN")
        repo.close()
        narrative = _narrative_edits(exported, root / "narrative.xlsx", min(400, size))
        empty = build_synthetic(root / "empty.db", 0, 0)
        repo = Repository.open(empty, user="exporter")
        blank = export_return(repo, root / "SYN empty return.xlsx", code="SYN")
        repo.close()
        new_rows = _all_new_rows(blank, root / "new rows.xlsx", size, n_milestones)

        def imported(expect: str) -> Callable[[Any], None]:
            def check(done: Any) -> None:
                if expect not in done.stdout:
                    raise SystemExit(f"import said: {done.stdout}{done.stderr}")

            return check

        seconds, cpu, _ = _median_command(
            empty, runs, lambda _db: ["import", str(new_rows)], imported("mport")
        )
        figures["import new"] = Figure(seconds, raw, cpu=cpu)
        seconds, cpu, _ = _median_command(
            full, runs, lambda _db: ["import", str(narrative)], imported("mport")
        )
        figures["import edits"] = Figure(seconds, raw, cpu=cpu)
        seconds, cpu, peak = _median_command(
            full,
            runs,
            lambda db: ["export", "xlsx", "-o", str(db.with_suffix(".xlsx"))],
            lambda _done: None,
        )
        figures["xlsx"] = Figure(seconds, None, f"peak {peak:.0f} MiB", cpu=cpu)

    if "pdf" in jobs:
        from pypdf import PdfReader

        target = root / "report.pdf"
        seconds, cpu, peak = _median_command(
            full,
            runs,
            lambda _db: ["export", "pdf", "--no-changes", "-o", str(target)],
            lambda _done: None,
        )
        pages = len(PdfReader(target).pages)
        repo = Repository.open(full, user="bench")
        loaded = repo.load_programme("SYN")
        repo.close()
        collect_on_purpose()
        probe, probe_pages = reportlab_probe(loaded)
        figures["pdf"] = Figure(
            seconds / pages,
            probe / probe_pages,
            f"{seconds:.1f} s, {pages} pages, peak {peak:.0f} MiB; probe {probe:.1f} s, "
            f"{probe_pages} pages",
            cpu=cpu / pages,
        )

    if "window" in jobs:
        window = window_figures(full, size)
        figures.update({f"window {name}": figure for name, figure in window.items()})
    return figures


JOBS = [
    Job("build through the repository (insert_programme)", "s"),
    Job("fowdesk import, all-new rows", "s", _limit({1000: 2, 5000: 10})),
    Job("fowdesk import, 400 narrative edits", "s", _limit({5000: 5})),
    Job("fowdesk export xlsx (issue 16's)", "s", _limit({5000: 6})),
    Job("fowdesk export pdf, per page", "ms/page", _ratio_limit(1.5, 400)),
    Job("window open (load, list, shown)", "s", _limit({1000: 1, 5000: 1})),
    Job("window sort, slowest column/order", "ms", _limit({1000: 0.05, 5000: 0.05}, on_cpu=True)),
    Job("window search keystroke, slowest", "ms", _limit({1000: 0.05, 5000: 0.05}, on_cpu=True)),
    Job("window longest list operation", "ms", _limit({1000: 0.1, 5000: 0.1}, on_cpu=True)),
    Job("window RAG as at today (View menu)", "ms", _limit({1000: 0.1, 5000: 0.1}, on_cpu=True)),
    Job("window reload (after an import)", "s", _limit({1000: 1, 5000: 1})),
    Job(
        "window reload, longest window-thread step",
        "ms",
        _limit({1000: 0.1, 5000: 0.1}, on_cpu=True),
    ),
    Job("window dashboard open", "ms", _limit({1000: 0.1, 5000: 0.1}, on_cpu=True)),
    Job(
        "window dashboard shown, RAG as at today",
        "ms",
        _limit({1000: 0.1, 5000: 0.1}, on_cpu=True),
    ),
    Job(
        "window dashboard shown, reload after an import",
        "ms",
        _limit({1000: 0.1, 5000: 0.1}, on_cpu=True),
    ),
    Job(
        "window longest full collection (gc) in a spell of work",
        "ms",
        _limit({1000: 0.1, 5000: 0.1}, on_cpu=True),
    ),
]
KEYS = [
    "build",
    "import new",
    "import edits",
    "xlsx",
    "pdf",
    "window open",
    "window sort",
    "window search",
    "window list",
    "window as at today",
    "window reload",
    "window reload stretch",
    "window dashboard open",
    "window dashboard as at today",
    "window dashboard reload",
    "window full collection",
]


def _shown(seconds: float, unit: str) -> str:
    return f"{seconds:.2f} s" if unit == "s" else f"{seconds * 1000:.0f} ms"


def print_table(jobs: list[Job], sizes: list[int], n_milestones: int) -> None:
    header = ["job"]
    for size in sizes:
        header += [f"{size:,} × {n_milestones}", "× anchor"]
    header += ["growth", "target"]
    lines = [header]
    notes: list[str] = []
    for job in jobs:
        if not job.figures:
            continue
        line = [job.name]
        verdicts = []
        for size in sizes:
            figure = job.figures.get(size)
            if figure is None:
                line += ["", ""]
                continue
            shown = _shown(figure.seconds, job.unit)
            if figure.cpu is not None:
                shown += f" (cpu {_shown(figure.cpu, job.unit).split()[0]})"
            line.append(shown)
            line.append(f"{figure.seconds / figure.anchor:.1f}×" if figure.anchor else "")
            if figure.note:
                notes.append(f"{job.name} at {size:,}: {figure.note}")
            verdict = job.target(size, figure) if job.target else None
            if verdict:
                verdicts.append(f"{size:,}: {verdict}")
        first, last = job.figures.get(sizes[0]), job.figures.get(sizes[-1])
        growth = ""
        if len(sizes) > 1 and first and last and first.seconds > 0:
            # Per page is already per unit of data: its growth is the whole command's.
            scale = 1.0
            if job.unit == "ms/page":
                scale = _pages(last.note) / max(_pages(first.note), 1)
            ratio = last.seconds * scale / first.seconds
            growth = f"{ratio:.1f}× {'met' if ratio <= 6 else 'MISSED'}"
        line += [growth, "; ".join(verdicts)]
        lines.append(line)
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    for number, row in enumerate(lines):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))
    anchors = (
        "anchors: raw SQLite insert (import, build); reportlab probe per page (pdf); "
        "the RAG rule alone (as at today); load_programme alone (reload); summarise alone "
        "(dashboard); one full collection of everything, nothing frozen (gc)"
    )
    print(f"\n{anchors}")
    for note in notes:
        print(f"- {note}")


def _pages(note: str) -> int:
    for part in note.split(","):
        if part.strip().endswith("pages"):
            return int(part.split()[-2])
    return 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--milestones", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="storage,commands,pdf,window")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    wanted = set(args.jobs.split(","))
    jobs = [Job(job.name, job.unit, job.target) for job in JOBS]
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            figures = measure(size, args.milestones, args.runs, wanted, Path(folder))
        for job, key in zip(jobs, KEYS, strict=True):
            if key in figures:
                job.figures[size] = figures[key]
        print(f"measured {size:,} × {args.milestones}", file=sys.stderr, flush=True)
    import fowdesk

    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"fowdesk from {Path(fowdesk.__file__).parent}, runs: {args.runs}, load {load}")
    print_table(jobs, sizes, args.milestones)


if __name__ == "__main__":
    main()
