"""The accessible HTML report, read back as a browser and a screen reader see its structure."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from conftest import (
    HOSTILE_LEAD,
    HOSTILE_MILESTONE,
    HOSTILE_ROLE,
    HOSTILE_TEXT,
    HOSTILE_TITLE,
    PASTED_SHOWN,
)

from fowdesk.cli import main
from fowdesk.exports.html_report import export_html, render_html, report_html_text
from fowdesk.exports.report_model import build_report


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def html_of(repo, **options) -> str:
    return report_html_text(repo, **options)[2]


def parse(html: str):
    return lxml.html.document_fromstring(html)


def texts(elements) -> list[str]:
    return [" ".join(e.text_content().split()) for e in elements]


def test_one_self_contained_document_in_british_english_with_one_h1(repo):
    html = html_of(repo, code="FOW")
    page = parse(html)
    assert html.startswith("<!DOCTYPE html>")
    assert page.get("lang") == "en-GB"
    assert texts(page.xpath("//title")) == [
        "Future of Work in Southampton programme – Progress Report – February 2020"
    ]
    assert texts(page.xpath("//h1")) == texts(page.xpath("//title"))
    assert len(page.xpath("//main")) == 1
    assert page.xpath("//main//h1") and page.xpath("//main//table")
    # Nothing runs, nothing is fetched: no scripts, no links out, no images, no web fonts.
    assert not page.xpath("//script | //img | //link | //iframe | //object | //embed")
    assert not page.xpath("//*[@src]")
    assert all(href.startswith("#") for href in page.xpath("//@href"))
    style = "".join(page.xpath("//style/text()"))
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    policy = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert policy == ["default-src 'none'; style-src 'unsafe-inline'"]


def test_sections_are_h2_headings_in_the_reports_order(repo):
    repo.new_period("FOW", "March 2020", date(2020, 3, 31), "Cabinet, 21 April 2020")
    page = parse(html_of(repo, code="FOW"))
    assert texts(page.xpath("//h2")) == [
        "Summary as at 31/03/2020",
        "Changes since the last report (February 2020)",
        "Progress by recommendation",
        "Key for lead roles",
    ]
    summary = build_report(repo.load_programme("FOW"), "March 2020").summary
    assert summary is not None and summary.upcoming
    assert texts(page.xpath("//h3")) == [
        f"Milestones overdue ({len(summary.overdue)})",
        f"Milestones due in the next month, by 01/05/2020 ({len(summary.upcoming)})",
    ]
    for section in page.xpath("//section"):
        heading = section.xpath("./h2")[0]
        assert section.get("aria-labelledby") == heading.get("id")
    # Time moved some RAGs: spelt out, where the printed PDF gives the letters.
    changes = page.xpath("//section[@aria-labelledby='changes']/table/tbody/tr")
    assert ["1", "RAG moved", "Green", "Amber"] in [texts(row.xpath("./td")) for row in changes]
    # The contents list links to each section.
    assert page.xpath("//nav[@aria-label='Contents']//a/@href") == [
        "#summary",
        "#changes",
        "#progress",
        "#key",
    ]


def test_the_table_has_a_caption_column_headers_and_one_row_per_recommendation(repo):
    programme = repo.load_programme("FOW")
    page = parse(html_of(repo, code="FOW"))
    table = page.xpath("//table[@class='report']")[0]
    assert texts(table.xpath("./caption")) == [
        "Progress by recommendation, February 2020: 19 recommendations, "
        "each with its RAG as at 29/02/2020"
    ]
    headers = table.xpath("./thead/tr/th")
    assert texts(headers) == programme.column_headings
    assert {th.get("scope") for th in headers} == {"col"}
    rows = table.xpath("./tbody/tr")
    assert len(rows) == len(programme.cards)
    assert all(len(row.xpath("./td")) == 4 for row in rows)
    assert not table.xpath(".//*[@colspan or @rowspan]")


def test_every_recommendation_lead_progress_bullet_and_target_is_in_its_row(repo):
    programme = repo.load_programme("FOW")
    label = programme.periods[-1].label
    rows = parse(html_of(repo, code="FOW")).xpath("//table[@class='report']/tbody/tr")
    for row, card in zip(rows, programme.cards, strict=True):
        first, leads, progress, next_steps = row.xpath("./td")
        ref = f"{card.ref}." if card.ref[-1].isdigit() else card.ref
        assert squash(f"{ref} {card.title}") in squash(first.text_content())
        assert leads.text_content() == "/".join(card.leads)
        assert texts(leads.xpath(".//abbr")) == [code for code in card.leads if code != "SLE"]
        bullets = [p.text for p in card.progress_for(label) if p.bulleted]
        assert texts(progress.xpath("./ul/li")) == [" ".join(b.split()) for b in bullets]
        items = texts(next_steps.xpath("./ul/li"))
        assert len(items) == len(card.milestones)
        for item, milestone in zip(items, card.milestones, strict=True):
            what = milestone.description + (f" – {milestone.target}" if milestone.target else "")
            assert item.startswith(" ".join(what.split())), (item, what)


def test_leads_are_abbreviations_whose_title_is_the_role(repo):
    page = parse(html_of(repo, code="FOW"))
    roles = {code: role for code, role in (("EDT", "Economic Development Team"),)}
    abbrs = page.xpath("//table[@class='report']//abbr")
    assert abbrs and all(a.get("title") for a in abbrs)
    assert {a.text: a.get("title") for a in abbrs if a.text == "EDT"} == roles
    key = page.xpath("//section[@aria-labelledby='key']/dl[@class='key']")[0]
    assert texts(key.xpath(".//dt")) == ["EDT", "HOD", "HoP & ED", "SAH", "SSM"]
    assert texts(key.xpath(".//dd"))[2] == "Head of Planning & Economic Development"


def test_rag_is_a_word_not_only_a_colour(repo):
    programme = repo.load_programme("FOW")
    rows = parse(html_of(repo, code="FOW")).xpath("//table[@class='report']/tbody/tr")
    for row in rows:
        chip = row.xpath("./td[1]/p[@class='rec']/span[contains(@class, 'rag')]")[0]
        assert chip.text_content() in {f"RAG: {w}" for w in ("Red", "Amber", "Green", "Complete")}
    counts = parse(html_of(repo, code="FOW")).xpath("//table[@class='counts']/tbody/tr/th")
    assert texts(counts) == ["Red", "Amber", "Green", "Complete", "Total"]
    assert len(rows) == len(programme.cards)


def test_digital_strategy_keeps_its_headings_we_will_and_so_that(repo):
    programme = repo.load_programme("DS2430")
    page = parse(html_of(repo, code="DS2430"))
    headers = texts(page.xpath("//table[@class='report']/thead/tr/th"))
    assert headers == ["Priority – we will… so that…", "Lead", "Progress to date", "Next steps"]
    first = page.xpath("//table[@class='report']/tbody/tr[1]/td[1]")[0]
    deliverables = first.xpath("./ul/li")
    assert len(deliverables) == len(programme.cards[0].deliverables)
    for item, deliverable in zip(deliverables, programme.cards[0].deliverables, strict=True):
        benefit = item.xpath("./p[@class='benefit']")[0]
        assert " ".join(benefit.text_content().split()) == f"So that… {deliverable.benefit}"
        assert squash(deliverable.text) in squash(item.text_content())
    roadmap = next(c for c in programme.cards if c.title.startswith("Roadmap"))
    whole = squash(page.text_content())
    for milestone in roadmap.milestones:
        assert squash(f"{milestone.description} – {milestone.target}") in whole


def test_hostile_text_is_shown_as_text_never_as_markup(hostile_ds2430):
    html = html_of(hostile_ds2430, code="DS2430", appendix='<b>1</b> & "2"')
    page = parse(html)
    assert not page.xpath("//script | //img | //b | //i | //pilot")
    assert len(page.xpath("//h1")) == 1  # the typed "<h1>fake heading</h1>" is text
    whole = page.text_content()
    for text in [*HOSTILE_TEXT, HOSTILE_TITLE, " – ".join(HOSTILE_MILESTONE)]:
        assert text in whole, text
    assert PASTED_SHOWN.split("\n")[0] in whole and "second line" in whole
    assert "<b>deliver</b> & more" in whole and "So that… <i>benefit</i> & so on" in whole
    assert "RAG set by officer: Amber" in whole and "<script>why</script> & because" in whole
    assert 'Appendix <b>1</b> & "2"' in whole
    abbr = page.xpath("//table[@class='report']//abbr")[0]
    assert (abbr.text, abbr.get("title")) == (HOSTILE_LEAD, HOSTILE_ROLE)
    # The running header in the print stylesheet is a CSS string that cannot break out.
    style = "".join(page.xpath("//style/text()"))
    assert "</" not in style and '"Appendix \\3c b\\3e 1\\3c /b\\3e  \\26  \\22 2\\22 "' in style
    # The progress paragraph keeps its line break; control characters are gone.
    assert "\x0c" not in html and "\x07" not in html and "\x00" not in html
    assert "\uffff" not in html and "gone<br>second line" in html


def test_a_one_card_export_is_that_recommendation_and_its_milestones(repo):
    programme = repo.load_programme("FOW")
    card = programme.card("3")
    page = parse(html_of(repo, code="FOW", card_ref="3"))
    assert texts(page.xpath("//title")) == [
        "Future of Work in Southampton programme – Progress Report – February 2020"
        " – recommendation 3"
    ]
    assert texts(page.xpath("//h2")) == ["Recommendation", "Milestones", "Key for lead roles"]
    assert len(page.xpath("//table[@class='report']/tbody/tr")) == 1
    detail = page.xpath("//section[@aria-labelledby='milestones']/table")[0]
    assert texts(detail.xpath("./thead/tr/th")) == [
        "Milestone",
        "Target",
        "Status",
        "RAG",
        "Original target",
        "Notes",
    ]
    rows = detail.xpath("./tbody/tr")
    assert [texts(r.xpath("./td"))[:2] for r in rows] == [
        [m.description, m.target] for m in card.milestones
    ]


def test_changes_since_the_last_report_and_a_published_period_from_its_snapshot(repo):
    programme = repo.load_programme("FOW")
    card = programme.cards[0]
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    repo.update_card(card.uuid, card.version, title="A new title & <more>")
    current = parse(html_of(repo, code="FOW"))
    changes = current.xpath("//section[@aria-labelledby='changes']/table")[0]
    assert texts(changes.xpath("./thead/tr/th")) == ["Rec", "What changed", "Was", "Now"]
    assert ["1", "Title changed", card.title, "A new title & <more>"] in [
        texts(row.xpath("./td")) for row in changes.xpath("./tbody/tr")
    ]
    # February 2020 was published: its HTML is the frozen report, as its PDF is.
    published = parse(html_of(repo, code="FOW", period="February 2020"))
    whole = published.text_content()
    assert card.title in whole and "A new title" not in whole
    assert not published.xpath("//section[@aria-labelledby='changes']")  # nothing before it
    # --no-changes leaves the section out.
    assert not parse(html_of(repo, code="FOW", include_changes=False)).xpath(
        "//section[@aria-labelledby='changes']"
    )


def test_an_open_period_with_no_edits_says_nothing_has_changed(repo):
    repo.publish_period("DS2430", "April 2024")
    repo.new_period("DS2430", "May 2024", date(2024, 5, 31))  # "Now/Next/Later": no RAG moves
    page = parse(html_of(repo, code="DS2430"))
    section = page.xpath("//section[@aria-labelledby='changes']")[0]
    assert "Nothing has changed since the last report." in section.text_content()


def test_the_print_stylesheet_is_a4_landscape_with_the_header_row_repeated(repo):
    style = "".join(parse(html_of(repo, code="FOW")).xpath("//style/text()"))
    assert "size: A4 landscape" in style
    assert "thead { display: table-header-group; }" in style
    assert "tr { break-inside: avoid; }" in style
    assert 'counter(page) " of " counter(pages)' in style


def test_the_same_data_gives_the_same_file(repo):
    """No dates or random ids in the file: a reprint is byte for byte the same."""
    assert html_of(repo, code="DS2430") == html_of(repo, code="DS2430")


def test_render_needs_no_database(repo):
    programme = repo.load_programme("FOW")
    repo.close()
    html = render_html(build_report(programme, "February 2020", appendix="2"))
    assert "Appendix 2" in html


def test_command_line_writes_the_html_and_logs_it(seeded_path: Path, tmp_path: Path, capsys):
    target = tmp_path / "Zoë’s programme" / "report.html"
    target.parent.mkdir()
    assert main(["--db", str(seeded_path), "export", "html", "-o", str(target), "--card", "2"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {target}"
    page = parse(target.read_text(encoding="utf-8"))
    assert len(page.xpath("//table[@class='report']/tbody/tr")) == 1
    assert main(["--db", str(seeded_path), "export", "html"]) == 0
    default = Path(capsys.readouterr().out.strip().removeprefix("wrote "))
    assert default.name == "FOW report February 2020.html" and default.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--card", "99"], "fowdesk: error: no recommendation '99' in FOW"),
        (["--period", "June 1999"], "fowdesk: error: no reporting period 'June 1999' in FOW"),
    ],
)
def test_command_line_errors_are_one_line(seeded_path, tmp_path, capsys, args, message):
    target = tmp_path / "report.html"
    assert main(["--db", str(seeded_path), "export", "html", "-o", str(target), *args]) == 1
    assert capsys.readouterr().err.strip() == message
    assert not target.exists()


def test_exporting_logs_the_html_with_its_period(repo, tmp_path):
    written = export_html(repo, tmp_path / "fow.html", code="FOW")
    record = repo.export_log("FOW")[0]
    assert (record.kind, record.period_label, record.filename) == (
        "html",
        "February 2020",
        str(written),
    )


def test_a_published_period_prints_with_what_it_was_published_with(repo):
    """Published as Appendix 7 for Cabinet: the HTML, like the PDF, says so, whatever changes."""
    from fowdesk.domain.publishing import ReportOptions
    from fowdesk.exports.publishing import publish_report

    publish_report(repo, "DS2430", "April 2024", ReportOptions.given("7"), meeting="Cabinet")
    card = repo.load_programme("DS2430").cards[0]
    repo.update_card(card.uuid, card.version, title="Retitled after publishing")
    page = parse(html_of(repo, code="DS2430"))
    whole = page.text_content()
    assert "Appendix 7" in whole and "Cabinet" in whole
    assert card.title in whole and "Retitled after publishing" not in whole
