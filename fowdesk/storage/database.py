"""Opening, creating and migrating the one SQLite file.

The rules (DESIGN.md, Storage rules) in one place:

* a file is inspected first: the SQLite header, our ``application_id``, the
  schema ``user_version`` and an integrity check. A file that fails any of
  them is refused and left byte-for-byte as it was;
* a file left mid-write (a power cut, a killed process: a *hot journal*) is
  not damaged. The file and its journal are copied as a pair into
  ``backups/`` before this process opens any connection to it, then SQLite
  itself decides whether the journal is hot and rolls the interrupted write
  back on a read-write connection (:class:`Recovery` says so);
* an existing file is then opened with ``mode=rw`` (a mistyped path is an
  error, never a new empty database), foreign keys on, a bounded busy
  timeout, the rollback journal (the file may be on a network share, so
  never WAL). Every URI escapes the path (``#``, ``?`` and ``%`` are
  ordinary in folder names);
* writes run in ``BEGIN IMMEDIATE`` transactions so they take the lock up
  front and land whole or not at all. A lock is waited for up to a limit
  (:func:`default_lock_timeout`), visibly when a listener is set, and then
  reported as :class:`LockedDatabase`, never as damage;
* a read waits only for another program's *commit* (the short moment it
  holds the file exclusively), never for its whole write. So a connection
  that must not wait for writers (the window's, :func:`set_lock_timeout`)
  still lets its reads ride out a commit, up to :data:`READ_WAIT_S`, while
  its writes give up at once. A read refused past its limit is a
  :class:`LockedDatabase` too, not a raw SQLite error;
* SQLite errors are sorted by their result codes, not their message text;
* migrations are numbered, each atomic, and a backup is taken with SQLite's
  online backup API before any of them runs.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any, TypeVar
from urllib.parse import quote

import sqlite_utils

from fowdesk import partial_files
from fowdesk.errors import (
    DamagedDatabase,
    FowdeskError,
    LockedDatabase,
    NewerSchema,
    NotAFowdeskDatabase,
    describe_os_error,
    shown,
)

#: "FoWD" as a 32-bit number: the file says it is ours.
APPLICATION_ID = 0x466F5744
SQLITE_HEADER = b"SQLite format 3\x00"
#: The first bytes of a rollback journal that holds an unfinished write.
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
#: Files SQLite keeps beside a database while it writes.
SIDE_SUFFIXES = ("-journal", "-wal", "-shm")
#: Above this size ``quick_check`` is used on open instead of the full check.
FULL_CHECK_LIMIT = 50 * 1024 * 1024

#: How long to wait for another program's lock before giving up (seconds).
DEFAULT_LOCK_TIMEOUT_S = 30.0
#: Overrides the limit (seconds); tests use a short one.
ENV_LOCK_TIMEOUT = "FOWDESK_LOCK_TIMEOUT"
#: After this long a waiting command says it is waiting.
LOCK_NOTICE_AFTER_S = 1.0
#: The least a read waits for another program's commit, however short the write limit.
#: A rollback-journal commit holds the file exclusively only while it writes its pages
#: and syncs (milliseconds; a large import on a network share, a few hundred); past
#: this the other program is doing something longer, and the read says so.
READ_WAIT_S = 1.0
#: How much a write transaction keeps in memory before SQLite may spill it into the
#: file (and lock every reader out until it commits); see ``_configure``.
SPILL_AFTER_BYTES = 256 * 1024 * 1024
#: SQLite's result codes for "another connection has the lock".
_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)

Migration = Callable[[sqlite_utils.Database], None]
T = TypeVar("T")

_lock_wait_listener: Callable[[], None] | None = None


def default_lock_timeout() -> float:
    """The lock-wait limit: ``$FOWDESK_LOCK_TIMEOUT`` seconds, or 30."""
    text = os.environ.get(ENV_LOCK_TIMEOUT, "").strip()
    try:
        value = float(text) if text else DEFAULT_LOCK_TIMEOUT_S
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT_S
    return value if value >= 0 else DEFAULT_LOCK_TIMEOUT_S


def set_lock_wait_listener(listener: Callable[[], None] | None) -> None:
    """Call ``listener`` once whenever a wait for a lock passes one second.

    The command line prints "waiting for the database…"; storage itself never
    prints.
    """
    global _lock_wait_listener
    _lock_wait_listener = listener


def _notify_lock_wait() -> None:
    if _lock_wait_listener is not None:
        _lock_wait_listener()


# ---------------------------------------------------------------------- URIs


def sqlite_uri(path: PurePath, mode: str) -> str:
    """The ``file:`` URI SQLite needs for an absolute ``path``, every character escaped.

    ``Path.as_uri()`` is not enough: it leaves a UNC server as the authority,
    which SQLite rejects. Here the authority is always empty, so POSIX paths
    become ``file:///…``, drive letters ``file:///C:/…`` and UNC paths
    ``file:////server/share/…``. A POSIX name's bytes are escaped as they are
    on disk, so a name that is not UTF-8 still opens the right file.
    """
    if isinstance(path, PureWindowsPath):
        text = path.as_posix()
        raw = ("/" + text if not text.startswith("/") else text).encode("utf-8")
    else:
        raw = os.fsencode(path)
        if not raw.startswith(b"/"):
            raise ValueError(f"{path}: an SQLite URI needs an absolute path")
    return f"file://{quote(raw, safe='/:')}?mode={mode}"


# ---------------------------------------------------------------- connections


class _Connection(sqlite3.Connection):
    """A connection that remembers its file and its lock limits.

    Its file, so errors can name it and outputs avoid it. Its limits: how
    long a write waits for another program's lock (:func:`lock_timeout_of`),
    and SQLite's busy timeout in force, which between transactions is how
    long a read waits for another program's commit.
    """

    path: Path
    #: Readable from any thread (the connection itself may be used only by its own).
    closed = False
    #: How long a write transaction waits for another program's lock (seconds).
    write_wait_s: float
    #: SQLite's busy timeout now in force (seconds); see :func:`_set_busy_timeout`.
    busy_wait_s: float

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        """Run a statement; a read refused by another program's lock is a :class:`LockedDatabase`.

        A statement outside a transaction takes its own lock (for a read,
        the shared lock another program's commit keeps it from): refused past
        the busy timeout, SQLite's "database is locked" becomes the one line.
        Inside a transaction the error is left to :func:`immediate`, which
        rolls back and says how long the write waited.
        """
        outside = not self.in_transaction
        try:
            return super().execute(sql, parameters)
        except sqlite3.OperationalError as exc:
            if outside and _primary(exc) in _BUSY_CODES:
                raise LockedDatabase(
                    _locked_message(self.path, self.busy_wait_s), self.busy_wait_s
                ) from exc
            raise

    def close(self) -> None:
        self.closed = True
        super().close()


def _execute_untranslated(conn: sqlite3.Connection, sql: str) -> sqlite3.Cursor:
    """``sql`` with SQLite's own errors, for a step whose lock wait the caller manages."""
    return sqlite3.Connection.execute(conn, sql)


_open_connections: weakref.WeakSet[_Connection] = weakref.WeakSet()
#: Worker threads open connections while the window's thread looks at the set.
_open_connections_lock = threading.Lock()


def open_database_paths() -> list[Path]:
    """The database files this process has open (for refusing outputs onto them)."""
    with _open_connections_lock:
        connections = list(_open_connections)
    return [conn.path for conn in connections if not conn.closed]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def is_open_in_this_process(path: Path) -> bool:
    """True when a connection of ours already has ``path`` open, by any name.

    Then no plain file handle may be opened and closed on it: closing one
    drops every POSIX lock this process holds on the file, including the
    other connection's.
    """
    return any(_same_file(path, other) for other in open_database_paths())


def _connect(path: Path, mode: str, lock_timeout: float) -> sqlite3.Connection:
    # isolation_level=None: we open every transaction ourselves (BEGIN IMMEDIATE),
    # and sqlite-utils' own writes nest inside them as savepoints.
    absolute = Path(os.path.abspath(path))
    try:
        conn = sqlite3.connect(
            sqlite_uri(absolute, mode),
            uri=True,
            timeout=lock_timeout,
            isolation_level=None,
            check_same_thread=True,
            factory=_Connection,
        )
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, path) from exc
    assert isinstance(conn, _Connection)
    conn.path = absolute
    conn.write_wait_s = conn.busy_wait_s = lock_timeout
    with _open_connections_lock:
        _open_connections.add(conn)
    return conn


