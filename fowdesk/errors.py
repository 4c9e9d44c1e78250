"""Errors a user can act on, as opposed to bugs.

Anything raised as a :class:`FowdeskError` is shown as one line
(``fowdesk: error: …`` on the command line, a message box in the window) and
leaves the database and the user's files as they were. Anything else is a bug
and is allowed to crash loudly.
"""

from __future__ import annotations

import errno
import os


class FowdeskError(Exception):
    """A problem with the user's input or files, explained in one line."""


class NotAFowdeskDatabase(FowdeskError):
    """The file is not ours (or not SQLite at all); it is never modified."""


class DamagedDatabase(FowdeskError):
    """The file is ours but SQLite reports damage; it is never modified."""


class NewerSchema(FowdeskError):
    """The file was written by a newer fowdesk; refused rather than mangled."""


class StaleEdit(FowdeskError):
    """Someone else saved this row after it was read; the second save is refused."""

    def __init__(self, message: str, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class NotFound(FowdeskError):
    """A programme, period, card or milestone that the user named does not exist."""


class InvalidInput(FowdeskError):
    """A value the user gave (a date, a status, a file) cannot be used."""


class PeriodPublished(InvalidInput):
    """A write into a published period's narrative: that report is closed."""


class LockedDatabase(FowdeskError):
    """Another program held the database past the wait limit; nothing was written.

    ``waited`` is the limit in seconds, so a window can say how long it tried
    (and decide to retry) without parsing the message.
    """

    def __init__(self, message: str, waited: float) -> None:
        super().__init__(message)
        self.waited = waited


def shown(path: object) -> str:
    """A path as it can be printed: bytes that are not UTF-8 become '�', never a crash.

    A file name from a USB stick written on another system may not decode;
    Python keeps such bytes as lone surrogates, which stdout refuses to encode.
    """
    text = os.fspath(path) if isinstance(path, os.PathLike) else str(path)
    if isinstance(text, bytes):
        return text.decode("utf-8", "replace")
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


_OS_REASONS = {
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EDQUOT: "your disk quota is used up; free some space and try again",
    errno.EFBIG: "the file is larger than the file system or your account allows",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENAMETOOLONG: "the name is too long for the file system; choose a shorter one",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder",
    errno.EILSEQ: "the name has characters the file system cannot store",
    errno.EIO: "the disk reported an error",
}


def describe_os_error(exc: OSError) -> str:
    """The reason an operating-system error gives, in words an officer can act on."""
    reason = _OS_REASONS.get(exc.errno or 0)
    if reason is not None:
        return reason
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)
