"""The application icon: a report card with a RAG stripe, drawn once with QPainter.

``python -m fowdesk.ui.icon`` writes ``resources/icons/fowdesk.png`` and
``fowdesk.ico`` (for the Windows bundle); the window loads the PNG, and draws
the icon itself if the file is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPixmap

from fowdesk import paths
from fowdesk.domain.model import RAG_COLOURS, Rag

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw_app_icon(size: int = 256) -> QImage:
    """A white report sheet on council blue, three RAG bars down its side."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#1F4E79"))
    painter.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 40 * s, 40 * s)
    painter.setBrush(QColor("#FFFFFF"))
    painter.drawRoundedRect(QRectF(52 * s, 36 * s, 152 * s, 184 * s), 12 * s, 12 * s)
    for number, rag in enumerate((Rag.GREEN, Rag.AMBER, Rag.RED)):
        top = (64 + number * 48) * s
        painter.setBrush(QColor(RAG_COLOURS[rag]))
        painter.drawRoundedRect(QRectF(72 * s, top, 28 * s, 28 * s), 6 * s, 6 * s)
        painter.setBrush(QColor("#9DB3C8"))
        painter.drawRoundedRect(QRectF(112 * s, top + 8 * s, 72 * s, 12 * s), 4 * s, 4 * s)
    if size >= 48:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(16 * s))
        painter.setFont(font)
        painter.setPen(QColor("#FFFFFF"))
        for number, rag in enumerate((Rag.GREEN, Rag.AMBER, Rag.RED)):
            top = (64 + number * 48) * s
            painter.drawText(
                QRectF(72 * s, top, 28 * s, 28 * s), Qt.AlignmentFlag.AlignCenter, rag.value
            )
    painter.end()
    return image


def app_icon() -> QIcon:
    """The icon from resources, or drawn now if the file is missing."""
    icon = QIcon()
    try:
        png = paths.resource("icons", "fowdesk.png")
    except FileNotFoundError:
        png = None
    if png is not None and png.is_file():
        icon.addFile(str(png))
        return icon
    for size in ICON_SIZES:
        icon.addPixmap(QPixmap.fromImage(draw_app_icon(size)))
    return icon


def write_icon_files(folder: Path) -> list[Path]:
    """Write fowdesk.png (256 px) and fowdesk.ico (sizes 16–256) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / "fowdesk.png"
    ico = folder / "fowdesk.ico"
    if not draw_app_icon(256).save(str(png), "PNG"):
        raise OSError(f"could not write {png}")
    # Qt's ICO writer stores one image; Pillow (when present) stores every size.
    try:
        from PIL import Image

        Image.open(png).save(ico, sizes=[(n, n) for n in ICON_SIZES])
    except ImportError:
        if not draw_app_icon(256).save(str(ico), "ICO"):
            raise OSError(f"could not write {ico}") from None
    return [png, ico]


if __name__ == "__main__":
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv)
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("resources/icons")
    for written in write_icon_files(target):
        print(written)
