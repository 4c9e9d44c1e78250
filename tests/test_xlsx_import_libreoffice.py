"""Returns edited and saved by LibreOffice Calc, as a PMO officer without Excel edits them.

openpyxl makes the edits a test needs (a formula typed, rows moved, inserted
or deleted); LibreOffice then opens and saves the file, calculating every
formula and writing the sheets its own way, and that file is imported.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest
from return_helpers import checksum, edit, export, libreoffice, load, row_of, run, set_cell

pytestmark = pytest.mark.slow


def test_formulas_import_as_the_values_libreoffice_saved_with_them(
    seeded_path: Path, tmp_path: Path, capsys
) -> None:
    db = seeded_path
    path = export(db, tmp_path / "typed.xlsx")
    card2 = load(db).card("2")
    plus, see, dated = card2.milestones[0], card2.milestones[2], card2.milestones[1]

    def officer(wb: openpyxl.Workbook) -> None:
        ms = wb["Milestones"]
        set_cell(ms, row_of(ms, "ID", plus.uuid), "Notes", "=1+1")
        set_cell(ms, row_of(ms, "ID", see.uuid), "Notes", '="See "&A2')
        row = row_of(ms, "ID", dated.uuid)
        set_cell(ms, row, "Target", '=TEXT(DATE(2020,6,30),"dd/mm/yyyy")')
        set_cell(ms, row, "Reason for change", "Board moved")

    edit(path, officer)
    saved = libreoffice(path, tmp_path / "saved", tmp_path / "profile")
    code, out, err = run(db, "import", str(saved), capsys=capsys)
    assert code == 0, err
    assert 'Notes: (blank) → "2"' in out
    assert 'Notes: (blank) → "See 1"' in out  # A2: the first milestone row's Ref
    assert 'Target: "April 2020" → "30/06/2020"' in out
    after = load(db).card("2")
    assert after.milestones[0].notes == "2"
    assert after.milestones[2].notes == "See 1"
    assert after.milestones[1].target == "30/06/2020"
    assert after.milestones[1].revisions[-1].reason == "Board moved"
    with closing(sqlite3.connect(db)) as conn:  # formula text reached nowhere
        assert not conn.execute(
            "SELECT 1 FROM milestones WHERE target LIKE '=%' OR notes LIKE '=%'"
        ).fetchall()
        assert not conn.execute("SELECT 1 FROM audit WHERE new LIKE '=%'").fetchall()


def test_a_return_sorted_with_rows_inserted_and_deleted_imports_exactly_those_edits(
    seeded_path: Path, tmp_path: Path, capsys
) -> None:
    db = seeded_path
    path = export(db, tmp_path / "worked.xlsx")
    card3 = load(db).card("3")
    first, second, gone = card3.milestones[0], card3.milestones[1], card3.milestones[4]

    def officer(wb: openpyxl.Workbook) -> None:
        ms = wb["Milestones"]
        ms.delete_rows(row_of(ms, "ID", gone.uuid))
        below = row_of(ms, "ID", first.uuid) + 1
        ms.insert_rows(below)
        set_cell(ms, below, "Ref", "3")
        set_cell(ms, below, "Milestone", "Share the draft offer with schools")
        set_cell(ms, below, "Target", "April 2020")
        set_cell(ms, below, "Status", "Not started")
        recs = wb["Recommendations"]  # sorted: newest first, by hand
        rows = [[c.value for c in row] for row in recs.iter_rows(min_row=2)]
        for index, values in enumerate(reversed(rows), start=2):
            for number, value in enumerate(values, start=1):
                recs.cell(row=index, column=number).value = value

    edit(path, officer)
    saved = libreoffice(path, tmp_path / "saved", tmp_path / "profile")
    code, out, err = run(db, "import", str(saved), capsys=capsys)
    assert code == 0, err
    assert "Changes" not in out  # sorted and re-saved: no spurious changes
    assert 'New milestones (1):\n  + on 3: "Share the draft offer with schools"' in out
    assert "Rows missing from the return (not deleted) (1)" in out
    order = [m.description for m in load(db).card("3").milestones]
    assert order[:3] == [
        first.description,
        "Share the draft offer with schools",
        second.description,
    ]
    assert gone.description in order  # never deleted

    before = checksum(db)
    code, out, _ = run(db, "import", str(saved), capsys=capsys)  # again: nothing new
    assert code == 0 and "Already imported on " in out and "New milestones" not in out
    assert checksum(db) == before


def test_an_opendocument_spreadsheet_is_named_and_refused(
    seeded_path: Path, tmp_path: Path, capsys
) -> None:
    path = export(seeded_path, tmp_path / "FOW return.xlsx")
    ods = libreoffice(path, tmp_path / "ods", tmp_path / "profile", "ods")
    before = checksum(seeded_path)
    code, out, err = run(seeded_path, "import", str(ods), capsys=capsys)
    assert code == 1 and out == ""
    assert err == (
        f"fowdesk: error: {ods}: an OpenDocument spreadsheet: save it as Excel workbook "
        "(.xlsx) and import that\n"
    )
    assert checksum(seeded_path) == before


def test_a_libreoffice_resave_keeps_the_return_id(seeded_path: Path, tmp_path: Path) -> None:
    path = export(seeded_path, tmp_path / "FOW return.xlsx")
    saved = libreoffice(path, tmp_path / "saved", tmp_path / "profile")
    original = openpyxl.load_workbook(path).custom_doc_props["fowdesk return ID"].value
    assert openpyxl.load_workbook(saved).custom_doc_props["fowdesk return ID"].value == original
