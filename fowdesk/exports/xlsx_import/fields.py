"""What a cell means for one field: text, a date, a status, a RAG, leads, a narrative.

Each reader takes a cell's saved value (or the same field's value in the
return's base, which is text) and gives a :class:`Parsed`: the form two
values of the field are compared in, the value the repository stores, and
how the preview shows it. A value that cannot mean anything for its field
raises :class:`FieldError`, whose message quotes it, so the officer can
find and fix the cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from fowdesk.domain.change_set import FieldValue
from fowdesk.domain.dates import parse_uk_date
from fowdesk.domain.leads import format_leads, parse_leads
from fowdesk.domain.limits import TITLE_MAX_CHARS
from fowdesk.domain.model import CardStatus, MilestoneStatus, Rag
from fowdesk.domain.narrative import paragraphs_from_text, paragraphs_to_text
from fowdesk.exports.xlsx_import.cells import CellValue
from fowdesk.exports.xlsx_values import safe_text

StatusT = TypeVar("StatusT", CardStatus, MilestoneStatus)


class FieldError(ValueError):
    """The cell's value cannot be used for its field; the message says why, quoting it."""


@dataclass(frozen=True)
class Parsed:
    """A field's value three ways: compared, stored, shown."""

    compared: str
    value: FieldValue
    shown: str


def cell_text(value: CellValue) -> str:
    """A cell as the text an officer sees in it (dates as dd/mm/yyyy)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return f"{value:%d/%m/%Y}"
        return f"{value:%d/%m/%Y %H:%M}"
    return safe_text(value).strip()


def text(value: CellValue) -> Parsed:
    shown = cell_text(value)
    return Parsed(shown, shown, shown)


def title(value: CellValue) -> Parsed:
    """A recommendation's title: text, no longer than the window lets one be."""
    parsed = text(value)
    if len(parsed.compared) > TITLE_MAX_CHARS:
        raise FieldError(
            f"{len(parsed.compared)} characters, more than a title's {TITLE_MAX_CHARS}; "
            "shorten it (the detail belongs in the deliverables or the narrative)"
        )
    return parsed


def _iso_or_uk_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return parse_uk_date(raw)


def a_date(value: CellValue) -> Parsed:
    """A date cell (a real date, or text written dd/mm/yyyy); blank is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Parsed("", None, "")
    found: date | None
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, str):
        found = _iso_or_uk_date(value.strip())
    else:
        found = None
    if found is None:
        raise FieldError(f"{cell_text(value)!r} is not a date (write it as dd/mm/yyyy)")
    return Parsed(found.isoformat(), found, f"{found:%d/%m/%Y}")


#: Each status list by its spelling with case and spacing forgiven ("not  started").
_CARD_STATUSES = {s.value.casefold(): s for s in CardStatus}
_MILESTONE_STATUSES = {s.value.casefold(): s for s in MilestoneStatus}


def _status(
    value: CellValue, statuses: dict[str, StatusT], *, blank_ok: bool, blank_as: str
) -> Parsed:
    shown = cell_text(value)
    choices = ", ".join(s.value for s in statuses.values())
    if not shown:
        if not blank_ok:
            raise FieldError(f"blank; a status is needed (use {choices})")
        if not blank_as:
            return Parsed("", None, "")
        shown = blank_as
    status = statuses.get(" ".join(shown.split()).casefold())
    if status is None:
        raise FieldError(f"unknown status {shown!r} (use {choices})")
    return Parsed(status.value, status, status.value)


def card_status(value: CellValue, *, blank_ok: bool = False, blank_as: str = "") -> Parsed:
    """A recommendation's Status; blank is an error unless ``blank_ok`` (then ``blank_as``)."""
    return _status(value, _CARD_STATUSES, blank_ok=blank_ok, blank_as=blank_as)


def milestone_status(value: CellValue, *, blank_ok: bool = False, blank_as: str = "") -> Parsed:
    """A milestone's Status; blank is an error unless ``blank_ok`` (then ``blank_as``)."""
    return _status(value, _MILESTONE_STATUSES, blank_ok=blank_ok, blank_as=blank_as)


def rag_override(value: CellValue) -> Parsed:
    shown = cell_text(value)
    if not shown:
        return Parsed("", None, "")
    rag = Rag.from_text(shown)
    if rag is None:
        raise FieldError(f"{shown!r} is not a RAG (use R, A, G or C, or leave it blank)")
    return Parsed(rag.value, rag, rag.value)


def leads(value: CellValue, key_codes: list[str]) -> Parsed:
    found = parse_leads(cell_text(value), key_codes)
    shown = format_leads(found)
    return Parsed(shown, found, shown)


def progress(value: CellValue) -> Parsed:
    paragraphs = paragraphs_from_text(safe_text(value) if value is not None else "")
    shown = paragraphs_to_text(paragraphs)
    return Parsed(shown, paragraphs, shown)


def theme(value: CellValue, themes: list[str]) -> Parsed:
    shown = cell_text(value)
    if not shown:
        return Parsed("", None, "")
    wanted = " ".join(shown.split()).casefold()
    for name in themes:
        if name.casefold() == wanted:
            return Parsed(name, name, name)
    listed = "; ".join(themes) or "none"
    raise FieldError(f"no theme {shown!r} in this programme (themes: {listed})")
