"""The committee report PDF, read back the way a clerk (and a PDF reader) would see it."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from fowdesk.domain.model import RAG_COLOURS, MilestoneStatus, Rag
from fowdesk.domain.rag import card_rag
from fowdesk.exports.pdf_report import default_filename, render_report
from fowdesk.exports.report_model import COLUMN_SHARES, column_shares
from fowdesk.storage.repository import Repository

FOW_HEADINGS = [
    "FoW report recommendation / agreed deliverable",
    "Lead",
    "Progress to date against agreed actions in FoW action plan",
    "Next steps",
]


def squash(text: str) -> str:
    """Text with all whitespace removed: table cells wrap lines wherever they like."""
    return re.sub(r"\s+", "", text)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def table_pages(texts: list[str]) -> list[str]:
    """The pages of the main table: from the first page showing its heading to the end."""
    first = next(i for i, t in enumerate(texts) if squash(FOW_HEADINGS[0]) in squash(t))
    return texts[first:]


@pytest.fixture
def seed_pdf(repo: Repository) -> bytes:
    programme = repo.load_programme("FOW")
    return render_report(programme, "February 2020", appendix="1", author="Committee clerk")


def test_seeded_report_prints_title_every_recommendation_in_order_with_its_leads(seed_pdf, repo):
    texts = page_texts(seed_pdf)
    whole = squash("".join(texts))
    assert squash("Future of Work in Southampton programme – Progress Report – February 2020") in (
        squash(texts[0])
    )
    programme = repo.load_programme("FOW")
    assert len(programme.cards) == 19
    position = 0
    for card in programme.cards:
        title_at = whole.find(squash(f"{card.ref}. {card.title}"), position)
        assert title_at >= 0, f"recommendation {card.ref} missing or out of order"
        lead_at = whole.find(squash("/".join(card.leads)), title_at)
        assert lead_at > title_at
        position = title_at + 1


def test_seeded_report_prints_every_milestone_with_its_target(seed_pdf, repo):
    whole = squash("".join(page_texts(seed_pdf)))
    programme = repo.load_programme("FOW")
    milestones = [m for card in programme.cards for m in card.milestones]
    assert len(milestones) == 34
    for milestone in milestones:
        expected = milestone.description + (f" – {milestone.target}" if milestone.target else "")
        assert squash(expected) in whole, expected


def test_column_headings_key_and_page_x_of_y_on_every_page(seed_pdf):
    texts = page_texts(seed_pdf)
    total = len(texts)
    assert total >= 3
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
        flat = squash(text)
        assert squash("KEY FOR LEAD ROLE:") in flat
        assert squash("SSM – Strategic Skills Manager") in flat
        assert squash("HoP & ED – Head of Planning & Economic Development") in flat
        assert "Appendix 1" in text
    for text in table_pages(texts):
        for heading in FOW_HEADINGS:
            assert squash(heading) in squash(text)


def test_bookmarks_take_the_reader_to_each_recommendation(seed_pdf, repo):
    reader = PdfReader(io.BytesIO(seed_pdf))
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles[0] == "Summary"
    assert "Progress by recommendation" in titles
    recommendations = next(item for item in outline if isinstance(item, list))
    programme = repo.load_programme("FOW")
    assert len(recommendations) == 19
    for card, mark in zip(programme.cards, recommendations, strict=True):
        assert mark.title.startswith(f"{card.ref}. ")
        page = reader.get_destination_page_number(mark)
        text = squash(reader.pages[page].extract_text())
        assert squash(f"{card.ref}. {card.title}")[:40] in text, (card.ref, page)


def test_metadata_names_title_author_subject_and_british_english(seed_pdf):
    reader = PdfReader(io.BytesIO(seed_pdf))
    meta = reader.metadata
    assert meta.title == "Future of Work in Southampton programme – Progress Report – February 2020"
    assert meta.author == "Committee clerk"
    assert "February 2020" in meta.subject and "29/02/2020" in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_rag_prints_as_a_letter_beside_each_recommendation(repo):
    programme = repo.load_programme("FOW")
    card = programme.card("2")
    card.milestones[0].status = MilestoneStatus.DELAYED
    text = squash("".join(page_texts(render_report(programme, "February 2020"))))
    rag = card_rag(card, date(2020, 2, 29)).rag
    assert rag.value == "A"
    assert squash(f"A 2. {card.title}") in text


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_only_embedded_fonts_and_dejavu_among_them(seed_pdf, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(seed_pdf)
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    rows = listing.splitlines()[2:]
    assert rows, listing
    assert any("DejaVuSans" in row for row in rows)
    for row in rows:
        columns = row.split()
        # name type [subtype] encoding emb sub uni object ID: "emb" is the 4th from the end+…
        assert columns[-5] == "yes", f"font not embedded: {row}"
    assert "Helvetica" not in listing


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_qpdf_finds_no_structural_errors(seed_pdf, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(seed_pdf)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_digital_strategy_prints_with_its_own_headings_and_benefits(repo):
    programme = repo.load_programme("DS2430")
    pdf = render_report(programme, programme.periods[-1].label)
    texts = page_texts(pdf)
    whole = squash("".join(texts))
    for heading in ["Priority – we will… so that…", "Lead", "Progress to date", "Next steps"]:
        assert squash(heading) in whole
    assert squash("FoW report recommendation") not in whole
    first = programme.cards[0]
    for deliverable in first.deliverables:
        assert squash(deliverable.text) in whole
        assert squash(f"So that… {deliverable.benefit}") in whole
    roadmap = next(c for c in programme.cards if c.title.startswith("Roadmap"))
    for milestone in roadmap.milestones:
        assert squash(f"{milestone.description} – {milestone.target}") in whole
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
    for text in texts[1:]:  # the table pages: DS2430's own headings on each
        assert squash("Priority – we will… so that…") in squash(text)


def test_default_file_name_says_programme_period_and_card():
    assert default_filename("FOW", "February 2020") == "FOW report February 2020.pdf"
    assert default_filename("FOW", "February 2020", "7") == "FOW report February 2020 rec 7.pdf"
    assert default_filename("FOW", 'Q1: "draft"/final') == "FOW report Q1- -draft--final.pdf"


def content_streams(pdf: bytes) -> list[bytes]:
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages]


def fill_colours(stream: bytes) -> list[tuple[int, int, int]]:
    """Every fill colour a content stream sets ("r g b rg"), as 0-255 triples."""
    found = re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) rg", stream)
    return [tuple(round(float(part) * 255) for part in triple) for triple in found]


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def test_rag_chip_is_filled_in_its_colour_behind_the_letter(repo):
    programme = repo.load_programme("FOW")
    programme.card("2").milestones[0].status = MilestoneStatus.DELAYED
    pdf = render_report(programme, "February 2020")
    table = [colour for stream in content_streams(pdf)[1:] for colour in fill_colours(stream)]
    assert table.count(rgb(RAG_COLOURS[Rag.AMBER])) == 1  # rec 2's chip
    assert table.count(rgb(RAG_COLOURS[Rag.GREEN])) == 18  # every other recommendation's
    assert rgb(RAG_COLOURS[Rag.RED]) not in table


def test_the_summary_is_page_one_and_the_table_starts_on_page_two(seed_pdf):
    texts = page_texts(seed_pdf)
    first = squash(texts[0])
    assert squash("Summary as at 29/02/2020") in first
    assert squash("Milestones due in the next month, by 31/03/2020 (2)") in first
    assert squash("Clear RSA for exemption as an SCC supplier") in first
    assert squash(FOW_HEADINGS[0]) not in first
    assert squash(FOW_HEADINGS[0]) in squash(texts[1])


def test_a_summary_list_that_does_not_fit_moves_whole_with_its_heading(repo):
    programme = repo.load_programme("FOW")
    for card in programme.cards:  # long milestone names: the two lists cannot share page 1
        for milestone in card.milestones:
            milestone.description += " – " + "with a long explanation of what it involves " * 3
            milestone.target = "March 2020"
    texts = page_texts(render_report(programme, "February 2020"))
    heading = squash("Milestones due in the next month")
    page = next(i for i, text in enumerate(texts) if heading in squash(text))
    assert page == 1  # moved off page 1 whole
    # The list's header row is on the heading's page, and the list does not run on.
    assert squash("RecMilestoneTargetDueby") in squash(texts[page])
    assert squash("RecMilestoneTargetDueby") not in squash(texts[page + 1])


def test_columns_no_card_uses_give_their_room_to_the_first(repo):
    """FOW fills every column: the seed's widths. DS2430 has no progress yet: wider priorities."""
    fow = repo.load_programme("FOW")
    ds = repo.load_programme("DS2430")
    assert column_shares(fow.cards, fow.periods[-1].label) == pytest.approx(COLUMN_SHARES)
    shares = column_shares(ds.cards, ds.periods[-1].label)
    assert sum(shares) == pytest.approx(1)
    assert shares[0] > COLUMN_SHARES[0] * 1.2  # priority, deliverables and benefits
    assert shares[2] < COLUMN_SHARES[2] * 0.6  # "No update for this period." only
    assert shares[1] >= COLUMN_SHARES[1]  # "Lead" still fits its heading
