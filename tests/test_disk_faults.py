"""Faults of the machine: a full disk, a file-size limit, read-only files and folders, long names.

Each gets one line (``fowdesk: error: …``, never "unexpected"), leaves no
partial file behind and loses nothing: the data is the same afterwards and
every command works once the fault is gone.
"""

from __future__ import annotations

import os
import resource
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from fowdesk import partial_files
from fowdesk.cli import main
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage.repository import Repository


def fowdesk(
    *args: str, file_size_limit: int | None = None, unprivileged: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run the command line in its own process, optionally with a fault of the machine."""
    command = [sys.executable, "-m", "fowdesk", *args]
    if unprivileged and os.geteuid() == 0:
        # Root ignores file modes; without its capabilities it meets them like anyone.
        command = ["setpriv", "--inh-caps=-all", "--bounding-set=-all", *command]

    def limit() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        command, capture_output=True, text=True, check=False, preexec_fn=limit, timeout=120
    )


def assert_one_line(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    err = result.stderr
    assert err.startswith("fowdesk: error: ") and err.count("\n") == 1, err
    assert "unexpected" not in err and "damaged" not in err, err
    for words in expected:
        assert words in err, err
    return err


def leftovers(*folders: Path) -> list[str]:
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            partial = path.name.endswith((".part", "-journal")) or partial_files.is_ours(path.name)
            if partial and not path.name.startswith("interrupted-"):
                found.append(str(path))
    return found


def data_of(db: Path) -> list[dict]:
    """Everything the file holds (read in this process, with no other connection open)."""
    repo = Repository.open(db)
    try:
        return repo.export_all()["programmes"]
    finally:
        repo.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A seeded database, opened once, and a return from it with thirteen titles changed."""
    folder = tmp_path_factory.mktemp("template")
    db = folder / "fowdesk.db"
    Repository.create(db).close()
    repo = Repository.open(db)
    try:
        returned = export_return(repo, folder / "return.xlsx", code="FOW")
    finally:
        repo.close()
    workbook = openpyxl.load_workbook(returned)
    sheet = workbook["Recommendations"]
    for row in range(2, 15):
        sheet.cell(row=row, column=2).value = f"A title the PMO rewrote ({row})"
    workbook.save(returned)
    return db, returned


def set_up(template: tuple[Path, Path], folder: Path) -> tuple[Path, Path, Path]:
    """The template's database and return in ``folder``, and a backup of the database."""
    db = folder / "fowdesk.db"
    shutil.copyfile(template[0], db)
    returned = shutil.copyfile(template[1], folder.parent / f"{folder.name} return.xlsx")
    backup = folder / "older.db"
    shutil.copyfile(template[0], backup)
    return db, Path(returned), backup


def commands_for(db: Path, folder: Path, returned: Path, backup: Path) -> dict[str, list[str]]:
    base = ["--db", str(db)]
    return {
        "init": ["init", str(folder / "new.db")],
        "backup": [*base, "backup"],
        "backup -o": [*base, "backup", "-o", str(folder / "copy.db")],
        "import": [*base, "import", str(returned)],
        "restore": [*base, "restore", str(backup)],
        "period new": [*base, "period", "new", "Spring", "--as-at", "31/03/2020"],
        "export xlsx": [*base, "export", "xlsx", "-o", str(folder / "out.xlsx")],
        "export pdf": [*base, "export", "pdf", "-o", str(folder / "out.pdf")],
        "export json": [*base, "export", "json", "-o", str(folder / "out.json")],
    }


COMMANDS = list(commands_for(Path("x"), Path("x"), Path("x"), Path("x")))


# ------------------------------------------------------------------ a full disk


def _mount_tmpfs(folder: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB file system of its own (a tmpfs: root only, skipped elsewhere)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not _mount_tmpfs(disk, "4m"):
        pytest.skip("mounting a tmpfs needs root (and a kernel that allows it)")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path, leave: int = 8 * 1024) -> Path:
    """Fill the disk, leaving ``leave`` bytes."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with filler.open("wb") as handle:
        handle.truncate(0)
        handle.write(b"\0" * max(0, free - leave))
    return filler


@pytest.mark.parametrize("command", COMMANDS)
def test_a_full_disk_gives_one_line_and_loses_nothing(
    small_disk: Path, template: tuple[Path, Path], command: str
) -> None:
    db, returned, backup = set_up(template, small_disk)
    before = data_of(db)
    filler = fill(small_disk)

    result = fowdesk(*commands_for(db, small_disk, returned, backup)[command])
    assert_one_line(result, "the disk is full; free some space and try again")

    assert leftovers(small_disk) == []
    assert not (small_disk / "new.db").exists()
    filler.unlink()
    assert data_of(db) == before


def test_a_full_disk_under_the_journal_fails_the_import_and_keeps_the_data(
    small_disk: Path, tmp_path: Path, template: tuple[Path, Path]
) -> None:
    """The backup fits (it is elsewhere), the import's journal does not."""
    db, returned, _ = set_up(template, small_disk)
    (tmp_path / "backups").mkdir()
    (small_disk / "backups").symlink_to(tmp_path / "backups")
    before = data_of(db)
    filler = fill(small_disk, leave=0)

    result = fowdesk("--db", str(db), "import", str(returned))
    assert_one_line(result, f"{db}: the disk is full; free some space and try again")
    assert leftovers(small_disk, tmp_path) == []
    filler.unlink()
    assert data_of(db) == before


@pytest.mark.parametrize("kind", ["xlsx", "pdf", "html", "docx"])
def test_an_export_elsewhere_from_a_database_on_a_full_disk_is_written_and_says_so(
    small_disk: Path, tmp_path: Path, template: tuple[Path, Path], kind: str
) -> None:
    """The file is complete and in place; only the database's note of it could not be made."""
    db, _, _ = set_up(template, small_disk)
    fill(small_disk, leave=0)
    target = tmp_path / f"report.{kind}"
    result = fowdesk("--db", str(db), "export", kind, "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {target}\n"
    assert result.stderr.splitlines()[-1] == (
        "fowdesk: warning: could not record the export in the database: "
        "the disk is full; free some space and try again"
    )
    assert target.stat().st_size > 1000


# -------------------------------------------------------------- a file-size limit


@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_size_limit_gives_one_line_and_loses_nothing(
    tmp_path: Path, template: tuple[Path, Path], command: str
) -> None:
    """RLIMIT_FSIZE: every write past 16 KB fails (EFBIG), the way a quota or a FAT disk does."""
    folder = tmp_path / "data"
    folder.mkdir()
    db, returned, backup = set_up(template, folder)
    before = data_of(db)

    result = fowdesk(
        *commands_for(db, folder, returned, backup)[command], file_size_limit=16 * 1024
    )
    assert_one_line(result)

    assert leftovers(folder) == []
    assert not (folder / "new.db").exists()
    assert data_of(db) == before


# ----------------------------------------------------------- read-only file or folder


@pytest.fixture
def read_only_file(seeded_path: Path) -> Iterator[Path]:
    Repository.open(seeded_path).close()
    seeded_path.chmod(0o444)
    yield seeded_path
    seeded_path.chmod(0o644)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "fowdesk.db"
    Repository.create(db).close()
    Repository.open(db).backup()  # backups/ exists, as on a share set up once
    folder.chmod(0o555)
    yield db
    folder.chmod(0o755)


@pytest.mark.parametrize("which", ["read_only_file", "read_only_folder"])
def test_a_read_only_database_still_checks_and_exports(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    db: Path = request.getfixturevalue(which)
    out = tmp_path / "out"
    out.mkdir()
    before = data_of(db)
    assert fowdesk("--db", str(db), "check", unprivileged=True).returncode == 0
    for kind in ("xlsx", "pdf"):
        target = out / f"report.{kind}"
        result = fowdesk("--db", str(db), "export", kind, "-o", str(target), unprivileged=True)
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"wrote {target}\n"
        # Written, and honest that the database could not note it (nor keep the PDF for reprints).
        warnings = result.stderr.splitlines()
        assert warnings[-1].startswith("fowdesk: warning: could not record the export")
        assert all(w.startswith("fowdesk: warning: could not record ") for w in warnings)
        assert all("read-only" in w for w in warnings)
        assert target.stat().st_size > 1000
    assert data_of(db) == before


@pytest.mark.parametrize(
    ("which", "reason"),
    [
        ("read_only_file", "the database file is read-only"),
        ("read_only_folder", "is read-only (fowdesk writes a journal beside the database"),
    ],
)
def test_a_read_only_database_refuses_a_write_in_one_line(
    which: str, reason: str, request: pytest.FixtureRequest
) -> None:
    db: Path = request.getfixturevalue(which)
    before = data_of(db)
    result = fowdesk(
        "--db", str(db), "period", "new", "Spring", "--as-at", "31/03/2020", unprivileged=True
    )
    assert_one_line(result, reason)
    assert data_of(db) == before


def test_a_read_only_folder_refuses_new_files_in_one_line(
    read_only_folder: Path, tmp_path: Path
) -> None:
    folder = read_only_folder.parent
    result = fowdesk("init", str(folder / "new.db"), unprivileged=True)
    assert_one_line(result, "cannot create it: permission denied")
    result = fowdesk(
        "--db", str(read_only_folder), "export", "json", "-o", str(folder / "x.json"),
        unprivileged=True,
    )  # fmt: skip
    assert_one_line(result, "permission denied")
    assert sorted(p.name for p in folder.iterdir()) == ["backups", "fowdesk.db"]


@pytest.mark.parametrize(
    ("read_only", "expected"),
    [
        (["backups"], "fowdesk keeps a copy in"),
        (["."], "must be rolled back, but its folder"),
        (["backups", "."], "fowdesk keeps a copy in"),
    ],
)
def test_an_interrupted_write_that_cannot_be_recovered_here_says_why(
    read_only_folder: Path, read_only: list[str], expected: str
) -> None:
    """A power cut, then a read-only folder: one line, the file and its journal untouched."""
    journal = read_only_folder.with_name("fowdesk.db-journal")
    folder = read_only_folder.parent
    folder.chmod(0o755)
    db = ["--db", str(read_only_folder)]
    assert fowdesk(*db, "period", "new", "Spring", "--as-at", "31/03/2020").returncode == 0
    kill = [sys.executable, str(Path(__file__).with_name("sigkill.py")), "statement"]
    killed = subprocess.run(
        [*kill, "INSERT INTO audit", "1", "--", *db, "period", "publish", "Spring"]
    )
    assert killed.returncode == -9 and journal.exists()
    before = journal.read_bytes(), read_only_folder.read_bytes()
    for name in read_only:
        (folder / name).chmod(0o555)
    try:
        result = fowdesk(*db, "check", unprivileged=True)
    finally:
        (folder / "backups").chmod(0o755)
    assert_one_line(result, "a write to it was interrupted", expected)
    if "backups" in read_only:  # no copy could be kept, so nothing was touched
        assert (journal.read_bytes(), read_only_folder.read_bytes()) == before
    # Where it can be written, the next start recovers it: Spring is not published.
    folder.chmod(0o755)
    assert fowdesk(*db, "check").returncode == 0
    assert not journal.exists()
    periods = {p["label"]: p for p in data_of(read_only_folder)[0]["periods"]}
    assert periods["Spring"]["published"] is False


# -------------------------------------------------------------------- long names


def test_names_longer_than_the_file_system_allows_get_one_line(
    seeded_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = tmp_path / ("x" * 300)
    for argv in (
        ["init", f"{long}.db"],
        ["--db", str(seeded_path), "export", "xlsx", "-o", f"{long}.xlsx"],
        ["--db", str(seeded_path), "export", "json", "-o", f"{long}.json"],
        ["--db", str(seeded_path), "backup", "-o", f"{long}.db"],
        ["--db", f"{long}.db", "check"],
        ["--db", str(seeded_path), "restore", f"{long}.db"],
    ):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "unexpected" not in err, err
        assert "too long" in err or "no such" in err, err


def test_a_name_that_just_fits_is_written(seeded_path: Path, tmp_path: Path) -> None:
    """The temporary name beside it is shortened; a target that fits must not fail."""
    target = tmp_path / ("r" * 250 + ".xlsx")
    assert main(["--db", str(seeded_path), "export", "xlsx", "-o", str(target)]) == 0
    assert target.stat().st_size > 1000


# -------------------------------------------------------------- leftovers and modes


def test_an_interrupted_export_leaves_no_partial_file(
    repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fowdesk.exports import xlsx_return

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(xlsx_return, "build_workbook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        xlsx_return.export_return(repo, tmp_path / "r.xlsx", code="FOW")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seeded.db"]


def test_stale_partial_files_are_swept_at_the_next_start(seeded_path: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    old = time.time() - 2 * 3600
    stale = [
        tmp_path / ".fowdesk-tmp-0123abcd-report.xlsx.part",
        backups / ".fowdesk-tmp-89abcdef-fowdesk-20240101-manual.db.part",
        backups / ".fowdesk-tmp-89abcdef-fowdesk-20240101-manual.db.part-journal",
        # Left by fowdesk before this fix: a kill or a full disk mid-export or mid-backup.
        tmp_path / ".FOW return 2020-02-29-k3_9xq0a.xlsx.part",
        backups / "fowdesk-20240101-101112-123456-manual.db.part",
        backups / "fowdesk-20240101-101112-123456-manual.db.part-journal",
    ]
    fresh = tmp_path / ".fowdesk-tmp-76543210-being-written.pdf.part"
    someone_elses = tmp_path / "download.pdf.part"
    for path in (*stale, fresh, someone_elses):
        path.write_bytes(b"half")
    for path in (*stale, someone_elses):
        os.utime(path, (old, old))

    assert main(["--db", str(seeded_path), "check"]) == 0

    assert [p.name for p in stale if p.exists()] == []
    assert fresh.exists() and someone_elses.exists()


def test_exports_follow_the_umask_and_backups_the_database_mode(
    seeded_path: Path, tmp_path: Path
) -> None:
    previous = os.umask(0o002)
    try:
        assert (
            main(["--db", str(seeded_path), "export", "xlsx", "-o", str(tmp_path / "a.xlsx")]) == 0
        )
        assert main(["--db", str(seeded_path), "export", "pdf", "-o", str(tmp_path / "a.pdf")]) == 0
        os.umask(0o022)
        assert (
            main(["--db", str(seeded_path), "export", "json", "-o", str(tmp_path / "a.json")]) == 0
        )
        seeded_path.chmod(0o640)
        assert main(["--db", str(seeded_path), "backup", "-o", str(tmp_path / "b.db")]) == 0
        assert main(["--db", str(seeded_path), "backup"]) == 0
    finally:
        os.umask(previous)
    mode = lambda path: path.stat().st_mode & 0o777  # noqa: E731
    assert mode(tmp_path / "a.xlsx") == 0o664
    assert mode(tmp_path / "a.pdf") == 0o664
    assert mode(tmp_path / "a.json") == 0o644
    assert mode(tmp_path / "b.db") == 0o640
    assert [mode(p) for p in (tmp_path / "backups").glob("fowdesk-*.db")] == [0o640]


def test_a_pipe_or_device_is_written_into_not_replaced(seeded_path: Path, tmp_path: Path) -> None:
    """`-o /dev/null` or a named pipe: a rename would leave a plain file where the device was."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    try:
        assert main(["--db", str(seeded_path), "export", "json", "-o", str(pipe)]) == 0
    finally:
        if reader.is_alive():  # nothing was written: open the other end so the reader ends
            pipe.open("wb").close()
        reader.join()
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert b'"programmes"' in received[0]
    if os.geteuid() == 0:  # a null device of our own, never the machine's /dev/null
        null = tmp_path / "null"
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        for kind in ("json", "xlsx", "pdf"):
            assert main(["--db", str(seeded_path), "export", kind, "-o", str(null)]) == 0
        assert stat.S_ISCHR(null.stat().st_mode)
    assert not [p for p in tmp_path.iterdir() if partial_files.is_ours(p.name)]
