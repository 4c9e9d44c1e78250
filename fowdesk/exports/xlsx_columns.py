"""The Excel return's sheets and columns: the one list the writer and the reader share.

A column's header is what a PMO officer sees and what the reader looks for
(in any order, after Excel or LibreOffice re-saved the file); its ``key`` is
what the code calls it. Whether a column is read back on import is decided
here too, so the writer's "for reading only" and the reader's "ignored" can
never disagree: a column declared ``editable=False`` is written, kept in the
return's base, and an officer's edit to it is listed as not taken, with its
``note`` as the reason. The writer shades every read-only column grey and puts
its ``note`` in a comment on its header, so the sheet says what the import does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How a column's cells are written and read."""

    TEXT = "text"  # short text, one line
    LONG = "long"  # wrapped text: titles, narratives, notes
    DATE = "date"  # a real Excel date shown dd/mm/yyyy
    DATETIME = "datetime"
    NUMBER = "number"
    RAG = "rag"  # a RAG letter, coloured by conditional formatting


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    kind: Kind = Kind.TEXT
    #: Read back on import. False: worked out by fowdesk, shown for reading.
    editable: bool = True
    #: The import refuses a return that lacks this column.
    required: bool = True
    hidden: bool = False
    #: Why an edit to a read-only column is not imported (the preview says it); the
    #: header's comment in the workbook says the same.
    note: str = "worked out by fowdesk, for reading; not imported"
    #: The width when no row has a value: an empty column gives its room to the others
    #: on the printed page (None: keep ``width``).
    empty_width: float | None = None
    #: The width when its cells hold long text (on average more than ``LONG_TEXT``
    #: characters: a strategy's deliverables, each with its benefit).
    wide_width: float | None = None

    @property
    def read_only(self) -> bool:
        """Shaded grey with its note on the header: worked out by fowdesk, or its row ID."""
        return not self.editable or self.hidden


INSTRUCTIONS = "Instructions"
SUMMARY = "Summary"
RECOMMENDATIONS = "Recommendations"
MILESTONES = "Milestones"
CHANGES = "Changes"
KEY = "Key"
#: The sheets in the order the workbook has them: how to fill it in comes first.
SHEET_NAMES = (INSTRUCTIONS, SUMMARY, RECOMMENDATIONS, MILESTONES, CHANGES, KEY)

#: Sheets an import cannot do without (Summary, Changes and Key are for reading).
REQUIRED_SHEETS = (RECOMMENDATIONS, MILESTONES)

#: The table names the data sheets' Excel tables are given.
TABLE_NAMES = {
    RECOMMENDATIONS: "Recommendations",
    MILESTONES: "Milestones",
    CHANGES: "Changes",
    KEY: "LeadKey",
}

_ROW_ID = Column(
    "id",
    "ID",
    38,
    hidden=True,
    note="fowdesk's own ID for this row: leave it as it is, never copy it; a new row has none",
)
_ROW_VERSION = Column(
    "version",
    "Version",
    9,
    Kind.NUMBER,
    hidden=True,
    note="the row's version when exported, so fowdesk can tell your edits from later ones; "
    "leave it as it is",
)

_KEPT_BY_REVISIONS = (
    "kept by fowdesk from the target's revisions and not imported; change Target "
    "(with a Reason for change)"
)

RECOMMENDATION_COLUMNS: tuple[Column, ...] = (
    Column("ref", "Ref", 5),
    Column("title", "Title", 24, Kind.LONG),
    Column(
        "deliverables",
        "Deliverables",
        28,
        Kind.LONG,
        editable=False,
        required=False,
        note="the agreed deliverables (with their benefits), for reading; not imported",
        empty_width=12,
        wide_width=44,
    ),
    Column("theme", "Theme", 10, Kind.LONG, empty_width=7),
    Column("lead", "Lead", 8, Kind.LONG, empty_width=6),
    Column(
        "rag",
        "RAG",
        5,
        Kind.RAG,
        editable=False,
        required=False,
        note="worked out by fowdesk and not imported; to change it, use RAG override "
        "with an Override reason",
    ),
    Column(
        "previous_rag",
        "Previous RAG",
        8,
        Kind.RAG,
        editable=False,
        required=False,
        note="the RAG in the last published report; not imported",
    ),
    Column("rag_override", "RAG override", 8, Kind.RAG),
    Column("rag_override_reason", "Override reason", 16, Kind.LONG, empty_width=9),
    Column("status", "Status", 11),
    Column(
        "progress_last",
        "Progress last period",
        40,
        Kind.LONG,
        editable=False,
        required=False,
        note="the Progress to date of the period before this one, for reading and copying "
        "from; not imported (type into Progress to date)",
        empty_width=11,
    ),
    Column("progress", "Progress to date", 46, Kind.LONG),
    Column("next_steps", "Next steps", 20, Kind.LONG, empty_width=9),
    Column(
        "updated",
        "Last updated",
        11,
        Kind.DATE,  # a date and time, shown as its date: the time takes width, not sense
        editable=False,
        required=False,
        note="set by fowdesk when the row changes; not imported",
    ),
    _ROW_ID,
    _ROW_VERSION,
)

