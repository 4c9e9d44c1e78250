"""Writing output files safely: a temporary name, then a rename.

A failed export never leaves half a file, and a target that is open in Excel
or a PDF viewer (Windows locks it) gets one clear line instead of a traceback.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from fowdesk.errors import FowdeskError


def _explain(path: Path, exc: OSError) -> FowdeskError:
    if isinstance(exc, PermissionError):
        return FowdeskError(
            f"cannot write {path}: permission denied (is it open in Excel or a PDF viewer, "
            "or is the folder read-only?)"
        )
    if isinstance(exc, FileNotFoundError):
        return FowdeskError(f"cannot write {path}: the folder {path.parent} does not exist")
    if isinstance(exc, IsADirectoryError):
        return FowdeskError(f"cannot write {path}: it is a folder")
    return FowdeskError(f"cannot write {path}: {exc.strerror or exc}")


def write_atomically(path: Path | str, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary_path)``, then move the result onto ``path`` in one step."""
    target = Path(path)
    if target.is_dir():
        raise FowdeskError(f"cannot write {target}: it is a folder")
    if not target.parent.is_dir():
        raise FowdeskError(f"cannot write {target}: the folder {target.parent} does not exist")
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.stem}-", suffix=target.suffix + ".part", dir=target.parent
        )
    except OSError as exc:
        raise _explain(target, exc) from None
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        raise _explain(target, exc) from None
    finally:
        temporary.unlink(missing_ok=True)
    return target


def write_bytes_atomically(path: Path | str, data: bytes) -> Path:
    def write(temporary: Path) -> None:
        temporary.write_bytes(data)

    return write_atomically(path, write)
