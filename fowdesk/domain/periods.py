"""Reporting periods: the one "as at" date, the next period to start, and what a new one needs.

The window, the dashboard, the Excel return and the PDF all judge RAG as at
one date, the current period's as-at date, so a Red on screen is a Red on
paper. Starting a period proposes the month after that date, and the rules a
new period must meet are checked here so the window's dialog can show a
problem before it closes and the repository refuses the same things.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fowdesk.domain.dates import Precision, date_problem, parse_target, parse_uk_date
from fowdesk.domain.model import Period, Programme


def report_as_at(
    programme: Programme, period_label: str | None = None, *, today: date | None = None
) -> date:
    """The date the programme is judged as at: its current period's as-at date.

    With ``period_label``, that period's (a report of February is judged as
    at February's date). A programme with no period yet is judged as at today.
    """
    period = programme.period(period_label) if period_label else programme.current_period
    if period is not None:
        return period.as_at
    return today or date.today()


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def as_at_for_label(label: str) -> date | None:
    """The last day of the month a label names ("March 2020" → 31/03/2020); None otherwise."""
    window = parse_target(label)
    if window is None or window.end is None or window.precision is not Precision.MONTH:
        return None
    return window.end


@dataclass(frozen=True)
class PeriodProposal:
    """What "Start reporting period" offers: the month after the current period's."""

    label: str
    as_at: date
    meeting: str = ""


def propose_next_period(programme: Programme, *, today: date | None = None) -> PeriodProposal:
    """The month after the current period's as-at date, as at that month's last day.

    February 2020 (as at 29/02/2020) proposes "March 2020", as at 31/03/2020.
    A programme with no period proposes the current month. A label already
    taken (an officer called a period "March 2020" early) moves on a month.
    """
    current = programme.current_period
    if current is None:
        start = (today or date.today()).replace(day=1)
    else:
        start = _first_of_next_month(current.as_at)
    taken = {_same(p.label) for p in programme.periods}
    while True:
        as_at = month_end(start)
        label = f"{calendar.month_name[start.month]} {start.year}"
        if _same(label) not in taken and (current is None or as_at > current.as_at):
            return PeriodProposal(label, as_at)
        start = _first_of_next_month(start)


def _first_of_next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _same(label: str) -> str:
    return " ".join(label.split()).casefold()


def new_period_problem(
    periods: Sequence[Period], label: str, as_at: date | str | None
) -> str | None:
    """Why a period with this label and as-at date cannot be started; None if it can.

    ``as_at`` may be the text typed into a date box: an impossible date
    ("31/02/2020") is a problem here, never a date moved to the nearest real
    one. The Start dialog calls this before it closes; the repository calls it
    again inside its write.
    """
    label = " ".join(label.split())
    if not label:
        return "a reporting period needs a label, e.g. 'March 2020'"
    if isinstance(as_at, str):
        parsed = parse_uk_date(as_at)
        if parsed is None:
            return date_problem(as_at)
        as_at = parsed
    if as_at is None:
        return "a reporting period needs an as-at date (DD/MM/YYYY)"
    existing = next((p for p in periods if _same(p.label) == _same(label)), None)
    if existing is not None:
        return f"period {existing.label!r} already exists"
    latest = max((p.as_at for p in periods), default=None)
    if latest is not None and as_at <= latest:
        return f"the new period's as-at date must be after {latest:%d/%m/%Y}"
    return None
