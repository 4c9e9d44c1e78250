"""What importing a return would do, before anything is written: the change set.

The Excel import builds one (:mod:`fowdesk.exports.xlsx_import`), the preview
shows it (CLI text or the window), and the repository applies it in one
transaction (:meth:`fowdesk.storage.repository.Repository.apply`). Every edit
in the return ends up in exactly one place here: applied (``updates``,
``new_rows``), a ``conflict`` someone must settle, or ``not_taken`` with the
reason why; cells that cannot be read at all are ``problems``, and while
there are any nothing may be applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from fowdesk.domain.model import CardStatus, MilestoneStatus, Paragraph, Programme, Rag
from fowdesk.domain.periods import propose_next_period
from fowdesk.domain.returns import ImportRecord, ReturnImport


class RowKind(StrEnum):
    RECOMMENDATION = "Recommendation"
    MILESTONE = "Milestone"


#: A value as the repository stores it: text, a date, a status, a RAG, leads, paragraphs.
FieldValue = str | date | Rag | CardStatus | MilestoneStatus | list[str] | list[Paragraph] | None


@dataclass(frozen=True)
class Place:
    """Where in the return a row is: the sheet's name as the officer sees it, and the row."""

    sheet: str
    row: int

    def __str__(self) -> str:
        return f"{self.sheet} row {self.row}"


@dataclass
class FieldChange:
    """One field of one row: what the database holds (``was``), what it would become."""

    key: str  #: the repository's name for the field ("status", "progress", "target", …)
    label: str  #: the column header the officer saw
    was: str
    now: str
    value: FieldValue  #: what is stored


def short(text: str, limit: int = 60) -> str:
    """One line of at most ``limit`` characters, for previews."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class RowChange:
    """A changed or new recommendation or milestone."""

    kind: RowKind
    place: Place
    ref: str
    subject: str
    uuid: str
    fields: list[FieldChange]
    is_new: bool = False
    #: A milestone's recommendation.
    card_uuid: str = ""
    #: The row's version when the return was read: applying refuses a row that moved since.
    expected_version: int | None = None
    #: The "Reason for change" given with a new target.
    reason: str = ""
    #: The target changed and the return gave no reason (the window may ask for one).
    redated_without_reason: bool = False
    #: A new milestone goes after this milestone of its card (an ID), or else before
    #: ``before``, or else at the card's end.
    after: str | None = None
    before: str | None = None

    @property
    def is_milestone(self) -> bool:
        return self.kind is RowKind.MILESTONE

    @property
    def what(self) -> str:
        if self.is_milestone:
            return f'Milestone on {self.ref}, "{short(self.subject)}"'
        return f'Recommendation {self.ref} "{short(self.subject)}"'

    def value(self, key: str) -> FieldValue:
        return next((f.value for f in self.fields if f.key == key), None)

    def change(self, key: str) -> FieldChange | None:
        return next((f for f in self.fields if f.key == key), None)

    @property
    def new_target(self) -> str | None:
        change = self.change("target")
        return None if change is None or self.is_new else str(change.value or "")


class Resolution(StrEnum):
    """How a conflict is settled; the command line always keeps the database's value."""

    KEEP_DATABASE = "Keep the database's"
    TAKE_RETURN = "Take the return's value"


@dataclass
class Conflict:
    """A field the return and the database both changed since the export, differently."""

    kind: RowKind
    place: Place
    ref: str
    subject: str
    uuid: str
    #: What taking the return's value would do: ``was`` is the database's, ``now`` the return's.
    change: FieldChange
    #: The value when the return was exported ("" if not known).
    base: str
    expected_version: int | None
    card_uuid: str = ""
    changed_by: str = ""
    changed_at: datetime | None = None
    reason: str = ""
    #: The return's value in the form the merge compares (remembered when it is taken).
    return_text: str = ""
    resolution: Resolution = Resolution.KEEP_DATABASE

    @property
    def label(self) -> str:
        return self.change.label

    @property
    def what(self) -> str:
        kind = "milestone on" if self.kind is RowKind.MILESTONE else "recommendation"
        return f'{kind} {self.ref} "{short(self.subject)}"'


