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


def _migration_3_published_reports(db: sqlite_utils.Database) -> None:
    """What a published report was printed with, and whether the seed published it.

    ``report_options`` (JSON: appendix, changes section) is stored with the
    report's bytes when a period is published; NULL for a period published
    before this (its report is rendered once with no options). ``seeded``
    marks the period the shipped seed came published with, whose
    ``published_at`` is only when the file was created. Files from before
    this are judged by how the seed published: within a second or two of
    inserting the period, with no "new period" in the audit trail (a period an
    officer started always has one).
    """
    db.execute("ALTER TABLE periods ADD COLUMN report_options TEXT")
    db.execute("ALTER TABLE periods ADD COLUMN seeded INTEGER NOT NULL DEFAULT 0")
    db.execute(
        """UPDATE periods SET seeded = 1
           WHERE published = 1 AND published_at IS NOT NULL
             AND abs(julianday(published_at) - julianday(created_at)) * 86400 < 2
             AND NOT EXISTS (
                 SELECT 1 FROM audit
                 WHERE audit.field = '(new period)'
                   AND audit.row_uuid = (
                       SELECT code FROM programmes WHERE id = periods.programme_id)
                   AND substr(audit.new, 1, length(periods.label) + 7)
                       = periods.label || ' as at '
             )"""
    )


def _migration_4_returns(db: sqlite_utils.Database) -> None:
    """Excel returns by return ID: what each export held (its base) and each import took.

    ``base`` is the zlib-compressed JSON of every exported cell of every data
    row; it is dropped (NULL) once the return is older than the keeping time,
    while the row stays for the listing. An import may name a return this
    database never exported (another database's), so imports are not tied to
    ``returns`` by a foreign key. The return round (sent, due, chased) adds its
    columns to ``returns`` in a later migration.
    """
    db.execute(
        """
        CREATE TABLE returns (
            return_id TEXT PRIMARY KEY,
            programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
            period_label TEXT NOT NULL DEFAULT '',
            lead TEXT,
            exported_at TEXT NOT NULL,
            exported_by TEXT NOT NULL,
            filename TEXT NOT NULL,
            base BLOB
        )"""
    )
    db.execute("CREATE INDEX returns_programme ON returns(programme_id, period_label, exported_at)")
    db.execute(
        """
        CREATE TABLE return_imports (
            id INTEGER PRIMARY KEY,
            return_id TEXT NOT NULL,
            programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
            period_label TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            author TEXT NOT NULL DEFAULT '',
            filename TEXT NOT NULL,
            changes INTEGER NOT NULL,
            conflicts_left INTEGER NOT NULL,
            record BLOB
        )"""
    )
    db.execute("CREATE INDEX return_imports_return ON return_imports(return_id, id)")


def _migration_5_return_round(db: sqlite_utils.Database) -> None:
    """The PMO's return round: each lead's e-mail address, and each return as sent.

    ``sent_at`` is NULL for a return exported by hand (an ad-hoc export); a
    return sent in a round also keeps when it is due back, the file as sent
    (a reminder re-attaches it) and its SHA-256 (that file imported untouched is
    not a reply), the address its draft was written to, and when the lead was
    last sent a reminder. An import keeps the return's lead, so a
    return exported from an officer's own database still answers for its lead.
    """
    db.execute("ALTER TABLE lead_roles ADD COLUMN email TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE returns ADD COLUMN sent_at TEXT")
    db.execute("ALTER TABLE returns ADD COLUMN due_on TEXT")
    db.execute("ALTER TABLE returns ADD COLUMN sent_file TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE returns ADD COLUMN sent_to TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE returns ADD COLUMN sent_sha256 TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE returns ADD COLUMN chased_at TEXT")
    db.execute("ALTER TABLE return_imports ADD COLUMN lead TEXT")


def _migration_6_search_keys_and_indexes(db: sqlite_utils.Database) -> None:
    """Search rows found by an integer key, and the indexes lookups at council scale need.

    FTS5 cannot index its UNINDEXED ``card_uuid`` column, so deleting a card's
    search row by UUID read the whole index (at 5,000 cards, most of an
    import's time). Each card gets a key in ``card_search_keys`` (an INTEGER
    PRIMARY KEY, which VACUUM never renumbers, unlike the implicit rowid of
    the TEXT-keyed ``cards``), and its search row is stored under that key as
    its rowid; the key row names the card's programme too, so a search reads
    no stored text to keep to one programme. Refs and cross-references are
    looked up per programme on every new card and every re-index, and a
    programme's progress by its periods. Written so that running it again (a
    test that fakes an older file by dropping later tables) changes nothing.
    """
    db.execute(
        """
        CREATE TABLE IF NOT EXISTS card_search_keys (
            id INTEGER PRIMARY KEY,
            card_uuid TEXT NOT NULL UNIQUE,
            programme_id INTEGER NOT NULL
        )"""
    )
    db.execute(
        "INSERT OR IGNORE INTO card_search_keys (card_uuid, programme_id)"
        " SELECT uuid, programme_id FROM cards"
    )
    # The rows the index already holds move under their card's key (one per card).
    # With max(), SQLite takes the other columns from the row holding the maximum.
    kept = db.execute(
        """SELECT k.id, s.card_uuid, s.programme_id, s.body, max(s.rowid)
           FROM card_search s JOIN card_search_keys k ON k.card_uuid = s.card_uuid
           GROUP BY s.card_uuid"""
    ).fetchall()
    db.execute("DELETE FROM card_search")
    db.conn.executemany(
        "INSERT INTO card_search (rowid, card_uuid, programme_id, body) VALUES (?, ?, ?, ?)",
        [row[:4] for row in kept],
    )
    db.execute(
        """CREATE TRIGGER IF NOT EXISTS cards_leave_search AFTER DELETE ON cards
           BEGIN
               DELETE FROM card_search WHERE rowid =
                   (SELECT id FROM card_search_keys WHERE card_uuid = old.uuid);
               DELETE FROM card_search_keys WHERE card_uuid = old.uuid;
           END"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS cards_ref ON cards(programme_id, ref)")
    db.execute(
        "CREATE INDEX IF NOT EXISTS cards_cross_reference ON cards(programme_id, cross_reference)"
    )
    # Loading a programme reads its periods' progress, not every programme's.
    db.execute("CREATE INDEX IF NOT EXISTS progress_period ON progress(period_id)")


def _migration_7_returns_to(db: sqlite_utils.Database) -> None:
    """Who officers send their Excel return back to (the return's Instructions sheet says).

    Running it again (a test that fakes an older file) changes nothing.
    """
    columns = {row[1] for row in db.execute("PRAGMA table_info(programmes)").fetchall()}
    if "returns_to" not in columns:
        db.execute("ALTER TABLE programmes ADD COLUMN returns_to TEXT NOT NULL DEFAULT ''")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _migration_1_core,
    _migration_2_search_and_exports,
    _migration_3_published_reports,
    _migration_4_returns,
    _migration_5_return_round,
    _migration_6_search_keys_and_indexes,
    _migration_7_returns_to,
]
LATEST_VERSION = len(MIGRATIONS)
