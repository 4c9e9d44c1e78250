"""Print preview and printing of the PDF report.

PySide6-Essentials has QtPrintSupport but not QtPdf, so the report's pages are
rasterised with pypdfium2 (a maintained PDFium binding) and painted onto the
QPrinter page by page: the printout is the very PDF the committee gets.
"""

from __future__ import annotations

from collections.abc import Iterator

import pypdfium2
from PySide6.QtCore import QMarginsF, QRect, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

#: Enough for crisp text on paper without building huge images.
MAX_PRINT_DPI = 300
POINTS_PER_INCH = 72


def page_count(pdf: bytes) -> int:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def page_images(pdf: bytes, dpi: float) -> Iterator[QImage]:
    """Each page of ``pdf`` as a QImage at ``dpi`` (white background, no alpha)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=dpi / POINTS_PER_INCH, prefer_bgrx=True)
                try:
                    # BGRx bytes are QImage's RGB32 on little-endian machines.
                    image = QImage(
                        bitmap.buffer,
                        bitmap.width,
                        bitmap.height,
                        bitmap.stride,
                        QImage.Format.Format_RGB32,
                    ).copy()
                finally:
                    bitmap.close()
            finally:
                page.close()
            yield image
    finally:
        document.close()


def a4_landscape_printer(
    mode: QPrinter.PrinterMode = QPrinter.PrinterMode.HighResolution,
) -> QPrinter:
    """A printer set up as the report expects: A4, landscape, no extra margins."""
    printer = QPrinter(mode)
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(0, 0, 0, 0),
        )
    )
    printer.setFullPage(True)
    return printer


def paint_pdf(printer: QPrinter, pdf: bytes) -> int:
    """Paint every page of ``pdf`` onto ``printer``; returns the number of pages."""
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    pages = 0
    try:
        for image in page_images(pdf, dpi):
            if pages:
                printer.newPage()
            target: QRect = painter.viewport()
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(target.x(), target.y(), size.width(), size.height())
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(target)
            painter.setWindow(target)
            pages += 1
    finally:
        painter.end()
    return pages


def print_preview_dialog(parent: QWidget | None, pdf: bytes, title: str) -> QPrintPreviewDialog:
    """A print preview of the report; the caller shows it (``exec()`` or ``open()``)."""
    printer = a4_landscape_printer()
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview – {title}")
    dialog.paintRequested.connect(lambda target: paint_pdf(target, pdf))
    dialog.setAccessibleName("Print preview")
    dialog.resize(1100, 720)
    # Keep the printer alive as long as the dialog.
    dialog._printer = printer  # type: ignore[attr-defined]
    return dialog


def print_dialog(parent: QWidget | None, pdf: bytes, title: str) -> bool:
    """Ask for a printer and print the report; False if the officer cancelled."""
    printer = a4_landscape_printer()
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    return paint_pdf(printer, pdf) > 0
