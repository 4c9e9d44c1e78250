"""The log: tracebacks of bugs, warnings and worker failures, never shown on stderr.

One rotating file in the user's log folder (:func:`fowdesk.paths.log_dir`),
shared by the command line and the window. An officer sees one line; the
log keeps the details for whoever fixes it. Logging never fails a command:
a log folder that cannot be written simply means no log.
"""

from __future__ import annotations

import gc
import logging
import logging.handlers
import sys
import warnings
from pathlib import Path
from typing import Any, TextIO

from fowdesk import __version__, paths

LOG_NAME = "fowdesk.log"
MAX_BYTES = 1_000_000
KEEP_FILES = 3

logger = logging.getLogger("fowdesk")
# Until setup_logging() gives it a file, nothing: never Python's last-resort stderr.
logger.addHandler(logging.NullHandler())
logger.propagate = False


class _QuietRotatingHandler(logging.handlers.RotatingFileHandler):
    """A rotating file that stays silent if the disk fills or the folder goes read-only."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def log_file() -> Path:
    return paths.log_dir() / LOG_NAME


def setup_logging() -> Path | None:
    """Send the ``fowdesk`` logger to the rotating log file; the file, or None if unwritable."""
    target = log_file()
    for handler in logger.handlers:
        if isinstance(handler, _QuietRotatingHandler):
            if Path(handler.baseFilename) == target:
                return target
            logger.removeHandler(handler)
            handler.close()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler = _QuietRotatingHandler(
            target, maxBytes=MAX_BYTES, backupCount=KEEP_FILES, encoding="utf-8", delay=True
        )
    except OSError:
        return None
    handler.setFormatter(
        logging.Formatter(f"%(asctime)s fowdesk {__version__} %(levelname)s %(message)s")
    )
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return target


def log_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """``warnings.showwarning`` for fowdesk: into the log, not onto stderr.

    openpyxl and lxml warn about things in a workbook an officer cannot act
    on (an unknown extension, a data validation it drops).
    """
    logger.warning("%s:%s: %s: %s", filename, lineno, category.__name__, message)


def log_unraisable(unraisable: Any) -> None:
    """``sys.unraisablehook`` for fowdesk: an error in a finaliser goes to the log.

    openpyxl's read-only sheets are generators; one closed while it was
    raising prints "Exception ignored in: <generator …>" otherwise.
    """
    logger.warning(
        "ignored in %r",
        unraisable.object,
        exc_info=(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback),
    )


class quiet_stderr:
    """Within the block, warnings and unraisable errors go to the log, not stderr."""

    def __enter__(self) -> None:
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("default")
        warnings.showwarning = log_warning
        self._unraisable = sys.unraisablehook
        sys.unraisablehook = log_unraisable

    def __exit__(self, *exc_info: object) -> None:
        # Generators left half-read are finalised now, while the hook still logs.
        gc.collect()
        sys.unraisablehook = self._unraisable
        self._warnings.__exit__(None, None, None)
