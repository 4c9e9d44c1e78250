"""An import applies exactly what the officer changed, and says so truthfully.

Each test is one of the ways today's import got it wrong while reporting
success: a return imported twice, a stale return after a period roll, a
deleted row, a conflict that swallowed its row's other edits, four bad cells
reported one at a time, a renamed sheet, a worked-out column, the exit status.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from return_helpers import checksum, column, edit, export, load, row_of, run, set_cell

from fowdesk.domain.change_set import Resolution
from fowdesk.domain.model import CardStatus, MilestoneStatus
from fowdesk.exports.xlsx_columns import PROPERTY_RETURN_ID
from fowdesk.exports.xlsx_import import read_return
from fowdesk.storage.repository import Repository


@pytest.fixture
def db(seeded_path: Path) -> Path:
    return seeded_path


def start_march(db: Path, capsys) -> None:
    """February 2020 is published in the seed: narrative goes into March."""
    code, _, err = run(db, "period", "new", "March 2020", "--as-at", "31/03/2020", capsys=capsys)
    assert code == 0, err


# ---------------------------------------------------------------------------- return IDs


def test_every_export_has_a_return_id_in_its_properties_and_on_the_summary(
    db: Path, tmp_path: Path
) -> None:
    first = export(db, tmp_path / "all.xlsx")
    mine = export(db, tmp_path / "ssm.xlsx", lead="SSM")
    ids = []
    for path in (first, mine):
        wb = openpyxl.load_workbook(path)
        properties = {p.name: p.value for p in wb.custom_doc_props.props}
        summary = {row[0].value: row[1].value for row in wb["Summary"].iter_rows() if len(row) > 1}
        assert summary["Return ID"] == properties[PROPERTY_RETURN_ID]
        ids.append(properties[PROPERTY_RETURN_ID])
    assert len(set(ids)) == 2 and all(len(i) == 36 for i in ids)

    repo = Repository.open(db, user="reader")
    try:
        recorded = repo.exported_return(ids[1])
        listing = repo.returns("FOW")
    finally:
        repo.close()
    assert recorded is not None and recorded.base is not None
    assert (recorded.lead, recorded.period_label, recorded.exported_by, recorded.filename) == (
        "SSM",
        "February 2020",
        "exporter",
        "ssm.xlsx",
    )
    # The base holds every cell of every exported row (only SSM's cards in SSM's return).
    ssm_cards = [c for c in load(db).cards if "SSM" in c.leads]
    assert set(recorded.base.row_ids("Recommendations")) == {c.uuid for c in ssm_cards}
    milestone = ssm_cards[0].milestones[1]
    row = recorded.base.row("Milestones", milestone.uuid)
    assert row is not None
    assert (row["target"], row["due_by"], row["status"]) == (
        "April 2020",
        "2020-04-30",
        "Not started",
    )
    assert [item.exported.return_id for item in listing] == ids


def test_the_returns_command_lists_each_return_with_its_imports(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "ssm.xlsx", lead="SSM")
    export(db, tmp_path / "all.xlsx")
    programme = load(db)
    edit(
        path,
        lambda wb: set_cell(
            wb["Recommendations"],
            row_of(wb["Recommendations"], "ID", programme.card("19").uuid),
            "Status",
            "On hold",
        ),
    )
    assert run(db, "--user", "J Smith", "import", str(path), capsys=capsys)[0] == 0
    code, out, err = run(db, "returns", "--period", "February 2020", capsys=capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "FOW: 2 returns in February 2020"
    assert "February 2020, lead SSM, exported " in lines[1] and "(ssm.xlsx)" in lines[1]
    assert lines[2].startswith("    imported ") and "by J Smith" in lines[2]
    assert lines[2].endswith(": 1 change(s)")
    assert "all leads" in lines[3] and lines[4] == "    not imported"
    code, out, _ = run(db, "returns", "--period", "March 2020", capsys=capsys)
    assert out.strip() == "FOW: no returns exported in March 2020 yet"


def test_bases_older_than_24_months_are_dropped_but_the_return_stays_listed(
    db: Path, tmp_path: Path
) -> None:
    old = export(db, tmp_path / "old.xlsx")
    old_id = openpyxl.load_workbook(old).custom_doc_props[PROPERTY_RETURN_ID].value
    conn = __import__("sqlite3").connect(db)
    conn.execute("UPDATE returns SET exported_at = '2017-01-31T10:00:00'")
    conn.commit()
    conn.close()
    export(db, tmp_path / "new.xlsx")  # recording a return prunes the old bases
    repo = Repository.open(db, user="reader")
    try:
        kept = repo.exported_return(old_id)
        assert kept is not None and kept.base is None
        assert len(repo.returns("FOW")) == 2
        change_set = read_return(repo, old)
    finally:
        repo.close()
    assert "no longer kept" in change_set.basis
    assert change_set.is_empty


def test_an_export_from_a_read_only_database_is_written_and_says_so_in_one_line(
    db: Path, tmp_path: Path
) -> None:
    """A read-only file (root without its capabilities cannot write a 0444 file)."""
    import subprocess
    import sys

    db.chmod(0o444)
    target = tmp_path / "r.xlsx"
    result = subprocess.run(
        [
            *("setpriv", "--inh-caps=-all", "--bounding-set=-all"),
            *(sys.executable, "-m", "fowdesk", "--db", str(db)),
            *("export", "xlsx", "-o", str(target)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    db.chmod(0o644)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {target}\n"
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("fowdesk: warning: could not record the export in the database")
    repo = Repository.open(db, user="reader")
    try:
        assert repo.returns("FOW") == []
        change_set = read_return(repo, target)
    finally:
        repo.close()
    # The return still imports, compared with the database, and the preview says so.
    assert change_set.basis.startswith("this return was not exported from this database")
    assert change_set.is_empty and not change_set.not_taken


# ---------------------------------------------------------------------------- re-import


def test_importing_the_same_return_twice_adds_its_new_milestone_once(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "r.xlsx")
    card4 = load(db).card("4")

    def officer(wb: openpyxl.Workbook) -> None:
        ms = wb["Milestones"]
        new = ms.max_row + 1
        set_cell(ms, new, "Ref", "4")
        set_cell(ms, new, "Milestone", "Evaluate the pilot")
        set_cell(ms, new, "Target", "September 2020")
        set_cell(ms, new, "Status", "Not started")
        set_cell(ms, row_of(ms, "ID", card4.milestones[0].uuid), "Notes", "Agreed")

    edit(path, officer)
    code, out, err = run(db, "--user", "J Smith", "import", str(path), capsys=capsys)
    assert code == 0, err
    assert "Imported 2 changes" in out
    assert [m.description for m in load(db).card("4").milestones].count("Evaluate the pilot") == 1

    before = checksum(db)
    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    assert "Already imported on " in out and "by J Smith; nothing new." in out
    assert "New milestones" not in out and "Imported" not in out
    assert checksum(db) == before  # nothing written: not a timestamp
    assert [m.description for m in load(db).card("4").milestones].count("Evaluate the pilot") == 1


def test_a_second_copy_of_a_return_applies_only_its_own_further_edits(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "r.xlsx")
    programme = load(db)
    first, second = programme.card("2").milestones[0], programme.card("3").milestones[0]

    def copy_one(wb: openpyxl.Workbook) -> None:
        ms = wb["Milestones"]
        set_cell(ms, row_of(ms, "ID", first.uuid), "Notes", "Copy one")
        new = ms.max_row + 1
        set_cell(ms, new, "Ref", "3")
        set_cell(ms, new, "Milestone", "Report to the board")

    one = edit(path, copy_one, tmp_path / "one.xlsx")
    assert run(db, "import", str(one), capsys=capsys)[0] == 0

    def copy_two(wb: openpyxl.Workbook) -> None:
        copy_one(wb)  # the same edits again (same return ID) …
        ms = wb["Milestones"]
        set_cell(ms, row_of(ms, "ID", second.uuid), "Notes", "Copy two")  # … and one more
        new_row = row_of(ms, "Milestone", "Report to the board")
        set_cell(ms, new_row, "Target", "July 2020")  # … and a change to the new row

    two = edit(path, copy_two, tmp_path / "two.xlsx")
    code, out, err = run(db, "import", str(two), capsys=capsys)
    assert code == 0, err
    assert "Changes (2):" in out and "New milestones" not in out
    after = load(db)
    assert after.card("2").milestones[0].notes == "Copy one"
    assert after.card("3").milestones[0].notes == "Copy two"
    created = [m for m in after.card("3").milestones if m.description == "Report to the board"]
    assert len(created) == 1 and created[0].target == "July 2020"


# ---------------------------------------------------------------------------- stale returns


def test_a_february_return_imported_after_march_started_changes_only_what_the_officer_edited(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "February.xlsx")
    card6 = load(db).card("6")

    def officer(wb: openpyxl.Workbook) -> None:
        recs = wb["Recommendations"]
        set_cell(recs, row_of(recs, "ID", card6.uuid), "Progress to date", "• Pilot running")

    edit(path, officer)
    start_march(db, capsys)
    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    assert (
        "The return is for February 2020; narratives it changes go into the current period, "
        "March 2020." in out
    )
    assert "Changes (1):" in out
    after = load(db)
    assert [p.text for p in after.card("6").progress_for("March 2020")] == ["Pilot running"]
    others = [c.ref for c in after.cards if c.progress_for("March 2020") and c.ref != "6"]
    assert others == []  # the 18 untouched cards' February narrative stayed in February
    assert after.card("6").progress_for("February 2020") == card6.progress_for("February 2020")


def test_a_stale_return_does_not_undo_a_later_edit_and_a_march_narrative_is_a_conflict(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "February.xlsx")
    programme = load(db)
    card7, card3 = programme.card("7"), programme.card("3")
    start_march(db, capsys)
    repo = Repository.open(db, user="colleague")
    try:
        repo.update_card(card7.uuid, card7.version, status="On hold")
        repo.set_progress(card3.uuid, "March 2020", [], None)
        fresh = repo.card(card3.uuid)
        from fowdesk.domain.model import Paragraph

        repo.set_progress(
            card3.uuid, "March 2020", [Paragraph("Colleague's March text")], fresh.version
        )
    finally:
        repo.close()

    def officer(wb: openpyxl.Workbook) -> None:
        recs = wb["Recommendations"]
        set_cell(recs, row_of(recs, "ID", card3.uuid), "Progress to date", "• Officer's text")

    edit(path, officer)
    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 3, err
    assert (
        'Progress to date (March 2020): return "• Officer\'s text", '
        'database "• Colleague\'s March text" (changed by colleague' in out
    )
    after = load(db)
    assert after.card("7").status is CardStatus.ON_HOLD  # the return's stale "In progress" lost
    assert [p.text for p in after.card("3").progress_for("March 2020")] == [
        "Colleague's March text"
    ]


def test_narrative_into_a_published_period_is_refused_and_nothing_is_written(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "r.xlsx")
    programme = load(db)

    def officer(wb: openpyxl.Workbook) -> None:
        recs = wb["Recommendations"]
        set_cell(recs, row_of(recs, "ID", programme.card("1").uuid), "Status", "On hold")
        set_cell(recs, row_of(recs, "ID", programme.card("6").uuid), "Progress to date", "• New")

    edit(path, officer)
    before = checksum(db)
    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 1 and out == ""
    assert err == (
        f"fowdesk: error: {path}: February 2020 is published; start the next period "
        '(fowdesk period new "March 2020") and import again\n'
    )
    assert checksum(db) == before
    start_march(db, capsys)
    code, _, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    assert load(db).card("1").status is CardStatus.ON_HOLD


# ---------------------------------------------------------------------------- conflicts


def test_two_leads_returns_on_a_joint_card_conflict_on_one_field_and_the_rest_applies(
    db: Path, tmp_path: Path, capsys
) -> None:
    """Card 18 belongs to EDT and SSM; each returns it, both change Status."""
    edt = export(db, tmp_path / "EDT.xlsx", lead="EDT")
    ssm = export(db, tmp_path / "SSM.xlsx", lead="SSM")
    card18 = load(db).card("18")

    def rec18(path: Path, **values: str) -> None:
        def change(wb: openpyxl.Workbook) -> None:
            recs = wb["Recommendations"]
            row = row_of(recs, "ID", card18.uuid)
            for header, value in values.items():
                set_cell(recs, row, header.replace("_", " ").capitalize(), value)

        edit(path, change)

    rec18(ssm, status="Complete")
    rec18(edt, status="On hold", next_steps="EDT to brief the board in June")
    assert run(db, "import", str(ssm), capsys=capsys)[0] == 0
    code, out, err = run(db, "import", str(edt), capsys=capsys)
    assert code == 3, err
    assert 'Next steps: (blank) → "EDT to brief the board in June"' in out or (
        "Next steps:" in out and "EDT to brief the board in June" in out
    )
    assert 'Status: return "On hold", database "Complete"' in out
    assert "1 conflict left for someone to settle: Recommendations row " in out
    after = load(db).card("18")
    assert after.status is CardStatus.COMPLETE
    assert after.next_steps_text == "EDT to brief the board in June"


def test_a_conflict_taken_in_the_preview_is_applied_and_remembered(
    db: Path, tmp_path: Path
) -> None:
    path = export(db, tmp_path / "r.xlsx")
    milestone = load(db).card("2").milestones[0]
    repo = Repository.open(db, user="colleague")
    try:
        repo.update_milestone(milestone.uuid, milestone.version, status="Delayed")
    finally:
        repo.close()
    edit(
        path,
        lambda wb: set_cell(
            wb["Milestones"], row_of(wb["Milestones"], "ID", milestone.uuid), "Status", "Complete"
        ),
    )
    repo = Repository.open(db, user="pmo")
    try:
        change_set = read_return(repo, path)
        assert len(change_set.conflicts) == 1 and change_set.is_empty
        change_set.conflicts[0].resolution = Resolution.TAKE_RETURN
        result = repo.apply(change_set, source="import", author="Officer")
        assert (result.changes, result.conflicts_left) == (1, 0)
        assert repo.milestone(milestone.uuid).status is MilestoneStatus.COMPLETE
        again = read_return(repo, path)  # taken once: the same return again is nothing new
        assert again.is_empty and not again.conflicts
    finally:
        repo.close()


# ---------------------------------------------------------------------------- rows


def test_a_milestone_row_deleted_from_the_return_is_listed_and_never_deleted(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "r.xlsx")
    gone = load(db).card("5").milestones[2]
    edit(path, lambda wb: wb["Milestones"].delete_rows(row_of(wb["Milestones"], "ID", gone.uuid)))
    before = checksum(db)
    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    assert "No changes" not in out
    assert (
        "Rows missing from the return (not deleted) (1): they are left as they are; "
        "to drop a milestone, set its Status to Cancelled" in out
    )
    assert f'  - milestone on 5: "{gone.description[:40]}' in out
    assert checksum(db) == before
    assert gone.uuid in {m.uuid for m in load(db).card("5").milestones}


def test_a_lead_return_counts_only_its_own_rows_as_missing(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "edt.xlsx", lead="EDT")
    code, out, _ = run(db, "import", str(path), capsys=capsys)
    assert code == 0 and "No changes: the return matches the database." in out
    card18 = load(db).card("18")
    edit(
        path,
        lambda wb: wb["Milestones"].delete_rows(
            row_of(wb["Milestones"], "ID", card18.milestones[0].uuid)
        ),
    )
    code, out, _ = run(db, "import", str(path), capsys=capsys)
    assert "Rows missing from the return (not deleted) (1)" in out


def test_a_new_milestone_inserted_among_its_cards_rows_keeps_that_place(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "r.xlsx")
    card2 = load(db).card("2")
    second = card2.milestones[1]

    def officer(wb: openpyxl.Workbook) -> None:
        ms = wb["Milestones"]
        below = row_of(ms, "ID", second.uuid) + 1
        ms.insert_rows(below)
        set_cell(ms, below, "Ref", "2")
        set_cell(ms, below, "Milestone", "Brief members on the terms")
        set_cell(ms, below, "Target", "April 2020")

    edit(path, officer)
    code, _, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    order = [m.description for m in load(db).card("2").milestones]
    assert order[:3] == [
        card2.milestones[0].description,
        second.description,
        "Brief members on the terms",
    ]
    assert len(order) == len(card2.milestones) + 1


# ---------------------------------------------------------------------------- bad cells


def test_four_bad_cells_are_named_together_on_one_line(db: Path, tmp_path: Path, capsys) -> None:
    path = export(db, tmp_path / "r.xlsx")

    def officer(wb: openpyxl.Workbook) -> None:
        ms, recs = wb["Milestones"], wb["Recommendations"]
        set_cell(ms, 5, "Status", "Done")
        set_cell(ms, 6, "Status", "Completed")
        set_cell(ms, 7, "Completed on", "31/31/2020")
        set_cell(recs, 4, "RAG override", "A")

    edit(path, officer)
    before = checksum(db)
    code, out, err = run(db, "import", str(path), "--dry-run", capsys=capsys)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1
    choices = "Not started, In progress, Complete, Delayed, Cancelled"
    assert lines[0] == (
        f"fowdesk: error: {path}: 4 cells need fixing: "
        "Recommendations row 4, RAG override: 'A' with no Override reason; give the reason "
        "beside it; "
        f"Milestones row 5, Status: unknown status 'Done' (use {choices}); "
        f"Milestones row 6, Status: unknown status 'Completed' (use {choices}); "
        "Milestones row 7, Completed on: '31/31/2020' is not a date (write it as dd/mm/yyyy)"
    )
    assert checksum(db) == before


def test_more_than_fifty_bad_cells_name_fifty_and_count_the_rest(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "r.xlsx")

    def officer(wb: openpyxl.Workbook) -> None:
        ms = wb["Milestones"]
        for row in range(2, ms.max_row + 1):
            set_cell(ms, row, "Status", "Done")
            set_cell(ms, row, "Completed on", "soon")

    edit(path, officer)
    code, _, err = run(db, "import", str(path), capsys=capsys)
    assert code == 1
    count = err.count("Status: unknown status 'Done'") + err.count("'soon' is not a date")
    assert count == 50
    total = 2 * len([m for c in load(db).cards for m in c.milestones])
    assert f": {total} cells need fixing: " in err and err.rstrip().endswith(
        f"and {total - 50} more"
    )


def test_a_renamed_sheet_is_found_by_its_table_and_a_missing_one_names_the_sheets_found(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "r.xlsx")
    card3 = load(db).card("3")

    def rename(wb: openpyxl.Workbook) -> None:
        wb["Milestones"].title = "Milestones (SSM)"
        set_cell(
            wb["Recommendations"],
            row_of(wb["Recommendations"], "ID", card3.uuid),
            "Status",
            "On hold",
        )
        set_cell(wb["Milestones (SSM)"], 3, "Status", "Delayed")

    edit(path, rename)
    code, out, err = run(db, "import", str(path), "--dry-run", capsys=capsys)
    assert code == 0, err
    assert "Changes (2):" in out and "(Milestones (SSM) row 3)" in out

    def drop(wb: openpyxl.Workbook) -> None:
        ws = wb["Milestones (SSM)"]
        del ws.tables["Milestones"]
        ws.title = "Actions"

    edit(path, drop)
    code, _, err = run(db, "import", str(path), capsys=capsys)
    assert code == 1
    assert (
        "the Milestones sheet is missing "
        "(the workbook's sheets: Instructions, Summary, Recommendations, Actions, Changes, Key)"
        in err
    )


@pytest.mark.parametrize("name", ["return.csv", "return.xlsx"])
def test_a_csv_is_called_a_csv_whatever_its_name(
    db: Path, tmp_path: Path, capsys, name: str
) -> None:
    path = tmp_path / name
    path.write_text("Ref,Title,Status\n1,Develop a contribution,In progress\n", encoding="utf-8")
    code, _, err = run(db, "import", str(path), capsys=capsys)
    assert code == 1
    assert f"{path}: a CSV file (text), not an Excel workbook: a CSV holds one sheet" in err


# ---------------------------------------------------------------------------- accounted for


def test_every_inconsistent_edit_is_listed_with_why_it_was_not_taken(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "r.xlsx")
    card2, card5 = load(db).card("2"), load(db).card("5")
    left_not_started, completed_no_date, cancelled, untouched_target = card2.milestones[:4]

    def officer(wb: openpyxl.Workbook) -> None:
        ms, recs = wb["Milestones"], wb["Recommendations"]
        row = row_of(ms, "ID", left_not_started.uuid)
        ms.cell(row, column(ms, "Completed on")).value = datetime(2020, 3, 20)
        set_cell(ms, row_of(ms, "ID", completed_no_date.uuid), "Status", "Complete")
        row = row_of(ms, "ID", cancelled.uuid)
        set_cell(ms, row, "Status", "Cancelled")
        set_cell(ms, row, "Reason for change", "No longer needed")
        set_cell(ms, row_of(ms, "ID", untouched_target.uuid), "Reason for change", "Just because")
        row = row_of(ms, "ID", card5.milestones[0].uuid)
        ms.cell(row, column(ms, "Due by")).value = datetime(2021, 1, 1)
        set_cell(recs, row_of(recs, "ID", card5.uuid), "RAG", "R")

    edit(path, officer)
    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    assert "Changes (2):" in out  # the two statuses; nothing else
    not_taken = out[out.index("Not taken (5):") :]
    assert (
        "Completed on: '20/03/2020' – a completion date needs Status Complete "
        "(the status is Not started); not imported" in not_taken
    )
    assert (
        "Reason for change: 'No longer needed' – a reason for change goes with a new "
        "Target; a cancellation's reason belongs in Notes" in not_taken
    )
    assert "Reason for change: 'Just because' – no new Target was given" in not_taken
    assert (
        "Due by: '01/01/2021' – worked out from Target and not imported; change Target" in not_taken
    )
    assert "RAG: 'R' – worked out by fowdesk and not imported" in not_taken
    assert (
        "Status: Complete with no completion date; the status is taken; "
        "add the date in Completed on" in out
    )
    after = load(db).card("2")
    assert after.milestones[0].completed_on is None
    assert after.milestones[1].status is MilestoneStatus.COMPLETE
    assert after.milestones[2].status is MilestoneStatus.CANCELLED
    assert after.milestones[2].revision_count == 0


def test_worked_out_cells_are_judged_against_the_base_not_the_database(
    db: Path, tmp_path: Path, capsys
) -> None:
    """The database moved (so RAG and Due by moved) and nobody touched those cells: no word.
    An officer who typed over Due by is told, although the target moved too."""
    path = export(db, tmp_path / "r.xlsx")
    card2 = load(db).card("2")
    moved, typed_over = card2.milestones[0], card2.milestones[1]
    repo = Repository.open(db, user="colleague")
    try:
        repo.update_milestone(moved.uuid, moved.version, status="Delayed")  # its RAG moves
        repo.revise_target(typed_over.uuid, typed_over.version, "December 2020", "Re-planned")
    finally:
        repo.close()

    def officer(wb: openpyxl.Workbook) -> None:
        ms = wb["Milestones"]
        ms.cell(row_of(ms, "ID", typed_over.uuid), column(ms, "Due by")).value = datetime(
            2020, 5, 31
        )

    edit(path, officer)
    repo = Repository.open(db, user="pmo")
    try:
        change_set = read_return(repo, path)
    finally:
        repo.close()
    assert [(n.column, n.value) for n in change_set.not_taken] == [("Due by", "31/05/2020")]
    assert change_set.is_empty and not change_set.conflicts and not change_set.warnings


def test_a_redating_without_a_reason_is_applied_listed_and_flagged(
    db: Path, tmp_path: Path, capsys
) -> None:
    path = export(db, tmp_path / "r.xlsx")
    milestone = load(db).card("4").milestones[0]
    edit(
        path,
        lambda wb: set_cell(
            wb["Milestones"], row_of(wb["Milestones"], "ID", milestone.uuid), "Target", "June 2020"
        ),
    )
    repo = Repository.open(db, user="pmo")
    try:
        change_set = read_return(repo, path)
    finally:
        repo.close()
    assert [r.uuid for r in change_set.redated_without_reason] == [milestone.uuid]
    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    assert "re-dated without a reason" in out
    after = load(db).card("4").milestones[0]
    assert (after.target, after.original_target, after.revisions[0].reason) == (
        "June 2020",
        "April 2020",
        "",
    )


def test_check_flags_a_completion_date_on_a_milestone_that_is_not_complete(
    db: Path, capsys
) -> None:
    milestone = load(db).card("3").milestones[0]
    repo = Repository.open(db, user="officer")
    try:
        repo.update_milestone(milestone.uuid, milestone.version, completed_on=date(2020, 3, 2))
    finally:
        repo.close()
    code, out, _ = run(db, "check", capsys=capsys)
    assert code == 0
    assert (
        f"FOW rec 3: milestone {milestone.description!r} has a completion date (02/03/2020) "
        "but its status is Not started, not Complete"
    ) in out


# ---------------------------------------------------------------------------- formulas


def test_a_formula_with_no_saved_value_is_a_cell_to_fix_named_by_its_cell(
    db: Path, tmp_path: Path, capsys
) -> None:
    """openpyxl does not calculate: a formula it saves has no value, which is not blank."""
    path = export(db, tmp_path / "r.xlsx")
    milestone = load(db).card("2").milestones[1]

    def officer(wb: openpyxl.Workbook) -> None:
        ms = wb["Milestones"]
        set_cell(
            ms, row_of(ms, "ID", milestone.uuid), "Target", '=TEXT(DATE(2020,6,30),"dd/mm/yyyy")'
        )

    edit(path, officer)
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" in archive.read("xl/worksheets/sheet4.xml")  # the Milestones sheet
    before = checksum(db)
    code, _, err = run(db, "import", str(path), capsys=capsys)
    assert code == 1
    milestones = openpyxl.load_workbook(path)["Milestones"]
    row = row_of(milestones, "ID", milestone.uuid)
    letter = openpyxl.utils.get_column_letter(column(milestones, "Target"))
    assert (
        f"1 cell needs fixing: Milestones row {row}, Target: cell {letter}{row} holds the formula "
        '=TEXT(DATE(2020,6,30),"dd/mm/yyyy") with no saved value' in err
    )
    assert checksum(db) == before


def test_a_return_from_before_return_ids_still_imports_by_its_summary(
    db: Path, tmp_path: Path, capsys
) -> None:
    """An old return: no custom properties, no Return ID row; found by its Summary's code."""
    path = export(db, tmp_path / "old.xlsx")
    card3 = load(db).card("3")

    def make_old(wb: openpyxl.Workbook) -> None:
        wb.custom_doc_props.props.clear()
        summary = wb["Summary"]
        for row in summary.iter_rows():
            if row[0].value == "Return ID":
                row[0].value = row[1].value = None
        set_cell(
            wb["Recommendations"],
            row_of(wb["Recommendations"], "ID", card3.uuid),
            "Status",
            "On hold",
        )

    edit(path, make_old)
    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    assert "This return has no return ID (it was exported before fowdesk kept them)" in out
    assert load(db).card("3").status is CardStatus.ON_HOLD


