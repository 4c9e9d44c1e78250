"""The report laid out one table per card (issue 17) prints the pages the long table printed.

The page each recommendation starts on is pinned from the long-table
layout; the headings are drawn once on every table page, by the page; the
milestone lines and titles made without reportlab's markup parser are the
fragments the parser makes; and a command-line export runs with full
garbage collections held back.
"""

from __future__ import annotations

import gc
import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph as ReportlabParagraph

from fowdesk.cli import main
from fowdesk.domain.model import Card, Milestone, Paragraph, Period, Programme, Rag
from fowdesk.exports import pdf_report
from fowdesk.exports.pdf_report import (
    STYLES,
    _milestone_paragraph,
    _milestone_text,
    _rag_chip,
    _rag_chip_markup,
    _runs_paragraph,
    render_report,
)
from fowdesk.exports.pdf_report import (
    Paragraph as ReportParagraph,
)
from fowdesk.exports.pdf_text import register_fonts
from fowdesk.exports.report_model import MilestoneLine
from fowdesk.storage.repository import Repository

#: (ref, page) of each recommendation's bookmark, as the single long table printed them.
LONG_TABLE_PAGES = {
    "FOW": (
        5,
        [
            ("1", 2), ("2", 2), ("3", 2), ("4", 2), ("5", 3), ("6", 3), ("7", 4), ("8", 4),
            ("9", 4), ("10", 4), ("11", 4), ("12", 4), ("13", 4), ("14", 4), ("15", 5),
            ("16", 5), ("17", 5), ("18", 5), ("19", 5),
        ],
    ),
    "DS2430": (
        7,
        [
            ("1", 2), ("2", 2), ("3", 2), ("4", 3), ("5", 3), ("6", 4), ("7", 4), ("8", 4),
            ("9", 5), ("R1", 5), ("R2", 6),
        ],
    ),
}  # fmt: skip


def bookmark_pages(pdf: bytes) -> list[tuple[str, int]]:
    reader = PdfReader(io.BytesIO(pdf))
    recommendations = next(item for item in reader.outline if isinstance(item, list))
    return [
        (mark.title.split(".")[0], reader.get_destination_page_number(mark) + 1)
        for mark in recommendations
    ]


@pytest.mark.parametrize("code", ["FOW", "DS2430"])
def test_each_seed_recommendation_starts_on_the_page_the_long_table_put_it(repo, code) -> None:
    programme = repo.load_programme(code)
    pdf = render_report(programme, programme.periods[-1].label)
    pages, starts = LONG_TABLE_PAGES[code]
    assert len(PdfReader(io.BytesIO(pdf)).pages) == pages
    assert bookmark_pages(pdf) == starts


def _long_programme(n_cards: int) -> Programme:
    period = Period("February 2020", date(2020, 2, 29))
    words = " ".join(f"word{n}" for n in range(120))
    return Programme(
        code="LONG",
        title="Long",
        periods=[period],
        cards=[
            Card(
                ref=str(i),
                title=f"Card {i}",
                leads=["EDT"],
                progress={period.label: [Paragraph(f"Card {i}: {words}") for _ in range(3)]},
                milestones=[Milestone(f"Step {i}.{m}", "March 2020") for m in range(6)],
            )
            for i in range(1, n_cards + 1)
        ],
    )


def test_every_table_page_shows_the_headings_once_above_its_cards() -> None:
    programme = _long_programme(25)
    pdf = render_report(programme, "February 2020")
    reader = PdfReader(io.BytesIO(pdf))
    table_pages = [page.extract_text() for page in reader.pages][1:]
    assert len(table_pages) > 5
    for number, text in enumerate(table_pages, start=2):
        assert text.count("Next steps") == 1, number
        assert text.index("Next steps") < text.index("word"), number
    # Every card is printed whole, across however many pages it runs.
    joined = "".join(table_pages)
    for i in range(1, 26):
        assert joined.count(f"Card {i}: word0 ") == 3, i
        assert f"Step {i}.5" in joined


def test_a_programme_with_no_recommendations_still_prints_its_table_headings() -> None:
    programme = _long_programme(0)
    texts = [
        p.extract_text()
        for p in PdfReader(io.BytesIO(render_report(programme, "February 2020"))).pages
    ]
    assert "Next steps" in texts[-1]


MILESTONES = [
    MilestoneLine(description, target, state, originally, cancelled)
    for description in ("Publish the plan – “final” Zoë’s", "R&D <pilot>", "two\nlines", " spaced ")
    for target in ("", "March 2020")
    for state in ("", "Complete 05/01/2020", "Delayed")
    for originally in (None, "no target", "May 2020")
    for cancelled in (False, True)
]


@pytest.mark.parametrize("line", MILESTONES, ids=lambda line: repr(line)[13:60])
def test_a_milestone_line_is_what_reportlabs_parser_makes_of_its_markup(line) -> None:
    register_fonts()
    ours = _milestone_paragraph(line)
    theirs = ReportlabParagraph(_milestone_text(line), STYLES.cell_bullet, bulletText="•")
    assert isinstance(ours, ReportParagraph)
    assert [vars(f) for f in ours.frags] == [vars(f) for f in theirs.frags]
    assert ours.wrap(160, 1000) == theirs.wrap(160, 1000)


@pytest.mark.parametrize("rag", list(Rag))
@pytest.mark.parametrize("title", ["Digital skills", "R&D pilot", "Zoë’s  programme"])
def test_a_titles_rag_chip_is_what_the_parser_makes_of_its_markup(rag, title) -> None:
    register_fonts()
    ours = _runs_paragraph(
        [
            (f"\u00a0{rag.value}\u00a0", _rag_chip_markup(rag)),
            (" ", "{}"),
            (f"7. {title}", "<b>{}</b>"),
        ],
        STYLES.cell,
        f"{_rag_chip(rag)} <b>7. {pdf_report.markup(title)}</b>",
    )
    theirs = ReportlabParagraph(
        f"{_rag_chip(rag)} <b>7. {pdf_report.markup(title)}</b>", STYLES.cell
    )
    assert [vars(f) for f in ours.frags] == [vars(f) for f in theirs.frags]


def test_a_command_line_export_holds_back_full_collections(
    seeded_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    render = pdf_report.render_report_model

    def watched(report):  # the real renderer, watched
        seen.append(gc.get_threshold())
        return render(report)

    monkeypatch.setattr(pdf_report, "render_report_model", watched)
    assert main(["--db", str(seeded_path), "export", "pdf", "-o", str(tmp_path / "r.pdf")]) == 0
    assert seen and seen[0][2] > 10**6 and seen[0][:2] == before[:2]
    assert gc.get_threshold() == before
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    Repository.open(seeded_path).close()
