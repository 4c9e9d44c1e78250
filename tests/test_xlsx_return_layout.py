"""The return a PMO analyst would have designed, read back from the file as written.

Readable (editable cells wrap, rows grow), self-explaining (Instructions first,
read-only columns grey with a comment saying why, the Key with statuses and the
RAG rule), live (Summary counts are formulas) and printable (a footer naming
programme, period, as-at date and return). Checked through openpyxl and, where
openpyxl hides it (a row's customHeight), through the sheet's XML.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from fowdesk.domain.model import CardStatus, MilestoneStatus
from fowdesk.exports.xlsx_columns import (
    MILESTONE_COLUMNS,
    RECOMMENDATION_COLUMNS,
    SHEET_NAMES,
)
from fowdesk.exports.xlsx_return import export_return
from fowdesk.exports.xlsx_stream import text_width

GREY_CELL = "EDEDED"
GREY_HEADING = "D0D0D0"
BLUE_HEADING = "DCE6F1"


def headers(ws) -> list[str]:
    return [c.value for c in ws[1]]


def letter(ws, header: str) -> str:
    return openpyxl.utils.get_column_letter(headers(ws).index(header) + 1)


def row_with(ws, header: str, value: object) -> int:
    column = letter(ws, header)
    return next(r for r in range(2, ws.max_row + 1) if ws[f"{column}{r}"].value == value)


def cell(ws, header: str, row: int):
    return ws[f"{letter(ws, header)}{row}"]


def sheet_xml(path: Path, name: str) -> str:
    """A sheet's XML as written (sheets are written in their order, sheet1.xml first)."""
    with zipfile.ZipFile(path) as archive:
        member = f"xl/worksheets/sheet{SHEET_NAMES.index(name) + 1}.xml"
        return archive.read(member).decode("utf-8")


@pytest.fixture
def exported(repo, tmp_path: Path) -> Path:
    return export_return(repo, tmp_path / "FOW return.xlsx", code="FOW")


@pytest.fixture
def next_period(repo) -> None:
    """March 2020 started: February's narrative is last period's, nothing written yet."""
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))


# --- Cells an officer types in: wrapped, top-aligned, rows that grow ---------------------


