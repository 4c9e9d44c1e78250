"""The RAG rule, in one place, always as at a date.

Everything judges as at the current period's as-at date
(``domain.periods.report_as_at``), so the screen and the paper agree. Nothing
else in fowdesk decides a colour: the PDF, the workbook, the window and ``check`` all
call these two functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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


def milestone_rag(milestone: Milestone, as_at: date, year_from: date | None = None) -> Rag | None:
    """The milestone's RAG as at ``as_at``; None when it is cancelled (ignored).

    ``year_from`` gives the year to targets written without one ("28-29
    January"); by default the as-at date does.
    """
    if milestone.status is MilestoneStatus.CANCELLED:
        return None
    if milestone.status is MilestoneStatus.COMPLETE:
        return Rag.COMPLETE
    window = milestone.window(year_from or as_at)
    if window is None or window.end is None:
        return Rag.AMBER if milestone.status is MilestoneStatus.DELAYED else Rag.GREEN
    if window.end < as_at - GRACE:
        return Rag.RED
    if window.end <= as_at + GRACE or milestone.status is MilestoneStatus.DELAYED:
        return Rag.AMBER
    return Rag.GREEN


def derived_card_rag(card: Card, as_at: date, year_from: date | None = None) -> RagResult:
    """The card's RAG from its milestones alone, with the reason."""
    rated = [
        (m, r) for m in card.milestones if (r := milestone_rag(m, as_at, year_from)) is not None
    ]
    if not card.milestones:
        return RagResult(Rag.GREEN, "No milestones")
    if not rated:
        return RagResult(Rag.GREEN, "All milestones cancelled")
    if all(r is Rag.COMPLETE for _, r in rated):
        return RagResult(Rag.COMPLETE, "All milestones complete")
    worst = max((r for _, r in rated if r is not Rag.COMPLETE), key=lambda r: r.severity)
    culprits = [m for m, r in rated if r is worst]
    if worst is Rag.GREEN:
        return RagResult(Rag.GREEN, "All open milestones on track")
    names = "; ".join(_describe(m) for m in culprits[:3])
    more = f" and {len(culprits) - 3} more" if len(culprits) > 3 else ""
    if worst is Rag.RED:
        return RagResult(Rag.RED, f"{RAG_MEANINGS[Rag.RED]}: {names}{more}")
    return RagResult(Rag.AMBER, f"{RAG_MEANINGS[Rag.AMBER]}: {names}{more}")


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
