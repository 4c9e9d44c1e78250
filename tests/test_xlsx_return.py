"""The Excel return as a PMO officer receives it: exported, then opened with openpyxl."""

from __future__ import annotations

import gc
import tempfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from return_helpers import formulas, only_summary_counts

from fowdesk import paths
from fowdesk.cli import main
from fowdesk.domain.model import Paragraph
from fowdesk.errors import FowdeskError
from fowdesk.exports.xlsx_columns import (
    CHANGE_COLUMNS,
    KEY_COLUMNS,
    MILESTONE_COLUMNS,
    RECOMMENDATION_COLUMNS,
    SHEET_NAMES,
    Column,
    Kind,
)
from fowdesk.exports.xlsx_return import export_return, row_height, wrapped_line_count

RECOMMENDATION_HEADERS = [
    "Ref",
    "Title",
    "Deliverables",
    "Theme",
    "Lead",
    "RAG",
    "Previous RAG",
    "RAG override",
    "Override reason",
    "Status",
    "Progress last period",
    "Progress to date",
    "Next steps",
    "Last updated",
    "ID",
    "Version",
]
MILESTONE_HEADERS = [
    "Ref",
    "Recommendation",
    "Lead",
    "Milestone",
    "Target",
    "Due by",
    "Status",
    "RAG",
    "Completed on",
    "Original target",
    "Slippage (days)",
    "Revisions",
    "Reason for change",
    "Notes",
    "ID",
    "Version",
]


def _headers(ws) -> list[str]:
    return [c.value for c in ws[1]]


def _rows(ws) -> list[dict]:
    headers = _headers(ws)
    return [
        dict(zip(headers, row, strict=True))
        for row in ws.iter_rows(min_row=2, values_only=True)
        if any(v is not None for v in row)
    ]


def _column(ws, header: str) -> str:
    return openpyxl.utils.get_column_letter(_headers(ws).index(header) + 1)


@pytest.fixture
def exported(repo, tmp_path: Path) -> Path:
    return export_return(repo, tmp_path / "FOW return.xlsx", code="FOW")


def test_the_return_has_six_sheets_instructions_first_with_the_designed_headers_in_order(
    exported: Path,
) -> None:
    wb = openpyxl.load_workbook(exported)
    assert wb.sheetnames == [
        "Instructions",
        "Summary",
        "Recommendations",
        "Milestones",
        "Changes",
        "Key",
    ]
    assert list(SHEET_NAMES) == wb.sheetnames
    assert wb.active.title == "Instructions"  # what an officer sees on opening
    assert _headers(wb["Recommendations"]) == RECOMMENDATION_HEADERS
    assert _headers(wb["Milestones"]) == MILESTONE_HEADERS
    assert _headers(wb["Changes"]) == ["Ref", "What changed", "Was", "Now", "When", "By"]
    assert _headers(wb["Key"]) == ["Code", "Lead role", "E-mail"]
    # The one column list is what the writer used.
    assert [c.header for c in RECOMMENDATION_COLUMNS] == RECOMMENDATION_HEADERS
    assert [c.header for c in MILESTONE_COLUMNS] == MILESTONE_HEADERS
    assert len(CHANGE_COLUMNS) == 6 and len(KEY_COLUMNS) == 3


def test_every_seed_recommendation_is_a_row_with_its_hidden_id_and_version(
    exported: Path, repo
) -> None:
    wb = openpyxl.load_workbook(exported)
    ws = wb["Recommendations"]
    rows = _rows(ws)
    assert [r["Ref"] for r in rows] == [str(n) for n in range(1, 20)]
    programme = repo.load_programme("FOW")
    assert [r["ID"] for r in rows] == [c.uuid for c in programme.cards]
    assert all(r["Version"] == 1 for r in rows)
    assert ws.column_dimensions[_column(ws, "ID")].hidden
    assert ws.column_dimensions[_column(ws, "Version")].hidden
    assert not ws.protection.sheet  # a table cannot grow on a protected sheet
    assert rows[17]["Lead"] == "EDT/SSM"
    assert rows[7]["Lead"] == "SLE"
    assert {r["RAG"] for r in rows} <= {"R", "A", "G", "C"}
    assert {r["Status"] for r in rows} == {"In progress"}


def test_progress_to_date_is_one_cell_of_bullet_lines(exported: Path, repo) -> None:
    rows = _rows(openpyxl.load_workbook(exported)["Recommendations"])
    card = repo.load_programme("FOW").cards[0]
    progress = rows[0]["Progress to date"]
    lines = progress.split("\n")
    assert len(lines) == len(card.progress_for("February 2020")) > 1
    assert all(line.startswith("• ") for line in lines)
    assert lines[0][2:] == card.progress_for("February 2020")[0].text


