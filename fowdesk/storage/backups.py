"""Rotating backups and restore: the way to undo a bad import.

Backups are taken with SQLite's online backup API, never by copying a live
file, and kept in ``backups/`` beside the database (the newest few only).
A backup holds the whole database, so it takes the database file's mode.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

from fowdesk import partial_files
from fowdesk.errors import FowdeskError, describe_os_error, shown

if TYPE_CHECKING:
    from fowdesk.storage.database import Recovery

KEEP_BACKUPS = 10
_STAMP = "%Y%m%d-%H%M%S-%f"


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    reason: str


def take_backup(
    db: sqlite_utils.Database, backup_dir: Path, reason: str = "manual", keep: int = KEEP_BACKUPS
) -> Path:
    """Copy the open database to a new file in ``backup_dir`` and prune old ones."""
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FowdeskError(
            f"{shown(backup_dir)}: cannot create the backups folder: {describe_os_error(exc)}"
        ) from None
    stamp = datetime.now().strftime(_STAMP)
    target = backup_dir / f"fowdesk-{stamp}-{_safe(reason)}.db"
    write_backup_to(db, target)
    prune_backups(backup_dir, keep)
    return target


def write_backup_to(db: sqlite_utils.Database, target: Path) -> None:
    """Online-backup ``db`` to ``target`` via a temporary name, so no half file is left.

    Whatever goes wrong (a full disk, a lock held past the limit, an
    interrupt), the temporary file and its journal are removed.
    """
    from fowdesk.storage.database import (
        copy_database,
        lock_timeout_of,
        refuse_overwriting_a_database,
        sqlite_uri,
        translate_sqlite_error,
    )

    target = Path(target)
    refuse_overwriting_a_database(target)
    temporary = partial_files.temporary_name(target)
    source_path: Path | None = getattr(db.conn, "path", None)
    try:
        destination = sqlite3.connect(sqlite_uri(Path(os.path.abspath(temporary)), "rwc"), uri=True)
        try:
            copy_database(db.conn, destination, lock_timeout_of(db.conn))
            # The copy is a plain rollback-journal file like the original.
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
        if source_path is not None:
            os.chmod(temporary, os.stat(source_path).st_mode & 0o777)
        os.replace(temporary, target)
    except OSError as exc:
        partial_files.remove_with_side_files(temporary)
        raise FowdeskError(
            f"{shown(target)}: cannot write the backup: {describe_os_error(exc)}"
        ) from None
    except sqlite3.Error as exc:
        partial_files.remove_with_side_files(temporary)
        error = translate_sqlite_error(exc, None)
        if error is exc:
            raise
        raise FowdeskError(f"{shown(target)}: cannot write the backup: {error}") from None
    except BaseException:
        partial_files.remove_with_side_files(temporary)
        raise


def _safe(reason: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in reason)[:40] or "backup"


def list_backups(backup_dir: Path) -> list[BackupFile]:
    """The backups in ``backup_dir``, newest first."""
    found: list[BackupFile] = []
    if not backup_dir.is_dir():
        return found
    for path in backup_dir.glob("fowdesk-*.db"):
        parts = path.stem.split("-")
        try:
            taken = datetime.strptime("-".join(parts[1:4]), _STAMP)
        except (ValueError, IndexError):
            continue
        found.append(BackupFile(path, taken, "-".join(parts[4:])))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def prune_backups(backup_dir: Path, keep: int = KEEP_BACKUPS) -> None:
    for old in list_backups(backup_dir)[keep:]:
        with suppress(OSError):
            old.path.unlink(missing_ok=True)


def restore_backup(
    backup_path: Path,
    db_path: Path,
    *,
    lock_timeout: float | None = None,
    on_recovered: Callable[[Recovery], None] | None = None,
) -> Path | None:
    """Put ``backup_path`` back as ``db_path``, backing up the current file first.

    The backup is checked (ours, sound, not newer, not the database itself by
    any name) before anything is touched; the copy is made with the online
    backup API into the live file, so other readers never see half a
    database, and a lock held by another program is waited for only up to
    the limit. Returns the safety backup's path. If the current file was
    left mid-write by a power cut, it is recovered first and ``on_recovered``
    is told.
    """
    from fowdesk.paths import backups_dir_for
    from fowdesk.storage.database import (
        copy_database,
        default_lock_timeout,
        discard_new_file,
        inspect_file,
        open_database,
        open_existing,
        sqlite_uri,
        translate_sqlite_error,
    )
    from fowdesk.storage.schema import LATEST_VERSION, MIGRATIONS

    backup_path, db_path = Path(backup_path), Path(db_path)
    timeout = default_lock_timeout() if lock_timeout is None else lock_timeout
    if _is_the_database(backup_path, db_path):
        raise FowdeskError(f"{shown(backup_path)}: that is the database itself, not a backup")
    inspect_file(backup_path, LATEST_VERSION, timeout)
    safety: Path | None = None
    source = sqlite3.connect(
        sqlite_uri(Path(os.path.abspath(backup_path)), "ro"), uri=True, timeout=timeout
    )
    try:
        if db_path.exists():
            opened = open_database(
                db_path, MIGRATIONS, backups_dir_for(db_path), lock_timeout=timeout
            )
            current = opened.db
            if opened.recovery is not None and on_recovered is not None:
                on_recovered(opened.recovery)
            try:
                safety = take_backup(current, backups_dir_for(db_path), reason="before-restore")
                copy_database(source, current.conn, timeout)
            finally:
                current.close()
        else:
            _restore_as_new_file(source, db_path, timeout)
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, db_path) from exc
    finally:
        source.close()
    # Bring a restored older file up to date now, with its own pre-migration backup.
    try:
        open_existing(db_path, MIGRATIONS, backups_dir_for(db_path), lock_timeout=timeout).close()
    except BaseException:
        if safety is None:
            discard_new_file(db_path)
        raise
    return safety


def _restore_as_new_file(source: sqlite3.Connection, db_path: Path, timeout: float) -> None:
    """Write the backup to a temporary name beside ``db_path``, then rename it into place."""
    from fowdesk.storage.database import copy_database, sqlite_uri

    temporary = partial_files.temporary_name(db_path)
    try:
        destination = sqlite3.connect(
            sqlite_uri(Path(os.path.abspath(temporary)), "rwc"), uri=True, timeout=timeout
        )
        try:
            copy_database(source, destination, timeout)
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
        os.replace(temporary, db_path)
    except OSError as exc:
        partial_files.remove_with_side_files(temporary)
        raise FowdeskError(f"{shown(db_path)}: cannot write it: {describe_os_error(exc)}") from None
    except BaseException:
        partial_files.remove_with_side_files(temporary)
        raise


def _is_the_database(backup_path: Path, db_path: Path) -> bool:
    """The same file by any name: the same path, a hard link or a symlink."""
    try:
        return os.path.samefile(backup_path, db_path)
    except (OSError, ValueError):
        return os.path.abspath(backup_path) == os.path.abspath(db_path)
