"""Dialogs shown for real and answered the way a person at the keyboard would.

``prompts.run_dialog`` (and the Publish confirmation) are replaced by a
stand-in that shows the dialog itself (not modal, so the test goes on),
hands it to the next script in line, and returns whether the script left it
accepted. A script types into the dialog's fields and presses its buttons;
a dialog that stays open (a problem shown in it) is the script's to check.
A dialog no script expected fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QWidget

from fowdesk.ui import prompts

Script = Callable[[Any], None]


class Answers:
    """The scripts that answer the next dialogs, in order, and the dialogs they met."""

    def __init__(self, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.qtbot = qtbot
        self.scripts: list[Script] = []
        self.shown: list[QDialog] = []
        monkeypatch.setattr(prompts, "run_dialog", self._run)
        monkeypatch.setattr(prompts, "confirm_publish", lambda _parent, dialog: self._run(dialog))

    def expect(self, script: Script) -> None:
        self.scripts.append(script)

    def _run(self, dialog: QDialog) -> bool:
        assert self.scripts, f"a dialog opened that the test did not expect: {dialog.windowTitle()}"
        script = self.scripts.pop(0)
        self.shown.append(dialog)
        dialog.show()
        self.qtbot.waitExposed(dialog)
        try:
            script(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()
        return dialog.result() == QDialog.DialogCode.Accepted


def type_into(qtbot: Any, edit: QLineEdit, text: str) -> None:
    """Click into a box, select what is there and type over it."""
    edit.setFocus()
    edit.selectAll()
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key.Key_Delete)


def press_ok(qtbot: Any, dialog: QWidget) -> None:
    """Click the dialog's OK-role button (whatever it is labelled)."""
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
