"""A power cut mid-write: the next command rolls it back, keeps a copy, and everything works.

Each test runs a real fowdesk process and SIGKILLs it in the middle of a
write transaction (``tests/sigkill.py``), leaving the database with a hot
rollback journal, as a power cut would.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from fowdesk.cli import main
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage.repository import Repository

KILLER = Path(__file__).with_name("sigkill.py")
RECOVERED = re.compile(r"recovered from an interrupted write \(\d\d/\d\d/\d{4} \d\d:\d\d\)")


def killed(how: str, *args: str, fowdesk: list[str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, str(KILLER), how, *args, "--", *fowdesk],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == -9, (result.returncode, result.stdout, result.stderr)
    return result


def data_of(db: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    """Everything the database holds, as ``export json`` prints it (minus the moment)."""
    capsys.readouterr()
    assert main(["--db", str(db), "export", "json", "-o", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    data.pop("exported_at")
    return data


def a_return_with_edits(db: Path, folder: Path) -> Path:
    repo = Repository.open(db, user="exporter")
    try:
        path = export_return(repo, folder / "FOW return.xlsx", code="FOW")
    finally:
        repo.close()
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Recommendations"]
    headers = [cell.value for cell in sheet[1]]
    title = headers.index("Title") + 1
    for row in range(2, 12):
        cell = sheet.cell(row=row, column=title)
        cell.value = f"{cell.value} (revised by the PMO)"
    workbook.save(path)
    return path


def every_command_works(db: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--db", str(db)]
    commands = [
        ["check"],
        ["changes"],
        ["export", "xlsx", "-o", str(folder / "after.xlsx")],
        ["export", "pdf", "-o", str(folder / "after.pdf")],
        ["export", "json", "-o", str(folder / "after.json")],
        ["backup", "-o", str(folder / "after-backup.db")],
        ["import", str(a_return_with_edits(db, folder)), "--dry-run"],
        ["restore", str(folder / "after-backup.db")],
        ["period", "new", "April 2020", "--as-at", "30/04/2020"],
    ]
    for command in commands:
        code = main(base + command)
        err = capsys.readouterr().err
        assert code == 0, (command, err)
        assert "damaged" not in err and "unexpected" not in err


def interrupted_pairs(db: Path) -> list[str]:
    return sorted(p.name for p in (db.parent / "backups").glob("interrupted-*"))


def test_an_import_killed_mid_write_is_rolled_back_and_check_says_so(
    seeded_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    returned = a_return_with_edits(seeded_path, tmp_path)
    before = data_of(seeded_path, capsys)

    killed(
        "statement",
        "UPDATE cards",
        "5",
        fowdesk=["--db", str(seeded_path), "import", str(returned)],
    )
    journal = seeded_path.with_name(seeded_path.name + "-journal")
    assert journal.stat().st_size > 0

    assert main(["--db", str(seeded_path), "check"]) == 0
    captured = capsys.readouterr()
    assert RECOVERED.search(captured.out), captured.out
    assert captured.err == ""  # said once, in the report
    assert not journal.exists()
    pair = interrupted_pairs(seeded_path)
    assert len(pair) == 2 and pair[1] == pair[0] + "-journal"
    assert data_of(seeded_path, capsys) == before
    every_command_works(seeded_path, tmp_path, capsys)


def test_a_publish_killed_mid_write_leaves_the_period_unpublished(
    seeded_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(seeded_path)
    assert main(["--db", db, "period", "new", "March 2020", "--as-at", "31/03/2020"]) == 0
    before = data_of(seeded_path, capsys)

    killed(
        "statement",
        "INSERT INTO audit",
        "1",
        fowdesk=["--db", db, "period", "publish", "March 2020"],
    )

    # The first command after the cut is an export: it recovers, says so on stderr, and works.
    assert main(["--db", db, "export", "json", "-o", str(tmp_path / "first.json")]) == 0
    err = capsys.readouterr().err
    assert RECOVERED.search(err), err
    assert data_of(seeded_path, capsys) == before
    assert main(["--db", db, "period", "publish", "March 2020"]) == 0
    every_command_works(seeded_path, tmp_path, capsys)


def test_a_restore_killed_mid_copy_keeps_the_current_data(
    seeded_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(seeded_path)
    backup = tmp_path / "older.db"
    assert main(["--db", db, "backup", "-o", str(backup)]) == 0
    assert main(["--db", db, "period", "new", "Spring check", "--as-at", "31/03/2020"]) == 0
    before = data_of(seeded_path, capsys)

    killed("restore-step", "20", fowdesk=["--db", db, "restore", str(backup)])
    assert seeded_path.with_name(seeded_path.name + "-journal").exists()

    # Restore itself is the first command after the cut: it recovers first, then restores.
    assert main(["--db", db, "restore", str(backup)]) == 0
    assert RECOVERED.search(capsys.readouterr().err)
    assert "Spring check" not in json.dumps(data_of(seeded_path, capsys))
    # The pair kept in backups/ is the file as the cut left it; opening it rolls back the same way.
    copy = tmp_path / "backups" / interrupted_pairs(seeded_path)[0]
    assert data_of(copy, capsys) == before
    every_command_works(seeded_path, tmp_path, capsys)


def test_a_journal_another_program_is_writing_is_not_recovered(
    seeded_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live journal (a write in progress elsewhere) is SQLite's to judge: no copy, no claim."""
    monkeypatch.setenv("FOWDESK_LOCK_TIMEOUT", "2")
    writer = sqlite3.connect(seeded_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE cards SET title = title || ' (draft)'")
    try:
        assert seeded_path.with_name(seeded_path.name + "-journal").exists()
        assert main(["--db", str(seeded_path), "check"]) == 0
        captured = capsys.readouterr()
        assert "recovered" not in captured.out + captured.err
        assert interrupted_pairs(seeded_path) == []
    finally:
        writer.execute("ROLLBACK")
        writer.close()
