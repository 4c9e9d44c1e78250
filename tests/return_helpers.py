"""Helpers the return tests share: edit a return as an officer would, run the command line."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fowdesk.cli import main
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage.repository import Repository

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def formulas(path: Path) -> list[str]:
    """Every formula in the workbook's sheets, as written in their XML."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                found += [f.decode() for f in re.findall(rb"<f>(.*?)</f>", archive.read(name))]
    return found


def only_summary_counts(path: Path) -> bool:
    """Whether the only formulas are the Summary's counts (no officer's text became one)."""
    return all(f.startswith(("COUNTIFS(", "(COUNTA(")) for f in formulas(path))


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export(db: Path, target: Path, *, lead: str | None = None, user: str = "exporter") -> Path:
    repo = Repository.open(db, user=user)
    try:
        return export_return(repo, target, code="FOW", lead=lead)
    finally:
        repo.close()


def load(db: Path) -> Any:
    repo = Repository.open(db, user="reader")
    try:
        return repo.load_programme("FOW")
    finally:
        repo.close()


def edit(
    path: Path, change: Callable[[openpyxl.Workbook], None], target: Path | None = None
) -> Path:
    """Edit a return the way openpyxl (standing in for Excel) would, and save it."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(target or path)
    return target or path


def column(ws: Any, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def row_of(ws: Any, header: str, value: str) -> int:
    number = column(ws, header)
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=number).value == value:
            return row
    raise AssertionError(f"no row with {header} = {value!r}")


def set_cell(ws: Any, row: int, header: str, value: Any) -> None:
    cell = ws.cell(row=row, column=column(ws, header), value=value)
    if isinstance(value, str) and not value.startswith("="):
        cell.data_type = "s"  # typed as text, as an officer types it


def run(db: Path, *args: str, capsys: Any) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def libreoffice(source: Path, folder: Path, profile: Path, to: str = "xlsx") -> Path:
    """``soffice --headless --convert-to`` with a private profile (parallel runs are safe).

    Re-saving as .xlsx is what a PMO officer's LibreOffice does on Save: it calculates
    every formula and writes its value beside it.
    """
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (.ci/debian-deps installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = folder / f"{source.stem}.{to.split(':')[0]}"
    assert converted.exists()
    return converted
