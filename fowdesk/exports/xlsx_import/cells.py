"""Reading a return's cells straight from the sheet XML, in one streaming pass per sheet.

Each data sheet is read once with lxml's ``iterparse`` and the shared
strings: a cell's formula (``<f>``) and the value the spreadsheet saved with
it (``<v>``) arrive together, so a formula imports as what the officer saw,
and a formula saved by a program that does not calculate (no ``<v>``) is
named as a cell to fix rather than read as blank. openpyxl cannot tell the
two apart and takes seconds over a 1,000-card return; this takes a fraction.

Sheets are found by name, or, when an officer renamed one ("Milestones
(SSM)"), by the name of the Excel table on it. Columns are found by header,
in any order. The Summary sheet is read only for a return's ID, and only when
the workbook's custom properties do not carry it.
"""

from __future__ import annotations

import io
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from lxml import etree

from fowdesk.errors import InvalidInput
from fowdesk.exports.xlsx_columns import (
    COLUMNS,
    MILESTONES,
    RECOMMENDATIONS,
    REQUIRED_SHEETS,
    SUMMARY,
    TABLE_NAMES,
    Column,
    Kind,
    header_key,
)
from fowdesk.exports.xlsx_import.container import XlsxPackage


class NotAReturn(InvalidInput):
    """A sound workbook with nothing of a return in it: no data sheet, table or return ID."""


#: A cell's value as the spreadsheet saved it.
CellValue = str | float | bool | datetime | None

_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
#: Headers are looked for in the first rows of a sheet that has no Excel table.
_HEADER_SEARCH_ROWS = 10


#: Excel's built-in number formats that show a date or a time (ECMA-376, 18.8.30).
_BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_DATE_CODES = re.compile(r"[dmyhs]", re.IGNORECASE)
#: Day 0 of each of Excel's two calendars.
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)


def is_date_format(code: str) -> bool:
    """Whether a number format shows a date or time (its quoted text and colours aside)."""
    bare = _QUOTED_OR_BRACKETED.sub("", code)
    return bare.casefold() != "general" and bool(_DATE_CODES.search(bare))


def from_excel(serial: float, *, date1904: bool = False) -> datetime:
    """A date serial as a date-time (1900 calendar: Excel counts a 29/02/1900 that never was)."""
    if date1904:
        epoch = _EPOCH_1904
    else:
        epoch = _EPOCH_1900 if serial >= 61 else _EPOCH_1900 + timedelta(days=1)
    return epoch + timedelta(days=serial)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class Cell(NamedTuple):
    """One cell: its saved value, its formula if it has one, or why it cannot be read."""

    address: str
    value: CellValue = None
    formula: str | None = None
    #: Set when the cell holds no usable value (a formula never calculated, "#DIV/0!").
    error: str | None = None


BLANK = Cell("")


@dataclass
class SheetRow:
    """A data row: its number in the sheet and its cells by column key."""

    number: int
    cells: dict[str, Cell]

    def cell(self, key: str) -> Cell:
        return self.cells.get(key, BLANK)


@dataclass
class DataSheet:
    """A data sheet as read: the name the officer sees, its columns, its non-blank rows."""

    name: str
    columns: set[str]
    header_row: int = 1
    rows: list[SheetRow] = field(default_factory=list)


@dataclass
class ReturnWorkbook:
    """What the import reads from a return: properties, the two data sheets, and no more."""

    properties: dict[str, str]
    author: str
    recommendations: DataSheet
    milestones: DataSheet
    #: The Summary's label → value pairs, read only when no return ID was in the properties.
    summary: dict[str, CellValue]


# ---------------------------------------------------------------------------- package parts


