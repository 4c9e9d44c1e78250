"""Windows sized to the screen they open on, so a dialog never hangs off a laptop screen."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: The share of the screen's free area a window may take when it first opens.
SCREEN_SHARE = 0.92


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` × ``height``, or less where the screen is smaller.

    At 1366×768 with 125% scaling Qt sees a 1093×614 screen: a dialog asking
    for 1200×620 would open cut off at the bottom and the right.
    """
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        free = screen.availableGeometry()
        width = min(width, int(free.width() * SCREEN_SHARE))
        height = min(height, int(free.height() * SCREEN_SHARE))
    widget.resize(width, height)
