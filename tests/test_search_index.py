"""The search index keeps in step with every write, bulk or single, rewriting rows by key.

Every card must be found by each word of its newest text and by no word it
lost, after a programme is inserted in bulk, a return is imported (new rows
and edits in one transaction) and single edits are saved; each card's search
row sits under its key (schema migration 6), which no write has to scan for.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import openpyxl

from fowdesk.domain.model import Card, Milestone, Paragraph, Period, Programme
from fowdesk.exports.xlsx_import import read_return
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage import schema
from fowdesk.storage.repository import Repository
from fowdesk.storage.schema import MIGRATIONS
from tests.return_helpers import column, set_cell

PERIOD = "February 2020"
#: Every word the tests check is one of these ("titlex12q"): no one is the start of another,
#: as each search word is a prefix.
MARK = re.compile(r"\b[a-z]+x\d+(?:m\d+)?q\b")


def _programme(n_cards: int) -> Programme:
    cards = [
        Card(
            ref=str(i),
            title=f"Title titlex{i}q",
            leads=["EDT"],
            progress={PERIOD: [Paragraph(f"Progress narrx{i}q so far")]},
            milestones=[Milestone(f"Step stepx{i}m{m}q", "March 2020") for m in range(3)],
        )
        for i in range(1, n_cards + 1)
    ]
    return Programme(
        code="SYN",
        title="Synthetic",
        periods=[Period(PERIOD, date(2020, 2, 29))],
        cards=cards,
    )


def _card_words(repo: Repository, code: str, card: Card) -> set[str]:
    """The marked words a card's search text holds, cards pointing to it included."""
    programme = repo.load_programme(code)
    texts = [card.title, *(d.text for d in card.deliverables), card.next_steps_text]
    texts += [p.text for paragraphs in card.progress.values() for p in paragraphs]
    texts += [f"{m.description} {m.target} {m.notes}" for m in card.milestones]
    texts += [c.title for c in programme.cards if c.cross_reference == card.ref]
    return {word for text in texts for word in MARK.findall(text)}


def assert_in_step(repo: Repository, code: str, removed: set[str]) -> None:
    """Every card found by each of its words; no removed word finds anything; rows by key."""
    programme = repo.load_programme(code)
    assert programme.cards
    holders: dict[str, set[str]] = {}
    for card in programme.cards:
        words = _card_words(repo, code, card)
        assert words, card.ref
        for word in words:
            holders.setdefault(word, set()).add(card.uuid)
    for word, cards in holders.items():
        assert set(repo.search(code, word)) == cards, word
    for word in removed:
        assert repo.search(code, word) == [], word
    # One search row per card, stored under the card's key.
    conn = repo.db.conn
    rows = conn.execute(
        "SELECT s.rowid, s.card_uuid, k.id, k.card_uuid FROM card_search s"
        " LEFT JOIN card_search_keys k ON k.id = s.rowid"
    ).fetchall()
    assert all(row[0] == row[2] and row[1] == row[3] for row in rows), rows[:3]
    assert len(rows) == conn.execute("SELECT count(*) FROM cards").fetchone()[0]


def _import(repo: Repository, tmp_path: Path, change) -> None:
    exported = export_return(repo, tmp_path / "SYN return.xlsx", code="SYN")
    wb = openpyxl.load_workbook(exported)
    change(wb)
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    change_set = read_return(repo, edited)
    assert not change_set.needs_fixing, change_set.describe()
    repo.apply(change_set, source="import", author="Officer")


