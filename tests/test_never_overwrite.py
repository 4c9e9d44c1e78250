"""No output is ever written over a database: the open one by any name, a journal, a backup."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fowdesk.cli import main
from fowdesk.errors import FowdeskError
from fowdesk.exports.files import write_bytes_atomically
from fowdesk.storage.repository import Repository


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("fowdesk: error: "), err
    return err


def names_for_the_database(db: Path) -> dict[str, Path]:
    """The live file under other names: a hard link, a symlink, a path with '..' in it."""
    hard = db.with_name("hard link.db")
    os.link(db, hard)
    soft = db.with_name("shortcut.xlsx")
    soft.symlink_to(db)
    detour = db.parent / "sub" / ".." / db.name
    (db.parent / "sub").mkdir()
    return {"itself": db, "hard link": hard, "symlink": soft, "detour": detour}


@pytest.mark.parametrize("kind", ["xlsx", "pdf", "json"])
@pytest.mark.parametrize("name", ["itself", "hard link", "symlink", "detour"])
def test_an_export_aimed_at_the_database_is_refused(
    seeded_path: Path, kind: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = names_for_the_database(seeded_path)[name]
    before = checksum(seeded_path)
    assert main(["--db", str(seeded_path), "export", kind, "-o", str(target)]) == 1
    assert "choose another name" in one_error_line(capsys)
    assert checksum(seeded_path) == before
    assert main(["--db", str(seeded_path), "check"]) == 0


@pytest.mark.parametrize("kind", ["xlsx", "json"])
def test_an_export_aimed_at_a_backup_or_another_fowdesk_file_is_refused(
    seeded_path: Path, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(seeded_path), "backup"]) == 0
    backup = next((tmp_path / "backups").glob("fowdesk-*.db"))
    other = tmp_path / "colleague.db"
    Repository.create(other, seeded=False).close()
    for target in (backup, other):
        before = checksum(target)
        assert main(["--db", str(seeded_path), "export", kind, "-o", str(target)]) == 1
        assert "is a database" in one_error_line(capsys)
        assert checksum(target) == before


def test_an_export_aimed_at_the_journal_is_refused(
    seeded_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file named like the journal would be taken for an interrupted write next time."""
    journal = seeded_path.with_name(seeded_path.name + "-journal")
    assert main(["--db", str(seeded_path), "export", "json", "-o", str(journal)]) == 1
    assert "journal" in one_error_line(capsys)
    assert not journal.exists()


def test_a_journal_by_another_name_is_never_replaced(seeded_path: Path, tmp_path: Path) -> None:
    """Another program mid-write: its journal is what would undo its write after a crash."""
    writer = sqlite3.connect(seeded_path, isolation_level=None)
    writer.execute("PRAGMA cache_size = 1")  # pages spill, so the journal is complete on disk
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE cards SET title = 'draft'")
    journal = seeded_path.with_name(seeded_path.name + "-journal")
    elsewhere = tmp_path / "copy of journal"
    os.link(journal, elsewhere)
    try:
        with pytest.raises(FowdeskError, match="journal"):
            write_bytes_atomically(elsewhere, b"an export")
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_backup_to_the_database_or_its_journal_is_refused(
    seeded_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = checksum(seeded_path)
    names = names_for_the_database(seeded_path)
    for target in (*names.values(), seeded_path.with_name(seeded_path.name + "-journal")):
        assert main(["--db", str(seeded_path), "backup", "-o", str(target)]) == 1
        one_error_line(capsys)
    assert checksum(seeded_path) == before


@pytest.mark.parametrize("name", ["itself", "hard link", "symlink", "detour"])
def test_restoring_the_database_onto_itself_is_refused_at_once(
    seeded_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """By any name: a hard link used to make restore wait for ever on its own lock."""
    source = names_for_the_database(seeded_path)[name]
    before = checksum(seeded_path)
    result = subprocess.run(
        [sys.executable, "-m", "fowdesk", "--db", str(seeded_path), "restore", str(source)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "FOWDESK_LOCK_TIMEOUT": "30"},
    )
    assert result.returncode == 1
    assert result.stderr.endswith("that is the database itself, not a backup\n")
    assert result.stderr.count("\n") == 1
    assert checksum(seeded_path) == before
    assert not (seeded_path.parent / "backups").exists()