def lock_timeout_of(conn: sqlite3.Connection) -> float:
    """How long a write on this connection waits for another program's lock (seconds)."""
    if isinstance(conn, _Connection):
        return conn.write_wait_s
    return _busy_timeout_of(conn)


def read_wait_of(conn: sqlite3.Connection) -> float:
    """How long a read on this connection waits for another program's commit (seconds)."""
    if isinstance(conn, _Connection) and not conn.in_transaction:
        return conn.busy_wait_s
    return _busy_timeout_of(conn)


def set_lock_timeout(
    conn: sqlite3.Connection, seconds: float, *, reads: float | None = None
) -> None:
    """Writes wait ``seconds`` for another program's lock; reads wait ``reads``.

    ``reads`` defaults to ``seconds`` but never less than :data:`READ_WAIT_S`:
    a short limit is for not waiting on another program's *write* (the
    window's writes are queued instead), and a read only ever waits for a
    commit, which is short. Failing every read during every commit of a
    colleague's import would be the window's loss, not a safeguard.
    """
    if not isinstance(conn, _Connection):
        _set_busy_timeout(conn, seconds)
        return
    conn.write_wait_s = seconds
    _set_busy_timeout(conn, max(seconds, READ_WAIT_S) if reads is None else reads)


def _busy_timeout_of(conn: sqlite3.Connection) -> float:
    return int(conn.execute("PRAGMA busy_timeout").fetchone()[0]) / 1000


