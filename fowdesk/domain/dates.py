"""The one date parser: targets as officers write them, read as windows.

Officers write "March/April 2020", "from September 2023" or "28-29 January",
never a pair of dates. The RAG rule, slippage and the reports all need a
window (first day, last day) to compare with an as-at date, so this module
turns the officer's words into one. It never keeps the words: the caller
stores them verbatim, and a target this module cannot read is simply not
understood (``None``), never an exception, so a typo in a return cannot stop
an import.

Everything is UK day-first. Nothing is guessed: a target without a year takes
the as-at date's year, and without an as-at date it has no window.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache


class Precision(StrEnum):
    """The finest unit the officer wrote, so reports can say how firm a target is."""

    DAY = "day"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"


@dataclass(frozen=True)
class TargetWindow:
    """The days a target covers; ``end`` is None for an open-ended "from …" target."""

    start: date
    end: date | None
    precision: Precision


#: Years outside this range are typos, not targets ("99999999", "0/0/0"), and
#: keeping well inside ``date``'s range means "Winter" can always reach February.
MIN_YEAR = 1900
MAX_YEAR = 2999

#: Roadmap horizons (Digital Strategy "Now / Next / Later"): understood, no window.
HORIZONS = frozenset({"now", "next", "later"})

#: Any year will do when only asking *whether* a target is understood; a leap
#: year so that "29 February" is.
_REFERENCE_DAY = date(2000, 1, 1)

_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(calendar.month_name[1:], start=1):
    _MONTHS[_name.lower()] = _number
    _MONTHS[_name[:3].lower()] = _number
_MONTHS["sept"] = 9

#: Season or quarter → (first month, number of months). Winter runs December to
#: February and belongs to the year of its December.
_SEASONS: dict[str, tuple[int, int]] = {
    "spring": (3, 3),
    "summer": (6, 3),
    "autumn": (9, 3),
    "winter": (12, 3),
}

_RANGE_WORDS = frozenset({"to", "until", "till"})

_PRECISION_ORDER = [Precision.DAY, Precision.MONTH, Precision.SEASON, Precision.YEAR]

_DASHES = re.compile("[\u2010-\u2015\u2212]")
_TOKEN = re.compile(
    r"""
    (?P<iso>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})(?![0-9])
    |(?P<uk>[0-9]{1,2}(?P<uk_separator>[/.])[0-9]{1,2}(?P=uk_separator)(?:[0-9]{4}|[0-9]{2})
        |[0-9]{1,2}-[0-9]{1,2}-[0-9]{4})(?![0-9])
    |(?P<fy>[0-9]{4}[/-][0-9]{2})(?![0-9])
    |(?P<quarter>q[1-4])(?![a-z0-9])
    |(?P<num>[0-9]+)(?:st|nd|rd|th)?(?![a-z0-9])
    |(?P<word>[a-z]+)
    |(?P<sep>[-/])
    |(?P<space>[\s,]+)
    """,
    re.VERBOSE,
)
_PREFIX = re.compile(
    r"""^(?:(?P<lead>from|by|in|during)\s+)?
    (?:(?:the\s+)?(?:end|start|beginning|middle)\s+of\s+|(?:early|mid|late)(?:\s*-\s*|\s+))?""",
    re.VERBOSE,
)
_ONWARDS = re.compile(r"\s+onwards?$")
_UK_DATE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
#: A date typed without separators, day first: "31032020" is 31/03/2020.
_COMPACT_UK_DATE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
#: A dash with space either side; lookarounds so "x - - March 2020" finds both dashes.
_SPACED_DASH = re.compile(r"(?<=\s)[-\u2013\u2014](?=\s)")


@dataclass
class _Point:
    """One end of a target: a day, month, season, quarter, year or financial year.

    ``first_month``/``months`` give the span a non-day point covers; a bare
    day ("28" in "28-29 January") has no month until its range supplies one.
    """

    precision: Precision
    first_month: int | None
    months: int = 1
    day: int | None = None
    year: int | None = None

    def start(self) -> date:
        assert self.year is not None and self.first_month is not None
        return date(self.year, self.first_month, self.day or 1)

    def end(self) -> date:
        assert self.year is not None and self.first_month is not None
        if self.day is not None:
            return date(self.year, self.first_month, self.day)
        last = self.first_month - 1 + self.months - 1
        year, month = self.year + last // 12, last % 12 + 1
        return date(year, month, calendar.monthrange(year, month)[1])


def parse_uk_date(text: str) -> date | None:
    """A single written date, day first ("26/02/2020", "26/2/20", "26022020") or ISO.

    Day-first always: "03/04/2020" is 3 April. A two-digit year is 20xx. A
    day the month lacks ("31/02/2020") is not a date: it is never moved to
    the nearest real one, because the officer meant something else.
    """
    parts = _date_parts(text)
    if parts is None:
        return None
    year, month, day = parts
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) as written, before asking whether that day exists."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(group) for group in match.group(1, 2, 3))
        return year, month, day
    if match := _UK_DATE.fullmatch(text):
        day, month, year = (int(group) for group in match.group(1, 3, 4))
        if len(match.group(4)) == 2:
            year += 2000
        return year, month, day
    if match := _COMPACT_UK_DATE.fullmatch(text):
        day, month, year = (int(group) for group in match.group(1, 2, 3))
        return year, month, day
    return None


def date_problem(text: str) -> str | None:
    """Why ``text`` is not a date, in words for the person who typed it; None if it is one.

    The command line's ``--as-at`` and the window's date editors show this
    line, so "31/02/2020" is refused with the reason rather than changed.
    """
    if parse_uk_date(text) is not None:
        return None
    shown = " ".join(str(text).split()) if isinstance(text, str) else repr(text)
    if not shown:
        return "no date given (use DD/MM/YYYY)"
    parts = _date_parts(text)
    if parts is None:
        return f"{shown!r} is not a date (use DD/MM/YYYY)"
    year, month, _ = parts
    if not MIN_YEAR <= year <= MAX_YEAR:
        return f"{shown!r} is not a date: the year {year} is out of range"
    if not 1 <= month <= 12:
        return f"{shown!r} is not a date: there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    month_name = f"{calendar.month_name[month]} {year}"
    return f"{shown!r} is not a date: {month_name} has {days} days"


class DateEntry(StrEnum):
    """How far a date typed into an editor has got, so a validator can judge each key."""

    EMPTY = "empty"
    PARTIAL = "partial"  # could still become a date with more typing
    COMPLETE = "complete"  # a real date
    IMPOSSIBLE = "impossible"  # no more typing can make it a date (31/02/2020, 99/…)


#: What can still grow into dd/mm/yyyy (or ddmmyyyy): digits in place, separators optional.
_PARTIAL_UK_DATE = re.compile(r"[0-9]{0,2}(?:[/.-](?:[0-9]{0,2}(?:[/.-][0-9]{0,4})?)?)?|[0-9]{0,8}")


def date_entry(text: str) -> DateEntry:
    """Judge text typed into a date editor (dd/mm/yyyy, with or without separators).

    A partial date is never turned into another: "31/0" waits for more
    typing; "31/02/2020" is impossible and is refused in place.
    """
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned:
        return DateEntry.EMPTY
    if parse_uk_date(cleaned) is not None:
        return DateEntry.COMPLETE
    if not _PARTIAL_UK_DATE.fullmatch(cleaned):
        return DateEntry.IMPOSSIBLE
    digits = re.split(r"[/.-]", cleaned)
    if len(digits) == 1:  # typed without separators: dd, mm, yyyy in turn
        whole = digits[0]
        digits = [whole[:2], whole[2:4], whole[4:]]
    day, month, year = [*digits, "", "", ""][:3]
    if day and (int(day) > 31 or (len(day) == 2 and int(day) == 0)):
        return DateEntry.IMPOSSIBLE
    if month and (int(month) > 12 or (len(month) == 2 and int(month) == 0)):
        return DateEntry.IMPOSSIBLE
    if len(year) == 4:  # every part is written and it still is not a date
        return DateEntry.IMPOSSIBLE
    if day and month and len(month) == 2 and int(day) > _longest_month(int(month)):
        return DateEntry.IMPOSSIBLE
    return DateEntry.PARTIAL


def entry_problem(text: str) -> str | None:
    """Why text typed into a date editor can never become a date; None while it still can.

    A complete impossible date gets :func:`date_problem`'s reason ("February
    2020 has 29 days"); a part-typed one the reason it is already lost
    ("'31/02' is not a date: February never has 31 days"), so the officer
    sees why before typing the year.
    """
    if date_entry(text) is not DateEntry.IMPOSSIBLE:
        return None
    cleaned = text.strip()
    if _date_parts(cleaned) is not None or not _PARTIAL_UK_DATE.fullmatch(cleaned):
        return date_problem(cleaned)
    parts = re.split(r"[/.-]", cleaned)
    if len(parts) == 1:
        parts = [cleaned[:2], cleaned[2:4], cleaned[4:]]
    day, month = [*parts, "", ""][:2]
    shown = f"{cleaned!r} is not a date"
    if day and int(day) == 0:
        return f"{shown}: there is no day 0"
    if day and int(day) > 31:
        return f"{shown}: no month has {int(day)} days"
    if month and not 1 <= int(month) <= 12:
        return f"{shown}: there is no month {int(month)}"
    if day and month:
        return f"{shown}: {calendar.month_name[int(month)]} never has {int(day)} days"
    return date_problem(cleaned)


def _longest_month(month: int) -> int:
    """The most days ``month`` has in any year (February: 29)."""
    return calendar.monthrange(2000, month)[1] if 1 <= month <= 12 else 31


def is_horizon(text: str) -> bool:
    """Whether the target is a roadmap horizon ("Now", "Next", "Later"): no window, no error."""
    return isinstance(text, str) and _normalise(text) in HORIZONS


def target_is_understood(text: str) -> bool:
    """Whether a target needs no attention: blank, a horizon, or a readable window."""
    if not isinstance(text, str) or not text.strip():
        return True
    return _understood(text, None)


def parse_target(text: str, as_at: date | None = None) -> TargetWindow | None:
    """The window an officer's target covers, or None when it has none or is unreadable.

    ``as_at`` supplies the year to targets written without one; without it such
    targets have no window. Never raises.
    """
    if not isinstance(text, str):
        return None
    return _parse_cached(text, as_at)


@lru_cache(maxsize=4096)
def _parse_cached(text: str, as_at: date | None) -> TargetWindow | None:
    """Targets repeat ("March 2020" on many rows) and every export reads them all."""
    try:
        return _parse(_normalise(text), as_at)
    except (ValueError, OverflowError):  # a day the month lacks: "31 April"
        return None


def split_next_step(bullet: str, as_at: date | None = None) -> tuple[str, str]:
    """A Next steps bullet as (description, target); target is "" when there is none.

    The target follows a spaced dash. A date range may itself contain a spaced
    dash ("March 2020 - April 2020"), so the target is the longest tail after a
    spaced dash that reads as a target: the text after the last dash that
    separates the description from its date.
    """
    if not isinstance(bullet, str):
        return "", ""
    for separator in _SPACED_DASH.finditer(bullet):
        description = bullet[: separator.start()].strip()
        target = bullet[separator.end() :].strip()
        if description and target and _understood(target, as_at):
            return description, target
    return bullet.strip(), ""


def format_window(window: TargetWindow | None) -> str:
    """A window in UK form for reports and the window's target column."""
    if window is None:
        return ""
    start = window.start.strftime("%d/%m/%Y")
    if window.end is None:
        return f"from {start}"
    if window.end == window.start:
        return start
    return f"{start} – {window.end.strftime('%d/%m/%Y')}"


