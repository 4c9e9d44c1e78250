"""Paths are data: folders and files named 'Team #2', 'what?', '50%41', 'Zoë’s programme'.

Before every SQLite URI escaped its path, '#' and '?' cut it short (a restore
in 'Team #2' opened a new empty file and copied it over the live one) and
'%41' was read as 'A'.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from fowdesk.cli import main
from fowdesk.storage import database

ODD_NAMES = ["Team #2", "what?", "50%41", "Zoë’s programme", "a ?#% b&c=d"]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        (PurePosixPath("/srv/Team #2/what?.db"), "file:///srv/Team%20%232/what%3F.db?mode=rw"),
        (PurePosixPath("/srv/50%41/x.db"), "file:///srv/50%2541/x.db?mode=rw"),
        (PurePosixPath("/srv/Zoë’s programme/x.db"), "file:///srv/Zo%C3%AB%E2%80%99s%20programme/x.db?mode=rw"),
        # POSIX allows '//' at the start; an empty authority keeps it part of the path.
        (PurePosixPath("//srv/x.db"), "file:////srv/x.db?mode=rw"),
        (PureWindowsPath(r"C:\Users\Zoë\Team #2\fowdesk.db"), "file:///C:/Users/Zo%C3%AB/Team%20%232/fowdesk.db?mode=rw"),
        (PureWindowsPath(r"d:\50%41\x.db"), "file:///d:/50%2541/x.db?mode=rw"),
        (PureWindowsPath(r"\\fileserver\Shared Data\Team #2\fowdesk.db"), "file:////fileserver/Shared%20Data/Team%20%232/fowdesk.db?mode=rw"),
    ],
)  # fmt: skip
def test_the_uri_escapes_every_path(path, uri: str) -> None:
    assert database.sqlite_uri(path, "rw") == uri


def test_a_name_that_is_not_utf8_is_escaped_byte_for_byte(tmp_path: Path) -> None:
    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9"))
    folder.mkdir()
    uri = database.sqlite_uri(folder / "x.db", "rwc")
    assert uri.endswith("/caf%E9/x.db?mode=rwc")
    sqlite3.connect(uri, uri=True).close()
    assert (folder / "x.db").exists()


def test_a_relative_path_is_refused() -> None:
    with pytest.raises(ValueError, match="absolute"):
        database.sqlite_uri(PurePosixPath("db/fowdesk.db"), "rw")


def titles(db: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert main(["--db", str(db), "export", "json", "-o", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    return [item["title"] for item in data["programmes"][0]["items"]]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_init_open_backup_export_and_restore_in_an_odd_folder(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / name
    folder.mkdir()
    db = folder / f"{name}.db"
    run = lambda *args: main(["--db", str(db), *args])  # noqa: E731

    assert main(["init", str(db)]) == 0
    assert run("check") == 0
    assert run("backup") == 0
    backup = folder / f"{name} backup.db"
    assert run("backup", "-o", str(backup)) == 0
    for kind, suffix in (("xlsx", ".xlsx"), ("pdf", ".pdf"), ("json", ".json")):
        assert run("export", kind, "-o", str(folder / f"{name}{suffix}")) == 0
    original = titles(db, capsys)

    # Change the live file, then restore the backup over it: the backup's data comes back.
    assert run("period", "new", "Spring", "--as-at", "31/03/2020") == 0
    assert run("restore", str(backup)) == 0
    assert titles(db, capsys) == original
    assert run("check") == 0
    assert "Spring" not in capsys.readouterr().out

    expected = {f"{name}.db", f"{name} backup.db", "backups", f"{name}.xlsx", f"{name}.pdf"}
    expected.add(f"{name}.json")
    assert {p.name for p in folder.iterdir()} == expected
    # Nothing was created where a cut-short path would have pointed.
    assert {p.name for p in tmp_path.iterdir()} == {name}


def test_a_folder_whose_name_is_not_utf8_works_and_prints(tmp_path: Path) -> None:
    """A USB stick from another system: the name's bytes are not UTF-8."""
    folder = os.fsencode(tmp_path) + b"/caf\xe9"
    os.mkdir(folder)
    db = folder + b"/x\xff.db"
    # Strict, as on a machine whose locale is not C: an undecodable name cannot be printed as is.
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}

    def fowdesk(*args: bytes) -> subprocess.CompletedProcess[str]:
        command = [os.fsencode(sys.executable), b"-m", b"fowdesk", *args]
        return subprocess.run(command, capture_output=True, text=True, check=False, env=env)

    for args in (
        [b"init", db],
        [b"--db", db, b"check"],
        [b"--db", db, b"backup"],
        [b"--db", db, b"backup", b"-o", folder + b"/b\xfe.db"],
        [b"--db", db, b"export", b"xlsx", b"-o", folder + b"/r\xfe.xlsx"],
        [b"--db", db, b"export", b"pdf", b"-o", folder + b"/r\xfe.pdf"],
        [b"--db", db, b"import", folder + b"/r\xfe.xlsx", b"--dry-run"],
        [b"--db", db, b"restore", folder + b"/b\xfe.db"],
    ):
        result = fowdesk(*args)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stderr == ""
        assert "caf\N{REPLACEMENT CHARACTER}" in result.stdout or args[1] == db
    assert set(os.listdir(folder)) == {
        b"b\xfe.db",
        b"backups",
        b"r\xfe.pdf",
        b"r\xfe.xlsx",
        b"x\xff.db",
    }
