"""What every bench script shares: time one call, print the results as a table."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

#: One line of results: operation, seconds, what it produced ("" if nothing), target.
Row = tuple[str, float, str, str]


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds one call took, and what it returned."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def size_from_argv(default_cards: int = 1000, default_milestones: int = 10) -> tuple[int, int]:
    """The programme size a script was asked for: ``[N_CARDS] [N_MILESTONES]``."""
    args = sys.argv[1:]
    n_cards = int(args[0]) if args else default_cards
    n_milestones = int(args[1]) if len(args) > 1 else default_milestones
    return n_cards, n_milestones


def print_table(rows: Sequence[Row]) -> None:
    """Print the rows aligned, with a header, as the README and issue notes quote them."""
    width = max(len(row[0]) for row in rows)
    output_width = max([len("output")] + [len(row[2]) for row in rows])
    print(f"{'operation':<{width}}  {'seconds':>8}  {'output':<{output_width}}  target")
    print(f"{'-' * width}  {'-' * 8}  {'-' * output_width}  ------")
    for name, seconds, output, target in rows:
        print(f"{name:<{width}}  {seconds:8.3f}  {output:<{output_width}}  {target}")
