"""A strip across the top of a pane that says something the officer must not miss.

Used where one line of small text was too easy to overlook: a published
period whose narrative is closed, the window showing RAG as at today rather
than as at the report's date. It carries a sentence and, optionally, the one
button that deals with it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

#: Background and border of a banner: a pale amber that reads as "note this", not as an error.
BANNER_STYLE = (
    "Banner { background: #FFF4D6; border: 1px solid #C9A227; border-radius: 4px; }"
    " Banner QLabel { color: #1A1A1A; }"
)


class Banner(QFrame):
    """A sentence (and an optional button) on a pale amber strip; hidden until shown."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(accessible_name.replace(" ", "_").lower())
        self.setStyleSheet(BANNER_STYLE)
        self.setAccessibleName(accessible_name)
        self.label = QLabel()
        self.label.setAccessibleName(accessible_name)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        self.detail = QLabel()
        self.detail.setAccessibleName(f"{accessible_name}: details")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.hide()
        self.button = QPushButton()
        self.button.hide()
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.setSpacing(2)
        text.addWidget(self.label)
        text.addWidget(self.detail)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addLayout(text, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_message(self, text: str, button_text: str = "", detail: str = "") -> None:
        """Show ``text`` (and the button, labelled ``button_text``, when given)."""
        self.label.setText(text)
        self.setAccessibleDescription(f"{text} {detail}".strip())
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.button.setText(button_text)
        self.button.setAccessibleName(button_text.replace("&", "").replace("…", ""))
        self.button.setVisible(bool(button_text))
        self.show()

    def clear(self) -> None:
        self.hide()
        self.label.clear()
        self.detail.clear()