def test_a_database_of_the_previous_schema_is_backed_up_migrated_and_imports(
    db: Path, tmp_path: Path, capsys
) -> None:
    import sqlite3

    from fowdesk.storage import backups
    from fowdesk.storage.schema import LATEST_VERSION, MIGRATIONS

    previous = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_migration_4_returns"))
    path = export(db, tmp_path / "r.xlsx")
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE returns")
    conn.execute("DROP TABLE return_imports")
    conn.execute("ALTER TABLE lead_roles DROP COLUMN email")  # the return round's (later)
    conn.execute("ALTER TABLE programmes DROP COLUMN returns_to")  # returns_to (later)
    conn.execute(f"PRAGMA user_version = {previous}")
    conn.commit()
    conn.close()
    code, out, err = run(db, "import", str(path), capsys=capsys)
    assert code == 0, err
    assert "it is compared with the database and its audit trail instead" in out
    repo = Repository.open(db, user="reader")
    try:
        assert repo.schema_version() == LATEST_VERSION
        taken = [b.reason for b in backups.list_backups(repo.backups_dir)]
        assert f"before-migration-{previous}" in taken
        assert repo.returns("FOW") == []
    finally:
        repo.close()


def test_a_title_longer_than_the_windows_limit_is_a_cell_to_fix_naming_the_limit(
    db: Path, tmp_path: Path, capsys
) -> None:
    from fowdesk.domain.limits import TITLE_MAX_CHARS

    path = export(db, tmp_path / "r.xlsx")
    card = load(db).card("5")
    long_title = "Simplify the adult learning landscape " * 8  # 304 characters

    def officer(wb: openpyxl.Workbook) -> None:
        recs = wb["Recommendations"]
        set_cell(recs, row_of(recs, "ID", card.uuid), "Title", long_title)
        new = recs.max_row + 1
        set_cell(recs, new, "Title", long_title + "again")

    edit(path, officer)
    code, _, err = run(db, "import", str(path), capsys=capsys)
    assert code == 1
    length = len(long_title.strip())
    assert (
        f"2 cells need fixing: Recommendations row 6, Title: {length} characters, more than a "
        f"title's {TITLE_MAX_CHARS}; shorten it"
    ) in err
    assert f"Recommendations row 21, Title: {len(long_title + 'again')} characters" in err
