"""Publishing fixes what it prints: options stored with the bytes, reprints never differ."""

from __future__ import annotations

import io
import re
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlite_utils
from pypdf import PdfReader

from fowdesk import cli
from fowdesk.domain.model import Paragraph
from fowdesk.domain.publishing import (
    PublishedReport,
    ReportOptions,
    publication_status,
    publish_warnings,
)
from fowdesk.errors import FowdeskError, PeriodPublished, StaleEdit
from fowdesk.exports.frozen import reprint_info
from fowdesk.exports.pdf_report import export_report, report_pdf_bytes
from fowdesk.exports.publishing import publish_report
from fowdesk.storage.repository import Repository
from fowdesk.storage.schema import MIGRATIONS

MEETING = "Cabinet, 21 April 2020"
PUBLISHED_REPORTS_MIGRATION = next(
    m for m in MIGRATIONS if m.__name__ == "_migration_3_published_reports"
)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))


def run(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["--db", str(db), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def stored_pdf(db: Path, label: str) -> bytes | None:
    repo = Repository.open(db)
    try:
        return repo.period_pdf("FOW", label)
    finally:
        repo.close()


# ----------------------------------------------------------------------------- the command line


def test_publish_with_options_then_every_reprint_gives_the_same_bytes(
    seeded_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded_path
    assert run(db, "period", "new", "--next", capsys=capsys)[0] == 0
    code, out, err = run(
        db, "period", "publish", "March 2020", "--appendix", "7", "--meeting", MEETING,
        capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "FOW: published period 'March 2020' as Appendix 7; its report is now frozen" in out
    published = stored_pdf(db, "March 2020")
    assert published is not None
    pages = pdf_pages(published)
    for number, text in enumerate(pages, start=1):
        assert text.startswith(MEETING), text[:80]
        assert "Appendix 7" in text
        assert f"Page {number} of {len(pages)}" in text

    reprints = []
    for name, options in [
        ("plain.pdf", []),
        ("same-appendix.pdf", ["--appendix", "7"]),
        ("with-changes.pdf", ["--changes"]),
    ]:
        target = tmp_path / name
        code, _, err = run(
            db, "export", "pdf", "--period", "March 2020", "-o", str(target), *options,
            capsys=capsys,
        )  # fmt: skip
        assert code == 0, err
        reprints.append(target.read_bytes())
    assert reprints == [published] * 3


def test_a_reprint_with_other_options_is_refused_with_one_line(
    seeded_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded_path
    run(db, "period", "new", "--next", capsys=capsys)
    run(db, "period", "publish", "March 2020", "--appendix", "7", capsys=capsys)
    target = tmp_path / "other.pdf"
    code, _, err = run(
        db, "export", "pdf", "--period", "March 2020", "--appendix", "9", "-o", str(target),
        capsys=capsys,
    )  # fmt: skip
    assert code == 1
    assert err == (
        "fowdesk: error: March 2020 was published as Appendix 7; a published report cannot change\n"
    )
    assert not target.exists()
    code, _, err = run(
        db, "export", "pdf", "--period", "March 2020", "--no-changes", "-o", str(target),
        capsys=capsys,
    )  # fmt: skip
    assert code == 1
    assert "with the changes section; a published report cannot change" in err
    assert not target.exists()


def test_draft_exports_before_publishing_freeze_nothing(
    seeded_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded_path
    run(db, "period", "new", "--next", capsys=capsys)
    drafts = {}
    for number in ("7", "9"):
        target = tmp_path / f"draft {number}.pdf"
        code, _, err = run(
            db, "export", "pdf", "--appendix", number, "-o", str(target), capsys=capsys
        )
        assert code == 0, err
        drafts[number] = pdf_text(target.read_bytes())
        assert stored_pdf(db, "March 2020") is None
    assert "Appendix 7" in drafts["7"] and "Appendix 9" not in drafts["7"]
    assert "Appendix 9" in drafts["9"] and "Appendix 7" not in drafts["9"]

    run(db, "period", "publish", "March 2020", "--appendix", "8", capsys=capsys)
    after = tmp_path / "after.pdf"
    assert run(db, "export", "pdf", "-o", str(after), capsys=capsys)[0] == 0
    text = pdf_text(after.read_bytes())
    assert "Appendix 8" in text and "Appendix 7" not in text and "Appendix 9" not in text


def test_the_seeds_february_is_rendered_once_with_no_options_and_kept(
    seeded_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded_path
    assert stored_pdf(db, "February 2020") is None  # the seed ships no report
    first = tmp_path / "feb.pdf"
    assert run(db, "export", "pdf", "-o", str(first), capsys=capsys)[0] == 0
    assert stored_pdf(db, "February 2020") == first.read_bytes()
    assert "Appendix" not in pdf_text(first.read_bytes())
    code, _, err = run(
        db, "export", "pdf", "--period", "February 2020", "--appendix", "2", "-o",
        str(tmp_path / "two.pdf"), capsys=capsys,
    )  # fmt: skip
    assert code == 1
    assert err == (
        "fowdesk: error: February 2020 was published with no appendix label; "
        "a published report cannot change\n"
    )


def test_a_first_print_with_options_does_not_fix_the_seeds_report(
    seeded_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The old bug: a draft print with --appendix froze that label for good."""
    db = seeded_path
    code, _, _ = run(
        db, "export", "pdf", "--appendix", "7", "-o", str(tmp_path / "a.pdf"), capsys=capsys
    )
    assert code == 1
    assert stored_pdf(db, "February 2020") is None


def test_dry_run_lists_the_warnings_and_publishes_nothing(
    seeded_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded_path
    run(db, "period", "new", "--next", capsys=capsys)
    code, out, err = run(db, "period", "publish", "March 2020", "--dry-run", capsys=capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == (
        "18 recommendations have no update for March 2020: "
        "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19"
    )  # rec 12's whole cell is "See point 17"
    assert "lead code 'SLE' is not in the lead-role key: rec 8" in lines
    assert lines[-1] == "FOW: dry run; March 2020 was not published"
    repo = Repository.open(db)
    try:
        period = repo.load_programme("FOW").period("March 2020")
        assert period is not None and not period.published
    finally:
        repo.close()
    # Publishing lists the same, then publishes.
    code, out, _ = run(db, "period", "publish", "March 2020", capsys=capsys)
    assert code == 0
    assert out.splitlines()[0].startswith("18 recommendations have no update for March 2020")
    assert out.splitlines()[-1].startswith("FOW: published period 'March 2020'")


def test_publish_refusals_are_one_line(
    seeded_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded_path
    code, _, err = run(db, "period", "publish", "February 2020", "--dry-run", capsys=capsys)
    assert (code, err) == (1, "fowdesk: error: period 'February 2020' is already published\n")
    code, _, err = run(db, "period", "publish", "June 2031", capsys=capsys)
    assert (code, err) == (1, "fowdesk: error: no reporting period 'June 2031' in FOW\n")


def test_meeting_sets_the_periods_meeting_line(
    seeded_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded_path
    run(db, "period", "new", "--next", "--meeting", "Scrutiny Panel", capsys=capsys)
    run(db, "period", "publish", "March 2020", "--meeting", MEETING, capsys=capsys)
    repo = Repository.open(db)
    try:
        march = repo.load_programme("FOW").period("March 2020")
        assert march is not None and march.meeting == MEETING
        frozen = repo.published_programme("FOW", "March 2020")
        frozen_march = frozen.period("March 2020") if frozen else None
        assert frozen_march is not None and frozen_march.meeting == MEETING
        assert any(e.field == "meeting (March 2020)" for e in repo.audit_for(["FOW"]))
    finally:
        repo.close()


# ----------------------------------------------------------------------------- warnings


def test_warnings_name_overdue_milestones_and_redating_without_a_reason(repo: Repository) -> None:
    repo.new_period("FOW", "June 2020", date(2020, 6, 30))
    programme = repo.load_programme("FOW")
    card2 = programme.card("2")
    assert card2 is not None
    slipped = card2.milestones[1]
    repo.revise_target(slipped.uuid, slipped.version, "May 2020", "")  # an import, no reason
    card1 = programme.card("1")
    assert card1 is not None
    repo.set_progress(card1.uuid, "June 2020", [Paragraph("EDS brief agreed")], card1.version)

    warnings = publish_warnings(repo.load_programme("FOW"), "June 2020")
    lines = warnings.lines()
    assert lines[0].startswith("17 recommendations have no update for June 2020: 2, 3,")
    assert any(
        line.startswith("1 milestone was re-dated without a reason: rec 2 ") for line in lines
    )
    overdue = next(line for line in lines if "overdue as at 30/06/2020" in line)
    assert "rec 2 Clear RSA for exemption as an SCC supplier (March 2020)" in overdue
    assert [m.card_uuid for m in warnings.redated_without_reason] == [card2.uuid]
    assert "SLE" in warnings.unknown_leads


# ----------------------------------------------------------------------------- storage


def test_publishing_stores_the_bytes_and_options_and_describes_the_reprint(
    repo: Repository,
) -> None:
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    assert reprint_info(repo, "FOW", "March 2020") is None  # open: nothing to reprint
    report = publish_report(
        repo, "FOW", "March 2020", ReportOptions.given("7", None), meeting=MEETING
    )
    assert repo.period_pdf("FOW", "March 2020") == report.pdf
    assert repo.period_report_options("FOW", "March 2020") == ReportOptions("7", True)
    info = reprint_info(repo, "FOW", "March 2020")
    assert info is not None
    assert info.description == f"Reprint of the published report (Appendix 7, {MEETING})"
    assert info.options.appendix == "7"
    assert report_pdf_bytes(repo, code="FOW", period="March 2020")[2] == report.pdf


def test_the_seeds_period_is_published_seeded_not_on_the_files_creation_date(
    repo: Repository,
) -> None:
    february = repo.load_programme("FOW").period("February 2020")
    assert february is not None and february.seeded
    assert publication_status(february) == "published (seeded)"
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    publish_report(repo, "FOW", "March 2020")
    march = repo.load_programme("FOW").period("March 2020")
    assert march is not None and not march.seeded
    assert publication_status(march) == f"published on {date.today():%d/%m/%Y}"


def test_a_report_drawn_from_data_that_has_since_changed_is_not_stored(repo: Repository) -> None:
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    at = datetime(2020, 4, 21, 10, 0)
    draft = repo.publication_draft("FOW", "March 2020", at=at)
    card = repo.load_programme("FOW").card("4")
    assert card is not None
    repo.update_card(card.uuid, card.version, status="On hold")  # saved while drawing
    stale = PublishedReport(draft, b"%PDF-stale", ReportOptions().settled(), at)
    with pytest.raises(StaleEdit, match="publish again"):
        repo.publish_period("FOW", "March 2020", report=stale)
    march = repo.load_programme("FOW").period("March 2020")
    assert march is not None and not march.published
    assert repo.period_pdf("FOW", "March 2020") is None


def test_narrative_cannot_be_written_into_a_published_period(repo: Repository) -> None:
    card = repo.load_programme("FOW").card("3")
    assert card is not None
    with pytest.raises(PeriodPublished, match="February 2020 is published"):
        repo.set_progress(card.uuid, "February 2020", [Paragraph("Too late")], card.version)
    unchanged = repo.card(card.uuid)
    assert unchanged.progress_for("February 2020") == card.progress_for("February 2020")
    assert unchanged.version == card.version
    # Saving the same text again is not an edit, so it is not refused.
    repo.set_progress(card.uuid, "February 2020", card.progress_for("February 2020"), card.version)
    # A new card cannot bring narrative into the closed period either.
    with pytest.raises(PeriodPublished):
        repo.add_card("FOW", "20", "Late card", progress={"February 2020": [Paragraph("x")]})
    assert repo.load_programme("FOW").card("20") is None


def test_a_file_from_before_report_options_keeps_its_printed_report(
    seeded_path: Path, tmp_path: Path
) -> None:
    """Schema 2: the first print was kept, whatever it was printed with."""
    repo = Repository.open(seeded_path)
    export_report(repo, tmp_path / "first.pdf", code="FOW")
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    repo.close()
    # The periods table as schema 2 left it, then this migration run on it.
    conn = sqlite3.connect(seeded_path)
    conn.execute("ALTER TABLE periods DROP COLUMN report_options")
    conn.execute("ALTER TABLE periods DROP COLUMN seeded")
    conn.commit()
    conn.close()
    db = sqlite_utils.Database(seeded_path)
    PUBLISHED_REPORTS_MIGRATION(db)
    db.conn.commit()
    db.close()

    repo = Repository.open(seeded_path)
    try:
        periods = {p.label: p for p in repo.load_programme("FOW").periods}
        assert periods["February 2020"].seeded  # published as the seed was inserted
        assert not periods["March 2020"].seeded
        options = repo.period_report_options("FOW", "February 2020")
        assert options is not None and not options.known
        kept = (tmp_path / "first.pdf").read_bytes()
        # Nothing is known to compare with: the kept bytes are the answer.
        again = report_pdf_bytes(repo, code="FOW", period="February 2020", appendix="3")[2]
        assert again == kept
        info = reprint_info(repo, "FOW", "February 2020")
        assert info is not None and info.description.endswith("(as first printed)")
    finally:
        repo.close()


def test_the_changes_section_shows_the_added_sentence_not_two_equal_openings(
    repo: Repository, tmp_path: Path
) -> None:
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    card = repo.load_programme("FOW").card("2")
    assert card is not None
    february = card.progress_for("February 2020")
    added = "RSA exemption cleared by the procurement board on 12 March."
    repo.set_progress(card.uuid, "March 2020", [*february, Paragraph(added)], card.version)
    text = squash(pdf_text(export_report(repo, tmp_path / "m.pdf", code="FOW").read_bytes()))
    changes = text[text.index(squash("Changes since the last report")) :]
    assert squash(f"Nothing removed Added: {added}") in changes
    opening = squash(february[0].text[:60])
    assert changes.count(opening) <= 1  # the main table may print it; the changes row does not


def test_publish_fails_cleanly_for_a_period_already_published(repo: Repository) -> None:
    with pytest.raises(FowdeskError, match="already published"):
        publish_report(repo, "FOW", "February 2020")
