"""The Excel return: the spreadsheet a PMO officer opens, filters, edits and sends back.

:func:`build_workbook` is pure (domain objects in, an openpyxl workbook out)
so the window can run it in a worker; :func:`export_return` loads the
programme, writes the file atomically and records the export.

The sheets: Instructions (how to fill it in, who to send it back to),
Summary (counts as live formulas over the data sheets), Recommendations and
Milestones (the data an officer edits), Changes and Key (lead codes in use,
statuses, the RAG rule). Columns an officer may edit are white; columns
fowdesk works out or keeps (and the hidden row IDs) are shaded grey, with a
comment on their heading saying why. Sheets are not protected: a protected
sheet stops an Excel table growing and Excel will not sort a range holding
locked cells; the import lists edits to grey columns as not taken instead.

The workbook is write-only (openpyxl's streaming mode): each row is written
out as it is appended, so a sheet's widths, panes and page setup come before
its first row. The data rows are laid out as XML by
:class:`~fowdesk.exports.xlsx_stream.RowStream`, every cell styled (blank
ones too, so what an officer types wraps), with estimated heights that
Excel and LibreOffice may fit again. A normal workbook of 160,000 cells left
that many objects in reference cycles, and collecting them held the
interpreter lock long enough to freeze the window (bench_window.py). The
reader in :mod:`fowdesk.exports.xlsx_import` reads the same columns back,
from the same list in :mod:`fowdesk.exports.xlsx_columns`.

Every text value is cleaned once, in :func:`~fowdesk.exports.xlsx_rows.return_sheets`,
and stored as text: an officer's "=HYPERLINK(…)" stays words, never a formula.

Every export has a return ID (a UUID) on the Summary sheet and in the
workbook's custom document properties. :func:`export_return` records it with
the return's *base* (every cell of every data row as written), so the import
can tell an officer's edit from a value that merely went stale. Recording is
best-effort, like the export log: a database that cannot be written to still
exports, and says so in one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Protocol
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from fowdesk import paths
from fowdesk.domain.change_set import short
from fowdesk.domain.changes import Change
from fowdesk.domain.model import (
    RAG_COLOURS,
    Card,
    CardStatus,
    MilestoneStatus,
    Programme,
    Rag,
    new_uuid,
)
from fowdesk.domain.periods import report_as_at
from fowdesk.domain.returns import ExportedReturn
from fowdesk.domain.summary import summarise
from fowdesk.errors import FowdeskError
from fowdesk.exports.files import write_atomically
from fowdesk.exports.xlsx_columns import (
    INSTRUCTIONS,
    KEY,
    KEY_COLUMNS,
    LONG_TEXT,
    MILESTONE_COLUMNS,
    MILESTONES,
    OVERDUE_COLUMNS,
    PROPERTY_EXPORTED,
    PROPERTY_LEAD,
    PROPERTY_PERIOD,
    PROPERTY_PROGRAMME,
    PROPERTY_RETURN_ID,
    RECOMMENDATION_COLUMNS,
    RECOMMENDATIONS,
    SPARE_ROWS,
    SUMMARY,
    SUMMARY_AS_AT,
    SUMMARY_CODE,
    SUMMARY_EXPORTED,
    SUMMARY_EXPORTED_BY,
    SUMMARY_LEAD,
    SUMMARY_PERIOD,
    SUMMARY_PROGRAMME,
    SUMMARY_RETURN_ID,
    TABLE_NAMES,
    Column,
    Kind,
    column_letter_map,
)
from fowdesk.exports.xlsx_guide import instructions, milestone_status_note, rag_rule_lines
from fowdesk.exports.xlsx_rows import (
    SheetRows,
    cards_for_lead,
    milestone_values,
    recommendation_values,
    resolve_lead,
    return_base,
    return_sheets,
)
from fowdesk.exports.xlsx_stream import (
    SMALLER_SIZES,
    ColumnStyles,
    PreparedRow,
    RowStream,
    height_for_lines,
    natural_height,
    row_height,
    row_layout,
    text_width,
    wrapped_line_count,
)
from fowdesk.exports.xlsx_values import safe_text

__all__ = [
    "SheetRows",
    "build_workbook",
    "cards_for_lead",
    "export_return",
    "milestone_values",
    "recommendation_values",
    "resolve_lead",
    "row_height",
    "safe_text",
    "wrapped_line_count",
]

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
LEAD_CODES_NAME = "LeadCodes"

#: Fonts name Calibri, the workbook's own: a Font() with no name prints in a serif face.
_FONT_NAME = "Calibri"
_BOLD = Font(name=_FONT_NAME, size=11, bold=True)
#: Headings are a point smaller, so narrow columns' headings break between words.
_HEADING = Font(name=_FONT_NAME, size=10, bold=True)
#: How much wider a bold 10-point heading prints than the estimate for regular 11-point text.
_HEADING_WIDTH = 1.2 * 10 / 11
_TITLE = Font(name=_FONT_NAME, size=14, bold=True)
_ON_COLOUR = Font(name=_FONT_NAME, size=11, bold=True, color="FFFFFF")


def _fill(colour: str) -> PatternFill:
    return PatternFill(start_color=colour, end_color=colour, fill_type="solid")


#: Headings of the columns an officer fills in, and of those fowdesk keeps (grey).
_HEADER_FILL = _fill("DCE6F1")
_READ_ONLY_HEADER_FILL = _fill("D0D0D0")
#: The cells of a read-only column: grey enough to see, light enough to print and read.
_READ_ONLY_FILL = _fill("EDEDED")
_HEADER_HEIGHT = 30.0

_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_CENTRED = Alignment(horizontal="center", vertical="top")
_LEFT = Alignment(horizontal="left", vertical="top")
#: Letters, dates and counts sit centred (a right-aligned date runs into the next text).
_CENTRED_KINDS = frozenset({Kind.RAG, Kind.DATE, Kind.DATETIME, Kind.NUMBER})
_BLANK_FORMATS = {Kind.DATE: DATE_FORMAT, Kind.DATETIME: DATETIME_FORMAT, Kind.NUMBER: "General"}

#: The widths of the Instructions sheet's two columns.
_GUIDE_WIDTHS = (24.0, 100.0)
#: Characters of the programme's title in a page footer (Excel allows 255 in all).
_FOOTER_TITLE = 80


def _styled(
    ws: WriteOnlyWorksheet,
    *,
    number_format: str = "General",
    alignment: Alignment | None = None,
    font: Font | None = None,
    fill: PatternFill | None = None,
) -> Cell:
    cell = Cell(ws, row=1, column=1)  # what WriteOnlyCell(ws) makes
    cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _column_styles(ws: WriteOnlyWorksheet, column: Column) -> ColumnStyles:
    """The style ids a column's cells take: top-aligned, text wrapped, grey if read-only."""
    alignment = _CENTRED if column.kind in _CENTRED_KINDS else _WRAP
    fill = _READ_ONLY_FILL if column.read_only else None

    def style(number_format: str, size: int | None = None) -> int:
        font = Font(name=_FONT_NAME, size=size) if size else None
        cell = _styled(ws, number_format=number_format, alignment=alignment, fill=fill, font=font)
        return int(cell.style_id)

    # What an officer types in a text column stays text ("May 2020" is no date); a date
    # column shows a date and time as its date.
    return ColumnStyles(
        text=style("@"),
        date=style(DATE_FORMAT),
        datetime=style(DATE_FORMAT if column.kind is Kind.DATE else DATETIME_FORMAT),
        number=style("General"),
        blank=style(_BLANK_FORMATS.get(column.kind, "@")),
        smaller={size: style("@", size) for size in SMALLER_SIZES},
    )