def test_every_card_is_found_by_its_newest_words_after_bulk_writes_and_edits(
    empty_repo: Repository, tmp_path: Path
) -> None:
    repo = empty_repo
    repo.insert_programme(_programme(30), audit=True)
    assert_in_step(repo, "SYN", set())
    removed: set[str] = set()

    def officer_edits(wb: openpyxl.Workbook) -> None:
        recs, steps = wb["Recommendations"], wb["Milestones"]
        for row in range(2, 12):  # ten narratives rewritten
            ref = recs.cell(row, column(recs, "Ref")).value
            set_cell(recs, row, "Progress to date", f"Rewritten freshx{ref}q")
            removed.add(f"narrx{ref}q")
        for row in range(2, 7):  # five milestones renamed
            old = steps.cell(row, column(steps, "Milestone")).value
            set_cell(steps, row, "Milestone", f"Renamed renamedx{row}q")
            removed.update(MARK.findall(old))
        new = recs.max_row + 1
        for number in range(3):  # three new recommendations, each with a new milestone
            set_cell(recs, new + number, "Ref", str(100 + number))
            set_cell(recs, new + number, "Title", f"Brand new brandx{number}q")
            set_cell(recs, new + number, "Lead", "EDT")
            set_cell(recs, new + number, "Progress to date", f"Started startx{number}q")
            step = steps.max_row + 1
            set_cell(steps, step, "Ref", str(100 + number))
            set_cell(steps, step, "Milestone", f"First firstx{number}q")
            set_cell(steps, step, "Target", "June 2020")

    _import(repo, tmp_path, officer_edits)
    assert len(repo.search("SYN", "brandx1q")) == 1
    assert_in_step(repo, "SYN", removed)

    cards = {c.ref: c for c in repo.load_programme("SYN").cards}
    repo.update_card(cards["12"].uuid, None, title="Retitled retitledx12q")
    removed.add("titlex12q")
    repo.set_progress(cards["13"].uuid, PERIOD, [Paragraph("Later laterx13q")], None)
    removed.add("narrx13q")
    added = repo.add_milestone(cards["14"].uuid, "Added addedx14q", "July 2020")
    repo.update_milestone(added.uuid, None, notes="Noted notex14q")
    repo.revise_target(cards["15"].milestones[0].uuid, None, "Autumn autumnx15q", "Re-planned")
    repo.delete_milestone(cards["16"].milestones[0].uuid, None)
    removed.add("stepx16m0q")
    repo.add_card("SYN", "200", "Added card addedcardx200q")
    assert_in_step(repo, "SYN", removed)


def test_a_cross_reference_moves_the_referring_title_to_its_new_target(
    empty_repo: Repository,
) -> None:
    repo = empty_repo
    repo.insert_programme(_programme(5))
    cards = {c.ref: c for c in repo.load_programme("SYN").cards}
    repo.update_card(cards["1"].uuid, None, cross_reference="2")
    assert set(repo.search("SYN", "titlex1q")) == {cards["1"].uuid, cards["2"].uuid}
    repo.update_card(cards["1"].uuid, None, cross_reference="3")
    assert set(repo.search("SYN", "titlex1q")) == {cards["1"].uuid, cards["3"].uuid}
    repo.update_card(cards["1"].uuid, None, title="Renamed renamedx1q")
    assert repo.search("SYN", "titlex1q") == []
    assert set(repo.search("SYN", "renamedx1q")) == {cards["1"].uuid, cards["3"].uuid}
    assert_in_step(repo, "SYN", {"titlex1q"})


def test_search_keeps_to_its_programme(repo: Repository) -> None:
    fow = {c.uuid for c in repo.load_programme("FOW").cards}
    found = repo.search("FOW", "digital")
    assert found and set(found) <= fow
    assert not set(repo.search("DS2430", "digital")) & fow


def test_vacuum_leaves_every_search_row_under_its_cards_key(empty_repo: Repository) -> None:
    repo = empty_repo
    repo.insert_programme(_programme(20))
    repo.db.conn.execute("VACUUM")
    card = repo.load_programme("SYN").cards[7]
    repo.update_card(card.uuid, None, title="After vacuum vacuumx8q")
    assert_in_step(repo, "SYN", {"titlex8q"})


def _statements_of(repo: Repository, write) -> list[str]:
    seen: list[str] = []
    repo.db.conn.set_trace_callback(seen.append)
    try:
        write()
    finally:
        repo.db.conn.set_trace_callback(None)
    return seen


