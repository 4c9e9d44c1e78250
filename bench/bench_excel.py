"""Excel return timings on a synthetic 1,000 × 10 programme: export, preview and import.

Usage: python bench/bench_excel.py [N_CARDS] [N_MILESTONES]   (default 1,000 × 10)

Targets: Excel export (recording the return's base included) ≤ 3 s at 1,000 × 10
(issue 16) and ≤ 6 s at 5,000 × 10 (issue 17); import ≤ 5 s (DESIGN.md). The
export is timed three times and the quickest kept, with its processor time
beside it: on a shared machine the wall clock waits for other people's work,
the processor time does not. The import rows
time a return with no changes (read and compare every row) and one where an
officer changed 100 statuses and re-dated 100 milestones (read, compare,
back up, apply in one transaction).
"""

from __future__ import annotations

import gc
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl

from bench.synthetic import build_synthetic
from bench.table import Row, print_table, size_from_argv, timed
from fowdesk.exports.xlsx_import import read_return
from fowdesk.exports.xlsx_return import build_workbook, export_return, save_workbook
from fowdesk.storage.repository import Repository

T = TypeVar("T")


def quickest(fn: Callable[[], T], runs: int = 3) -> tuple[float, float, T]:
    """The quickest of ``runs`` calls: wall seconds, processor seconds, and what it returned."""
    best: tuple[float, float, T] | None = None
    for _ in range(runs):
        cpu = time.process_time()
        seconds, result = timed(fn)
        cpu = time.process_time() - cpu
        if best is None or seconds < best[0]:
            best = (seconds, cpu, result)
    assert best is not None
    return best


def _edit(path: Path, n: int) -> None:
    """An officer's edits: n card statuses and n milestone targets (with reasons)."""
    wb = openpyxl.load_workbook(path)
    recs, milestones = wb["Recommendations"], wb["Milestones"]
    rec_headers = [c.value for c in recs[1]]
    ms_headers = [c.value for c in milestones[1]]
    status = rec_headers.index("Status") + 1
    target = ms_headers.index("Target") + 1
    reason = ms_headers.index("Reason for change") + 1
    for row in range(2, 2 + n):
        recs.cell(row, status).value = "On hold"
        milestones.cell(row, target).value = "December 2024"
        milestones.cell(row, reason).value = "Re-planned with the board"
    wb.save(path)


def main() -> None:
    n_cards, n_milestones = size_from_argv()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "synthetic.db"
        build_synthetic(path, n_cards, n_milestones)
        repo = Repository.open(path, user="bench")
        size = f"{n_cards} × {n_milestones}"

        programme = repo.load_programme("SYN")
        seconds, cpu, _ = quickest(
            lambda: save_workbook(build_workbook(programme, [], author="bench"), io.BytesIO())
        )
        in_memory = f"{size} build workbook and save it in memory"
        rows.append((in_memory, seconds, f"cpu {cpu:.2f} s", ""))

        target = root / "SYN return.xlsx"
        seconds, cpu, _ = quickest(lambda: export_return(repo, target, code="SYN"))
        kb = target.stat().st_size // 1024
        rows.append(
            (
                f"{size} Excel export (load, build, save, record base)",
                seconds,
                f"cpu {cpu:.2f} s, {kb} KB",
                "≤ 3 s at 1,000, ≤ 6 s at 5,000",
            )
        )
        # What the export leaves for the cyclic collector: in the window a collection holds
        # the interpreter lock, so this is how long the window could freeze afterwards.
        seconds, freed = timed(gc.collect)
        rows.append((f"{size} full garbage collection after it", seconds, f"{freed} freed", ""))

        seconds, change_set = timed(lambda: read_return(repo, target))
        assert change_set.is_empty, change_set.describe()[:500]
        rows.append((f"{size} Excel import, no changes (read + compare)", seconds, "", "≤ 5 s"))

        _edit(target, 100)
        seconds, change_set = timed(lambda: read_return(repo, target))
        found = f"{change_set.change_count} changes"
        rows.append((f"{size} Excel import preview, 200 edits", seconds, found, "≤ 5 s"))
        start = time.perf_counter()
        change_set = read_return(repo, target)
        repo.apply(change_set, source="import", author="bench")
        seconds = time.perf_counter() - start
        rows.append(
            (f"{size} Excel import, 200 edits (read + backup + apply)", seconds, "", "≤ 5 s")
        )
        repo.close()
    print_table(rows)


if __name__ == "__main__":
    main()
