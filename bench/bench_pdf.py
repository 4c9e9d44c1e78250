"""PDF report timings: the seed programme in process, and a synthetic 1,000 × 10 programme.

Usage: python bench/bench_pdf.py [N_CARDS] [N_MILESTONES]   (default 1,000 × 10)
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader
from reportlab.lib import rl_accel

from bench.synthetic import build_synthetic
from bench.table import Row, print_table, size_from_argv, timed
from fowdesk.exports.pdf_report import export_report, render_report
from fowdesk.exports.pdf_text import register_fonts
from fowdesk.storage.repository import Repository


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


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
        repo.close()
    print_table(rows)
    # reportlab's optional C helpers (the rl-accel package) make the long rows faster.
    print(f"reportlab C accelerator (rl-accel): {'present' if rl_accel._c_funcs else 'absent'}")


if __name__ == "__main__":
    main()
