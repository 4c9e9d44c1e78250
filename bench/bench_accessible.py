"""Accessible HTML and Word appendix timings: the seed programme, and a synthetic N × M one.

Usage: python bench/bench_accessible.py [N_CARDS] [N_MILESTONES]   (default 1,000 × 10)

Each format is timed from the loaded programme (build the report model, render,
the bytes in memory) and as the command line runs it (load, render, write,
log). The model is built once per render, so its own row shows what the
formats share.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import build_synthetic
from bench.table import Row, print_table, size_from_argv, timed
from fowdesk.exports.docx_report import export_docx, render_docx
from fowdesk.exports.html_report import export_html, render_html
from fowdesk.exports.report_model import build_report
from fowdesk.storage.repository import Repository


def median_of(runs: int, fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        seconds, result = timed(fn)
        times.append(seconds)
    return statistics.median(times), result


def main() -> None:
    n_cards, n_milestones = size_from_argv()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        seed = Repository.create(root / "seed.db", seeded=True, user="bench")
        fow = seed.load_programme("FOW")
        label = fow.periods[-1].label
        seconds, html = median_of(5, lambda: render_html(build_report(fow, label)))
        rows.append(
            ("seed FOW: model + HTML (median of 5)", seconds, f"{len(html) // 1024} KB", "")
        )
        seconds, data = median_of(5, lambda: render_docx(build_report(fow, label)))
        rows.append(
            ("seed FOW: model + .docx (median of 5)", seconds, f"{len(data) // 1024} KB", "")
        )
        seed.close()

        path = root / "synthetic.db"
        build_synthetic(path, n_cards, n_milestones)
        repo = Repository.open(path, user="bench")
        size = f"{n_cards:,} × {n_milestones}"
        seconds, synthetic = timed(lambda: repo.load_programme("SYN"))
        rows.append((f"{size}: load the programme", seconds, "", ""))
        label = synthetic.periods[-1].label
        seconds, _ = median_of(3, lambda: build_report(synthetic, label))
        rows.append((f"{size}: report model (median of 3)", seconds, "", ""))
        seconds, html = median_of(3, lambda: render_html(build_report(synthetic, label)))
        rows.append(
            (f"{size}: model + HTML (median of 3)", seconds, f"{len(html) // 1024} KB", "≤ 3 s")
        )
        seconds, data = median_of(3, lambda: render_docx(build_report(synthetic, label)))
        rows.append(
            (f"{size}: model + .docx (median of 3)", seconds, f"{len(data) // 1024} KB", "≤ 3 s")
        )
        seconds, _ = timed(lambda: export_html(repo, root / "syn.html", code="SYN"))
        rows.append((f"{size}: export html (load, render, write, log)", seconds, "", "≤ 3 s"))
        seconds, _ = timed(lambda: export_docx(repo, root / "syn.docx", code="SYN"))
        rows.append((f"{size}: export docx (load, render, write, log)", seconds, "", "≤ 3 s"))
        repo.close()
    print_table(rows)


if __name__ == "__main__":
    main()
