"""Rotating backups and restore: the way to undo a bad import.

Backups are taken with SQLite's online backup API, never by copying a live
file, and kept in ``backups/`` beside the database (the newest few only).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from fowdesk.errors import FowdeskError

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
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime(_STAMP)
    target = backup_dir / f"fowdesk-{stamp}-{_safe(reason)}.db"
    write_backup_to(db, target)
    prune_backups(backup_dir, keep)
    return target


def write_backup_to(db: sqlite_utils.Database, target: Path) -> None:
    """Online-backup ``db`` to ``target`` via a temporary name, so no half file is left."""
    temporary = target.with_name(target.name + ".part")
    temporary.unlink(missing_ok=True)
    try:
        destination = sqlite3.connect(str(temporary))
        try:
            db.conn.backup(destination)
            # The copy is a plain rollback-journal file like the original.
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise FowdeskError(f"{target}: cannot write the backup ({exc.strerror})") from None


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
        old.path.unlink(missing_ok=True)


def restore_backup(backup_path: Path, db_path: Path) -> Path | None:
    """Put ``backup_path`` back as ``db_path``, backing up the current file first.

    The backup is checked (ours, sound, not newer) before anything is touched;
    the copy is made with the online backup API into the live file, so other
    readers never see half a database. Returns the safety backup's path.
    """
    from fowdesk.paths import backups_dir_for
    from fowdesk.storage.database import inspect_file, open_existing
    from fowdesk.storage.schema import LATEST_VERSION, MIGRATIONS

    backup_path, db_path = Path(backup_path), Path(db_path)
    inspect_file(backup_path, LATEST_VERSION)
    if db_path.exists() and backup_path.resolve() == db_path.resolve():
        raise FowdeskError(f"{backup_path}: that is the database itself, not a backup")
    safety: Path | None = None
    if db_path.exists():
        current = open_existing(db_path, MIGRATIONS, backups_dir_for(db_path))
        try:
            safety = take_backup(current, backups_dir_for(db_path), reason="before-restore")
            source = sqlite3.connect(f"file:{backup_path.resolve()}?mode=ro", uri=True)
            try:
                source.backup(current.conn)
            finally:
                source.close()
        finally:
            current.close()
    else:
        source = sqlite3.connect(f"file:{backup_path.resolve()}?mode=ro", uri=True)
        try:
            destination = sqlite3.connect(str(db_path))
            try:
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
    # Bring a restored older file up to date now, with its own pre-migration backup.
    open_existing(db_path, MIGRATIONS, backups_dir_for(db_path)).close()
    return safety