@dataclass(frozen=True)
class NotTaken:
    """An edit in the return that is not applied, and why."""

    place: Place
    ref: str
    column: str
    value: str
    why: str
    #: The row, as the preview names it ('Milestone on 5, "Benchmark…"').
    what: str = ""

    def __str__(self) -> str:
        shown = f"{short(self.value, 80)!r}" if self.value else "(blank)"
        return f"{self.place}, {self.column}: {shown} – {self.why}"


@dataclass(frozen=True)
class MissingRow:
    """A row the return was exported with and no longer has: listed, never deleted."""

    kind: RowKind
    ref: str
    subject: str
    uuid: str

    def __str__(self) -> str:
        if self.kind is RowKind.MILESTONE:
            return f'milestone on {self.ref}: "{short(self.subject, 80)}"'
        return f'recommendation {self.ref}: "{short(self.subject, 80)}"'


@dataclass(frozen=True)
class CellProblem:
    """A cell that cannot be imported as it stands; the officer must fix it."""

    place: Place
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}, {self.column}: {self.message}"


@dataclass
class ChangeSet:
    """Everything importing one return would do; nothing has been written."""

    path: Path
    programme_code: str
    #: The period the return was exported in, and the one its narratives go into.
    period_label: str
    current_period: str
    author: str
    exported_at: datetime | None
    return_id: str | None = None
    lead: str | None = None
    #: One line when the return is not compared with its own exported values.
    basis: str = ""
    earlier_imports: list[ReturnImport] = field(default_factory=list)
    updates: list[RowChange] = field(default_factory=list)
    new_rows: list[RowChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    not_taken: list[NotTaken] = field(default_factory=list)
    missing: list[MissingRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    #: What to remember of this import, so importing the return again repeats nothing.
    record: ImportRecord | None = None
    #: SHA-256 of the file read ("" if not known): the file as sent, untouched, is no reply.
    file_sha256: str = ""

    @property
    def needs_fixing(self) -> bool:
        return bool(self.problems)

    @property
    def taken_conflicts(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.resolution is Resolution.TAKE_RETURN]

    @property
    def conflicts_left(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.resolution is Resolution.KEEP_DATABASE]

    @property
    def is_empty(self) -> bool:
        """Nothing would be written."""
        return not self.updates and not self.new_rows and not self.taken_conflicts

    @property
    def change_count(self) -> int:
        return (
            sum(len(r.fields) for r in self.updates)
            + len(self.new_rows)
            + len(self.taken_conflicts)
        )

    @property
    def revisions(self) -> list[RowChange]:
        """Re-dated milestones, each with the reason from "Reason for change"."""
        return [r for r in self.updates if r.new_target is not None]

    @property
    def redated_without_reason(self) -> list[RowChange]:
        return [r for r in self.updates if r.redated_without_reason]

    @property
    def changes_narrative(self) -> bool:
        """Whether applying would write a narrative (refused into a published period)."""
        rows = self.updates + self.new_rows
        return any(r.change("progress") for r in rows) or any(
            c.change.key == "progress" for c in self.taken_conflicts
        )


@dataclass(frozen=True)
class ImportResult:
    """What applying a change set did."""

    backup: Path | None
    changes: int
    conflicts_left: int
    #: Return IDs sent in a return round that this import marked received.
    received: tuple[str, ...] = ()


def published_period_refusal(path: Path, programme: Programme) -> str:
    """The one line refusing narrative into a published (closed) current period."""
    current = programme.current_period
    label = current.label if current else ""
    suggestion = propose_next_period(programme).label
    return (
        f'{path}: {label} is published; start the next period (fowdesk period new "{suggestion}")'
        " and import again"
    )
