"""Excel returns as the database remembers them: what each export held, what each import took.

Every export gets a return ID. Its *base* is the value of every column of
every row as exported, so an import can tell what the officer changed (return
≠ base) from what merely went stale (the database moved on). Each import of
a return records the values it took and the rows it created, so importing the
same return again changes nothing, and a second copy applies only its own
edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

#: A row's cells as the base keeps them: column key → value as text (dates ISO).
BaseRow = dict[str, str]


@dataclass
class ReturnBase:
    """Every exported row of the two data sheets, by sheet name then row ID."""

    sheets: dict[str, dict[str, BaseRow]] = field(default_factory=dict)

    def row(self, sheet: str, row_id: str) -> BaseRow | None:
        return self.sheets.get(sheet, {}).get(row_id)

    def row_ids(self, sheet: str) -> list[str]:
        return list(self.sheets.get(sheet, {}))


@dataclass
class ExportedReturn:
    """One export of a return: who, when, which rows (``base`` is None once pruned).

    A return sent in the PMO's return round (``fowdesk returns send``, or a
    chase's fresh copy) also says when it was sent, when it is due back, the
    file as sent and the address its draft was written to.
    """

    return_id: str
    programme_code: str
    period_label: str
    lead: str | None
    exported_at: datetime
    exported_by: str
    filename: str
    base: ReturnBase | None = None
    sent_at: datetime | None = None
    due_on: date | None = None
    #: The file as sent, in full (a chase re-attaches it if the database has not moved on).
    sent_file: str = ""
    #: The address the draft e-mail was written to ("" when the key has none).
    sent_to: str = ""
    #: SHA-256 of the file as sent: the same bytes coming back are the PMO's own copy.
    sent_sha256: str = ""
    #: When the lead was last sent a reminder.
    chased_at: datetime | None = None

    @property
    def was_sent(self) -> bool:
        return self.sent_at is not None


@dataclass(frozen=True)
class NewRowKey:
    """How a row with no ID is recognised when its return comes back again.

    ``card`` is the recommendation's ID for a new milestone ("" for a new
    recommendation); ``ordinal`` is the row's place among that card's new rows.
    """

    sheet: str
    card: str
    ordinal: int


@dataclass
class ImportRecord:
    """What one import took from a return, kept so a re-import repeats none of it.

    ``values`` holds, per row ID, the fields whose value the import took (or
    found already there), in the form the merge compares; ``created`` maps each
    new row's key to the ID the import gave it.
    """

    return_id: str
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    created: dict[NewRowKey, str] = field(default_factory=dict)

    def merge(self, later: ImportRecord) -> None:
        """Fold a later import of the same return into this one (the later wins)."""
        for row_id, values in later.values.items():
            self.values.setdefault(row_id, {}).update(values)
        self.created.update(later.created)


@dataclass
class ReturnImport:
    """One import of a return, as the returns listing shows it."""

    return_id: str
    at: datetime
    who: str
    author: str
    filename: str
    changes: int
    conflicts_left: int
    record: ImportRecord | None = None
