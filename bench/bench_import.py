"""The whole ``fowdesk import`` command on a synthetic 1,000 × 10 programme.

Usage: python bench/bench_import.py [N_CARDS] [N_MILESTONES] [--runs N]   (default 1,000 × 10, 3)

Each row times the command as an officer runs it (a new Python process:
start-up, opening and checking the database, reading the return, comparing,
backing up, applying, committing), the median of N runs, each on a fresh
copy of the database (copied outside the timing):

* 400 narrative edits: an officer rewrote Progress to date on 400 cards;
* all-new rows: a return for an empty programme filled with 1,000 new
  recommendations and 10,000 new milestones (no IDs);
* no-change re-import: the 400-edit return imported a second time.

Targets (issue 13): ≤ 1.5 s, ≤ 2 s and ≤ 1.5 s.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl

from bench.synthetic import build_synthetic, synthetic_programme
from bench.table import Row, print_table
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage.repository import Repository

ROOT = Path(__file__).resolve().parent.parent


def _headers(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def _narrative_edits(source: Path, target: Path, n: int) -> Path:
    wb = openpyxl.load_workbook(source)
    recs = wb["Recommendations"]
    progress = _headers(recs)["Progress to date"]
    for row in range(2, 2 + n):
        cell = recs.cell(row, progress)
        cell.value = f"• Rewritten for the bench, row {row}\n• {cell.value or ''}"[:3000]
        cell.data_type = "s"
    wb.save(target)
    return target


def _all_new_rows(source: Path, target: Path, n_cards: int, n_milestones: int) -> Path:
    """The empty programme's return filled with new rows (no IDs), as a PMO would type them."""
    filled = synthetic_programme(n_cards, n_milestones)
    wb = openpyxl.load_workbook(source)
    recs, milestones = wb["Recommendations"], wb["Milestones"]
    rh, mh = _headers(recs), _headers(milestones)
    row = 2
    for card in filled.cards:
        progress = "\n".join(f"• {p.text}" for p in card.progress_for("February 2020"))
        for header, value in (
            ("Ref", card.ref),
            ("Title", card.title),
            ("Lead", "/".join(card.leads)),
            ("Status", str(card.status)),
            ("Progress to date", progress),
        ):
            recs.cell(row, rh[header]).value = value
        row += 1
    row = 2
    for card in filled.cards:
        for milestone in card.milestones:
            for header, value in (
                ("Ref", card.ref),
                ("Milestone", milestone.description),
                ("Target", milestone.target),
                ("Status", str(milestone.status)),
                ("Completed on", None),
            ):
                milestones.cell(row, mh[header]).value = value
            row += 1
    wb.save(target)
    return target


def _fowdesk(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HOME=str(db.parent / "home"), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "fowdesk", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _time_import(template: Path, workbook: Path, runs: int, expect: str) -> float:
    """Median seconds of ``fowdesk import`` on fresh copies of ``template``."""
    seconds = []
    for run in range(runs):
        db = template.parent / f"run-{run}.db"
        db.unlink(missing_ok=True)
        shutil.rmtree(template.parent / "backups", ignore_errors=True)
        shutil.copyfile(template, db)
        start = time.perf_counter()
        done = _fowdesk(db, "import", str(workbook))
        seconds.append(time.perf_counter() - start)
        if done.returncode != 0 or expect not in done.stdout:
            raise SystemExit(f"import failed ({done.returncode}): {done.stderr or done.stdout}")
        db.unlink()
    return statistics.median(seconds)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    if "--runs" in sys.argv:
        args.remove(str(runs))
    n_cards = int(args[0]) if args else 1000
    n_milestones = int(args[1]) if len(args) > 1 else 10
    size = f"{n_cards} × {n_milestones}"
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        full = build_synthetic(root / "full.db", n_cards, n_milestones)
        repo = Repository.open(full, user="exporter")
        exported = export_return(repo, root / "SYN return.xlsx", code="SYN")
        repo.close()
        narrative = _narrative_edits(exported, root / "narrative.xlsx", min(400, n_cards))

        empty = build_synthetic(root / "empty.db", 0, 0)
        repo = Repository.open(empty, user="exporter")
        blank = export_return(repo, root / "SYN empty return.xlsx", code="SYN")
        repo.close()
        new_rows = _all_new_rows(blank, root / "new rows.xlsx", n_cards, n_milestones)

        seconds = _time_import(full, narrative, runs, "mport")
        rows.append((f"{size} fowdesk import, 400 narrative edits", seconds, "", "≤ 1.5 s"))
        seconds = _time_import(empty, new_rows, runs, "mport")
        rows.append((f"{size} fowdesk import, all-new rows", seconds, "", "≤ 2 s"))

        imported = root / "imported.db"
        shutil.copyfile(full, imported)
        done = _fowdesk(imported, "import", str(narrative))
        assert done.returncode == 0, done.stderr
        seconds = _time_import(imported, narrative, runs, "")
        rows.append((f"{size} fowdesk import, no-change re-import", seconds, "", "≤ 1.5 s"))
    print_table(rows)


if __name__ == "__main__":
    main()
