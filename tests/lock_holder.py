"""Another program on the database, in its own process, driven line by line over a pipe.

As a script: ``python tests/lock_holder.py DB exclusive`` takes SQLite's
EXCLUSIVE lock (``BEGIN EXCLUSIVE``: nobody may even read, as while a commit
writes its pages); ``python tests/lock_holder.py DB big-write [CARDS]`` opens
the file as fowdesk does and, inside one of its write transactions, inserts a
programme of several megabytes (more than SQLite's page cache). Either prints
``held`` with its transaction open, then waits for one line on stdin:

* ``release`` — commit (or roll back) now, then print ``released``;
* ``release after SECONDS`` — hold on SECONDS more, as a commit still writing
  would, then release and print ``released``;
* end of input (the test finished or died) — release and exit.

In tests: :class:`OtherProgram` starts it and speaks that protocol.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent


class OtherProgram:
    """The holder as a context manager: ``with OtherProgram(db, "exclusive") as other: …``."""

    def __init__(self, database: Path, mode: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(database), mode, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.released = False

    def __enter__(self) -> OtherProgram:
        assert self.process.stdout is not None
        said = self.process.stdout.readline()  # blocks until the lock is held: no guessing
        assert said == "held\n", f"the other program said {said!r}"
        return self

    def release(self, after: float | None = None) -> None:
        """Tell it to let go (``after`` seconds from now); returns at once."""
        assert self.process.stdin is not None
        self.process.stdin.write("release\n" if after is None else f"release after {after}\n")
        self.process.stdin.flush()

    def wait_released(self) -> None:
        """Block until it has let go."""
        assert self.process.stdout is not None
        assert self.process.stdout.readline() == "released\n"
        self.released = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()  # end of input: it lets go, whatever happened
        self.process.stdout.read()
        self.process.stdout.close()
        assert self.process.wait(timeout=60) == 0


def refused_at_once(database: Path) -> bool:
    """Whether a reader that does not wait at all is refused now (the file is held exclusively)."""
    probe = sqlite3.connect(database, timeout=0)
    try:
        probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()
    return False


# ------------------------------------------------------------ the other process


def _wait_to_be_told() -> None:
    for line in sys.stdin:
        words = line.split()
        if words[:2] == ["release", "after"]:
            time.sleep(float(words[2]))  # its commit is still writing: the scenario itself
        if words[:1] == ["release"]:
            return


def _hold_exclusive(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("BEGIN EXCLUSIVE")
    print("held", flush=True)
    _wait_to_be_told()
    conn.execute("ROLLBACK")
    conn.close()
    print("released", flush=True)


def _hold_big_write(path: Path, cards: int) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.synthetic import synthetic_programme
    from fowdesk.storage.repository import Repository

    repo = Repository.open(path, user="importer", source="cli")
    programme = synthetic_programme(cards, 10)
    with repo.transaction():
        repo.insert_programme(programme, audit=False)
        print("held", flush=True)
        _wait_to_be_told()
    repo.close()
    print("released", flush=True)


if __name__ == "__main__":
    database, mode = Path(sys.argv[1]), sys.argv[2]
    if mode == "exclusive":
        _hold_exclusive(database)
    elif mode == "big-write":
        _hold_big_write(database, int(sys.argv[3]) if len(sys.argv) > 3 else 400)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
