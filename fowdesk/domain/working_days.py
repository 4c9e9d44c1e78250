"""Working days, as a council counts them: Monday to Friday, not bank holidays.

A return "due back in 10 working days" must not fall due on Easter Monday or
expect officers to work through Christmas. The bank holidays are England and
Wales's regular ones, worked out for any year (New Year's Day, Good Friday,
Easter Monday, the early May and spring bank holidays, the summer bank
holiday, Christmas Day and Boxing Day, each moved to a weekday as the rules
move them). One-off holidays proclaimed for a single year (a jubilee, a
coronation, VE Day 2020's move) are not known: the officer can give the due
date themselves.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

#: How long a lead has to send a return back when nobody says otherwise.
DEFAULT_RETURN_DAYS = 10


def easter_sunday(year: int) -> date:
    """Easter Day in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return day - timedelta(days=day.weekday())


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales's regular bank holidays in ``year`` (substitute days included)."""
    easter = easter_sunday(year)
    holidays = {
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    new_year = date(year, 1, 1)
    while new_year.weekday() >= 5:
        new_year += timedelta(days=1)
    holidays.add(new_year)
    # Christmas and Boxing Day: a weekend day moves to the next weekday not taken.
    for day in (date(year, 12, 25), date(year, 12, 26)):
        while day.weekday() >= 5 or day in holidays:
            day += timedelta(days=1)
        holidays.add(day)
    return frozenset(holidays)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The working day ``days`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` is not later)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
