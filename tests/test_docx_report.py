"""The Word appendix, read back with python-docx and from its XML as Word would read it."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import docx
import pytest
from conftest import HOSTILE_MILESTONE, HOSTILE_TEXT, HOSTILE_TITLE, PASTED_SHOWN
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from fowdesk.cli import main
from fowdesk.exports.docx_report import export_docx, render_docx, report_docx_bytes
from fowdesk.exports.report_model import build_report


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def word_of(repo, **options):
    return docx.Document(io.BytesIO(report_docx_bytes(repo, **options)[2]))


def paragraph_text(paragraph) -> str:
    """A w:p's text as Word shows it: runs joined, w:br a line break, w:tab a tab."""
    shown = {qn("w:br"): "\n", qn("w:tab"): "\t"}
    parts = []
    for element in paragraph.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
        parts.append(shown.get(element.tag, element.text or ""))
    return "".join(parts)


def styled(document, style_id: str) -> list[str]:
    """The text of every body paragraph (tables included) in one style."""
    found = []
    for paragraph in document.element.body.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")) == style_id:
            found.append(paragraph_text(paragraph))
    return found


def whole_text(document) -> str:
    return "\n".join(paragraph_text(p) for p in document.element.body.iter(qn("w:p")))


def caption(table) -> str:
    return table._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}").get(qn("w:val"))


def main_table(document):
    """The recommendations table, found by its alternative text as a screen reader would."""
    names = ("Progress by recommendation,", "Recommendation,")
    return next(t for t in document.tables if caption(t).startswith(names))


def test_title_language_and_a4_landscape(repo):
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    document = word_of(repo, code="FOW", appendix="1")
    title = "Future of Work in Southampton programme – Progress Report – March 2020"
    assert document.core_properties.title == title
    assert document.core_properties.language == "en-GB"
    assert document.core_properties.author == "tester"
    lang = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert lang.get(qn("w:val")) == "en-GB"
    assert b"en-US" not in document.styles.element.xml.encode()
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    header = paragraph_text(section.header.paragraphs[0]._p)
    assert header == f"{title}\tAppendix 1"
    footer = section.footer.paragraphs[0]._p
    assert [f.get(qn("w:instr")) for f in footer.iter(qn("w:fldSimple"))] == [
        " PAGE ",
        " NUMPAGES ",
    ]


def test_structure_is_title_and_heading_styles_not_bold_text(repo):
    repo.new_period("FOW", "March 2020", date(2020, 3, 31), "Cabinet, 21 April 2020")
    document = word_of(repo, code="FOW")
    assert styled(document, "Title") == [
        "Future of Work in Southampton programme – Progress Report – March 2020"
    ]
    assert styled(document, "Heading1") == [
        "Summary as at 31/03/2020",
        "Changes since the last report (February 2020)",
        "Progress by recommendation",
        "Key for lead roles",
    ]
    assert [text.split(" (")[0] for text in styled(document, "Heading2")] == [
        "Milestones overdue",
        "Milestones due in the next month, by 01/05/2020",
    ]
    header = paragraph_text(document.sections[0].header.paragraphs[0]._p)
    assert header == "Cabinet, 21 April 2020"


def test_the_table_has_one_header_row_that_repeats_and_no_merged_cells(repo):
    programme = repo.load_programme("FOW")
    document = word_of(repo, code="FOW")
    table = main_table(document)
    rows = table._tbl.findall(qn("w:tr"))
    assert len(rows) == len(programme.cards) + 1
    header_flags = [row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for row in rows]
    assert header_flags == [True] + [False] * len(programme.cards)
    assert [paragraph_text(c) for c in rows[0].iter(qn("w:tc"))] == programme.column_headings
    assert not list(table._tbl.iter(qn("w:gridSpan"), qn("w:vMerge"), qn("w:hMerge")))
    assert all(len(row.findall(qn("w:tc"))) == 4 for row in rows)
    assert caption(table).startswith("Progress by recommendation, February 2020: 19 recomm")


def test_every_recommendation_and_target_in_its_row_with_bullets_as_list_bullet(repo):
    programme = repo.load_programme("FOW")
    label = programme.periods[-1].label
    rows = main_table(word_of(repo, code="FOW"))._tbl.findall(qn("w:tr"))[1:]
    for row, card in zip(rows, programme.cards, strict=True):
        first, leads, progress, next_steps = row.findall(qn("w:tc"))
        ref = f"{card.ref}." if card.ref[-1].isdigit() else card.ref
        assert squash(f"{ref} {card.title}") in squash(paragraph_text(first))
        assert paragraph_text(leads) == "/".join(card.leads)
        bullets = [p.text for p in card.progress_for(label) if p.bulleted]
        progress_bullets = [
            paragraph_text(p)
            for p in progress.findall(qn("w:p"))
            if p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None
        ]
        assert progress_bullets == bullets
        steps = [paragraph_text(p) for p in next_steps.findall(qn("w:p"))]
        for milestone in card.milestones:
            what = milestone.description + (f" – {milestone.target}" if milestone.target else "")
            assert any(step.startswith(what) for step in steps), what
    list_style = styled(word_of(repo, code="FOW"), "ListBullet")
    assert len(list_style) >= sum(len(c.milestones) for c in programme.cards)


