"""The report's three formats by name, for the command line and the File menu.

``pdf`` is the printed committee appendix; ``html`` the accessible version a
council publishes; ``docx`` the Word appendix a clerk puts in the agenda pack.
All three print the same :class:`~fowdesk.exports.report_model.ReportModel`.
Each renderer is imported only when its format is asked for, so the command
line does not load reportlab to write HTML, or python-docx to write a PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fowdesk.errors import InvalidInput

#: Format name → file extension.
EXTENSIONS = {"pdf": ".pdf", "html": ".html", "docx": ".docx"}


def report_exporter(kind: str) -> Callable[..., Path]:
    """The function that writes the report as ``kind`` and logs the export.

    Each takes ``(repo, output, *, code, period, appendix, card_ref, include_changes)``.
    """
    if kind == "pdf":
        from fowdesk.exports.pdf_report import export_report

        return export_report
    if kind == "html":
        from fowdesk.exports.html_report import export_html

        return export_html
    if kind == "docx":
        from fowdesk.exports.docx_report import export_docx

        return export_docx
    raise InvalidInput(f"no report format {kind!r} (use {', '.join(EXTENSIONS)})")