def _set_busy_timeout(conn: sqlite3.Connection, seconds: float) -> None:
    """Set SQLite's busy timeout (every lock wait), keeping our note of it in step."""
    milliseconds = max(0, round(seconds * 1000))
    conn.execute(f"PRAGMA busy_timeout = {milliseconds}")
    if isinstance(conn, _Connection):
        conn.busy_wait_s = milliseconds / 1000


def _path_of(conn: sqlite3.Connection) -> Path | None:
    return getattr(conn, "path", None)


# --------------------------------------------------------------- inspection


def read_header(path: Path) -> tuple[int, int]:
    """Return (application_id, user_version) from the file header, without SQLite.

    Reading the 100-byte header directly means a file that is not SQLite at all
    is refused before SQLite ever touches it.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        raise FowdeskError(f"{shown(path)}: no such database file") from None
    except IsADirectoryError:
        raise FowdeskError(f"{shown(path)}: is a folder, not a database file") from None
    except OSError as exc:
        raise FowdeskError(f"{shown(path)}: cannot read it: {describe_os_error(exc)}") from None
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise NotAFowdeskDatabase(f"{shown(path)}: not a fowdesk database (not an SQLite file)")
    user_version = int.from_bytes(header[60:64], "big")
    application_id = int.from_bytes(header[68:72], "big")
    return application_id, user_version


def _check_identity(path: Path, application_id: int, user_version: int, latest: int) -> None:
    if application_id != APPLICATION_ID:
        raise NotAFowdeskDatabase(
            f"{shown(path)}: not a fowdesk database (an SQLite file of another application)"
        )
    if user_version > latest:
        raise NewerSchema(
            f"{shown(path)}: written by a newer fowdesk (schema {user_version}, this version "
            f"knows up to {latest}); upgrade fowdesk to open it"
        )


def inspect_file(path: Path, latest_version: int, lock_timeout: float | None = None) -> int:
    """Check that ``path`` is a sound fowdesk database we can open; return its schema version.

    Everything here is read-only: a refused file is left exactly as it was.
    """
    application_id, user_version = read_header(path)
    _check_identity(path, application_id, user_version, latest_version)
    problems = integrity_problems(path, lock_timeout)
    if problems:
        raise DamagedDatabase(f"{shown(path)}: the database is damaged ({problems[0]})")
    return user_version


def integrity_problems(path: Path, lock_timeout: float | None = None) -> list[str]:
    """Run SQLite's integrity check read-only; an empty list means sound.

    A lock held by another program is not a problem with the file: it is
    raised as :class:`LockedDatabase` after the bounded wait.
    """
    timeout = default_lock_timeout() if lock_timeout is None else lock_timeout
    size = path.stat().st_size
    pragma = "integrity_check" if size <= FULL_CHECK_LIMIT else "quick_check"
    try:
        conn = _connect(path, "ro", timeout)
    except DamagedDatabase as exc:
        return [str(exc)]

    def check() -> tuple[list[str], bool]:
        # One read transaction: while it holds SQLite's shared lock no other program
        # can commit, so the file's size and the page count in its header agree
        # (read apart, a commit that grew the file in between looked like truncation).
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute("BEGIN")
        rows = [row[0] for row in conn.execute(f"PRAGMA {pragma}(20)").fetchall()]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        page_count = conn.execute("PRAGMA page_count").fetchone()[0]
        short = path.stat().st_size < page_count * page_size
        conn.execute("COMMIT")
        return rows, short

    try:
        # A plain read-only connection creates no journal because it never writes.
        rows, short = _with_visible_wait(conn, check)
    except sqlite3.Error as exc:
        if _primary(exc) in _NOT_DAMAGE:
            raise translate_sqlite_error(exc, path, waited=timeout) from exc
        return [_sqlite_reason(exc)]
    finally:
        conn.close()
    problems = [] if rows == ["ok"] else rows
    if short:
        problems.append("the file is shorter than its header says (truncated)")
    return problems


#: Errors during the integrity check that say nothing about the file's soundness.
_NOT_DAMAGE = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_NOMEM,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_IOERR,
}


def _with_visible_wait(conn: sqlite3.Connection, step: Callable[[], T]) -> T:
    """Run a retryable ``step``; if a lock holds it past a second, say so and go on waiting.

    The step waits as long as the busy timeout now in force; its statements
    must raise SQLite's own errors (:func:`_execute_untranslated`, or inside
    a transaction).
    """
    limit = _busy_timeout_of(conn)
    if _lock_wait_listener is None or limit <= LOCK_NOTICE_AFTER_S:
        return step()
    _set_busy_timeout(conn, LOCK_NOTICE_AFTER_S)
    try:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if _primary(exc) not in _BUSY_CODES:
                raise
        _notify_lock_wait()
        _set_busy_timeout(conn, limit - LOCK_NOTICE_AFTER_S)
        return step()
    finally:
        _set_busy_timeout(conn, limit)


# ----------------------------------------------------------------- recovery


@dataclass(frozen=True)
class Recovery:
    """A write that a power cut or a kill interrupted, rolled back on opening."""

    #: When the interrupted write last touched its journal.
    at: datetime
    #: The file and its journal exactly as they were found, kept in ``backups/``.
    copies: tuple[Path, Path]

    def describe(self) -> str:
        return f"recovered from an interrupted write ({self.at:%d/%m/%Y %H:%M})"


INTERRUPTED_PREFIX = "interrupted-"


def _recover_interrupted_write(
    path: Path, backup_dir: Path, lock_timeout: float
) -> Recovery | None:
    """Keep a copy of a file left mid-write, then let SQLite roll the write back.

    Called only when no connection of this process has the file open: the
    copy is made first, with plain file handles, whose closing would drop
    the locks of any connection of ours. SQLite then decides whether the
    journal is hot (another program may be writing); if it is not, the copy
    goes again and nothing is said.
    """
    journal = path.with_name(path.name + "-journal")
    try:
        found = journal.stat()
        with journal.open("rb") as handle:
            first = handle.read(1)
    except OSError:
        return None
    if first in (b"", b"\0"):
        # SQLite's rule: an empty journal, or one whose header is still zero, is not hot.
        return None
    at = datetime.fromtimestamp(found.st_mtime)
    copies: tuple[Path, Path] | None = None
    copy_failed: FowdeskError | None = None
    try:
        copies = _copy_pair(path, journal, backup_dir, at)
    except FowdeskError as exc:
        copy_failed = exc
    try:
        hot = _journal_is_hot(path, lock_timeout)
    except BaseException:
        _remove_pair(copies)
        raise
    if not hot:
        # Another program is writing: its journal is live, not left behind.
        _remove_pair(copies)
        return None
    if copy_failed is not None or copies is None:
        raise copy_failed or FowdeskError(f"{shown(path)}: cannot keep a copy before recovering")
    conn = _connect(path, "rw", lock_timeout)
    try:
        # The first read takes a shared lock, which is when SQLite rolls back.
        _with_visible_wait(
            conn, lambda: _execute_untranslated(conn, "PRAGMA schema_version").fetchone()
        )
    except sqlite3.Error as exc:
        if _cannot_write_here(exc):
            raise FowdeskError(
                f"{shown(path)}: a write to it was interrupted and must be rolled back, but "
                f"{_unwritable_reason(path)}; open it once where it can be written (a copy of "
                f"it as found is in {shown(copies[0].parent)})"
            ) from None
        raise translate_sqlite_error(exc, path, waited=lock_timeout) from exc
    finally:
        conn.close()
    return Recovery(at, copies)


def _cannot_write_here(exc: sqlite3.Error) -> bool:
    """The rollback failed because the file or its folder is read-only here."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code == sqlite3.SQLITE_IOERR_DELETE or _primary(exc) in (
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_CANTOPEN,
    )


