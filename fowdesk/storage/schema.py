"""The schema as numbered migrations, each run atomically by ``database``.

``MIGRATIONS[n-1]`` takes a file from schema ``n-1`` to ``n``; ``PRAGMA
user_version`` records the number reached. Never edit a migration that has
shipped: add the next one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _migration_1_core(db: sqlite_utils.Database) -> None:
    """Programmes, their key, themes, periods, cards, progress, milestones, audit."""
    db.execute(
        """
        CREATE TABLE programmes (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            report_title TEXT NOT NULL DEFAULT '',
            introduction TEXT NOT NULL DEFAULT '[]',
            column_headings TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute(
        """
        CREATE TABLE lead_roles (
            id INTEGER PRIMARY KEY,
            programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0,
            UNIQUE (programme_id, code)
        )"""
    )
    db.execute(
        """
        CREATE TABLE themes (
            id INTEGER PRIMARY KEY,
            programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            UNIQUE (programme_id, name)
        )"""
    )
    db.execute(
        """
        CREATE TABLE periods (
            id INTEGER PRIMARY KEY,
            programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            as_at TEXT NOT NULL,
            meeting TEXT NOT NULL DEFAULT '',
            published INTEGER NOT NULL DEFAULT 0,
            published_at TEXT,
            snapshot TEXT,
            pdf BLOB,
            created_at TEXT NOT NULL,
            UNIQUE (programme_id, label)
        )"""
    )
    db.execute(
        """
        CREATE TABLE cards (
            uuid TEXT PRIMARY KEY,
            programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
            ref TEXT NOT NULL,
            title TEXT NOT NULL,
            deliverables TEXT NOT NULL DEFAULT '[]',
            theme_id INTEGER REFERENCES themes(id) ON DELETE SET NULL,
            leads TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            rag_override TEXT,
            rag_override_reason TEXT NOT NULL DEFAULT '',
            next_steps_text TEXT NOT NULL DEFAULT '',
            cross_reference TEXT,
            position INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX cards_programme ON cards(programme_id, position)")
    db.execute(
        """
        CREATE TABLE progress (
            card_uuid TEXT NOT NULL REFERENCES cards(uuid) ON DELETE CASCADE,
            period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
            paragraphs TEXT NOT NULL DEFAULT '[]',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (card_uuid, period_id)
        )"""
    )
    db.execute(
        """
        CREATE TABLE milestones (
            uuid TEXT PRIMARY KEY,
            card_uuid TEXT NOT NULL REFERENCES cards(uuid) ON DELETE CASCADE,
            position INTEGER NOT NULL DEFAULT 0,
            description TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            completed_on TEXT,
            notes TEXT NOT NULL DEFAULT '',
            original_target TEXT,
            deleted INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX milestones_card ON milestones(card_uuid, position)")
    db.execute(
        """
        CREATE TABLE milestone_revisions (
            id INTEGER PRIMARY KEY,
            milestone_uuid TEXT NOT NULL REFERENCES milestones(uuid) ON DELETE CASCADE,
            old_target TEXT NOT NULL,
            new_target TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            changed_at TEXT NOT NULL,
            changed_by TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute("CREATE INDEX revisions_milestone ON milestone_revisions(milestone_uuid)")
    db.execute(
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            author TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_uuid TEXT NOT NULL,
            field TEXT NOT NULL,
            old TEXT,
            new TEXT
        )"""
    )
    db.execute("CREATE INDEX audit_row ON audit(row_uuid, id)")
    # The audit trail is never edited and never lost.
    db.execute(
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be edited'); END"""
    )
    db.execute(
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be deleted'); END"""
    )


def _migration_2_search_and_exports(db: sqlite_utils.Database) -> None:
    """Full-text search over cards, and the log of every export."""
    db.execute(
        """
        CREATE VIRTUAL TABLE card_search USING fts5(
            card_uuid UNINDEXED, programme_id UNINDEXED, body,
            tokenize = "unicode61 remove_diacritics 2"
        )"""
    )
    db.execute(
        """
        CREATE TABLE export_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            kind TEXT NOT NULL,
            programme_code TEXT NOT NULL,
            period_label TEXT NOT NULL DEFAULT '',
            filename TEXT NOT NULL
        )"""
    )
    # Files from schema 1 have cards but no index yet: the repository fills
    # an empty index on open (see Repository.ensure_search_index).


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _migration_1_core,
    _migration_2_search_and_exports,
]
LATEST_VERSION = len(MIGRATIONS)