def _value_cell(ws: WriteOnlyWorksheet, value: Any, kind: Kind) -> Cell | None:
    """One value of the Summary as a styled write-only cell (None for a blank)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        number_format = "@"
    elif isinstance(value, datetime):
        number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        number_format = DATE_FORMAT
    else:
        number_format = "General"
    alignment = _CENTRED if kind in _CENTRED_KINDS else _WRAP
    cell = _styled(ws, number_format=number_format, alignment=alignment)
    cell.value = safe_text(value) if isinstance(value, str) else value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _text_cell(
    ws: WriteOnlyWorksheet,
    text: str,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
) -> Cell:
    """A label: always text (a programme titled "=…" is no formula), styled as given."""
    cell = _styled(ws, alignment=alignment, font=font, fill=fill)
    cell.value = safe_text(text)
    cell.data_type = "s"
    return cell


def _formula_cell(ws: WriteOnlyWorksheet, formula: str) -> Cell:
    """A live count: the Summary follows the officer's edits (the import never reads it)."""
    cell = WriteOnlyCell(ws, value=formula)
    cell.alignment = _LEFT
    return cell


def _declare_size(ws: WriteOnlyWorksheet, columns: int, rows: int) -> None:
    """Give a write-only sheet the <dimension> a normal one writes (readers size by it).

    openpyxl writes the element only if the sheet can calculate it, which a
    streamed sheet cannot; it asks before the first row goes out.
    """
    ref = f"A1:{get_column_letter(max(columns, 1))}{max(rows, 1)}"
    setattr(ws, "calculate_dimension", lambda: ref)  # noqa: B010 - not a method of this class