class _Parts:
    """The workbook's parts: sheets by name, their tables, shared strings, date styles."""

    def __init__(self, package: XlsxPackage) -> None:
        self.package = package
        self.path = package.path
        workbook = self._xml("xl/workbook.xml")
        self.date1904 = any(
            _local(e.tag) == "workbookPr" and e.get("date1904") in ("1", "true")
            for e in workbook.iter()
        )
        relations = self._relations("xl/workbook.xml")
        self.sheets: dict[str, str] = {}  # sheet name → part name
        for element in workbook.iter():
            if _local(element.tag) == "sheet":
                target = relations.get(element.get(f"{{{_OFFICE_RELS}}}id") or "")
                if target:
                    self.sheets[element.get("name") or ""] = target[0]
        by_type = {kind.rsplit("/", 1)[-1]: part for part, kind in relations.values()}
        self.shared_strings = self._read_shared_strings(by_type.get("sharedStrings"))
        self.date_styles = self._read_date_styles(by_type.get("styles"))

    def _xml(self, part: str) -> Any:
        data = self.package.read(part)
        if data is None:
            raise InvalidInput(f"{self.path}: {part} is missing (a damaged workbook?)")
        try:
            return etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as exc:
            raise InvalidInput(f"{self.path}: {part} cannot be read ({exc})") from None

    def _relations(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship ID → (target part, relationship type) of ``part``."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        if self.package.read(rels) is None:
            return {}
        found = {}
        for element in self._xml(rels).iter(f"{{{_PACKAGE_RELS}}}Relationship"):
            target = element.get("Target") or ""
            if element.get("TargetMode") == "External":
                continue
            if target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                resolved = posixpath.normpath(posixpath.join(folder, target))
            found[element.get("Id") or ""] = (resolved, element.get("Type") or "")
        return found

    def _read_shared_strings(self, part: str | None) -> list[str]:
        if part is None or self.package.read(part) is None:
            return []
        strings = []
        data = self.package.read(part) or b""
        for _, item in _iterparse(data, "{*}si"):
            strings.append(_string_item(item))
            item.clear()
        return strings

    def _read_date_styles(self, part: str | None) -> frozenset[int]:
        """Indexes of the cell styles that show a number as a date."""
        if part is None or self.package.read(part) is None:
            return frozenset()
        styles = self._xml(part)
        custom = {
            int(e.get("numFmtId") or -1): e.get("formatCode") or ""
            for e in styles.iter()
            if _local(e.tag) == "numFmt"
        }
        dated = set()
        for container in styles.iter():
            if _local(container.tag) != "cellXfs":
                continue
            for index, xf in enumerate(e for e in container if _local(e.tag) == "xf"):
                number_format = int(xf.get("numFmtId") or 0)
                if number_format in custom:
                    if is_date_format(custom[number_format]):
                        dated.add(index)
                elif number_format in _BUILTIN_DATE_FORMATS:
                    dated.add(index)
        return frozenset(dated)

    def sheet_named(self, wanted: str) -> tuple[str, str] | None:
        """(name, part) of the sheet called ``wanted``, case forgiven."""
        return next(
            (
                (name, part)
                for name, part in self.sheets.items()
                if name.casefold() == wanted.casefold()
            ),
            None,
        )

    def tables_on(self, sheet_part: str) -> list[tuple[str, str]]:
        """(table name, ref) of each Excel table on a sheet."""
        tables = []
        for part, kind in self._relations(sheet_part).values():
            if not kind.endswith("/table") or self.package.read(part) is None:
                continue
            table = self._xml(part)
            name = table.get("displayName") or table.get("name") or ""
            tables.append((name, table.get("ref") or ""))
        return tables

    def properties(self) -> tuple[dict[str, str], str]:
        """The custom document properties, and the author (last saved by, else creator)."""
        custom: dict[str, str] = {}
        author = ""
        for part, kind in self._relations("").values():
            if self.package.read(part) is None:
                continue
            if kind.endswith("/custom-properties"):
                for element in self._xml(part):
                    if _local(element.tag) == "property" and len(element):
                        custom[element.get("name") or ""] = (element[0].text or "").strip()
            elif kind.endswith("/core-properties"):
                core = {_local(e.tag): (e.text or "").strip() for e in self._xml(part)}
                for candidate in (core.get("lastModifiedBy", ""), core.get("creator", "")):
                    if candidate and candidate != "openpyxl":
                        author = candidate
                        break
        return custom, author


def _iterparse(data: bytes, tag: str) -> Iterator[tuple[str, Any]]:
    try:
        yield from etree.iterparse(
            io.BytesIO(data),
            events=("end",),
            tag=tag,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"a part of the workbook cannot be read ({exc})") from None


def _string_item(item: Any) -> str:
    """A shared or inline string: its text runs joined, phonetic guides left out."""
    if len(item) == 1 and _local(item[0].tag) == "t":
        return item[0].text or ""  # plain text, the usual case
    parts = []
    for element in item.iter():
        if _local(element.tag) == "t" and _local(element.getparent().tag) != "rPh":
            parts.append(element.text or "")
    return "".join(parts)


# ---------------------------------------------------------------------------- cells


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def _split_address(address: str) -> tuple[int, int]:
    """(column number, row number) of "C12"."""
    split = next((i for i, char in enumerate(address) if char in _DIGITS), len(address))
    return _column_index(address[:split].upper()), int(address[split:] or 0)


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class _SheetReader:
    """Turns one sheet's ``<c>`` elements into :class:`Cell` values (the hot loop)."""

    def __init__(self, parts: _Parts, namespace: str) -> None:
        self.strings = parts.shared_strings
        self.date_styles = parts.date_styles
        self.date1904 = parts.date1904
        self.v, self.f, self.inline, self.t = (
            f"{namespace}{name}" for name in ("v", "f", "is", "t")
        )

    def plain_text(self, element: Any, address: str) -> Cell | None:
        """The usual cell, quickly: text, shared or inline, with no formula. None otherwise."""
        if len(element) != 1:
            return None
        child = element[0]
        cell_type = element.get("t")
        if cell_type == "s" and child.tag == self.v and child.text:
            index = int(child.text)
            if 0 <= index < len(self.strings):
                return Cell(address, self.strings[index])
        elif cell_type == "inlineStr" and child.tag == self.inline and len(child) == 1:
            text = child[0]
            if text.tag == self.t:
                return Cell(address, text.text or "")
        return None

    def cell(self, element: Any, address: str, kind: Kind | None) -> Cell:
        cell_type = element.get("t")
        saved = formula_element = inline = None
        for child in element:
            tag = child.tag
            if tag == self.v:
                saved = child
            elif tag == self.f:
                formula_element = child
            elif tag == self.inline:
                inline = child
        text = saved.text if saved is not None else None
        if formula_element is None:
            # The usual cells first: shared or inline text, numbers.
            if cell_type == "s" and text is not None:
                try:
                    return Cell(address, self.strings[int(text)])
                except (ValueError, IndexError):
                    return Cell(address, error=f"cell {address} cannot be read ({text!r})")
            if cell_type == "inlineStr":
                if inline is not None and len(inline) == 1 and inline[0].tag == self.t:
                    return Cell(address, inline[0].text or "")
                return Cell(address, _string_item(inline) if inline is not None else "")
            formula = None
        else:
            formula = formula_element.text or "(shared formula)"
            if saved is None or (not text and cell_type != "str"):
                return Cell(
                    address,
                    formula=formula,
                    error=f"cell {address} holds the formula ={formula} with no saved value "
                    "(the program that wrote the file does not calculate); open the return in "
                    "Excel or LibreOffice and save it, or type the value",
                )
        if cell_type == "e":
            return Cell(address, formula=formula, error=f"cell {address} shows the error {text}")
        try:
            value = self._value(cell_type or "n", text, element, inline, kind)
        except (ValueError, IndexError, OverflowError):
            return Cell(address, error=f"cell {address} cannot be read ({text!r})")
        return Cell(address, value, formula)

    def _value(
        self, cell_type: str, text: str | None, element: Any, inline: Any, kind: Kind | None
    ) -> CellValue:
        if cell_type == "s":
            return self.strings[int(text or "")]
        if cell_type == "inlineStr":
            return _string_item(inline) if inline is not None else ""
        if cell_type == "str":
            return text or ""
        if cell_type == "b":
            return text in ("1", "true")
        if cell_type == "d":
            return datetime.fromisoformat((text or "").rstrip("Z"))
        if text is None or text == "":
            return None
        number = float(text)
        style = element.get("s")
        dated = style is not None and int(style) in self.date_styles
        if dated or kind in (Kind.DATE, Kind.DATETIME):
            if not 0 <= number < 2958466:  # Excel's last date is 31/12/9999
                return number
            return from_excel(number, date1904=self.date1904)
        return number


_DIGITS = "0123456789"


class _Columns:
    """Column letters → numbers, remembered (a sheet has a few dozen columns at most)."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def number(self, address: str, row: str) -> int:
        letters = address[: len(address) - len(row)] if address.endswith(row) else address
        number = self.numbers.get(letters)
        if number is None:
            number = _split_address(address)[0]
            self.numbers[letters] = number
        return number


def _table_rows(
    parts: _Parts, part: str, sheet_name: str, columns: tuple[Column, ...], header_row: int | None
) -> DataSheet:
    """One streaming pass over a data sheet: its header, then every non-blank row."""
    data = parts.package.read(part)
    if data is None:
        raise InvalidInput(f"{parts.path}: the {sheet_name} sheet's part {part} is missing")
    reader: _SheetReader | None = None
    kinds = {c.key: c.kind for c in columns}
    positions: dict[int, str] = {}  # column number → key
    letters = _Columns()
    by_letters: dict[str, str] | None = None  # column letters → key, once the header is found
    sheet = DataSheet(sheet_name, set(), header_row or 1)
    row_number = 0
    for _, row in _iterparse(data, "{*}row"):
        if reader is None:
            namespace = row.tag[: row.tag.index("}") + 1] if row.tag.startswith("{") else ""
            reader = _SheetReader(parts, namespace)
            cell_tag = f"{namespace}c"
        row_text = row.get("r") or str(row_number + 1)
        row_number = int(row_text)
        column = 0
        if not positions:
            cells = []
            for element in row.iterchildren(cell_tag):
                address = element.get("r")
                column = letters.number(address, row_text) if address else column + 1
                cells.append((column, element))
            found = _header(reader, cells, columns)
            if found and (header_row is None or row_number >= header_row):
                positions = found
                sheet.columns = set(found.values())
                sheet.header_row = row_number
            elif header_row is None and row_number >= _HEADER_SEARCH_ROWS:
                break
        else:
            if by_letters is None:
                by_letters = {_letters(number): key for number, key in positions.items()}
            values = {}
            for element in row.iterchildren(cell_tag):
                address = element.get("r")
                if address:
                    key = by_letters.get(address.rstrip(_DIGITS))
                    column = 0
                else:  # a writer that leaves addresses out counts the cells
                    column += 1
                    key = positions.get(column)
                    address = f"{_letters(column)}{row_text}"
                if key is None:
                    continue
                cell = reader.plain_text(element, address) or reader.cell(
                    element, address, kinds[key]
                )
                value = cell.value
                if cell.error is None and (
                    value is None or (isinstance(value, str) and not value.strip())
                ):
                    continue
                values[key] = cell
            if values:
                sheet.rows.append(SheetRow(row_number, values))
        row.clear()
        while row.getprevious() is not None:
            del row.getparent()[0]
    _check_columns(parts, sheet, columns)
    return sheet


def _header(
    reader: _SheetReader, cells: list[tuple[int, Any]], columns: tuple[Column, ...]
) -> dict[int, str]:
    """Column number → key, if this row holds the sheet's headers (two or more of them)."""
    found: dict[int, str] = {}
    for number, element in cells:
        key = header_key(reader.cell(element, "", None).value, columns)
        if key is not None and key not in found.values():
            found[number] = key
    return found if len(found) >= 2 else {}


def _check_columns(parts: _Parts, sheet: DataSheet, columns: tuple[Column, ...]) -> None:
    missing = [c.header for c in columns if c.required and c.key not in sheet.columns]
    if missing:
        raise InvalidInput(
            f"{parts.path}: {sheet.name} sheet, row {sheet.header_row}: column {missing[0]!r} "
            "is missing" + (f" (also {', '.join(missing[1:])})" if len(missing) > 1 else "")
        )


def _find_sheet(parts: _Parts, wanted: str) -> tuple[str, str, int | None]:
    """(sheet name, part, header row) of a data sheet: by its name, else by its table's."""
    table_name = TABLE_NAMES.get(wanted, wanted).casefold()
    by_name = next(
        (
            (name, part)
            for name, part in parts.sheets.items()
            if name.casefold() == wanted.casefold()
        ),
        None,
    )
    candidates = [by_name] if by_name else list(parts.sheets.items())
    for name, part in candidates:
        for table, ref in parts.tables_on(part):
            if table.casefold() == table_name:
                return name, part, _split_address(ref.split(":")[0])[1] or None
    if by_name:
        return by_name[0], by_name[1], None
    found = ", ".join(parts.sheets) or "none"
    raise InvalidInput(
        f"{parts.path}: the {wanted} sheet is missing (the workbook's sheets: {found}); "
        "is this an Excel return?"
    )


def _summary_facts(parts: _Parts) -> dict[str, CellValue]:
    """The Summary's label → value pairs (column A → column B); its formulas are not read."""
    part = next(
        (p for name, p in parts.sheets.items() if name.casefold() == SUMMARY.casefold()), None
    )
    data = parts.package.read(part) if part else None
    if data is None:
        return {}
    reader: _SheetReader | None = None
    facts: dict[str, CellValue] = {}
    for _, row in _iterparse(data, "{*}row"):
        namespace = row.tag[: row.tag.index("}") + 1] if row.tag.startswith("{") else ""
        reader = reader or _SheetReader(parts, namespace)
        cells = [e for e in row if _local(e.tag) == "c"]
        if len(cells) >= 2 and _split_address(cells[0].get("r") or "A")[0] == 1:
            label = reader.cell(cells[0], "", None).value
            value = reader.cell(cells[1], "", None)
            if isinstance(label, str) and value.formula is None:
                facts.setdefault(label.strip().casefold(), value.value)
        row.clear()
    return facts


def read_workbook(package: XlsxPackage, *, return_id_property: str) -> ReturnWorkbook:
    """Read what an import needs from a checked package (see the module's description).

    A part that is not what its name says (a row number that is no number, a
    shared string that is not there) is one line naming the file, not a crash.
    """
    try:
        return _read_workbook(package, return_id_property)
    except (ValueError, IndexError, KeyError, TypeError, OverflowError, etree.LxmlError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InvalidInput(
            f"{package.path}: cannot be read as an Excel workbook ({reason}); is it damaged?"
        ) from None


def _read_workbook(package: XlsxPackage, return_id_property: str) -> ReturnWorkbook:
    parts = _Parts(package)
    try:
        found = {name: _find_sheet(parts, name) for name in REQUIRED_SHEETS}
    except InvalidInput as exc:
        if _holds_no_return(parts, return_id_property):
            raise NotAReturn(str(exc)) from None
        raise
    sheets = {
        wanted: _table_rows(parts, part, name, COLUMNS[wanted], header)
        for wanted, (name, part, header) in found.items()
    }
    properties, author = parts.properties()
    summary = {} if properties.get(return_id_property) else _summary_facts(parts)
    return ReturnWorkbook(properties, author, sheets[RECOMMENDATIONS], sheets[MILESTONES], summary)


def _holds_no_return(parts: _Parts, return_id_property: str) -> bool:
    """No data sheet by name or table, and no return ID: some other workbook."""
    for name in REQUIRED_SHEETS:
        try:
            _find_sheet(parts, name)
        except InvalidInput:
            continue
        return False
    return return_id_property not in parts.properties()[0]