def _journal_is_hot(path: Path, lock_timeout: float) -> bool:
    """Ask SQLite: a read-only connection refuses a journal it would have to roll back."""
    conn = _connect(path, "ro", lock_timeout)
    try:
        _with_visible_wait(
            conn, lambda: _execute_untranslated(conn, "PRAGMA schema_version").fetchone()
        )
    except sqlite3.Error as exc:
        if exc.sqlite_errorcode == sqlite3.SQLITE_READONLY_ROLLBACK:
            return True
        raise translate_sqlite_error(exc, path, waited=lock_timeout) from exc
    finally:
        conn.close()
    return False


def _copy_pair(path: Path, journal: Path, backup_dir: Path, at: datetime) -> tuple[Path, Path]:
    """Copy the database and its journal, under names that keep them a pair."""
    name = f"{INTERRUPTED_PREFIX}{at:%Y%m%d-%H%M%S}-{os.getpid()}-{path.name}"
    copies = (backup_dir / name, backup_dir / (name + "-journal"))
    written: list[Path] = []
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
        for source, target in zip((path, journal), copies, strict=True):
            temporary = partial_files.temporary_name(target)
            written.append(temporary)
            shutil.copyfile(source, temporary)
            os.chmod(temporary, _mode_of(path))
            os.replace(temporary, target)
            written.append(target)
    except OSError as exc:
        for leftover in written:
            leftover.unlink(missing_ok=True)
        raise FowdeskError(
            f"{shown(path)}: a write to it was interrupted; before recovering it fowdesk keeps a "
            f"copy in {shown(backup_dir)}, which cannot be written: {describe_os_error(exc)}"
        ) from None
    return copies


