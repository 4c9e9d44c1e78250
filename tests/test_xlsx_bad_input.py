"""Bad files given to ``fowdesk import``: one line naming the file (and the place), exit 1,
and the database byte-for-byte as it was."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import defusedxml
import openpyxl
import openpyxl.xml
import pytest

from fowdesk.cli import main
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage.repository import Repository

LAUGHS = b"""<!DOCTYPE worksheet [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>"""


def billion_laughs(good: Path, target: Path) -> Path:
    """The return with its Summary sheet declaring nested entities (a billion "lol"s)."""
    member = "xl/worksheets/sheet2.xml"  # the Summary (Instructions come first)
    with zipfile.ZipFile(good) as archive:
        xml = archive.read(member)
    declaration_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    attacked = xml[:declaration_end] + LAUGHS + xml[declaration_end:]
    attacked = attacked.replace(b"Programme code", b"&lol9;", 1)
    assert b"&lol9;" in attacked
    return rewrite_zip(good, target, {member: attacked})


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """Copy an .xlsx member by member, swapping some members' contents."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info)))
    return target


def edited(source: Path, target: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(source)
    change(wb)
    wb.save(target)
    return target


def set_by_header(ws, row: int, header: str, value) -> None:
    number = [c.value for c in ws[1]].index(header) + 1
    cell = ws.cell(row=row, column=number)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _not_a_zip(good: Path, folder: Path) -> Path:
    path = folder / "not a zip.xlsx"
    path.write_bytes(b"\x01\x02\x03 this is not a spreadsheet at all \xff\xfe" * 10)
    return path


def _truncated(good: Path, folder: Path) -> Path:
    path = folder / "truncated.xlsx"
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _old_xls(good: Path, folder: Path) -> Path:
    path = folder / "old return.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    return path


def _csv_renamed(good: Path, folder: Path) -> Path:
    path = folder / "really a csv.xlsx"
    path.write_text("Ref,Title,Status\n1,Develop a contribution,In progress\n", encoding="utf-8")
    return path


def _zip_not_xlsx(good: Path, folder: Path) -> Path:
    path = folder / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("holiday.txt", "not a workbook")
    return path


def _missing_sheet(good: Path, folder: Path) -> Path:
    return edited(good, folder / "no milestones.xlsx", lambda wb: wb.remove(wb["Milestones"]))


def _missing_column(good: Path, folder: Path) -> Path:
    def rename(wb: openpyxl.Workbook) -> None:
        ws = wb["Recommendations"]
        set_by_header(ws, 1, "Status", "State")
        del ws.tables["Recommendations"]  # a table's header must match; an officer's edit

    return edited(good, folder / "no status column.xlsx", rename)


def _unknown_status(good: Path, folder: Path) -> Path:
    return edited(
        good,
        folder / "unknown status.xlsx",
        lambda wb: set_by_header(wb["Milestones"], 5, "Status", "Done-ish"),
    )


def _bad_date(good: Path, folder: Path) -> Path:
    return edited(
        good,
        folder / "bad date.xlsx",
        lambda wb: set_by_header(wb["Milestones"], 7, "Completed on", "31/31/2020"),
    )


def _duplicate_id(good: Path, folder: Path) -> Path:
    def copy_row(wb: openpyxl.Workbook) -> None:
        ws = wb["Milestones"]
        last = ws.max_row + 1
        for cell in ws[3]:
            ws.cell(row=last, column=cell.column).value = cell.value

    return edited(good, folder / "copied row.xlsx", copy_row)


def _zip_bomb(good: Path, folder: Path) -> Path:
    with zipfile.ZipFile(good) as archive:
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
    padding = b"<!-- " + b" " * (40 * 1024 * 1024) + b" -->"
    return rewrite_zip(good, folder / "bomb.xlsx", {sheet: padding})


def _entity_attack(good: Path, folder: Path) -> Path:
    return billion_laughs(good, folder / "laughs.xlsx")


def _junk_50mb(good: Path, folder: Path) -> Path:
    path = folder / "junk.xlsx"
    with path.open("wb") as handle:
        handle.write(b"PK\x03\x04")  # even with a zip's first bytes, junk is junk
        for _ in range(50):
            handle.write(os.urandom(1024 * 1024))
    return path


BAD_INPUTS = {
    "not a zip": (_not_a_zip, "not an Excel workbook"),
    "truncated xlsx": (_truncated, "damaged or incomplete"),
    "old binary xls": (_old_xls, "old Excel 97-2003 (.xls)"),
    "csv renamed xlsx": (
        _csv_renamed,
        "a CSV file (text), not an Excel workbook: a CSV holds one sheet",
    ),
    "zip that is not a workbook": (_zip_not_xlsx, "a zip file, but not an Excel workbook"),
    "missing sheet": (_missing_sheet, "the Milestones sheet is missing"),
    "missing column": (_missing_column, "Recommendations sheet, row 1: column 'Status' is missing"),
    "unknown status": (
        _unknown_status,
        "1 cell needs fixing: Milestones row 5, Status: unknown status 'Done-ish'",
    ),
    "unparseable date": (
        _bad_date,
        "1 cell needs fixing: Milestones row 7, Completed on: '31/31/2020' is not a date",
    ),
    "duplicated id": (_duplicate_id, ", ID: the same ID as row 3 (a copied row?)"),
    "zip bomb": (_zip_bomb, "zip bomb"),
    "xml entity attack": (_entity_attack, "declares XML entities"),
    "50 MB of junk": (_junk_50mb, "damaged or incomplete"),
}


@pytest.fixture
def good_return(seeded_path: Path, tmp_path: Path) -> Path:
    repo = Repository.open(seeded_path, user="exporter")
    try:
        return export_return(repo, tmp_path / "good.xlsx", code="FOW")
    finally:
        repo.close()


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_a_bad_return_is_refused_in_one_line_and_the_database_is_untouched(
    name: str, dry_run: bool, seeded_path: Path, good_return: Path, tmp_path: Path, capsys
) -> None:
    make, expected = BAD_INPUTS[name]
    folder = tmp_path / "incoming"
    folder.mkdir()
    bad = make(good_return, folder)
    before = checksum(seeded_path)
    backups = sorted((seeded_path.parent / "backups").glob("*")) if dry_run else None
    args = ["--db", str(seeded_path), "import", str(bad)] + (["--dry-run"] if dry_run else [])
    assert main(args) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"fowdesk: error: {bad}: "), lines[0]
    assert expected in lines[0]
    assert "Traceback" not in captured.err and captured.out == ""
    assert checksum(seeded_path) == before
    if backups is not None:
        assert sorted((seeded_path.parent / "backups").glob("*")) == backups


def test_openpyxl_reads_with_defusedxml_so_entities_are_refused_even_without_our_check(
    good_return: Path, tmp_path: Path
) -> None:
    assert openpyxl.xml.DEFUSEDXML is True
    attack = billion_laughs(good_return, tmp_path / "laughs.xlsx")
    with pytest.raises(Exception) as raised:
        openpyxl.load_workbook(io.BytesIO(attack.read_bytes()))
    chain = []
    error: BaseException | None = raised.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(e, defusedxml.DefusedXmlException) for e in chain), chain


def test_a_missing_file_is_named(seeded_path: Path, tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nowhere.xlsx"
    assert main(["--db", str(seeded_path), "import", str(missing)]) == 1
    assert f"{missing}: no such file" in capsys.readouterr().err


def test_a_return_for_a_programme_the_database_lacks_is_refused(
    good_return: Path, tmp_path: Path, capsys
) -> None:
    empty = tmp_path / "empty.db"
    Repository.create(empty, seeded=False).close()
    before = checksum(empty)
    assert main(["--db", str(empty), "import", str(good_return)]) == 1
    assert "no programme 'FOW' in this database" in capsys.readouterr().err
    assert checksum(empty) == before