def _forget_row_heights(ws: WriteOnlyWorksheet) -> None:
    """Drop the row heights of rows already streamed (openpyxl reads them only on append)."""
    ws.row_dimensions.clear()


def _escaped(text: str) -> str:
    """Text for a page header or footer, where "&" starts a code ("&P" is the page number)."""
    return safe_text(text).replace("\n", " ").replace("&", "&&")


def footer_text(programme: Programme, return_id: str | None) -> str:
    """ "Programme – period (as at dd/mm/yyyy) – return 1a2b3c4d – page &P of &N"."""
    period = programme.current_period
    parts = [_escaped(short(programme.title, _FOOTER_TITLE))]
    if period is not None:
        as_at = report_as_at(programme)
        parts.append(f"{_escaped(period.label)} (as at {as_at:%d/%m/%Y})")
    if return_id:
        parts.append(f"return {_escaped(return_id[:8])}")
    return " – ".join([*parts, "page &P of &N"])


def _print_setup(
    ws: WriteOnlyWorksheet,
    footer: str,
    *,
    lead: str | None,
    title_rows: str | None = "1:1",
) -> None:
    """A4 landscape, fitted to the width; the heading row repeated; who and what in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.6
    # Header and footer sit inside the margins; at openpyxl's default (0.5") LibreOffice
    # leaves the footer no room and prints the page numbers invisibly.
    ws.page_margins.header = ws.page_margins.footer = 0.25
    if title_rows:
        ws.print_title_rows = title_rows
    for part in (ws.oddHeader.left, ws.oddFooter.center):
        part.font = f"{_FONT_NAME},Regular"
        part.size = 9
    ws.oddHeader.left.text = "&A" + (f" – lead {_escaped(lead)}" if lead else "")
    ws.oddFooter.center.text = footer


def _header_height(columns: Sequence[Column], widths: Sequence[float]) -> float:
    """Tall enough for every heading, wrapped in bold."""
    lines = max(
        wrapped_line_count(column.header, width / _HEADING_WIDTH)
        for column, width in zip(columns, widths, strict=True)
    )
    return max(_HEADER_HEIGHT, height_for_lines(lines))


def _heading_width(column: Column) -> float:
    """The narrowest a column can be with no word of its heading broken ("Slippag-e")."""
    return max(text_width(word) for word in column.header.split()) * _HEADING_WIDTH + 0.8


def _comment(column: Column) -> Comment:
    text = column.note[0].upper() + column.note[1:] + "."
    lines = wrapped_line_count(text, 34)
    return Comment(text, "fowdesk", height=max(60, 15 * lines + 10), width=230)


def _header_cells(ws: WriteOnlyWorksheet, columns: Sequence[Column]) -> list[Cell]:
    """Headings: blue for what an officer fills in, grey with a comment saying why for the rest."""
    alignment = Alignment(wrap_text=True, vertical="center")
    cells = []
    for column in columns:
        fill = _READ_ONLY_HEADER_FILL if column.read_only else _HEADER_FILL
        cell = _text_cell(ws, column.header, font=_HEADING, fill=fill, alignment=alignment)
        if column.read_only:
            cell.comment = _comment(column)
        cells.append(cell)
    return cells


def column_widths(sheet: SheetRows) -> list[float]:
    """Each column's width: a column no row fills gives its room to the others on paper,
    one holding long text widens, and none breaks a word of its heading."""
    widths = []
    for index, column in enumerate(sheet.columns):
        width = column.width
        if column.empty_width is not None or column.wide_width is not None:
            filled = [len(row[index]) for row in sheet.rows if isinstance(row[index], str)]
            filled = [length for length in filled if length]
            if not filled and column.empty_width is not None:
                width = column.empty_width
            elif filled and column.wide_width and sum(filled) / len(filled) > LONG_TEXT:
                width = column.wide_width
        widths.append(round(max(width, _heading_width(column)), 1))
    return widths


def _write_table(
    ws: WriteOnlyWorksheet,
    sheet: SheetRows,
    freeze: str,
    footer: str,
    *,
    lead: str | None,
    rows_after: int = 0,
) -> int:
    """Header, rows, an Excel table with filter buttons, widths; returns the last data row.

    The sheet streams: widths, frozen panes, fit-to-page and its size go out with
    the first row. ``rows_after`` is how many rows the caller appends below the table.
    """
    widths = column_widths(sheet)
    for index, (column, width) in enumerate(zip(sheet.columns, widths, strict=True), start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = width
        if column.hidden:
            ws.column_dimensions[letter].hidden = True
    ws.freeze_panes = freeze
    _print_setup(ws, footer, lead=lead)
    # A table needs a data row; an empty sheet gets one blank row to type into.
    rows = sheet.rows or [[None] * len(sheet.columns)]
    last = len(rows) + 1
    _declare_size(ws, len(sheet.columns), last + rows_after)
    ws.row_dimensions[1] = natural_height(_header_height(sheet.columns, widths))
    stream = RowStream(ws, [_column_styles(ws, column) for column in sheet.columns])
    headers = _header_cells(ws, sheet.columns)
    ws.append(headers)
    for cell in headers:  # written: a comment tied to its cell is a cycle for the collector
        if cell.comment is not None:
            cell.comment.unbind()
    for row in rows:
        ws.append(PreparedRow(row, row_layout(widths, sheet.columns, row)))
    del stream
    _forget_row_heights(ws)
    ref = f"A1:{get_column_letter(len(sheet.columns))}{last}"
    table = Table(displayName=TABLE_NAMES[sheet.name], ref=ref, autoFilter=AutoFilter(ref=ref))
    # A streamed sheet cannot read its header row back, so the table is told its columns.
    table.tableColumns = [
        TableColumn(id=index, name=column.header)
        for index, column in enumerate(sheet.columns, start=1)
    ]
    table.tableStyleInfo = TableStyleInfo(
        name="TableStyleLight9", showRowStripes=True, showColumnStripes=False
    )
    # ws.add_table would only add a warning that the columns must be given by hand.
    ws.tables.add(table)
    return last


def _rag_colours(ws: WriteOnlyWorksheet, columns: tuple[Column, ...], last: int) -> None:
    """RAG cells coloured by rule, so a PMO officer's own edit recolours too."""
    numbers = column_letter_map(columns)
    for column in columns:
        if column.kind is not Kind.RAG:
            continue
        letter = get_column_letter(numbers[column.key])
        area = f"{letter}2:{letter}{last + SPARE_ROWS}"
        for rag in Rag:
            ws.conditional_formatting.add(
                area,
                CellIsRule(
                    operator="equal",
                    formula=[f'"{rag.value}"'],
                    fill=_fill(RAG_COLOURS[rag].lstrip("#")),
                    font=_ON_COLOUR,
                ),
            )