def _understood(text: str, as_at: date | None) -> bool:
    """Whether ``text`` is a horizon or has a window; year-less targets count."""
    return is_horizon(text) or parse_target(text, as_at or _REFERENCE_DAY) is not None


def _normalise(text: str) -> str:
    """Lower case, plain hyphens, single spaces, no trailing full stop."""
    text = _DASHES.sub("-", text).casefold()
    text = " ".join(text.split())
    return text.rstrip(". ")


def _parse(text: str, as_at: date | None) -> TargetWindow | None:
    """Read normalised text as one end ("March 2020") or a range of two ("Feb to June 2020")."""
    if not text or text in HORIZONS:
        return None
    onwards = _ONWARDS.search(text)
    if onwards is not None:
        text = text[: onwards.start()]
    prefix = _PREFIX.match(text)
    starts_from = prefix is not None and prefix.group("lead") == "from"
    if prefix is not None:
        text = text[prefix.end() :]
    tokens = _tokenise(text)
    if tokens is None:
        return None
    left, rest = _read_point(tokens)
    if left is None:
        return None
    if not rest:
        return _single(left, as_at, open_ended=starts_from or onwards is not None)
    if onwards is not None or not _is_range_separator(rest[0]):
        return None
    right, rest = _read_point(rest[1:])
    if right is None or rest:
        return None
    return _range(left, right, as_at)


