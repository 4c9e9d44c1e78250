"""A push button whose access key acts at once."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QPushButton


class ImmediateButton(QPushButton):
    """Alt+letter clicks this button there and then.

    Qt's own buttons answer their access key with an animated click that
    fires 100 ms later, so a key typed straight after (Alt+C, then Down to the
    next row) lands first and the click acts on the wrong row. This one clicks
    before the next key is read.
    """

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut and self.isEnabled():
            self.click()
            return True
        return super().event(event)
