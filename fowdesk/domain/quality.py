"""Data-quality notes: what a PMO officer should fix, as ``fowdesk check`` lists it."""

from __future__ import annotations

from datetime import date

from fowdesk.domain.dates import target_is_understood
from fowdesk.domain.leads import normalise_code
from fowdesk.domain.model import Card, MilestoneStatus, Programme


def unknown_lead_codes(programme: Programme) -> dict[str, list[Card]]:
    """Lead codes cards use that the lead-role key lacks (the seed's "SLE"), with their cards.

    A programme with no key at all has nothing to check against: empty.
    """
    key = {normalise_code(k.code) for k in programme.lead_key}
    unknown: dict[str, list[Card]] = {}
    if not key:
        return unknown
    for card in programme.cards:
        for lead in card.leads:
            if normalise_code(lead) not in key:
                unknown.setdefault(lead, []).append(card)
    return unknown


def quality_notes(programme: Programme, as_at: date) -> list[str]:
    """Readable notes for one programme, with milestones judged as at ``as_at``."""
    notes: list[str] = []
    code = programme.code
    year_from = programme.current_period.as_at if programme.current_period else as_at
    if programme.lead_key:
        for card in programme.cards:
            if not card.leads:
                notes.append(f"{code} rec {card.ref}: has no lead")
        for lead, cards in unknown_lead_codes(programme).items():
            refs = ", ".join(card.ref for card in cards)
            notes.append(
                f"{code}: lead code {lead!r} is used (rec {refs}) but missing "
                "from the lead-role key"
            )
    known_refs = {card.ref for card in programme.cards}
    for card in programme.cards:
        if card.cross_reference and card.cross_reference not in known_refs:
            notes.append(
                f"{code} rec {card.ref}: refers to point {card.cross_reference}, which does "
                "not exist"
            )
        for milestone in card.milestones:
            if milestone.completed_on and milestone.status is not MilestoneStatus.COMPLETE:
                notes.append(
                    f"{code} rec {card.ref}: milestone {milestone.description!r} has a completion "
                    f"date ({milestone.completed_on:%d/%m/%Y}) but its status is "
                    f"{milestone.status}, not Complete"
                )
            if milestone.status is MilestoneStatus.CANCELLED:
                continue
            if not target_is_understood(milestone.target):
                notes.append(
                    f"{code} rec {card.ref}: milestone {milestone.description!r} has a target "
                    f"that cannot be read as a date: {milestone.target!r}"
                )
                continue
            window = milestone.window(year_from)
            if (
                window is not None
                and window.end is not None
                and window.end < as_at
                and milestone.status is not MilestoneStatus.COMPLETE
            ):
                notes.append(
                    f"{code} rec {card.ref}: milestone {milestone.description!r} "
                    f"({milestone.target}) was due by {window.end:%d/%m/%Y} and is not complete "
                    f"as at {as_at:%d/%m/%Y}"
                )
    return notes