def test_milestones_show_the_officers_target_beside_a_real_due_by_date(exported: Path) -> None:
    ws = openpyxl.load_workbook(exported)["Milestones"]
    rows = _rows(ws)
    assert len(rows) == 34
    first = rows[0]
    assert first["Ref"] == "1"
    assert first["Target"] == "March/April 2020"
    assert first["Due by"] == datetime(2020, 4, 30)
    assert ws[f"{_column(ws, 'Due by')}2"].number_format == "DD/MM/YYYY"
    assert ws[f"{_column(ws, 'Due by')}2"].is_date
    undated = [r for r in rows if not r["Target"]]
    assert len(undated) == 2 and all(r["Due by"] is None for r in undated)
    open_ended = next(r for r in rows if r["Target"] == "from September 2023")
    assert open_ended["Due by"] is None
    assert {r["Status"] for r in rows} == {"Not started"}


def test_the_key_sheet_holds_every_code_of_the_key_then_those_in_use_marked_unknown(
    exported: Path, repo
) -> None:
    ws = openpyxl.load_workbook(exported)["Key"]
    table = ws.tables["LeadKey"]
    key = repo.load_programme("FOW").lead_key
    entries = [(row[0].value, row[1].value) for row in ws[table.ref.replace("A1", "A2")]]
    assert entries[: len(key)] == [(k.code, k.role) for k in key]
    # The seed's cards use SLE, which its key lacks.
    assert entries[len(key) :] == [
        ("SLE", "Not in the programme's key: ask the PMO to add it (Programme settings)")
    ]


