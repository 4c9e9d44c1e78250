"""The repository: every read and write of the programme data goes through here.

Each write runs in one ``BEGIN IMMEDIATE`` transaction, checks the row version
it was based on (so a stale card from another window or process is refused,
never silently overwritten), bumps that version, writes one audit row per
changed field, and keeps the search index in step.
"""

from __future__ import annotations

import getpass
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from fowdesk import __version__, logs, partial_files, paths
from fowdesk.domain.change_set import ChangeSet, ImportResult, published_period_refusal
from fowdesk.domain.changes import Change, changes_between
from fowdesk.domain.leads import email_problem, format_leads, parse_leads
from fowdesk.domain.model import (
    AuditEntry,
    Card,
    CardStatus,
    LeadRole,
    Milestone,
    MilestoneRevision,
    MilestoneStatus,
    Paragraph,
    Period,
    Programme,
    Rag,
    new_uuid,
)
from fowdesk.domain.narrative import paragraphs_to_text
from fowdesk.domain.periods import new_period_problem
from fowdesk.domain.publishing import PublishedReport, ReportOptions
from fowdesk.domain.returns import ExportedReturn, ReturnImport
from fowdesk.domain.snapshot import programme_from_dict, programme_to_dict
from fowdesk.errors import FowdeskError, InvalidInput, NotFound, PeriodPublished, StaleEdit, shown
from fowdesk.storage import backups, database
from fowdesk.storage.change_set_writer import ChangeSetWriter
from fowdesk.storage.return_records import pack_base, pack_record, unpack_base, unpack_record
from fowdesk.storage.schema import MIGRATIONS
from fowdesk.storage.search_index import SearchIndex
from fowdesk.storage.stored_values import deliverables_from_json as _deliverables_from_json
from fowdesk.storage.stored_values import deliverables_text as _deliverables_text
from fowdesk.storage.stored_values import deliverables_to_json as _deliverables_to_json
from fowdesk.storage.stored_values import paragraphs_from_json as _paragraphs_from_json
from fowdesk.storage.stored_values import paragraphs_to_json as _paragraphs_to_json
from fowdesk.storage.stored_values import to_json as _json

T = TypeVar("T")

#: Card fields an officer edits, and how each is stored and audited.
CARD_FIELDS = (
    "ref",
    "title",
    "deliverables",
    "theme",
    "leads",
    "status",
    "rag_override",
    "rag_override_reason",
    "next_steps_text",
    "cross_reference",
)
#: Milestone fields edited directly; the target changes only through revise_target.
MILESTONE_FIELDS = ("description", "status", "completed_on", "notes")


