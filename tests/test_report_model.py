"""The report's content, decided once: every format prints the same rows, words and colours."""

from __future__ import annotations

import io
import re

import docx
import lxml.html
from pypdf import PdfReader

from fowdesk.domain.model import RAG_COLOURS, MilestoneStatus, Rag
from fowdesk.exports.docx_report import render_docx
from fowdesk.exports.html_report import render_html
from fowdesk.exports.pdf_report import render_report_model
from fowdesk.exports.report_model import (
    build_report,
    clean_text,
    contrast_ratio,
    readable_text_colour,
    report_source,
)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_rows_follow_the_cards_with_leads_named_from_the_key(repo):
    programme = repo.load_programme("FOW")
    report = build_report(programme, programme.periods[-1].label)
    assert [row.ref for row in report.rows] == [card.ref for card in programme.cards]
    roles = {entry.code: entry.role for entry in programme.lead_key}
    for row, card in zip(report.rows, programme.cards, strict=True):
        assert [lead.code for lead in row.leads] == card.leads
        for lead in row.leads:
            assert lead.role == roles.get(lead.code)
    hop = next(lead for row in report.rows for lead in row.leads if lead.code == "HoP & ED")
    assert hop.role == "Head of Planning & Economic Development"


def test_a_lead_missing_from_the_key_keeps_its_code_and_has_no_role(repo):
    programme = repo.load_programme("FOW")
    card = programme.cards[0]
    repo.update_card(card.uuid, card.version, leads=["SLE", "hop & ed"])
    programme = repo.load_programme("FOW")
    row = build_report(programme, programme.periods[-1].label).rows[0]
    assert [(lead.code, lead.role) for lead in row.leads] == [
        ("SLE", None),
        ("hop & ed", "Head of Planning & Economic Development"),
    ]


def test_milestone_lines_say_what_when_and_how_they_stand(repo):
    programme = repo.load_programme("FOW")
    card = programme.cards[1]
    first, second = card.milestones[:2]
    repo.update_milestone(first.uuid, first.version, status=MilestoneStatus.CANCELLED)
    repo.revise_target(second.uuid, second.version, "June 2020", "the board moved")
    programme = repo.load_programme("FOW")
    lines = build_report(programme, programme.periods[-1].label).rows[1].milestones
    assert lines[0].cancelled and lines[0].state == "Cancelled"
    assert lines[1].what_and_when == f"{second.description} – June 2020"
    assert lines[1].originally == second.target


def test_clean_text_drops_what_html_and_xml_cannot_hold_and_keeps_line_breaks():
    assert clean_text("a\x00b\x07c\x1bd\x7fe\x85f") == "abcde f"
    assert clean_text("one\r\ntwo\rthree\u2028four") == "one\ntwo\nthree\nfour"
    assert clean_text("tab\there") == "tab here"
    assert clean_text("\ufffe\uffff\ufdd0\U0001fffe kept: ąę Привет 🚀") == " kept: ąę Привет 🚀"
    assert clean_text(None) == ""


def test_rag_text_colour_is_the_one_that_reads_on_each_chip():
    """White on amber (2.2:1) fails WCAG AA; each chip gets the colour that passes."""
    assert readable_text_colour(RAG_COLOURS[Rag.AMBER]) == "#000000"
    assert contrast_ratio(RAG_COLOURS[Rag.AMBER], "#FFFFFF") < 4.5
    for colour in RAG_COLOURS.values():
        assert contrast_ratio(colour, readable_text_colour(colour)) >= 4.5


def test_html_and_word_print_every_title_and_target_the_pdf_prints(repo):
    """One model, three renderings (the PDF's own tests read its rows back page by page)."""
    source = report_source(repo, code="DS2430")
    report = build_report(source.programme, source.period.label)
    html = squash(lxml.html.document_fromstring(render_html(report)).text_content())
    document = docx.Document(io.BytesIO(render_docx(report)))
    word = squash(
        "".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    )
    pdf = squash(
        "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_report_model(report))).pages)
    )
    for row in report.rows:
        title = squash(f"{row.ref_label} {row.title}")
        assert title in html and title in word and title in pdf, row.title
        for milestone in row.milestones:
            assert squash(milestone.what_and_when) in html, milestone
            assert squash(milestone.what_and_when) in word, milestone
