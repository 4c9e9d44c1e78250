"""The return's rows as plain values: what each sheet shows, before any workbook exists.

The writer (:mod:`fowdesk.exports.xlsx_return`) lays these rows out; the
export records the Recommendations and Milestones rows as the return's base;
the reader (:mod:`fowdesk.exports.xlsx_import`) works a row out again from
the database when a return's base is not kept. One place says what a cell
holds, so the three can never disagree. No openpyxl here.

:func:`return_sheets` cleans every text value once (control characters out,
line ends as "\\n") and checks it against Excel's cell limit in the same pass:
the rows it returns are what the cells hold, and the writer and the base take
them as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fowdesk.domain.changes import Change
from fowdesk.domain.leads import format_leads, normalise_code
from fowdesk.domain.model import Card, LeadRole, Milestone, Programme
from fowdesk.domain.narrative import BULLET, paragraphs_to_text
from fowdesk.domain.periods import report_as_at
from fowdesk.domain.rag import card_rag, milestone_rag
from fowdesk.domain.returns import ReturnBase
from fowdesk.errors import FowdeskError, InvalidInput
from fowdesk.exports.report_model import BENEFIT_LABEL
from fowdesk.exports.xlsx_columns import (
    CELL_LIMIT,
    CHANGE_COLUMNS,
    CHANGES,
    KEY,
    KEY_COLUMNS,
    MILESTONE_COLUMNS,
    MILESTONES,
    RECOMMENDATION_COLUMNS,
    RECOMMENDATIONS,
    Column,
)
from fowdesk.exports.xlsx_values import safe_text, value_text

#: What the Key sheet says of a lead code cards use that the programme's key lacks.
UNKNOWN_LEAD = "Not in the programme's key: ask the PMO to add it (Programme settings)"


@dataclass
class SheetRows:
    """One data sheet's rows, as plain values, before anything is written."""

    name: str
    columns: tuple[Column, ...]
    rows: list[list[Any]]


def cards_for_lead(programme: Programme, lead: str | None) -> list[Card]:
    """The cards a lead owns ("EDT/SSM" belongs to both), or all of them."""
    if not lead:
        return list(programme.cards)
    wanted = normalise_code(lead)
    return [c for c in programme.cards if any(normalise_code(x) == wanted for x in c.leads)]


def resolve_lead(programme: Programme, lead: str | None) -> str | None:
    """The lead code as the key (or the cards) spell it; an unknown code is an error."""
    if not lead:
        return None
    wanted = normalise_code(lead)
    known = [k.code for k in programme.lead_key] + [x for c in programme.cards for x in c.leads]
    for code in known:
        if normalise_code(code) == wanted:
            return code
    codes = ", ".join(k.code for k in programme.lead_key) or "none"
    raise InvalidInput(f"no lead {lead!r} in {programme.code} (the key's codes: {codes})")


def see_point(card: Card) -> str:
    """The card's cross-reference as the report prints it below the progress ("See point 17")."""
    return f"See point {card.cross_reference}" if card.cross_reference else ""


def progress_text(card: Card, period_label: str) -> str:
    """Progress to date as its cell holds it: the period's lines, then "See point 17".

    The import takes the "See point" line back off (:func:`without_see_point`):
    the cross-reference is the card's, not part of what the officer writes.
    """
    text = paragraphs_to_text(card.progress_for(period_label))
    pointer = see_point(card)
    if not pointer:
        return text
    return f"{text}\n{pointer}" if text else pointer


def without_see_point(text: str, card: Card) -> tuple[str, bool]:
    """A Progress to date cell without the card's "See point" line, and whether it had one."""
    pointer = see_point(card)
    if not pointer:
        return text, False
    lines = text.rstrip().split("\n")
    if lines and " ".join(lines[-1].split()).casefold() == pointer.casefold():
        return "\n".join(lines[:-1]), True
    return text, False


def deliverables_text(card: Card) -> str:
    """The card's deliverables, one a line ("• " for bullets), each benefit under it."""
    lines = []
    for deliverable in card.deliverables:
        lines.append((BULLET if deliverable.bulleted else "") + deliverable.text)
        if deliverable.benefit:
            lines.append(f"{BENEFIT_LABEL} {deliverable.benefit}")
    return "\n".join(lines)


def recommendation_values(
    card: Card, as_at: date, period_label: str, previous_rag: str, last_period_label: str = ""
) -> dict[str, Any]:
    """One card as the Recommendations sheet shows it (the reader compares against this)."""
    last = card.progress_for(last_period_label) if last_period_label else []
    return {
        "ref": card.ref,
        "title": card.title,
        "deliverables": deliverables_text(card),
        "theme": card.theme or "",
        "lead": format_leads(card.leads),
        "rag": str(card_rag(card, as_at, as_at).rag),
        "previous_rag": previous_rag,
        "rag_override": str(card.rag_override) if card.rag_override else "",
        "rag_override_reason": card.rag_override_reason,
        "status": str(card.status),
        "progress_last": paragraphs_to_text(last),
        "progress": progress_text(card, period_label),
        "next_steps": card.next_steps_text,
        "updated": card.updated_at,
        "id": card.uuid,
        "version": card.version,
    }


def last_period_label(programme: Programme, period_label: str) -> str:
    """The label of the period before ``period_label`` ("" for the first)."""
    previous = programme.previous_period(period_label)
    return previous.label if previous else ""