MILESTONE_COLUMNS: tuple[Column, ...] = (
    Column("ref", "Ref", 5),
    Column(
        "card_title",
        "Recommendation",
        22,
        Kind.LONG,
        editable=False,
        required=False,
        note="the recommendation's title, for reading and filtering; not imported (change "
        "it on the Recommendations sheet)",
    ),
    Column(
        "card_lead",
        "Lead",
        8,
        Kind.LONG,
        editable=False,
        required=False,
        note="the recommendation's lead, for reading and filtering; not imported (change "
        "it on the Recommendations sheet)",
        empty_width=6,
    ),
    Column("description", "Milestone", 36, Kind.LONG),
    Column("target", "Target", 16, Kind.LONG),
    Column(
        "due_by",
        "Due by",
        11,
        Kind.DATE,
        editable=False,
        required=False,
        note="worked out from Target and not imported; change Target",
    ),
    Column("status", "Status", 11),
    Column(
        "rag",
        "RAG",
        5,
        Kind.RAG,
        editable=False,
        required=False,
        note="worked out from Target and Status and not imported",
    ),
    Column("completed_on", "Completed on", 11, Kind.DATE),
    Column(
        "original_target",
        "Original target",
        14,
        Kind.LONG,
        editable=False,
        required=False,
        note=_KEPT_BY_REVISIONS,
        empty_width=9,
    ),
    Column(
        "slippage",
        "Slippage (days)",
        8,
        Kind.NUMBER,
        editable=False,
        required=False,
        note=_KEPT_BY_REVISIONS,
    ),
    Column(
        "revisions",
        "Revisions",
        8,
        Kind.NUMBER,
        editable=False,
        required=False,
        note=_KEPT_BY_REVISIONS,
    ),
    Column("reason", "Reason for change", 20, Kind.LONG, empty_width=11),
    Column("notes", "Notes", 22, Kind.LONG, empty_width=9),
    _ROW_ID,
    _ROW_VERSION,
)

#: The Summary's table of overdue milestones; its widths are the Summary's columns,
#: so the first (Ref) is wide enough for the labels above it.
OVERDUE_COLUMNS: tuple[Column, ...] = (
    Column("ref", "Ref", 27),
    Column("description", "Milestone", 50, Kind.LONG),
    Column("target", "Target", 20, Kind.LONG),
    Column("due_by", "Due by", 13, Kind.DATE),
    Column("days", "Days overdue", 10, Kind.NUMBER),
    Column("status", "Status", 13),
)

CHANGE_COLUMNS: tuple[Column, ...] = (
    Column("ref", "Ref", 7),
    Column("what", "What changed", 50, Kind.LONG),
    Column("was", "Was", 40, Kind.LONG),
    Column("now", "Now", 40, Kind.LONG),
    Column("when", "When", 17, Kind.DATETIME),
    Column("by", "By", 14),
)

KEY_COLUMNS: tuple[Column, ...] = (
    Column("code", "Code", 12),
    Column("role", "Lead role", 60, Kind.LONG),
    Column("email", "E-mail", 34),
)

COLUMNS = {
    RECOMMENDATIONS: RECOMMENDATION_COLUMNS,
    MILESTONES: MILESTONE_COLUMNS,
    CHANGES: CHANGE_COLUMNS,
    KEY: KEY_COLUMNS,
}

#: Labels in the Summary sheet's first column that the reader looks for.
SUMMARY_PROGRAMME = "Programme"
SUMMARY_CODE = "Programme code"
SUMMARY_PERIOD = "Period"
SUMMARY_AS_AT = "As at"
SUMMARY_LEAD = "Lead"
SUMMARY_EXPORTED = "Exported"
SUMMARY_EXPORTED_BY = "Exported by"
SUMMARY_RETURN_ID = "Return ID"

#: The workbook's custom document properties: the return ID, and (for a return whose
#: export this database did not record) what it was exported from.
PROPERTY_RETURN_ID = "fowdesk return ID"
PROPERTY_PROGRAMME = "fowdesk programme"
PROPERTY_PERIOD = "fowdesk period"
PROPERTY_LEAD = "fowdesk lead"
PROPERTY_EXPORTED = "fowdesk exported"

#: Characters a column's filled cells hold on average before it takes its ``wide_width``.
LONG_TEXT = 300

#: Excel's limit on the characters in one cell (openpyxl would cut longer text silently).
CELL_LIMIT = 32_767

#: How far below the data the drop-downs and RAG colours reach, so rows a PMO
#: officer adds to the table get them too.
SPARE_ROWS = 200


def column_letter_map(columns: tuple[Column, ...]) -> dict[str, int]:
    """Key → 1-based column number, in the order the writer lays them out."""
    return {column.key: index for index, column in enumerate(columns, start=1)}


def header_key(header: object, columns: tuple[Column, ...]) -> str | None:
    """The key of the column a header cell names (spacing and case forgiven)."""
    if not isinstance(header, str):
        return None
    wanted = " ".join(header.split()).casefold()
    return next((c.key for c in columns if c.header.casefold() == wanted), None)
