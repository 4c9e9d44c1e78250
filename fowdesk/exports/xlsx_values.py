"""Cell values as text: how the writer cleans them and how the base and the reader compare them.

The export records every cell it writes (the return's *base*) and the import
reads every cell back; both go through :func:`value_text`, so a cell nobody
touched compares equal whatever Excel or LibreOffice did to its type (a date
stays a date, 61 and 61.0 are the same number, a time keeps its seconds).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

#: Characters openpyxl refuses in a cell (and XML cannot hold: control characters, lone
#: surrogates, U+FFFE and U+FFFF); tab and newlines stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def safe_text(value: object) -> str:
    """Text as a cell may hold it: control characters removed, line ends as "\\n"."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def _nearest_second(value: datetime) -> datetime:
    # A spreadsheet keeps times as fractions of a day: 10:05:59 may come back 10:05:58.9999.
    try:
        rounded = value + timedelta(microseconds=500_000)
    except OverflowError:  # the last second of 31/12/9999
        rounded = value
    return rounded.replace(microsecond=0)


def value_text(value: object) -> str:
    """A cell's value in the one form the base keeps and the reader compares.

    Text is stripped, dates are ISO (``2020-04-30``), date-times ISO to the
    second, whole numbers have no decimal point, blank is "".
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        value = _nearest_second(value)
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return safe_text(value).strip()