def _reason_only(exc: Exception, path: Path) -> str:
    """The error's line without the database's path in front (the caller names it)."""
    text = str(exc)
    prefix = f"{shown(path)}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def default_user() -> str:
    """The OS user name, for the audit trail, unless preferences say otherwise."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USERNAME") or "unknown"


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


#: Stored text to enum member, looked up rather than called: a programme holds 50,000.
_MILESTONE_STATUSES = {str(status): status for status in MilestoneStatus}
_CARD_STATUSES = {str(status): status for status in CardStatus}
_RAGS = {str(rag): rag for rag in Rag}


@dataclass(frozen=True)
class ProgrammeHeader:
    code: str
    title: str


#: Returns' bases are kept this many months at least (then dropped; the listing stays).
KEEP_BASES_MONTHS = 24


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the 31st → the month's last)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            day -= 1


def _key_text(key: Sequence[LeadRole]) -> str:
    """The key as the audit trail shows it: "SSM – Strategic Skills Manager <ssm@…>; …"."""
    return "; ".join(f"{k.code} – {k.role}" + (f" <{k.email}>" if k.email else "") for k in key)


@dataclass(frozen=True)
class ReturnListing:
    """One return ID with its export and the imports of it (``returns`` lists these)."""

    exported: ExportedReturn
    imports: list[ReturnImport]


@dataclass(frozen=True)
class ExportRecord:
    at: datetime
    who: str
    kind: str
    programme_code: str
    period_label: str
    filename: str


class Repository:
    """One open fowdesk file, for one thread.

    A connection belongs to the thread that opened it: a worker thread opens
    its own ``Repository`` on the same path.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
        path: Path,
        *,
        user: str | None = None,
        source: str = "cli",
        author: str = "",
    ) -> None:
        self.db = db
        self.path = Path(path)
        self.user = user or default_user()
        self.source = source
        self.author = author
        self._wrote = False
        self._closed = False
        #: Set when opening rolled back a write that a power cut or kill interrupted.
        self.recovery: database.Recovery | None = None
        #: One line per best-effort write that failed (see :meth:`try_write`).
        self.unrecorded: list[str] = []
        self.search_index = SearchIndex(db)

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls, path: Path | str, *, lock_timeout: float | None = None, **kwargs: Any
    ) -> Repository:
        """Open an existing file (refusing one that is not a sound fowdesk file).

        A write that a power cut interrupted is rolled back first, with the
        file and its journal kept in ``backups/`` (see :attr:`recovery`).
        ``lock_timeout`` bounds every wait for another program's lock
        (default: :func:`database.default_lock_timeout`); past it,
        :class:`~fowdesk.errors.LockedDatabase` is raised.
        """
        path = Path(path)
        backups_dir = paths.backups_dir_for(path)
        if not database.is_open_in_this_process(path):
            # At start, not for every worker's connection: sweep what a crash left.
            partial_files.remove_stale([path.parent, backups_dir, paths.default_exports_dir()])
        opened = database.open_database(path, MIGRATIONS, backups_dir, lock_timeout=lock_timeout)
        repo = cls(opened.db, path, **kwargs)
        repo.recovery = opened.recovery
        try:
            repo.ensure_search_index()
        except BaseException:
            repo.close()
            raise
        return repo

    @classmethod
    def create(
        cls,
        path: Path | str,
        *,
        seeded: bool = True,
        lock_timeout: float | None = None,
        **kwargs: Any,
    ) -> Repository:
        """Create a new file; with ``seeded``, load the shipped seed programmes into it."""
        path = Path(path)
        db = database.create_new(path, MIGRATIONS, lock_timeout=lock_timeout)
        repo = cls(db, path, **kwargs)
        if seeded:
            from fowdesk.storage.seed import load_seed_programmes

            try:
                with repo.transaction():
                    for programme in load_seed_programmes():
                        repo.insert_programme(programme, audit=False)
            except BaseException:
                db.close()
                database.discard_new_file(path)
                raise
        return repo

    @classmethod
    def open_or_create(cls, path: Path | str, **kwargs: Any) -> Repository:
        """The window's default: the seeded database is created on first run."""
        path = Path(path)
        if path.exists():
            return cls.open(path, **kwargs)
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls.create(path, seeded=True, **kwargs)

    def close(self, *, backup: bool = False) -> None:
        """Close the file; with ``backup`` (the window does), take a rotating backup first.

        Closing twice is harmless: the window and the application both close on exit.
        """
        if self._closed:
            return
        try:
            if backup and self._wrote:
                self.backup(reason="on-close")
        finally:
            self._closed = True
            self.db.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called (a restore closes the window's file first)."""
        return self._closed

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction (``BEGIN IMMEDIATE``); nested ones join it.

        The search rows of the cards it touched are rewritten once, just
        before the outermost one commits.
        """
        self._wrote = True
        outermost = not self.db.conn.in_transaction
        try:
            with database.immediate(self.db):
                yield
                if outermost:
                    self.search_index.refresh_stale()
        finally:
            if outermost:
                self.search_index.forget_stale()

    def set_lock_timeout(self, seconds: float, *, reads: float | None = None) -> None:
        """Bound every later write's wait for another program's lock (the window keeps it short).

        Reads still ride out another program's commit: they wait ``reads``,
        by default never less than :data:`database.READ_WAIT_S` (see
        :func:`database.set_lock_timeout`).
        """
        database.set_lock_timeout(self.db.conn, seconds, reads=reads)

    def try_write(self, what: str, write: Callable[[], T]) -> T | None:
        """Run a write whose failure must never undo finished work; None if it failed.

        Recording an export (or the base a return was exported from) follows
        a file that is already complete and in place: a read-only, locked or
        full database must not turn that into a failure. The reason is kept
        in :attr:`unrecorded` as one line (``could not record WHAT: …``) for
        the command line or the window to show.
        """
        try:
            return write()
        except FowdeskError as exc:
            reason = _reason_only(exc, getattr(self.db.conn, "path", self.path))
        except Exception as exc:  # a bug, but the finished work still stands
            logs.logger.error("could not record %s", what, exc_info=exc)
            reason = f"unexpected {type(exc).__name__}: {exc} (details in the log)"
        self.unrecorded.append(f"could not record {what}: {reason}")
        return None

    @property
    def backups_dir(self) -> Path:
        return paths.backups_dir_for(self.path)

    def backup(self, target: Path | None = None, reason: str = "manual") -> Path:
        """Back up with the online API: to ``target``, or into the rotating folder."""
        if target is None:
            return backups.take_backup(self.db, self.backups_dir, reason)
        backups.write_backup_to(self.db, Path(target))
        return Path(target)

    def schema_version(self) -> int:
        return database.schema_version(self.db)

    # ------------------------------------------------------------------ audit

    INSERT_AUDIT = (
        "INSERT INTO audit (at, who, author, source, table_name, row_uuid, field, old, new)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )

    def _audit_row(
        self, table: str, row_uuid: str, field: str, old: Any, new: Any, at: datetime
    ) -> tuple[Any, ...]:
        """One audit row's values for :attr:`INSERT_AUDIT`, by this user from this source."""
        return (
            at.isoformat(),
            self.user,
            self.author,
            self.source,
            table,
            row_uuid,
            field,
            None if old is None else str(old),
            None if new is None else str(new),
        )

    def _audit(
        self, table: str, row_uuid: str, field: str, old: Any, new: Any, at: datetime
    ) -> None:
        self.db.execute(self.INSERT_AUDIT, self._audit_row(table, row_uuid, field, old, new, at))

    def audit_for(self, uuids: Iterable[str]) -> list[AuditEntry]:
        """The audit trail of these rows, oldest first."""
        ids = list(uuids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            "SELECT at, who, source, table_name, row_uuid, field, old, new, author FROM audit"
            f" WHERE row_uuid IN ({marks}) ORDER BY id",
            ids,
        ).fetchall()
        return [
            AuditEntry(datetime.fromisoformat(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])
            for r in rows
        ]

    def card_history(self, card_uuid: str) -> list[AuditEntry]:
        """The card's own changes and its milestones', for the history panel."""
        milestone_ids = [
            r[0]
            for r in self.db.execute(
                "SELECT uuid FROM milestones WHERE card_uuid = ?", [card_uuid]
            ).fetchall()
        ]
        return self.audit_for([card_uuid, *milestone_ids])

    # ------------------------------------------------------------------ programmes

    def programmes(self) -> list[ProgrammeHeader]:
        rows = self.db.execute("SELECT code, title FROM programmes ORDER BY position, id")
        return [ProgrammeHeader(r[0], r[1]) for r in rows.fetchall()]

    def _programme_id(self, code: str | None) -> tuple[int, str]:
        if code is None:
            row = self.db.execute(
                "SELECT id, code FROM programmes ORDER BY position, id LIMIT 1"
            ).fetchone()
            if row is None:
                raise NotFound("the database holds no programme yet")
            return int(row[0]), str(row[1])
        row = self.db.execute(
            "SELECT id, code FROM programmes WHERE code = ? COLLATE NOCASE", [code]
        ).fetchone()
        if row is None:
            known = ", ".join(p.code for p in self.programmes()) or "none"
            raise NotFound(f"no programme with code {code!r} (programmes: {known})")
        return int(row[0]), str(row[1])

    def programme_code(self, code: str | None = None) -> str:
        """The canonical code of ``code`` (or of the first programme)."""
        return self._programme_id(code)[1]

    def load_programme(self, code: str | None = None) -> Programme:
        """The whole programme as domain objects (the first one when ``code`` is None).

        Read in one read transaction, so another program's commit lands
        wholly before or wholly after it, never between its steps.
        """
        with database.reading(self.db):
            return self._load_programme(code)

    def _load_programme(self, code: str | None) -> Programme:
        programme_id, _ = self._programme_id(code)
        row = self.db.execute(
            "SELECT code, title, report_title, introduction, column_headings, returns_to"
            " FROM programmes WHERE id = ?",
            [programme_id],
        ).fetchone()
        programme = Programme(
            code=row[0],
            title=row[1],
            report_title=row[2],
            introduction=_paragraphs_from_json(row[3]),
            column_headings=json.loads(row[4]),
            returns_to=row[5],
        )
        programme.lead_key = [
            LeadRole(r[0], r[1], r[2])
            for r in self.db.execute(
                "SELECT code, role, email FROM lead_roles WHERE programme_id = ?"
                " ORDER BY position, id",
                [programme_id],
            ).fetchall()
        ]
        programme.themes = [
            r[0]
            for r in self.db.execute(
                "SELECT name FROM themes WHERE programme_id = ? ORDER BY position, id",
                [programme_id],
            ).fetchall()
        ]
        programme.periods = self._periods(programme_id)
        programme.cards = self._cards(programme_id, programme.periods)
        return programme

    def _periods(self, programme_id: int) -> list[Period]:
        rows = self.db.execute(
            "SELECT label, as_at, meeting, published, published_at, seeded FROM periods"
            " WHERE programme_id = ? ORDER BY as_at, id",
            [programme_id],
        ).fetchall()
        return [
            Period(
                r[0],
                date.fromisoformat(r[1]),
                r[2],
                bool(r[3]),
                datetime.fromisoformat(r[4]) if r[4] else None,
                seeded=bool(r[5]),
            )
            for r in rows
        ]

    _CARD_COLUMNS = (
        "c.uuid, c.ref, c.title, c.deliverables, t.name, c.leads, c.status, c.rag_override,"
        " c.rag_override_reason, c.next_steps_text, c.cross_reference, c.position, c.version,"
        " c.updated_at"
    )

    def _card_from_row(self, r: Sequence[Any]) -> Card:
        return Card(
            uuid=r[0],
            ref=r[1],
            title=r[2],
            deliverables=_deliverables_from_json(r[3]),
            theme=r[4],
            leads=[code for code in r[5].split("/") if code],
            status=_CARD_STATUSES[r[6]],
            rag_override=_RAGS[r[7]] if r[7] else None,
            rag_override_reason=r[8],
            next_steps_text=r[9],
            cross_reference=r[10],
            position=r[11],
            version=r[12],
            updated_at=datetime.fromisoformat(r[13]),
        )

    def _cards(self, programme_id: int, periods: list[Period]) -> list[Card]:
        rows = self.db.execute(
            f"SELECT {self._CARD_COLUMNS} FROM cards c LEFT JOIN themes t ON t.id = c.theme_id"
            " WHERE c.programme_id = ? ORDER BY c.position, c.rowid",
            [programme_id],
        ).fetchall()
        cards = [self._card_from_row(r) for r in rows]
        by_uuid = {c.uuid: c for c in cards}
        for card_uuid, label, paragraphs in self.db.execute(
            "SELECT p.card_uuid, pe.label, p.paragraphs FROM progress p"
            " JOIN periods pe ON pe.id = p.period_id WHERE pe.programme_id = ?"
            " ORDER BY pe.as_at, pe.id",
            [programme_id],
        ).fetchall():
            if card_uuid in by_uuid:
                by_uuid[card_uuid].progress[label] = _paragraphs_from_json(paragraphs)
        for milestone, card_uuid in self._milestones(
            "m.card_uuid IN (SELECT uuid FROM cards WHERE programme_id = ?)",
            [programme_id],
            whole_programme=True,
        ):
            by_uuid[card_uuid].milestones.append(milestone)
        return cards

    _MILESTONE_COLUMNS = (
        "m.uuid, m.card_uuid, m.position, m.description, m.target, m.status, m.completed_on,"
        " m.notes, m.original_target, m.version"
    )

    def _milestones(
        self, where: str, params: list[Any], *, whole_programme: bool = False
    ) -> list[tuple[Milestone, str]]:
        """(milestone, card UUID) of the milestones ``where`` picks, each card's in order.

        For a whole programme the revisions are read first and their
        milestones looked up (there are few revisions and many milestones);
        for one card the milestones' index leads.
        """
        rows = self.db.execute(
            f"SELECT {self._MILESTONE_COLUMNS} FROM milestones m WHERE m.deleted = 0 AND {where}"
            " ORDER BY m.card_uuid, m.position, m.rowid",
            params,
        ).fetchall()
        revisions: dict[str, list[MilestoneRevision]] = defaultdict(list)
        if rows:
            join = "CROSS JOIN" if whole_programme else "JOIN"
            for r in self.db.execute(
                "SELECT r.milestone_uuid, r.old_target, r.new_target, r.reason, r.changed_at,"
                f" r.changed_by FROM milestone_revisions r {join} milestones m"
                f" ON m.uuid = r.milestone_uuid WHERE m.deleted = 0 AND {where} ORDER BY r.id",
                params,
            ).fetchall():
                revisions[r[0]].append(
                    MilestoneRevision(r[1], r[2], r[3], datetime.fromisoformat(r[4]), r[5])
                )
        statuses = _MILESTONE_STATUSES
        return [
            (
                Milestone(
                    uuid=uuid,
                    position=position,
                    description=description,
                    target=target,
                    status=statuses[status],
                    completed_on=date.fromisoformat(completed) if completed else None,
                    notes=notes,
                    original_target=original,
                    version=version,
                    revisions=revisions.get(uuid) or [],
                ),
                card_uuid,
            )
            for (
                uuid,
                card_uuid,
                position,
                description,
                target,
                status,
                completed,
                notes,
                original,
                version,
            ) in rows
        ]

    def card(self, card_uuid: str) -> Card:
        """One card with its milestones and all its progress."""
        row = self.db.execute(
            f"SELECT {self._CARD_COLUMNS} FROM cards c LEFT JOIN themes t ON t.id = c.theme_id"
            " WHERE c.uuid = ?",
            [card_uuid],
        ).fetchone()
        if row is None:
            raise NotFound(f"no recommendation with ID {card_uuid}")
        card = self._card_from_row(row)
        for label, paragraphs in self.db.execute(
            "SELECT pe.label, p.paragraphs FROM progress p JOIN periods pe ON pe.id = p.period_id"
            " WHERE p.card_uuid = ? ORDER BY pe.as_at, pe.id",
            [card_uuid],
        ).fetchall():
            card.progress[label] = _paragraphs_from_json(paragraphs)
        card.milestones = [m for m, _ in self._milestones("m.card_uuid = ?", [card_uuid])]
        return card

    def milestone(self, milestone_uuid: str) -> Milestone:
        found = self._milestones("m.uuid = ?", [milestone_uuid])
        if not found:
            raise NotFound(f"no milestone with ID {milestone_uuid}")
        return found[0][0]

    def card_uuid_for_milestone(self, milestone_uuid: str) -> str:
        row = self.db.execute(
            "SELECT card_uuid FROM milestones WHERE uuid = ?", [milestone_uuid]
        ).fetchone()
        if row is None:
            raise NotFound(f"no milestone with ID {milestone_uuid}")
        return str(row[0])

    def card_uuid_for_ref(self, code: str | None, ref: str) -> str:
        programme_id, _ = self._programme_id(code)
        row = self.db.execute(
            "SELECT uuid FROM cards WHERE programme_id = ? AND ref = ?", [programme_id, ref]
        ).fetchone()
        if row is None:
            raise NotFound(f"no recommendation {ref!r} in programme {code or ''}".strip())
        return str(row[0])

    def programme_code_for_card(self, card_uuid: str) -> str:
        row = self.db.execute(
            "SELECT p.code FROM cards c JOIN programmes p ON p.id = c.programme_id"
            " WHERE c.uuid = ?",
            [card_uuid],
        ).fetchone()
        if row is None:
            raise NotFound(f"no recommendation with ID {card_uuid}")
        return str(row[0])

    # ------------------------------------------------------------------ inserting

    def insert_programme(self, programme: Programme, *, audit: bool = True) -> None:
        """Insert a whole programme (seed data, or a new one from settings) in one go."""
        with self.transaction():
            if self.db.execute(
                "SELECT 1 FROM programmes WHERE code = ? COLLATE NOCASE", [programme.code]
            ).fetchone():
                raise InvalidInput(f"a programme with code {programme.code!r} already exists")
            position = self.db.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM programmes"
            ).fetchone()[0]
            cursor = self.db.execute(
                "INSERT INTO programmes (code, title, report_title, introduction,"
                " column_headings, position) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    programme.code,
                    programme.title,
                    programme.report_title,
                    _paragraphs_to_json(programme.introduction),
                    _json(programme.column_headings),
                    position,
                ],
            )
            programme_id = int(cursor.lastrowid or 0)
            self._write_key(programme_id, programme.lead_key)
            self._write_themes(programme_id, programme.themes)
            now = _now()
            self.db.conn.executemany(
                "INSERT INTO periods (programme_id, label, as_at, meeting, published,"
                " created_at) VALUES (?, ?, ?, ?, 0, ?)",
                [
                    (
                        programme_id,
                        period.label,
                        period.as_at.isoformat(),
                        period.meeting,
                        now.isoformat(),
                    )
                    for period in programme.periods
                ],
            )
            for index, card in enumerate(programme.cards):
                card.position = index
            self._insert_cards(programme_id, programme.cards, now, audit=audit)
            # Periods the source marks published are frozen as they now stand.
            for period in programme.periods:
                if period.published:
                    self.publish_period(
                        programme.code, period.label, at=period.published_at, seeded=period.seeded
                    )

    def _theme_id(self, programme_id: int, theme: str | None) -> int | None:
        if not theme:
            return None
        row = self.db.execute(
            "SELECT id FROM themes WHERE programme_id = ? AND name = ?", [programme_id, theme]
        ).fetchone()
        if row is None:
            raise InvalidInput(f"no theme called {theme!r} in this programme")
        return int(row[0])

    def _period_id(self, programme_id: int, label: str) -> int:
        row = self.db.execute(
            "SELECT id FROM periods WHERE programme_id = ? AND label = ?", [programme_id, label]
        ).fetchone()
        if row is None:
            raise NotFound(f"no reporting period {label!r}")
        return int(row[0])

    def _open_period_id(self, programme_id: int, label: str) -> int:
        """The period a narrative is written into; a published one is closed."""
        row = self.db.execute(
            "SELECT id, published FROM periods WHERE programme_id = ? AND label = ?",
            [programme_id, label],
        ).fetchone()
        if row is None:
            raise NotFound(f"no reporting period {label!r}")
        if row[1]:
            raise PeriodPublished(
                f"{label} is published, so its progress cannot change; start the next "
                "reporting period to record new progress"
            )
        return int(row[0])

    INSERT_CARD = (
        "INSERT INTO cards (uuid, programme_id, ref, title, deliverables, theme_id, leads,"
        " status, rag_override, rag_override_reason, next_steps_text, cross_reference,"
        " position, version, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
    )

    @staticmethod
    def card_row(programme_id: int, card: Card, theme_id: int | None, now: datetime) -> list[Any]:
        """A new card's values for :attr:`INSERT_CARD` (the theme already looked up)."""
        return [
            card.uuid,
            programme_id,
            card.ref,
            card.title,
            _deliverables_to_json(card.deliverables),
            theme_id,
            format_leads(card.leads),
            str(card.status),
            str(card.rag_override) if card.rag_override else None,
            card.rag_override_reason,
            card.next_steps_text,
            card.cross_reference,
            card.position,
            now.isoformat(),
            now.isoformat(),
        ]

    def _insert_cards(
        self, programme_id: int, cards: Sequence[Card], now: datetime, *, audit: bool
    ) -> None:
        """Insert new cards with their progress and milestones: one statement per table.

        Positions are the caller's; each card's milestones are numbered in
        order. Their search rows are written when the transaction commits.
        """
        stamp = now.isoformat()
        theme_ids: dict[str | None, int | None] = {}
        period_ids: dict[str, int] = {}
        card_rows, progress_rows, milestone_rows, audit_rows = [], [], [], []
        for card in cards:
            if card.theme not in theme_ids:
                theme_ids[card.theme] = self._theme_id(programme_id, card.theme)
            card_rows.append(self.card_row(programme_id, card, theme_ids[card.theme], now))
            card.version = 1
            for label, paragraphs in card.progress.items():
                if label not in period_ids:
                    period_ids[label] = self._open_period_id(programme_id, label)
                progress_rows.append(
                    (card.uuid, period_ids[label], _paragraphs_to_json(paragraphs), stamp)
                )
            for index, milestone in enumerate(card.milestones):
                milestone.position = index
                milestone.version = 1
                milestone_rows.append(self.milestone_row(card.uuid, milestone, now))
            if audit:
                created = f"{card.ref}. {card.title}"
                audit_rows.append(
                    self._audit_row("cards", card.uuid, "(created)", None, created, now)
                )
                audit_rows += [
                    self._audit_row(
                        "milestones", milestone.uuid, "(created)", None, milestone.description, now
                    )
                    for milestone in card.milestones
                ]
        self.db.conn.executemany(self.INSERT_CARD, card_rows)
        self.db.conn.executemany(
            "INSERT INTO progress (card_uuid, period_id, paragraphs, updated_at)"
            " VALUES (?, ?, ?, ?)",
            progress_rows,
        )
        self.db.conn.executemany(self.INSERT_MILESTONE, milestone_rows)
        self.db.conn.executemany(self.INSERT_AUDIT, audit_rows)
        self.search_index.mark_stale(card.uuid for card in cards)

    INSERT_MILESTONE = (
        "INSERT INTO milestones (uuid, card_uuid, position, description, target, status,"
        " completed_on, notes, original_target, version, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
    )

    @staticmethod
    def milestone_row(card_uuid: str, milestone: Milestone, now: datetime) -> list[Any]:
        """A new milestone's values for :attr:`INSERT_MILESTONE`."""
        return [
            milestone.uuid,
            card_uuid,
            milestone.position,
            milestone.description,
            milestone.target,
            str(milestone.status),
            milestone.completed_on.isoformat() if milestone.completed_on else None,
            milestone.notes,
            milestone.original_target,
            now.isoformat(),
            now.isoformat(),
        ]

    def _insert_milestone(self, card_uuid: str, milestone: Milestone, now: datetime) -> None:
        self.db.execute(self.INSERT_MILESTONE, self.milestone_row(card_uuid, milestone, now))
        milestone.version = 1

    def add_card(
        self,
        code: str | None,
        ref: str,
        title: str,
        **fields: Any,
    ) -> Card:
        """A new recommendation at the end of the programme (audited as created)."""
        programme_id, _ = self._programme_id(code)
        if not title.strip():
            raise InvalidInput("a recommendation needs a title")
        with self.transaction():
            if self.db.execute(
                "SELECT 1 FROM cards WHERE programme_id = ? AND ref = ?", [programme_id, ref]
            ).fetchone():
                raise InvalidInput(f"recommendation {ref!r} already exists")
            position = self.db.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM cards WHERE programme_id = ?",
                [programme_id],
            ).fetchone()[0]
            card = Card(ref=ref, title=title, position=position, **fields)
            self._insert_cards(programme_id, [card], _now(), audit=True)
        return self.card(card.uuid)

    def next_free_ref(self, code: str | None) -> str:
        """The next number after the highest numeric ref: what a new card is called."""
        programme_id, _ = self._programme_id(code)
        refs = [
            r[0]
            for r in self.db.execute(
                "SELECT ref FROM cards WHERE programme_id = ?", [programme_id]
            ).fetchall()
        ]
        numbers = [int(r) for r in refs if r.isdecimal()]  # isdigit() takes "²", int() not
        return str(max(numbers, default=0) + 1)

    # ------------------------------------------------------------------ card edits

    def _check_version(self, table: str, uuid: str, expected: int | None) -> dict[str, Any]:
        row = self.db.execute(f"SELECT * FROM {table} WHERE uuid = ?", [uuid]).fetchone()
        if row is None:
            raise NotFound(
                f"no {'recommendation' if table == 'cards' else 'milestone'} with ID {uuid}"
            )
        columns = [d[0] for d in self.db.execute(f"SELECT * FROM {table} LIMIT 0").description]
        current = dict(zip(columns, row, strict=True))
        if expected is not None and current["version"] != expected:
            what = "recommendation" if table == "cards" else "milestone"
            raise StaleEdit(
                f"this {what} was changed by someone else since you opened it "
                f"(your version {expected}, now {current['version']}); reload to see their "
                "changes before saving yours",
                current_version=current["version"],
            )
        return current

    def _card_field_for_storage(
        self, programme_id: int, field: str, value: Any
    ) -> tuple[str, Any, str | None]:
        """(column, stored value, audit text) for one card field."""
        if field == "deliverables":
            items = list(value)
            return "deliverables", _deliverables_to_json(items), _deliverables_text(items)
        if field == "theme":
            return "theme_id", self._theme_id(programme_id, value), value
        if field == "leads":
            text = format_leads(parse_leads(value) if isinstance(value, str) else list(value))
            return "leads", text, text
        if field == "status":
            status = CardStatus(value)
            return "status", str(status), str(status)
        if field == "rag_override":
            rag = value if value is None or isinstance(value, Rag) else Rag.from_text(str(value))
            if value not in (None, "") and rag is None:
                raise InvalidInput(f"unknown RAG override {value!r} (use R, A, G or C)")
            stored = str(rag) if rag else None
            return "rag_override", stored, stored
        if field == "cross_reference":
            stored = str(value).strip() if value not in (None, "") else None
            return "cross_reference", stored, stored
        if field in ("ref", "title", "rag_override_reason", "next_steps_text"):
            return field, str(value), str(value)
        raise InvalidInput(f"unknown recommendation field {field!r}")

    def _card_field_audit_old(self, current: dict[str, Any], field: str) -> str | None:
        if field == "deliverables":
            return _deliverables_text(_deliverables_from_json(current["deliverables"]))
        if field == "theme":
            if current["theme_id"] is None:
                return None
            row = self.db.execute(
                "SELECT name FROM themes WHERE id = ?", [current["theme_id"]]
            ).fetchone()
            return row[0] if row else None
        value = current[field]
        return None if value is None else str(value)

    def update_card(self, card_uuid: str, expected_version: int | None, **fields: Any) -> Card:
        """Change card fields; refused when the card moved on since ``expected_version``.

        Fields whose value is unchanged are skipped, so nothing is audited (and
        the version does not move) when nothing really changed.
        """
        with self.transaction():
            current = self._check_version("cards", card_uuid, expected_version)
            programme_id = current["programme_id"]
            now = _now()
            sets: dict[str, Any] = {}
            for field, value in fields.items():
                if field not in CARD_FIELDS:
                    raise InvalidInput(f"unknown recommendation field {field!r}")
                column, stored, audit_new = self._card_field_for_storage(programme_id, field, value)
                if current[column] == stored:
                    continue
                if (
                    field == "ref"
                    and self.db.execute(
                        "SELECT 1 FROM cards WHERE programme_id = ? AND ref = ? AND uuid != ?",
                        [programme_id, stored, card_uuid],
                    ).fetchone()
                ):
                    raise InvalidInput(f"recommendation {stored!r} already exists")
                self._audit(
                    "cards",
                    card_uuid,
                    field,
                    self._card_field_audit_old(current, field),
                    audit_new,
                    now,
                )
                sets[column] = stored
            if sets:
                # Marked before the change: a card it stops pointing to loses its title.
                self.search_index.mark_stale([card_uuid])
                assignments = ", ".join(f"{column} = ?" for column in sets)
                self.db.execute(
                    f"UPDATE cards SET {assignments}, version = version + 1, updated_at = ?"
                    " WHERE uuid = ?",
                    [*sets.values(), now.isoformat(), card_uuid],
                )
        return self.card(card_uuid)

    def set_progress(
        self,
        card_uuid: str,
        period_label: str,
        paragraphs: Sequence[Paragraph],
        expected_version: int | None,
    ) -> Card:
        """Replace the card's narrative for one period (the card's version moves on).

        Raises ``PeriodPublished`` for a published period: what was reported
        to committee is closed, new progress belongs to the next period.
        Raises ``StaleEdit`` if the card moved on since ``expected_version``.
        """
        with self.transaction():
            current = self._check_version("cards", card_uuid, expected_version)
            period_id = self._period_id(current["programme_id"], period_label)
            row = self.db.execute(
                "SELECT paragraphs FROM progress WHERE card_uuid = ? AND period_id = ?",
                [card_uuid, period_id],
            ).fetchone()
            old = _paragraphs_from_json(row[0]) if row else []
            new = list(paragraphs)
            if old == new:
                return self.card(card_uuid)
            self._open_period_id(current["programme_id"], period_label)
            now = _now()
            self.db.execute(
                "INSERT INTO progress (card_uuid, period_id, paragraphs, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (card_uuid, period_id)"
                " DO UPDATE SET paragraphs = excluded.paragraphs, updated_at = excluded.updated_at",
                [card_uuid, period_id, _paragraphs_to_json(new), now.isoformat()],
            )
            self._audit(
                "cards",
                card_uuid,
                f"progress ({period_label})",
                paragraphs_to_text(old),
                paragraphs_to_text(new),
                now,
            )
            self.db.execute(
                "UPDATE cards SET version = version + 1, updated_at = ? WHERE uuid = ?",
                [now.isoformat(), card_uuid],
            )
            self.search_index.mark_stale([card_uuid])
        return self.card(card_uuid)

    # ------------------------------------------------------------------ milestones

    def add_milestone(
        self,
        card_uuid: str,
        description: str,
        target: str = "",
        *,
        status: MilestoneStatus | str = MilestoneStatus.NOT_STARTED,
        notes: str = "",
        completed_on: date | None = None,
        position: int | None = None,
        milestone_uuid: str | None = None,
    ) -> Milestone:
        """A new milestone on a card, at ``position`` (default: the end)."""
        if not description.strip():
            raise InvalidInput("a milestone needs a description")
        with self.transaction():
            self._check_version("cards", card_uuid, None)
            count = self.db.execute(
                "SELECT COUNT(*) FROM milestones WHERE card_uuid = ? AND deleted = 0", [card_uuid]
            ).fetchone()[0]
            at = count if position is None else max(0, min(position, count))
            self.db.execute(
                "UPDATE milestones SET position = position + 1"
                " WHERE card_uuid = ? AND deleted = 0 AND position >= ?",
                [card_uuid, at],
            )
            milestone = Milestone(
                description=description,
                target=target,
                status=MilestoneStatus(status),
                notes=notes,
                completed_on=completed_on,
                position=at,
                uuid=milestone_uuid or new_uuid(),
            )
            now = _now()
            self._insert_milestone(card_uuid, milestone, now)
            self._audit(
                "milestones",
                milestone.uuid,
                "(created)",
                None,
                f"{description} – {target}" if target else description,
                now,
            )
            self._touch_card(card_uuid, now)
        return self.milestone(milestone.uuid)

    def _touch_card(self, card_uuid: str, now: datetime) -> None:
        """A milestone changed: the card's last-updated time and search text follow."""
        self.db.execute(
            "UPDATE cards SET updated_at = ? WHERE uuid = ?", [now.isoformat(), card_uuid]
        )
        self.search_index.mark_stale([card_uuid])

    def update_milestone(
        self, milestone_uuid: str, expected_version: int | None, **fields: Any
    ) -> Milestone:
        """Change milestone fields (not the target: use :meth:`revise_target`)."""
        with self.transaction():
            current = self._check_version("milestones", milestone_uuid, expected_version)
            now = _now()
            sets: dict[str, Any] = {}
            for field, value in fields.items():
                if field not in MILESTONE_FIELDS:
                    raise InvalidInput(f"unknown milestone field {field!r}")
                stored: Any
                if field == "status":
                    stored = str(MilestoneStatus(value))
                elif field == "completed_on":
                    stored = value.isoformat() if value else None
                else:
                    stored = str(value)
                if field == "description" and not stored.strip():
                    raise InvalidInput("a milestone needs a description")
                if current[field] == stored:
                    continue
                self._audit("milestones", milestone_uuid, field, current[field], stored, now)
                sets[field] = stored
            if sets:
                assignments = ", ".join(f"{column} = ?" for column in sets)
                self.db.execute(
                    f"UPDATE milestones SET {assignments}, version = version + 1, updated_at = ?"
                    " WHERE uuid = ?",
                    [*sets.values(), now.isoformat(), milestone_uuid],
                )
                self._touch_card(current["card_uuid"], now)
        return self.milestone(milestone_uuid)

    def revise_target(
        self, milestone_uuid: str, expected_version: int | None, new_target: str, reason: str
    ) -> Milestone:
        """Re-date a milestone: the first revision keeps the original target as baseline."""
        with self.transaction():
            current = self._check_version("milestones", milestone_uuid, expected_version)
            if current["target"] == new_target:
                return self.milestone(milestone_uuid)
            now = _now()
            original = current["original_target"]
            if original is None:
                original = current["target"]
            self.db.execute(
                "INSERT INTO milestone_revisions (milestone_uuid, old_target, new_target, reason,"
                " changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?)",
                [milestone_uuid, current["target"], new_target, reason, now.isoformat(), self.user],
            )
            self._audit("milestones", milestone_uuid, "target", current["target"], new_target, now)
            if reason:
                self._audit("milestones", milestone_uuid, "reason for change", None, reason, now)
            self.db.execute(
                "UPDATE milestones SET target = ?, original_target = ?, version = version + 1,"
                " updated_at = ? WHERE uuid = ?",
                [new_target, original, now.isoformat(), milestone_uuid],
            )
            self._touch_card(current["card_uuid"], now)
        return self.milestone(milestone_uuid)

    def delete_milestone(self, milestone_uuid: str, expected_version: int | None) -> None:
        """Remove a milestone from its card (kept in the file so undo can bring it back)."""
        self._set_deleted(milestone_uuid, expected_version, deleted=True)

    def restore_milestone(self, milestone_uuid: str) -> Milestone:
        """Undo a delete: the milestone returns where it was, with its history."""
        self._set_deleted(milestone_uuid, None, deleted=False)
        return self.milestone(milestone_uuid)

    def _set_deleted(
        self, milestone_uuid: str, expected_version: int | None, *, deleted: bool
    ) -> None:
        with self.transaction():
            current = self._check_version("milestones", milestone_uuid, expected_version)
            if bool(current["deleted"]) == deleted:
                return
            now = _now()
            card_uuid, position = current["card_uuid"], current["position"]
            if deleted:
                self.db.execute(
                    "UPDATE milestones SET position = position - 1"
                    " WHERE card_uuid = ? AND deleted = 0 AND position > ?",
                    [card_uuid, position],
                )
            else:
                self.db.execute(
                    "UPDATE milestones SET position = position + 1"
                    " WHERE card_uuid = ? AND deleted = 0 AND position >= ?",
                    [card_uuid, position],
                )
            self._audit(
                "milestones",
                milestone_uuid,
                "deleted",
                str(not deleted).lower(),
                str(deleted).lower(),
                now,
            )
            self.db.execute(
                "UPDATE milestones SET deleted = ?, version = version + 1, updated_at = ?"
                " WHERE uuid = ?",
                [int(deleted), now.isoformat(), milestone_uuid],
            )
            self._touch_card(card_uuid, now)

    def move_milestone(self, milestone_uuid: str, new_position: int) -> Milestone:
        """Reorder: put the milestone at ``new_position`` among its card's milestones."""
        with self.transaction():
            current = self._check_version("milestones", milestone_uuid, None)
            card_uuid = current["card_uuid"]
            order = [
                r[0]
                for r in self.db.execute(
                    "SELECT uuid FROM milestones WHERE card_uuid = ? AND deleted = 0"
                    " ORDER BY position, rowid",
                    [card_uuid],
                ).fetchall()
            ]
            old_index = order.index(milestone_uuid)
            new_index = max(0, min(new_position, len(order) - 1))
            if old_index == new_index:
                return self.milestone(milestone_uuid)
            order.insert(new_index, order.pop(old_index))
            for index, uuid in enumerate(order):
                self.db.execute("UPDATE milestones SET position = ? WHERE uuid = ?", [index, uuid])
            now = _now()
            self._audit("milestones", milestone_uuid, "position", old_index + 1, new_index + 1, now)
            self._touch_card(card_uuid, now)
        return self.milestone(milestone_uuid)

    # ------------------------------------------------------------------ programme settings

    def update_programme(self, code: str | None, **fields: Any) -> None:
        """Edit title, report title, introduction, column headings or returns_to (audited)."""
        programme_id, canonical = self._programme_id(code)
        names = ["title", "report_title", "introduction", "column_headings", "returns_to"]
        with self.transaction():
            row = self.db.execute(
                f"SELECT {', '.join(names)} FROM programmes WHERE id = ?",
                [programme_id],
            ).fetchone()
            current = dict(zip(names, row, strict=True))
            now = _now()
            for field, value in fields.items():
                if field not in names:
                    raise InvalidInput(f"unknown programme field {field!r}")
                if field == "introduction":
                    stored = _paragraphs_to_json(value)
                    old_text = paragraphs_to_text(_paragraphs_from_json(current[field]))
                    new_text = paragraphs_to_text(value)
                elif field == "column_headings":
                    if len(value) != 4:
                        raise InvalidInput("a report has exactly four column headings")
                    stored = _json(list(value))
                    old_text, new_text = " | ".join(json.loads(current[field])), " | ".join(value)
                else:
                    stored = old_text = new_text = str(value)
                    old_text = current[field]
                if stored == current[field]:
                    continue
                self.db.execute(
                    f"UPDATE programmes SET {field} = ? WHERE id = ?", [stored, programme_id]
                )
                self._audit("programmes", canonical, field, old_text, new_text, now)

    def set_lead_key(self, code: str | None, key: Sequence[LeadRole]) -> None:
        """Replace the lead-role key (so the seed's missing SLE can be added).

        Raises:
            InvalidInput: a code is blank or appears twice, or an e-mail address
                is not one address.
        """
        programme_id, canonical = self._programme_id(code)
        key = [LeadRole(k.code.strip(), k.role, k.email.strip()) for k in key]
        codes = [k.code for k in key]
        if any(not c for c in codes):
            raise InvalidInput("every lead role needs a code")
        if len(set(codes)) != len(codes):
            raise InvalidInput("a lead code appears twice in the key")
        for entry in key:
            problem = email_problem(entry.email)
            if problem:
                raise InvalidInput(f"{entry.code}'s e-mail address: {problem}")
        with self.transaction():
            old = self.load_programme(canonical).lead_key
            if old == key:
                return
            self.db.execute("DELETE FROM lead_roles WHERE programme_id = ?", [programme_id])
            self._write_key(programme_id, key)
            self._audit("programmes", canonical, "lead key", _key_text(old), _key_text(key), _now())

    def _write_key(self, programme_id: int, key: Sequence[LeadRole]) -> None:
        for index, entry in enumerate(key):
            self.db.execute(
                "INSERT INTO lead_roles (programme_id, code, role, email, position)"
                " VALUES (?, ?, ?, ?, ?)",
                [programme_id, entry.code, entry.role, entry.email, index],
            )

    def set_themes(self, code: str | None, themes: Sequence[str]) -> None:
        """Replace the theme list; cards keep themes that survive (matched by name)."""
        programme_id, canonical = self._programme_id(code)
        names = [t.strip() for t in themes if t.strip()]
        if len(set(names)) != len(names):
            raise InvalidInput("a theme appears twice")
        with self.transaction():
            rows = self.db.execute(
                "SELECT id, name FROM themes WHERE programme_id = ? ORDER BY position, id",
                [programme_id],
            ).fetchall()
            old_names = [r[1] for r in rows]
            if old_names == names:
                return
            existing = {r[1]: r[0] for r in rows}
            for name, theme_id in existing.items():
                if name not in names:
                    self.db.execute("DELETE FROM themes WHERE id = ?", [theme_id])
            for index, name in enumerate(names):
                if name in existing:
                    self.db.execute(
                        "UPDATE themes SET position = ? WHERE id = ?", [index, existing[name]]
                    )
                else:
                    self.db.execute(
                        "INSERT INTO themes (programme_id, name, position) VALUES (?, ?, ?)",
                        [programme_id, name, index],
                    )
            self._audit(
                "programmes", canonical, "themes", "; ".join(old_names), "; ".join(names), _now()
            )

    def _write_themes(self, programme_id: int, themes: Sequence[str]) -> None:
        for index, name in enumerate(themes):
            self.db.execute(
                "INSERT INTO themes (programme_id, name, position) VALUES (?, ?, ?)",
                [programme_id, name, index],
            )

    def create_programme(self, code: str, title: str) -> None:
        """A new, empty programme with the default headings and an open period."""
        code = code.strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,20}", code):
            raise InvalidInput("a programme code is 1–20 letters, digits, '-' or '_'")
        if not title.strip():
            raise InvalidInput("a programme needs a title")
        today = date.today()
        self.insert_programme(
            Programme(
                code=code,
                title=title.strip(),
                report_title=f"{title.strip()} – Progress Report",
                periods=[Period(today.strftime("%B %Y"), today)],
            )
        )

    # ------------------------------------------------------------------ periods

    def new_period(self, code: str | None, label: str, as_at: date, meeting: str = "") -> Period:
        """Start a reporting period: cards carry on as they stand, narratives start empty.

        Raises ``InvalidInput`` for a blank or duplicate label, or an as-at
        date not after the latest period's (the rule the Start dialog checks).
        """
        programme_id, canonical = self._programme_id(code)
        label = " ".join(label.split())
        with self.transaction():
            problem = new_period_problem(self._periods(programme_id), label, as_at)
            if problem:
                raise InvalidInput(problem)
            now = _now()
            self.db.execute(
                "INSERT INTO periods (programme_id, label, as_at, meeting, published, created_at)"
                " VALUES (?, ?, ?, ?, 0, ?)",
                [programme_id, label, as_at.isoformat(), meeting, now.isoformat()],
            )
            self._audit(
                "periods", canonical, "(new period)", None, f"{label} as at {as_at:%d/%m/%Y}", now
            )
        return Period(label, as_at, meeting)

    def _period_row(self, programme_id: int, canonical: str, label: str) -> tuple[int, bool, str]:
        """(id, published, meeting) of a period, or ``NotFound``."""
        row = self.db.execute(
            "SELECT id, published, meeting FROM periods WHERE programme_id = ? AND label = ?",
            [programme_id, label],
        ).fetchone()
        if row is None:
            raise NotFound(f"no reporting period {label!r} in {canonical}")
        return int(row[0]), bool(row[1]), str(row[2])

    def publication_draft(
        self, code: str | None, label: str, *, at: datetime, meeting: str | None = None
    ) -> dict[str, Any]:
        """The snapshot publishing ``label`` at ``at`` would freeze, with nothing written.

        The report is rendered from this before :meth:`publish_period` stores
        it; ``meeting`` replaces the period's meeting line, as publishing will.
        """
        return self._draft(code, label, at, meeting, seeded=False)

    def _draft(
        self, code: str | None, label: str, at: datetime, meeting: str | None, *, seeded: bool
    ) -> dict[str, Any]:
        programme_id, canonical = self._programme_id(code)
        _, published, _ = self._period_row(programme_id, canonical, label)
        if published:
            raise InvalidInput(f"period {label!r} is already published")
        snapshot = self.snapshot_as_of_period(canonical, label)
        for p in snapshot["periods"]:
            if p["label"] == label:
                p["published"] = True
                p["published_at"] = at.isoformat()
                p["seeded"] = seeded
                if meeting is not None:
                    p["meeting"] = meeting
        return snapshot

    def publish_period(
        self,
        code: str | None,
        label: str,
        *,
        at: datetime | None = None,
        meeting: str | None = None,
        report: PublishedReport | None = None,
        seeded: bool = False,
    ) -> None:
        """Freeze the period's report as sent to committee (its snapshot never changes).

        ``meeting`` sets the period's meeting line first. ``report`` is the
        report rendered from :meth:`publication_draft` (it carries that
        draft's time and meeting line): its bytes and options are stored with
        the snapshot, and it is refused (``StaleEdit``) if the programme
        changed since the draft, so the stored bytes always show the frozen data. Without it
        (the seed) the report is rendered on its first print, with no options.
        ``seeded`` marks a period the shipped seed came published with.
        Raises ``NotFound`` for an unknown period, ``InvalidInput`` if it is
        already published.
        """
        programme_id, canonical = self._programme_id(code)
        if report is not None:
            at, meeting = report.published_at, report.meeting
        when = at or _now()
        with self.transaction():
            period_id, published, old_meeting = self._period_row(programme_id, canonical, label)
            if published:
                raise InvalidInput(f"period {label!r} is already published")
            snapshot = self._draft(canonical, label, when, meeting, seeded=seeded)
            if report is not None and report.snapshot != snapshot:
                raise StaleEdit(
                    f"{canonical} changed while the {label} report was being prepared; "
                    "publish again"
                )
            now = _now()
            if meeting is not None and meeting != old_meeting:
                self.db.execute("UPDATE periods SET meeting = ? WHERE id = ?", [meeting, period_id])
                self._audit("periods", canonical, f"meeting ({label})", old_meeting, meeting, now)
            self.db.execute(
                "UPDATE periods SET published = 1, published_at = ?, snapshot = ?, seeded = ?,"
                " pdf = ?, report_options = ? WHERE id = ?",
                [
                    when.isoformat(),
                    _json(snapshot),
                    int(seeded),
                    report.pdf if report else None,
                    _json(report.options.to_dict()) if report else None,
                    period_id,
                ],
            )
            self._audit("periods", canonical, f"published ({label})", "false", "true", now)

    def snapshot_as_of_period(self, code: str | None, label: str) -> dict[str, Any]:
        """The programme as it stands, cut to ``label`` as its latest period."""
        programme = self.load_programme(code)
        labels = [p.label for p in programme.periods]
        if label not in labels:
            raise NotFound(f"no reporting period {label!r}")
        programme.periods = programme.periods[: labels.index(label) + 1]
        return programme_to_dict(programme)

    def period_snapshot(self, code: str | None, label: str) -> dict[str, Any] | None:
        programme_id, _ = self._programme_id(code)
        row = self.db.execute(
            "SELECT snapshot FROM periods WHERE programme_id = ? AND label = ?",
            [programme_id, label],
        ).fetchone()
        if row is None:
            raise NotFound(f"no reporting period {label!r}")
        return json.loads(row[0]) if row[0] else None

    def published_programme(self, code: str | None, label: str) -> Programme | None:
        """The programme exactly as frozen when ``label`` was published."""
        snapshot = self.period_snapshot(code, label)
        return programme_from_dict(snapshot) if snapshot else None

    def latest_published_snapshot(self, code: str | None) -> dict[str, Any] | None:
        programme_id, _ = self._programme_id(code)
        row = self.db.execute(
            "SELECT snapshot FROM periods WHERE programme_id = ? AND published = 1"
            " ORDER BY as_at DESC, id DESC LIMIT 1",
            [programme_id],
        ).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def period_pdf(self, code: str | None, label: str) -> bytes | None:
        programme_id, _ = self._programme_id(code)
        row = self.db.execute(
            "SELECT pdf FROM periods WHERE programme_id = ? AND label = ?", [programme_id, label]
        ).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def period_report_options(self, code: str | None, label: str) -> ReportOptions | None:
        """The options a published period's report was printed with; None if it is open.

        A period published by the seed (or before options were stored, and
        not printed since) has the defaults: no appendix label, the changes
        section included. One printed before options were stored has
        options that are not known (``known=False``): its bytes stand as they are.
        """
        programme_id, canonical = self._programme_id(code)
        row = self.db.execute(
            "SELECT published, report_options, pdf IS NOT NULL FROM periods"
            " WHERE programme_id = ? AND label = ?",
            [programme_id, label],
        ).fetchone()
        if row is None:
            raise NotFound(f"no reporting period {label!r} in {canonical}")
        if not row[0]:
            return None
        if row[1] is None and row[2]:
            return ReportOptions(known=False)  # printed before options were kept
        return ReportOptions.from_dict(json.loads(row[1]) if row[1] else None)

    def store_period_pdf(
        self, code: str | None, label: str, pdf: bytes, options: ReportOptions | None = None
    ) -> None:
        """Keep the report of a published period that had none (the seed's, an older file's).

        Only the first is kept: later prints give these bytes back.
        """
        programme_id, _ = self._programme_id(code)
        settled = _json((options or ReportOptions()).to_dict())
        with self.transaction():
            self.db.execute(
                "UPDATE periods SET pdf = ?, report_options = COALESCE(report_options, ?)"
                " WHERE programme_id = ? AND label = ? AND published = 1 AND pdf IS NULL",
                [pdf, settled, programme_id, label],
            )

    def changes_since_last_report(self, code: str | None) -> list[Change]:
        """What changed since the latest published period, with who and when from the audit."""
        before = self.latest_published_snapshot(code)
        if before is None:
            return []
        after = programme_to_dict(self.load_programme(code))
        changes = changes_between(before, after)
        published_at = next(
            (p.get("published_at") for p in before["periods"] if p.get("published")), None
        )
        for change in changes:
            self._attach_audit(change, published_at)
        return changes

    def _attach_audit(self, change: Change, since: str | None) -> None:
        field = change.field
        query = "SELECT at, who FROM audit WHERE row_uuid = ?"
        params: list[Any] = [change.row_uuid]
        if field == "progress":
            query += " AND field LIKE 'progress (%'"
        elif field in ("", "rag"):
            pass
        else:
            query += " AND field = ?"
            params.append(field)
        if since:
            query += " AND at >= ?"
            params.append(since)
        row = self.db.execute(query + " ORDER BY id DESC LIMIT 1", params).fetchone()
        if row:
            change.when, change.by = datetime.fromisoformat(row[0]), row[1]

    # ------------------------------------------------------------------ exports

    def log_export(self, kind: str, code: str, period_label: str, filename: str) -> None:
        """Record an export; best-effort, since the file is already written (:meth:`try_write`)."""

        def write() -> None:
            with self.transaction():
                self.db.execute(
                    "INSERT INTO export_log (at, who, kind, programme_code, period_label, filename)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [_now().isoformat(), self.user, kind, code, period_label, shown(filename)],
                )

        self.try_write("the export in the database", write)

    # ------------------------------------------------------------------ returns

    def record_return(self, record: ExportedReturn) -> bool:
        """Keep an exported return's ID and base, and log the export; drop old bases.

        Best-effort (:meth:`try_write`): the file is written already. When the
        database cannot take it, one line in :attr:`unrecorded` says so, and the
        return is compared with the database when it comes back. True if recorded.
        """
        return self.record_returns([record])

    def record_returns(
        self, records: Sequence[ExportedReturn], *, best_effort: bool = True
    ) -> bool:
        """Keep several returns (a round's, one per lead) in one transaction.

        A return sent in a round (``sent_at`` set) also keeps its due date, the
        file as sent and its addressee, for tracking and reminders. Best-effort
        (:meth:`try_write`) unless ``best_effort`` is False: a round that cannot
        be recorded could not be tracked, so its sender removes the files.

        Raises:
            FowdeskError: (``best_effort=False``) the database cannot take it.
        """
        if not records:
            return True
        cutoff = months_before(_now(), KEEP_BASES_MONTHS).isoformat()
        rows, log = [], []
        for record in records:
            programme_id, _ = self._programme_id(record.programme_code)
            rows.append(
                [
                    record.return_id,
                    programme_id,
                    record.period_label,
                    record.lead,
                    record.exported_at.isoformat(),
                    record.exported_by,
                    shown(record.filename),
                    pack_base(record.base) if record.base is not None else None,
                    record.sent_at.isoformat() if record.sent_at else None,
                    record.due_on.isoformat() if record.due_on else None,
                    shown(record.sent_file),
                    record.sent_to,
                    record.sent_sha256,
                ]
            )
            log.append(
                [
                    record.exported_at.isoformat(),
                    self.user,
                    "xlsx",
                    record.programme_code,
                    record.period_label,
                    shown(record.filename),
                ]
            )

        def write() -> bool:
            with self.transaction():
                self.db.conn.executemany(
                    "INSERT INTO returns (return_id, programme_id, period_label, lead,"
                    " exported_at, exported_by, filename, base, sent_at, due_on, sent_file,"
                    " sent_to, sent_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                self.db.conn.executemany(
                    "INSERT INTO export_log (at, who, kind, programme_code, period_label, filename)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    log,
                )
                self.db.execute(
                    "UPDATE returns SET base = NULL WHERE base IS NOT NULL AND exported_at < ?",
                    [cutoff],
                )
            return True

        if not best_effort:
            return write()
        # The same line as any export's; the import says what it compares the return with.
        what = "the export in the database" if len(records) == 1 else "the returns in the database"
        return bool(self.try_write(what, write))

    def record_chased(self, return_ids: Sequence[str], at: datetime) -> bool:
        """Note that reminders were written for these returns; best-effort (the drafts exist)."""

        def write() -> bool:
            with self.transaction():
                self.db.conn.executemany(
                    "UPDATE returns SET chased_at = ? WHERE return_id = ?",
                    [(at.isoformat(), return_id) for return_id in return_ids],
                )
            return True

        return bool(self.try_write("the reminders in the database", write))

    def _exported_from_row(self, row: Sequence[Any], *, with_base: bool) -> ExportedReturn:
        return ExportedReturn(
            return_id=row[0],
            programme_code=row[1],
            period_label=row[2],
            lead=row[3],
            exported_at=datetime.fromisoformat(row[4]),
            exported_by=row[5],
            filename=row[6],
            sent_at=datetime.fromisoformat(row[7]) if row[7] else None,
            due_on=date.fromisoformat(row[8]) if row[8] else None,
            sent_file=row[9],
            sent_to=row[10],
            chased_at=datetime.fromisoformat(row[11]) if row[11] else None,
            sent_sha256=row[12],
            base=unpack_base(row[13]) if with_base else None,
        )

    _RETURN_COLUMNS = (
        "r.return_id, p.code, r.period_label, r.lead, r.exported_at, r.exported_by, r.filename,"
        " r.sent_at, r.due_on, r.sent_file, r.sent_to, r.chased_at, r.sent_sha256"
    )

    def exported_return(self, return_id: str) -> ExportedReturn | None:
        """The export of ``return_id`` with its base (None: not exported from this database)."""
        row = self.db.execute(
            f"SELECT {self._RETURN_COLUMNS}, r.base FROM returns r"
            " JOIN programmes p ON p.id = r.programme_id WHERE r.return_id = ?",
            [return_id],
        ).fetchone()
        return self._exported_from_row(row, with_base=True) if row else None

    def return_imports(self, return_id: str) -> list[ReturnImport]:
        """Every import of ``return_id``, oldest first, with what each took."""
        rows = self.db.execute(
            "SELECT return_id, at, who, author, filename, changes, conflicts_left, record"
            " FROM return_imports WHERE return_id = ? ORDER BY id",
            [return_id],
        ).fetchall()
        return [
            ReturnImport(
                r[0],
                datetime.fromisoformat(r[1]),
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                unpack_record(r[0], r[7]),
            )
            for r in rows
        ]

    def returns(self, code: str | None = None, period: str | None = None) -> list[ReturnListing]:
        """The programme's returns, oldest export first, each with its imports (no bases)."""
        programme_id, canonical = self._programme_id(code)
        query = (
            f"SELECT {self._RETURN_COLUMNS}, NULL FROM returns r"
            " JOIN programmes p ON p.id = r.programme_id WHERE r.programme_id = ?"
        )
        params: list[Any] = [programme_id]
        if period:
            query += " AND r.period_label = ?"
            params.append(period)
        exported = [
            self._exported_from_row(r, with_base=False)
            for r in self.db.execute(query + " ORDER BY r.exported_at, r.rowid", params)
        ]
        imports: dict[str, list[ReturnImport]] = defaultdict(list)
        periods: dict[str, str] = {}
        leads: dict[str, str | None] = {}
        query = (
            "SELECT return_id, at, who, author, filename, changes, conflicts_left, period_label,"
            " lead FROM return_imports WHERE programme_id = ?"
        )
        params = [programme_id]
        if period:
            query += " AND period_label = ?"
            params.append(period)
        for r in self.db.execute(query + " ORDER BY id", params).fetchall():
            imports[r[0]].append(ReturnImport(r[0], datetime.fromisoformat(r[1]), *r[2:7]))
            periods.setdefault(r[0], r[7])
            leads.setdefault(r[0], r[8])
        listing = [ReturnListing(e, imports.pop(e.return_id, [])) for e in exported]
        # Returns this database did not export (another database's) are listed by their imports.
        for return_id, found in imports.items():
            first = found[0]
            stranger = ExportedReturn(
                return_id,
                canonical,
                periods[return_id],
                leads[return_id],
                first.at,
                "",
                first.filename,
                None,
            )
            listing.append(ReturnListing(stranger, found))
        return listing

    def apply(self, change_set: ChangeSet, *, source: str, author: str = "") -> ImportResult:
        """Apply a previewed change set in one transaction, after a backup.

        Args:
            change_set: from the Excel import; conflicts are applied only where
                their resolution says to take the return's value.
            source: the audit trail's source ("import").
            author: the return's author, recorded beside the importing user.

        Returns what was done: the backup (None when nothing needed writing, in
        which case nothing at all is written — except that a return sent in a
        return round and never imported before is marked received), the changes
        applied, and the conflicts left.

        Raises:
            InvalidInput: cells still need fixing, or the narrative would go into
                a published period.
            FowdeskError: the database changed after the preview (nothing written).
        """
        return self.apply_all([change_set], source=source, authors=[author])

    def apply_all(
        self,
        change_sets: Sequence[ChangeSet],
        *,
        source: str,
        authors: Sequence[str] | None = None,
    ) -> ImportResult:
        """Apply several returns' change sets of one programme in one transaction, one backup.

        As :meth:`apply`, for a batch (``fowdesk import A.xlsx B.xlsx …``): each
        set's audit rows carry its own author (``authors``, by default each
        set's ``author``); each return's import is recorded. Nothing is written
        if any set cannot be applied.
        """
        authors = list(authors) if authors is not None else [c.author for c in change_sets]
        for change_set in change_sets:
            if change_set.needs_fixing:
                raise InvalidInput(
                    f"{change_set.path}: {len(change_set.problems)} cell(s) need fixing; "
                    "nothing was imported"
                )
        codes = {c.programme_code for c in change_sets}
        if len(codes) > 1:
            raise InvalidInput(
                f"returns for {', '.join(sorted(codes))} cannot be imported together; "
                "import each programme's returns on their own"
            )
        left = sum(len(c.conflicts_left) for c in change_sets)
        awaited = tuple(c.return_id for c in change_sets if c.return_id and self._is_reply(c))
        writing = [(c, a) for c, a in zip(change_sets, authors, strict=True) if not c.is_empty]
        received = [
            (c, a)
            for c, a in zip(change_sets, authors, strict=True)
            if c.is_empty and c.return_id in awaited
        ]
        if not writing:
            if received:
                self._mark_received(received)
            return ImportResult(None, 0, left, awaited)
        backup = self.backup(reason="import")
        first = writing[0][0]
        programme_id, _ = self._programme_id(first.programme_code)
        try:
            with self.transaction():
                programme = self.load_programme(first.programme_code)
                period = programme.current_period
                for change_set, _author in writing:
                    if (period.label if period else "") != change_set.current_period:
                        raise StaleEdit("a new period was started after the preview")
                    if change_set.changes_narrative and period is not None and period.published:
                        raise InvalidInput(published_period_refusal(change_set.path, programme))
                writer = ChangeSetWriter(
                    self, programme_id, programme, source=source, author=authors[0], now=_now()
                )
                writer.write_all(writing)
                for change_set, author in writing + received:
                    if change_set.return_id:
                        self._record_import(
                            programme_id, change_set, author, len(change_set.conflicts_left)
                        )
        except StaleEdit:
            paths_text = ", ".join(str(c.path) for c, _ in writing)
            raise FowdeskError(
                f"{paths_text}: the database changed after the preview; nothing was "
                "imported; preview the return" + ("s" if len(writing) > 1 else "") + " again"
            ) from None
        return ImportResult(backup, sum(c.change_count for c, _ in writing), left, awaited)

    def _is_reply(self, change_set: ChangeSet) -> bool:
        """Whether importing ``change_set`` answers a return sent in a round, the first time.

        The file as sent, byte for byte (the PMO's own copy, never opened and
        saved), is not a reply.
        """
        row = self.db.execute(
            "SELECT r.sent_sha256 FROM returns r WHERE r.return_id = ? AND r.sent_at IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM return_imports i WHERE i.return_id = r.return_id)",
            [change_set.return_id],
        ).fetchone()
        if row is None:
            return False
        return not (row[0] and change_set.file_sha256 == row[0])

    def _mark_received(self, received: Sequence[tuple[ChangeSet, str]]) -> None:
        """Record the import of sent returns that changed nothing: the lead has replied."""
        with self.transaction():
            for change_set, author in received:
                programme_id, _ = self._programme_id(change_set.programme_code)
                self._record_import(
                    programme_id, change_set, author, len(change_set.conflicts_left)
                )

    def _record_import(
        self, programme_id: int, change_set: ChangeSet, author: str, conflicts_left: int
    ) -> None:
        record = change_set.record
        if record is not None:
            for conflict in change_set.taken_conflicts:
                taken = record.values.setdefault(conflict.uuid, {})
                taken[conflict.change.key] = conflict.return_text
        self.db.execute(
            "INSERT INTO return_imports (return_id, programme_id, period_label, at, who,"
            " author, filename, changes, conflicts_left, record, lead)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                change_set.return_id,
                programme_id,
                change_set.period_label,
                _now().isoformat(),
                self.user,
                author,
                change_set.path.name,
                change_set.change_count,
                conflicts_left,
                pack_record(record) if record is not None else None,
                change_set.lead,
            ],
        )

    def export_log(self, code: str | None = None) -> list[ExportRecord]:
        query = "SELECT at, who, kind, programme_code, period_label, filename FROM export_log"
        params: list[Any] = []
        if code:
            query += " WHERE programme_code = ?"
            params.append(self.programme_code(code))
        rows = self.db.execute(query + " ORDER BY id DESC", params).fetchall()
        return [ExportRecord(datetime.fromisoformat(r[0]), *r[1:]) for r in rows]

    def export_all(self) -> dict[str, Any]:
        """The whole database as JSON-ready data: what ``export json`` writes."""
        return {
            "fowdesk": __version__,
            "schema": self.schema_version(),
            "exported_at": _now().isoformat(),
            "programmes": [
                programme_to_dict(self.load_programme(p.code)) for p in self.programmes()
            ],
        }

    # ------------------------------------------------------------------ search

    def ensure_search_index(self) -> None:
        """Index the cards the index lacks (a file migrated from schema 1 has none indexed)."""
        counts = self.db.execute(
            "SELECT (SELECT count(*) FROM cards), (SELECT count(*) FROM card_search)"
        ).fetchone()
        if counts[0] != counts[1]:
            with self.transaction():
                self.search_index.fill_missing()

    def search(self, code: str | None, text: str) -> list[str]:
        """Card UUIDs whose title, deliverables, narratives or milestones hold every word."""
        programme_id, _ = self._programme_id(code)
        return self.search_index.search(programme_id, text)

    # ------------------------------------------------------------------ window (issue 7)

    def undo_target_revision(self, milestone_uuid: str, expected_version: int | None) -> Milestone:
        """Take back the latest target revision (the window's Undo of "Revise target").

        The target before it returns and the revision leaves the slippage
        record; the baseline goes too when no revision remains. Both changes
        are audited like any other.
        """
        with self.transaction():
            current = self._check_version("milestones", milestone_uuid, expected_version)
            latest = self.db.execute(
                "SELECT id, old_target, new_target FROM milestone_revisions"
                " WHERE milestone_uuid = ? ORDER BY id DESC LIMIT 1",
                [milestone_uuid],
            ).fetchone()
            if latest is None or latest[2] != current["target"]:
                raise InvalidInput("this milestone's target was changed since; nothing to undo")
            self.db.execute("DELETE FROM milestone_revisions WHERE id = ?", [latest[0]])
            remaining = self.db.execute(
                "SELECT COUNT(*) FROM milestone_revisions WHERE milestone_uuid = ?",
                [milestone_uuid],
            ).fetchone()[0]
            original = current["original_target"] if remaining else None
            now = _now()
            self._audit("milestones", milestone_uuid, "target", current["target"], latest[1], now)
            self._audit(
                "milestones", milestone_uuid, "reason for change", None, "revision undone", now
            )
            self.db.execute(
                "UPDATE milestones SET target = ?, original_target = ?, version = version + 1,"
                " updated_at = ? WHERE uuid = ?",
                [latest[1], original, now.isoformat(), milestone_uuid],
            )
            self._touch_card(current["card_uuid"], now)
        return self.milestone(milestone_uuid)
