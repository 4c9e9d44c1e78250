"""Reading an Excel return back: a preview of every change, then one transaction.

:func:`read_return` never writes: it checks the file is a sound, harmless
.xlsx (not an old .xls, not a renamed CSV, not a zip bomb or an XML entity
trick), reads the sheets by header name (so re-saved, re-ordered or filtered
returns still read), and compares every row with the database, field by
field. :func:`apply_change_set` applies that preview after a backup, with
audit rows whose source is ``import`` and which name the return's author.

Conflicts are found with the row version and the audit trail: a row exported
at version 3 when the database is now at version 4 is compared field by
field with the value the field had when the return was exported (the oldest
audit "old" value since then). A field both sides changed is a conflict:
listed, and the whole row is left alone.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import openpyxl
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.formula import ArrayFormula

from fowdesk.domain.dates import parse_uk_date
from fowdesk.domain.leads import format_leads, normalise_code, parse_leads
from fowdesk.domain.model import (
    Card,
    CardStatus,
    Milestone,
    MilestoneStatus,
    Paragraph,
    Programme,
    Rag,
    new_uuid,
)
from fowdesk.domain.narrative import paragraphs_from_text, paragraphs_to_text
from fowdesk.domain.rag import card_rag, milestone_rag
from fowdesk.errors import FowdeskError, InvalidInput, NotFound, StaleEdit
from fowdesk.exports.xlsx_columns import (
    MILESTONE_COLUMNS,
    MILESTONES,
    RECOMMENDATION_COLUMNS,
    RECOMMENDATIONS,
    REQUIRED_SHEETS,
    SUMMARY,
    SUMMARY_CODE,
    SUMMARY_EXPORTED,
    SUMMARY_PERIOD,
    Column,
    header_key,
)
from fowdesk.exports.xlsx_return import safe_text

#: A return of 1,000 recommendations is a few MB; anything near these is not a return.
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
#: XML compresses well, but not this well: a member this much smaller zipped is a bomb.
MAX_RATIO = 150
_RATIO_FLOOR = 5 * 1024 * 1024

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: Workbook fields a return may change → the audit trail's name for them.
CARD_AUDIT_FIELDS = {
    "ref": "ref",
    "title": "title",
    "theme": "theme",
    "lead": "leads",
    "rag_override": "rag_override",
    "rag_override_reason": "rag_override_reason",
    "status": "status",
    "next_steps": "next_steps_text",
}
MILESTONE_AUDIT_FIELDS = {
    "description": "description",
    "target": "target",
    "status": "status",
    "completed_on": "completed_on",
    "notes": "notes",
}

_HEADERS = {c.key: c.header for c in RECOMMENDATION_COLUMNS} | {
    f"m:{c.key}": c.header for c in MILESTONE_COLUMNS
}


# ---------------------------------------------------------------------------- the change set


@dataclass
class FieldChange:
    """One field of one row: what the database holds, what the return would make it."""

    field: str
    was: str
    now: str


@dataclass
class RowChange:
    """An updated or new recommendation or milestone, as the preview lists it."""

    sheet: str
    row: int
    ref: str
    subject: str
    uuid: str
    is_new: bool
    fields: list[FieldChange]
    expected_version: int | None = None
    #: Repository field → value, for update_card/update_milestone or add_card/add_milestone.
    values: dict[str, Any] = field(default_factory=dict)
    progress: list[Paragraph] | None = None
    new_target: str | None = None
    reason: str = ""
    card_uuid: str = ""

    @property
    def is_milestone(self) -> bool:
        return self.sheet == MILESTONES

    @property
    def what(self) -> str:
        kind = "Milestone" if self.is_milestone else "Recommendation"
        if self.is_milestone:
            return f'{kind} on {self.ref}, "{_short(self.subject)}"'
        return f'{kind} {self.ref} "{_short(self.subject)}"'


@dataclass
class Conflict:
    """A field the return and the database both changed since the export: not applied."""

    sheet: str
    row: int
    ref: str
    subject: str
    uuid: str
    field: str
    workbook: str
    database: str
    exported: str
    changed_by: str = ""
    changed_at: datetime | None = None


@dataclass
class ChangeSet:
    """Everything an import would do, for the preview; nothing has been written."""

    path: Path
    programme_code: str
    period_label: str
    author: str
    exported_at: datetime | None
    updates: list[RowChange] = field(default_factory=list)
    new_rows: list[RowChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.updates and not self.new_rows

    @property
    def revisions(self) -> list[RowChange]:
        """Re-dated milestones, each with the reason from "Reason for change"."""
        return [r for r in self.updates if r.new_target is not None]

    @property
    def change_count(self) -> int:
        return sum(len(r.fields) for r in self.updates) + len(self.new_rows)

    def describe(self) -> str:
        return describe_change_set(self)


# ---------------------------------------------------------------------------- reading cells


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Where:
    """Names the place in the file a problem is, for the one-line message."""

    def __init__(self, path: Path, sheet: str, row: int) -> None:
        self.path, self.sheet, self.row = path, sheet, row

    def error(self, column: str, message: str) -> InvalidInput:
        return InvalidInput(f"{self.path}: {self.sheet} row {self.row}, column {column}: {message}")

    def text(self, column: str, message: str) -> str:
        return f"{self.sheet} row {self.row}, column {column}: {message}"


def cell_text(value: Any) -> str:
    """A cell as text the way the writer would have written it."""
    if value is None:
        return ""
    if isinstance(value, ArrayFormula):
        value = value.text or ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return f"{value:%d/%m/%Y}"
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return safe_text(value).strip()


def cell_date(value: Any, where: _Where, column: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        converted = from_excel(value)
        return converted.date() if isinstance(converted, datetime) else None
    if isinstance(value, str):
        parsed = parse_uk_date(value.strip())
        if parsed is not None:
            return parsed
    raise where.error(column, f"{cell_text(value)!r} is not a date (write it as dd/mm/yyyy)")


def cell_int(value: Any, where: _Where, column: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise where.error(column, f"{value!r} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise where.error(column, f"{cell_text(value)!r} is not a whole number")


def canonical(key: str, value: Any) -> str:
    """The form two values of a field are compared in (database, audit or workbook)."""
    if value is None:
        return ""
    if key == "progress":
        return paragraphs_to_text(paragraphs_from_text(safe_text(value)))
    if isinstance(value, date | datetime):
        return value.isoformat()[:10]
    text = safe_text(value).strip()
    if key == "completed_on" and text:
        parsed = parse_uk_date(text)
        return parsed.isoformat() if parsed else text
    return text


# ---------------------------------------------------------------------------- the file itself


def check_container(path: Path) -> None:
    """Refuse anything that is not a sound, harmless .xlsx before openpyxl opens it."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if not path.is_file():
        raise InvalidInput(f"{path}: not a file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InvalidInput(
            f"{path}: {size / 1024 / 1024:.0f} MB is far larger than any return; "
            "it is not an Excel return"
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_OLE2_MAGIC):
        raise InvalidInput(
            f"{path}: an old Excel 97-2003 (.xls) file; open it in Excel or LibreOffice "
            "and save it as an Excel workbook (.xlsx), then import that"
        )
    if not head.startswith(b"PK"):
        looks = "it looks like text (a CSV file renamed?)" if _looks_like_text(path) else ""
        raise InvalidInput(
            f"{path}: not an Excel workbook (.xlsx)" + (f"; {looks}" if looks else "")
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise InvalidInput(
                    f"{path}: unpacks to {total / 1024 / 1024:.0f} MB, far more than any "
                    "return (a zip bomb?); not read"
                )
            for info in infos:
                if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    ratio = info.file_size // max(info.compress_size, 1)
                    raise InvalidInput(
                        f"{path}: {info.filename} unpacks {ratio} times larger than it is "
                        "packed (a zip bomb?); not read"
                    )
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise InvalidInput(f"{path}: a zip file, but not an Excel workbook (.xlsx)")
            for info in infos:
                data = archive.read(info)  # checks each member's CRC: a damaged file stops here
                if info.filename.endswith((".xml", ".rels")) and (
                    b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper()
                ):
                    raise InvalidInput(
                        f"{path}: {info.filename} declares XML entities, which no Excel "
                        "workbook does; not read"
                    )
    except zipfile.BadZipFile:
        raise InvalidInput(
            f"{path}: damaged or incomplete Excel workbook (truncated?); ask for it again"
        ) from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise InvalidInput(f"{path}: cannot be read as an Excel workbook ({exc})") from None


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(4096)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in sample


def _load_workbook(path: Path) -> Any:
    # Read from memory (the size was checked): openpyxl leaves a handle it was given open,
    # and a file object spares the extension check, so "return (2).XLSX" still reads.
    try:
        data = io.BytesIO(path.read_bytes())
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be opened ({exc.strerror or exc})") from None
    try:
        return openpyxl.load_workbook(data, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a malformed part
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InvalidInput(f"{path}: cannot be read as an Excel workbook ({reason})") from None


def _sheet(workbook: Any, path: Path, name: str) -> Any:
    for ws in workbook.worksheets:
        if ws.title.casefold() == name.casefold():
            return ws
    raise InvalidInput(f"{path}: the {name} sheet is missing (is this an Excel return?)")


def _rows(ws: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    ws.reset_dimensions()  # a re-saved file may declare the wrong size
    yield from enumerate(ws.iter_rows(values_only=True), start=1)


def _table_rows(
    ws: Any, path: Path, sheet: str, columns: tuple[Column, ...]
) -> list[tuple[int, dict[str, Any]]]:
    """Rows as key → raw value, found by header name; blank rows skipped."""
    rows = _rows(ws)
    try:
        _, header = next(rows)
    except StopIteration:
        header = ()
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        key = header_key(value, columns)
        if key is not None and key not in positions:
            positions[key] = index
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise InvalidInput(
            f"{path}: {sheet} sheet, row 1: column {missing[0]!r} is missing"
            + (f" (also {', '.join(missing[1:])})" if len(missing) > 1 else "")
        )
    found = []
    for number, row in rows:
        values = {
            key: (row[index] if index < len(row) else None) for key, index in positions.items()
        }
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        found.append((number, values))
    return found


def _summary_facts(ws: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for _, row in _rows(ws):
        if len(row) >= 2 and isinstance(row[0], str):
            facts.setdefault(row[0].strip().casefold(), row[1])
    return facts


def _author(workbook: Any) -> str:
    properties = workbook.properties
    for value in (properties.lastModifiedBy, properties.creator):
        if isinstance(value, str) and value.strip() and value.strip() != "openpyxl":
            return value.strip()
    return ""


# ---------------------------------------------------------------------------- comparing


StatusT = TypeVar("StatusT", CardStatus, MilestoneStatus)


def _status(value: Any, where: _Where, statuses: type[StatusT]) -> StatusT | None:
    """A Status cell read as one of ``statuses``, forgiving case and spacing; blank is None."""
    text = cell_text(value)
    if not text:
        return None
    wanted = " ".join(text.split()).casefold()
    for status in statuses:
        if status.value.casefold() == wanted:
            return status
    choices = ", ".join(s.value for s in statuses)
    raise where.error("Status", f"unknown status {text!r} (use {choices})")


def _row_id(values: dict[str, Any], where: _Where, number: int, seen: dict[str, int]) -> str:
    """A row's ID ("" for a new row); the same ID twice in a sheet is a copied row, refused."""
    uuid = cell_text(values.get("id"))
    if uuid:
        if uuid in seen:
            raise where.error(
                "ID", f"the same ID as row {seen[uuid]} (a copied row?); each row needs its own"
            )
        seen[uuid] = number
    return uuid


class _Comparer:
    """Holds what one read needs: the programme, the audit look-ups, the change set."""

    def __init__(self, repo: Any, path: Path, programme: Programme, change_set: ChangeSet) -> None:
        self.repo = repo
        self.path = path
        self.programme = programme
        self.change_set = change_set
        period = programme.current_period
        self.label = period.label if period else ""
        self.as_at = period.as_at if period else date.today()
        self.key_codes = [k.code for k in programme.lead_key]
        self.cards = {c.uuid: c for c in programme.cards}
        self.cards_by_ref = {c.ref: c for c in programme.cards}
        self.milestones: dict[str, tuple[Card, Milestone]] = {
            m.uuid: (c, m) for c in programme.cards for m in c.milestones
        }
        self.new_card_refs: dict[str, str] = {}  # ref → uuid of cards this return adds
        # Cells fowdesk works out (RAG, Due by) differ from the database whenever their
        # inputs moved, in the return or in the database; only an unmoved row's
        # differing cell is an officer's edit worth a warning. Decided in finish().
        self._derived_warnings: list[tuple[str, str]] = []  # (row uuid, warning)
        self._moved: set[str] = set()  # uuids of cards and milestones whose inputs moved

    def _derived(self, uuid: str, warning: str) -> None:
        self._derived_warnings.append((uuid, warning))

    def _note_moved(
        self, uuids: Sequence[str], changed: dict[str, Any], row_version: int | None, db: int
    ) -> None:
        if changed or row_version != db:
            self._moved.update(uuids)

    def finish(self) -> None:
        """Warn about edited worked-out cells on rows whose inputs did not move."""
        self.change_set.warnings.extend(
            warning for uuid, warning in self._derived_warnings if uuid not in self._moved
        )

    # -- conflicts

    def _database_changes(self, uuid: str) -> dict[str, tuple[str | None, str, datetime]]:
        """Audit field → (value at export, who, when) for fields changed since the export."""
        since = self.change_set.exported_at
        found: dict[str, tuple[str | None, str, datetime]] = {}
        for entry in self.repo.audit_for([uuid]):
            if since is not None and entry.at < since:
                continue
            found.setdefault(entry.field, (entry.old, entry.who, entry.at))
        return found

    def _split_conflicts(
        self,
        where: _Where,
        ref: str,
        subject: str,
        uuid: str,
        row_version: int | None,
        db_version: int,
        changed: dict[str, tuple[str, str]],
        audit_names: Callable[[str], str],
    ) -> tuple[dict[str, tuple[str, str]], list[Conflict]]:
        """Keep the fields only the return changed; list the ones both sides changed."""
        if row_version is not None and row_version >= db_version:
            return changed, []
        database = self._database_changes(uuid)
        kept: dict[str, tuple[str, str]] = {}
        conflicts: list[Conflict] = []
        for key, (was, now) in changed.items():
            audit = database.get(audit_names(key))
            if self.change_set.exported_at is None:
                # No export time: which side changed cannot be told, so neither wins.
                audit = audit or (None, "", datetime.min)
            elif audit is None:
                kept[key] = (was, now)
                continue
            exported = canonical(key, audit[0])
            if exported == now and self.change_set.exported_at is not None:
                continue  # the return kept the exported value: the database's edit stands
            conflicts.append(
                Conflict(
                    where.sheet,
                    where.row,
                    ref,
                    subject,
                    uuid,
                    _HEADERS.get(key if where.sheet == RECOMMENDATIONS else f"m:{key}", key),
                    now,
                    was,
                    exported,
                    audit[1],
                    audit[2] if audit[2] != datetime.min else None,
                )
            )
        return kept, conflicts

    # -- recommendations

    def card_status(self, value: Any, where: _Where) -> CardStatus | None:
        return _status(value, where, CardStatus)

    def rag_override(self, value: Any, where: _Where) -> Rag | None:
        text = cell_text(value)
        if not text:
            return None
        rag = Rag.from_text(text)
        if rag is None:
            raise where.error("RAG override", f"{text!r} is not a RAG (use R, A, G or C)")
        return rag

    def theme(self, value: Any, where: _Where) -> str:
        text = cell_text(value)
        if not text:
            return ""
        for theme in self.programme.themes:
            if theme.casefold() == " ".join(text.split()).casefold():
                return theme
        themes = "; ".join(self.programme.themes) or "none"
        raise where.error("Theme", f"no theme {text!r} in this programme (themes: {themes})")

    def leads(self, value: Any, where: _Where, *, report: bool) -> list[str]:
        leads = parse_leads(cell_text(value), self.key_codes)
        if report:
            known = {normalise_code(c) for c in self.key_codes}
            for lead in leads:
                if normalise_code(lead) not in known:
                    self.change_set.warnings.append(
                        where.text("Lead", f"{lead!r} is not in the key (kept as written)")
                    )
        return leads

    def recommendation(self, number: int, values: dict[str, Any], seen: dict[str, int]) -> None:
        where = _Where(self.path, RECOMMENDATIONS, number)
        uuid = _row_id(values, where, number, seen)
        status = self.card_status(values.get("status"), where)
        override = self.rag_override(values.get("rag_override"), where)
        theme = self.theme(values.get("theme"), where)
        title = cell_text(values.get("title"))
        ref = cell_text(values.get("ref"))
        if not uuid:
            self._new_recommendation(where, values, ref, title, status, override, theme)
            return
        card = self.cards.get(uuid)
        if card is None:
            self.change_set.warnings.append(
                where.text(
                    "ID", f"no recommendation with this ID in {self.programme.code}; skipped"
                )
            )
            return
        if not title:
            raise where.error("Title", "a recommendation needs a title")
        if not ref:
            raise where.error("Ref", "a recommendation needs a Ref")
        workbook_values = {
            "ref": ref,
            "title": title,
            "theme": theme,
            "rag_override": str(override) if override else "",
            "rag_override_reason": cell_text(values.get("rag_override_reason")),
            "status": str(status) if status else str(card.status),
            "next_steps": cell_text(values.get("next_steps")),
            "progress": canonical("progress", values.get("progress")),
        }
        lead_cell = values.get("lead")
        workbook_values["lead"] = format_leads(self.leads(lead_cell, where, report=False))
        database_values = {
            "ref": canonical("ref", card.ref),
            "title": canonical("title", card.title),
            "theme": card.theme or "",
            "rag_override": str(card.rag_override) if card.rag_override else "",
            "rag_override_reason": canonical("", card.rag_override_reason),
            "status": str(card.status),
            "next_steps": canonical("", card.next_steps_text),
            "progress": canonical("progress", paragraphs_to_text(card.progress_for(self.label))),
            "lead": format_leads(card.leads),
        }
        changed = {
            key: (database_values[key], now)
            for key, now in workbook_values.items()
            if canonical(key, now) != database_values[key]
        }
        if "lead" in changed:
            self.leads(lead_cell, where, report=True)
        if ref != card.ref and ref in self.cards_by_ref:
            raise where.error("Ref", f"recommendation {ref} already exists")
        shown_rag = cell_text(values.get("rag"))
        if shown_rag and Rag.from_text(shown_rag) != card_rag(card, self.as_at, self.as_at).rag:
            self._derived(
                card.uuid,
                where.text(
                    "RAG",
                    "RAG is worked out by fowdesk and is not imported; to change it, "
                    "use RAG override with an Override reason",
                ),
            )
        cell_version = cell_int(values.get("version"), where, "Version")
        self._note_moved([card.uuid], changed, cell_version, card.version)
        kept, conflicts = self._split_conflicts(
            where,
            card.ref,
            card.title,
            uuid,
            cell_version,
            card.version,
            changed,
            lambda key: f"progress ({self.label})" if key == "progress" else CARD_AUDIT_FIELDS[key],
        )
        if conflicts:
            self.change_set.conflicts.extend(conflicts)
            return
        if not kept:
            return
        row = RowChange(
            RECOMMENDATIONS,
            number,
            card.ref,
            card.title,
            uuid,
            False,
            [FieldChange(_HEADERS[key], was, now) for key, (was, now) in kept.items()],
            expected_version=card.version,
        )
        for key in kept:
            if key == "progress":
                row.progress = paragraphs_from_text(safe_text(values.get("progress")))
            elif key == "lead":
                row.values["leads"] = parse_leads(workbook_values["lead"], self.key_codes)
            elif key == "theme":
                row.values["theme"] = theme or None
            elif key == "rag_override":
                row.values["rag_override"] = override
            elif key == "status":
                row.values["status"] = status
            else:
                row.values[CARD_AUDIT_FIELDS[key]] = workbook_values[key]
        self.change_set.updates.append(row)

    def _new_recommendation(
        self,
        where: _Where,
        values: dict[str, Any],
        ref: str,
        title: str,
        status: CardStatus | None,
        override: Rag | None,
        theme: str,
    ) -> None:
        if not title:
            raise where.error("Title", "a new recommendation (no ID) needs a title")
        if ref and (ref in self.cards_by_ref or ref in self.new_card_refs):
            raise where.error(
                "Ref", f"a new row (no ID) uses Ref {ref}, which recommendation {ref} already has"
            )
        leads = self.leads(values.get("lead"), where, report=True)
        progress = paragraphs_from_text(safe_text(values.get("progress")))
        uuid = new_uuid()
        if ref:
            self.new_card_refs[ref] = uuid
        fields: dict[str, Any] = {
            "theme": theme or None,
            "leads": leads,
            "status": status or CardStatus.NOT_STARTED,
            "rag_override": override,
            "rag_override_reason": cell_text(values.get("rag_override_reason")),
            "next_steps_text": cell_text(values.get("next_steps")),
            "uuid": uuid,
        }
        if progress and self.label:
            fields["progress"] = {self.label: progress}
        shown = [
            FieldChange("Title", "", title),
            FieldChange("Lead", "", format_leads(leads)),
            FieldChange("Status", "", str(fields["status"])),
        ]
        if theme:
            shown.append(FieldChange("Theme", "", theme))
        if progress:
            shown.append(FieldChange("Progress to date", "", paragraphs_to_text(progress)))
        self.change_set.new_rows.append(
            RowChange(
                RECOMMENDATIONS,
                where.row,
                ref or "(next free number)",
                title,
                uuid,
                True,
                shown,
                values={"ref": ref, "title": title, **fields},
            )
        )

    # -- milestones

    def milestone_status(self, value: Any, where: _Where) -> MilestoneStatus | None:
        return _status(value, where, MilestoneStatus)

    def milestone(self, number: int, values: dict[str, Any], seen: dict[str, int]) -> None:
        where = _Where(self.path, MILESTONES, number)
        uuid = _row_id(values, where, number, seen)
        status = self.milestone_status(values.get("status"), where)
        completed_on = cell_date(values.get("completed_on"), where, "Completed on")
        due_by = cell_date(values.get("due_by"), where, "Due by")
        ref = cell_text(values.get("ref"))
        description = cell_text(values.get("description"))
        target = cell_text(values.get("target"))
        notes = cell_text(values.get("notes"))
        reason = cell_text(values.get("reason"))
        if not uuid:
            self._new_milestone(where, ref, description, target, status, completed_on, notes)
            return
        found = self.milestones.get(uuid)
        if found is None:
            self.change_set.warnings.append(
                where.text("ID", f"no milestone with this ID in {self.programme.code}; skipped")
            )
            return
        card, milestone = found
        if not description:
            raise where.error("Milestone", "a milestone needs a description")
        if ref and ref != card.ref:
            self.change_set.warnings.append(
                where.text(
                    "Ref",
                    f"moving a milestone to another recommendation is not imported "
                    f"(it stays on {card.ref})",
                )
            )
        window = Milestone(description, target).window(self.as_at)
        if due_by is not None and (window is None or window.end != due_by):
            self._derived(
                milestone.uuid,
                where.text("Due by", "worked out from Target and not imported; change Target"),
            )
        shown_rag = cell_text(values.get("rag"))
        current_rag = milestone_rag(milestone, self.as_at, self.as_at)
        if shown_rag and Rag.from_text(shown_rag) != current_rag:
            self._derived(
                milestone.uuid,
                where.text("RAG", "worked out from Target and Status and not imported"),
            )
        workbook_values = {
            "description": description,
            "target": target,
            "status": str(status) if status else str(milestone.status),
            "completed_on": completed_on.isoformat() if completed_on else "",
            "notes": notes,
        }
        database_values = {
            "description": canonical("", milestone.description),
            "target": canonical("", milestone.target),
            "status": str(milestone.status),
            "completed_on": milestone.completed_on.isoformat() if milestone.completed_on else "",
            "notes": canonical("", milestone.notes),
        }
        changed = {
            key: (database_values[key], now)
            for key, now in workbook_values.items()
            if now != database_values[key]
        }
        cell_version = cell_int(values.get("version"), where, "Version")
        self._note_moved([milestone.uuid, card.uuid], changed, cell_version, milestone.version)
        kept, conflicts = self._split_conflicts(
            where,
            card.ref,
            milestone.description,
            uuid,
            cell_version,
            milestone.version,
            changed,
            lambda key: MILESTONE_AUDIT_FIELDS[key],
        )
        if conflicts:
            self.change_set.conflicts.extend(conflicts)
            return
        if not kept:
            return
        shown: list[FieldChange] = []
        row = RowChange(
            MILESTONES,
            number,
            card.ref,
            milestone.description,
            uuid,
            False,
            shown,
            expected_version=milestone.version,
            card_uuid=card.uuid,
        )
        for key, (was, now) in kept.items():
            header = _HEADERS[f"m:{key}"]
            if key == "target":
                row.new_target = target
                row.reason = reason
                shown.append(FieldChange(header, _dated(was), _dated(now)))
                if not reason:
                    self.change_set.warnings.append(
                        where.text("Reason for change", "re-dated without a reason")
                    )
                continue
            if key == "completed_on":
                shown.append(FieldChange(header, _uk(was), _uk(now)))
                row.values["completed_on"] = completed_on
                continue
            shown.append(FieldChange(header, was, now))
            row.values[key] = status if key == "status" else workbook_values[key]
        self.change_set.updates.append(row)

    def _new_milestone(
        self,
        where: _Where,
        ref: str,
        description: str,
        target: str,
        status: MilestoneStatus | None,
        completed_on: date | None,
        notes: str,
    ) -> None:
        if not ref:
            raise where.error("Ref", "a new milestone (no ID) must name its recommendation's Ref")
        if ref in self.cards_by_ref:
            card_uuid = self.cards_by_ref[ref].uuid
        elif ref in self.new_card_refs:
            card_uuid = self.new_card_refs[ref]
        else:
            raise where.error("Ref", f"no recommendation {ref!r} for this new milestone")
        if not description:
            raise where.error("Milestone", "a new milestone needs a description")
        shown = [FieldChange("Milestone", "", description)]
        if target:
            shown.append(FieldChange("Target", "", target))
        shown.append(FieldChange("Status", "", str(status or MilestoneStatus.NOT_STARTED)))
        self.change_set.new_rows.append(
            RowChange(
                MILESTONES,
                where.row,
                ref,
                description,
                new_uuid(),
                True,
                shown,
                values={
                    "description": description,
                    "target": target,
                    "status": status or MilestoneStatus.NOT_STARTED,
                    "completed_on": completed_on,
                    "notes": notes,
                },
                card_uuid=card_uuid,
            )
        )


def _dated(text: str) -> str:
    return text or "(no target)"


def _uk(iso: str) -> str:
    return f"{date.fromisoformat(iso):%d/%m/%Y}" if iso else ""


# ---------------------------------------------------------------------------- public functions


def read_return(repo: Any, path: Path | str) -> ChangeSet:
    """Compare a return with the database, row by row and field by field. Writes nothing."""
    path = Path(path)
    check_container(path)
    workbook = _load_workbook(path)
    try:
        for name in REQUIRED_SHEETS:
            _sheet(workbook, path, name)
        facts = _summary_facts(_sheet(workbook, path, SUMMARY))
        code = cell_text(facts.get(SUMMARY_CODE.casefold()))
        if not code:
            raise InvalidInput(
                f"{path}: Summary sheet: no {SUMMARY_CODE!r} row, so the programme is unknown"
            )
        try:
            programme = repo.load_programme(code)
        except NotFound:
            raise InvalidInput(
                f"{path}: Summary sheet, {SUMMARY_CODE}: no programme {code!r} in this database"
            ) from None
        exported = facts.get(SUMMARY_EXPORTED.casefold())
        exported_at = exported if isinstance(exported, datetime) else None
        if exported_at is None and isinstance(exported, str):
            try:
                exported_at = datetime.strptime(exported.strip(), "%d/%m/%Y %H:%M")
            except ValueError:
                exported_at = None
        period = cell_text(facts.get(SUMMARY_PERIOD.casefold()))
        change_set = ChangeSet(path, programme.code, period, _author(workbook), exported_at)
        current = programme.current_period
        if current and period and period != current.label:
            change_set.warnings.append(
                f"the return is for {period}; its progress is recorded against the current "
                f"period, {current.label}"
            )
        comparer = _Comparer(repo, path, programme, change_set)
        recommendation_rows = _table_rows(
            _sheet(workbook, path, RECOMMENDATIONS), path, RECOMMENDATIONS, RECOMMENDATION_COLUMNS
        )
        milestone_rows = _table_rows(
            _sheet(workbook, path, MILESTONES), path, MILESTONES, MILESTONE_COLUMNS
        )
    finally:
        workbook.close()
    seen: dict[str, int] = {}
    for number, values in recommendation_rows:
        comparer.recommendation(number, values, seen)
    seen = {}
    for number, values in milestone_rows:
        comparer.milestone(number, values, seen)
    comparer.finish()
    return change_set


def apply_change_set(repo: Any, change_set: ChangeSet) -> Path | None:
    """Apply a previewed change set in one transaction, after a backup; returns the backup.

    Conflicts are not applied. Nothing at all is written (no backup, no
    timestamps) when the change set is empty.
    """
    if change_set.is_empty:
        return None
    backup = repo.backup(reason="import")
    saved = (repo.source, repo.author)
    repo.source, repo.author = "import", change_set.author
    code = change_set.programme_code
    try:
        with repo.transaction():
            for row in change_set.new_rows:
                if row.is_milestone:
                    continue
                values = dict(row.values)
                ref = values.pop("ref") or repo.next_free_ref(code)
                title = values.pop("title")
                repo.add_card(code, ref, title, **values)
            for row in change_set.updates:
                if row.is_milestone:
                    _apply_milestone(repo, row)
                else:
                    _apply_card(repo, row, change_set)
            for row in change_set.new_rows:
                if not row.is_milestone:
                    continue
                values = row.values
                repo.add_milestone(
                    row.card_uuid,
                    values["description"],
                    values["target"],
                    status=values["status"],
                    notes=values["notes"],
                    completed_on=values["completed_on"],
                    milestone_uuid=row.uuid,
                )
    except StaleEdit:
        raise FowdeskError(
            f"{change_set.path}: the database changed after the preview; nothing was "
            "imported; preview the return again"
        ) from None
    finally:
        repo.source, repo.author = saved
    return backup


def _apply_card(repo: Any, row: RowChange, change_set: ChangeSet) -> None:
    version = row.expected_version
    if row.values:
        version = repo.update_card(row.uuid, version, **row.values).version
    if row.progress is not None:
        period = repo.load_programme(change_set.programme_code).current_period
        if period is not None:
            repo.set_progress(row.uuid, period.label, row.progress, version)


def _apply_milestone(repo: Any, row: RowChange) -> None:
    version = row.expected_version
    if row.values:
        version = repo.update_milestone(row.uuid, version, **row.values).version
    if row.new_target is not None:
        repo.revise_target(row.uuid, version, row.new_target, row.reason)


def describe_change_set(change_set: ChangeSet) -> str:
    """The preview as text: what the CLI prints, field by field."""
    lines = []
    exported = (
        f", exported {change_set.exported_at:%d/%m/%Y %H:%M}" if change_set.exported_at else ""
    )
    by = f" by {change_set.author}" if change_set.author else ""
    lines.append(
        f"Return {change_set.path.name}: programme {change_set.programme_code}"
        f"{', ' + change_set.period_label if change_set.period_label else ''}{by}{exported}"
    )
    if change_set.is_empty and not change_set.conflicts:
        lines.append("No changes: the return matches the database.")
    if change_set.updates:
        lines.append(f"Changes ({sum(len(r.fields) for r in change_set.updates)}):")
        for row in change_set.updates:
            lines.append(f"  {row.what} ({row.sheet} row {row.row}):")
            for change in row.fields:
                lines.append(f"    {change.field}: {_quote(change.was)} → {_quote(change.now)}")
            if row.new_target is not None:
                reason = _quote(row.reason) if row.reason else "(no reason given)"
                lines.append(f"    re-dated: the slip is recorded; reason: {reason}")
    new_cards = [r for r in change_set.new_rows if not r.is_milestone]
    new_milestones = [r for r in change_set.new_rows if r.is_milestone]
    if new_cards:
        lines.append(f"New recommendations ({len(new_cards)}):")
        for row in new_cards:
            details = "; ".join(f"{c.field} {_quote(c.now)}" for c in row.fields[1:] if c.now)
            lines.append(
                f'  + {row.ref} "{_short(row.subject)}" ({row.sheet} row {row.row})'
                + (f": {details}" if details else "")
            )
    if new_milestones:
        lines.append(f"New milestones ({len(new_milestones)}):")
        for row in new_milestones:
            target = row.values.get("target") or "no target"
            lines.append(
                f'  + on {row.ref}: "{_short(row.subject)}" – {target} ({row.sheet} row {row.row})'
            )
    if change_set.conflicts:
        lines.append(
            f"Conflicts, not applied ({len(change_set.conflicts)}): the database changed "
            "these since the return was exported; the row is left as the database has it"
        )
        for conflict in change_set.conflicts:
            kind = "milestone on" if conflict.sheet == MILESTONES else "recommendation"
            who = f" (changed by {conflict.changed_by})" if conflict.changed_by else ""
            lines.append(
                f'  ! {kind} {conflict.ref} "{_short(conflict.subject)}" '
                f"({conflict.sheet} row {conflict.row}), {conflict.field}: "
                f"return {_quote(conflict.workbook)}, database {_quote(conflict.database)}{who}"
            )
    if change_set.warnings:
        lines.append(f"Warnings ({len(change_set.warnings)}):")
        lines.extend(f"  - {warning}" for warning in change_set.warnings)
    return "\n".join(lines)


def _quote(text: str) -> str:
    if not text:
        return "(blank)"
    text = text.replace("\n", " ⏎ ")
    return f'"{_short(text, 120)}"'


def import_return(repo: Any, path: Path | str, *, dry_run: bool) -> str:
    """Preview (``dry_run``) or apply a return; the text the CLI prints."""
    change_set = read_return(repo, path)
    report = describe_change_set(change_set)
    if change_set.is_empty:
        return report
    if dry_run:
        return report + "\nDry run: nothing was written."
    backup = apply_change_set(repo, change_set)
    count = change_set.change_count
    return (
        report
        + f"\nImported {count} change{'s' if count != 1 else ''} in one transaction"
        + (f"; the database was backed up first to {backup}" if backup else "")
        + "."
    )