def _list_validation(
    ws: WriteOnlyWorksheet,
    columns: tuple[Column, ...],
    key: str,
    choices: Sequence[str] | str,
    last: int,
    *,
    warn_only: bool = False,
    message: str = "",
) -> None:
    number = column_letter_map(columns)[key]
    letter = get_column_letter(number)
    formula = choices if isinstance(choices, str) else '"' + ",".join(choices) + '"'
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning" if warn_only else "stop",
        errorTitle=columns[number - 1].header,
        error=message,
    )
    ws.data_validations.append(validation)  # a write-only sheet has no add_data_validation
    validation.add(f"{letter}2:{letter}{last + SPARE_ROWS}")


def _rag_label(ws: WriteOnlyWorksheet, rag: Rag) -> Cell:
    fill = _fill(RAG_COLOURS[rag].lstrip("#"))
    return _text_cell(ws, f"{rag.label} ({rag.value})", fill=fill, font=_ON_COLOUR, alignment=_TOP)


def _column_range(sheet: str, columns: tuple[Column, ...], key: str) -> str:
    """A whole column by its heading's key: rows an officer adds or sorts stay counted."""
    letter = get_column_letter(column_letter_map(columns)[key])
    return f"{sheet}!${letter}:${letter}"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _rag_count_formula(rag: Rag) -> str:
    """Cards whose RAG override is this letter, or whose RAG is and that have no override."""
    rag_range = _column_range(RECOMMENDATIONS, RECOMMENDATION_COLUMNS, "rag")
    override = _column_range(RECOMMENDATIONS, RECOMMENDATION_COLUMNS, "rag_override")
    letter = _quoted(rag.value)
    return f'=COUNTIFS({override},{letter})+COUNTIFS({rag_range},{letter},{override},"")'


