"""Rows streamed into a write-only sheet as XML the return builds itself, and their heights.

openpyxl's write-only mode turns every appended value into a ``Cell``, asks
each for its coordinate, type and style, and writes it element by element:
about 11 µs a cell, most of a 1,000 × 10 return's export. The data sheets'
rows are all alike (a column's cells share a handful of styles), so
:class:`RowStream` lays a row out as one ``<row>`` element from its values and
the column's style ids, and hands it to the sheet's own XML stream. Headers,
comments, tables, validations and everything else still go through openpyxl.

Heights: neither Excel nor LibreOffice fits a row to wrapped text when it
opens a file, so the writer estimates each row's height from its words and
the column widths (:func:`row_height`). The height is written *without*
``customHeight`` (openpyxl always adds it to a height), so it counts as the
row's natural height: the first print shows every line, and Excel and
LibreOffice fit the row again when an officer edits a cell in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from lxml.etree import fromstring
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fowdesk.exports.xlsx_columns import Column

#: Points per line of 11-point Calibri, and Excel's tallest row.
LINE_HEIGHT = 15.0
MAX_ROW_HEIGHT = 409.0

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
#: The widest a character is estimated (a capital M or W, or CJK): text this many times
#: its length that still fits the column is one line, without measuring its words.
_WIDEST = 2.0 * _WIDTH_MARGIN


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


def text_width(text: str) -> float:
    """How many "0"s wide one line of text prints in Calibri 11 (a slight over-estimate)."""
    words = text.split(" ")
    return sum(_text_units(word) for word in words) + _SPACE_UNITS * (len(words) - 1)


@lru_cache(maxsize=4096)  # a recommendation's title is on each of its milestones' rows
def wrapped_line_count(text: str, width: float) -> int:
    """Lines a text takes when wrapped at spaces in a column ``width`` characters wide."""
    available = max(width - 0.8, 2.0)  # Excel keeps a few pixels of padding
    if "\n" not in text and len(text) * _WIDEST <= available:
        return 1
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        if len(paragraph) * _WIDEST <= available:
            continue
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


def height_for_lines(lines: int, size: int = 11) -> float:
    """Points for ``lines`` lines of Calibri at ``size`` points (Excel's tallest row at most)."""
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * size / 11 * lines + 2)


#: Smaller sizes, tried in turn, for a cell whose text would not fit Excel's tallest row:
#: a long narrative prints whole in smaller type rather than cut off at the row's foot.
SMALLER_SIZES = (9, 8, 7)


class RowLayout:
    """A row's height, and the columns (by index) whose text is set smaller to fit it."""

    __slots__ = ("height", "smaller")

    def __init__(self, height: float, smaller: dict[int, int] | None = None) -> None:
        self.height = height
        self.smaller = smaller or {}


def row_layout(widths: Sequence[float], columns: Sequence[Column], row: Sequence[Any]) -> RowLayout:
    """The row's height from its wrapped text, in the widths the sheet has.

    A cell that would need more than Excel's tallest row (409 points) gets the
    largest smaller size at which it fits, so nothing is cut off on screen or paper.
    """
    lines = [
        1
        if column.hidden or not isinstance(value, str) or not value
        else wrapped_line_count(value, width)
        for width, column, value in zip(widths, columns, row, strict=True)
    ]
    tallest = max(lines, default=1)
    if LINE_HEIGHT * tallest + 2 <= MAX_ROW_HEIGHT:
        return RowLayout(height_for_lines(tallest))
    smaller: dict[int, int] = {}
    needed = 0.0
    for index, count in enumerate(lines):
        height = LINE_HEIGHT * count + 2
        if height > MAX_ROW_HEIGHT:
            text, width = row[index], widths[index]
            for size in SMALLER_SIZES:
                height = LINE_HEIGHT * size / 11 * wrapped_line_count(text, width * 11 / size) + 2
                if height <= MAX_ROW_HEIGHT:
                    break
            smaller[index] = size
        needed = max(needed, height)
    return RowLayout(min(MAX_ROW_HEIGHT, needed), smaller)


def row_height(columns: Sequence[Column], row: Sequence[Any]) -> float:
    """A height that shows all of the row's wrapped text (clean text: see ``xlsx_rows``).

    Estimated from the column widths and the words, wrapped as a cell wraps
    them (a count of characters cuts off a narrow column's "May 2020 to August 2022").
    """
    return row_layout(tuple(column.width for column in columns), columns, row).height


def natural_height(height: float) -> dict[str, str]:
    """A row's attributes with its height and no ``customHeight``: Excel and LibreOffice
    fit the row again when it is edited.

    openpyxl writes a row's ``row_dimensions`` entry as the row's attributes;
    its own ``RowDimension`` always adds ``customHeight="1"`` to a height.
    """
    return {"ht": f"{height:g}"}