def _is_range_separator(token: tuple[str, str]) -> bool:
    kind, value = token
    return kind == "sep" or (kind == "word" and value in _RANGE_WORDS)


def _single(point: _Point, as_at: date | None, *, open_ended: bool) -> TargetWindow | None:
    """A target with one end: the whole of what it names, or from its start onwards."""
    if point.first_month is None:
        return None  # a bare day number is not a target
    if point.year is None:
        if as_at is None:
            return None
        point.year = as_at.year
    if not MIN_YEAR <= point.year <= MAX_YEAR:
        return None
    return TargetWindow(point.start(), None if open_ended else point.end(), point.precision)


def _range(left: _Point, right: _Point, as_at: date | None) -> TargetWindow | None:
    """Join two ends; a year or month written once applies to both.

    The end written without a year is the one that moves: "November to
    February 2021" starts in November 2020, "December 2020 to January" ends in
    January 2021.
    """
    if right.first_month is None:
        return None  # "March - 28": the right end must be complete
    if left.first_month is None:
        if right.day is None:
            return None  # "28 - March": a bare day pairs only with a day ("28-29 January")
        left.first_month = right.first_month
        left.year = right.year
    if left.year is None and right.year is None:
        if as_at is None:
            return None
        left.year = right.year = as_at.year
        if right.end() < left.start():
            right.year += 1
    elif left.year is None:
        assert right.year is not None
        left.year = right.year
        if left.start() > right.end():
            left.year -= 1
    elif right.year is None:
        right.year = left.year
        if right.end() < left.start():
            right.year += 1
    assert left.year is not None and right.year is not None
    if not (MIN_YEAR <= left.year <= MAX_YEAR and MIN_YEAR <= right.year <= MAX_YEAR):
        return None
    start, end = left.start(), right.end()
    if end < start:
        return None
    precision = min(left.precision, right.precision, key=_PRECISION_ORDER.index)
    return TargetWindow(start, end, precision)


