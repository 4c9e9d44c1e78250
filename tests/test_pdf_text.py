"""Whatever an officer types prints as typed: no markup, no file reads, no crash."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from fowdesk.domain.model import Paragraph
from fowdesk.exports.pdf_report import export_report, render_report
from fowdesk.exports.pdf_text import PLACEHOLDER, markup, printable
from fowdesk.storage.repository import Repository

HOSTILE = [
    "R&D <pilot>",
    "AT&T",
    "<b>not bold</b>",
    '<img src="/etc/passwd">',
    "&amp; stays &amp;",
    "</para><para>",
]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_markup_escapes_tags_and_ampersands_and_keeps_newlines():
    assert markup("R&D <pilot>") == "R&amp;D &lt;pilot&gt;"
    assert markup("line one\nline two") == "line one<br/>line two"
    assert markup(None) == ""


def test_control_characters_are_dropped_and_tabs_become_spaces():
    assert printable("a\x00b\x07c\x1bd\x7fe") == "abcde"
    assert printable("col\tcol") == "col col"
    assert printable("one\r\ntwo") == "one\ntwo"


def test_characters_the_font_lacks_and_emoji_become_a_visible_placeholder():
    assert printable("Launch 🚀 day") == f"Launch {PLACEHOLDER} day"
    assert printable("\U0001f643") == PLACEHOLDER  # in DejaVu's cmap, but beyond U+FFFF
    assert printable("\ue000") == PLACEHOLDER  # private use: DejaVu has no glyph
    assert printable("ąęłńóśźż Привет Ωμέγα “quoted” – •") == "ąęłńóśźż Привет Ωμέγα “quoted” – •"


def _hostile_repo(repo: Repository) -> str:
    """Put every hostile text into DS2430's first card; return the card's uuid."""
    programme = repo.load_programme("DS2430")
    card = programme.cards[0]
    label = programme.periods[-1].label
    updated = repo.update_card(card.uuid, card.version, title="Skills for R&D <pilot> & AT&T")
    repo.set_progress(
        card.uuid,
        label,
        [Paragraph(text) for text in HOSTILE]
        + [Paragraph("Polish ąęłńóśźż, Cyrillic Привет, Greek Ωμέγα, “curly” ‘quotes’ – dash")]
        + [Paragraph("Rocket 🚀 launch\x07 with a bell\nand a second line", bulleted=False)],
        updated.version,
    )
    repo.add_milestone(card.uuid, '<img src="/etc/passwd"> audit', "March 2025")
    return card.uuid


def test_hostile_text_prints_verbatim_and_never_changes_the_markup(repo, tmp_path):
    _hostile_repo(repo)
    written = export_report(repo, tmp_path / "hostile.pdf", code="DS2430")
    data = written.read_bytes()
    text = squash(pdf_text(data))
    assert squash("Skills for R&D <pilot> & AT&T") in text
    for hostile in HOSTILE:
        assert squash(hostile) in text, hostile
    assert squash("Polish ąęłńóśźż, Cyrillic Привет, Greek Ωμέγα, “curly” ‘quotes’ – dash") in text
    assert squash(f"Rocket {PLACEHOLDER} launch with a bell") in text
    assert squash('<img src="/etc/passwd"> audit – March 2025') in text
    # Nothing was read from disk into the report: no image of any kind.
    assert b"/Subtype /Image" not in data and b"/Subtype/Image" not in data


def test_newlines_in_a_paragraph_stay_line_breaks(repo, tmp_path):
    _hostile_repo(repo)
    data = export_report(repo, tmp_path / "lines.pdf", code="DS2430").read_bytes()
    lines = pdf_text(data).splitlines()
    at = next(i for i, line in enumerate(lines) if "with a bell" in line)
    assert "and a second line" in lines[at + 1]


def test_a_ten_thousand_word_narrative_flows_over_pages_and_comes_back_in_order(repo):
    programme = repo.load_programme("DS2430")
    label = programme.periods[-1].label
    words = [f"w{n:05d}" for n in range(10_000)]
    programme.cards[3].progress[label] = [Paragraph(" ".join(words))]
    data = render_report(programme, label)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 10
    found = re.findall(r"w\d{5}", pdf_text(data))
    assert found == words


def test_a_single_unbroken_word_longer_than_the_column_still_prints(repo):
    programme = repo.load_programme("DS2430")
    label = programme.periods[-1].label
    programme.cards[0].progress[label] = [Paragraph("x" * 3000)]
    text = pdf_text(render_report(programme, label))
    # Broken across lines (and pages) at the column's edge, but every letter is there.
    assert sum(len(run) for run in re.findall(r"x{5,}", text)) == 3000


def test_a_recommendation_with_sixty_milestones_prints_every_target(repo, tmp_path: Path):
    programme = repo.load_programme("DS2430")
    card = programme.cards[1]
    months = ["January", "February", "March", "April", "May", "June"]
    expected = []
    for n in range(60):
        target = f"{months[n % 6]} {2025 + n // 6}"
        milestone = repo.add_milestone(card.uuid, f"Milestone number {n + 1:02d}", target)
        expected.append(f"{milestone.description} – {target}")
    data = export_report(repo, tmp_path / "sixty.pdf", code="DS2430").read_bytes()
    text = squash(pdf_text(data))
    positions = [text.find(squash(line)) for line in expected]
    missing = [line for line, at in zip(expected, positions, strict=True) if at < 0]
    assert not missing
    assert positions == sorted(positions)


@pytest.mark.skipif(
    shutil.which("pdffonts") is None or shutil.which("qpdf") is None,
    reason="poppler-utils or qpdf not installed",
)
def test_hostile_report_embeds_every_font_and_passes_qpdf(repo, tmp_path):
    _hostile_repo(repo)
    written = export_report(repo, tmp_path / "hostile.pdf", code="DS2430")
    listing = subprocess.run(
        ["pdffonts", str(written)], capture_output=True, text=True, check=True
    ).stdout
    rows = listing.splitlines()[2:]
    assert {row.split()[0].split("+")[-1] for row in rows} == {"DejaVuSans", "DejaVuSans-Bold"}
    assert all(row.split()[-5] == "yes" for row in rows), listing
    check = subprocess.run(["qpdf", "--check", str(written)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
