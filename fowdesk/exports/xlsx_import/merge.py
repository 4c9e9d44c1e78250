"""The three-way merge: for every field of every row, the return against its base and the database.

* return = base (or = what this return's last import took): no change, whatever
  the database holds — a stale return never undoes a later edit;
* return ≠ base, database = base: the officer's edit, applied;
* return ≠ base, database = return: already there, nothing to do;
* otherwise a conflict on that field alone; the row's other fields still follow
  these rules.

The base is what the return held when exported (kept by return ID). Without
it (a return from before return IDs, another database's, or one past the
keeping time) each field's base is worked out from the database and its audit
trail since the export time, and the preview says so.

Nothing here writes: the result is a :class:`~fowdesk.domain.change_set.ChangeSet`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from fowdesk.domain.change_set import (
    CellProblem,
    ChangeSet,
    Conflict,
    FieldChange,
    MissingRow,
    NotTaken,
    Place,
    RowChange,
    RowKind,
)
from fowdesk.domain.leads import normalise_code
from fowdesk.domain.model import (
    AuditEntry,
    Card,
    CardStatus,
    Milestone,
    MilestoneStatus,
    Programme,
    new_uuid,
)
from fowdesk.domain.narrative import paragraphs_to_text
from fowdesk.domain.periods import report_as_at
from fowdesk.domain.returns import BaseRow, ImportRecord, NewRowKey, ReturnBase, ReturnImport
from fowdesk.exports.xlsx_columns import (
    MILESTONE_COLUMNS,
    MILESTONES,
    RECOMMENDATION_COLUMNS,
    RECOMMENDATIONS,
    Column,
)
from fowdesk.exports.xlsx_import import fields
from fowdesk.exports.xlsx_import.cells import CellValue, DataSheet, ReturnWorkbook, SheetRow
from fowdesk.exports.xlsx_import.fields import FieldError, Parsed
from fowdesk.exports.xlsx_rows import (
    last_period_label,
    milestone_values,
    recommendation_values,
    see_point,
    without_see_point,
)
from fowdesk.exports.xlsx_values import value_text

_HEADERS = {
    RECOMMENDATIONS: {c.key: c.header for c in RECOMMENDATION_COLUMNS},
    MILESTONES: {c.key: c.header for c in MILESTONE_COLUMNS},
}

#: Card columns an officer edits → the repository's (and the audit trail's) field names.
CARD_FIELDS = {
    "ref": "ref",
    "title": "title",
    "theme": "theme",
    "lead": "leads",
    "rag_override": "rag_override",
    "rag_override_reason": "rag_override_reason",
    "status": "status",
    "progress": "progress",
    "next_steps": "next_steps_text",
}
MILESTONE_FIELDS = {
    "description": "description",
    "target": "target",
    "status": "status",
    "completed_on": "completed_on",
    "notes": "notes",
}


@dataclass
class ReturnContext:
    """What the return was exported from, and what this database remembers of it."""

    return_id: str | None
    programme_code: str
    period_label: str
    lead: str | None
    exported_at: datetime | None
    base: ReturnBase | None
    basis: str
    earlier_imports: list[ReturnImport] = field(default_factory=list)

    @property
    def last_imported(self) -> ImportRecord:
        merged = ImportRecord(self.return_id or "")
        for earlier in self.earlier_imports:
            if earlier.record is not None:
                merged.merge(earlier.record)
        return merged


class _Problem(Exception):
    """A cell to fix; collected, never raised past the row."""


@dataclass
class _Row:
    """One data row being merged: where it is, what it is, and what it changes."""

    kind: RowKind
    place: Place
    sheet: str
    cells: SheetRow
    uuid: str
    ref: str
    subject: str
    base: BaseRow
    #: Values an earlier import of this return took for this row (compared forms).
    last: dict[str, str]
    expected_version: int | None
    card_uuid: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    taken: dict[str, str] = field(default_factory=dict)


AuditLookup = Callable[[list[str]], list[AuditEntry]]
#: Reads one field from a cell's value (or the base's text for it).
Reader = Callable[[CellValue], Parsed]

#: A base value that matches nothing: the field's exported value cannot be known.
_UNKNOWN = "\uffff(not known)"
#: The base's Reason for change is whatever the return holds (the target moved since).
_RETURN_REASON = "\uffff(the return's)"
_EDITABLE = {c.key for c in RECOMMENDATION_COLUMNS + MILESTONE_COLUMNS if c.editable} - {"id"}


class ReturnMerge:
    """Merges one read return into a change set (see the module's description)."""

    def __init__(
        self,
        path: Path,
        programme: Programme,
        workbook: ReturnWorkbook,
        context: ReturnContext,
        audit_for: AuditLookup,
    ) -> None:
        self.path = path
        self.programme = programme
        self.workbook = workbook
        self.context = context
        self.audit_for = audit_for
        current = programme.current_period
        self.current = current.label if current else ""
        self.as_at = report_as_at(programme)
        known_periods = {p.label for p in programme.periods}
        self.period = context.period_label if context.period_label in known_periods else ""
        self.period = self.period or self.current
        self.key_codes = [k.code for k in programme.lead_key]
        self.cards = {c.uuid: c for c in programme.cards}
        self.cards_by_ref = {c.ref: c for c in programme.cards}
        self.milestones: dict[str, tuple[Card, Milestone]] = {
            m.uuid: (c, m) for c in programme.cards for m in c.milestones
        }
        self.last = context.last_imported
        self.record = ImportRecord(context.return_id or "")
        self.change_set = ChangeSet(
            path=path,
            programme_code=programme.code,
            period_label=context.period_label,
            current_period=self.current,
            author=workbook.author,
            exported_at=context.exported_at,
            return_id=context.return_id,
            lead=context.lead,
            basis=context.basis,
            earlier_imports=context.earlier_imports,
            record=self.record if context.return_id else None,
        )
        self.fallback: dict[str, BaseRow] = {}
        self.seen_ids: set[str] = set()
        #: Card refs as this return has them (a renamed card's milestones follow it).
        self.return_refs: dict[str, str] = {}
        self.new_card_refs: dict[str, str] = {}
        self.renamed_refs: dict[str, str] = {}
        self.new_card_by_uuid: dict[str, str] = {}

    # ------------------------------------------------------------------ the whole return

    def run(self) -> ChangeSet:
        self._prepare_fallback()
        self._recommendations(self.workbook.recommendations)
        self._milestones(self.workbook.milestones)
        self._missing_rows()
        self._who_changed_conflicts()
        return self.change_set

    def _problem(self, place: Place, column: str, message: str) -> None:
        self.change_set.problems.append(CellProblem(place, column, message))

    def _not_taken(self, row: _Row, column: str, value: str, why: str) -> None:
        what = RowChange(row.kind, row.place, row.ref, row.subject, row.uuid, []).what
        self.change_set.not_taken.append(NotTaken(row.place, row.ref, column, value, why, what))

    def _row_id(self, sheet: DataSheet, row: SheetRow, seen: dict[str, int]) -> str:
        cell = row.cell("id")
        uuid = fields.cell_text(cell.value)
        if uuid and uuid in seen:
            self._problem(
                Place(sheet.name, row.number),
                "ID",
                f"the same ID as row {seen[uuid]} (a copied row?); each row needs its own",
            )
            return ""
        if uuid:
            seen[uuid] = row.number
        return uuid

    # ------------------------------------------------------------------ the base

    def _base_row(self, sheet: str, uuid: str) -> BaseRow | None:
        if self.context.base is not None:
            return self.context.base.row(sheet, uuid)
        return self.fallback.get(uuid)

    def _prepare_fallback(self) -> None:
        """Without a kept base: each row as exported, worked out from the database and audit.

        A row whose Version cell matches the database is taken as unchanged since
        the export; for the others, each field's value at the export time is the
        oldest audit "old" value since then.
        """
        if self.context.base is not None:
            return
        versions: dict[str, int | None] = {}
        for sheet in (self.workbook.recommendations, self.workbook.milestones):
            for cells in sheet.rows:
                uuid = fields.cell_text(cells.cell("id").value)
                version = cells.cell("version").value
                versions[uuid] = (
                    int(version) if isinstance(version, float) and version.is_integer() else None
                )
        moved: list[str] = []
        for card in self.programme.cards:
            self.fallback[card.uuid] = self._export_values(card, None)
            if versions.get(card.uuid, card.version) != card.version:
                moved.append(card.uuid)
            for milestone in card.milestones:
                self.fallback[milestone.uuid] = self._export_values(card, milestone)
                if versions.get(milestone.uuid, milestone.version) != milestone.version:
                    moved.append(milestone.uuid)
        since = self.context.exported_at
        names = {v: k for k, v in CARD_FIELDS.items()} | {f"progress ({self.period})": "progress"}
        names |= {v: k for k, v in MILESTONE_FIELDS.items()}
        for uuid in moved:
            exported = self.fallback[uuid]
            # Worked-out cells of a moved row cannot be judged: they moved with their inputs.
            exported["__moved__"] = "1"
            if since is None:
                # No export time: what the return held cannot be told from the database's
                # own later edits, so a difference on a moved row is a conflict.
                exported.update({key: _UNKNOWN for key in list(exported) if key in _EDITABLE})
        rolled: set[tuple[str, str]] = set()
        for entry in self.audit_for(moved) if moved and since is not None else []:
            key = names.get(entry.field)
            if since is None or entry.at < since or key is None:
                continue
            if (entry.row_uuid, key) in rolled:
                continue
            rolled.add((entry.row_uuid, key))
            self.fallback[entry.row_uuid][key] = value_text(entry.old)
            if key == "target":
                # Re-dated since: the return's Reason for change is the old revision's.
                self.fallback[entry.row_uuid]["reason"] = _RETURN_REASON

    def _unexported(self, card: Card, milestone: Milestone | None) -> BaseRow:
        """A row the base does not hold (pasted from another return): compared with the database."""
        row = self._export_values(card, milestone)
        row["__moved__"] = "1"
        return row

    def _export_values(self, card: Card, milestone: Milestone | None) -> BaseRow:
        if milestone is None:
            last_label = last_period_label(self.programme, self.period)
            values = recommendation_values(card, self.as_at, self.period, "", last_label)
            # The last published RAG is not worked out again here: that column is not judged.
            values.pop("previous_rag")
        else:
            values = milestone_values(milestone, card, self.as_at)
        return {key: value_text(value) for key, value in values.items() if key != "id"}

    # ------------------------------------------------------------------ one field

    def _field(
        self,
        row: _Row,
        column: str,
        parse: Reader,
        database_value: Callable[[], Parsed],
        repo_key: str,
        *,
        shown: Callable[[str], str] = lambda s: s,
    ) -> Parsed | None:
        """Merge one field of an existing row; the return's value if it is an edit.

        ``database_value`` is only asked for when the cell differs from the base.
        """
        cell = row.cells.cell(column)
        label = _HEADERS[row.sheet][column]
        if cell.error:
            self._problem(row.place, label, cell.error)
            return None
        base_raw = row.base.get(column, "")
        if _same(cell.value, base_raw):
            return None
        try:
            mine = parse(cell.value)
        except FieldError as exc:
            self._problem(row.place, label, str(exc))
            return None
        try:
            base = parse(base_raw).compared
        except FieldError:
            base = base_raw
        if mine.compared == base or mine.compared == row.last.get(repo_key):
            return None
        database = database_value()
        if database.compared == mine.compared:
            row.taken[repo_key] = mine.compared
            return None
        change = FieldChange(repo_key, label, shown(database.shown), shown(mine.shown), mine.value)
        if database.compared == base:
            row.changes.append(change)
            row.taken[repo_key] = mine.compared
            return mine
        self._conflict(row, change, shown(fields.text(base).shown if base else ""), mine)
        return None

    def _conflict(self, row: _Row, change: FieldChange, base: str, mine: Parsed) -> None:
        self.change_set.conflicts.append(
            Conflict(
                row.kind,
                row.place,
                row.ref,
                row.subject,
                row.uuid,
                change,
                base,
                row.expected_version,
                card_uuid=row.card_uuid,
                return_text=mine.compared,
            )
        )

    def _read_only(self, row: _Row, columns: tuple[Column, ...], sheet: DataSheet) -> None:
        """Edits to worked-out columns, judged against the base: listed, never taken."""
        if row.base.get("__moved__"):
            return
        for column in columns:
            if column.editable or column.key not in sheet.columns or column.key not in row.base:
                continue
            cell = row.cells.cell(column.key)
            if cell.error is None and _same(cell.value, row.base[column.key]):
                continue
            if cell.error:
                self._not_taken(row, column.header, "", f"{cell.error}; {column.note}")
            elif not _same(cell.value, row.base[column.key]):
                self._not_taken(row, column.header, fields.cell_text(cell.value), column.note)

    # ------------------------------------------------------------------ recommendations

    def _recommendations(self, sheet: DataSheet) -> None:
        seen: dict[str, int] = {}
        new_ordinal = 0
        for cells in sheet.rows:
            place = Place(sheet.name, cells.number)
            uuid = self._row_id(sheet, cells, seen)
            if not uuid:
                key = NewRowKey(RECOMMENDATIONS, "", new_ordinal)
                new_ordinal += 1
                created = self.last.created.get(key)
                if created and created in self.cards:
                    self._card_row(place, cells, sheet, self.cards[created], matched=key)
                else:
                    self._new_card(place, cells, sheet, key)
                continue
            self.seen_ids.add(uuid)
            card = self.cards.get(uuid)
            if card is None:
                self._unknown_row(place, cells, "recommendation")
                continue
            base = self._base_row(RECOMMENDATIONS, uuid)
            if base is not None and _unchanged(cells, base, sheet.columns):
                self.return_refs[uuid] = base.get("ref", card.ref)
                continue  # the usual row: nothing in it differs from the export
            self._card_row(place, cells, sheet, card)

    def _unknown_row(self, place: Place, cells: SheetRow, what: str) -> None:
        self.change_set.warnings.append(
            f"{place}, ID: no {what} with this ID in {self.programme.code} "
            "(deleted, or a row of another programme's return); not imported"
        )

    def _card_row(
        self,
        place: Place,
        cells: SheetRow,
        sheet: DataSheet,
        card: Card,
        *,
        matched: NewRowKey | None = None,
    ) -> None:
        if matched:
            # A row this return created before: what its last import took is its base.
            earlier = self.last.values.get(card.uuid, {})
            base_row = self._export_values(card, None) | _as_columns(earlier, CARD_FIELDS)
            base_row["__moved__"] = "1"
            self.record.created[matched] = card.uuid
        else:
            base_row = self._base_row(RECOMMENDATIONS, card.uuid) or self._unexported(card, None)
        row = _Row(
            RowKind.RECOMMENDATION,
            place,
            RECOMMENDATIONS,
            cells,
            card.uuid,
            card.ref,
            card.title,
            base_row,
            self.last.values.get(card.uuid, {}),
            card.version,
        )
        problems_before = len(self.change_set.problems)
        self.return_refs[card.uuid] = fields.cell_text(cells.cell("ref").value) or card.ref
        self._field(row, "ref", fields.text, lambda: fields.text(card.ref), "ref")
        self._field(row, "title", fields.title, lambda: fields.text(card.title), "title")
        self._field(
            row,
            "theme",
            lambda v: fields.theme(v, self.programme.themes),
            lambda: fields.text(card.theme or ""),
            "theme",
        )
        lead = self._field(
            row,
            "lead",
            lambda v: fields.leads(v, self.key_codes),
            lambda: fields.leads("/".join(card.leads), self.key_codes),
            "leads",
        )
        if lead is not None:
            self._warn_unknown_leads(place, lead.value)
        override = self._field(
            row,
            "rag_override",
            fields.rag_override,
            lambda: fields.text(str(card.rag_override) if card.rag_override else ""),
            "rag_override",
        )
        reason = self._field(
            row,
            "rag_override_reason",
            fields.text,
            lambda: fields.text(card.rag_override_reason),
            "rag_override_reason",
        )
        if override is not None or reason is not None:
            self._check_override_reason(row)
        self._field(
            row,
            "status",
            # A row this return created may still have the blank Status it was created with.
            partial(fields.card_status, blank_ok=bool(matched), blank_as=CardStatus.NOT_STARTED),
            lambda: fields.text(str(card.status)),
            "status",
        )
        self._field(
            row,
            "next_steps",
            fields.text,
            lambda: fields.text(card.next_steps_text),
            "next_steps_text",
        )
        self._progress(row, card)
        self._read_only(row, RECOMMENDATION_COLUMNS, sheet)
        ref_change = next((c for c in row.changes if c.key == "ref"), None)
        if ref_change is not None:
            taken = str(ref_change.value)
            other = self.cards_by_ref.get(taken)
            if other is not None and other.uuid != card.uuid:
                self._problem(place, "Ref", f"{taken!r} is already recommendation {taken}'s Ref")
        self._finish_row(row, problems_before)

    def _check_override_reason(self, row: _Row) -> None:
        override = fields.cell_text(row.cells.cell("rag_override").value)
        reason = fields.cell_text(row.cells.cell("rag_override_reason").value)
        if override and not reason:
            self._problem(
                row.place,
                "RAG override",
                f"{override!r} with no Override reason; give the reason beside it",
            )

    def _warn_unknown_leads(self, place: Place, leads: object) -> None:
        known = {normalise_code(c) for c in self.key_codes}
        for lead in leads if isinstance(leads, list) else []:
            if normalise_code(str(lead)) not in known:
                self.change_set.warnings.append(
                    f"{place}, Lead: {lead!r} is not in the key (kept as written)"
                )

    def _progress(self, row: _Row, card: Card) -> None:
        """Progress to date: compared within the export's period, written into the current one.

        When the period has moved on since the export, an edit goes into the new
        period unless that period already holds other text (then it is a conflict).
        """
        cell = row.cells.cell("progress")
        label = _HEADERS[RECOMMENDATIONS]["progress"]
        if cell.error:
            self._problem(row.place, label, cell.error)
            return
        base_raw = row.base.get("progress", "")
        if _same(cell.value, base_raw):
            return
        # The cell ends with the card's "See point 17" (the report prints it there): that
        # line is the card's cross-reference, not the officer's narrative.
        typed, pointed = cell.value, False
        if isinstance(typed, str):
            typed, pointed = without_see_point(typed, card)
        base_raw, had_pointer = without_see_point(base_raw, card)
        if had_pointer and not pointed:
            self._not_taken(
                row,
                label,
                see_point(card),
                "taken out of the cell, but the cross-reference is the card's and stays (change "
                "it in the window)",
            )
        mine = fields.progress(typed)
        base = fields.progress(base_raw).compared
        if mine.compared in (base, row.last.get("progress")):
            return
        in_period = _narrative(card, self.period)
        current = _narrative(card, self.current)
        if mine.compared in (current, in_period):
            row.taken["progress"] = mine.compared
            return
        moved_on = self.period != self.current
        if moved_on and in_period != base:
            # The exported period's own narrative was rewritten since the export.
            change = FieldChange(
                "progress", f"{label} ({self.period})", in_period, mine.shown, mine.value
            )
            self._conflict(row, change, base, mine)
            return
        if moved_on:
            label = f"{label} ({self.current})"
        change = FieldChange("progress", label, current, mine.shown, mine.value)
        if (moved_on and not current) or (not moved_on and current == base):
            row.changes.append(change)
            row.taken["progress"] = mine.compared
        else:
            self._conflict(row, change, base, mine)

    def _finish_row(self, row: _Row, problems_before: int) -> None:
        if len(self.change_set.problems) > problems_before:
            return
        if row.changes:
            self.change_set.updates.append(
                RowChange(
                    row.kind,
                    row.place,
                    row.ref,
                    row.subject,
                    row.uuid,
                    row.changes,
                    card_uuid=row.card_uuid,
                    expected_version=row.expected_version,
                )
            )
        if row.taken:
            self.record.values.setdefault(row.uuid, {}).update(row.taken)

    def _new_card(self, place: Place, cells: SheetRow, sheet: DataSheet, key: NewRowKey) -> None:
        problems_before = len(self.change_set.problems)
        values: dict[str, Parsed] = {}
        readers: dict[str, Reader] = {
            "ref": fields.text,
            "title": fields.title,
            "theme": lambda v: fields.theme(v, self.programme.themes),
            "lead": lambda v: fields.leads(v, self.key_codes),
            "rag_override": fields.rag_override,
            "rag_override_reason": fields.text,
            "status": lambda v: fields.card_status(v, blank_ok=True),
            "progress": fields.progress,
            "next_steps": fields.text,
        }
        for column, read in readers.items():
            cell = cells.cell(column)
            if cell.error:
                self._problem(place, _HEADERS[RECOMMENDATIONS][column], cell.error)
                continue
            try:
                values[column] = read(cell.value)
            except FieldError as exc:
                self._problem(place, _HEADERS[RECOMMENDATIONS][column], str(exc))
        title = values.get("title")
        ref = str(values["ref"].value) if "ref" in values else ""
        if title is not None and not title.compared:
            self._problem(place, "Title", "a new recommendation (no ID) needs a title")
        if ref and (ref in self.cards_by_ref or ref in self.new_card_refs):
            self._problem(
                place, "Ref", f"a new row (no ID) uses Ref {ref}, which another recommendation has"
            )
        override = values.get("rag_override")
        reason = values.get("rag_override_reason")
        if override and override.compared and not (reason and reason.compared):
            self._problem(
                place,
                "RAG override",
                f"{override.shown!r} with no Override reason; give the reason beside it",
            )
        if len(self.change_set.problems) > problems_before:
            return
        uuid = new_uuid()
        if ref:
            self.new_card_refs[ref] = uuid
        if "lead" in values:
            self._warn_unknown_leads(place, values["lead"].value)
        status = values["status"].value or CardStatus.NOT_STARTED
        assert title is not None
        changes = [
            FieldChange("ref", "Ref", "", ref, ref),
            FieldChange("title", "Title", "", title.shown, title.value),
        ]
        for column, repo_key in CARD_FIELDS.items():
            if column in ("ref", "title", "status") or column not in values:
                continue
            parsed = values[column]
            if parsed.compared:
                label = _HEADERS[RECOMMENDATIONS][column]
                changes.append(FieldChange(repo_key, label, "", parsed.shown, parsed.value))
        changes.insert(2, FieldChange("status", "Status", "", str(status), status))
        self.change_set.new_rows.append(
            RowChange(
                RowKind.RECOMMENDATION,
                place,
                ref or "(next free number)",
                title.shown if title else "",
                uuid,
                changes,
                is_new=True,
            )
        )
        self.record.created[key] = uuid
        self.record.values[uuid] = {
            CARD_FIELDS[c]: p.compared for c, p in values.items() if c in CARD_FIELDS
        } | {"status": str(status)}

    # ------------------------------------------------------------------ milestones

    def _milestones(self, sheet: DataSheet) -> None:
        self.renamed_refs = {ref: uuid for uuid, ref in self.return_refs.items()}
        self.new_card_by_uuid = {uuid: ref for ref, uuid in self.new_card_refs.items()}
        seen: dict[str, int] = {}
        ordinals: dict[str, int] = {}
        placed: list[tuple[str, str, bool]] = []  # (card, milestone, is new) in sheet order
        new_rows: list[RowChange] = []
        for cells in sheet.rows:
            place = Place(sheet.name, cells.number)
            uuid = self._row_id(sheet, cells, seen)
            if uuid:
                self.seen_ids.add(uuid)
                found = self.milestones.get(uuid)
                if found is None:
                    self._unknown_row(place, cells, "milestone")
                    continue
                card, milestone = found
                placed.append((card.uuid, milestone.uuid, False))
                base = self._base_row(MILESTONES, uuid)
                if base is None or not _unchanged(cells, base, sheet.columns):
                    self._milestone_row(place, cells, sheet, card, milestone)
                continue
            card_uuid = self._card_for_new_milestone(place, cells)
            if card_uuid is None:
                continue
            ordinal = ordinals.get(card_uuid, 0)
            ordinals[card_uuid] = ordinal + 1
            key = NewRowKey(MILESTONES, card_uuid, ordinal)
            created = self.last.created.get(key)
            if created and created in self.milestones:
                card, milestone = self.milestones[created]
                self._milestone_row(place, cells, sheet, card, milestone, matched=key)
                placed.append((card.uuid, milestone.uuid, False))
                continue
            if created:
                self.change_set.warnings.append(
                    f"{place}: this new milestone was created by an earlier import of this "
                    "return and has since been deleted; not created again"
                )
                continue
            row = self._new_milestone(place, cells, card_uuid, key)
            if row is not None:
                new_rows.append(row)
                placed.append((card_uuid, row.uuid, True))
        _place_new_milestones(new_rows, placed)
        self.change_set.new_rows.extend(new_rows)

    def _card_for_new_milestone(self, place: Place, cells: SheetRow) -> str | None:
        ref = fields.cell_text(cells.cell("ref").value)
        if not ref:
            self._problem(
                place, "Ref", "blank; a new milestone (no ID) must name its recommendation's Ref"
            )
            return None
        if ref in self.cards_by_ref:
            return self.cards_by_ref[ref].uuid
        found = self.renamed_refs.get(ref) or self.new_card_refs.get(ref)
        if found is None:
            self._problem(place, "Ref", f"no recommendation {ref!r} for this new milestone")
        return found

    def _milestone_row(
        self,
        place: Place,
        cells: SheetRow,
        sheet: DataSheet,
        card: Card,
        milestone: Milestone,
        *,
        matched: NewRowKey | None = None,
    ) -> None:
        if matched:
            earlier = self.last.values.get(milestone.uuid, {})
            base_row = self._export_values(card, milestone) | _as_columns(earlier, MILESTONE_FIELDS)
            base_row["__moved__"] = "1"
            self.record.created[matched] = milestone.uuid
        else:
            base_row = self._base_row(MILESTONES, milestone.uuid) or self._unexported(
                card, milestone
            )
        row = _Row(
            RowKind.MILESTONE,
            place,
            MILESTONES,
            cells,
            milestone.uuid,
            card.ref,
            milestone.description,
            base_row,
            self.last.values.get(milestone.uuid, {}),
            milestone.version,
            card_uuid=card.uuid,
        )
        problems_before = len(self.change_set.problems)
        ref_cell = cells.cell("ref").value
        ref = "" if _same(ref_cell, base_row.get("ref", "")) else fields.cell_text(ref_cell)
        if ref and ref not in (base_row.get("ref"), card.ref, self.return_refs.get(card.uuid)):
            self._not_taken(
                row,
                "Ref",
                ref,
                f"moving a milestone to another recommendation is not imported (it stays on "
                f"{card.ref})",
            )
        self._field(
            row,
            "description",
            fields.text,
            lambda: fields.text(milestone.description),
            "description",
        )
        if _blank(cells.cell("description").value):
            self._problem(place, "Milestone", "blank; a milestone needs a description")
        target = self._field(
            row,
            "target",
            fields.text,
            lambda: fields.text(milestone.target),
            "target",
            shown=_dated,
        )
        status = self._field(
            row,
            "status",
            partial(
                fields.milestone_status,
                blank_ok=bool(matched),
                blank_as=MilestoneStatus.NOT_STARTED,
            ),
            lambda: fields.text(str(milestone.status)),
            "status",
        )
        completed = self._field(
            row,
            "completed_on",
            fields.a_date,
            lambda: fields.a_date(
                milestone.completed_on.isoformat() if milestone.completed_on else None
            ),
            "completed_on",
        )
        self._field(row, "notes", fields.text, lambda: fields.text(milestone.notes), "notes")
        conflicts_before = len(self.change_set.conflicts)
        self._reason(row, milestone, redated=target is not None)
        self._completion(row, milestone, status=status, completed=completed)
        self._read_only(row, MILESTONE_COLUMNS, sheet)
        self._finish_row(row, problems_before)
        updates = self.change_set.updates
        if target is not None and updates and updates[-1].uuid == row.uuid:
            updates[-1].reason = self._given_reason(row)
            updates[-1].redated_without_reason = not updates[-1].reason
        for conflict in self.change_set.conflicts[conflicts_before:]:
            if conflict.change.key == "target":
                conflict.reason = self._given_reason(row)

    def _given_reason(self, row: _Row) -> str:
        """The Reason for change typed with this return (the exported one is an old revision's)."""
        value = row.cells.cell("reason").value
        exported = row.base.get("reason", "")
        if exported == _RETURN_REASON or _same(value, exported):
            return ""
        return fields.cell_text(value)

    def _reason(self, row: _Row, milestone: Milestone, *, redated: bool) -> None:
        reason = self._given_reason(row)
        if not reason or redated:
            return
        if any(c.uuid == row.uuid and c.change.key == "target" for c in self.change_set.conflicts):
            return
        status = fields.cell_text(row.cells.cell("status").value)
        if " ".join(status.split()).casefold() == MilestoneStatus.CANCELLED.casefold():
            why = (
                "a reason for change goes with a new Target; a cancellation's reason "
                "belongs in Notes"
            )
        elif fields.cell_text(row.cells.cell("target").value) == milestone.target and (
            row.base.get("target") != milestone.target
        ):
            why = "the target was already changed to this in fowdesk; not imported"
        else:
            why = "no new Target was given, so there is no change for it to explain"
        self._not_taken(row, "Reason for change", reason, why)

    def _completion(
        self, row: _Row, milestone: Milestone, *, status: Parsed | None, completed: Parsed | None
    ) -> None:
        """A completion date needs Complete; Complete wants a date (warned, kept)."""
        if status is None and completed is None:
            return
        try:
            shown_status = fields.milestone_status(
                row.cells.cell("status").value, blank_ok=True
            ).compared
        except FieldError:
            return
        final_status = shown_status or str(milestone.status)
        if completed is not None and completed.value and final_status != MilestoneStatus.COMPLETE:
            row.changes[:] = [c for c in row.changes if c.key != "completed_on"]
            row.taken.pop("completed_on", None)
            self._not_taken(
                row,
                "Completed on",
                completed.shown,
                f"a completion date needs Status Complete (the status is {final_status}); "
                "not imported",
            )
        if status is not None and status.value is MilestoneStatus.COMPLETE:
            has_date = bool(fields.cell_text(row.cells.cell("completed_on").value))
            if not has_date and milestone.completed_on is None:
                self.change_set.warnings.append(
                    f"{row.place}, Status: Complete with no completion date; the status is "
                    "taken; add the date in Completed on"
                )

    def _new_milestone(
        self, place: Place, cells: SheetRow, card_uuid: str, key: NewRowKey
    ) -> RowChange | None:
        problems_before = len(self.change_set.problems)
        readers: dict[str, Reader] = {
            "description": fields.text,
            "target": fields.text,
            "status": lambda v: fields.milestone_status(v, blank_ok=True),
            "completed_on": fields.a_date,
            "notes": fields.text,
        }
        values: dict[str, Parsed] = {}
        for column, read in readers.items():
            cell = cells.cell(column)
            if cell.error:
                self._problem(place, _HEADERS[MILESTONES][column], cell.error)
                continue
            try:
                values[column] = read(cell.value)
            except FieldError as exc:
                self._problem(place, _HEADERS[MILESTONES][column], str(exc))
        description = values.get("description")
        if description is not None and not description.compared:
            self._problem(place, "Milestone", "a new milestone (no ID) needs a description")
        if len(self.change_set.problems) > problems_before:
            return None
        card = self.cards.get(card_uuid)
        ref = card.ref if card else self.new_card_by_uuid.get(card_uuid, "")
        status = values["status"].value or MilestoneStatus.NOT_STARTED
        row = _Row(RowKind.MILESTONE, place, MILESTONES, cells, "", ref, "", {}, {}, None)
        completed = values["completed_on"]
        if completed.value and status is not MilestoneStatus.COMPLETE:
            self._not_taken(
                row,
                "Completed on",
                completed.shown,
                f"a completion date needs Status Complete (the status is {status}); not imported",
            )
            completed = fields.a_date(None)
        if status is MilestoneStatus.COMPLETE and not completed.value:
            self.change_set.warnings.append(
                f"{place}, Status: Complete with no completion date; the status is taken; "
                "add the date in Completed on"
            )
        reason = fields.cell_text(cells.cell("reason").value)
        if reason:
            self._not_taken(
                row, "Reason for change", reason, "a new milestone has no earlier target to change"
            )
        assert description is not None
        uuid = new_uuid()
        changes = [
            FieldChange("description", "Milestone", "", description.shown, description.value),
            FieldChange("target", "Target", "", values["target"].shown, values["target"].value),
            FieldChange("status", "Status", "", str(status), status),
        ]
        if completed.value:
            changes.append(
                FieldChange("completed_on", "Completed on", "", completed.shown, completed.value)
            )
        if values["notes"].compared:
            changes.append(
                FieldChange("notes", "Notes", "", values["notes"].shown, values["notes"].value)
            )
        self.record.created[key] = uuid
        self.record.values[uuid] = {
            "description": description.compared,
            "target": values["target"].compared,
            "status": str(status),
            "completed_on": completed.compared,
            "notes": values["notes"].compared,
        }
        return RowChange(
            RowKind.MILESTONE,
            place,
            ref,
            description.shown,
            uuid,
            changes,
            is_new=True,
            card_uuid=card_uuid,
        )

    # ------------------------------------------------------------------ after every row

    def _missing_rows(self) -> None:
        """Rows the return was exported with that it no longer has (never deleted)."""
        if self.context.base is not None:
            candidates = [
                (RowKind.RECOMMENDATION, uuid)
                for uuid in self.context.base.row_ids(RECOMMENDATIONS)
            ] + [(RowKind.MILESTONE, uuid) for uuid in self.context.base.row_ids(MILESTONES)]
        else:
            candidates = self._fallback_candidates()
        for kind, uuid in candidates:
            if uuid in self.seen_ids:
                continue
            if kind is RowKind.RECOMMENDATION and uuid in self.cards:
                card = self.cards[uuid]
                self.change_set.missing.append(MissingRow(kind, card.ref, card.title, uuid))
            elif kind is RowKind.MILESTONE and uuid in self.milestones:
                card, milestone = self.milestones[uuid]
                self.change_set.missing.append(
                    MissingRow(kind, card.ref, milestone.description, uuid)
                )

    def _fallback_candidates(self) -> list[tuple[RowKind, str]]:
        """Without a base: the database's rows the return would have held when exported."""
        lead = normalise_code(self.context.lead) if self.context.lead else None
        candidates: list[tuple[RowKind, str]] = []
        for card in self.programme.cards:
            if lead and lead not in {normalise_code(x) for x in card.leads}:
                continue
            candidates.append((RowKind.RECOMMENDATION, card.uuid))
            candidates += [(RowKind.MILESTONE, m.uuid) for m in card.milestones]
        unseen = [uuid for _, uuid in candidates if uuid not in self.seen_ids]
        since = self.context.exported_at
        if since is None or not unseen:
            return candidates
        later = {
            e.row_uuid for e in self.audit_for(unseen) if e.field == "(created)" and e.at >= since
        }
        return [(kind, uuid) for kind, uuid in candidates if uuid not in later]

    def _who_changed_conflicts(self) -> None:
        """Name who changed each conflicting field in the database, and when."""
        if not self.change_set.conflicts:
            return
        entries = self.audit_for(sorted({c.uuid for c in self.change_set.conflicts}))
        for conflict in self.change_set.conflicts:
            names = {conflict.change.key}
            if conflict.change.key == "progress":
                names = {f"progress ({self.period})", f"progress ({self.current})"}
            latest = [e for e in entries if e.row_uuid == conflict.uuid and e.field in names]
            if latest:
                conflict.changed_by = latest[-1].who
                conflict.changed_at = latest[-1].at


#: Columns that say which row this is, not what it holds.
_MACHINERY = frozenset({"id", "version"})


def _unchanged(cells: SheetRow, base: BaseRow, columns: set[str]) -> bool:
    """Whether every cell of the row holds what the base does (no cell errors)."""
    for key in columns:
        if key in _MACHINERY or key not in base:
            continue
        cell = cells.cells.get(key)
        if cell is None:
            if base[key]:
                return False
        elif cell.error is not None or not _same(cell.value, base[key]):
            return False
    return True


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _same(value: object, base: str) -> bool:
    """Whether a cell holds what the base does (text read from XML needs no cleaning)."""
    if isinstance(value, str) and "\r" not in value:
        return value.strip() == base
    return value_text(value) == base


def _narrative(card: Card, label: str) -> str:
    return fields.progress(paragraphs_to_text(card.progress_for(label))).compared


def _as_columns(values: dict[str, str], names: dict[str, str]) -> BaseRow:
    """An import record's values (by repository field) as base columns."""
    by_field = {v: k for k, v in names.items()}
    return {by_field[key]: value for key, value in values.items() if key in by_field}


def _dated(text: str) -> str:
    return text or "(no target)"


def _place_new_milestones(new_rows: list[RowChange], placed: list[tuple[str, str, bool]]) -> None:
    """Each new milestone goes after the row above it of the same card, or before the one below."""
    if not new_rows:
        return
    by_card: dict[str, list[tuple[str, bool]]] = {}
    for card, uuid, new in placed:
        by_card.setdefault(card, []).append((uuid, new))
    where = {
        uuid: (card, index)
        for card, rows in by_card.items()
        for index, (uuid, _) in enumerate(rows)
    }
    for row in new_rows:
        card, index = where[row.uuid]
        rows = by_card[card]
        row.after = rows[index - 1][0] if index else None
        if row.after is None:
            row.before = next((uuid for uuid, new in rows[index + 1 :] if not new), None)