Token = tuple[str, str]


def _tokenise(text: str) -> list[Token] | None:
    """(kind, text) pairs, spaces dropped; None if anything is not part of a date.

    Numbers are classed here: four digits in range are a year, one or two
    digits from 1 to 31 a day; anything else ("99999999", "0") is not a target.
    """
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            return None
        kind, value = match.lastgroup, match.group(match.lastgroup)
        position = match.end()
        if kind == "space":
            continue
        if kind == "num":
            if len(value) == 4 and MIN_YEAR <= int(value) <= MAX_YEAR:
                kind = "year"
            elif len(value) <= 2 and 1 <= int(value) <= 31:
                kind = "day"
            else:
                return None
        tokens.append((kind, value))
    return tokens


def _read_point(tokens: list[Token]) -> tuple[_Point | None, list[Token]]:
    """Read one end of a target from the front of ``tokens``; returns it and what is left."""
    if not tokens:
        return None, tokens
    (kind, value), rest = tokens[0], tokens[1:]
    if kind in ("iso", "uk"):
        written = parse_uk_date(value)
        if written is None:
            return None, rest
        return _Point(Precision.DAY, written.month, 1, written.day, written.year), rest
    if kind == "fy":
        first = int(value[:4])
        if int(value[5:]) != (first + 1) % 100 or not MIN_YEAR <= first <= MAX_YEAR:
            return None, rest
        return _Point(Precision.YEAR, 4, 12, None, first), rest
    if kind == "year":
        return _Point(Precision.YEAR, 1, 12, None, int(value)), rest
    if kind == "day":
        if rest and rest[0] == ("word", "of"):
            rest = rest[1:]
        if rest and rest[0][0] == "word" and rest[0][1] in _MONTHS:
            month = _MONTHS[rest[0][1]]
            year, rest = _read_year(rest[1:])
            return _Point(Precision.DAY, month, 1, int(value), year), rest
        return _Point(Precision.DAY, None, 1, int(value), None), rest
    if kind == "quarter":
        year, rest = _read_year(rest)
        return _Point(Precision.SEASON, int(value[1]) * 3 - 2, 3, None, year), rest
    if kind == "word" and value in _MONTHS:
        year, rest = _read_year(rest)
        return _Point(Precision.MONTH, _MONTHS[value], 1, None, year), rest
    if kind == "word" and value in _SEASONS:
        year, rest = _read_year(rest)
        first_month, months = _SEASONS[value]
        return _Point(Precision.SEASON, first_month, months, None, year), rest
    return None, rest


def _read_year(tokens: list[Token]) -> tuple[int | None, list[Token]]:
    """The year written after a month, season or quarter, if there is one."""
    if tokens and tokens[0][0] == "year":
        return int(tokens[0][1]), tokens[1:]
    return None, tokens