def _summary(
    ws: WriteOnlyWorksheet,
    programme: Programme,
    cards: Sequence[Card],
    footer: str,
    *,
    lead: str | None,
    author: str,
    exported_at: datetime,
    return_id: str | None,
) -> None:
    """The Summary, laid out as a list of rows and streamed once it is complete.

    The facts (label in column A, value in B) are what the import reads when a
    return has lost its document properties; the counts are formulas.
    """
    as_at = report_as_at(programme)
    period = programme.current_period
    for letter, column in zip("ABCDEF", OVERDUE_COLUMNS, strict=True):
        ws.column_dimensions[letter].width = column.width
    _print_setup(ws, footer, lead=lead, title_rows=None)
    rows: list[list[Cell | None]] = [
        [_text_cell(ws, f"{programme.title} – Excel return", font=_TITLE)],
        [],
    ]
    facts: list[tuple[str, Any]] = [
        (SUMMARY_PROGRAMME, programme.title),
        (SUMMARY_CODE, programme.code),
        (SUMMARY_PERIOD, period.label if period else ""),
        (SUMMARY_AS_AT, as_at),
    ]
    if lead:
        role = programme.lead_role(lead)
        facts.append((SUMMARY_LEAD, f"{lead} – {role}" if role else lead))
    facts += [(SUMMARY_EXPORTED, exported_at), (SUMMARY_EXPORTED_BY, author)]
    if return_id:
        facts.append((SUMMARY_RETURN_ID, return_id))
    for label, value in facts:
        fact = _value_cell(ws, value, Kind.TEXT) or WriteOnlyCell(ws)
        fact.alignment = _LEFT
        rows.append([_text_cell(ws, label, font=_BOLD), fact])

    count_refs = _column_range(RECOMMENDATIONS, RECOMMENDATION_COLUMNS, "ref")
    rows.append([])
    rows.append(
        [
            _text_cell(ws, "Recommendations by RAG", font=_BOLD),
            _formula_cell(ws, f'=(COUNTA({count_refs})-1)&" recommendations"'),
        ]
    )
    for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE):
        rows.append([_rag_label(ws, rag), _formula_cell(ws, _rag_count_formula(rag))])

    statuses = _column_range(RECOMMENDATIONS, RECOMMENDATION_COLUMNS, "status")
    rows += [[], [_text_cell(ws, "Recommendations by status", font=_BOLD)]]
    for status in CardStatus:
        formula = f"=COUNTIFS({statuses},{_quoted(str(status))})"
        rows.append([_text_cell(ws, str(status)), _formula_cell(ws, formula)])

    milestone_statuses = _column_range(MILESTONES, MILESTONE_COLUMNS, "status")
    rows += [[], [_text_cell(ws, "Milestones by status", font=_BOLD)]]
    for milestone_status in MilestoneStatus:
        formula = f"=COUNTIFS({milestone_statuses},{_quoted(str(milestone_status))})"
        rows.append([_text_cell(ws, str(milestone_status)), _formula_cell(ws, formula)])
    rows.append(
        [
            _text_cell(
                ws,
                "The counts above follow the Recommendations and Milestones sheets as you "
                "edit them; the overdue list below is as exported.",
                alignment=_TOP,
            )
        ]
    )

    overdue = summarise(programme, as_at, cards=cards).overdue
    heading = f"Overdue milestones as at {as_at:%d/%m/%Y}: {len(overdue)}"
    rows += [[], [_text_cell(ws, heading, font=_BOLD)]]
    if overdue:
        header_row = len(rows) + 1
        ws.row_dimensions[header_row] = natural_height(_HEADER_HEIGHT)
        rows.append(list(_header_cells(ws, OVERDUE_COLUMNS)))
        for item in overdue:
            milestone = item.milestone
            values = [
                item.card_ref,
                safe_text(milestone.description),
                safe_text(milestone.target),
                item.due_by,
                item.days,
                str(milestone.status),
            ]
            ws.row_dimensions[len(rows) + 1] = natural_height(row_height(OVERDUE_COLUMNS, values))
            rows.append(
                [
                    _value_cell(ws, value, column.kind)
                    for column, value in zip(OVERDUE_COLUMNS, values, strict=True)
                ]
            )
        # Printed over several pages, the overdue table keeps its header.
        ws.print_title_rows = f"{header_row}:{header_row}"
    _declare_size(ws, max(len(row) for row in rows), len(rows))
    for row in rows:
        ws.append(row)
    _forget_row_heights(ws)


