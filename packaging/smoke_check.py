"""Read back what the bundle exported, the way the PMO and the clerk would open it.

Run by ``.ci/bundle-smoke`` with the build environment's Python (which has
pypdf and openpyxl from the test extra); the bundle itself is not imported.

    python packaging/smoke_check.py pdf FILE
    python packaging/smoke_check.py xlsx FILE
    python packaging/smoke_check.py html FILE
    python packaging/smoke_check.py docx FILE

Exit 0 when the file is a real report/return of the seeded Future of Work
programme, else 1 with one line saying what is wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

SEED_TITLE = "Future of Work in Southampton programme"
SEED_RECOMMENDATIONS = [str(n) for n in range(1, 20)]
SEED_MILESTONES = 34


class SmokeFailure(Exception):
    """The exported file is not what the seeded programme should give."""


def check_pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    pages = len(reader.pages)
    if pages < 2:
        raise SmokeFailure(f"{path}: {pages} page(s); the seeded report runs to several")
    first = reader.pages[0].extract_text() or ""
    if SEED_TITLE not in first:
        raise SmokeFailure(f"{path}: page 1 does not show {SEED_TITLE!r}")
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    if "Strategic Skills Manager" not in text:
        raise SmokeFailure(f"{path}: the lead-role key is missing")
    fonts = _font_names(reader)
    if not any("DejaVuSans" in name for name in fonts):
        raise SmokeFailure(f"{path}: no DejaVu font in {sorted(fonts)}")
    return f"{path.name}: {pages} pages, fonts {', '.join(sorted(fonts))}"


def _font_names(reader: object) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:  # type: ignore[attr-defined]
        resources = page.get("/Resources") or {}
        fonts = resources.get_object().get("/Font") or {}
        for ref in fonts.get_object().values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont", "?")).lstrip("/").split("+")[-1])
    return names


def _table_rows(sheet: object) -> list[dict[str, object]]:
    """The rows under the header row (the first row whose first cell is "Ref")."""
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]
    for index, row in enumerate(rows):
        if row and row[0] == "Ref":
            header = [str(cell) if cell is not None else "" for cell in row]
            return [
                dict(zip(header, values, strict=False))
                for values in rows[index + 1 :]
                if any(value not in (None, "") for value in values)
            ]
    raise SmokeFailure(f"sheet {sheet.title!r} has no header row starting 'Ref'")  # type: ignore[attr-defined]


def check_xlsx(path: Path) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    for needed in ("Recommendations", "Milestones", "Key"):
        if needed not in workbook.sheetnames:
            raise SmokeFailure(f"{path}: no {needed!r} sheet (has {workbook.sheetnames})")
    cards = _table_rows(workbook["Recommendations"])
    refs = [str(row["Ref"]) for row in cards]
    if refs != SEED_RECOMMENDATIONS:
        raise SmokeFailure(f"{path}: recommendations {refs}, expected 1..19")
    milestones = _table_rows(workbook["Milestones"])
    if len(milestones) != SEED_MILESTONES:
        raise SmokeFailure(f"{path}: {len(milestones)} milestones, expected {SEED_MILESTONES}")
    return f"{path.name}: {len(cards)} recommendations, {len(milestones)} milestones"


def check_html(path: Path) -> str:
    import lxml.html

    page = lxml.html.document_fromstring(path.read_text(encoding="utf-8"))
    if page.get("lang") != "en-GB":
        raise SmokeFailure(f"{path}: lang is {page.get('lang')!r}, not en-GB")
    if SEED_TITLE not in " ".join(page.xpath("//h1")[0].text_content().split()):
        raise SmokeFailure(f"{path}: the h1 does not show {SEED_TITLE!r}")
    rows = page.xpath("//table[@class='report']/tbody/tr")
    if len(rows) != len(SEED_RECOMMENDATIONS):
        raise SmokeFailure(f"{path}: {len(rows)} table rows, expected {len(SEED_RECOMMENDATIONS)}")
    if "Strategic Skills Manager" not in page.text_content():
        raise SmokeFailure(f"{path}: the lead-role key is missing")
    return f"{path.name}: {len(rows)} recommendations, {path.stat().st_size // 1024} KB"


def check_docx(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    if SEED_TITLE not in (document.core_properties.title or ""):
        raise SmokeFailure(f"{path}: the title is {document.core_properties.title!r}")
    header = document.sections[0].header.paragraphs[0].text
    if SEED_TITLE not in header:  # python-docx made the header from its bundled template
        raise SmokeFailure(f"{path}: the page header says {header!r}")
    rows = max(len(table.rows) for table in document.tables)
    if rows != len(SEED_RECOMMENDATIONS) + 1:
        raise SmokeFailure(f"{path}: {rows} rows in the largest table, expected 20")
    return f"{path.name}: {rows - 1} recommendations, {len(document.tables)} tables"


CHECKS = {"pdf": check_pdf, "xlsx": check_xlsx, "html": check_html, "docx": check_docx}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in CHECKS:
        print(f"usage: smoke_check.py {'|'.join(CHECKS)} FILE", file=sys.stderr)
        return 2
    kind, path = argv[0], Path(argv[1])
    try:
        summary = CHECKS[kind](path)
    except SmokeFailure as exc:
        print(f"smoke check failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the file would not even open: say so in one line
        print(f"smoke check failed: {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"ok  {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