def test_digital_strategy_we_will_and_so_that(repo):
    programme = repo.load_programme("DS2430")
    document = word_of(repo, code="DS2430")
    table = main_table(document)
    assert [c.text for c in table.rows[0].cells] == [
        "Priority – we will… so that…",
        "Lead",
        "Progress to date",
        "Next steps",
    ]
    first = [paragraph_text(p) for p in table._tbl.findall(qn("w:tr"))[1].iter(qn("w:p"))]
    for deliverable in programme.cards[0].deliverables:
        assert deliverable.text in first
        assert f"So that… {deliverable.benefit}" in first
    assert styled(document, "ListBullet")[: len(programme.introduction)] != []
    assert "Key for lead roles" not in styled(document, "Heading1")  # DS2430 has no key


def test_the_key_is_a_section_of_its_own(repo):
    document = word_of(repo, code="FOW")
    body = [paragraph_text(p) for p in document.element.body.findall(qn("w:p"))]
    start = body.index("Key for lead roles")
    assert body[start + 1 : start + 6] == [
        "EDT – Economic Development Team",
        "HOD – Head of Organisational Development",
        "HoP & ED – Head of Planning & Economic Development",
        "SAH – Solent Apprenticeship Manager",
        "SSM – Strategic Skills Manager",
    ]


def test_hostile_text_is_kept_as_text(hostile_ds2430):
    document = word_of(hostile_ds2430, code="DS2430", appendix='<b>1</b> & "2"')
    whole = whole_text(document)
    for text in [*HOSTILE_TEXT, HOSTILE_TITLE, " – ".join(HOSTILE_MILESTONE), PASTED_SHOWN]:
        assert text in whole, text
    assert 'Appendix <b>1</b> & "2"' in whole
    assert document.core_properties.title.startswith("Digital Strategy")


def test_a_one_card_export_has_that_row_and_its_milestone_table(repo):
    card = repo.load_programme("FOW").card("3")
    document = word_of(repo, code="FOW", card_ref="3")
    assert len(main_table(document).rows) == 2
    detail = document.tables[1]
    assert [c.text for c in detail.rows[0].cells] == [
        "Milestone",
        "Target",
        "Status",
        "RAG",
        "Original target",
        "Notes",
    ]
    assert [[c.text for c in row.cells][:2] for row in detail.rows[1:]] == [
        [m.description, m.target] for m in card.milestones
    ]
    assert document.core_properties.title.endswith("– recommendation 3")


def test_a_thousand_row_table_is_built_whole(repo):
    from bench.synthetic import synthetic_programme

    programme = synthetic_programme(1000, 10)
    document = docx.Document(io.BytesIO(render_docx(build_report(programme, "February 2020"))))
    rows = main_table(document)._tbl.findall(qn("w:tr"))
    assert len(rows) == 1001
    assert paragraph_text(rows[-1].find(qn("w:tc"))).startswith("RAG: ")
    assert "1000. Recommendation 1000:" in paragraph_text(rows[-1].find(qn("w:tc")))


def test_command_line_writes_the_word_appendix_and_logs_it(seeded_path: Path, tmp_path, capsys):
    target = tmp_path / "Team #2" / "appendix.docx"
    target.parent.mkdir()
    args = ["--db", str(seeded_path), "export", "docx", "-o", str(target), "--appendix", "3"]
    assert main([*args, "--programme", "DS2430"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {target}"
    document = docx.Document(str(target))
    assert paragraph_text(document.sections[0].header.paragraphs[0]._p).endswith("Appendix 3")


def test_a_published_period_keeps_what_it_was_published_with(seeded_path, tmp_path, capsys):
    """FOW's February 2020 is published with no appendix: its Word file, like its PDF, says so."""
    target = tmp_path / "appendix.docx"
    args = ["--db", str(seeded_path), "export", "docx", "-o", str(target)]
    assert main([*args, "--appendix", "3"]) == 1
    assert capsys.readouterr().err == (
        "fowdesk: error: February 2020 was published with no appendix label; "
        "a published report cannot change\n"
    )
    assert not target.exists()
    assert main(args) == 0
    header = paragraph_text(docx.Document(str(target)).sections[0].header.paragraphs[0]._p)
    assert "Appendix" not in header


def test_an_unwritable_target_is_one_line_and_leaves_no_file(seeded_path, tmp_path, capsys):
    target = tmp_path / "missing" / "appendix.docx"
    assert main(["--db", str(seeded_path), "export", "docx", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fowdesk: error: cannot write") and err.count("\n") == 1
    assert not target.parent.exists()


@pytest.mark.parametrize("code", ["FOW", "DS2430"])
def test_exporting_logs_the_docx(repo, tmp_path, code):
    written = export_docx(repo, tmp_path / f"{code}.docx", code=code)
    assert repo.export_log(code)[0].kind == "docx" and written.exists()