def _remove_pair(copies: tuple[Path, Path] | None) -> None:
    for copy in copies or ():
        with suppress(OSError):
            copy.unlink(missing_ok=True)


def _mode_of(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


# ------------------------------------------------------------------ opening


@dataclass
class OpenedDatabase:
    db: sqlite_utils.Database
    #: Set when opening rolled back a write a power cut or kill interrupted.
    recovery: Recovery | None = None


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")
    # A write whose changed pages outgrow SQLite's cache (2 MB) spills them into the file
    # mid-transaction, and spilling takes the exclusive lock until the commit: an import
    # of a few hundred new cards shut every reader out for seconds. Kept in memory up to
    # SPILL_AFTER_BYTES, a write holds the file exclusively only while it commits.
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    conn.execute(f"PRAGMA cache_spill = {max(1, SPILL_AFTER_BYTES // page_size)}")


def open_database(
    path: Path,
    migrations: Sequence[Migration],
    backup_dir: Path,
    *,
    lock_timeout: float | None = None,
) -> OpenedDatabase:
    """Open a fowdesk file for reading and writing, recovering and migrating it as needed.

    Before a migration, the file is backed up with the online backup API.
    """
    path = Path(path)
    timeout = default_lock_timeout() if lock_timeout is None else lock_timeout
    recovery: Recovery | None = None
    already_open = is_open_in_this_process(path)
    if not already_open:
        application_id, user_version = read_header(path)
        _check_identity(path, application_id, user_version, len(migrations))
        recovery = _recover_interrupted_write(path, backup_dir, timeout)
        inspect_file(path, len(migrations), timeout)
    conn = _connect(path, "rw", timeout)
    try:
        _configure(conn)
        db = sqlite_utils.Database(conn)
        application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = schema_version(db)
        _check_identity(path, application_id, version, len(migrations))
        if version < len(migrations):
            from fowdesk.storage.backups import take_backup

            take_backup(db, backup_dir, reason=f"before-migration-{version}")
            _run_migrations(db, migrations, version)
    except sqlite3.Error as exc:
        conn.close()
        raise translate_sqlite_error(exc, path, waited=timeout) from exc
    except BaseException:
        conn.close()
        raise
    return OpenedDatabase(db, recovery)


def open_existing(
    path: Path,
    migrations: Sequence[Migration],
    backup_dir: Path,
    *,
    lock_timeout: float | None = None,
) -> sqlite_utils.Database:
    """:func:`open_database` for callers that need only the database."""
    return open_database(path, migrations, backup_dir, lock_timeout=lock_timeout).db


def create_new(
    path: Path, migrations: Sequence[Migration], *, lock_timeout: float | None = None
) -> sqlite_utils.Database:
    """Create a new, empty fowdesk file at the latest schema.

    A file that cannot be finished (a full disk, a read-only folder) is
    removed again, with its journal.
    """
    path = Path(path)
    timeout = default_lock_timeout() if lock_timeout is None else lock_timeout
    _claim_new_file(path)
    try:
        conn = _connect(path, "rw", timeout)
    except BaseException:
        discard_new_file(path)
        raise
    try:
        _configure(conn)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db = sqlite_utils.Database(conn)
        _run_migrations(db, migrations, 0)
    except BaseException:
        conn.close()
        discard_new_file(path)
        raise
    return db


def _claim_new_file(path: Path) -> None:
    """Create ``path`` empty (SQLite's empty database), refusing one that exists.

    Creating it ourselves gives the operating system's own reason when that
    fails (a name too long, a read-only folder, a full disk) instead of
    SQLite's "unable to open database file".
    """
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise FowdeskError(f"{shown(path)}: already exists; choose another name") from None
    except FileNotFoundError:
        raise FowdeskError(f"{shown(path.parent)}: no such folder") from None
    except OSError as exc:
        raise FowdeskError(f"{shown(path)}: cannot create it: {describe_os_error(exc)}") from None
    os.close(handle)


def discard_new_file(path: Path) -> None:
    """Remove a database this process was creating, and whatever SQLite left beside it."""
    for suffix in ("", *SIDE_SUFFIXES):
        with suppress(OSError):
            path.with_name(path.name + suffix).unlink(missing_ok=True)


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


# ---------------------------------------------------------------- writing


@contextmanager
def immediate(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the write lock up front (``BEGIN IMMEDIATE``).

    sqlite-utils' ``atomic()`` opens a plain ``BEGIN``; inside this block its
    calls become savepoints, so the whole block still lands or not at all.
    Nested use joins the outer transaction. A lock held elsewhere is waited
    for up to the connection's write limit (:func:`lock_timeout_of`), the
    commit included; any SQLite error inside the block rolls it back and is
    raised as one clear line when the user can act on it. Afterwards the
    connection's reads wait as long as they did before.
    """
    conn = db.conn
    path = _path_of(conn)
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    limit = lock_timeout_of(conn)
    reads = read_wait_of(conn)
    if reads != limit:
        _set_busy_timeout(conn, limit)
    try:
        try:
            _with_visible_wait(conn, lambda: _execute_untranslated(conn, "BEGIN IMMEDIATE"))
        except sqlite3.Error as exc:
            raise translate_sqlite_error(exc, path, waited=limit) from exc
        try:
            yield db
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise translate_sqlite_error(exc, path, waited=limit) from exc
            raise
    finally:
        if reads != limit:
            with suppress(sqlite3.Error):
                _set_busy_timeout(conn, reads)


@contextmanager
def reading(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Reads that all see one state of the file (a read transaction).

    Outside a transaction each statement takes and drops its own shared
    lock, so another program's commit can land between two of them: a
    programme read in several steps could pair the old lead-role key with
    the new cards. Inside this block the shared lock is held from the first
    read to the end, so a commit waits for it (within its own limit) and
    every read sees the same file. Nested in a write transaction, it joins
    it. Only reads belong here: a write would have to upgrade the lock.
    """
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    waited = read_wait_of(conn)
    conn.execute("BEGIN DEFERRED")  # no lock yet: the first read takes the shared one
    try:
        yield db
    except sqlite3.OperationalError as exc:
        if _primary(exc) in _BUSY_CODES:
            raise LockedDatabase(_locked_message(_path_of(conn), waited), waited) from exc
        raise
    finally:
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("COMMIT")


def copy_database(
    source: sqlite3.Connection, target: sqlite3.Connection, lock_timeout: float
) -> None:
    """SQLite's online backup from ``source`` into ``target``, waiting for locks only so long.

    ``Connection.backup`` retries a busy step for ever; here a step still
    busy at the limit raises :class:`LockedDatabase`, and a wait that passes
    one second is announced. Other SQLite errors (a full disk) are raised as
    they are, for the caller to explain with the file it was writing.
    """
    started = time.monotonic()
    announced = False

    def progress(status: int, _remaining: int, _total: int) -> None:
        nonlocal announced
        if status not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return
        waited = time.monotonic() - started
        if waited >= lock_timeout:
            raise LockedDatabase(_locked_message(_path_of(target), lock_timeout), lock_timeout)
        if waited >= LOCK_NOTICE_AFTER_S and not announced:
            announced = True
            _notify_lock_wait()

    before = [_busy_timeout_of(source), _busy_timeout_of(target)]
    step_wait = min(lock_timeout, 0.25)
    for conn in (source, target):
        _set_busy_timeout(conn, step_wait)
    try:
        source.backup(target, progress=progress, sleep=0.05)
    except sqlite3.Error as exc:
        if _primary(exc) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            path = _path_of(target) or _path_of(source)
            raise LockedDatabase(_locked_message(path, lock_timeout), lock_timeout) from exc
        raise
    finally:
        for conn, limit in zip((source, target), before, strict=True):
            with suppress(sqlite3.Error):
                _set_busy_timeout(conn, limit)


# ------------------------------------------------------- protecting databases


def refuse_overwriting_a_database(target: Path) -> None:
    """Refuse an output path that is a database, a journal, or the open file by another name.

    Checked before any export or backup writes: an export aimed at the
    database (or a hard link, symlink or backup of it) would replace it with
    no way back.
    """
    target = Path(target)
    for open_path in open_database_paths():
        if _same_file(target, open_path) or _same_name(target, open_path):
            raise FowdeskError(
                f"{shown(target)}: that is the open database; choose another name "
                "(fowdesk never writes over a database)"
            )
        for suffix in SIDE_SUFFIXES:
            side = open_path.with_name(open_path.name + suffix)
            if _same_name(target, side) or _same_file(target, side):
                raise FowdeskError(
                    f"{shown(target)}: that is the open database's journal; choose another name"
                )
    for suffix in SIDE_SUFFIXES:
        if target.name.endswith(suffix):
            owner = target.with_name(target.name[: -len(suffix)])
            if _starts_with(owner, SQLITE_HEADER):
                raise FowdeskError(
                    f"{shown(target)}: that is a database's journal; choose another name"
                )
    if _starts_with(target, SQLITE_HEADER):
        raise FowdeskError(
            f"{shown(target)}: that is a database (a fowdesk database or backup); choose "
            "another name (fowdesk never writes over a database)"
        )
    if _starts_with(target, JOURNAL_MAGIC):
        raise FowdeskError(f"{shown(target)}: that is a database's journal; choose another name")


def _same_name(a: Path, b: Path) -> bool:
    try:
        return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))
    except (OSError, ValueError):
        return False