def _guide_row(
    ws: WriteOnlyWorksheet,
    rows: list[list[Cell | None]],
    label: Cell | None,
    text: str,
) -> None:
    """Append a label and its wrapped text, with a height that shows the text whole."""
    lines = wrapped_line_count(safe_text(text), _GUIDE_WIDTHS[1]) if text else 1
    ws.row_dimensions[len(rows) + 1] = natural_height(height_for_lines(lines))
    rows.append([label, _text_cell(ws, text, alignment=_WRAP) if text else None])


def _instructions(
    ws: WriteOnlyWorksheet,
    programme: Programme,
    cards: Sequence[Card],
    footer: str,
    *,
    lead: str | None,
    author: str,
    exported_at: datetime,
    return_id: str | None,
) -> None:
    """How to fill the return in, first thing an officer sees (and prints)."""
    as_at = report_as_at(programme)
    period = programme.current_period
    for letter, width in zip("AB", _GUIDE_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    _print_setup(ws, footer, lead=lead, title_rows=None)
    title = f"{programme.title} – Excel return" + (f" for lead {lead}" if lead else "")
    rows: list[list[Cell | None]] = [[_text_cell(ws, title, font=_TITLE)]]
    if period is not None:
        rows.append([_text_cell(ws, f"{period.label} (as at {as_at:%d/%m/%Y})", font=_BOLD)])
    rows.append([])
    exported = f"{exported_at:%d/%m/%Y %H:%M}" + (f" by {author}" if author else "")
    guide = instructions(
        returns_to=programme.returns_to,
        return_id=return_id,
        exported=exported,
        lead=lead,
        cards=len(cards),
        milestones=sum(len(card.milestones) for card in cards),
    )
    for line in guide:
        if line.heading:
            rows.append([])
            rows.append([_text_cell(ws, line.label, font=_TITLE)])
            continue
        label = _text_cell(ws, line.label, font=_BOLD, alignment=_TOP)
        _guide_row(ws, rows, label, line.text)
    rows += [[], [_text_cell(ws, f"RAG, as at {as_at:%d/%m/%Y}", font=_TITLE)]]
    for rag, text in rag_rule_lines(as_at):
        _guide_row(ws, rows, _rag_label(ws, rag) if rag else None, text)
    _declare_size(ws, 2, len(rows))
    for row in rows:
        ws.append(row)
    _forget_row_heights(ws)


def _key_notes(ws: WriteOnlyWorksheet, as_at: date) -> list[tuple[list[Cell | None], float]]:
    """What the Key sheet says below its lead codes, with each row's height: the statuses
    and the RAG rule."""
    rows: list[tuple[list[Cell | None], int]] = []
    width = KEY_COLUMNS[1].width

    def heading(text: str) -> None:
        rows.append(([], 1))
        rows.append(([_text_cell(ws, text, font=_BOLD)], 1))

    def add(label: Cell | None, text: str) -> None:
        lines = wrapped_line_count(text, width) if text else 1
        rows.append(([label, _text_cell(ws, text, alignment=_WRAP) if text else None], lines))

    heading("Recommendation statuses")
    for status in CardStatus:
        add(_text_cell(ws, str(status), alignment=_TOP), "")
    heading("Milestone statuses")
    for milestone_status in MilestoneStatus:
        add(
            _text_cell(ws, str(milestone_status), alignment=_TOP),
            milestone_status_note(milestone_status),
        )
    heading(f"RAG, as at {as_at:%d/%m/%Y}")
    for rag, text in rag_rule_lines(as_at):
        add(_rag_label(ws, rag) if rag else None, text)
    return [(cells, height_for_lines(lines)) for cells, lines in rows]


def build_workbook(
    programme: Programme,
    changes: Iterable[Change],
    *,
    lead: str | None = None,
    author: str = "",
    previous_rags: dict[str, str] | None = None,
    exported_at: datetime | None = None,
    return_id: str | None = None,
    sheets: list[SheetRows] | None = None,
) -> Workbook:
    """The return as a write-only openpyxl workbook (no database): runs in a worker.

    Its rows are already streamed to openpyxl's temporary files; it can be saved
    once, and saving removes them. ``sheets`` are :func:`return_sheets`, when
    the caller has them already.
    """
    exported_at = exported_at or datetime.now().replace(microsecond=0)
    cards = cards_for_lead(programme, lead)
    if sheets is None:
        sheets = return_sheets(programme, changes, lead=lead, previous_rags=previous_rags)
    footer = footer_text(programme, return_id)

    # Write-only: rows stream to temporary files as they are appended, and no cell keeps a
    # reference to its sheet's cell table, so nothing is left for the cyclic collector.
    workbook = Workbook(write_only=True)
    # The counts on the Summary are formulas: Excel works them out on opening.
    workbook.calculation.fullCalcOnLoad = True
    for name, write in ((INSTRUCTIONS, _instructions), (SUMMARY, _summary)):
        write(
            workbook.create_sheet(name),
            programme,
            cards,
            footer,
            lead=lead,
            author=author,
            exported_at=exported_at,
            return_id=return_id,
        )
    lasts: dict[str, int] = {}
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        freeze = "C2" if sheet.name in (RECOMMENDATIONS, MILESTONES) else "A2"
        if sheet.name == KEY:
            notes = _key_notes(ws, report_as_at(programme))
            lasts[KEY] = _write_table(ws, sheet, freeze, footer, lead=lead, rows_after=len(notes))
            for number, (_, height) in enumerate(notes, start=lasts[KEY] + 1):
                ws.row_dimensions[number] = natural_height(height)
            for cells, _ in notes:
                ws.append(cells)
            _forget_row_heights(ws)
        else:
            lasts[sheet.name] = _write_table(ws, sheet, freeze, footer, lead=lead)

    key_last = len(programme.lead_key) + 1
    if programme.lead_key:
        workbook.defined_names[LEAD_CODES_NAME] = DefinedName(
            LEAD_CODES_NAME, attr_text=f"{KEY}!$A$2:$A${key_last}"
        )
    recs = workbook[RECOMMENDATIONS]
    last = lasts[RECOMMENDATIONS]
    _list_validation(
        recs,
        RECOMMENDATION_COLUMNS,
        "status",
        [str(s) for s in CardStatus],
        last,
        message="Choose a status from the list.",
    )
    _list_validation(
        recs,
        RECOMMENDATION_COLUMNS,
        "rag_override",
        [r.value for r in Rag],
        last,
        message="R, A, G or C (or leave blank); give the reason in Override reason.",
    )
    if programme.lead_key:
        _list_validation(
            recs,
            RECOMMENDATION_COLUMNS,
            "lead",
            LEAD_CODES_NAME,
            last,
            warn_only=True,
            message="Not a code in the Key sheet. Several leads are written EDT/SSM.",
        )
    _rag_colours(recs, RECOMMENDATION_COLUMNS, last)

    milestones = workbook[MILESTONES]
    last = lasts[MILESTONES]
    _list_validation(
        milestones,
        MILESTONE_COLUMNS,
        "status",
        [str(s) for s in MilestoneStatus],
        last,
        message="Choose a status from the list.",
    )
    _rag_colours(milestones, MILESTONE_COLUMNS, last)

    period = programme.current_period
    properties = workbook.properties
    properties.title = safe_text(
        f"{programme.title} – Excel return – {period.label if period else ''}".strip(" –")
    )
    properties.subject = f"fowdesk return {programme.code}" + (f" {lead}" if lead else "")
    properties.creator = author or "fowdesk"
    properties.lastModifiedBy = author or "fowdesk"
    properties.created = exported_at
    properties.modified = exported_at
    properties.keywords = "fowdesk return"
    if return_id:
        custom = {
            PROPERTY_RETURN_ID: return_id,
            PROPERTY_PROGRAMME: programme.code,
            PROPERTY_PERIOD: period.label if period else "",
            PROPERTY_LEAD: lead or "",
            PROPERTY_EXPORTED: exported_at.isoformat(),
        }
        for name, value in custom.items():
            workbook.custom_doc_props.append(StringProperty(name=name, value=safe_text(value)))
    return workbook


def save_workbook(workbook: Workbook, target: Path | IO[bytes]) -> None:
    """Save as openpyxl does, compressing quickly (zlib level 1, not 6).

    Compressing the sheets' XML was a fifth of a large export's time; level 1
    takes a third as long for a file about a quarter larger (bench_excel.py).
    """
    with ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1) as archive:
        ExcelWriter(workbook, archive).save()


