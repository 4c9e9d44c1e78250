"""Temporary files fowdesk writes before a rename, and sweeping up the ones a crash left.

Every output (an export, a backup, a safety copy) is written under a name
that says it is fowdesk's and unfinished, then renamed into place. A power
cut or a kill can still leave one behind; the next start removes those older
than an hour in the folders fowdesk writes to. Younger ones may belong to
another fowdesk writing right now, and a name not in this pattern (a
browser's ``download.pdf.part``) is never touched.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Iterable
from pathlib import Path

PREFIX = ".fowdesk-tmp-"
SUFFIX = ".part"
#: What SQLite adds beside a temporary database while it writes one.
_SIDE_SUFFIXES = ("", "-journal")
_OURS = re.compile(r"^\.fowdesk-tmp-[0-9a-f]{8}-.*\.part(-journal)?$", re.DOTALL)
#: What fowdesk before 0.2 left: exports as ``.{stem}-{mkstemp's 8}{suffix}.part``
#: and backups as ``fowdesk-….db.part`` (with SQLite's journal beside it).
_EARLIER = re.compile(
    r"^(\..+-[a-z0-9_]{8}\.[A-Za-z0-9]+\.part|fowdesk-\d{8}-\d{6}-\d{6}-.*\.db\.part(-journal)?)$",
    re.DOTALL,
)
STALE_AFTER_S = 3600.0
#: Keeps a temporary name inside the usual 255-byte file-name limit whatever
#: the target's name: a target that fits must never fail because of its temporary.
_NAME_BYTES_KEPT = 120


def temporary_name(target: Path) -> Path:
    """A fresh temporary path beside ``target`` (not created)."""
    kept = target.name
    while len(os.fsencode(kept)) > _NAME_BYTES_KEPT:
        kept = kept[:-1]
    return target.with_name(f"{PREFIX}{secrets.token_hex(4)}-{kept}{SUFFIX}")


def is_ours(name: str) -> bool:
    """A temporary name fowdesk makes (or made, in earlier versions)."""
    return bool(_OURS.match(name) or _EARLIER.match(name))


def remove_with_side_files(temporary: Path) -> None:
    """Remove a temporary file and any journal SQLite left beside it; never raises."""
    for suffix in _SIDE_SUFFIXES:
        with contextlib.suppress(OSError):
            temporary.with_name(temporary.name + suffix).unlink(missing_ok=True)


def remove_stale(folders: Iterable[Path], older_than: float = STALE_AFTER_S) -> list[Path]:
    """Delete fowdesk's temporaries older than ``older_than`` seconds; return what went.

    Best-effort: a folder that is missing or unreadable is simply skipped.
    """
    removed: list[Path] = []
    cutoff = time.time() - older_than
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not is_ours(entry.name):
                continue
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                continue
    return removed
