"""A return re-saved by LibreOffice Calc (as a PMO officer without Excel would) still imports."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from fowdesk.cli import main
from fowdesk.domain.model import MilestoneStatus
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage.repository import Repository

pytestmark = pytest.mark.slow

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def resave_with_libreoffice(source: Path, folder: Path, profile: Path) -> Path:
    """``soffice --headless --convert-to xlsx`` with a private profile (parallel runs are safe)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (.ci/debian-deps installs it)")
    folder.mkdir()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = folder / source.name
    assert resaved.exists()
    assert resaved.read_bytes() != source.read_bytes()
    return resaved


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_return_resaved_by_libreoffice_imports_with_no_spurious_changes(
    seeded_path: Path, tmp_path: Path, capsys
) -> None:
    repo = Repository.open(seeded_path, user="exporter")
    try:
        exported = export_return(repo, tmp_path / "FOW return.xlsx", code="FOW")
    finally:
        repo.close()
    resaved = resave_with_libreoffice(exported, tmp_path / "resaved", tmp_path / "profile")
    wb = openpyxl.load_workbook(resaved)
    assert wb.sheetnames == ["Summary", "Recommendations", "Milestones", "Changes", "Key"]
    before = checksum(seeded_path)
    assert main(["--db", str(seeded_path), "import", str(resaved)]) == 0
    out = capsys.readouterr().out
    assert "No changes: the return matches the database." in out
    assert "Warnings" not in out
    assert checksum(seeded_path) == before


def test_edits_survive_a_libreoffice_resave_and_import_exactly(
    seeded_path: Path, tmp_path: Path, capsys
) -> None:
    repo = Repository.open(seeded_path, user="exporter")
    try:
        exported = export_return(repo, tmp_path / "FOW return.xlsx", code="FOW")
        milestone = repo.load_programme("FOW").card("3").milestones[0]
    finally:
        repo.close()
    wb = openpyxl.load_workbook(exported)
    ws = wb["Milestones"]
    headers = [c.value for c in ws[1]]
    row = next(
        r
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, headers.index("ID") + 1).value == milestone.uuid
    )
    ws.cell(row, headers.index("Status") + 1).value = "Complete"
    completed = ws.cell(row, headers.index("Completed on") + 1)
    completed.value = datetime(2020, 3, 20)
    completed.number_format = "DD/MM/YYYY"
    ws.cell(row, headers.index("Notes") + 1).value = "Met SEF – łódź 🚀"
    wb.save(exported)
    resaved = resave_with_libreoffice(exported, tmp_path / "resaved", tmp_path / "profile")

    assert main(["--db", str(seeded_path), "import", str(resaved), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Changes (3):" in out
    assert main(["--db", str(seeded_path), "import", str(resaved)]) == 0
    repo = Repository.open(seeded_path, user="reader")
    try:
        after = repo.milestone(milestone.uuid)
    finally:
        repo.close()
    assert after.status is MilestoneStatus.COMPLETE
    assert after.completed_on == date(2020, 3, 20)
    assert after.notes == "Met SEF – łódź 🚀"
