"""The return's new columns on the way back in: read-only ones never taken, old returns still fine.

Deliverables, Progress last period, and the Milestones sheet's Recommendation
and Lead are shown for reading: an edit to one is listed as not taken, judged
against what the return held when exported. Rec 12's "See point 17" sits in
its Progress to date cell as the report prints it, and is not narrative. A
return exported before these columns existed imports as it always did.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table
from return_helpers import checksum, column, edit, export, load, row_of, run, set_cell

from fowdesk.domain.model import CardStatus, Paragraph
from fowdesk.storage.repository import Repository
from fowdesk.storage.return_records import pack_base, unpack_base


def start_march(db: Path) -> None:
    """February 2020 is published in the seed: officers write into a new period."""
    repo = Repository.open(db, user="pmo")
    try:
        repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    finally:
        repo.close()


def test_edits_to_the_read_only_columns_are_listed_as_not_taken_and_change_nothing(
    seeded_path: Path, tmp_path: Path, capsys
) -> None:
    db = seeded_path
    start_march(db)
    path = export(db, tmp_path / "r.xlsx")
    before = load(db)
    card2, card3 = before.card("2"), before.card("3")
    milestone = card3.milestones[0]

    def officer(wb: openpyxl.Workbook) -> None:
        recs, ms = wb["Recommendations"], wb["Milestones"]
        row = row_of(recs, "ID", card2.uuid)
        set_cell(recs, row, "Deliverables", "A different deliverable")
        set_cell(recs, row, "Progress last period", "Rewritten history")
        row = row_of(ms, "ID", milestone.uuid)
        set_cell(ms, row, "Recommendation", "Another title")
        set_cell(ms, row, "Lead", "EDT")

    edit(path, officer)
    code, out, err = run(db, "import", str(path), "--dry-run", capsys=capsys)
    assert code == 0, err
    assert "Changes" not in out
    assert "Not taken (4):" in out
    assert (
        "Deliverables: 'A different deliverable' – the agreed deliverables (with their "
        "benefits), for reading; not imported" in out
    )
    assert "Progress last period: 'Rewritten history' – the Progress to date of the period" in out
    assert "Recommendation: 'Another title' – the recommendation's title" in out
    assert "Lead: 'EDT' – the recommendation's lead, for reading and filtering" in out

    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    after = load(db)
    assert after.card("2").deliverables == card2.deliverables
    assert after.card("2").progress_for("February 2020") == card2.progress_for("February 2020")
    assert after.card("3").title == card3.title and after.card("3").leads == card3.leads


def test_unchanged_read_only_columns_are_no_change_even_once_the_period_moves_on(
    seeded_path: Path, tmp_path: Path, capsys
) -> None:
    """Judged against the base: a later period makes "Progress last period" stale, not edited."""
    db = seeded_path
    start_march(db)
    path = export(db, tmp_path / "r.xlsx")
    repo = Repository.open(db, user="pmo")
    try:
        repo.new_period("FOW", "April 2020", date(2020, 4, 30))
    finally:
        repo.close()
    code, out, err = run(db, "import", str(path), "--dry-run", capsys=capsys)
    assert code == 0, err
    assert "Not taken" not in out and "Changes" not in out


# --- "See point 17" ------------------------------------------------------------------------


def _progress_cell(wb: openpyxl.Workbook, uuid: str) -> openpyxl.cell.Cell:
    recs = wb["Recommendations"]
    return recs.cell(row=row_of(recs, "ID", uuid), column=column(recs, "Progress to date"))


def test_see_point_17_is_shown_and_writing_above_it_is_the_narrative(
    seeded_path: Path, tmp_path: Path, capsys
) -> None:
    db = seeded_path
    start_march(db)
    twelve = load(db).card("12")
    path = export(db, tmp_path / "r.xlsx")
    assert _progress_cell(openpyxl.load_workbook(path), twelve.uuid).value == "See point 17"
    code, out, _ = run(db, "import", str(path), "--dry-run", capsys=capsys)
    assert code == 0 and "No changes: the return matches the database." in out

    def officer(wb: openpyxl.Workbook) -> None:
        recs = wb["Recommendations"]
        row = row_of(recs, "ID", twelve.uuid)
        set_cell(recs, row, "Progress to date", "• Heritage offer drafted\nSee point 17")

    edit(path, officer)
    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    assert 'Progress to date: (blank) → "• Heritage offer drafted"' in out
    assert "Not taken" not in out
    after = load(db).card("12")
    assert after.progress_for("March 2020") == [Paragraph("Heritage offer drafted")]
    assert after.cross_reference == "17"
    again = export(db, tmp_path / "again.xlsx")
    shown = _progress_cell(openpyxl.load_workbook(again), twelve.uuid).value
    assert shown == "• Heritage offer drafted\nSee point 17"


def test_taking_out_see_point_17_is_listed_and_keeps_the_cross_reference(
    seeded_path: Path, tmp_path: Path, capsys
) -> None:
    db = seeded_path
    start_march(db)
    twelve = load(db).card("12")
    path = export(db, tmp_path / "r.xlsx")

    def officer(wb: openpyxl.Workbook) -> None:
        _progress_cell(wb, twelve.uuid).value = None

    edit(path, officer)
    before = checksum(db)
    code, out, err = run(db, "import", str(path), "--dry-run", capsys=capsys)
    assert code == 0, err
    assert "Changes" not in out
    assert (
        "Progress to date: 'See point 17' – taken out of the cell, but the cross-reference "
        "is the card's and stays" in out
    )
    assert checksum(db) == before


# --- Returns from before these columns -------------------------------------------------------

#: What issue 16 added, by sheet: a return exported before has none of them.
ADDED = {
    "Recommendations": ["Deliverables", "Progress last period"],
    "Milestones": ["Recommendation", "Lead"],
}
ADDED_KEYS = {"deliverables", "progress_last", "card_title", "card_lead"}


def as_exported_before(wb: openpyxl.Workbook) -> None:
    """The workbook the export wrote before: no Instructions, no new columns, typed counts."""
    del wb["Instructions"]
    for name, gone in ADDED.items():
        ws = wb[name]
        for header in gone:
            ws.delete_cols(column(ws, header))
        del ws.tables[name]
        ref = f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
        ws.add_table(Table(displayName=name, ref=ref))
    for row in wb["Summary"].iter_rows():
        if isinstance(row[1].value, str) and row[1].value.startswith("="):
            row[1].value = 0


def forget_added_columns_in_the_base(db: Path, *, drop_base: bool) -> None:
    """The base as the export before recorded it (or none, as for a return past keeping)."""
    with closing(sqlite3.connect(db)) as conn:
        (blob,) = conn.execute("SELECT base FROM returns").fetchone()
        base = unpack_base(blob)
        assert base is not None
        for rows in base.sheets.values():
            for values in rows.values():
                assert ADDED_KEYS & set(values) or "ref" in values
                for key in ADDED_KEYS:
                    values.pop(key, None)
        conn.execute("UPDATE returns SET base = ?", [None if drop_base else pack_base(base)])
        conn.commit()


@pytest.mark.parametrize("drop_base", [False, True], ids=["base kept", "base dropped"])
def test_a_return_exported_before_these_columns_imports_exactly_its_edits(
    seeded_path: Path, tmp_path: Path, capsys, drop_base: bool
) -> None:
    db = seeded_path
    path = export(db, tmp_path / "old.xlsx")
    forget_added_columns_in_the_base(db, drop_base=drop_base)
    programme = load(db)
    card3, milestone = programme.card("3"), programme.card("2").milestones[0]

    def officer(wb: openpyxl.Workbook) -> None:
        as_exported_before(wb)
        recs, ms = wb["Recommendations"], wb["Milestones"]
        assert "Deliverables" not in [c.value for c in recs[1]]
        set_cell(recs, row_of(recs, "ID", card3.uuid), "Status", "On hold")
        set_cell(ms, row_of(ms, "ID", milestone.uuid), "Notes", "Met the RSA")
        new = ms.max_row + 1
        set_cell(ms, new, "Ref", "4")
        set_cell(ms, new, "Milestone", "Pilot the new learning offer")
        set_cell(ms, new, "Target", "June 2020")
        set_cell(ms, new, "Status", "Not started")
        ms.tables["Milestones"].ref = f"A1:{get_column_letter(ms.max_column)}{new}"

    edit(path, officer)
    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    if drop_base:
        assert "it is compared with the database and its audit trail instead" in out
    assert "Changes (2):" in out
    assert 'Status: "In progress" → "On hold"' in out
    assert 'Notes: (blank) → "Met the RSA"' in out
    assert 'New milestones (1):\n  + on 4: "Pilot the new learning offer"' in out
    assert "Not taken" not in out and "Warnings" not in out and "Conflicts" not in out
    after = load(db)
    assert after.card("3").status is CardStatus.ON_HOLD
    assert after.card("2").milestones[0].notes == "Met the RSA"
    assert after.card("4").milestones[-1].description == "Pilot the new learning offer"
