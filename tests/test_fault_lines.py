"""One clear line per fault: SQLite errors sorted by their codes, Windows' locked files,
and nothing from openpyxl, lxml or finalisers on stderr."""

from __future__ import annotations

import errno
import os
import sqlite3
import warnings
from pathlib import Path

import pytest

from fowdesk import logs
from fowdesk.cli import COMMANDS, main
from fowdesk.errors import DamagedDatabase, FowdeskError, LockedDatabase, NotAFowdeskDatabase
from fowdesk.storage.database import translate_sqlite_error


def sqlite_error(code: int, text: str) -> sqlite3.OperationalError:
    """An error as SQLite raises it: the code is what counts, the text may be anything."""
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code
    error.sqlite_errorname = f"code {code}"
    return error


@pytest.mark.parametrize(
    ("code", "kind", "words"),
    [
        (sqlite3.SQLITE_BUSY, LockedDatabase, "in use by another program (waited 2 s)"),
        (sqlite3.SQLITE_BUSY_SNAPSHOT, LockedDatabase, "in use by another program"),
        (sqlite3.SQLITE_LOCKED, LockedDatabase, "in use by another program"),
        (sqlite3.SQLITE_FULL, FowdeskError, "the disk is full"),
        (sqlite3.SQLITE_READONLY, FowdeskError, "read-only"),
        (sqlite3.SQLITE_READONLY_DBMOVED, FowdeskError, "moved or deleted"),
        (sqlite3.SQLITE_IOERR_WRITE, FowdeskError, "the disk refused a write"),
        (sqlite3.SQLITE_IOERR_READ, FowdeskError, "the disk refused a read"),
        (sqlite3.SQLITE_IOERR_SHORT_READ, DamagedDatabase, "truncated"),
        (sqlite3.SQLITE_CORRUPT, DamagedDatabase, "the database is damaged"),
        (sqlite3.SQLITE_NOTADB, NotAFowdeskDatabase, "not a fowdesk database"),
        (sqlite3.SQLITE_NOMEM, FowdeskError, "out of memory"),
    ],
)
def test_sqlite_errors_are_sorted_by_code_not_text(
    tmp_path: Path, code: int, kind: type[Exception], words: str
) -> None:
    path = tmp_path / "fowdesk.db"
    path.write_bytes(b"")
    path.chmod(0o444)
    # A message that would have fooled the old text matching ("database is locked").
    translated = translate_sqlite_error(sqlite_error(code, "database is locked"), path, waited=2)
    assert type(translated) is kind
    assert words in str(translated)
    assert str(translated).startswith(f"{path}: ")


def test_an_error_without_a_code_stays_a_bug_whatever_it_says() -> None:
    """Text alone proves nothing: a message that reads like a lock is not taken for one."""
    error = sqlite3.OperationalError("database is locked")
    assert translate_sqlite_error(error, None) is error
    constraint = sqlite_error(sqlite3.SQLITE_CONSTRAINT_UNIQUE, "disk is full")
    assert translate_sqlite_error(constraint, None) is constraint


@pytest.mark.parametrize(
    ("name", "holder"), [("return.xlsx", "Excel"), ("report.pdf", "the PDF viewer")]
)
def test_a_file_held_open_on_windows_says_close_it(
    seeded_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    holder: str,
) -> None:
    """Windows refuses to replace a file Excel has open (simulated: the error it raises)."""
    target = tmp_path / name
    target.write_bytes(b"last week's file")
    real_replace = os.replace

    def held_open(source: object, destination: object) -> None:
        if Path(str(destination)) == target:
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(target))
        real_replace(source, destination)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", held_open)
    kind = name.rsplit(".", 1)[1]
    assert main(["--db", str(seeded_path), "export", kind, "-o", str(target)]) == 1
    assert capsys.readouterr().err == (
        f"fowdesk: error: cannot write {target}: close {name} in {holder}, or choose another name\n"
    )
    assert target.read_bytes() == b"last week's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "seeded.db"])


def test_warnings_and_errors_in_finalisers_go_to_the_log_not_stderr(
    seeded_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What openpyxl does while reading a return (a warning, a generator closed mid-raise)."""

    def reading(args, out) -> int:
        warnings.warn(
            "Data Validation extension is not supported and will be removed", stacklevel=1
        )

        def rows():
            try:
                yield 1
            finally:
                raise ValueError("the sheet's XML ended early")

        half_read = rows()
        next(half_read)
        del half_read  # "Exception ignored in: <generator object rows …>"
        print("read", file=out)
        return 0

    monkeypatch.setitem(COMMANDS, "check", reading)
    assert main(["--db", str(seeded_path), "check"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "read\n"
    assert captured.err == ""
    logged = logs.log_file().read_text("utf-8")
    assert "Data Validation extension is not supported" in logged
    assert "ValueError: the sheet's XML ended early" in logged
