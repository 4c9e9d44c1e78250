"""The PMO's return round on a synthetic programme with 20 leads: send, track, chase, collect.

Usage: python bench/bench_return_round.py [N_CARDS] [N_MILESTONES]   (default 1,000 × 10)

Target (issue 20): sending returns for a 1,000-card programme with 20 leads
≤ 5 s (a card has one or two leads, so the 20 returns hold about 1,500 cards
between them). The other rows say what the rest of the round costs: the
dashboard's tracking query, reminders for every lead, and taking all 20
returns back in one batch (each with 10 status changes).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl

from bench.synthetic import build_synthetic
from bench.table import Row, print_table, size_from_argv, timed
from fowdesk.domain.return_round import return_round
from fowdesk.exports.return_round import chase_returns, send_returns
from fowdesk.exports.xlsx_import.batch import read_returns
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage.repository import Repository

LEADS = [f"L{n:02d}" for n in range(1, 21)]


def cpu(fn: Callable[[], object]) -> float:
    """The processor time one call took: on a shared machine, what wall time would be alone."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def _edit(path: Path, n: int) -> None:
    wb = openpyxl.load_workbook(path)
    recs = wb["Recommendations"]
    status = [c.value for c in recs[1]].index("Status") + 1
    for row in range(2, min(2 + n, recs.max_row + 1)):
        recs.cell(row, status).value = "On hold"
    wb.save(path)


def main() -> None:
    n_cards, n_milestones = size_from_argv()
    size = f"{n_cards} × {n_milestones}, 20 leads"
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "synthetic.db"
        build_synthetic(path, n_cards, n_milestones, leads=LEADS)
        repo = Repository.open(path, user="bench")
        due = date.today() + timedelta(days=14)

        # The anchor: what the PMO did before, one `export xlsx --lead` per lead.
        def one_by_one() -> None:
            for lead in LEADS:
                export_return(repo, root / "by hand" / f"{lead}.xlsx", code="SYN", lead=lead)

        (root / "by hand").mkdir()
        seconds, _ = timed(one_by_one)
        rows.append((f"{size}: before, 20 × export xlsx --lead", seconds, "", ""))
        (root / "by hand 2").mkdir()
        seconds = cpu(
            lambda: [
                export_return(repo, root / "by hand 2" / f"{x}.xlsx", code="SYN", lead=x)
                for x in LEADS
            ]
        )
        rows.append((f"{size}: before, processor time", seconds, "", ""))

        seconds, result = timed(lambda: send_returns(repo, root / "plain", code="SYN", due_on=due))
        cards = sum(s.recipient.cards for s in result.sent)
        rows.append(
            (f"{size}: send returns (xlsx + returns.csv)", seconds, f"{cards} cards", "≤ 5 s")
        )
        seconds = cpu(lambda: send_returns(repo, root / "again", code="SYN", due_on=due))
        rows.append((f"{size}: the same, processor time", seconds, "", "≤ 5 s"))
        seconds, result = timed(
            lambda: send_returns(repo, root / "eml", code="SYN", due_on=due, drafts=True)
        )
        rows.append((f"{size}: send returns with .eml drafts", seconds, "20 drafts", "≤ 5 s"))

        programme = repo.load_programme("SYN")
        label = programme.current_period.label  # type: ignore[union-attr]
        seconds, state = timed(
            lambda: return_round(programme, label, repo.returns("SYN", label), date.today())
        )
        rows.append((f"{size}: where the round stands (60 returns)", seconds, "", ""))

        seconds, chased = timed(
            lambda: chase_returns(repo, root / "chase", code="SYN", drafts=True)
        )
        fresh = sum(1 for r in chased.reminders if r.fresh)
        rows.append(
            (f"{size}: chase every lead (compare, re-attach)", seconds, f"{fresh} fresh", "")
        )

        returns = sorted((root / "eml").glob("*.xlsx"))
        for returned in returns:
            _edit(returned, 10)
        seconds, batch = timed(lambda: read_returns(repo, returns, programme="SYN"))
        rows.append(
            (
                f"{size}: import 20 returns, read and check",
                seconds,
                f"{batch.change_count} changes",
                "",
            )
        )
        seconds, _ = timed(lambda: repo.apply_all(batch.change_sets, source="import"))
        rows.append((f"{size}: apply them (one backup, one transaction)", seconds, "", ""))
        del state
        repo.close()
    print_table(rows)


if __name__ == "__main__":
    main()
