"""A return re-saved by LibreOffice Calc (as a PMO officer without Excel would) still imports."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pypdf
import pytest
from PIL import Image
from return_helpers import SOFFICE, libreoffice

from fowdesk.cli import main
from fowdesk.domain.model import MilestoneStatus
from fowdesk.exports.xlsx_columns import SHEET_NAMES
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage.repository import Repository

pytestmark = pytest.mark.slow


def resave_with_libreoffice(source: Path, folder: Path, profile: Path) -> Path:
    resaved = libreoffice(source, folder, profile, "xlsx")
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
    assert wb.sheetnames == list(SHEET_NAMES)
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


# --- On paper: the return printed from LibreOffice, page by page ----------------------------


def word_boxes(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes, as ``pdftotext -bbox`` gives them."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pattern = r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<'
    return [
        [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(pattern, page)]
        for page in html.split("<page ")[1:]
    ]


def overprinted_words(pdf: Path) -> list[tuple[int, str, str]]:
    """Words printed over other words: text that did not fit its row runs into the next.

    Boxes are cut to their middle band, since a wrapped cell's lines touch.
    """
    found = []
    for number, words in enumerate(word_boxes(pdf), start=1):
        bands = sorted(
            (
                (x0, y0 + 0.3 * (y1 - y0), x1, y1 - 0.3 * (y1 - y0), w)
                for x0, y0, x1, y1, w in words
            ),
            key=lambda box: box[1],
        )
        for index, upper in enumerate(bands):
            for lower in bands[index + 1 :]:
                if lower[1] >= upper[3]:
                    break
                if upper[0] < lower[2] - 0.3 and lower[0] < upper[2] - 0.3:
                    found.append((number, upper[4], lower[4]))
    return found


def darkest_pixel_in_bottom_strip(pdf: Path, page: int, folder: Path) -> int:
    """0 is black, 255 white: is anything printed in the footer band of the page?"""
    prefix = folder / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", str(page), "-l", str(page), str(pdf), str(prefix)],
        check=True,
    )
    image = Image.open(next(folder.glob(f"page{page}*.png"))).convert("L")
    width, height = image.size
    return min(image.crop((0, int(height * 0.93), width, height)).getextrema())


def page_texts(pdf: Path, mode: str = "-layout") -> list[str]:
    """Each page's text as ``pdftotext -layout`` lays it out (``-raw``: in the order drawn,
    so a cell's wrapped lines follow each other)."""
    text = subprocess.run(
        ["pdftotext", mode, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def page_sheets(texts: list[str]) -> list[str]:
    """The sheet each page prints, from its page header ("Milestones", "Summary – lead SSM")."""
    return [text.strip().splitlines()[0].strip().split(" – ")[0] for text in texts]


def footer_pattern(period: str, as_at: str) -> str:
    return (
        rf"Future of Work in Southampton programme – {period} \(as at {as_at}\) – "
        r"return [0-9a-f]{8} – page (\d+) of (\d+)"
    )


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_return_prints_on_a4_landscape_with_nothing_cut_or_overprinted(
    repo, tmp_path: Path
) -> None:
    """The visual check, made repeatable: what a PMO officer gets from File → Print."""
    repo.new_period("FOW", "September 2020", date(2020, 9, 30))  # overdue rows on the Summary
    exported = export_return(repo, tmp_path / "FOW return.xlsx", code="FOW")
    pdf = libreoffice(exported, tmp_path / "pdf", tmp_path / "profile", "pdf")
    reader = pypdf.PdfReader(pdf)
    texts = page_texts(pdf)
    assert len(texts) == len(reader.pages)

    for page in reader.pages:  # A4 landscape, every page
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)
    # Every page says what it is: programme, period, as-at date, return; page X of Y.
    footers = [re.search(footer_pattern("September 2020", "30/09/2020"), t) for t in texts]
    assert all(footers), texts
    assert [int(f.group(1)) for f in footers] == list(range(1, len(texts) + 1))
    assert {int(f.group(2)) for f in footers} == {len(texts)}
    sheets = page_sheets(texts)
    assert sheets[0] == "Instructions" and sheets[-1] == "Key"
    assert {"Summary", "Recommendations", "Milestones", "Changes"} <= set(sheets)
    # The header row is repeated on every page of a data sheet.
    for text, sheet in zip(texts, sheets, strict=True):
        if sheet == "Recommendations":
            assert "Progress to date" in text
        if sheet == "Milestones":
            assert "Milestone" in text and "Target" in text and "Due by" in text
    # The hidden ID and Version columns are not printed; LibreOffice still leaves clipped,
    # invisible fragments of the IDs at the page edge in the PDF's text, so this is not
    # checked through the text (a rendered page shows nothing there).
    summary = texts[sheets.index("Summary")]
    assert "March/April 2020" in summary and "30/04/2020" in summary  # dd/mm/yyyy dates
    # The counts are formulas, worked out by LibreOffice as it opens the file.
    assert re.search(r"Recommendations by RAG +19 recommendations", summary)
    assert re.search(r"In progress +19\b", summary)

    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert not [f for f in fonts if "Serif" in f or "Times" in f], fonts

    # Nothing is cut at the foot of a row: every cell's last words are printed (rows are as
    # exported here, with the heights fowdesk estimated; long text set smaller).
    whole = " ".join(" ".join(page_texts(pdf, "-raw")).split())
    for card in repo.load_programme("FOW").cards:
        assert last_words(card.title) in whole, card.ref
        for paragraph in card.progress_for("February 2020")[-1:]:
            assert last_words(paragraph.text) in whole, card.ref
        for milestone in card.milestones:
            assert last_words(milestone.description) in whole, card.ref
    assert overprinted_words(pdf) == []
    # The page footer is visible (with openpyxl's default margins it printed white-on-nothing).
    if shutil.which("pdftoppm"):
        assert darkest_pixel_in_bottom_strip(pdf, 2, tmp_path) < 128


# --- An officer at work in LibreOffice Calc -------------------------------------------------

OFFICER = Path(__file__).with_name("uno_officer.py")
SEVEN_LINES = [f"• Line {n} of what the officer typed for March" for n in range(1, 8)]


def uno_python() -> str:
    """A Python that can drive LibreOffice (Debian's python3-uno is the system Python's)."""
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and subprocess.run([candidate, "-c", "import uno"]).returncode == 0:
            return candidate
    pytest.fail("no Python with LibreOffice's uno module: install python3-uno (.ci/debian-deps)")


def typed_lines_stay_in_their_row(pdf: Path, lines: list[str]) -> bool:
    """Whether the lines print one under another above the next row (or the footer).

    A row that did not grow still has its text in the PDF, clipped out of sight:
    where it lies is what tells.
    """
    for words in word_boxes(pdf):
        tokens = [w[4] for w in words]
        boxes = []
        for line in lines:
            wanted = line.split()
            start = next(
                (i for i in range(len(tokens)) if tokens[i : i + len(wanted)] == wanted), None
            )
            if start is None:
                break
            boxes.append(words[start : start + len(wanted)])
        if len(boxes) != len(lines):
            continue
        top = min(w[1] for w in boxes[0])
        bottom = max(w[3] for w in boxes[-1])
        below = [w[1] for w in words if w[1] > top + 1 and w[0] < 45] or [
            w[1] for w in words if w[4] == "page"
        ]
        return bottom <= min(below)
    return False


def last_words(text: str, count: int = 3) -> str:
    return " ".join(text.split()[-count:])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_an_officer_types_sorts_and_inserts_in_calc_and_every_line_prints_and_imports(
    seeded_path: Path, tmp_path: Path, capsys
) -> None:
    """Re-saved from Calc after typing seven lines, sorting by lead and adding a milestone:
    the printed pages show every line, name the period, cut nothing; the import takes
    exactly those edits."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (.ci/debian-deps installs it)")
    repo = Repository.open(seeded_path, user="pmo")
    try:
        repo.new_period("FOW", "March 2020", date(2020, 3, 31))
        exported = export_return(repo, tmp_path / "FOW return.xlsx", code="FOW")
        programme = repo.load_programme("FOW")
    finally:
        repo.close()
    # Typed into the shortest row, seven lines cannot show unless the row grows.
    exported_recs = openpyxl.load_workbook(exported)["Recommendations"]
    ids = [c.value for c in exported_recs[1]].index("ID") + 1
    heights = {
        exported_recs.cell(r, ids).value: exported_recs.row_dimensions[r].height
        for r in range(2, exported_recs.max_row + 1)
    }
    typed_card = min(
        (c for c in programme.cards if not c.cross_reference), key=lambda c: heights[c.uuid]
    )
    assert heights[typed_card.uuid] < 7 * 15
    card3 = programme.card("3")
    plan = {
        "profile": str(tmp_path / "profile"),
        "open": str(exported),
        "save_xlsx": str(tmp_path / "saved.xlsx"),
        "print_pdf": str(tmp_path / "printed.pdf"),
        "steps": [
            {
                "do": "type",
                "sheet": "Recommendations",
                "find": ["ID", typed_card.uuid],
                "column": "Progress to date",
                "text": "\n".join(SEVEN_LINES),
            },
            {"do": "sort", "sheet": "Recommendations", "by": "Lead"},
            {"do": "sort", "sheet": "Milestones", "by": "Lead"},
            {
                "do": "insert",
                "sheet": "Milestones",
                "below": ["ID", card3.milestones[0].uuid],
                "values": {
                    "Ref": "3",
                    "Milestone": "Share the draft offer with schools",
                    "Target": "April 2020",
                    "Status": "Not started",
                },
            },
        ],
    }
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    environment = {**os.environ, "SOFFICE": SOFFICE}
    done = subprocess.run(
        [uno_python(), str(OFFICER), str(plan_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    saved, printed = tmp_path / "saved.xlsx", tmp_path / "printed.pdf"
    # The row grew to its seven lines as they were typed (a height set by hand would not).
    grown = re.search(r"row height (\d+) pt", done.stdout)
    assert grown and int(grown.group(1)) >= 7 * 12, done.stdout

    # On paper: all seven lines, the period in every footer, nothing cut or overprinted.
    texts = page_texts(printed)
    whole = " ".join(" ".join(page_texts(printed, "-raw")).split())
    for line in SEVEN_LINES:
        assert line in whole
    assert typed_lines_stay_in_their_row(printed, SEVEN_LINES)
    pattern = footer_pattern("March 2020", "31/03/2020")
    assert all(re.search(pattern, text) for text in texts), texts
    for card in programme.cards:  # every cell's last words: a cut-off cell loses its end
        assert last_words(card.title) in whole, card.ref
        for paragraph in card.progress_for("February 2020")[-1:]:
            assert last_words(paragraph.text) in whole, card.ref
    assert overprinted_words(printed) == []
    sheets = page_sheets(texts)
    assert sheets[0] == "Instructions" and {"Recommendations", "Milestones"} <= set(sheets)

    # The import takes exactly those edits: the narrative and the new milestone.
    assert main(["--db", str(seeded_path), "import", str(saved)]) == 0
    out = capsys.readouterr().out
    assert "Changes (1):" in out and 'Progress to date: (blank) → "• Line 1 of what' in out
    assert 'New milestones (1):\n  + on 3: "Share the draft offer with schools"' in out
    assert "Not taken" not in out and "Warnings" not in out and "Conflicts" not in out
    repo = Repository.open(seeded_path, user="reader")
    try:
        after = repo.load_programme("FOW")
    finally:
        repo.close()
    typed = [f"• {p.text}" for p in after.card(typed_card.ref).progress_for("March 2020")]
    assert typed == SEVEN_LINES
    assert [m.description for m in after.card("3").milestones][:2] == [
        card3.milestones[0].description,
        "Share the draft offer with schools",
    ]