def _starts_with(path: Path, magic: bytes) -> bool:
    """Whether a regular file begins with ``magic`` (a pipe or device is never opened)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with path.open("rb") as handle:
            return handle.read(len(magic)) == magic
    except OSError:
        return False


# ------------------------------------------------------------- SQLite errors


def _primary(exc: sqlite3.Error) -> int:
    code = getattr(exc, "sqlite_errorcode", None)
    return -1 if code is None else code & 0xFF


def _sqlite_reason(exc: sqlite3.Error) -> str:
    return str(exc) or getattr(exc, "sqlite_errorname", "") or type(exc).__name__


def _locked_message(path: Path | None, waited: float) -> str:
    where = f"{shown(path)}: " if path else ""
    return f"{where}the database is in use by another program (waited {waited:g} s); try again"


def _unwritable_reason(path: Path) -> str:
    """Why SQLite could not write ``path``: the file, its folder, or the disk."""
    folder = path.parent
    if path.exists() and not os.access(path, os.R_OK):
        return "permission denied (the database file cannot be read)"
    if path.exists() and not os.access(path, os.W_OK):
        return "the database file is read-only"
    if not os.access(folder, os.W_OK):
        return (
            f"its folder {shown(folder)} is read-only (fowdesk writes a journal beside the "
            "database while it saves)"
        )
    return "the database cannot be written here (a read-only disk, file or folder)"


def translate_sqlite_error(
    exc: sqlite3.Error, path: Path | None, *, waited: float | None = None
) -> Exception:
    """Turn SQLite errors a user can act on into one clear line; leave bugs as they are.

    Sorted by SQLite's result code (``sqlite_errorcode``), never by message text.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return exc
    primary = code & 0xFF
    where = f"{shown(path)}: " if path else ""
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        limit = default_lock_timeout() if waited is None else waited
        return LockedDatabase(_locked_message(path, limit), limit)
    if primary == sqlite3.SQLITE_FULL:
        return FowdeskError(f"{where}the disk is full; free some space and try again")
    if code == sqlite3.SQLITE_READONLY_DBMOVED:
        return FowdeskError(f"{where}the database file was moved or deleted while open")
    if primary == sqlite3.SQLITE_READONLY:
        reason = _unwritable_reason(path) if path else "the database is read-only"
        return FowdeskError(f"{where}{reason}")
    if primary == sqlite3.SQLITE_CANTOPEN:
        reason = _unwritable_reason(path) if path and path.exists() else "cannot open the file"
        return FowdeskError(f"{where}{reason}")
    if primary == sqlite3.SQLITE_IOERR:
        if code == sqlite3.SQLITE_IOERR_SHORT_READ:
            return DamagedDatabase(f"{where}the database is damaged (the file is truncated)")
        if code == sqlite3.SQLITE_IOERR_NOMEM:
            return FowdeskError(f"{where}out of memory; close other programs and try again")
        name = getattr(exc, "sqlite_errorname", str(code))
        if code == sqlite3.SQLITE_IOERR_READ:
            return FowdeskError(
                f"{where}the disk refused a read ({name}): it may be disconnected or failing; "
                "try again"
            )
        return FowdeskError(
            f"{where}the disk refused a write ({name}): it may be full, at a size limit or "
            "disconnected; free some space and try again"
        )
    if primary == sqlite3.SQLITE_NOMEM:
        return FowdeskError(f"{where}out of memory; close other programs and try again")
    if primary == sqlite3.SQLITE_NOTADB:
        return NotAFowdeskDatabase(f"{where}not a fowdesk database (not an SQLite file)")
    if primary == sqlite3.SQLITE_CORRUPT:
        return DamagedDatabase(f"{where}the database is damaged ({_sqlite_reason(exc)})")
    if primary in (sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH):
        return FowdeskError(f"{where}permission denied")
    if primary == sqlite3.SQLITE_TOOBIG:
        return FowdeskError(f"{where}a value is too large to store")
    return exc
