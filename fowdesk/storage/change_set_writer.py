"""Writing a change set: every row of an import inside one transaction, no reload per row.

:meth:`Repository.apply` opens the transaction, reads the programme once and
hands it here. The writer checks that every row is still at the version the
preview read, then writes each card and milestone once (one version bump,
one ``updated_at``), collects the audit rows and writes them together, and
re-indexes each touched card once at the end. The rules are the repository's
own (how a field is stored and audited, how a re-dating keeps its baseline);
only the per-row transactions and reloads are gone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from fowdesk.domain.change_set import (
    ChangeSet,
    Conflict,
    FieldChange,
    FieldValue,
    Resolution,
    RowChange,
    RowKind,
)
from fowdesk.domain.leads import format_leads
from fowdesk.domain.model import (
    Card,
    CardStatus,
    Milestone,
    MilestoneStatus,
    Paragraph,
    Programme,
    Rag,
)
from fowdesk.domain.narrative import paragraphs_to_text
from fowdesk.errors import InvalidInput, StaleEdit

if TYPE_CHECKING:
    from fowdesk.storage.repository import Repository

#: Audit row: at, who, author, source, table, row ID, field, old, new.
AuditRow = tuple[str, str, str, str, str, str, str, str | None, str | None]


@dataclass
class _RowEdit:
    """One existing row's fields to write, from its change and any conflicts settled for it."""

    kind: RowKind
    uuid: str
    card_uuid: str
    expected_version: int | None
    fields: list[FieldChange] = field(default_factory=list)
    reason: str = ""


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class ChangeSetWriter:
    """Applies one change set to one programme, inside the caller's transaction."""

    def __init__(
        self,
        repo: Repository,
        programme_id: int,
        programme: Programme,
        *,
        source: str,
        author: str,
        now: datetime,
    ) -> None:
        self.repo = repo
        self.db = repo.db
        self.programme_id = programme_id
        self.programme = programme
        self.source = source
        self.author = author
        self.now = now
        self.stamp = now.isoformat()
        self.cards = {c.uuid: c for c in programme.cards}
        self.milestones: dict[str, tuple[Card, Milestone]] = {
            m.uuid: (c, m) for c in programme.cards for m in c.milestones
        }
        self.audit_rows: list[AuditRow] = []
        self.touched_cards: set[str] = set()
        period = programme.current_period
        self.period_label = period.label if period else ""
        self.period_id: int | None = None
        #: The author of each new row's return (a batch holds several returns).
        self.new_row_authors: dict[str, str] = {}

    # ------------------------------------------------------------------ the whole set

    def write(self, change_set: ChangeSet) -> None:
        self.write_all([(change_set, self.author)])

    def write_all(self, change_sets: Sequence[tuple[ChangeSet, str]]) -> None:
        """Write several returns' change sets (each with its author) as one.

        Every row is checked against the version its preview read before
        anything is written; two returns may change different fields of one
        row (a batch import settles the same field changed by both as a
        conflict before this).
        """
        per_set = [
            (change_set, author, self._row_edits(change_set.updates, change_set.taken_conflicts))
            for change_set, author in change_sets
        ]
        self._check_versions([edit for _, _, edits in per_set for edit in edits])
        self.new_row_authors = {
            row.uuid: author for change_set, author in change_sets for row in change_set.new_rows
        }
        new_rows = [row for change_set, _ in change_sets for row in change_set.new_rows]
        self._new_cards([r for r in new_rows if not r.is_milestone])
        for _, author, edits in per_set:
            self.author = author
            for edit in edits:
                if edit.kind is RowKind.RECOMMENDATION:
                    self._update_card(edit)
                else:
                    self._update_milestone(edit)
        self._new_milestones([r for r in new_rows if r.is_milestone])
        self.db.conn.executemany(
            "UPDATE cards SET updated_at = ? WHERE uuid = ?",
            [(self.stamp, uuid) for uuid in sorted(self.touched_cards)],
        )
        self.db.conn.executemany(
            "INSERT INTO audit (at, who, author, source, table_name, row_uuid, field, old, new)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.audit_rows,
        )
        self.repo.search_index.mark_stale(self.touched_cards)

    def _row_edits(self, updates: list[RowChange], taken: list[Conflict]) -> list[_RowEdit]:
        edits: dict[str, _RowEdit] = {}
        for row in updates:
            edit = edits.setdefault(
                row.uuid, _RowEdit(row.kind, row.uuid, row.card_uuid, row.expected_version)
            )
            edit.fields.extend(row.fields)
            edit.reason = edit.reason or row.reason
        for conflict in taken:
            assert conflict.resolution is Resolution.TAKE_RETURN
            edit = edits.setdefault(
                conflict.uuid,
                _RowEdit(
                    conflict.kind, conflict.uuid, conflict.card_uuid, conflict.expected_version
                ),
            )
            edit.fields.append(conflict.change)
            if conflict.change.key == "target":
                edit.reason = conflict.reason
        return list(edits.values())

    def _check_versions(self, edits: list[_RowEdit]) -> None:
        for edit in edits:
            if edit.kind is RowKind.RECOMMENDATION:
                card = self.cards.get(edit.uuid)
                version = card.version if card else None
            else:
                found = self.milestones.get(edit.uuid)
                version = found[1].version if found else None
            if version is None or (
                edit.expected_version is not None and version != edit.expected_version
            ):
                raise StaleEdit(
                    f"{edit.kind.lower()} {edit.uuid} changed after the preview",
                    current_version=version,
                )

    def _audit(self, table: str, uuid: str, field_name: str, old: Any, new: Any) -> None:
        self.audit_rows.append(
            (
                self.stamp,
                self.repo.user,
                self.new_row_authors.get(uuid, self.author),
                self.source,
                table,
                uuid,
                field_name,
                _text(old),
                _text(new),
            )
        )

    # ------------------------------------------------------------------ recommendations

    def _card_old(self, card: Card, key: str) -> tuple[str, Any, str | None]:
        """(column, stored value, audit text) of a card field as it stands."""
        if key == "theme":
            return "theme", card.theme, card.theme
        if key == "leads":
            text = format_leads(card.leads)
            return "leads", text, text
        if key == "status":
            return "status", str(card.status), str(card.status)
        if key == "rag_override":
            stored = str(card.rag_override) if card.rag_override else None
            return "rag_override", stored, stored
        value = str(getattr(card, key))
        return key, value, value

    def _update_card(self, edit: _RowEdit) -> None:
        card = self.cards[edit.uuid]
        sets: dict[str, Any] = {}
        progress: list[Paragraph] | None = None
        for change in edit.fields:
            if change.key == "progress":
                progress = _paragraphs(change.value)
                continue
            column, stored, audit_new = self.repo._card_field_for_storage(
                self.programme_id, change.key, change.value
            )
            _, old_stored, audit_old = self._card_old(card, change.key)
            if change.key == "theme":
                old_stored = self.repo._theme_id(self.programme_id, card.theme)
            if stored == old_stored:
                continue
            if change.key == "ref":
                self._check_free_ref(str(stored), card.uuid)
                card.ref = str(stored)
            self._audit("cards", card.uuid, change.key, audit_old, audit_new)
            sets[column] = stored
        if progress is not None:
            self._write_progress(card, progress)
        if sets or progress is not None:
            assignments = "".join(f"{column} = ?, " for column in sets)
            self.db.execute(
                f"UPDATE cards SET {assignments}version = version + 1 WHERE uuid = ?",
                [*sets.values(), card.uuid],
            )
            self.touched_cards.add(card.uuid)

    def _check_free_ref(self, ref: str, card_uuid: str) -> None:
        if any(c.ref == ref and c.uuid != card_uuid for c in self.cards.values()):
            raise InvalidInput(f"recommendation {ref!r} already exists")

    def _write_progress(self, card: Card, paragraphs: list[Paragraph]) -> None:
        label = self.period_label
        old = card.progress_for(label)
        if old == paragraphs:
            return
        if self.period_id is None:
            self.period_id = self.repo._period_id(self.programme_id, label)
        period_id = self.period_id
        self.db.execute(
            "INSERT INTO progress (card_uuid, period_id, paragraphs, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (card_uuid, period_id)"
            " DO UPDATE SET paragraphs = excluded.paragraphs, updated_at = excluded.updated_at",
            [card.uuid, period_id, _paragraphs_json(paragraphs), self.stamp],
        )
        self._audit(
            "cards",
            card.uuid,
            f"progress ({label})",
            paragraphs_to_text(old),
            paragraphs_to_text(paragraphs),
        )
        card.progress[label] = paragraphs

    def _new_cards(self, rows: list[RowChange]) -> None:
        """Insert new recommendations at the programme's end, in the return's order."""
        if not rows:
            return
        position = max((c.position for c in self.cards.values()), default=-1)
        numbers = [int(c.ref) for c in self.cards.values() if c.ref.isdecimal()]
        next_number = max(numbers, default=0) + 1
        themes: dict[str, int | None] = {}
        card_rows, progress_rows = [], []
        period_id = (
            self.repo._period_id(self.programme_id, self.period_label) if self.period_label else 0
        )
        taken = {c.ref for c in self.cards.values()}
        for row in rows:
            ref = str(row.value("ref") or "")
            if not ref:
                while str(next_number) in taken:
                    next_number += 1
                ref = str(next_number)
            elif ref in taken:
                raise InvalidInput(f"recommendation {ref!r} already exists")
            taken.add(ref)
            if ref.isdecimal():  # not isdigit(): a Ref of "²" is a digit int() refuses
                next_number = max(next_number, int(ref) + 1)
            status = row.value("status")
            override = row.value("rag_override")
            leads = row.value("leads")
            position += 1
            card = Card(
                ref=ref,
                title=str(row.value("title") or ""),
                theme=str(row.value("theme") or "") or None,
                leads=[str(lead) for lead in leads] if isinstance(leads, list) else [],
                status=CardStatus(str(status)) if status else CardStatus.NOT_STARTED,
                rag_override=override if isinstance(override, Rag) else None,
                rag_override_reason=str(row.value("rag_override_reason") or ""),
                next_steps_text=str(row.value("next_steps_text") or ""),
                uuid=row.uuid,
                position=position,
            )
            theme = card.theme or ""
            if theme not in themes:
                themes[theme] = self.repo._theme_id(self.programme_id, card.theme)
            card_rows.append(self.repo.card_row(self.programme_id, card, themes[theme], self.now))
            paragraphs = _paragraphs(row.value("progress"))
            if paragraphs and self.period_label:
                card.progress[self.period_label] = paragraphs
                progress_rows.append(
                    (card.uuid, period_id, _paragraphs_json(paragraphs), self.stamp)
                )
            self._audit("cards", card.uuid, "(created)", None, f"{card.ref}. {card.title}")
            self.cards[card.uuid] = card
            self.touched_cards.add(card.uuid)
        self.db.conn.executemany(self.repo.INSERT_CARD, card_rows)
        self.db.conn.executemany(
            "INSERT INTO progress (card_uuid, period_id, paragraphs, updated_at)"
            " VALUES (?, ?, ?, ?)",
            progress_rows,
        )

    # ------------------------------------------------------------------ milestones

    def _update_milestone(self, edit: _RowEdit) -> None:
        card, milestone = self.milestones[edit.uuid]
        sets: dict[str, Any] = {}
        for change in edit.fields:
            if change.key == "target":
                self._revise_target(milestone, str(change.value or ""), edit.reason, sets)
                continue
            stored, old = _milestone_stored(milestone, change.key, change.value)
            if stored == old:
                continue
            if change.key == "description" and not str(stored).strip():
                raise InvalidInput("a milestone needs a description")
            self._audit("milestones", milestone.uuid, change.key, old, stored)
            sets[change.key] = stored
        if sets:
            assignments = "".join(f"{column} = ?, " for column in sets)
            self.db.execute(
                f"UPDATE milestones SET {assignments}version = version + 1, updated_at = ?"
                " WHERE uuid = ?",
                [*sets.values(), self.stamp, milestone.uuid],
            )
            self.touched_cards.add(card.uuid)

    def _revise_target(
        self, milestone: Milestone, new_target: str, reason: str, sets: dict[str, Any]
    ) -> None:
        """Re-date as :meth:`Repository.revise_target` does: the first keeps the baseline."""
        if milestone.target == new_target:
            return
        original = milestone.original_target
        if original is None:
            original = milestone.target
        self.db.execute(
            "INSERT INTO milestone_revisions (milestone_uuid, old_target, new_target, reason,"
            " changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?)",
            [milestone.uuid, milestone.target, new_target, reason, self.stamp, self.repo.user],
        )
        self._audit("milestones", milestone.uuid, "target", milestone.target, new_target)
        if reason:
            self._audit("milestones", milestone.uuid, "reason for change", None, reason)
        sets["target"] = new_target
        sets["original_target"] = original

    def _new_milestones(self, rows: list[RowChange]) -> None:
        """Insert new milestones, each where the officer put it among its card's rows."""
        orders: dict[str, list[str]] = {}
        for row in rows:
            card = self.cards.get(row.card_uuid)
            if card is None:
                raise StaleEdit(f"recommendation {row.ref} is no longer in {self.programme.code}")
            order = orders.setdefault(card.uuid, [m.uuid for m in card.milestones])
            if row.after in order:
                order.insert(order.index(row.after) + 1, row.uuid)
            elif row.before in order:
                order.insert(order.index(row.before), row.uuid)
            else:
                order.append(row.uuid)
            self.touched_cards.add(card.uuid)
        new = {row.uuid: row for row in rows}
        inserts, moves = [], []
        for card_uuid, order in orders.items():
            was = {m.uuid: m.position for m in self.cards[card_uuid].milestones}
            for index, uuid in enumerate(order):
                if uuid in new:
                    inserts.append(self._milestone_insert(new[uuid], card_uuid, index))
                elif was.get(uuid) != index:
                    moves.append((index, uuid))
        self.db.conn.executemany(self.repo.INSERT_MILESTONE, inserts)
        self.db.conn.executemany("UPDATE milestones SET position = ? WHERE uuid = ?", moves)

    def _milestone_insert(self, row: RowChange, card_uuid: str, position: int) -> list[Any]:
        values = {change.key: change.value for change in row.fields}
        status = values.get("status")
        completed = values.get("completed_on")
        target = str(values.get("target") or "")
        milestone = Milestone(
            description=str(values.get("description") or ""),
            target=target,
            status=MilestoneStatus(str(status)) if status else MilestoneStatus.NOT_STARTED,
            completed_on=completed if isinstance(completed, date) else None,
            notes=str(values.get("notes") or ""),
            uuid=row.uuid,
            position=position,
        )
        self._audit(
            "milestones",
            milestone.uuid,
            "(created)",
            None,
            f"{milestone.description} – {target}" if target else milestone.description,
        )
        return self.repo.milestone_row(card_uuid, milestone, self.now)


def _milestone_stored(milestone: Milestone, key: str, value: FieldValue) -> tuple[Any, Any]:
    """(new stored value, current stored value) of a milestone field."""
    if key == "status":
        return str(MilestoneStatus(str(value))), str(milestone.status)
    if key == "completed_on":
        new = value.isoformat() if isinstance(value, date) else None
        old = milestone.completed_on.isoformat() if milestone.completed_on else None
        return new, old
    if key in ("description", "notes"):
        return str(value or ""), getattr(milestone, key)
    raise InvalidInput(f"unknown milestone field {key!r}")


def _paragraphs(value: FieldValue) -> list[Paragraph]:
    if not isinstance(value, list):
        return []
    return [p for p in value if isinstance(p, Paragraph)]


def _paragraphs_json(paragraphs: list[Paragraph]) -> str:
    return json.dumps(
        [{"text": p.text, "bulleted": p.bulleted} for p in paragraphs], ensure_ascii=False
    )
