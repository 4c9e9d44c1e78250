"""The Excel return: the spreadsheet a PMO officer opens, filters, edits and sends back.

:func:`build_workbook` is pure (domain objects in, an openpyxl workbook out)
so the window can run it in a worker; :func:`export_return` loads the
programme, writes the file atomically and records the export.

The workbook is write-only (openpyxl's streaming mode): each row is written
out as it is appended, so a sheet's widths, panes and page setup come before
its first row and a row's height before the row. A normal workbook of
160,000 cells left that many objects in reference cycles, and collecting them
held the interpreter lock long enough to freeze the window (bench_window.py). The reader in
:mod:`fowdesk.exports.xlsx_import` reads the same columns back, from the same
list in :mod:`fowdesk.exports.xlsx_columns`.

Every text cell goes through :func:`safe_text` and is stored as text: an
officer's "=HYPERLINK(…)" stays words, never a formula.

Every export has a return ID (a UUID) on the Summary sheet and in the
workbook's custom document properties. :func:`export_return` records it with
the return's *base* (every cell of every data row as written), so the import
can tell an officer's edit from a value that merely went stale. Recording is
best-effort, like the export log: a database that cannot be written to still
exports, and says so in one line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
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

from fowdesk import paths
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
    KEY,
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
from fowdesk.exports.xlsx_rows import (
    SheetRows,
    cards_for_lead,
    milestone_values,
    recommendation_values,
    resolve_lead,
    return_base,
    return_sheets,
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
    "safe_text",
]

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
LEAD_CODES_NAME = "LeadCodes"

_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
#: Fonts name Calibri, the workbook's own: a Font() with no name prints in a serif face.
_FONT_NAME = "Calibri"
_BOLD = Font(name=_FONT_NAME, size=11, bold=True)
_TITLE = Font(name=_FONT_NAME, size=14, bold=True)
_ON_COLOUR = Font(name=_FONT_NAME, size=11, bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill(start_color="DCE6F1", end_color="DCE6F1", fill_type="solid")
_HEADER_HEIGHT = 30


#: Points per line of 11-point Calibri, and Excel's tallest row.
_LINE_HEIGHT = 15.0
_MAX_ROW_HEIGHT = 409.0

#: Calibri's advance widths as a share of its "0" (Excel's unit of column width).
#: DejaVu Sans, which LibreOffice uses when Calibri is absent, has much the same shape.
_LOWER_WIDTHS = {
    letter: width
    for width, letters in (
        (0.46, "il"),
        (0.48, "j"),
        (0.61, "f"),
        (0.67, "t"),
        (0.69, "r"),
        (0.78, "s"),
        (0.79, "z"),
        (0.84, "c"),
        (0.86, "x"),
        (0.9, "kvy"),
        (0.93, "g"),
        (0.95, "a"),
        (0.99, "e"),
        (1.04, "bdhnpqu"),
        (1.05, "o"),
        (1.42, "w"),
        (1.58, "m"),
    )
    for letter in letters
}
_NARROW = frozenset(".,:;'!|()[]{}•-")
#: Every estimate is widened by this much: a row a little too tall beats cut-off text.
_WIDTH_MARGIN = 1.06


@lru_cache(maxsize=65_536)
def _text_units(word: str) -> float:
    """How many "0"s wide a word prints in Calibri 11 (a slight over-estimate)."""
    units = 0.0
    for char in word:
        if char in _LOWER_WIDTHS:
            units += _LOWER_WIDTHS[char]
        elif char.isdigit():
            units += 1.0
        elif char in _NARROW:
            units += 0.55
        elif char in "MW":
            units += 1.75
        elif char.isupper():
            units += 1.18
        elif ord(char) >= 0x2E80:  # CJK and emoji are double width
            units += 2.0
        else:
            units += 1.0
    return units * _WIDTH_MARGIN


_SPACE_UNITS = 0.45 * _WIDTH_MARGIN


def wrapped_line_count(text: str, width: float) -> int:
    """Lines a text takes when wrapped at spaces in a column ``width`` characters wide."""
    available = max(width - 0.8, 2.0)  # Excel keeps a few pixels of padding
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            units = _text_units(word)
            if used and used + _SPACE_UNITS + units <= available:
                used += _SPACE_UNITS + units
                continue
            if used:
                lines += 1
            # A word wider than the column is broken wherever it reaches the edge.
            extra, used = divmod(units, available)
            lines += int(extra)
            if extra and not used:
                lines -= 1
                used = available
    return lines


def row_height(columns: Sequence[Column], row: Sequence[Any]) -> float:
    """A height that shows all of the row's wrapped text.

    Neither Excel nor LibreOffice fits rows to wrapped text when opening a
    file, so the writer estimates it from the column widths and the words,
    wrapped as a cell wraps them (a count of characters cuts off a narrow
    column's "May 2020 to August 2022").
    """
    lines = 1
    for column, value in zip(columns, row, strict=True):
        if column.hidden or not isinstance(value, str) or not value:
            continue
        lines = max(lines, wrapped_line_count(safe_text(value), column.width))
    return min(_MAX_ROW_HEIGHT, _LINE_HEIGHT * lines + 2)


_CENTRED = Alignment(horizontal="center", vertical="top")
_LEFT = Alignment(horizontal="left")
#: Letters, dates and counts sit centred (a right-aligned date runs into the next text).
_CENTRED_KINDS = frozenset({Kind.RAG, Kind.DATE, Kind.DATETIME, Kind.NUMBER})

#: Finished styles by (kind, number format), one dict per workbook (styles belong to it).
StyleCache = dict[tuple[Kind, str], Any]


def _value_cell(
    ws: WriteOnlyWorksheet, value: Any, kind: Kind, styles: StyleCache | None = None
) -> Cell | None:
    """One value as a styled write-only cell (None for a blank); ``styles`` makes it cheap."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = safe_text(value)
        number_format = "@"  # what an officer types here stays text ("May 2020" is no date)
    elif isinstance(value, datetime):
        number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        number_format = DATE_FORMAT
    else:
        number_format = "General"
    key = (kind, number_format)
    cached = styles.get(key) if styles is not None else None
    # A finished style is handed to the new cell whole (openpyxl copies the array) rather
    # than set format by format: 98,000 styled cells in a 1,000 × 10 return. A NamedStyle
    # per kind measured no faster and would put "fowdesk …" styles into Excel's Cell Styles
    # gallery. Covered by the format and alignment tests.
    cell = Cell(ws, row=1, column=1, style_array=cached)  # what WriteOnlyCell(ws) makes
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    if cached is not None:
        return cell
    cell.number_format = number_format
    if kind is Kind.LONG:
        cell.alignment = _WRAP
    elif kind in _CENTRED_KINDS:
        cell.alignment = _CENTRED
    else:
        cell.alignment = _TOP
    if styles is not None:
        styles[key] = copy(cell._style)
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
    cell = WriteOnlyCell(ws, value=safe_text(text))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _count_cell(ws: WriteOnlyWorksheet, count: int) -> Cell:
    cell = WriteOnlyCell(ws, value=count)
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
    """Drop the row heights of rows already streamed (openpyxl reads them only on append).

    Each points back at its sheet: kept, a 1,000 × 10 return's 11,800 of them
    were cyclic garbage that the collector traced for 40-50 ms once the export
    ended, while the window waited for the interpreter lock.
    """
    ws.row_dimensions.clear()


def _print_setup(ws: WriteOnlyWorksheet, *, title_rows: str | None = "1:1") -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.6
    # Header and footer sit inside the margins; at openpyxl's default (0.5") LibreOffice
    # leaves the footer no room and prints the page numbers invisibly.
    ws.page_margins.header = ws.page_margins.footer = 0.25
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "&A – page &P of &N"


def _header_cells(ws: WriteOnlyWorksheet, columns: Sequence[Column]) -> list[Cell]:
    header_alignment = Alignment(wrap_text=True, vertical="center")
    return [
        _text_cell(ws, column.header, font=_BOLD, fill=_HEADER_FILL, alignment=header_alignment)
        for column in columns
    ]


def _write_table(ws: WriteOnlyWorksheet, sheet: SheetRows, freeze: str) -> int:
    """Header, rows, an Excel table with filter buttons, widths; returns the last data row.

    The sheet streams: widths, frozen panes, fit-to-page and its size go out with
    the first row, and each row's height must be set before that row is appended.
    """
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        if column.hidden:
            ws.column_dimensions[letter].hidden = True
    ws.freeze_panes = freeze
    _print_setup(ws)
    _declare_size(ws, len(sheet.columns), len(sheet.rows) + 1)
    ws.row_dimensions[1].height = _HEADER_HEIGHT
    ws.append(_header_cells(ws, sheet.columns))
    styles: StyleCache = {}
    for row_number, row in enumerate(sheet.rows, start=2):
        ws.row_dimensions[row_number].height = row_height(sheet.columns, row)
        ws.append(
            [
                _value_cell(ws, value, column.kind, styles)
                for column, value in zip(sheet.columns, row, strict=True)
            ]
        )
    _forget_row_heights(ws)
    # A table needs a data row; an empty sheet gets one blank row to type into.
    last = max(len(sheet.rows) + 1, 2)
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
            colour = RAG_COLOURS[rag].lstrip("#")
            fill = PatternFill(start_color=colour, end_color=colour, fill_type="solid")
            ws.conditional_formatting.add(
                area,
                CellIsRule(
                    operator="equal",
                    formula=[f'"{rag.value}"'],
                    fill=fill,
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


def _summary(
    ws: WriteOnlyWorksheet,
    programme: Programme,
    cards: Sequence[Card],
    *,
    lead: str | None,
    author: str,
    exported_at: datetime,
    return_id: str | None,
) -> None:
    """The Summary, laid out as a list of rows and streamed once it is complete."""
    as_at = report_as_at(programme)
    period = programme.current_period
    for letter, column in zip("ABCDEF", OVERDUE_COLUMNS, strict=True):
        ws.column_dimensions[letter].width = column.width
    _print_setup(ws, title_rows=None)
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

    summary = summarise(programme, as_at, cards=cards)
    rags = summary.rag_counts
    rows.append([])
    rows.append(
        [
            _text_cell(ws, "Recommendations by RAG", font=_BOLD),
            _text_cell(ws, f"{len(cards)} recommendations", font=_BOLD),
        ]
    )
    for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE):
        colour = RAG_COLOURS[rag].lstrip("#")
        fill = PatternFill(start_color=colour, end_color=colour, fill_type="solid")
        label = _text_cell(ws, f"{rag.label} ({rag.value})", fill=fill, font=_ON_COLOUR)
        rows.append([label, _count_cell(ws, rags.get(rag, 0))])

    statuses = Counter(c.status for c in cards)
    rows += [[], [_text_cell(ws, "Recommendations by status", font=_BOLD)]]
    for status in CardStatus:
        rows.append([_text_cell(ws, str(status)), _count_cell(ws, statuses.get(status, 0))])

    milestone_statuses = Counter(m.status for c in cards for m in c.milestones)
    rows += [[], [_text_cell(ws, "Milestones by status", font=_BOLD)]]
    for milestone_status in MilestoneStatus:
        count = milestone_statuses.get(milestone_status, 0)
        rows.append([_text_cell(ws, str(milestone_status)), _count_cell(ws, count)])

    overdue = summary.overdue
    heading = f"Overdue milestones as at {as_at:%d/%m/%Y}: {len(overdue)}"
    rows += [[], [_text_cell(ws, heading, font=_BOLD)]]
    if overdue:
        header_row = len(rows) + 1
        ws.row_dimensions[header_row].height = _HEADER_HEIGHT
        rows.append(list(_header_cells(ws, OVERDUE_COLUMNS)))
        for item in overdue:
            milestone = item.milestone
            values = [
                item.card_ref,
                milestone.description,
                milestone.target,
                item.due_by,
                item.days,
                milestone.status,
            ]
            ws.row_dimensions[len(rows) + 1].height = row_height(OVERDUE_COLUMNS, values)
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

    # Write-only: rows stream to temporary files as they are appended, and no cell keeps a
    # reference to its sheet's cell table, so nothing is left for the cyclic collector.
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(SUMMARY)
    _summary(
        summary,
        programme,
        cards,
        lead=lead,
        author=author,
        exported_at=exported_at,
        return_id=return_id,
    )
    lasts: dict[str, int] = {}
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        freeze = "C2" if sheet.name in (RECOMMENDATIONS, MILESTONES) else "A2"
        lasts[sheet.name] = _write_table(ws, sheet, freeze)

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
        build_workbook(
            programme,
            source.changes,
            lead=lead,
            author=author,
            previous_rags=source.previous_rags,
            exported_at=exported_at,
            return_id=return_id,
            sheets=sheets,
        ).save(temporary)

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
