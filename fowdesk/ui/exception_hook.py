"""A bug on the window's thread is logged, shown in one line, and the window lives on.

The bundled app has no console: without a hook, a traceback from a slot goes
to a stderr nobody sees. :func:`install_exception_hook` sends every uncaught
exception to the log (:mod:`fowdesk.logs`) and shows the one line with a
*Copy details* button (the traceback, for whoever fixes it); the window stays
open, since PySide carries on after a slot raises. A burst of errors (one per
repaint) shows one box, counting the rest.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from fowdesk import logs, paths
from fowdesk.errors import FowdeskError
from fowdesk.ui.text import sentence


def one_line(error: BaseException) -> str:
    """What the officer reads: a FowdeskError as it is, anything else as a bug."""
    if isinstance(error, FowdeskError):
        return str(error)
    text = str(error).splitlines()[0] if str(error) else ""
    return f"unexpected {type(error).__name__}" + (f": {text}" if text else "")


def open_log_folder() -> Path:
    """Show the log folder in the file manager (made first, so there is one to show)."""
    folder = paths.log_dir()
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
    return folder


class ErrorDialog(QDialog):
    """The one line, and the traceback behind a button that copies it."""

    def __init__(
        self, line: str, details: str, parent: QWidget | None = None, *, expected: bool = False
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("fowdesk: something went wrong")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(520)
        self.details = details
        self.more = 0
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        critical = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        icon.setPixmap(critical.pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        # A FowdeskError that reached the hook (the file locked past the wait, a disk
        # full) is a known fault the officer can act on, not a bug.
        self.heading = QLabel(
            "<b>fowdesk could not finish what you asked</b>"
            if expected
            else "<b>fowdesk ran into a problem it did not expect</b>"
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.line = line
        self._show_line()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy details")
        self.copy_button.setToolTip("Copy the technical details for whoever supports fowdesk")
        self.copy_button.clicked.connect(self.copy_details)
        self.log_button = QPushButton("Open &log folder")
        self.log_button.clicked.connect(open_log_folder)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.log_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        text = QVBoxLayout()
        text.addWidget(self.heading)
        text.addWidget(self.message)
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(icon)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(8)
        layout.addWidget(buttons)

    def _show_line(self) -> None:
        again = f"\n\n(and {self.more} more since)" if self.more else ""
        self.message.setText(
            f"{sentence(self.line)}\n\nThe window is still open and what you saved is in the file. "
            f"The details are in the log; “Copy details” puts them on the clipboard.{again}"
        )

    def another(self, details: str) -> None:
        self.more += 1
        self.details += "\n" + details
        self._show_line()

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("Copied")


class ExceptionHook:
    """``sys.excepthook`` for the window: log, show one line, carry on."""

    def __init__(self, parent: Callable[[], QWidget | None]) -> None:
        self._parent = parent
        self.dialog: ErrorDialog | None = None
        self._previous = sys.excepthook

    def __call__(
        self,
        exc_type: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous(exc_type, error, trace)
            return
        logs.logger.error("window: unexpected error", exc_info=(exc_type, error, trace))
        details = "".join(traceback.format_exception(exc_type, error, trace))
        if QApplication.instance() is None:
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.another(details)
            return
        self.dialog = ErrorDialog(
            one_line(error), details, self._parent(), expected=isinstance(error, FowdeskError)
        )
        self.dialog.destroyed.connect(self._forget)
        self.dialog.show()

    def _forget(self) -> None:
        self.dialog = None


def _log_thread_error(args: threading.ExceptHookArgs) -> None:
    """An uncaught error on a plain thread: logged (there is no window line to show it)."""
    if args.exc_type is not None and args.exc_value is not None:
        logs.logger.error(
            "thread %s: unexpected error",
            getattr(args.thread, "name", "?"),
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )


def install_exception_hook(parent: Callable[[], QWidget | None]) -> ExceptionHook:
    """Log to the user's log folder and show bugs in a box parented to ``parent()``."""
    logs.setup_logging()
    hook = ExceptionHook(parent)
    sys.excepthook = hook
    threading.excepthook = _log_thread_error
    # openpyxl's warnings and errors in finalisers: the log, not a stderr nobody reads.
    warnings.showwarning = logs.log_warning
    sys.unraisablehook = logs.log_unraisable
    return hook
