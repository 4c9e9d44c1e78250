"""The SQLite file: what is refused untouched, migrations, backups, restore, audit, versions."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from fowdesk.cli import main
from fowdesk.domain.model import Paragraph
from fowdesk.errors import FowdeskError, NewerSchema, NotAFowdeskDatabase, StaleEdit
from fowdesk.storage import backups, database
from fowdesk.storage.repository import Repository
from fowdesk.storage.schema import LATEST_VERSION, MIGRATIONS


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_listing(folder: Path) -> set[str]:
    return {p.name for p in folder.rglob("*")}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run fowdesk as a user would, in a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "fowdesk", *args], capture_output=True, text=True, check=False
    )


def make_text_file(folder: Path) -> Path:
    path = folder / "notes.db"
    path.write_text("these are my meeting notes, not a database\n" * 20)
    return path


def make_truncated(folder: Path, seeded: Path) -> Path:
    path = folder / "truncated.db"
    data = seeded.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def make_damaged(folder: Path, seeded: Path) -> Path:
    path = folder / "damaged.db"
    data = bytearray(seeded.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Scribble over the b-tree pages after the first, keeping the header intact.
    for page in range(2, len(data) // page_size):
        start = page * page_size
        data[start : start + 64] = b"\xde\xad\xbe\xef" * 16
    path.write_bytes(bytes(data))
    return path


def make_other_application(folder: Path) -> Path:
    path = folder / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ada')")
    conn.commit()
    conn.close()
    return path


def make_newer_schema(folder: Path, seeded: Path) -> Path:
    path = folder / "newer.db"
    path.write_bytes(seeded.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.commit()
    conn.close()
    return path


BAD_FILES = {
    "a text file": lambda folder, seeded: make_text_file(folder),
    "a truncated database": make_truncated,
    "a database with damaged pages": make_damaged,
    "an SQLite file of another application": lambda folder, seeded: make_other_application(folder),
    "a fowdesk database with a newer schema": make_newer_schema,
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_check_refuses_a_bad_file_with_one_line_and_leaves_it_untouched(
    kind: str, tmp_path: Path, seeded_path: Path
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    bad = BAD_FILES[kind](folder, seeded_path)
    before, listing = checksum(bad), folder_listing(folder)

    result = run_cli("--db", str(bad), "check")

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fowdesk: error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert checksum(bad) == before
    assert folder_listing(folder) == listing, "no journal or other file may appear beside it"


def test_opening_a_mistyped_path_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    with pytest.raises(FowdeskError, match="no such database file"):
        Repository.open(missing)
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_newer_file_is_refused_before_anything_is_written(
    tmp_path: Path, seeded_path: Path
) -> None:
    newer = make_newer_schema(tmp_path, seeded_path)
    before = checksum(newer)
    with pytest.raises(NewerSchema, match="newer fowdesk"):
        Repository.open(newer)
    assert checksum(newer) == before


def test_another_applications_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAFowdeskDatabase, match="another application"):
        Repository.open(make_other_application(tmp_path))


def test_the_file_says_it_is_ours_and_uses_the_rollback_journal(repo: Repository) -> None:
    conn = repo.db.conn
    assert conn.execute("PRAGMA application_id").fetchone()[0] == database.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def downgrade_to_schema_1(path: Path) -> None:
    """Make a seeded file look exactly as schema 1 left it (no search index, no export log)."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER cards_leave_search")  # schema 6
    conn.execute("DROP TABLE card_search_keys")
    conn.execute("DROP INDEX cards_ref")
    conn.execute("DROP INDEX cards_cross_reference")
    conn.execute("DROP INDEX progress_period")
    conn.execute("DROP TABLE card_search")
    conn.execute("DROP TABLE export_log")
    conn.execute("ALTER TABLE periods DROP COLUMN report_options")
    conn.execute("ALTER TABLE periods DROP COLUMN seeded")
    conn.execute("DROP TABLE returns")  # schema 4 (with schema 5's columns)
    conn.execute("ALTER TABLE lead_roles DROP COLUMN email")  # schema 5
    conn.execute("DROP TABLE return_imports")
    conn.execute("ALTER TABLE programmes DROP COLUMN returns_to")  # schema 7
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def test_a_schema_1_file_is_backed_up_then_migrated_and_searchable(seeded_path: Path) -> None:
    downgrade_to_schema_1(seeded_path)
    repo = Repository.open(seeded_path)
    try:
        assert repo.schema_version() == LATEST_VERSION
        taken = backups.list_backups(repo.backups_dir)
        assert [b.reason for b in taken] == ["before-migration-1"]
        # The backup is the schema-1 file as it was, and it opens.
        conn = sqlite3.connect(taken[0].path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        conn.close()
        # The index the migration added is filled from the existing cards.
        digital_me = repo.search("FOW", "DigitalMe")
        assert [repo.card(u).ref for u in digital_me] == ["2"]
        assert repo.export_log() == []
    finally:
        repo.close()


def test_each_migration_is_atomic(tmp_path: Path) -> None:
    def broken(db):  # type: ignore[no-untyped-def]
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("migration failed half way")

    path = tmp_path / "m.db"
    database.create_new(path, MIGRATIONS[:1]).close()
    with pytest.raises(RuntimeError):
        database.open_existing(path, [*MIGRATIONS[:1], broken], tmp_path / "backups")
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_backups_open_and_rotate(repo: Repository) -> None:
    first = repo.backup()
    copy = Repository.open(first)
    try:
        assert [c.ref for c in copy.load_programme("FOW").cards] == [str(n) for n in range(1, 20)]
    finally:
        copy.close()
    for _ in range(12):
        repo.backup()
    assert len(backups.list_backups(repo.backups_dir)) == backups.KEEP_BACKUPS


def test_restore_brings_back_a_backup_after_backing_up_the_current_file(
    seeded_path: Path,
) -> None:
    repo = Repository.open(seeded_path, user="officer")
    card = repo.load_programme("FOW").cards[0]
    saved = repo.backup()
    repo.update_card(card.uuid, card.version, title="A title typed by mistake")
    repo.close()

    assert main(["--db", str(seeded_path), "restore", str(saved)]) == 0

    repo = Repository.open(seeded_path)
    try:
        assert repo.card(card.uuid).title == card.title
        reasons = [b.reason for b in backups.list_backups(repo.backups_dir)]
        assert "before-restore" in reasons
        safety = next(
            b for b in backups.list_backups(repo.backups_dir) if b.reason == "before-restore"
        )
        kept = Repository.open(safety.path)
        assert kept.card(card.uuid).title == "A title typed by mistake"
        kept.close()
    finally:
        repo.close()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, seeded_path: Path) -> None:
    before = checksum(seeded_path)
    junk = make_text_file(tmp_path)
    assert main(["--db", str(seeded_path), "restore", str(junk)]) == 1
    assert checksum(seeded_path) == before


