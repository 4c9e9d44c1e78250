"""Opening, creating and migrating the one SQLite file.

The rules (DESIGN.md, Storage rules) in one place:

* a file is inspected read-only first: the SQLite header, our
  ``application_id``, the schema ``user_version`` and a quick integrity
  check. A file that fails any of them is refused and left byte-for-byte
  as it was, with no journal or other file created beside it;
* an existing file is then opened with ``mode=rw`` (a mistyped path is an
  error, never a new empty database), foreign keys on, a busy timeout, the
  rollback journal (the file may be on a network share, so never WAL);
* writes run in ``BEGIN IMMEDIATE`` transactions so they take the lock up
  front and land whole or not at all;
* migrations are numbered, each atomic, and a backup is taken with SQLite's
  online backup API before any of them runs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from fowdesk.errors import DamagedDatabase, FowdeskError, NewerSchema, NotAFowdeskDatabase

#: "FoWD" as a 32-bit number: the file says it is ours.
APPLICATION_ID = 0x466F5744
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
#: Above this size ``quick_check`` is used on open instead of the full check.
FULL_CHECK_LIMIT = 50 * 1024 * 1024

Migration = Callable[[sqlite_utils.Database], None]


def _uri(path: Path, mode: str) -> str:
    return f"file:{quote(str(path.resolve()))}?mode={mode}"


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    # isolation_level=None: we open every transaction ourselves (BEGIN IMMEDIATE),
    # and sqlite-utils' own writes nest inside them as savepoints.
    conn = sqlite3.connect(
        _uri(path, mode),
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=True,
    )
    return conn


def read_header(path: Path) -> tuple[int, int]:
    """Return (application_id, user_version) from the file header, without SQLite.

    Reading the 100-byte header directly means a file that is not SQLite at all
    is refused before SQLite ever touches it.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        raise FowdeskError(f"{path}: no such database file") from None
    except IsADirectoryError:
        raise FowdeskError(f"{path}: is a folder, not a database file") from None
    except PermissionError:
        raise FowdeskError(f"{path}: permission denied") from None
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise NotAFowdeskDatabase(f"{path}: not a fowdesk database (not an SQLite file)")
    user_version = int.from_bytes(header[60:64], "big")
    application_id = int.from_bytes(header[68:72], "big")
    return application_id, user_version


def inspect_file(path: Path, latest_version: int) -> int:
    """Check that ``path`` is a sound fowdesk database we can open; return its schema version.

    Everything here is read-only: a refused file is left exactly as it was.
    """
    application_id, user_version = read_header(path)
    if application_id != APPLICATION_ID:
        raise NotAFowdeskDatabase(
            f"{path}: not a fowdesk database (an SQLite file of another application)"
        )
    if user_version > latest_version:
        raise NewerSchema(
            f"{path}: written by a newer fowdesk (schema {user_version}, this version "
            f"knows up to {latest_version}); upgrade fowdesk to open it"
        )
    problems = integrity_problems(path)
    if problems:
        raise DamagedDatabase(f"{path}: the database is damaged ({problems[0]})")
    return user_version


def integrity_problems(path: Path) -> list[str]:
    """Run SQLite's integrity check read-only; an empty list means sound."""
    pragma = "integrity_check" if path.stat().st_size <= FULL_CHECK_LIMIT else "quick_check"
    try:
        conn = _connect(path, "ro")
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        # immutable reads would skip locking; a plain read-only connection
        # creates no journal because it never writes.
        rows = [row[0] for row in conn.execute(f"PRAGMA {pragma}(20)").fetchall()]
        size_ok = _page_count_matches(conn, path)
    except sqlite3.Error as exc:
        return [str(exc)]
    finally:
        conn.close()
    problems = [] if rows == ["ok"] else rows
    if not size_ok:
        problems.append("the file is shorter than its header says (truncated)")
    return problems


def _page_count_matches(conn: sqlite3.Connection, path: Path) -> bool:
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page_count = conn.execute("PRAGMA page_count").fetchone()[0]
    with path.open("rb") as handle:
        header = handle.read(100)
    in_header = int.from_bytes(header[28:32], "big")
    on_disk = path.stat().st_size
    return on_disk >= in_header * page_size and on_disk >= page_count * page_size


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")


def open_existing(
    path: Path, migrations: Sequence[Migration], backup_dir: Path
) -> sqlite_utils.Database:
    """Open a fowdesk file for reading and writing, migrating it if it is older.

    Before a migration, the file is backed up with the online backup API.
    """
    path = Path(path)
    version = inspect_file(path, len(migrations))
    conn = _connect(path, "rw")
    try:
        _configure(conn)
        db = sqlite_utils.Database(conn)
        if version < len(migrations):
            from fowdesk.storage.backups import take_backup

            take_backup(db, backup_dir, reason=f"before-migration-{version}")
            _run_migrations(db, migrations, version)
    except sqlite3.Error as exc:
        conn.close()
        raise translate_sqlite_error(exc, path) from exc
    except BaseException:
        conn.close()
        raise
    return db


def create_new(path: Path, migrations: Sequence[Migration]) -> sqlite_utils.Database:
    """Create a new, empty fowdesk file at the latest schema."""
    path = Path(path)
    if path.exists():
        raise FowdeskError(f"{path}: already exists; choose another name")
    if not path.parent.is_dir():
        raise FowdeskError(f"{path.parent}: no such folder")
    conn = _connect(path, "rwc")
    try:
        _configure(conn)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db = sqlite_utils.Database(conn)
        _run_migrations(db, migrations, 0)
    except BaseException:
        conn.close()
        path.unlink(missing_ok=True)
        raise
    return db


def _run_migrations(
    db: sqlite_utils.Database, migrations: Sequence[Migration], current: int
) -> None:
    """Run each pending migration in its own IMMEDIATE transaction, bumping user_version."""
    for number, migration in enumerate(migrations, start=1):
        if number <= current:
            continue
        with immediate(db):
            migration(db)
            db.conn.execute(f"PRAGMA user_version = {number}")


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.conn.execute("PRAGMA user_version").fetchone()[0])


@contextmanager
def immediate(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the write lock up front (``BEGIN IMMEDIATE``).

    sqlite-utils' ``atomic()`` opens a plain ``BEGIN``; inside this block its
    calls become savepoints, so the whole block still lands or not at all.
    Nested use joins the outer transaction.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise translate_sqlite_error(exc, None) from exc
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise translate_sqlite_error(exc, None) from exc


_USER_FIXABLE = {
    "database is locked": "the database is in use by another program; try again in a moment",
    "database or disk is full": "the disk is full; free some space and try again",
    "attempt to write a readonly database": "the database file is read-only",
    "unable to open database file": "cannot open the database file",
    "file is not a database": "not a fowdesk database (not an SQLite file)",
    "disk I/O error": "a disk error occurred while using the database",
}


def translate_sqlite_error(exc: sqlite3.Error, path: Path | None) -> Exception:
    """Turn SQLite errors a user can fix into one clear line; leave bugs as they are."""
    text = str(exc)
    for needle, message in _USER_FIXABLE.items():
        if needle in text:
            return FowdeskError(f"{path}: {message}" if path else message)
    if "malformed" in text:
        return DamagedDatabase(f"{path}: the database is damaged ({text})" if path else text)
    return exc