def default_return_name(programme: Programme, lead: str | None) -> str:
    as_at = report_as_at(programme)
    suffix = f" {lead}" if lead else ""
    name = f"{programme.code} return {as_at:%Y-%m-%d}{suffix}.xlsx"
    return windows_safe_name(name)


def windows_safe_name(name: str) -> str:
    """A file name Windows accepts: its forbidden characters (and control characters) as "-"."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "-", name)


class ReturnExporter(Protocol):
    """What exporting a return needs of the repository: reads, and the record it keeps."""

    user: str

    def load_programme(self, code: str | None = None) -> Programme: ...

    def latest_published_snapshot(self, code: str | None) -> dict[str, Any] | None: ...

    def changes_since_last_report(self, code: str | None) -> list[Change]: ...

    def record_return(self, record: ExportedReturn) -> bool: ...


@dataclass(frozen=True)
class ReturnSource:
    """What a programme's returns are made from, read once: a round writes one per lead."""

    programme: Programme
    changes: list[Change]
    #: Each card's RAG in the last published period, by card ID.
    previous_rags: dict[str, str]


def return_source(repo: ReturnExporter, code: str | None = None) -> ReturnSource:
    programme = repo.load_programme(code)
    snapshot = repo.latest_published_snapshot(programme.code)
    previous = (
        {item["uuid"]: item.get("rag") or "" for item in snapshot["items"]} if snapshot else {}
    )
    return ReturnSource(programme, repo.changes_since_last_report(programme.code), previous)