def recommendation_rows(
    programme: Programme, cards: Sequence[Card], previous_rags: dict[str, str]
) -> list[list[Any]]:
    as_at = report_as_at(programme)
    label = programme.current_period.label if programme.current_period else ""
    last_label = last_period_label(programme, label)
    rows = []
    for card in cards:
        values = recommendation_values(
            card, as_at, label, previous_rags.get(card.uuid) or "", last_label
        )
        rows.append([values[c.key] for c in RECOMMENDATION_COLUMNS])
    return rows


def milestone_values(milestone: Milestone, card: Card, as_at: date) -> dict[str, Any]:
    """One milestone as the Milestones sheet shows it (the reader compares against this)."""
    window = milestone.window(as_at)
    rag = milestone_rag(milestone, as_at, as_at)
    revised = milestone.revision_count > 0
    return {
        "ref": card.ref,
        "card_title": card.title,
        "card_lead": format_leads(card.leads),
        "description": milestone.description,
        "target": milestone.target,
        "due_by": window.end if window else None,
        "status": str(milestone.status),
        "rag": str(rag) if rag else "",
        "completed_on": milestone.completed_on,
        "original_target": milestone.baseline_target if revised else "",
        "slippage": milestone.slippage_days(as_at) if revised else None,
        "revisions": milestone.revision_count,
        "reason": milestone.revisions[-1].reason if revised else "",
        "notes": milestone.notes,
        "id": milestone.uuid,
        "version": milestone.version,
    }


def milestone_rows(programme: Programme, cards: Sequence[Card]) -> list[list[Any]]:
    as_at = report_as_at(programme)
    rows = []
    for card in cards:
        for milestone in card.milestones:
            values = milestone_values(milestone, card, as_at)
            rows.append([values[c.key] for c in MILESTONE_COLUMNS])
    return rows


def change_rows(
    programme: Programme, changes: Iterable[Change], refs: set[str] | None
) -> list[list[Any]]:
    rows = [
        [c.ref, c.what, c.was, c.now, c.when, c.by]
        for c in changes
        if refs is None or c.ref in refs
    ]
    if rows:
        return rows
    published = programme.latest_published_period
    if published is None:
        line = "No report has been published yet, so there is nothing to compare with."
    else:
        line = f"No changes since the last published report ({published.label})."
    return [["", line, "", "", None, ""]]


def key_entries(programme: Programme, cards: Sequence[Card]) -> list[LeadRole]:
    """The programme's key, then each code the cards use that it lacks (marked unknown)."""
    entries = list(programme.lead_key)
    known = {normalise_code(k.code) for k in entries}
    for card in cards:
        for code in card.leads:
            if code.strip() and normalise_code(code) not in known:
                known.add(normalise_code(code))
                entries.append(LeadRole(code.strip(), UNKNOWN_LEAD))
    return entries


def key_rows(programme: Programme, cards: Sequence[Card]) -> list[list[Any]]:
    rows = []
    for entry in key_entries(programme, cards):
        values = {"code": entry.code, "role": entry.role, "email": entry.email}
        rows.append([values[c.key] for c in KEY_COLUMNS])
    return rows


def clean_rows(sheet: SheetRows) -> None:
    """Clean every text value in place, refusing one over Excel's cell limit (one pass).

    openpyxl would cut longer text silently; nothing is written before this says so.
    """
    headed_by_ref = sheet.columns[0].key == "ref"
    for row_number, row in enumerate(sheet.rows, start=2):
        for index, value in enumerate(row):
            if not isinstance(value, str) or not value:
                continue
            text = safe_text(value)
            if len(text) > CELL_LIMIT:
                ref = f" (Ref {row[0]})" if headed_by_ref and row[0] else ""
                raise FowdeskError(
                    f"{sheet.name} row {row_number}{ref}, column {sheet.columns[index].header}: "
                    f"{len(value):,} characters, more than an Excel cell holds "
                    f"({CELL_LIMIT:,}); shorten it before exporting"
                )
            row[index] = text


def return_sheets(
    programme: Programme,
    changes: Iterable[Change],
    *,
    lead: str | None = None,
    previous_rags: dict[str, str] | None = None,
) -> list[SheetRows]:
    """The four data sheets' rows as plain values, cleaned and checked against Excel's limit."""
    cards = cards_for_lead(programme, lead)
    refs = {c.ref for c in cards} if lead else None
    sheets = [
        SheetRows(
            RECOMMENDATIONS,
            RECOMMENDATION_COLUMNS,
            recommendation_rows(programme, cards, previous_rags or {}),
        ),
        SheetRows(MILESTONES, MILESTONE_COLUMNS, milestone_rows(programme, cards)),
        SheetRows(CHANGES, CHANGE_COLUMNS, change_rows(programme, changes, refs)),
        SheetRows(KEY, KEY_COLUMNS, key_rows(programme, cards)),
    ]
    for sheet in sheets:
        clean_rows(sheet)
    return sheets


def return_base(sheets: Sequence[SheetRows]) -> ReturnBase:
    """Every cell of the Recommendations and Milestones rows as written, by row ID.

    The rows' text is clean already (:func:`clean_rows`): only stripped here, as
    :func:`~fowdesk.exports.xlsx_values.value_text` would.
    """
    base = ReturnBase()
    for sheet in sheets:
        if sheet.name not in (RECOMMENDATIONS, MILESTONES):
            continue
        keys = [column.key for column in sheet.columns]
        rows = base.sheets.setdefault(sheet.name, {})
        for row in sheet.rows:
            values = {
                key: value.strip() if isinstance(value, str) else value_text(value)
                for key, value in zip(keys, row, strict=True)
            }
            rows[values.pop("id")] = values
    return base
