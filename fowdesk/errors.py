"""Errors a user can act on, as opposed to bugs.

Anything raised as a :class:`FowdeskError` is shown as one line
(``fowdesk: error: …`` on the command line, a message box in the window) and
leaves the database and the user's files as they were. Anything else is a bug
and is allowed to crash loudly.
"""

from __future__ import annotations


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