class ColumnStyles:
    """The style ids one column's cells take, by what the cell holds (and text's smaller sizes)."""

    __slots__ = ("blank", "date", "datetime", "number", "smaller", "text")

    def __init__(
        self,
        *,
        text: int,
        date: int,
        datetime: int,
        number: int,
        blank: int,
        smaller: dict[int, int] | None = None,
    ) -> None:
        self.text = str(text)
        self.date = str(date)
        self.datetime = str(datetime)
        self.number = str(number)
        self.blank = str(blank)
        self.smaller = {size: str(style) for size, style in (smaller or {}).items()}


class PreparedRow(tuple[Any, ...]):
    """A data row's values and layout, written by :class:`RowStream` as one element."""

    layout: RowLayout

    def __new__(cls, values: Sequence[Any], layout: RowLayout) -> PreparedRow:
        row = super().__new__(cls, values)
        row.layout = layout
        return row


_PRESERVE = ' xml:space="preserve">'


def _escaped(text: str) -> str:
    """Text as XML character data (clean text holds no character XML cannot)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@lru_cache(maxsize=8192)
def _serial(value: date, epoch: datetime) -> str:
    """A date as Excel's day number (due dates repeat: each is worked out once)."""
    return repr(to_excel(value, epoch))


class _CellXml:
    """The fixed parts of one column's cell elements, so a row is joined from strings."""

    __slots__ = ("blank", "date", "datetime", "number", "open", "smaller", "text")

    def __init__(self, letter: str, styles: ColumnStyles) -> None:
        self.open = f'<c r="{letter}'
        self.blank = f'" s="{styles.blank}"/>'
        self.text = f'" s="{styles.text}" t="inlineStr"><is><t'
        self.smaller = {
            size: f'" s="{style}" t="inlineStr"><is><t' for size, style in styles.smaller.items()
        }
        self.date = f'" s="{styles.date}" t="n"><v>'
        self.datetime = f'" s="{styles.datetime}" t="n"><v>'
        self.number = f'" s="{styles.number}" t="n"><v>'


class RowStream:
    """Writes :class:`PreparedRow` rows of one write-only sheet straight into its XML.

    Installed once the sheet's widths, panes and page setup are set (they are
    written out here); rows that are not prepared (the header with its
    comments) still go through openpyxl. Every cell of a prepared row is
    written, blank or not, so the cells officers type into are wrapped and
    formatted as text before anything is typed.
    """

    def __init__(self, ws: WriteOnlyWorksheet, styles: Sequence[ColumnStyles]) -> None:
        self.cells = tuple(
            _CellXml(get_column_letter(number), column)
            for number, column in enumerate(styles, start=1)
        )
        self.epoch = ws.parent.epoch
        # The two hooks of openpyxl's write-only stream (3.1): how appended values become
        # cells, and how a row of cells is written. Prepared rows skip both.
        values_to_row = ws._values_to_row
        ws._get_writer()
        write_row = ws._writer.write_row

        def prepared_or_cells(values: Any, row_idx: int) -> Any:
            return values if isinstance(values, PreparedRow) else values_to_row(values, row_idx)

        def write(xf: Any, row: Any, row_idx: int) -> None:
            if isinstance(row, PreparedRow):
                xf.write(self.element(row, row_idx))
            else:
                write_row(xf, row, row_idx)

        ws._values_to_row = prepared_or_cells
        ws._writer.write_row = write

    def element(self, row: PreparedRow, row_idx: int) -> Any:
        """The row as one element, parsed from its XML (twice as quick as building it)."""
        number = str(row_idx)
        layout = row.layout
        parts = [f'<row r="{number}" ht="{layout.height:g}">']
        add = parts.append
        smaller = layout.smaller
        for index, (cell, value) in enumerate(zip(self.cells, row, strict=True)):
            if value is None or value == "":
                add(f"{cell.open}{number}{cell.blank}")
            elif isinstance(value, str):
                style = cell.smaller[smaller[index]] if index in smaller else cell.text
                # Spaces at either end are kept only when the cell says so.
                space = _PRESERVE if value[0].isspace() or value[-1].isspace() else ">"
                add(f"{cell.open}{number}{style}{space}{_escaped(value)}</t></is></c>")
            elif isinstance(value, datetime):
                add(f"{cell.open}{number}{cell.datetime}{_serial(value, self.epoch)}</v></c>")
            elif isinstance(value, date):
                add(f"{cell.open}{number}{cell.date}{_serial(value, self.epoch)}</v></c>")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                add(f"{cell.open}{number}{cell.number}{value!r}</v></c>")
            else:
                raise TypeError(f"a return cell cannot hold {type(value).__name__}: {value!r}")
        add("</row>")
        return fromstring("".join(parts))
