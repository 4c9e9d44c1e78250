"""A menu of tick boxes that stays open while several are ticked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QMenu


class TickMenu(QMenu):
    """A menu of tick boxes that stays open while the officer ticks several (the leads).

    A click, Space or Enter on a tick box toggles it and leaves the menu open;
    Escape, a click elsewhere or the "Done" entry closes it.
    """

    def _tick(self, action: QAction | None) -> bool:
        if action is None or not action.isCheckable() or not action.isEnabled():
            return False
        action.trigger()
        return True

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self._tick(self.actionAt(event.position().toPoint())):
            super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if not (event.key() in keys and self._tick(self.activeAction())):
            super().keyPressEvent(event)
