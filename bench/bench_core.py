"""Core timings on a synthetic programme: create, open, load all cards, search, one save.

Usage: python bench/bench_core.py [N_CARDS] [N_MILESTONES]   (default 1,000 × 10)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import build_synthetic
from bench.table import Row, print_table, size_from_argv, timed
from fowdesk.domain.textdiff import word_diff
from fowdesk.storage.repository import Repository


def _word_diff_rows() -> list[Row]:
    """History's word-level difference: a narrative that gained a paragraph, one rewritten."""
    rows: list[Row] = []
    for words in (1_000, 10_000):
        sentence = "The skills board met the RSA and agreed the pilot schools list"
        old = " ".join(f"{sentence} {n}." for n in range(words // 13))
        added = old + " A closing paragraph says what comes next."
        seconds, _ = timed(lambda o=old, a=added: word_diff(o, a))
        rows.append(
            (f"word diff, {words:,}-word narrative + one sentence", seconds, "", "< 100 ms")
        )
        rewritten = " ".join(
            f"Council officers reviewed item {n} again." for n in range(words // 6)
        )
        seconds, _ = timed(lambda o=old, r=rewritten: word_diff(o, r))
        rows.append((f"word diff, {words:,}-word narrative rewritten", seconds, "", "< 100 ms"))
    return rows


def main() -> None:
    n_cards, n_milestones = size_from_argv()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        seconds, _ = timed(lambda: build_synthetic(path, n_cards, n_milestones))
        rows.append((f"create {n_cards} × {n_milestones} through the repository", seconds, "", ""))
        seconds, repo = timed(lambda: Repository.open(path, user="bench"))
        rows.append(("open (checks, integrity check)", seconds, "", "≤ 2 s with the window"))
        seconds, programme = timed(lambda: repo.load_programme("SYN"))
        rows.append(("load all cards and milestones", seconds, "", "≤ 2 s with the window"))
        searches = []
        for text in ["skills", "pilot fund", "bootcamp network", "zzz-nothing", "levy"]:
            seconds, _ = timed(lambda t=text: repo.search("SYN", t))
            searches.append(seconds)
        rows.append(("search (median of 5 queries)", statistics.median(searches), "", "≤ 50 ms"))
        rows.append(("search (slowest of 5)", max(searches), "", "≤ 50 ms"))
        card = programme.cards[n_cards // 2]
        seconds, _ = timed(lambda: repo.update_card(card.uuid, card.version, title="Edited"))
        rows.append(("save one card edit (audit + search index)", seconds, "", "< 100 ms"))
        repo.close()
    rows += _word_diff_rows()
    print_table(rows)


if __name__ == "__main__":
    main()