def test_data_sheets_are_filterable_tables_with_a_frozen_header(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    for name, last_column in (
        ("Recommendations", "P"),
        ("Milestones", "P"),
        ("Changes", "F"),
        ("Key", "C"),
    ):
        ws = wb[name]
        assert len(ws.tables) == 1, name
        table = next(iter(ws.tables.values()))
        assert table.ref.startswith("A1:" + last_column)
        assert table.autoFilter is not None
        assert ws.freeze_panes in ("A2", "C2")


def test_status_override_and_lead_have_dropdowns_and_lead_only_warns(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    recs = wb["Recommendations"]
    by_column = {}
    for validation in recs.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            by_column[cell_range.coord.split(":")[0].rstrip("0123456789")] = validation
    status = by_column[_column(recs, "Status")]
    assert status.type == "list" and "On hold" in status.formula1
    assert status.errorStyle == "stop"
    override = by_column[_column(recs, "RAG override")]
    assert override.formula1 == '"R,A,G,C"'
    lead = by_column[_column(recs, "Lead")]
    assert lead.errorStyle == "warning"  # "EDT/SSM" and the seed's SLE must still be allowed
    assert "LeadCodes" in lead.formula1
    assert wb.defined_names["LeadCodes"].attr_text == "Key!$A$2:$A$6"
    assert _column(recs, "RAG") not in by_column  # RAG itself is worked out, not chosen
    milestones = wb["Milestones"]
    milestone_status = milestones.data_validations.dataValidation[0]
    assert "Delayed" in milestone_status.formula1 and "Cancelled" in milestone_status.formula1


def test_rag_cells_are_coloured_by_rule_so_an_edit_recolours(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    for sheet, headers in (
        ("Recommendations", ("RAG", "Previous RAG", "RAG override")),
        ("Milestones", ("RAG",)),
    ):
        ws = wb[sheet]
        rules = {str(cf.sqref): cf.rules for cf in ws.conditional_formatting}
        for header in headers:
            letter = _column(ws, header)
            area = next(a for a in rules if a.startswith(f"{letter}2:"))
            formulas = {rule.formula[0] for rule in rules[area]}
            assert formulas == {'"R"', '"A"', '"G"', '"C"'}
            assert all(rule.dxf.fill is not None for rule in rules[area])


def test_printing_is_a4_landscape_fitted_to_width_with_the_header_repeated(
    exported: Path,
) -> None:
    wb = openpyxl.load_workbook(exported)
    for name in ("Recommendations", "Milestones", "Changes", "Key"):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == "$1:$1"


def test_long_text_wraps_and_columns_have_sensible_widths(exported: Path) -> None:
    ws = openpyxl.load_workbook(exported)["Recommendations"]
    progress = _column(ws, "Progress to date")
    assert ws[f"{progress}2"].alignment.wrap_text
    assert ws.column_dimensions[progress].width >= 45
    assert ws.column_dimensions["A"].width <= 10
    # Rows are tall enough for their wrapped text (Excel will not fit them on opening).
    assert ws.row_dimensions[2].height > 45


def test_document_properties_say_what_the_file_is_and_who_made_it(exported: Path) -> None:
    properties = openpyxl.load_workbook(exported).properties
    assert properties.title.startswith("Future of Work in Southampton programme")
    assert "February 2020" in properties.title
    assert properties.creator == "tester"
    assert isinstance(properties.created, datetime)


def test_the_summary_gives_programme_period_and_counts_as_formulas_over_the_tables(
    exported: Path,
) -> None:
    wb = openpyxl.load_workbook(exported)
    ws = wb["Summary"]
    facts: dict = {}
    for row in ws.iter_rows(values_only=True):
        if row[0]:
            facts.setdefault(row[0], row[1])  # recommendations' statuses come first
    assert facts["Programme code"] == "FOW"
    assert facts["Period"] == "February 2020"
    assert facts["As at"] == datetime(2020, 2, 29)
    recs, milestones = wb["Recommendations"], wb["Milestones"]
    rag, override = _column(recs, "RAG"), _column(recs, "RAG override")
    assert facts["Green (G)"] == (
        f'=COUNTIFS(Recommendations!${override}:${override},"G")'
        f'+COUNTIFS(Recommendations!${rag}:${rag},"G",Recommendations!${override}:${override},"")'
    )
    status = _column(recs, "Status")
    assert facts["In progress"] == f'=COUNTIFS(Recommendations!${status}:${status},"In progress")'
    delayed = _column(milestones, "Status")
    assert facts["Delayed"] == f'=COUNTIFS(Milestones!${delayed}:${delayed},"Delayed")'
    total = '=(COUNTA(Recommendations!$A:$A)-1)&" recommendations"'
    assert facts["Recommendations by RAG"] == total
    assert any(str(k).startswith("Overdue milestones as at 29/02/2020") for k in facts)
    assert wb.calculation.fullCalcOnLoad  # Excel works them out on opening


def test_a_lead_return_holds_only_the_cards_that_lead_owns(repo, tmp_path: Path) -> None:
    path = export_return(repo, tmp_path / "ssm.xlsx", code="FOW", lead="ssm")
    wb = openpyxl.load_workbook(path)
    recs = _rows(wb["Recommendations"])
    assert [r["Ref"] for r in recs] == ["2", "3", "4", "5", "7", "9", "18", "19"]
    assert all("SSM" in r["Lead"].split("/") for r in recs)
    milestone_refs = {r["Ref"] for r in _rows(wb["Milestones"])}
    assert milestone_refs <= {r["Ref"] for r in recs}
    facts = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row[0]}
    assert facts["Lead"] == "SSM – Strategic Skills Manager"


def test_an_unknown_lead_code_is_refused_with_the_known_codes(repo, tmp_path: Path) -> None:
    with pytest.raises(FowdeskError, match=r"no lead 'XYZ'.*SSM"):
        export_return(repo, tmp_path / "x.xlsx", code="FOW", lead="XYZ")
    assert not (tmp_path / "x.xlsx").exists()


def test_text_starting_with_equals_is_written_as_text_never_a_formula(repo, tmp_path: Path) -> None:
    card = repo.load_programme("FOW").cards[4]
    hostile = '=HYPERLINK("http://x","y")'
    repo.update_card(card.uuid, card.version, title=hostile, next_steps_text="=1+1")
    path = export_return(repo, tmp_path / "r.xlsx", code="FOW")
    ws = openpyxl.load_workbook(path)["Recommendations"]
    title = ws[f"{_column(ws, 'Title')}6"]
    assert title.value == hostile and title.data_type == "s"
    assert formulas(path) and only_summary_counts(path)


def test_control_characters_are_removed_from_cells(repo, tmp_path: Path) -> None:
    card = repo.load_programme("FOW").cards[0]
    repo.update_card(card.uuid, card.version, title="Bell\x07 and\x00 null\x1b")
    path = export_return(repo, tmp_path / "r.xlsx", code="FOW")
    rows = _rows(openpyxl.load_workbook(path)["Recommendations"])
    assert rows[0]["Title"] == "Bell and null"


def test_text_over_excels_cell_limit_is_reported_before_writing(repo, tmp_path: Path) -> None:
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))  # February 2020 is published
    card = repo.load_programme("FOW").cards[2]
    repo.set_progress(card.uuid, "March 2020", [Paragraph("word " * 8000)], card.version)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(FowdeskError, match=r"Recommendations row 4 \(Ref 3\), column Progress"):
        export_return(repo, folder / "r.xlsx", code="FOW")
    assert list(folder.iterdir()) == []  # no file, not even a half-written temporary one


