"""The published formats checked by the tools an accessibility auditor uses.

* the HTML with axe-core (the copy ``axe-playwright-python`` carries) in Debian's
  chromium, driven by playwright — never a browser playwright downloads — with
  the WCAG 2.0/2.1 A and AA rules and axe's best practices: no violations;
* the HTML with the Nu HTML Checker (``vnu-jar`` from npm, run with the
  machine's Java): no errors;
* the Word appendix converted by LibreOffice to a tagged PDF.

They need chromium, a JRE, npm and LibreOffice (``bash .ci/debian-deps``
installs them) and take a couple of minutes, so they are marked ``a11y``:
``pytest -m 'not a11y'`` leaves them out of a quick run. The README's test
command and ``.ci/run`` run them, and a missing tool fails them rather than
skipping them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from fowdesk.exports.docx_report import export_docx
from fowdesk.exports.html_report import export_html, render_html
from fowdesk.exports.report_model import build_report

pytestmark = pytest.mark.a11y

REPO_ROOT = Path(__file__).resolve().parent.parent
#: npm packages the checks install live here (git ignores it), so each is fetched once.
CACHE = REPO_ROOT / ".cache"
VNU_JAR_VERSION = "26.9.27"

#: What axe checks: WCAG 2.0 and 2.1, levels A and AA, and axe's own best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

#: Chromium as root needs --no-sandbox; without the background-networking flags it
#: keeps trying to reach Google's hosts from a machine with no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run `bash .ci/debian-deps`", pytrace=False)
    return found


# ----------------------------------------------------------------------------- the files


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The HTML and Word files under test, written the way the command line writes them."""
    from bench.synthetic import build_synthetic
    from fowdesk.storage.repository import Repository

    folder = tmp_path_factory.mktemp("reports")
    repo = Repository.create(folder / "seeded.db", seeded=True, user="Committee clerk")
    # A later FOW period, so the report has overdue milestones and a changes table too.
    repo.new_period("FOW", "March 2020", date(2020, 3, 31), "Cabinet, 21 April 2020")
    files: dict[str, Path] = {}
    for name, options in {
        "FOW": {"code": "FOW", "appendix": "1"},
        "DS2430": {"code": "DS2430"},
        "one card": {"code": "FOW", "card_ref": "3"},
    }.items():
        files[name] = export_html(repo, folder / f"{name}.html", **options)  # type: ignore[arg-type]
        files[f"{name} docx"] = export_docx(repo, folder / f"{name}.docx", **options)  # type: ignore[arg-type]
    repo.close()
    synthetic = Repository.open(build_synthetic(folder / "synthetic.db", 1000, 10), user="bench")
    files["1,000 cards"] = export_html(synthetic, folder / "synthetic.html", code="SYN")
    synthetic.close()
    return files


@pytest.fixture
def hostile_html(hostile_ds2430, tmp_path: Path) -> Path:
    return export_html(hostile_ds2430, tmp_path / "hostile.html", code="DS2430", appendix="<b>")


# ----------------------------------------------------------------------------- axe


@pytest.fixture(scope="module")
def browser_page() -> Iterator[object]:
    """A page in Debian's chromium (``executable_path``: playwright downloads nothing)."""
    from playwright.sync_api import sync_playwright

    chromium = _tool("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        yield page
        browser.close()


def axe_violations(page, path: Path) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(path.as_uri())
    assert page.title(), "the page did not load"
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.response["testEngine"]["name"] == "axe-core"
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    )


@pytest.mark.parametrize("name", ["FOW", "DS2430", "one card"])
def test_axe_finds_no_violations(browser_page, reports, name):
    violations = axe_violations(browser_page, reports[name])
    assert violations == [], describe(violations)


@pytest.mark.slow
def test_axe_finds_no_violations_in_a_thousand_card_programme(browser_page, reports):
    """About a minute and a half: axe's colour-contrast rule weighs every text node."""
    violations = axe_violations(browser_page, reports["1,000 cards"])
    assert violations == [], describe(violations)


def test_axe_finds_no_violations_in_hostile_text(browser_page, hostile_html):
    violations = axe_violations(browser_page, hostile_html)
    assert violations == [], describe(violations)


