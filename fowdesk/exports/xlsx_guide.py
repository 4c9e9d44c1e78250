"""What the return says about itself: its Instructions sheet and the Key's statuses and RAG rule.

Plain text, no openpyxl: the writer lays it out. The lists of what to fill in
and what not to touch come from the one column list
(:mod:`fowdesk.exports.xlsx_columns`), the statuses from the domain's enums
and the RAG rule from :mod:`fowdesk.domain.rag`, so the words cannot drift
from what the import and the report do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fowdesk.domain.model import CardStatus, MilestoneStatus, Rag
from fowdesk.domain.rag import GRACE, RAG_MEANINGS
from fowdesk.exports.xlsx_columns import (
    MILESTONE_COLUMNS,
    MILESTONES,
    RECOMMENDATION_COLUMNS,
    RECOMMENDATIONS,
    SUMMARY,
    Column,
)


@dataclass(frozen=True)
class GuideLine:
    """One row of the Instructions sheet: a label in the first column, its text beside it."""

    label: str
    text: str
    heading: bool = False


def _headers(columns: tuple[Column, ...], *, editable: bool) -> str:
    chosen = [c.header for c in columns if not c.hidden and (c.editable == editable)]
    return ", ".join(chosen)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _statuses(statuses: type[CardStatus] | type[MilestoneStatus]) -> str:
    return ", ".join(str(status) for status in statuses)


def rag_rule_lines(as_at: date) -> list[tuple[Rag | None, str]]:
    """The RAG rule in words, a line for each letter, then how a recommendation takes its RAG."""
    days = GRACE.days
    return [
        (
            Rag.RED,
            f"{RAG_MEANINGS[Rag.RED]}: the end of a milestone's Target passed more than {days} "
            f"days before {as_at:%d/%m/%Y}.",
        ),
        (
            Rag.AMBER,
            f"{RAG_MEANINGS[Rag.AMBER]}: its Target ends within {days} days of "
            f"{as_at:%d/%m/%Y} (before or after), or its Status is Delayed.",
        ),
        (
            Rag.GREEN,
            f"{RAG_MEANINGS[Rag.GREEN]}: due later, or a Target with no date in it.",
        ),
        (Rag.COMPLETE, f"{RAG_MEANINGS[Rag.COMPLETE]}: the milestone's Status is Complete."),
        (
            None,
            "A Cancelled milestone is not rated. A recommendation takes the worst RAG of its "
            "open milestones (Complete when all are complete; Green when it has none). To "
            "report another RAG, put it in RAG override and say why in Override reason.",
        ),
    ]


def milestone_status_note(status: MilestoneStatus) -> str:
    """What a milestone status does to the RAG, for the Key sheet."""
    return {
        MilestoneStatus.NOT_STARTED: "rated by its Target",
        MilestoneStatus.IN_PROGRESS: "rated by its Target",
        MilestoneStatus.COMPLETE: "rated Complete (C); give the date in Completed on",
        MilestoneStatus.DELAYED: "Amber (A) at least, Red (R) once well overdue",
        MilestoneStatus.CANCELLED: "not rated; the row stays (do not delete it)",
    }[status]


def instructions(
    *,
    returns_to: str,
    return_id: str | None,
    exported: str,
    lead: str | None,
    cards: int,
    milestones: int,
) -> list[GuideLine]:
    """The Instructions sheet's rows, after its title and facts."""
    send_to = returns_to.strip() or (
        "the PMO officer who sent it to you (no address is set in fowdesk's Programme settings)"
    )
    lines = [
        GuideLine("Send it back to", send_to),
        GuideLine(
            "This return",
            (f"Return ID {return_id}, exported {exported}" if return_id else f"Exported {exported}")
            + (f" for lead {lead}" if lead else "")
            + f": {_count(cards, 'recommendation')} and {_count(milestones, 'milestone')}. "
            "Keep the file as .xlsx (its name can change): fowdesk knows the return by its ID.",
        ),
        GuideLine("What to fill in", "", heading=True),
        GuideLine(
            RECOMMENDATIONS,
            _headers(RECOMMENDATION_COLUMNS, editable=True)
            + ". Progress to date is this period's narrative: one point a line (start a "
            "line with • or - for a bullet); Progress last period beside it is what was "
            'reported last time, to copy from. A cell ending "See point 17" is the '
            "report's cross-reference: write above it and leave it in.",
        ),
        GuideLine(
            MILESTONES,
            _headers(MILESTONE_COLUMNS, editable=True)
            + '. Target is your own words ("March 2020", "Spring 2021", "May 2020 to '
            'August 2022"). A new Target needs a Reason for change; fowdesk keeps the '
            "original target and counts the revisions.",
        ),
        GuideLine("Dates", "Type dates as dd/mm/yyyy, e.g. 31/03/2020."),
        GuideLine(
            "Add a milestone",
            "Type it in the first empty row under the Milestones table (or insert a row in "
            "it): the recommendation's Ref, the Milestone, its Target and Status. Leave ID "
            "and Version blank: a row with no ID is a new milestone.",
        ),
        GuideLine(
            "Cancel a milestone",
            "Set its Status to Cancelled and say why in Notes. Do not delete the row: a "
            "deleted row is not deleted in fowdesk, only listed when the return is imported.",
        ),
        GuideLine("What not to touch", "", heading=True),
        GuideLine(
            "Grey columns",
            "Worked out or kept by fowdesk, for reading and filtering; an edit to one is "
            "not imported (the import lists it). Each grey heading's comment says why. "
            f"{RECOMMENDATIONS}: {_headers(RECOMMENDATION_COLUMNS, editable=False)}. "
            f"{MILESTONES}: {_headers(MILESTONE_COLUMNS, editable=False)}.",
        ),
        GuideLine(
            "ID and Version",
            "The hidden grey columns at the right tie each row to fowdesk: leave them as "
            "they are and never copy a row's ID to another row.",
        ),
        GuideLine(
            "Sheets and headings",
            "Keep the sheet names and the column headings. Sorting, filtering, widening "
            "columns and adding rows are all fine.",
        ),
        GuideLine(
            SUMMARY,
            "Its counts are formulas over the Recommendations and Milestones sheets, so they "
            "follow your edits; the import does not read them.",
        ),
        GuideLine("Statuses", "", heading=True),
        GuideLine(RECOMMENDATIONS, _statuses(CardStatus) + "."),
        GuideLine(MILESTONES, _statuses(MilestoneStatus) + "."),
    ]
    return lines