def test_every_cell_an_officer_types_in_wraps_top_aligned_even_when_blank(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    for name, columns in (
        ("Recommendations", RECOMMENDATION_COLUMNS),
        ("Milestones", MILESTONE_COLUMNS),
    ):
        ws = wb[name]
        for column in columns:
            for row in range(2, ws.max_row + 1):
                written = cell(ws, column.header, row)
                assert written.alignment.vertical == "top", (name, column.header, row)
                if column.kind in ("text", "long"):
                    assert written.alignment.wrap_text, (name, column.header, row)
                    assert written.number_format == "@"  # "May 2020" typed stays text
    ms = wb["Milestones"]
    # The seed has no notes, no reasons, nothing completed: every such cell is blank and
    # ready to type into.
    for header, number_format in (
        ("Notes", "@"),
        ("Reason for change", "@"),
        ("Completed on", "DD/MM/YYYY"),
    ):
        blank = cell(ms, header, 2)
        assert blank.value is None and blank.has_style, header
        assert blank.number_format == number_format


def test_rows_carry_estimated_heights_that_are_not_custom_so_they_refit_when_edited(
    exported: Path,
) -> None:
    for name in SHEET_NAMES:
        xml = sheet_xml(exported, name)
        rows = re.findall(r"<row [^>]*>", xml)
        assert rows, name
        assert "customHeight" not in xml, name  # Excel and LibreOffice fit such rows again
        if name in ("Recommendations", "Milestones", "Changes"):
            assert all('ht="' in row for row in rows), name  # but the first print fits as is
    recs = openpyxl.load_workbook(exported)["Recommendations"]
    long_progress = row_with(recs, "Ref", "5")  # Digital Skills: 30-odd lines
    assert recs.row_dimensions[long_progress].height > 300
    assert recs.row_dimensions[row_with(recs, "Ref", "16")].height < 100


# --- The new columns --------------------------------------------------------------------


def test_progress_last_period_sits_beside_progress_to_date_with_the_previous_narrative(
    repo, tmp_path: Path, next_period: None
) -> None:
    path = export_return(repo, tmp_path / "march.xlsx", code="FOW")
    ws = openpyxl.load_workbook(path)["Recommendations"]
    names = headers(ws)
    assert names.index("Progress last period") + 1 == names.index("Progress to date")
    card = repo.load_programme("FOW").cards[0]
    row = row_with(ws, "ID", card.uuid)
    last = cell(ws, "Progress last period", row).value
    assert last.split("\n")[0] == "• " + card.progress_for("February 2020")[0].text
    assert cell(ws, "Progress to date", row).value is None  # nothing written for March yet
    assert ws.column_dimensions[letter(ws, "Progress last period")].width >= 30


def test_a_first_period_has_no_last_progress_and_that_empty_column_is_narrow(
    exported: Path,
) -> None:
    ws = openpyxl.load_workbook(exported)["Recommendations"]
    column = letter(ws, "Progress last period")
    assert all(ws[f"{column}{r}"].value is None for r in range(2, ws.max_row + 1))
    assert ws.column_dimensions[column].width <= 12
    # Progress to date keeps its width even where nobody has written yet (DS2430).
    assert ws.column_dimensions[letter(ws, "Progress to date")].width >= 45


def test_headings_are_never_broken_inside_a_word(exported: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    for name in ("Recommendations", "Milestones", "Changes", "Key"):
        ws = wb[name]
        for number, heading in enumerate(headers(ws), start=1):
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(number)].width
            longest = max(text_width(word) for word in heading.split())
            assert width >= longest * 1.09, (name, heading, width)


def test_deliverables_with_benefits_and_the_cross_reference_are_in_the_return(
    repo, tmp_path: Path
) -> None:
    fow = openpyxl.load_workbook(export_return(repo, tmp_path / "fow.xlsx", code="FOW"))
    recs = fow["Recommendations"]
    two, three = row_with(recs, "Ref", "2"), row_with(recs, "Ref", "3")
    assert cell(recs, "Deliverables", two).value.startswith("Virtual platform to catalyse")
    assert cell(recs, "Deliverables", three).value.startswith(
        "• Skills strategy\n• Curriculum enhancements"
    )
    # Rec 12's whole progress in the seed is "See point 17": shown where the report shows it.
    assert cell(recs, "Progress to date", row_with(recs, "Ref", "12")).value == "See point 17"

    ds = openpyxl.load_workbook(export_return(repo, tmp_path / "ds.xlsx", code="DS2430"))
    first = ds["Recommendations"]
    lines = cell(first, "Deliverables", row_with(first, "Ref", "1")).value.split("\n")
    assert lines[0].startswith("• Conduct a learning needs analysis")
    assert lines[1].startswith("So that… We understand the skills gaps")


def test_milestones_name_their_recommendation_and_lead_right_after_ref(exported: Path) -> None:
    ws = openpyxl.load_workbook(exported)["Milestones"]
    assert headers(ws)[:4] == ["Ref", "Recommendation", "Lead", "Milestone"]
    names = headers(ws)
    rows = [dict(zip(names, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    eighteen = [r for r in rows if r["Ref"] == "18"]
    assert eighteen and all(r["Lead"] == "EDT/SSM" for r in eighteen)
    assert eighteen[0]["Recommendation"].startswith("Utilise the assets")
    assert {r["Lead"] for r in rows if r["Ref"] == "1"} == {"HoP & ED"}
    # Filter buttons over every column, the new ones included.
    table = ws.tables["Milestones"]
    assert table.autoFilter.ref == table.ref
    assert [c.name for c in table.tableColumns][:3] == ["Ref", "Recommendation", "Lead"]


# --- Read-only columns look it, and say why ------------------------------------------------


def test_worked_out_and_id_columns_are_grey_with_a_heading_comment_and_nothing_is_locked(
    exported: Path,
) -> None:
    wb = openpyxl.load_workbook(exported)
    for name, columns in (
        ("Recommendations", RECOMMENDATION_COLUMNS),
        ("Milestones", MILESTONE_COLUMNS),
    ):
        ws = wb[name]
        assert not ws.protection.sheet  # tables must grow and sort
        for column in columns:
            heading = cell(ws, column.header, 1)
            first = cell(ws, column.header, 2)
            fill = first.fill.fgColor.rgb[-6:] if first.fill.fill_type else None
            if column.read_only:
                assert heading.fill.fgColor.rgb[-6:] == GREY_HEADING, column.header
                assert fill == GREY_CELL, column.header
                assert heading.comment is not None, column.header
                assert heading.comment.text.rstrip(".").lower() == column.note.lower()
            else:
                assert heading.fill.fgColor.rgb[-6:] == BLUE_HEADING, column.header
                assert fill is None, column.header
                assert heading.comment is None, column.header
    read_only = [c.header for c in RECOMMENDATION_COLUMNS if c.read_only]
    assert read_only == [
        "Deliverables",
        "RAG",
        "Previous RAG",
        "Progress last period",
        "Last updated",
        "ID",
        "Version",
    ]
    assert [c.header for c in MILESTONE_COLUMNS if c.read_only][:3] == [
        "Recommendation",
        "Lead",
        "Due by",
    ]
    id_comment = cell(wb["Milestones"], "ID", 1).comment.text
    assert "leave it as it is" in id_comment and "a new row has none" in id_comment


# --- Printing -------------------------------------------------------------------------------


def test_every_page_footer_names_programme_period_as_at_and_return(repo, tmp_path: Path) -> None:
    path = export_return(repo, tmp_path / "r.xlsx", code="FOW")
    wb = openpyxl.load_workbook(path)
    return_id = wb.custom_doc_props["fowdesk return ID"].value
    footer = (
        "Future of Work in Southampton programme – February 2020 (as at 29/02/2020) – "
        f"return {return_id[:8]} – page &P of &N"
    )
    assert wb.sheetnames == list(SHEET_NAMES)
    for ws in wb.worksheets:
        assert ws.oddFooter.center.text == footer, ws.title
        assert ws.oddHeader.left.text == "&A", ws.title  # the sheet's name
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1

    lead = openpyxl.load_workbook(export_return(repo, tmp_path / "s.xlsx", code="FOW", lead="SSM"))
    assert lead["Milestones"].oddHeader.left.text == "&A – lead SSM"


def test_an_ampersand_in_a_title_prints_as_itself_not_as_a_footer_code(
    repo, tmp_path: Path
) -> None:
    repo.update_programme("FOW", title="R&D programme")
    path = export_return(repo, tmp_path / "r.xlsx", code="FOW", lead="HoP & ED")
    wb = openpyxl.load_workbook(path)
    assert wb["Summary"].oddFooter.center.text.startswith("R&&D programme – February 2020")
    assert wb["Summary"].oddHeader.left.text == "&A – lead HoP && ED"


# --- Instructions, Key, Summary ------------------------------------------------------------


def _instructions(path: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)["Instructions"]
    return {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0] and row[1]}


def test_the_instructions_come_first_and_say_how_to_fill_in_and_send_back(
    repo, tmp_path: Path
) -> None:
    first = _instructions(export_return(repo, tmp_path / "a.xlsx", code="FOW"))
    assert first["Send it back to"].startswith("the PMO officer who sent it to you")
    repo.update_programme("FOW", returns_to="Jo Bloggs, PMO – pmo@southampton.gov.uk")
    path = export_return(repo, tmp_path / "b.xlsx", code="FOW")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Instructions" and wb.active.title == "Instructions"
    guide = _instructions(path)
    assert guide["Send it back to"] == "Jo Bloggs, PMO – pmo@southampton.gov.uk"
    return_id = wb.custom_doc_props["fowdesk return ID"].value
    assert guide["This return"].startswith(f"Return ID {return_id}, exported ")
    assert "19 recommendations and 34 milestones" in guide["This return"]
    assert "dd/mm/yyyy" in guide["Dates"]
    assert "a row with no ID is a new milestone" in guide["Add a milestone"]
    cancel, grey = guide["Cancel a milestone"], guide["Grey columns"]
    assert "Cancelled" in cancel and "Do not delete" in cancel
    assert "Progress last period" in grey and "not imported" in grey
    text = " ".join(guide.values())
    for status in [*CardStatus, *MilestoneStatus]:
        assert str(status) in text
    assert guide["Red (R)"].startswith("Overdue by more than 30 days")
    assert "Delayed" in guide["Amber (A)"]


def test_the_key_lists_statuses_and_the_rag_rule_in_words(exported: Path) -> None:
    ws = openpyxl.load_workbook(exported)["Key"]
    rows = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0]}
    assert "Recommendation statuses" in rows and "Milestone statuses" in rows
    assert rows["Cancelled"].startswith("not rated")
    assert rows["Delayed"] == "Amber (A) at least, Red (R) once well overdue"
    assert rows["Red (R)"].startswith("Overdue by more than 30 days")
    assert rows["Green (G)"].startswith("On track")
    assert any(str(k).startswith("RAG, as at 29/02/2020") for k in rows)
    # Every row the rule takes is tall enough for its words (nothing overprints).
    for row in range(1, ws.max_row + 1):
        text = ws[f"B{row}"].value
        if isinstance(text, str) and len(text) > 70:
            assert ws.row_dimensions[row].height >= 30, text


def test_the_summary_keeps_the_return_id_where_the_import_reads_it(
    repo, tmp_path: Path, capsys
) -> None:
    """Without its document properties (a copy pasted into a new workbook), the Summary's
    "Return ID" row still names the return, and the import finds its base by it."""
    from return_helpers import edit, run

    path = export_return(repo, tmp_path / "r.xlsx", code="FOW")
    return_id = openpyxl.load_workbook(path).custom_doc_props["fowdesk return ID"].value
    ws = openpyxl.load_workbook(path)["Summary"]
    facts = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0]}
    assert facts["Return ID"] == return_id

    def without_properties(wb: openpyxl.Workbook) -> None:
        wb.custom_doc_props.props.clear()

    edit(path, without_properties)
    code, out, err = run(repo.path, "import", str(path), "--dry-run", capsys=capsys)
    assert code == 0, err
    assert f"(return ID {return_id})" in out
    assert "No changes: the return matches the database." in out


def test_text_keeps_its_spaces_and_loses_only_what_xml_cannot_hold(repo, tmp_path: Path) -> None:
    milestone = repo.load_programme("FOW").card("2").milestones[0]
    repo.update_milestone(
        milestone.uuid, milestone.version, notes="  indented & <kept>\ufffe\x07 end  "
    )
    path = export_return(repo, tmp_path / "r.xlsx", code="FOW")
    ms = openpyxl.load_workbook(path)["Milestones"]
    notes = cell(ms, "Notes", row_with(ms, "ID", milestone.uuid))
    assert notes.value == "  indented & <kept> end  "
