"""The report's speed shortcuts give exactly what reportlab's own slow paths give."""

from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph as ReportlabParagraph

from fowdesk.exports.pdf_report import STYLES, Paragraph
from fowdesk.exports.pdf_text import BOLD, REGULAR, MeasuredTTFont, register_fonts

PLAIN_TEXTS = [
    "SSM",
    "  spaces   inside\tand around  ",
    "one\ntwo\n\nthree",
    "Polish ąęłńóśźż, Cyrillic Привет, Greek Ωμέγα – “curly” •",
    "",
    "   ",
]


@pytest.mark.parametrize("text", PLAIN_TEXTS)
@pytest.mark.parametrize("style", [STYLES.cell, STYLES.cell_bullet, STYLES.title])
def test_plain_text_fragments_match_what_reportlabs_parser_makes(text, style):
    register_fonts()
    ours = Paragraph(text, style, bulletText="•")
    theirs = ReportlabParagraph(text, style, bulletText="•")
    assert type(ours).__mro__[1] is ReportlabParagraph
    assert ours.text == theirs.text
    assert [vars(f) for f in ours.frags] == [vars(f) for f in theirs.frags]
    assert ours.wrap(180, 1000) == theirs.wrap(180, 1000)
    # Each fragment has its own lists, as the parser gives them.
    if len(ours.frags) == 1:
        again = Paragraph(text, style)
        assert again.frags[0].us_lines is not ours.frags[0].us_lines


def test_markup_still_goes_through_the_parser():
    register_fonts()
    para = Paragraph("<b>bold</b> and R&amp;D", STYLES.cell)
    assert "".join(f.text for f in para.frags) == "bold and R&D"
    assert para.frags[0].fontName == BOLD


def test_a_remembered_wrap_is_redone_for_another_width_and_after_a_failed_split():
    register_fonts()
    words = " ".join(f"word{n}" for n in range(200))
    para = Paragraph(words, STYLES.cell)
    narrow = para.wrap(100, 1000)
    wide = para.wrap(400, 1000)
    assert wide[1] < narrow[1]
    assert para.wrap(100, 1000) == narrow
    fresh = ReportlabParagraph(words, STYLES.cell)
    assert para.wrap(100, 1000) == fresh.wrap(100, 1000)
    assert para.split(100, 5) == []  # no room for two lines: reportlab drops its breaks
    assert "blPara" not in para.__dict__
    assert para.wrap(100, 1000) == narrow
    first, rest = para.split(100, 200)
    assert first.wrap(100, 200)[1] <= 200
    assert rest.wrap(100, 1000)[1] + first.wrap(100, 200)[1] == pytest.approx(narrow[1])


def test_remembered_string_widths_are_the_fonts_own():
    register_fonts()
    font = pdfmetrics.getFont(REGULAR)
    assert isinstance(font, MeasuredTTFont)
    for text in ["word", "ąęł Привет", "", "word"]:
        for size in (7, 8, 9.5):
            assert font.stringWidth(text, size) == TTFont.stringWidth(font, text, size)
    assert pdfmetrics.stringWidth("word", REGULAR, 8) == TTFont.stringWidth(font, "word", 8)
