"""How long another program's ``fowdesk import`` keeps a reader (the window) out.

Usage: python bench/bench_reads_during_import.py [--sizes 1000,5000] [--runs N]

While ``fowdesk import`` runs (a new process, as an officer or the PMO runs
it from a terminal), a reader in a third process polls the file every half
millisecond with no busy wait at all (``timeout=0``) and keeps the longest
stretch it was refused: the time a window read must ride out. Each import is
run twice on fresh copies of the file: with SQLite's default page-cache
spilling (``SPILL_AFTER_BYTES = 1``: a write larger than the 2 MB cache
spills into the file and holds it exclusively until it commits) and as
fowdesk now configures it (``database.SPILL_AFTER_BYTES``). The import's peak
memory is shown beside it, since the pages are held in memory instead.

Anchor: a window read waits ``database.READ_WAIT_S`` (1 s) for a commit
before it gives up with one line; the window's budget (DESIGN) is 100 ms.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_import import _all_new_rows, _narrative_edits
from bench.synthetic import build_synthetic
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage import database
from fowdesk.storage.repository import Repository

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sqlite3, sys, threading, time
conn = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
print("ready", flush=True)
longest, refused_since = 0.0, None
while not done.is_set():
    now = time.perf_counter()
    try:
        conn.execute("SELECT count(*) FROM programmes").fetchone()
        if refused_since is not None:
            longest, refused_since = max(longest, now - refused_since), None
    except sqlite3.OperationalError:
        refused_since = now if refused_since is None else refused_since
    time.sleep(0.0005)
print(longest, flush=True)
"""

IMPORT = """
import resource, sys
from fowdesk.storage import database
database.SPILL_AFTER_BYTES = int(sys.argv[1])
from fowdesk.cli import main
code = main(sys.argv[2:])
print("peak", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
raise SystemExit(code)
"""


def refused_during_import(db: Path, workbook: Path, spill_after: int) -> tuple[float, float]:
    """(longest refusal of a reader in seconds, the import's peak memory in MiB)."""
    probe = subprocess.Popen(
        [sys.executable, "-c", PROBE, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert probe.stdout is not None and probe.stdin is not None
    assert probe.stdout.readline() == "ready\n"
    done = subprocess.run(
        [sys.executable, "-c", IMPORT, str(spill_after), "--db", str(db), "import", str(workbook)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    probe.stdin.close()
    longest = float(probe.stdout.read())
    probe.wait()
    if done.returncode != 0 or "mport" not in done.stdout:
        raise SystemExit(f"import said: {done.stdout}{done.stderr}")
    peak_kib = int(done.stderr.split("peak")[-1])
    return longest, peak_kib / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    modes = [("SQLite's default spill", 1), ("fowdesk now", database.SPILL_AFTER_BYTES)]
    lines = []
    for size in (int(text) for text in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            full = build_synthetic(root / "full.db", size, 10)
            repo = Repository.open(full, user="exporter")
            exported = export_return(repo, root / "return.xlsx", code="SYN")
            repo.close()
            narrative = _narrative_edits(exported, root / "narrative.xlsx", min(400, size))
            empty = build_synthetic(root / "empty.db", 0, 0)
            repo = Repository.open(empty, user="exporter")
            blank = export_return(repo, root / "empty return.xlsx", code="SYN")
            repo.close()
            new_rows = _all_new_rows(blank, root / "new rows.xlsx", size, 10)
            for what, template, workbook in (
                ("400 narrative edits", full, narrative),
                ("all-new rows", empty, new_rows),
            ):
                figures = []
                for _label, spill_after in modes:
                    runs = []
                    for run in range(args.runs):
                        db = root / f"run-{run}.db"
                        shutil.copyfile(template, db)
                        Repository.open(db).close()  # its search index built, as in use
                        runs.append(refused_during_import(db, workbook, spill_after))
                        for leftover in root.glob(f"run-{run}.db*"):
                            leftover.unlink()
                        shutil.rmtree(root / "backups", ignore_errors=True)
                    longest = statistics.median(r[0] for r in runs)
                    peak = max(r[1] for r in runs)
                    figures.append(f"{longest * 1000:7.0f} ms  {peak:5.0f} MiB")
                lines.append((f"{size:,} × 10, import {what}", *figures))
    width = max(len(line[0]) for line in lines)
    print(f"{'reader refused during':<{width}}  " + "  ".join(f"{m[0]:<20}" for m in modes))
    print(f"{'':<{width}}  " + "  ".join(f"{'longest     peak':<20}" for _ in modes))
    for name, *figures in lines:
        print(f"{name:<{width}}  " + "  ".join(f"{f:<20}" for f in figures))
    print(f"(median of {args.runs} runs; the window's reads wait {database.READ_WAIT_S:g} s)")


if __name__ == "__main__":
    main()