def test_no_statement_of_an_edit_or_an_import_reads_a_whole_table(
    empty_repo: Repository, tmp_path: Path
) -> None:
    """What made a 5,000-card import take minutes: each search-row delete read the index."""
    repo = empty_repo
    repo.insert_programme(_programme(50))
    cards = repo.load_programme("SYN").cards
    statements = _statements_of(
        repo, lambda: repo.update_card(cards[3].uuid, None, cross_reference="7", title="T")
    )
    statements += _statements_of(
        repo, lambda: repo.set_progress(cards[4].uuid, PERIOD, [Paragraph("x")], None)
    )
    statements += _statements_of(repo, lambda: repo.add_milestone(cards[5].uuid, "New", ""))
    statements += _statements_of(repo, lambda: repo.add_card("SYN", "51", "One more"))

    def narrative(wb: openpyxl.Workbook) -> None:
        recs = wb["Recommendations"]
        for row in range(2, 6):
            set_cell(recs, row, "Progress to date", "Rewritten")

    statements += _statements_of(repo, lambda: _import(repo, tmp_path, narrative))
    conn = repo.db.conn
    scans = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            continue
        if re.search(r"\b(card_search|cards)\b", sql) is None or "LIMIT 0" in sql:
            continue
        for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall():
            detail = row[-1]
            # The cards read whole (as cards, c or target), or the search index read with no
            # match or rowid to go by. (Loading a programme reads its revisions whole: a few.)
            whole = re.match(r"SCAN (cards|c|target)$", detail) or detail.endswith(
                "VIRTUAL TABLE INDEX 0:"
            )
            if whole:
                scans.append((sql, detail))
    assert not scans, scans


def test_a_file_from_before_search_keys_moves_its_rows_under_keys(seeded_path: Path) -> None:
    conn = sqlite3.connect(seeded_path)
    for statement in (
        "DROP TRIGGER cards_leave_search",
        "DROP TABLE card_search_keys",
        "DROP INDEX cards_ref",
        "DROP INDEX cards_cross_reference",
        "DROP INDEX progress_period",
    ):
        conn.execute(statement)
    # Rows as schema 5 wrote them: rowids that say nothing about the card.
    rows = conn.execute("SELECT card_uuid, programme_id, body FROM card_search").fetchall()
    conn.execute("DELETE FROM card_search")
    conn.executemany(
        "INSERT INTO card_search (rowid, card_uuid, programme_id, body) VALUES (?, ?, ?, ?)",
        [(1000 + n, *row) for n, row in enumerate(reversed(rows))],
    )
    version = MIGRATIONS.index(schema._migration_6_search_keys_and_indexes)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    repo = Repository.open(seeded_path)
    try:
        assert repo.schema_version() == schema.LATEST_VERSION
        assert [repo.card(u).ref for u in repo.search("FOW", "DigitalMe")] == ["2"]
        before = repo.db.conn.execute("SELECT rowid, * FROM card_search ORDER BY 1").fetchall()
        with repo.transaction():  # a test faking an older file runs it again: nothing changes
            schema._migration_6_search_keys_and_indexes(repo.db)
        after = repo.db.conn.execute("SELECT rowid, * FROM card_search ORDER BY 1").fetchall()
        assert after == before
        card = repo.load_programme("FOW").cards[0]
        repo.update_card(card.uuid, None, title="Keyed keyedx1q")
        assert repo.search("FOW", "keyedx1q") == [card.uuid]
        rows = repo.db.conn.execute(
            "SELECT s.rowid, k.id FROM card_search s JOIN card_search_keys k"
            " ON k.card_uuid = s.card_uuid"
        ).fetchall()
        assert rows and all(rowid == key for rowid, key in rows)
    finally:
        repo.close()


def test_bulk_inserts_audit_each_card_and_milestone_as_one_by_one_did(
    empty_repo: Repository,
) -> None:
    repo = empty_repo
    programme = _programme(2)
    repo.insert_programme(programme, audit=True)
    added = repo.add_card("SYN", "3", "Third", milestones=[Milestone("Third step", "")])
    entries = [(e.table, e.field, e.new) for e in repo.audit_for([c.uuid for c in programme.cards])]
    assert entries == [
        ("cards", "(created)", "1. Title titlex1q"),
        ("cards", "(created)", "2. Title titlex2q"),
    ]
    milestone_entries = repo.audit_for([m.uuid for m in programme.cards[0].milestones])
    assert [(e.field, e.new) for e in milestone_entries] == [
        ("(created)", f"Step stepx1m{m}q") for m in range(3)
    ]
    assert [(e.field, e.new) for e in repo.audit_for([added.milestones[0].uuid])] == [
        ("(created)", "Third step")
    ]
    loaded = repo.load_programme("SYN")
    assert [m.position for m in loaded.cards[0].milestones] == [0, 1, 2]
    assert [c.version for c in loaded.cards] == [1, 1, 1]
