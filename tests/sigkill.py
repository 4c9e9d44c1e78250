"""Run fowdesk's command line and SIGKILL it in the middle of a write: a power cut.

    python tests/sigkill.py statement REGEX N -- fowdesk arguments…
    python tests/sigkill.py restore-step N -- fowdesk arguments…

``statement`` kills the process just before the N-th SQL statement matching
REGEX on a read-write connection; ``restore-step`` kills it after N pages of
a restore have been copied into the live file. Every write connection keeps a
one-page cache and may spill it into the file at once (fowdesk keeps a
write's pages in memory up to ``database.SPILL_AFTER_BYTES``), so changed
pages reach the file (and the journal is needed) before the kill, as in a
write larger than that.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import sys

from fowdesk.cli import main
from fowdesk.storage import database


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def kill_before_statement(pattern: str, nth: int) -> None:
    original = database._connect
    seen = 0

    def trace(sql: str) -> None:
        nonlocal seen
        if re.match(pattern, sql.lstrip(), re.IGNORECASE):
            seen += 1
            if seen >= nth:
                _die()

    def connect(path, mode, *rest):
        conn = original(path, mode, *rest)
        if mode == "rw":
            conn.execute("PRAGMA cache_size = 1")
            conn.set_trace_callback(trace)
        return conn

    database._connect = connect


def kill_during_restore(steps: int) -> None:
    original = database.copy_database

    def copy(source: sqlite3.Connection, target: sqlite3.Connection, lock_timeout: float) -> None:
        if getattr(target, "path", None) is None:
            original(source, target, lock_timeout)  # the safety backup: let it finish
            return
        target.execute("PRAGMA cache_size = 1")
        done = 0

        def progress(_status: int, _remaining: int, _total: int) -> None:
            nonlocal done
            done += 1
            if done >= steps:
                _die()

        source.backup(target, pages=1, progress=progress)

    database.copy_database = copy


if __name__ == "__main__":
    where = sys.argv.index("--")
    how, rest, argv = sys.argv[1], sys.argv[2:where], sys.argv[where + 1 :]
    database.SPILL_AFTER_BYTES = 1  # spill from the first page on
    if how == "statement":
        kill_before_statement(rest[0], int(rest[1]))
    elif how == "restore-step":
        kill_during_restore(int(rest[0]))
    else:
        raise SystemExit(f"unknown kill point {how!r}")
    raise SystemExit(main(argv))