def test_the_changes_sheet_says_so_when_nothing_changed(exported: Path) -> None:
    rows = _rows(openpyxl.load_workbook(exported)["Changes"])
    assert len(rows) == 1
    assert rows[0]["What changed"].startswith("No changes since the last published report")
    assert "February 2020" in rows[0]["What changed"]


def test_the_changes_sheet_lists_what_changed_since_the_last_report(repo, tmp_path: Path) -> None:
    card = repo.load_programme("FOW").cards[1]
    repo.update_card(card.uuid, card.version, status="Complete")
    milestone = card.milestones[0]
    repo.revise_target(milestone.uuid, milestone.version, "June 2020", "RSA board moved")
    path = export_return(repo, tmp_path / "r.xlsx", code="FOW")
    rows = _rows(openpyxl.load_workbook(path)["Changes"])
    whats = [(r["Ref"], r["What changed"], r["Was"], r["Now"], r["By"]) for r in rows]
    assert ("2", "Status changed", "In progress", "Complete", "tester") in whats
    slipped = next(w for w in whats if w[1].startswith("Milestone re-dated"))
    assert slipped[2:4] == ("March 2020", "June 2020")
    assert all(isinstance(r["When"], datetime) for r in rows)


def test_every_export_is_recorded_in_the_export_log(repo, tmp_path: Path) -> None:
    export_return(repo, tmp_path / "one.xlsx", code="FOW")
    export_return(repo, tmp_path / "two.xlsx", code="FOW", lead="SSM")
    log = repo.export_log("FOW")
    assert [(r.kind, r.filename, r.period_label) for r in log[:2]] == [
        ("xlsx", "two.xlsx", "February 2020"),
        ("xlsx", "one.xlsx", "February 2020"),
    ]


