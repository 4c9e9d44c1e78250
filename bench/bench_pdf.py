"""PDF report timings: the seed programme in process, and a synthetic 1,000 × 10 programme.

Usage: python bench/bench_pdf.py [N_CARDS] [N_MILESTONES]   (default 1,000 × 10)
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader
from reportlab.lib import rl_accel

from bench.synthetic import build_synthetic
from bench.table import Row, print_table, size_from_argv, timed
from fowdesk.domain.publishing import ReportOptions
from fowdesk.exports.pdf_report import export_report, render_report, report_pdf_bytes
from fowdesk.exports.pdf_text import register_fonts
from fowdesk.exports.publishing import publish_report
from fowdesk.storage.repository import Repository


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _publishing_rows(repo: Repository, code: str, label: str, name: str, root: Path) -> list[Row]:
    """Publishing renders the report once (with its options) and stores it; reprints read it.

    Before publishing stored its report, it froze only the snapshot and the
    first print rendered: the "snapshot only" row times that step on a copy.
    """
    rows: list[Row] = []
    copy = root / f"{code} copy.db"
    repo.backup(copy)
    other = Repository.open(copy, user="bench")
    seconds, _ = timed(lambda: other.publish_period(code, label))
    other.close()
    rows.append((f"{name}: publish, snapshot only (as before)", seconds, "", ""))
    options = ReportOptions.given("7", None)
    seconds, report = timed(lambda: publish_report(repo, code, label, options))
    rows.append((f"{name}: publish (snapshot, render, check, store)", seconds, "", ""))
    seconds, pdf = timed(lambda: report_pdf_bytes(repo, code=code, period=label)[2])
    assert pdf == report.pdf
    rows.append((f"{name}: reprint of the published report", seconds, "stored bytes", ""))
    return rows


def main() -> None:
    n_cards, n_milestones = size_from_argv()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        seconds, _ = timed(register_fonts)
        rows.append(("register DejaVu fonts (once per process)", seconds, "", ""))

        seed = Repository.create(root / "seed.db", seeded=True, user="bench")
        programme = seed.load_programme("FOW")
        label = programme.periods[-1].label
        runs = []
        for _ in range(5):
            seconds, pdf = timed(lambda: render_report(programme, label, appendix="1"))
            runs.append(seconds)
        rows.append(
            (
                "seed programme FOW report, render (median of 5)",
                statistics.median(runs),
                f"{pages(pdf)} pages, {len(pdf) // 1024} KB",
                "≤ 0.5 s",
            )
        )
        seconds, _ = timed(lambda: export_report(seed, root / "fow.pdf", code="FOW"))
        rows.append(("seed programme FOW, export_report (load + render + store)", seconds, "", ""))
        seed.new_period("FOW", "March 2020", date(2020, 3, 31))
        rows += _publishing_rows(seed, "FOW", "March 2020", "seed programme FOW", root)
        ds = seed.load_programme("DS2430")
        seconds, pdf = timed(lambda: render_report(ds, ds.periods[-1].label))
        rows.append(("seed programme DS2430 report, render", seconds, f"{pages(pdf)} pages", ""))
        seed.close()

        path = root / "synthetic.db"
        build_synthetic(path, n_cards, n_milestones)
        repo = Repository.open(path, user="bench")
        seconds, synthetic = timed(lambda: repo.load_programme("SYN"))
        rows.append((f"load {n_cards} × {n_milestones}", seconds, "", ""))
        label = synthetic.periods[-1].label
        seconds, pdf = timed(lambda: render_report(synthetic, label))
        rows.append(
            (
                f"{n_cards} × {n_milestones} report, render",
                seconds,
                f"{pages(pdf)} pages, {len(pdf) // 1024} KB",
                "≤ 15 s",
            )
        )
        rows += _publishing_rows(repo, "SYN", label, f"{n_cards} × {n_milestones}", root)
        repo.close()
    print_table(rows)
    # reportlab's optional C helpers (the rl-accel package) make the long rows faster.
    print(f"reportlab C accelerator (rl-accel): {'present' if rl_accel._c_funcs else 'absent'}")


if __name__ == "__main__":
    main()
