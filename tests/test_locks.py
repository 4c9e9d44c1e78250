"""Another program holding the database: a bounded, visible wait, then one line; never "damaged".

The holder is a plain SQLite connection in this test process; fowdesk runs
as a separate process with a short limit (``FOWDESK_LOCK_TIMEOUT``), as a
colleague's fowdesk or a stuck sync tool would meet it.
"""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from fowdesk.errors import LockedDatabase
from fowdesk.storage import database
from fowdesk.storage.repository import Repository

LIMIT = "0.5"
IN_USE = f"the database is in use by another program (waited {LIMIT} s); try again\n"


def fowdesk(
    db: Path, *args: str, limit: str = LIMIT, stderr: int | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fowdesk", "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=stderr if stderr is not None else subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "FOWDESK_LOCK_TIMEOUT": limit},
    )


def checksum(path: Path) -> str:
    """Read in another process: closing a file handle here would drop the holder's locks."""
    code = "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())"
    return subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def settled(seeded_path: Path) -> Path:
    """A database opened once already (its search index built), so its bytes stay put."""
    Repository.open(seeded_path).close()
    return seeded_path


@pytest.fixture
def write_lock(settled: Path) -> Iterator[sqlite3.Connection]:
    """Another program in the middle of a write transaction (SQLite's RESERVED lock)."""
    holder = sqlite3.connect(settled, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    holder.execute("ROLLBACK")
    holder.close()


@pytest.fixture
def exclusive_lock(settled: Path) -> Iterator[sqlite3.Connection]:
    """Another program committing a large write: nobody may even read (EXCLUSIVE)."""
    holder = sqlite3.connect(settled, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield holder
    holder.execute("ROLLBACK")
    holder.close()


def assert_in_use(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("fowdesk: error: ")
    assert result.stderr.endswith(IN_USE), result.stderr
    assert result.stderr.count("\n") == 1
    assert "damaged" not in result.stderr


def test_a_write_under_a_held_lock_gives_up_at_the_limit_with_one_line(
    settled: Path, write_lock: sqlite3.Connection
) -> None:
    before = checksum(settled)
    assert_in_use(fowdesk(settled, "period", "new", "Spring", "--as-at", "31/03/2020"))
    assert checksum(settled) == before


def test_reading_goes_on_under_a_write_lock(settled: Path, write_lock: sqlite3.Connection) -> None:
    result = fowdesk(settled, "check")
    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout


def test_an_export_under_a_lock_is_written_and_says_it_was_not_recorded(
    settled: Path, tmp_path: Path, write_lock: sqlite3.Connection
) -> None:
    target = tmp_path / "return.xlsx"
    result = fowdesk(settled, "export", "xlsx", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {target}\n"
    assert result.stderr == (
        "fowdesk: warning: could not record the export in the database: " + IN_USE
    )
    assert openpyxl.load_workbook(target)["Recommendations"]["A2"].value == "1"


def test_import_under_a_lock_gives_up_and_changes_nothing(settled: Path, tmp_path: Path) -> None:
    target = tmp_path / "return.xlsx"
    assert fowdesk(settled, "export", "xlsx", "-o", str(target)).returncode == 0
    workbook = openpyxl.load_workbook(target)
    workbook["Recommendations"]["B2"].value = "A new title from the PMO"
    workbook.save(target)
    before = fowdesk(settled, "export", "json", "-o", "-").stdout
    holder = sqlite3.connect(settled, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert_in_use(fowdesk(settled, "import", str(target)))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    after = fowdesk(settled, "export", "json", "-o", "-").stdout
    assert json.loads(after)["programmes"] == json.loads(before)["programmes"]


def test_restore_under_a_lock_is_bounded_and_leaves_the_file(settled: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    assert fowdesk(settled, "backup", "-o", str(backup)).returncode == 0
    holder = sqlite3.connect(settled, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    before = checksum(settled)
    try:
        assert_in_use(fowdesk(settled, "restore", str(backup)))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert checksum(settled) == before


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["export", "json", "-o", "-"],
        ["backup"],
        ["changes"],
    ],
)
def test_no_command_waits_for_ever_or_calls_a_locked_file_damaged(
    settled: Path, exclusive_lock: sqlite3.Connection, command: list[str]
) -> None:
    assert_in_use(fowdesk(settled, *command))


def test_the_wait_is_announced_on_a_terminal_after_a_second(
    settled: Path, write_lock: sqlite3.Connection
) -> None:
    main_end, terminal = pty.openpty()
    try:
        result = fowdesk(settled, "period", "new", "Spring", limit="1.5", stderr=terminal)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(main_end, 4096)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main_end)
    assert result.returncode == 1
    lines = shown.decode().replace("\r\n", "\n").splitlines()
    assert lines[0] == "fowdesk: waiting for the database…"
    assert lines[1].endswith("the database is in use by another program (waited 1.5 s); try again")
    assert len(lines) == 2


def test_the_wait_is_silent_when_stderr_is_not_a_terminal(
    settled: Path, write_lock: sqlite3.Connection
) -> None:
    result = fowdesk(settled, "period", "new", "Spring", limit="1.5")
    assert result.stderr.count("\n") == 1
    assert "waiting" not in result.stderr


def test_the_window_gets_a_locked_error_it_can_act_on(
    settled: Path, write_lock: sqlite3.Connection
) -> None:
    """A short limit for the window's own connection; the error says how long it waited."""
    repo = Repository.open(settled, lock_timeout=0.1)
    try:
        card = repo.load_programme("FOW").cards[0]
        with pytest.raises(LockedDatabase) as raised:
            repo.update_card(card.uuid, card.version, title="typed while locked")
        assert raised.value.waited == 0.1
        repo.set_lock_timeout(0.2)
        with pytest.raises(LockedDatabase) as raised:
            repo.update_card(card.uuid, card.version, title="typed while locked")
        assert raised.value.waited == 0.2
    finally:
        repo.close()


def test_a_second_connection_in_this_process_keeps_the_first_ones_lock(settled: Path) -> None:
    """The window saves while a worker opens the same file: the save's lock must hold.

    Closing any plain file handle on the database drops every POSIX lock this
    process holds on it, so a worker that read the header itself would let
    another program write in the middle of the window's transaction.
    """
    window = Repository.open(settled)
    try:
        with window.transaction():
            window.db.execute("UPDATE programmes SET title = title")
            worker = threading.Thread(target=lambda: Repository.open(settled).close())
            worker.start()
            worker.join()
            code = (
                "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=0);"
                "c.execute('BEGIN IMMEDIATE')"
            )
            other = subprocess.run(
                [sys.executable, "-c", code, str(settled)], capture_output=True, text=True
            )
            assert other.returncode == 1
            assert "database is locked" in other.stderr
    finally:
        window.close()


def test_opening_while_another_program_commits_is_never_called_damaged(settled: Path) -> None:
    """A commit that grows the file between reading its size and its header is not truncation."""
    with sqlite3.connect(settled) as setup:
        setup.execute("CREATE TABLE growth (blob BLOB)")
    writer_code = (
        "import sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)\n"
        "for _ in range(400):\n"
        "    c.execute('INSERT INTO growth VALUES (randomblob(16384))')\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", writer_code, str(settled)])
    try:
        checks = 0
        while writer.poll() is None:
            assert database.integrity_problems(settled, lock_timeout=30) == []
            checks += 1
    finally:
        writer.wait()
    assert writer.returncode == 0 and checks > 0