def test_axe_would_catch_white_text_on_an_amber_chip(browser_page, repo, tmp_path):
    """The check can fail: the chip colours are what keep it passing."""
    programme = repo.load_programme("FOW")
    html = render_html(build_report(programme, "February 2020"))
    css = ".rag-a { background: #E6A117; color: #000000; }"
    assert css in html
    page = tmp_path / "white-on-amber.html"
    page.write_text(html.replace(css, css.replace("#000000", "#FFFFFF")), encoding="utf-8")
    violations = axe_violations(browser_page, page)
    assert [v["id"] for v in violations] == ["color-contrast"]
    assert all(".rag-a" in str(n["target"]) for n in violations[0]["nodes"])


# ----------------------------------------------------------------------------- vnu


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    """The Nu HTML Checker's jar from npm, installed once into the repository's .cache/.

    ``--ignore-scripts``: the package's install script would download a Java
    runtime; the machine's own JRE runs the jar.
    """
    folder = CACHE / f"vnu-jar-{VNU_JAR_VERSION}"
    jar = folder / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.exists():
        npm = _tool("npm")
        CACHE.mkdir(exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="vnu-jar-", dir=CACHE))
        subprocess.run(
            [npm, "install", "--prefix", str(staging), "--ignore-scripts", "--no-audit",
             "--no-fund", f"vnu-jar@{VNU_JAR_VERSION}"],
            check=True, capture_output=True, timeout=600,
        )  # fmt: skip
        try:
            os.replace(staging, folder)
        except OSError:  # another run installed it meanwhile
            shutil.rmtree(staging, ignore_errors=True)
    assert jar.exists(), f"npm did not install {jar}"
    return jar


def vnu_messages(jar: Path, *pages: Path) -> list[dict]:
    result = subprocess.run(
        [_tool("java"), "-jar", str(jar), "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return json.loads(result.stderr)["messages"]


def test_the_nu_html_checker_finds_no_errors_or_warnings(vnu_jar, reports, hostile_html):
    pages = [reports[name] for name in ("FOW", "DS2430", "one card", "1,000 cards")]
    messages = vnu_messages(vnu_jar, *pages, hostile_html)
    assert messages == [], "\n".join(
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['type']}: {m['message']}" for m in messages
    )


def test_the_nu_html_checker_would_catch_a_control_character(vnu_jar, tmp_path):
    page = tmp_path / "bell.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><title>t</title></head>'
        "<body><main><h1>Ring\x07</h1></main></body></html>",
        encoding="utf-8",
    )
    messages = vnu_messages(vnu_jar, page)
    assert [m["message"] for m in messages if m["type"] == "error"] == [
        "Forbidden code point U+0007."
    ]


# ----------------------------------------------------------------------------- Word


def tagged_pdf(docx: Path, folder: Path) -> Path:
    """LibreOffice's writer_pdf_Export with UseTaggedPDF, in a private profile."""
    soffice = shutil.which("soffice") or _tool("libreoffice")
    profile = folder / "lo-profile"
    options = json.dumps({"UseTaggedPDF": {"type": "boolean", "value": "true"}})
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", f"pdf:writer_pdf_Export:{options}", "--outdir", str(folder), str(docx)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    pdf = folder / f"{docx.stem}.pdf"
    assert pdf.exists(), f"LibreOffice wrote no PDF for {docx.name}"
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["FOW docx", "DS2430 docx"])
def test_word_appendix_becomes_a_tagged_a4_landscape_pdf_with_the_header_row_on_each_page(
    reports, tmp_path, name
):
    pdf = tagged_pdf(reports[name], tmp_path)
    info = subprocess.run(
        [_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info
    assert "Page size:       841.89 x 595.304 pts (A4)" in info
    pages = pdf_pages(pdf)
    first_heading = "FoW report recommendation" if name.startswith("FOW") else "Priority – we will"
    # Every row starts with its RAG ("RAG: Green"): the pages that have one are the table's.
    table_pages = [number for number, page in enumerate(pages, start=1) if "RAG: " in page]
    assert len(table_pages) > 1 and "Progress by recommendation" in pages[table_pages[0] - 1]
    for number in table_pages:
        assert first_heading in pages[number - 1], f"page {number} has no header row"
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    if name.startswith("FOW"):
        assert "Key for lead roles" in pages[-1]
        assert "Appendix 1" in pages[0] and "Appendix 1" in pages[-1]