def test_every_field_change_writes_an_audit_row(repo: Repository) -> None:
    programme = repo.load_programme("FOW")
    card = programme.cards[1]
    milestone = card.milestones[0]
    repo.update_card(card.uuid, card.version, status="On hold", leads=["SSM", "EDT"])
    repo.update_milestone(milestone.uuid, milestone.version, status="Complete")
    repo.revise_target(milestone.uuid, milestone.version + 1, "June 2020", "RSA asked for time")

    history = repo.card_history(card.uuid)
    changed = [(h.field, h.old, h.new, h.who, h.source) for h in history]
    assert ("status", "In progress", "On hold", "tester", "cli") in changed
    assert ("leads", "SSM", "SSM/EDT", "tester", "cli") in changed
    assert ("status", "Not started", "Complete", "tester", "cli") in changed
    assert ("target", "March 2020", "June 2020", "tester", "cli") in changed
    assert ("reason for change", None, "RSA asked for time", "tester", "cli") in changed


def test_an_unchanged_value_writes_no_audit_row_and_keeps_the_version(repo: Repository) -> None:
    card = repo.load_programme("FOW").cards[0]
    after = repo.update_card(card.uuid, card.version, title=card.title)
    assert after.version == card.version
    assert repo.card_history(card.uuid) == []


