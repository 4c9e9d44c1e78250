"""The programme at a glance: RAG and status counts, overdue and upcoming milestones.

The window's dashboard, the PDF's summary page and the workbook's Summary
sheet all describe the same thing, so they all ask this module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from fowdesk.domain.model import Card, CardStatus, Milestone, MilestoneStatus, Programme, Rag
from fowdesk.domain.rag import card_rag

#: "Upcoming" means due within this many days of the as-at date.
UPCOMING_DAYS = 30


@dataclass(frozen=True)
class MilestoneDue:
    """A milestone with the card it belongs to and the date it is due by."""

    card_ref: str
    card_uuid: str
    milestone: Milestone
    due_by: date
    days: int  # positive: days overdue; for upcoming, days until due


@dataclass
class ProgrammeSummary:
    as_at: date
    rag_counts: Counter[Rag] = field(default_factory=Counter)
    status_counts: Counter[CardStatus] = field(default_factory=Counter)
    overdue: list[MilestoneDue] = field(default_factory=list)
    upcoming: list[MilestoneDue] = field(default_factory=list)
    not_updated: list[Card] = field(default_factory=list)

    @property
    def card_count(self) -> int:
        return sum(self.rag_counts.values())


def _is_open(milestone: Milestone) -> bool:
    return milestone.status not in (MilestoneStatus.COMPLETE, MilestoneStatus.CANCELLED)


def summarise(
    programme: Programme,
    as_at: date,
    *,
    period_label: str | None = None,
    upcoming_days: int = UPCOMING_DAYS,
    cards: Sequence[Card] | None = None,
    rags: Mapping[str, Rag] | None = None,
) -> ProgrammeSummary:
    """Count and list what a reader needs first, judged as at ``as_at``.

    ``period_label`` (default: the current period) decides which cards count
    as "no update this period": those with no narrative for it. ``cards``
    (default: all the programme's) narrows it, e.g. to one lead's return.
    ``rags`` gives the RAG already judged as at ``as_at`` for each card uuid
    (the window's list has judged every card): those are counted as given,
    not judged again; a card missing from it is judged here.
    """
    period = programme.period(period_label) if period_label else programme.current_period
    year_from = period.as_at if period else as_at
    summary = ProgrammeSummary(as_at=as_at)
    horizon = as_at + timedelta(days=upcoming_days)
    judged = rags or {}
    for card in programme.cards if cards is None else cards:
        rag = judged.get(card.uuid)
        summary.rag_counts[card_rag(card, as_at, year_from).rag if rag is None else rag] += 1
        summary.status_counts[card.status] += 1
        if (
            period is not None
            and not card.progress_for(period.label)
            and not (card.cross_reference)
        ):
            summary.not_updated.append(card)
        for milestone in card.milestones:
            window = milestone.window(year_from)
            if not _is_open(milestone) or window is None or window.end is None:
                continue
            if window.end < as_at:
                summary.overdue.append(
                    MilestoneDue(
                        card.ref, card.uuid, milestone, window.end, (as_at - window.end).days
                    )
                )
            elif window.end <= horizon:
                summary.upcoming.append(
                    MilestoneDue(
                        card.ref, card.uuid, milestone, window.end, (window.end - as_at).days
                    )
                )
    summary.overdue.sort(key=lambda d: (d.due_by, d.card_ref))
    summary.upcoming.sort(key=lambda d: (d.due_by, d.card_ref))
    return summary