def write_return(
    source: ReturnSource, target: Path, *, lead: str | None, author: str
) -> ExportedReturn:
    """Write one return (all cards, or one lead's) with a new return ID, atomically.

    Returns the record to keep (the caller keeps it: :meth:`record_return`).
    """
    programme = source.programme
    sheets = return_sheets(programme, source.changes, lead=lead, previous_rags=source.previous_rags)
    return_id = new_uuid()
    exported_at = datetime.now().replace(microsecond=0)

    def build_and_save(temporary: Path) -> None:
        # Built only once the target can be written: a write-only workbook that is
        # never saved leaves temporary sheet files and half-run writers behind.
        workbook = build_workbook(
            programme,
            source.changes,
            lead=lead,
            author=author,
            previous_rags=source.previous_rags,
            exported_at=exported_at,
            return_id=return_id,
            sheets=sheets,
        )
        save_workbook(workbook, temporary)

    write_atomically(target, build_and_save)
    period = programme.current_period
    return ExportedReturn(
        return_id=return_id,
        programme_code=programme.code,
        period_label=period.label if period else "",
        lead=lead,
        exported_at=exported_at,
        exported_by=author,
        filename=target.name,
        base=return_base(sheets),
    )


def export_return(
    repo: ReturnExporter,
    output: Path | None,
    *,
    code: str | None = None,
    lead: str | None = None,
) -> Path:
    """Write the programme's return (or one lead's) with a new return ID, and record it.

    The record (the return's base and the export log) is best-effort: when the
    database cannot take it, the file is still written and the repository keeps
    one line saying so (``repo.unrecorded``).
    """
    source = return_source(repo, code)
    programme = source.programme
    lead_code = resolve_lead(programme, lead)
    if output is None:
        folder = paths.default_exports_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FowdeskError(f"cannot create the exports folder {folder}: {exc}") from None
        target = folder / default_return_name(programme, lead_code)
    else:
        target = Path(output)
    repo.record_return(write_return(source, target, lead=lead_code, author=repo.user))
    return target
