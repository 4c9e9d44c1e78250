"""The RAG rule, in one place, always as at a date.

Everything judges as at the current period's as-at date
(``domain.periods.report_as_at``), so the screen and the paper agree. Nothing
else in fowdesk decides a colour: the PDF, the workbook, the window and ``check`` all
call these functions.

The window judges every card again when the officer switches between the
report's date and today (5,000 cards × 10 milestones at council scale), so a
card is judged in one loop: each target's due-by date is read once per target
and year (:func:`_due_dates`), and the dates a milestone's is compared with
are worked out once per card, not once per milestone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fowdesk.domain.dates import parse_target
from fowdesk.domain.model import Card, Milestone, MilestoneStatus, Rag

#: How far past its window a milestone may be before it is Red rather than Amber,
#: and how close to its end a window must be before it turns Amber.
GRACE = timedelta(days=30)

#: What each RAG means under the rule above, in words (for reasons and screen readers).
RAG_MEANINGS = {
    Rag.RED: "Overdue by more than 30 days",
    Rag.AMBER: "Due within 30 days, overdue or delayed",
    Rag.GREEN: "On track",
    Rag.COMPLETE: "Complete",
}


@dataclass(frozen=True)
class RagResult:
    """A RAG with the reason a person can read, and whether an officer overrode it."""

    rag: Rag
    reason: str
    overridden: bool = False
    derived: Rag | None = None


# An open milestone's colour as a number while a card is judged (worse is higher,
# as Rag.severity): comparing numbers costs less than looking severities up.
_GREEN, _AMBER, _RED = 1, 2, 3
_LEVEL_RAG = {_GREEN: Rag.GREEN, _AMBER: Rag.AMBER, _RED: Rag.RED}

_CANCELLED = MilestoneStatus.CANCELLED
_COMPLETE = MilestoneStatus.COMPLETE
_DELAYED = MilestoneStatus.DELAYED

#: Due-by dates by the date that gives year-less targets their year, then by target.
_DUE_BY: dict[date, dict[Any, date | None]] = {}
#: How many years, and targets per year, are remembered (enough for a council's
#: programmes; past it the dates are worked out each time, with the same answers).
_YEARS_KEPT = 16
_TARGETS_KEPT = 50_000
#: Not yet in the table (None means "no due-by date").
_UNKNOWN = object()


def _due_dates(year: date) -> dict[Any, date | None]:
    """The remembered due-by dates for targets read with ``year``'s year."""
    dates = _DUE_BY.get(year)
    if dates is None:
        if len(_DUE_BY) >= _YEARS_KEPT:
            _DUE_BY.clear()
        dates = _DUE_BY[year] = {}
    return dates


def _learn_due_by(target: Any, year: date, dates: dict[Any, date | None]) -> date | None:
    """The last day of the target's window; None when it has none (unread, open-ended)."""
    window = parse_target(target, year)
    due = window.end if window is not None else None
    if len(dates) < _TARGETS_KEPT:
        dates[target] = due
    return due


def _level(status: MilestoneStatus, due: date | None, red_before: date, amber_until: date) -> int:
    """The rule for one open milestone (not cancelled, not complete)."""
    if due is None:
        return _AMBER if status is _DELAYED else _GREEN
    if due < red_before:
        return _RED
    if due <= amber_until or status is _DELAYED:
        return _AMBER
    return _GREEN


def milestone_rag(milestone: Milestone, as_at: date, year_from: date | None = None) -> Rag | None:
    """The milestone's RAG as at ``as_at``; None when it is cancelled (ignored).

    Red when its window ended more than :data:`GRACE` before ``as_at``; Amber
    when it ends within :data:`GRACE` either side of it, or the milestone is
    delayed; Green otherwise (also a target with no end, unless delayed).
    ``year_from`` gives the year to targets written without one ("28-29
    January"); by default the as-at date does.
    """
    status = milestone.status
    if status is _CANCELLED:
        return None
    if status is _COMPLETE:
        return Rag.COMPLETE
    year = year_from or as_at
    dates = _due_dates(year)
    due = dates.get(milestone.target, _UNKNOWN)
    if due is _UNKNOWN:
        due = _learn_due_by(milestone.target, year, dates)
    return _LEVEL_RAG[_level(status, due, as_at - GRACE, as_at + GRACE)]  # type: ignore[arg-type]


_NO_MILESTONES = RagResult(Rag.GREEN, "No milestones")
_ALL_CANCELLED = RagResult(Rag.GREEN, "All milestones cancelled")
_ALL_COMPLETE = RagResult(Rag.COMPLETE, "All milestones complete")
_ALL_ON_TRACK = RagResult(Rag.GREEN, "All open milestones on track")


def derived_card_rag(card: Card, as_at: date, year_from: date | None = None) -> RagResult:
    """The card's RAG from its milestones alone, with the reason.

    The worst open milestone decides (each judged as :func:`milestone_rag`
    does; cancelled ones are ignored); the reason names the first three
    milestones of that colour.
    """
    milestones = card.milestones
    if not milestones:
        return _NO_MILESTONES
    year = year_from or as_at
    dates = _due_dates(year)
    red_before, amber_until = as_at - GRACE, as_at + GRACE
    rated = False
    worst = 0  # the worst open milestone's level so far; 0: none open yet
    culprits: list[Milestone] = []
    for milestone in milestones:
        status = milestone.status
        if status is _CANCELLED:
            continue
        rated = True
        if status is _COMPLETE:
            continue
        target = milestone.target
        due = dates.get(target, _UNKNOWN)
        if due is _UNKNOWN:
            due = _learn_due_by(target, year, dates)
        level = _level(status, due, red_before, amber_until)  # type: ignore[arg-type]
        if level > worst:
            worst, culprits = level, [milestone]
        elif level == worst:
            culprits.append(milestone)
    if not rated:
        return _ALL_CANCELLED
    if not worst:
        return _ALL_COMPLETE
    if worst == _GREEN:
        return _ALL_ON_TRACK
    rag = _LEVEL_RAG[worst]
    names = "; ".join(_describe(m) for m in culprits[:3])
    more = f" and {len(culprits) - 3} more" if len(culprits) > 3 else ""
    return RagResult(rag, f"{RAG_MEANINGS[rag]}: {names}{more}")


def card_rag(card: Card, as_at: date, year_from: date | None = None) -> RagResult:
    """The effective RAG: an officer's override wins and says so, with its reason."""
    derived = derived_card_rag(card, as_at, year_from)
    if card.rag_override is not None:
        reason = card.rag_override_reason or "no reason given"
        return RagResult(
            card.rag_override, f"Override: {reason}", overridden=True, derived=derived.rag
        )
    return RagResult(derived.rag, derived.reason, derived=derived.rag)


def _describe(milestone: Milestone) -> str:
    target = f" ({milestone.target})" if milestone.target else ""
    return f"{milestone.description}{target}"