def test_without_a_name_the_file_is_named_for_programme_date_and_lead(
    repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "exports here"
    monkeypatch.setattr(paths, "default_exports_dir", lambda: folder)
    assert export_return(repo, None, code="FOW") == folder / "FOW return 2020-02-29.xlsx"
    written = export_return(repo, None, code="FOW", lead="SSM")
    assert written == folder / "FOW return 2020-02-29 SSM.xlsx"
    assert openpyxl.load_workbook(written).sheetnames[0] == "Instructions"


def test_the_command_line_writes_the_return(seeded_path: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "cli.xlsx"
    assert main(["--db", str(seeded_path), "export", "xlsx", "-o", str(target)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert len(_rows(openpyxl.load_workbook(target)["Recommendations"])) == 19


def test_the_digital_strategy_exports_too(repo, tmp_path: Path) -> None:
    path = export_return(repo, tmp_path / "ds.xlsx", code="DS2430")
    wb = openpyxl.load_workbook(path)
    recs = _rows(wb["Recommendations"])
    assert [r["Ref"] for r in recs][:9] == [str(n) for n in range(1, 10)]
    horizons = {r["Target"] for r in _rows(wb["Milestones"])}
    assert horizons <= {"Now", "Next", "Later"}


# --- How it looks: what a PMO officer sees on screen and on paper -------------------------


def test_a_narrow_column_wraps_by_words_so_no_target_is_cut_off(exported: Path) -> None:
    """ "May 2020 to August 2022" is 23 characters in a 20-wide column: it takes two lines."""
    assert wrapped_line_count("May 2020 to August 2022", 20) == 2
    assert wrapped_line_count("May 2020 to August", 20) == 1
    assert wrapped_line_count("word " * 40, 20) >= 8
    assert wrapped_line_count("• one\n• two\n• three", 60) == 3
    assert wrapped_line_count("x" * 100, 20) == 5  # a long word breaks at the edge
    ws = openpyxl.load_workbook(exported)["Milestones"]
    target = _column(ws, "Target")
    row = next(
        r for r in range(2, ws.max_row + 1) if ws[f"{target}{r}"].value == "May 2020 to August 2022"
    )
    assert ws.row_dimensions[row].height >= 2 * 15


def test_row_heights_fit_the_longest_wrapped_cell() -> None:
    columns = (
        Column("a", "A", 10),
        Column("b", "B", 30, Kind.LONG),
        Column("id", "ID", 5, hidden=True),
    )
    assert row_height(columns, ["1", "short", "x" * 500]) == 17  # hidden text counts for nothing
    assert row_height(columns, ["1", "• a\n• b\n• c\n• d", ""]) == 4 * 15 + 2
    assert row_height(columns, ["1", "word " * 5000, ""]) == 409  # Excel's tallest row


def test_headers_and_labels_are_calibri_not_the_viewers_fallback_serif(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    for name in ("Recommendations", "Milestones", "Changes", "Key"):
        header = wb[name]["A1"]
        assert header.font.b and header.font.name == "Calibri" and header.font.sz == 10, name
    summary = wb["Summary"]
    assert summary["A1"].font.name == "Calibri" and summary["A1"].font.sz == 14
    labels = [c for c in summary["A"] if c.value and c.font.b]
    assert labels and all(c.font.name == "Calibri" for c in labels)


def test_rag_letters_dates_and_counts_are_centred(repo, tmp_path: Path) -> None:
    card = repo.load_programme("FOW").cards[1]
    milestone = card.milestones[0]
    repo.update_milestone(
        milestone.uuid, milestone.version, status="Complete", completed_on=date(2020, 3, 20)
    )
    path = export_return(repo, tmp_path / "r.xlsx", code="FOW")
    wb = openpyxl.load_workbook(path)
    recs, ms = wb["Recommendations"], wb["Milestones"]
    assert recs[f"{_column(recs, 'RAG')}2"].alignment.horizontal == "center"
    assert recs[f"{_column(recs, 'Previous RAG')}2"].alignment.horizontal == "center"
    updated = recs[f"{_column(recs, 'Last updated')}2"]
    assert updated.is_date and updated.number_format == "DD/MM/YYYY"  # the time is kept
    assert updated.value == repo.load_programme("FOW").cards[0].updated_at
    row = next(
        r for r in range(2, ms.max_row + 1) if ms[f"{_column(ms, 'ID')}{r}"].value == milestone.uuid
    )
    completed = ms[f"{_column(ms, 'Completed on')}{row}"]
    assert completed.value == datetime(2020, 3, 20) and completed.number_format == "DD/MM/YYYY"
    assert completed.alignment.horizontal == "center"
    assert ms[f"{_column(ms, 'RAG')}{row}"].value == "C"
    assert ms[f"{_column(ms, 'RAG')}{row}"].alignment.horizontal == "center"
    assert ms[f"{_column(ms, 'Due by')}{row}"].alignment.horizontal == "center"
    assert ms[f"{_column(ms, 'Revisions')}{row}"].alignment.horizontal == "center"
    assert ms[f"{_column(ms, 'Milestone')}{row}"].alignment.wrap_text


def test_the_rag_colour_rules_write_white_bold_letters(exported: Path) -> None:
    ws = openpyxl.load_workbook(exported)["Milestones"]
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert len(rules) == 4
    colours = {rule.formula[0]: rule.dxf.fill.bgColor.rgb[-6:] for rule in rules}
    assert colours == {'"R"': "C0392B", '"A"': "E6A117", '"G"': "2E8B57", '"C"': "2F6DB5"}
    assert all(rule.dxf.font.b and rule.dxf.font.color.rgb.endswith("FFFFFF") for rule in rules)


def test_every_sheet_prints_a4_landscape_with_room_for_its_page_footer(exported: Path) -> None:
    """At openpyxl's default footer margin LibreOffice printed the page numbers invisibly."""
    wb = openpyxl.load_workbook(exported)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        margins = ws.page_margins
        assert margins.footer < margins.bottom - 0.2 and margins.header < margins.top - 0.2
        assert "&P of &N" in ws.oddFooter.center.text


def test_the_frozen_panes_keep_ref_and_title_in_view(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    assert wb["Recommendations"].freeze_panes == "C2"
    assert wb["Milestones"].freeze_panes == "C2"
    assert wb["Changes"].freeze_panes == "A2" and wb["Key"].freeze_panes == "A2"


def test_the_summary_lists_overdue_milestones_readably(repo, tmp_path: Path) -> None:
    repo.new_period("FOW", "September 2020", date(2020, 9, 30))
    path = export_return(repo, tmp_path / "late.xlsx", code="FOW")
    ws = openpyxl.load_workbook(path)["Summary"]
    heading = next(c for c in ws["A"] if str(c.value).startswith("Overdue milestones"))
    assert heading.value == "Overdue milestones as at 30/09/2020: 22"
    header_row = heading.row + 1
    assert [c.value for c in ws[header_row]][:6] == [
        "Ref",
        "Milestone",
        "Target",
        "Due by",
        "Days overdue",
        "Status",
    ]
    assert ws.print_title_rows == f"${header_row}:${header_row}"  # repeated on each page
    first = [c.value for c in ws[header_row + 1]][:6]
    # Most overdue first, as the dashboard and the PDF's summary list them.
    assert first == [
        "14",
        "Venturefest South",
        "March 2020",
        datetime(2020, 3, 31),
        183,
        "Not started",
    ]
    assert ws.cell(header_row + 1, 4).number_format == "DD/MM/YYYY"
    # Wrapped descriptions get rows tall enough for them.
    long_row = next(
        r
        for r in range(header_row + 1, ws.max_row + 1)
        if str(ws.cell(r, 2).value).startswith("Draft and circulate project brief")
    )
    assert ws.cell(long_row, 2).alignment.wrap_text
    assert ws.row_dimensions[long_row].height >= 2 * 15


def test_a_lead_returns_changes_sheet_holds_only_that_leads_changes(repo, tmp_path: Path) -> None:
    programme = repo.load_programme("FOW")
    not_ssm, ssm = programme.card("1"), programme.card("2")
    assert "SSM" not in not_ssm.leads and "SSM" in ssm.leads
    repo.update_card(not_ssm.uuid, not_ssm.version, status="On hold")
    repo.update_card(ssm.uuid, ssm.version, status="Complete")
    rows = _rows(
        openpyxl.load_workbook(export_return(repo, tmp_path / "ssm.xlsx", code="FOW", lead="SSM"))[
            "Changes"
        ]
    )
    assert {r["Ref"] for r in rows} == {"2"}
    everyone = _rows(
        openpyxl.load_workbook(export_return(repo, tmp_path / "all.xlsx", code="FOW"))["Changes"]
    )
    assert {r["Ref"] for r in everyone} == {"1", "2"}


def test_the_changes_sheet_says_when_no_report_was_ever_published(repo, tmp_path: Path) -> None:
    rows = _rows(
        openpyxl.load_workbook(export_return(repo, tmp_path / "ds.xlsx", code="DS2430"))["Changes"]
    )
    assert [r["What changed"] for r in rows] == [
        "No report has been published yet, so there is nothing to compare with."
    ]


def test_the_command_line_writes_one_leads_return(
    seeded_path: Path, tmp_path: Path, capsys
) -> None:
    target = tmp_path / "ssm.xlsx"
    args = ["--db", str(seeded_path), "export", "xlsx", "--lead", "SSM", "-o", str(target)]
    assert main(args) == 0
    assert [r["Ref"] for r in _rows(openpyxl.load_workbook(target)["Recommendations"])] == [
        "2",
        "3",
        "4",
        "5",
        "7",
        "9",
        "18",
        "19",
    ]
    bad = [
        "--db",
        str(seeded_path),
        "export",
        "xlsx",
        "--lead",
        "XYZ",
        "-o",
        str(tmp_path / "x.xlsx"),
    ]
    assert main(bad) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("fowdesk: error: no lead 'XYZ'")
    assert not (tmp_path / "x.xlsx").exists()


def test_an_export_leaves_no_cells_or_rows_for_the_cyclic_collector(repo, tmp_path: Path) -> None:
    """Collecting a normal workbook's cells (each tied to its sheet) froze the window 100-200 ms.

    The write-only workbook's cells are freed as soon as their row is written.
    """
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        export_return(repo, tmp_path / "r.xlsx", code="FOW")
        gc.collect()
        left = Counter(type(garbage).__name__ for garbage in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert left["Cell"] == 0 and left["RowDimension"] == 0, left.most_common(5)
    assert len(_rows(openpyxl.load_workbook(tmp_path / "r.xlsx")["Recommendations"])) == 19


def test_an_export_to_a_missing_folder_leaves_no_half_built_workbook(
    repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """openpyxl's write-only sheets stream into temporary files until saved; none may linger."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    target = tmp_path / "no such folder" / "FOW return.xlsx"
    with pytest.raises(FowdeskError, match="does not exist"):
        export_return(repo, target, code="FOW")
    gc.collect()
    assert list(scratch.iterdir()) == []
    assert not target.parent.exists()
