"""The programme's content as plain dataclasses.

These are what every layer passes around: the repository builds them from the
SQLite file, the exports read them, the window shows them. They carry no
database handles, so a frozen snapshot can be turned back into the same
objects and printed exactly as it was reported.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from fowdesk.domain.dates import TargetWindow, parse_target


class CardStatus(StrEnum):
    """Where a recommendation card stands, as an officer reports it."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    ON_HOLD = "On hold"
    COMPLETE = "Complete"
    CLOSED = "Closed"


class MilestoneStatus(StrEnum):
    """Where a milestone stands; Delayed and Cancelled feed the RAG rule."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETE = "Complete"
    DELAYED = "Delayed"
    CANCELLED = "Cancelled"


class Rag(StrEnum):
    """RAG as the letter that is always printed beside the colour."""

    RED = "R"
    AMBER = "A"
    GREEN = "G"
    COMPLETE = "C"

    @property
    def label(self) -> str:
        return _RAG_LABELS[self]

    @property
    def severity(self) -> int:
        """Higher is worse: Red > Amber > Green > Complete."""
        return _RAG_SEVERITY[self]

    @classmethod
    def from_text(cls, text: str) -> Rag | None:
        """Accept a letter ("A") or a word ("Amber"), any case; None if neither."""
        cleaned = text.strip().casefold()
        for rag in cls:
            if cleaned in (rag.value.casefold(), rag.label.casefold()):
                return rag
        return None


_RAG_LABELS = {Rag.RED: "Red", Rag.AMBER: "Amber", Rag.GREEN: "Green", Rag.COMPLETE: "Complete"}
_RAG_SEVERITY = {Rag.COMPLETE: 0, Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}

#: The colours RAG is drawn in, shared by the PDF, the workbook and the window.
RAG_COLOURS = {
    Rag.RED: "#C0392B",
    Rag.AMBER: "#E6A117",
    Rag.GREEN: "#2E8B57",
    Rag.COMPLETE: "#2F6DB5",
}


def new_uuid() -> str:
    return str(uuid_module.uuid4())


@dataclass
class LeadRole:
    """One entry of the programme's lead-role key (code → role, and where returns go)."""

    code: str
    role: str
    #: The lead's e-mail address for their return ("" when the key has none).
    email: str = ""


@dataclass
class Paragraph:
    """One paragraph of a narrative or introduction; most are bullets."""

    text: str
    bulleted: bool = True


@dataclass
class Deliverable:
    """An agreed deliverable under a card's title, with its optional "So that…" benefit."""

    text: str
    bulleted: bool = True
    benefit: str | None = None


@dataclass
class Period:
    """A reporting period. Publishing it freezes the report as sent to committee.

    ``seeded`` marks a period that came published with the shipped seed: its
    ``published_at`` is when the database was created, not when a committee
    saw it, so it is shown as "published (seeded)".
    """

    label: str
    as_at: date
    meeting: str = ""
    published: bool = False
    published_at: datetime | None = None
    seeded: bool = False


@dataclass
class MilestoneRevision:
    """One change of a milestone's target, with the reason the officer gave."""

    old_target: str
    new_target: str
    reason: str
    changed_at: datetime
    changed_by: str


@dataclass
class Milestone:
    """A dated (or undated) next step of a card.

    ``target`` is the officer's own words; the window is parsed from it when
    needed, never stored in its place. ``original_target`` is the baseline,
    kept from the first time the target was revised.
    """

    description: str
    target: str = ""
    status: MilestoneStatus = MilestoneStatus.NOT_STARTED
    completed_on: date | None = None
    notes: str = ""
    original_target: str | None = None
    revisions: list[MilestoneRevision] = field(default_factory=list)
    uuid: str = field(default_factory=new_uuid)
    version: int = 1
    position: int = 0

    def window(self, as_at: date | None) -> TargetWindow | None:
        """The parsed target window; ``as_at`` supplies the year to "28-29 January"."""
        return parse_target(self.target, as_at)

    def original_window(self, as_at: date | None) -> TargetWindow | None:
        return parse_target(self.baseline_target, as_at)

    @property
    def baseline_target(self) -> str:
        return self.original_target if self.original_target is not None else self.target

    @property
    def revision_count(self) -> int:
        return len(self.revisions)

    def slippage_days(self, as_at: date | None) -> int | None:
        """Due-by date now minus due-by date of the original target, in days."""
        now, then = self.window(as_at), self.original_window(as_at)
        if now is None or then is None or now.end is None or then.end is None:
            return None
        return (now.end - then.end).days


@dataclass
class Card:
    """A recommendation card: one row of the report's table."""

    ref: str
    title: str
    deliverables: list[Deliverable] = field(default_factory=list)
    theme: str | None = None
    leads: list[str] = field(default_factory=list)
    status: CardStatus = CardStatus.NOT_STARTED
    rag_override: Rag | None = None
    rag_override_reason: str = ""
    progress: dict[str, list[Paragraph]] = field(default_factory=dict)
    next_steps_text: str = ""
    cross_reference: str | None = None
    milestones: list[Milestone] = field(default_factory=list)
    uuid: str = field(default_factory=new_uuid)
    version: int = 1
    position: int = 0
    updated_at: datetime | None = None

    def progress_for(self, period_label: str) -> list[Paragraph]:
        return self.progress.get(period_label, [])


@dataclass
class Programme:
    """A programme and everything in it, as one report would print it."""

    code: str
    title: str
    report_title: str = ""
    introduction: list[Paragraph] = field(default_factory=list)
    column_headings: list[str] = field(
        default_factory=lambda: [
            "Recommendation / agreed deliverable",
            "Lead",
            "Progress to date",
            "Next steps",
        ]
    )
    themes: list[str] = field(default_factory=list)
    lead_key: list[LeadRole] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    #: Who officers send their Excel return back to ("Jo Bloggs, PMO – pmo@…"); free text.
    returns_to: str = ""

    @property
    def current_period(self) -> Period | None:
        """The newest period: the one officers are writing in now."""
        return self.periods[-1] if self.periods else None

    def period(self, label: str) -> Period | None:
        return next((p for p in self.periods if p.label == label), None)

    def previous_period(self, label: str) -> Period | None:
        labels = [p.label for p in self.periods]
        if label not in labels:
            return None
        index = labels.index(label)
        return self.periods[index - 1] if index > 0 else None

    @property
    def latest_published_period(self) -> Period | None:
        published = [p for p in self.periods if p.published]
        return published[-1] if published else None

    def card(self, ref: str) -> Card | None:
        return next((c for c in self.cards if c.ref == ref), None)

    def lead_role(self, code: str) -> str | None:
        return next((k.role for k in self.lead_key if k.code == code), None)

    def lead_email(self, code: str) -> str:
        return next((k.email for k in self.lead_key if k.code == code), "")


@dataclass
class AuditEntry:
    """One field change. Never edited, never deleted."""

    at: datetime
    who: str
    source: str
    table: str
    row_uuid: str
    field: str
    old: str | None
    new: str | None
    author: str = ""
