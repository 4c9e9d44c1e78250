"""Everything that stops and waits for a person: one module, so tests answer it.

Each function here blocks until the officer answers (a modal dialog, a
message box, the print dialog) or hands over to another program (a file
opened in the desktop's own application). The window and the workflow call them through
this module (``prompts.run_dialog(...)``), so a test replaces them with
``monkeypatch.setattr(prompts, ...)`` and no dialog is ever left open on a run.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from fowdesk.ui import printing
from fowdesk.ui.text import sentence


def ask_open_exported(parent: QWidget, path: Path) -> str:
    """Offer to open an exported file: returns "file", "folder" or ""."""
    box = QMessageBox(parent)
    box.setWindowTitle("Export finished")
    box.setText(f"Saved {path.name}")
    box.setInformativeText(str(path.parent))
    open_file = box.addButton("Open file", QMessageBox.ButtonRole.AcceptRole)
    open_folder = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    clicked = box.clickedButton()
    if clicked is open_file:
        return "file"
    if clicked is open_folder:
        return "folder"
    return ""


def show_error(parent: QWidget | None, message: str) -> None:
    """The same one clear line the command line prints, written as a sentence."""
    QMessageBox.warning(parent, "fowdesk", sentence(message))


def show_info(parent: QWidget, title: str, message: str) -> None:
    QMessageBox.information(parent, title, sentence(message))


def show_about(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.about(parent, title, text)


def open_path(path: Path) -> None:
    """Open a file or folder in the desktop's own application (a file manager, Excel)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def run_dialog(dialog: QDialog) -> bool:
    """Show a modal dialog; True when the officer accepted it."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def confirm_publish(parent: QWidget | None, dialog: QDialog) -> bool:
    """The Publish dialog (options, warnings) before freezing; True to publish.

    ``parent`` is the dialog's window, kept so a test's stand-in can say yes
    or no without building anything.
    """
    return run_dialog(dialog)


def show_print_preview(parent: QWidget, pdf: bytes, title: str) -> None:
    printing.print_preview_dialog(parent, pdf, title).exec()


def print_report(parent: QWidget, pdf: bytes, title: str) -> bool:
    return printing.print_dialog(parent, pdf, title)
