"""Returns coming back: the preview lists exactly what changed, the import applies it."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from return_helpers import only_summary_counts

from fowdesk.cli import main
from fowdesk.domain.model import CardStatus, MilestoneStatus, Rag
from fowdesk.errors import FowdeskError
from fowdesk.exports.xlsx_import import read_return
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage.repository import Repository

HOSTILE_TITLE = '=HYPERLINK("http://x","y")'
POLISH = "Zażółć gęślą jaźń – łódź"
EMOJI = "Launch 🚀 done ✅"


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edit(path: Path, change: Callable[[openpyxl.Workbook], None], author: str = "") -> Path:
    """Edit a return the way openpyxl (standing in for Excel) would, and save it."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    if author:
        wb.properties.lastModifiedBy = author
    wb.save(path)
    return path


def column(ws, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def row_of(ws, header: str, value: str) -> int:
    number = column(ws, header)
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=number).value == value:
            return row
    raise AssertionError(f"no row with {header} = {value!r}")


def set_cell(ws, row: int, header: str, value) -> None:
    cell = ws.cell(row=row, column=column(ws, header), value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # typed as text, as an officer types it


def run(db: Path, *args: str, capsys) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(seeded_path: Path) -> Path:
    return seeded_path


@pytest.fixture
def exported(db: Path, tmp_path: Path) -> Path:
    repo = Repository.open(db, user="exporter")
    try:
        return export_return(repo, tmp_path / "FOW return.xlsx", code="FOW")
    finally:
        repo.close()


def load(db: Path):
    repo = Repository.open(db, user="reader")
    try:
        return repo.load_programme("FOW")
    finally:
        repo.close()


def test_a_return_sent_back_unchanged_imports_as_no_changes_and_touches_nothing(
    db: Path, exported: Path, capsys
) -> None:
    before = checksum(db)
    code, out, err = run(db, "import", str(exported), "--dry-run", capsys=capsys)
    assert code == 0, err
    assert "No changes: the return matches the database." in out
    code, out, _ = run(db, "import", str(exported), capsys=capsys)
    assert code == 0 and "No changes" in out
    assert checksum(db) == before  # not even a timestamp


def test_a_return_whose_rows_were_sorted_differently_still_matches(
    db: Path, exported: Path, capsys
) -> None:
    def shuffle(wb: openpyxl.Workbook) -> None:
        for name in ("Recommendations", "Milestones"):
            ws = wb[name]
            rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
            for index, values in enumerate(reversed(rows), start=2):
                for number, value in enumerate(values, start=1):
                    ws.cell(row=index, column=number).value = value

    edit(exported, shuffle)
    code, out, err = run(db, "import", str(exported), "--dry-run", capsys=capsys)
    assert code == 0, err
    assert "No changes" in out


def test_a_return_with_filters_applied_and_rows_hidden_imports_with_no_changes(
    db: Path, exported: Path, capsys
) -> None:
    """An officer filters Status to "In progress" and saves: rows hidden, nothing changed."""

    def filter_in_progress(wb: openpyxl.Workbook) -> None:
        for name in ("Recommendations", "Milestones"):
            ws = wb[name]
            status = column(ws, "Status")
            ws.tables[name].autoFilter.add_filter_column(status - 1, ["In progress"])
            for row in range(2, ws.max_row + 1):
                if ws.cell(row, status).value != "In progress":
                    ws.row_dimensions[row].hidden = True

    edit(exported, filter_in_progress)
    reread = openpyxl.load_workbook(exported)["Milestones"]
    assert reread.tables["Milestones"].autoFilter.filterColumn
    assert reread.row_dimensions[2].hidden  # every milestone is "Not started": all hidden
    before = checksum(db)
    code, out, err = run(db, "import", str(exported), capsys=capsys)
    assert code == 0, err
    assert "No changes: the return matches the database." in out
    assert checksum(db) == before


def _officers_edits(wb: openpyxl.Workbook, programme) -> None:
    recs, milestones = wb["Recommendations"], wb["Milestones"]
    card3 = programme.card("3")
    set_cell(recs, row_of(recs, "ID", card3.uuid), "Status", "Complete")
    card5 = programme.card("5")
    set_cell(recs, row_of(recs, "ID", card5.uuid), "Title", HOSTILE_TITLE)
    card6 = programme.card("6")
    set_cell(
        recs,
        row_of(recs, "ID", card6.uuid),
        "Progress to date",
        f"• R&D <pilot> with AT&T\n• {POLISH}\n• {EMOJI}",
    )
    slipping = programme.card("2").milestones[1]  # "Agree terms of commission…" – April 2020
    row = row_of(milestones, "ID", slipping.uuid)
    set_cell(milestones, row, "Target", "June 2020")
    set_cell(milestones, row, "Reason for change", "RSA board meeting moved to May")
    notes_milestone = programme.card("4").milestones[0]
    set_cell(milestones, row_of(milestones, "ID", notes_milestone.uuid), "Notes", "AT&T")
    # A new milestone (no ID) on recommendation 4, and a new recommendation (no ID).
    new_row = milestones.max_row + 1
    set_cell(milestones, new_row, "Ref", "4")
    set_cell(milestones, new_row, "Milestone", "Evaluate the pilot with R&D <partners>")
    set_cell(milestones, new_row, "Target", "September 2020")
    set_cell(milestones, new_row, "Status", "Not started")
    new_card = recs.max_row + 1
    set_cell(recs, new_card, "Ref", "20")
    set_cell(recs, new_card, "Title", "Digital inclusion for care leavers")
    set_cell(recs, new_card, "Lead", "SSM")
    set_cell(recs, new_card, "Status", "Not started")
    set_cell(recs, new_card, "Progress to date", "• Scoping with Children's Services")


def test_an_officers_edits_are_previewed_exactly_then_applied(
    db: Path, tmp_path: Path, capsys
) -> None:
    # February 2020 is published: the officer's return is for March 2020.
    assert run(db, "period", "new", "March 2020", capsys=capsys)[0] == 0
    repo = Repository.open(db, user="exporter")
    try:
        exported = export_return(repo, tmp_path / "FOW return.xlsx", code="FOW")
    finally:
        repo.close()
    before_programme = load(db)
    card3_uuid = before_programme.card("3").uuid
    edit(exported, lambda wb: _officers_edits(wb, before_programme), author="Pat Officer")
    before = checksum(db)

    code, out, err = run(db, "import", str(exported), "--dry-run", capsys=capsys)
    assert code == 0, err
    assert checksum(db) == before  # the preview writes nothing
    assert "by Pat Officer" in out
    assert 'Status: "In progress" → "Complete"' in out
    assert 'Title: "Simplify the Adult Learning Landscape"' not in out
    assert 'Target: "April 2020" → "June 2020"' in out
    assert 'reason: "RSA board meeting moved to May"' in out
    assert 'Notes: (blank) → "AT&T"' in out
    assert "R&D <pilot> with AT&T" in out and POLISH in out and EMOJI in out
    assert HOSTILE_TITLE in out
    assert 'New recommendations (1):\n  + 20 "Digital inclusion for care leavers"' in out
    assert 'New milestones (1):\n  + on 4: "Evaluate the pilot with R&D <partners>"' in out
    assert "Changes (5):" in out  # exactly the five edited fields, nothing spurious
    assert "Conflicts" not in out
    assert "Dry run: nothing was written." in out

    code, out, err = run(db, "import", str(exported), capsys=capsys)
    assert code == 0, err
    assert "Imported 7 changes in one transaction" in out
    backed_up = re.search(r"backed up first to (.+?)\.$", out, re.MULTILINE)
    assert backed_up, out
    backup = Path(backed_up.group(1))
    assert backup.is_file() and backup.parent == db.resolve().parent / "backups"
    with closing(sqlite3.connect(backup)) as copy:  # the database as it was before the import
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        statuses = copy.execute("SELECT status FROM cards WHERE uuid = ?", (card3_uuid,))
        assert statuses.fetchone() == ("In progress",)

    after = load(db)
    assert after.card("3").status is CardStatus.COMPLETE
    assert after.card("5").title == HOSTILE_TITLE
    progress = after.card("6").progress_for("March 2020")
    assert [p.text for p in progress] == ["R&D <pilot> with AT&T", POLISH, EMOJI]
    assert all(p.bulleted for p in progress)
    slipped = after.card("2").milestones[1]
    assert slipped.target == "June 2020"
    assert slipped.original_target == "April 2020"
    assert slipped.revision_count == 1
    assert slipped.revisions[0].reason == "RSA board meeting moved to May"
    assert slipped.slippage_days(after.current_period.as_at) == 61
    assert after.card("4").milestones[0].notes == "AT&T"
    assert after.card("4").milestones[-1].description == "Evaluate the pilot with R&D <partners>"
    assert after.card("4").milestones[-1].target == "September 2020"
    new_card = after.card("20")
    assert new_card is not None and new_card.leads == ["SSM"]
    assert new_card.progress_for("March 2020")[0].text == "Scoping with Children's Services"
    # Untouched rows stayed untouched.
    for ref in ("1", "7", "19"):
        assert after.card(ref).version == before_programme.card(ref).version

    # The audit names the importer, the return's author, and the source.
    repo = Repository.open(db, user="reader")
    try:
        trail = repo.card_history(after.card("3").uuid)
        status = next(e for e in trail if e.field == "status")
        assert (status.source, status.author, status.old, status.new) == (
            "import",
            "Pat Officer",
            "In progress",
            "Complete",
        )
        assert status.who  # the importer's own user name
        # A new export gives the hostile text back verbatim, as text, not a formula.
        again = export_return(repo, tmp_path / "again.xlsx", code="FOW")
    finally:
        repo.close()
    wb = openpyxl.load_workbook(again)
    recs = wb["Recommendations"]
    cell = recs.cell(row=row_of(recs, "Ref", "5"), column=column(recs, "Title"))
    assert cell.value == HOSTILE_TITLE and cell.data_type == "s"
    assert only_summary_counts(again)  # the Summary's own counts are the only formulas
    progress_cell = recs.cell(row=row_of(recs, "Ref", "6"), column=column(recs, "Progress to date"))
    assert progress_cell.value == f"• R&D <pilot> with AT&T\n• {POLISH}\n• {EMOJI}"
    ms = wb["Milestones"]
    slipped_row = row_of(ms, "ID", slipped.uuid)
    assert ms.cell(row=slipped_row, column=column(ms, "Original target")).value == "April 2020"
    assert ms.cell(row=slipped_row, column=column(ms, "Slippage (days)")).value == 61
    assert ms.cell(row=slipped_row, column=column(ms, "Revisions")).value == 1

    # And that export, sent straight back, changes nothing.
    before = checksum(db)
    code, out, _ = run(db, "import", str(again), capsys=capsys)
    assert "No changes" in out and checksum(db) == before


def test_a_field_both_sides_changed_is_a_conflict_and_the_database_keeps_its_value(
    db: Path, exported: Path, capsys
) -> None:
    programme = load(db)
    contested = programme.card("2").milestones[0]
    quiet = programme.card("2").milestones[2]
    repo = Repository.open(db, user="colleague")
    try:
        repo.update_milestone(contested.uuid, contested.version, status="Delayed")
        # The colleague also edits another field of a second milestone …
        repo.update_milestone(quiet.uuid, quiet.version, notes="Chased RSA")
    finally:
        repo.close()

    def officer(wb: openpyxl.Workbook) -> None:
        ms = wb["Milestones"]
        set_cell(ms, row_of(ms, "ID", contested.uuid), "Status", "Complete")
        # … while the officer edits a different field of it: no conflict there.
        set_cell(ms, row_of(ms, "ID", quiet.uuid), "Status", "In progress")

    edit(exported, officer)
    before = checksum(db)
    code, out, err = run(db, "import", str(exported), "--dry-run", capsys=capsys)
    assert code == 3, err  # the import would leave a conflict
    assert checksum(db) == before
    assert "Conflicts, not applied (1)" in out
    assert 'Status: return "Complete", database "Delayed" (changed by colleague on ' in out
    assert 'Status: "Not started" → "In progress"' in out

    code, out, err = run(db, "import", str(exported), capsys=capsys)
    assert code == 3, err
    assert err == ""
    assert "1 conflict left for someone to settle: Milestones row " in out
    after = load(db)
    assert after.card("2").milestones[0].status is MilestoneStatus.DELAYED
    assert after.card("2").milestones[2].status is MilestoneStatus.IN_PROGRESS
    assert after.card("2").milestones[2].notes == "Chased RSA"


def test_a_return_that_kept_the_exported_value_does_not_undo_a_later_database_edit(
    db: Path, exported: Path, capsys
) -> None:
    card = load(db).card("7")
    repo = Repository.open(db, user="colleague")
    try:
        repo.update_card(card.uuid, card.version, status="On hold")
    finally:
        repo.close()
    code, out, _ = run(db, "import", str(exported), capsys=capsys)
    assert code == 0 and "No changes" in out
    assert load(db).card("7").status is CardStatus.ON_HOLD


def test_a_lead_return_changes_only_that_leads_cards(db: Path, tmp_path: Path, capsys) -> None:
    repo = Repository.open(db, user="exporter")
    try:
        path = export_return(repo, tmp_path / "ssm.xlsx", code="FOW", lead="SSM")
    finally:
        repo.close()
    before_db = checksum(db)
    code, out, _ = run(db, "import", str(path), capsys=capsys)
    assert "No changes" in out and checksum(db) == before_db

    before = load(db)

    def officer(wb: openpyxl.Workbook) -> None:
        recs = wb["Recommendations"]
        set_cell(recs, row_of(recs, "Ref", "19"), "Status", "On hold")

    edit(path, officer)
    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    assert "Changes (1):" in out
    after = load(db)
    assert after.card("19").status is CardStatus.ON_HOLD
    for card in before.cards:
        if card.ref != "19":
            assert after.card(card.ref).version == card.version
            assert after.card(card.ref).status is card.status
    # Cards outside the return were never deleted.
    assert [c.ref for c in after.cards] == [c.ref for c in before.cards]


def test_an_edited_rag_is_not_imported_and_the_preview_points_to_the_override(
    db: Path, exported: Path, capsys
) -> None:
    card = load(db).card("1")

    def officer(wb: openpyxl.Workbook) -> None:
        recs = wb["Recommendations"]
        set_cell(recs, row_of(recs, "ID", card.uuid), "RAG", "R")

    edit(exported, officer)
    before = checksum(db)
    code, out, _ = run(db, "import", str(exported), capsys=capsys)
    assert code == 0
    assert "No changes" not in out and "Nothing to apply." in out
    assert (
        "Not taken (1):\n  - Recommendations row 2, RAG: 'R' – worked out by fowdesk and not "
        "imported; to change it, use RAG override with an Override reason"
    ) in out
    assert checksum(db) == before


def test_worked_out_cells_left_stale_by_a_real_change_raise_no_warning(
    db: Path, exported: Path
) -> None:
    """A new Target leaves Due by and RAG as exported; a colleague's edit moves RAG: no noise."""
    rec2, rec4 = load(db).card("2"), load(db).card("4")
    redated, colleagues = rec2.milestones[2], rec4.milestones[0]

    def officer(wb: openpyxl.Workbook) -> None:
        ms = wb["Milestones"]
        set_cell(ms, row_of(ms, "ID", redated.uuid), "Target", "July 2020")
        set_cell(ms, row_of(ms, "ID", redated.uuid), "Reason for change", "Board met late")

    edit(exported, officer)
    repo = Repository.open(db, user="colleague")
    try:
        repo.update_milestone(colleagues.uuid, colleagues.version, status="Delayed")
        change_set = read_return(repo, exported)
    finally:
        repo.close()
    assert change_set.change_count == 1
    assert not change_set.not_taken and not change_set.warnings


def test_an_edited_due_by_on_an_untouched_row_is_pointed_at_target(
    db: Path, exported: Path
) -> None:
    milestone = load(db).card("2").milestones[0]

    def officer(wb: openpyxl.Workbook) -> None:
        ms = wb["Milestones"]
        ms.cell(row=row_of(ms, "ID", milestone.uuid), column=column(ms, "Due by")).value = datetime(
            2021, 1, 1
        )

    edit(exported, officer)
    repo = Repository.open(db, user="reader")
    try:
        change_set = read_return(repo, exported)
    finally:
        repo.close()
    assert change_set.is_empty
    assert [(n.column, n.value, n.why) for n in change_set.not_taken] == [
        ("Due by", "01/01/2021", "worked out from Target and not imported; change Target")
    ]


def test_a_rag_override_with_its_reason_is_imported(db: Path, exported: Path, capsys) -> None:
    card = load(db).card("1")

    def officer(wb: openpyxl.Workbook) -> None:
        recs = wb["Recommendations"]
        row = row_of(recs, "ID", card.uuid)
        set_cell(recs, row, "RAG override", "Amber")
        set_cell(recs, row, "Override reason", "Funding not yet confirmed")

    edit(exported, officer)
    code, _out, err = run(db, "import", str(exported), capsys=capsys)
    assert code == 0, err
    after = load(db).card("1")
    assert after.rag_override is Rag.AMBER
    assert after.rag_override_reason == "Funding not yet confirmed"


def test_an_unknown_lead_code_is_a_warning_and_is_kept(db: Path, exported: Path, capsys) -> None:
    card = load(db).card("10")

    def officer(wb: openpyxl.Workbook) -> None:
        recs = wb["Recommendations"]
        set_cell(recs, row_of(recs, "ID", card.uuid), "Lead", "HOD/NEW")

    edit(exported, officer)
    code, out, err = run(db, "import", str(exported), "--dry-run", capsys=capsys)
    assert code == 0, err
    assert "Recommendations row 11, Lead: 'NEW' is not in the key (kept as written)" in out
    run(db, "import", str(exported), capsys=capsys)
    assert load(db).card("10").leads == ["HOD", "NEW"]


def test_the_database_changing_between_preview_and_apply_imports_nothing(
    db: Path, exported: Path
) -> None:
    card = load(db).card("3")

    def officer(wb: openpyxl.Workbook) -> None:
        recs = wb["Recommendations"]
        set_cell(recs, row_of(recs, "ID", card.uuid), "Status", "Complete")
        set_cell(recs, row_of(recs, "Ref", "4"), "Status", "On hold")

    edit(exported, officer)
    repo = Repository.open(db, user="importer")
    try:
        change_set = read_return(repo, exported)
        other = Repository.open(db, user="colleague")
        try:
            other.update_card(card.uuid, card.version, title="Renamed meanwhile")
        finally:
            other.close()
        with pytest.raises(FowdeskError, match="changed after the preview"):
            repo.apply(change_set, source="import")
    finally:
        repo.close()
    after = load(db)
    assert after.card("3").status is CardStatus.IN_PROGRESS
    assert after.card("4").status is CardStatus.IN_PROGRESS  # the whole import rolled back
