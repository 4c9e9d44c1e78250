"""Published periods print as reported; the changes section says what moved since."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from fowdesk import cli, paths
from fowdesk.domain.model import Paragraph
from fowdesk.errors import FowdeskError, NotFound
from fowdesk.exports.pdf_report import export_report, render_report
from fowdesk.storage.repository import Repository

RSA = "Clear RSA for exemption as an SCC supplier"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def rsa_milestone(repo: Repository):
    card = repo.load_programme("FOW").card("2")
    return next(m for m in card.milestones if m.description == RSA)


def slip_rsa(repo: Repository, to: str = "May 2020") -> None:
    milestone = rsa_milestone(repo)
    repo.revise_target(milestone.uuid, milestone.version, to, "RSA legal review took longer")


def test_reprinting_a_published_period_gives_the_first_print_back_byte_for_byte(repo, tmp_path):
    first = export_report(repo, tmp_path / "first.pdf", code="FOW").read_bytes()
    assert repo.period_pdf("FOW", "February 2020") == first
    slip_rsa(repo)
    card = repo.load_programme("FOW").card("9")
    repo.update_card(card.uuid, card.version, title="Renamed after the meeting")
    again = export_report(repo, tmp_path / "again.pdf", code="FOW").read_bytes()
    assert again == first
    # The seed's report was published with no appendix label: asking for one is refused.
    with pytest.raises(FowdeskError, match="published with no appendix label"):
        export_report(repo, tmp_path / "other.pdf", code="FOW", appendix="7")
    assert not (tmp_path / "other.pdf").exists()


def test_a_published_period_prints_from_its_snapshot_not_current_data(repo, tmp_path):
    # Never printed before the edit: the first print still shows the frozen target.
    slip_rsa(repo)
    text = squash(pdf_text(export_report(repo, tmp_path / "feb.pdf", code="FOW").read_bytes()))
    assert squash(f"{RSA} – March 2020") in text
    assert squash(f"{RSA} – May 2020") not in text


def test_publish_edit_export_names_the_change_and_the_old_report_is_unchanged(repo, tmp_path):
    february = export_report(repo, tmp_path / "feb.pdf", code="FOW").read_bytes()
    repo.new_period("FOW", "March 2020", date(2020, 3, 31), meeting="Scrutiny Panel, 9 April 2020")
    slip_rsa(repo)

    march = export_report(repo, tmp_path / "march.pdf", code="FOW").read_bytes()
    text = squash(pdf_text(march))
    assert squash("Changes since the last report (February 2020)") in text
    assert squash(f"Milestone re-dated: {RSA}") in text
    assert squash("March 2020May 2020") in text  # was, now
    assert squash(f"{RSA} – May 2020 (originally March 2020)") in text
    assert squash("Future of Work in Southampton programme – Progress Report – March 2020") in text
    assert squash("Scrutiny Panel, 9 April 2020") in text

    reprint = export_report(
        repo, tmp_path / "feb-again.pdf", code="FOW", period="February 2020"
    ).read_bytes()
    assert reprint == february


def test_every_page_of_a_later_report_carries_its_meeting_appendix_key_and_number(repo, tmp_path):
    repo.new_period("FOW", "March 2020", date(2020, 3, 31), meeting="Scrutiny Panel, 9 April 2020")
    slip_rsa(repo)
    data = export_report(repo, tmp_path / "m.pdf", code="FOW", appendix="1").read_bytes()
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    for number, text in enumerate(pages, start=1):
        assert text.startswith("Scrutiny Panel, 9 April 2020"), text[:80]
        assert "Appendix 1" in text
        assert squash("KEY FOR LEAD ROLE:") in squash(text)
        assert f"Page {number} of {len(pages)}" in text
    first_table_page = next(i for i, t in enumerate(pages) if "FoW report recommendation" in t)
    for text in pages[first_table_page:]:
        assert squash("Progress to date against agreed actions in FoW action plan") in squash(text)


def test_the_changes_section_can_be_left_out(repo, tmp_path):
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    slip_rsa(repo)
    data = export_report(repo, tmp_path / "m.pdf", code="FOW", include_changes=False).read_bytes()
    assert "Changes since the last report" not in pdf_text(data)


def test_an_open_period_with_no_edits_says_nothing_has_changed(repo, tmp_path):
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    text = pdf_text(render_report(repo.load_programme("FOW"), "March 2020", changes=[]))
    assert "Changes since the last report (February 2020)" in text
    assert "Nothing has changed since the last report." in text


def test_rag_moved_by_the_passing_of_time_is_listed_as_a_change(repo, tmp_path):
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    text = squash(pdf_text(export_report(repo, tmp_path / "m.pdf", code="FOW").read_bytes()))
    assert squash("RAG moved") in text


def test_a_new_periods_empty_narrative_says_so_rather_than_printing_last_months(repo, tmp_path):
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    card = repo.load_programme("FOW").card("1")
    repo.set_progress(card.uuid, "March 2020", [Paragraph("EDS brief agreed")], card.version)
    text = squash(pdf_text(export_report(repo, tmp_path / "m.pdf", code="FOW").read_bytes()))
    assert squash("EDS brief agreed") in text
    assert squash("No update for this period.") in text
    # Rec 2 wrote nothing for March: its February narrative is not reprinted as March's.
    assert squash("Ongoing discussions with RSA on delivery of CofL") not in text


def test_the_second_published_report_lists_changes_since_the_first(repo, tmp_path):
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    slip_rsa(repo)
    repo.publish_period("FOW", "March 2020")
    slip_rsa(repo, "December 2029")  # after publishing: must not appear in March's report
    text = squash(pdf_text(export_report(repo, tmp_path / "m.pdf", code="FOW").read_bytes()))
    assert squash(f"Milestone re-dated: {RSA}") in text
    assert squash(f"{RSA} – May 2020") in text
    assert squash("December 2029") not in text


def test_every_export_is_logged_with_its_period_and_file(repo, tmp_path):
    written = export_report(repo, tmp_path / "r.pdf", code="FOW")
    export_report(repo, tmp_path / "c.pdf", code="FOW", card_ref="7")
    log = [r for r in repo.export_log("FOW") if r.kind == "pdf"]
    assert len(log) == 2
    assert {r.period_label for r in log} == {"February 2020"}
    assert str(written) in {r.filename for r in log}
    assert all(r.who == "tester" for r in log)


def test_one_card_export_prints_that_recommendation_alone_for_a_briefing(repo, tmp_path):
    data = export_report(repo, tmp_path / "rec7.pdf", code="FOW", card_ref="7").read_bytes()
    reader = PdfReader(io.BytesIO(data))
    text = squash(pdf_text(data))
    assert squash("7. Leadership & Management Training") in text
    assert squash("Value proposition developed – May 2020") in text
    assert squash("8. Establish a better platform") not in text
    assert squash("Summary as at") not in text
    assert len(reader.pages) <= 2
    assert "recommendation 7" in reader.metadata.title
    assert squash("RAG as at 29/02/2020") in text
    assert "Page1of" in text
    # A card export of a published period is not the stored report.
    assert repo.period_pdf("FOW", "February 2020") is None


def test_unknown_period_or_card_is_a_clear_error(repo, tmp_path):
    with pytest.raises(NotFound, match="March 2031"):
        export_report(repo, tmp_path / "x.pdf", code="FOW", period="March 2031")
    with pytest.raises(NotFound, match="99"):
        export_report(repo, tmp_path / "x.pdf", code="FOW", card_ref="99")
    with pytest.raises(NotFound):
        render_report(repo.load_programme("FOW"), "No such period")
    assert not (tmp_path / "x.pdf").exists()


def test_without_a_file_name_the_report_goes_to_the_exports_folder(repo, tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "default_exports_dir", lambda: tmp_path / "exports")
    written = export_report(repo, None, code="DS2430", card_ref="3")
    assert written == tmp_path / "exports" / "DS2430 report April 2024 rec 3.pdf"
    assert written.read_bytes().startswith(b"%PDF")


def test_a_target_that_cannot_be_written_gets_one_clear_line(repo, tmp_path):
    folder = tmp_path / "report.pdf"
    folder.mkdir()
    with pytest.raises(FowdeskError, match="it is a folder"):
        export_report(repo, folder, code="FOW")
    with pytest.raises(FowdeskError, match="does not exist"):
        export_report(repo, tmp_path / "missing" / "r.pdf", code="FOW")


def test_command_line_exports_the_period_with_an_appendix_label(seeded_path, tmp_path, capsys):
    out = tmp_path / "appendix.pdf"
    db = str(seeded_path)
    assert cli.main(["--db", db, "period", "new", "--next"], out=io.StringIO()) == 0
    code = cli.main(
        ["--db", db, "export", "pdf", "-o", str(out), "--appendix", "2"], out=io.StringIO()
    )
    assert code == 0
    text = pdf_text(out.read_bytes())
    assert "Appendix 2" in text
    assert not list(tmp_path.glob(".appendix-*"))  # no temporary file left behind


def test_command_line_error_for_an_unwritable_target_is_one_line(seeded_path, tmp_path, capsys):
    target = tmp_path / "locked.pdf"
    target.mkdir()
    code = cli.main(["--db", str(seeded_path), "export", "pdf", "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("fowdesk: error: cannot write")
    assert err.count("\n") == 1


def test_a_locked_target_file_leaves_the_old_file_and_says_why(repo, tmp_path, monkeypatch):
    target = tmp_path / "open-in-viewer.pdf"
    target.write_bytes(b"old report")

    def refuse(source, destination):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("os.replace", refuse)
    # On Windows a file open in a viewer cannot be replaced (PermissionError).
    refused = r"close open-in-viewer\.pdf in the PDF viewer, or choose another name"
    with pytest.raises(FowdeskError, match=refused):
        export_report(repo, target, code="FOW")
    assert target.read_bytes() == b"old report"
    assert not list(tmp_path.glob("*.part"))


def test_render_is_pure_and_needs_no_database(tmp_path: Path):
    repo = Repository.create(tmp_path / "s.db", seeded=True, user="x")
    programme = repo.load_programme("FOW")
    repo.close()
    data = render_report(programme, "February 2020", card_ref="1")
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
