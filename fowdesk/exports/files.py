"""Writing output files safely: a temporary name, then a rename.

A failed export never leaves half a file, whatever the failure (a full disk,
an interrupt, a bug in the writer); a target that is a database, its journal
or a backup is refused before anything is written; a target that is open in
Excel or a PDF viewer (Windows locks it) gets one clear line instead of a
traceback. The file follows the user's umask, like any file they save.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from fowdesk import partial_files
from fowdesk.errors import FowdeskError, describe_os_error, shown
from fowdesk.storage.database import refuse_overwriting_a_database

#: Which program usually holds a file of this kind open (Windows refuses to replace it).
_HOLDERS = {
    ".xlsx": "Excel",
    ".xlsm": "Excel",
    ".docx": "Word",
    ".pdf": "the PDF viewer",
    ".html": "the browser",
}


def _explain(path: Path, exc: OSError, *, replacing: bool = False) -> FowdeskError:
    if replacing and isinstance(exc, PermissionError) and _folder_writable(path):
        # The folder takes new files but this one cannot be replaced: on Windows
        # that is a file another program has open.
        holder = _HOLDERS.get(path.suffix.casefold(), "the program that has it open")
        return FowdeskError(
            f"cannot write {shown(path)}: close {shown(path.name)} in {holder}, "
            "or choose another name"
        )
    if isinstance(exc, FileNotFoundError):
        return FowdeskError(
            f"cannot write {shown(path)}: the folder {shown(path.parent)} does not exist"
        )
    if isinstance(exc, IsADirectoryError):
        return FowdeskError(f"cannot write {shown(path)}: it is a folder")
    if isinstance(exc, PermissionError):
        return FowdeskError(
            f"cannot write {shown(path)}: permission denied (is the folder or the file read-only?)"
        )
    return FowdeskError(f"cannot write {shown(path)}: {describe_os_error(exc)}")


def _as_os_error(exc: Exception) -> OSError | None:
    """The disk error inside a writer's own exception, if that is what it is.

    openpyxl writes sheets through lxml, which reports a full disk or a file
    too large as ``SerialisationError('IO_ENOSPC')``, not as an OSError.
    """
    name = str(exc).strip()
    if type(exc).__name__ != "SerialisationError" or not name.startswith("IO_"):
        return None
    number = getattr(errno, name[3:], errno.EIO)
    return OSError(number, os.strerror(number))


def _is_device_or_pipe(path: Path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _folder_writable(path: Path) -> bool:
    return os.access(path.parent, os.W_OK)


def _create_temporary(target: Path) -> Path:
    """A new empty file beside ``target``, created with the user's umask (not 0600)."""
    while True:
        temporary = partial_files.temporary_name(target)
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(handle)
        return temporary


def write_atomically(path: Path | str, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary_path)``, then move the result onto ``path`` in one step."""
    target = Path(path)
    try:
        is_folder = target.is_dir()
        folder_exists = target.parent.is_dir()
    except OSError as exc:
        raise _explain(target, exc) from None
    if is_folder:
        raise FowdeskError(f"cannot write {shown(target)}: it is a folder")
    if not folder_exists:
        raise FowdeskError(
            f"cannot write {shown(target)}: the folder {shown(target.parent)} does not exist"
        )
    refuse_overwriting_a_database(target)
    if _is_device_or_pipe(target):
        # /dev/null, /dev/stdout, a named pipe: written straight into, never renamed
        # over (a rename would put a plain file where the device was).
        try:
            write(target)
        except OSError as exc:
            raise _explain(target, exc) from None
        return target
    partial_files.remove_stale([target.parent])
    try:
        temporary = _create_temporary(target)
    except OSError as exc:
        raise _explain(target, exc) from None
    try:
        try:
            write(temporary)
        except OSError as exc:
            raise _explain(target, exc) from None
        except Exception as exc:
            disk_error = _as_os_error(exc)
            if disk_error is None:
                raise
            raise _explain(target, disk_error) from None
        try:
            os.replace(temporary, target)
        except OSError as exc:
            raise _explain(target, exc, replacing=True) from None
    finally:
        partial_files.remove_with_side_files(temporary)
    return target


def write_bytes_atomically(path: Path | str, data: bytes) -> Path:
    def write(temporary: Path) -> None:
        temporary.write_bytes(data)

    return write_atomically(path, write)
