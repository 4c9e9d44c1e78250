"""A PMO officer's session in LibreOffice Calc, driven through UNO (run by a Python with ``uno``).

Usage: python3 uno_officer.py PLAN.json

The plan names the return, a private profile folder, and what to do, in order:
type text into cells (fitting the row as Calc does for a person typing), sort a
sheet's table by a column,
insert a row into a table and type into it; then save as .xlsx and print to
PDF. Cells are found by their column heading and by a value in another column
(a row's ID), as an officer finds them by eye. Prints one line per step (a typed
row's height in points, as Calc left it).

This runs outside the test's virtual environment: Debian's ``python3-uno``
belongs to the system Python.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.table import TableSortField  # type: ignore[import-not-found]


def _property(name: str, value: Any) -> Any:
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def _connect(profile: Path) -> tuple[subprocess.Popen[bytes], Any]:
    pipe = f"fowdesk_officer_{os.getpid()}"
    process = subprocess.Popen(
        [
            os.environ.get("SOFFICE", "soffice"),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, ended whole at the end
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            return process, resolver.resolve(
                f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
            )
        except Exception as exc:
            if time.monotonic() > deadline or process.poll() is not None:
                _end(process)
                raise SystemExit("LibreOffice did not start") from exc
            time.sleep(0.2)


def _end(process: subprocess.Popen[bytes]) -> None:
    """End the LibreOffice this script started (the launcher and soffice.bin under it)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def _headers(sheet: Any) -> list[str]:
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    last_column = cursor.RangeAddress.EndColumn
    return [sheet.getCellByPosition(c, 0).getString() for c in range(last_column + 1)]


def _column(sheet: Any, header: str) -> int:
    return _headers(sheet).index(header)


def _row_of(sheet: Any, header: str, value: str) -> int:
    column = _column(sheet, header)
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    for row in range(1, cursor.RangeAddress.EndRow + 1):
        if sheet.getCellByPosition(column, row).getString() == value:
            return row
    raise SystemExit(f"no row with {header} = {value!r}")


class Officer:
    def __init__(self, document: Any) -> None:
        self.document = document

    def type_into(self, sheet: Any, column: int, row: int, text: str) -> None:
        """Enter the text into the cell, and fit its row as Calc does after typing.

        Typing and Enter make Calc fit the row to its text, unless the row's height
        was set by hand (``customHeight`` in the file): then the row keeps its height
        and the text is cut. The dispatch that types (.uno:EnterString) brings
        headless Calc 7.4 down a moment later, so the cell is set through the API and
        the row fitted by the same rule.
        """
        line = sheet.getRows().getByIndex(row)
        fitted_by_calc = line.OptimalHeight  # False: a height set by hand
        sheet.getCellByPosition(column, row).setString(text)
        if fitted_by_calc:
            line.OptimalHeight = True

    def sort(self, sheet: Any, header: str) -> None:
        """Data → Sort on the whole table, by one column, with its heading row kept on top."""
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        end = cursor.RangeAddress
        area = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
        field = TableSortField()
        field.Field = _column(sheet, header)
        field.IsAscending = True
        field.IsCaseSensitive = False
        area.sort(
            (
                _property("SortFields", uno.Any("[]com.sun.star.table.TableSortField", (field,))),
                _property("ContainsHeader", True),
            )
        )


def main() -> None:
    plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    process, context = _connect(Path(plan["profile"]))
    try:
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(plan["open"]), "_blank", 0, (_property("Hidden", True),)
        )
        officer = Officer(document)
        sheets = document.Sheets
        for step in plan["steps"]:
            sheet = sheets.getByName(step["sheet"])
            if step["do"] == "type":
                row = _row_of(sheet, step["find"][0], step["find"][1])
                officer.type_into(sheet, _column(sheet, step["column"]), row, step["text"])
                # Row heights are in 1/100 mm; one point is 0.3528 mm.
                points = sheet.getRows().getByIndex(row).Height / 100 / 0.3528
                print(f"typed into {step['sheet']} row {row + 1}: row height {points:.0f} pt")
            elif step["do"] == "sort":
                officer.sort(sheet, step["by"])
                print(f"sorted {step['sheet']} by {step['by']}")
            elif step["do"] == "insert":
                row = _row_of(sheet, step["below"][0], step["below"][1]) + 1
                sheet.getRows().insertByIndex(row, 1)
                for header, text in step["values"].items():
                    officer.type_into(sheet, _column(sheet, header), row, text)
                print(f"inserted {step['sheet']} row {row + 1}")
            else:
                raise SystemExit(f"unknown step {step['do']!r}")
        document.storeToURL(
            uno.systemPathToFileUrl(plan["save_xlsx"]),
            (_property("FilterName", "Calc MS Excel 2007 XML"),),
        )
        print(f"saved {plan['save_xlsx']}")
        document.storeToURL(
            uno.systemPathToFileUrl(plan["print_pdf"]),
            (_property("FilterName", "calc_pdf_Export"),),
        )
        print(f"printed {plan['print_pdf']}")
    finally:
        # Closing a document after a dispatch can bring headless Calc down (7.4); the
        # files are written, so LibreOffice is simply ended.
        _end(process)


if __name__ == "__main__":
    main()