def test_the_audit_trail_cannot_be_edited_or_deleted(repo: Repository) -> None:
    card = repo.load_programme("FOW").cards[0]
    repo.update_card(card.uuid, card.version, title="New title")
    with pytest.raises(sqlite3.IntegrityError, match="cannot be edited"):
        repo.db.execute("UPDATE audit SET new = 'forged'")
    with pytest.raises(sqlite3.IntegrityError, match="cannot be deleted"):
        repo.db.execute("DELETE FROM audit")


def test_a_stale_edit_from_a_second_window_is_refused(seeded_path: Path) -> None:
    first = Repository.open(seeded_path, user="first")
    second = Repository.open(seeded_path, user="second")
    try:
        card = first.load_programme("FOW").cards[2]
        stale = second.card(card.uuid)
        first.update_card(card.uuid, card.version, title="First officer's title")
        with pytest.raises(StaleEdit, match="changed by someone else"):
            second.update_card(stale.uuid, stale.version, title="Second officer's title")
        assert second.card(card.uuid).title == "First officer's title"
    finally:
        first.close()
        second.close()


def test_a_failed_write_changes_nothing(repo: Repository) -> None:
    card = repo.load_programme("FOW").cards[0]
    with pytest.raises(FowdeskError, match="no theme"):
        repo.update_card(card.uuid, card.version, title="Half-saved title", theme="No such theme")
    assert repo.card(card.uuid).title == card.title
    assert repo.card_history(card.uuid) == []


def test_revising_a_target_keeps_the_first_baseline(repo: Repository) -> None:
    card = repo.load_programme("FOW").card("2")
    assert card is not None
    m = card.milestones[1]  # Agree terms of commission with the RSA – April 2020
    m = repo.revise_target(m.uuid, m.version, "May 2020", "Waiting for RSA")
    m = repo.revise_target(m.uuid, m.version, "June 2020", "Board moved")
    assert m.original_target == "April 2020"
    assert m.target == "June 2020"
    assert m.revision_count == 2
    assert [r.reason for r in m.revisions] == ["Waiting for RSA", "Board moved"]
    assert m.slippage_days(None) == 61  # 30/06/2020 − 30/04/2020


def test_deleting_a_milestone_can_be_undone_in_place(repo: Repository) -> None:
    card = repo.load_programme("FOW").card("2")
    assert card is not None
    second = card.milestones[1]
    repo.delete_milestone(second.uuid, second.version)
    assert second.uuid not in [m.uuid for m in repo.card(card.uuid).milestones]
    repo.restore_milestone(second.uuid)
    assert [m.uuid for m in repo.card(card.uuid).milestones] == [m.uuid for m in card.milestones]


def test_search_finds_text_in_titles_narratives_and_milestones(repo: Repository) -> None:
    def refs(text: str) -> list[str]:
        return sorted((repo.card(u).ref for u in repo.search("FOW", text)), key=int)

    assert refs("DigitalMe") == ["2"]
    assert refs("Digital Shipyard") == ["12", "17"]  # 17 is where rec 12 points
    assert refs("Bootcamp") == ["5"]
    card = repo.load_programme("FOW").card("9")
    assert card is not None
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))  # February 2020 is published
    repo.set_progress(card.uuid, "March 2020", [Paragraph("Pilot agreed")], card.version)
    assert refs("Pilot agreed") == ["9"]
    repo.update_card(card.uuid, repo.card(card.uuid).version, title="Zanzibar pilot")
    assert refs("zanzib") == ["9"]


def test_the_database_is_locked_message_is_one_clear_line(seeded_path: Path) -> None:
    holder = sqlite3.connect(seeded_path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    repo = Repository.open(seeded_path)
    repo.db.conn.execute("PRAGMA busy_timeout = 50")
    try:
        card = repo.load_programme("FOW").cards[0]
        with pytest.raises(FowdeskError, match="in use by another program"):
            repo.update_card(card.uuid, card.version, title="x")
    finally:
        holder.rollback()
        holder.close()
        repo.close()
