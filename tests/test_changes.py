"""Changes since the last report: publish, edit, and see exactly that edit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fowdesk.cli import main
from fowdesk.domain.changes import ChangeKind
from fowdesk.domain.model import Paragraph
from fowdesk.storage.repository import Repository


def test_a_freshly_seeded_programme_has_no_changes_since_its_report(repo: Repository) -> None:
    assert repo.changes_since_last_report("FOW") == []


def test_publish_then_edit_lists_exactly_that_edit(
    seeded_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # init published "February 2020"; this edit is the only thing since.
    repo = Repository.open(seeded_path, user="ssm.officer")
    card = repo.load_programme("FOW").card("2")
    assert card is not None
    milestone = card.milestones[0]
    repo.update_milestone(milestone.uuid, milestone.version, status="Complete")
    repo.close()
    capsys.readouterr()

    assert main(["--db", str(seeded_path), "changes", "--programme", "FOW"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "FOW: 1 change(s) since the last report (February 2020)"
    assert len(out) == 2
    assert out[1].startswith(
        "rec 2: Milestone completed: Clear RSA for exemption as an SCC supplier: "
        "Not started → Complete (ssm.officer, "
    )


def test_changes_cover_new_slipped_completed_rag_status_narrative_and_new_cards(
    repo: Repository,
) -> None:
    # February 2020 is published: new progress goes into the next period.
    repo.new_period("FOW", "March 2020", date(2020, 3, 1))
    programme = repo.load_programme("FOW")
    card2, card3 = programme.card("2"), programme.card("3")
    assert card2 is not None and card3 is not None
    m = card2.milestones[1]
    repo.revise_target(m.uuid, m.version, "September 2020", "RSA delayed")
    repo.add_milestone(card3.uuid, "Appoint evaluation partner", "July 2020")
    card3 = repo.update_card(card3.uuid, card3.version, status="On hold")
    repo.set_progress(
        card3.uuid, "March 2020", [Paragraph("Pilot paused while schools reopen")], card3.version
    )
    repo.add_card("FOW", "20", "Digital inclusion hubs")
    card2 = repo.card(card2.uuid)
    repo.update_card(
        card2.uuid, card2.version, rag_override="R", rag_override_reason="Funding withdrawn"
    )

    kinds = {(c.ref, c.kind) for c in repo.changes_since_last_report("FOW")}
    assert kinds == {
        ("2", ChangeKind.MILESTONE_SLIPPED),
        ("2", ChangeKind.RAG),
        ("3", ChangeKind.MILESTONE_ADDED),
        ("3", ChangeKind.STATUS),
        ("3", ChangeKind.NARRATIVE),
        ("20", ChangeKind.CARD_ADDED),
        ("14", ChangeKind.RAG),  # the day that passed: a milestone came within 30 days
    }
    slipped = next(
        c for c in repo.changes_since_last_report("FOW") if c.kind is ChangeKind.MILESTONE_SLIPPED
    )
    assert (slipped.was, slipped.now, slipped.by) == ("April 2020", "September 2020", "tester")


def test_a_new_period_with_empty_narratives_is_not_a_narrative_change(repo: Repository) -> None:
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    kinds = {c.kind for c in repo.changes_since_last_report("FOW")}
    assert ChangeKind.NARRATIVE not in kinds


def test_the_published_snapshot_never_changes(repo: Repository) -> None:
    before = repo.period_snapshot("FOW", "February 2020")
    card = repo.load_programme("FOW").cards[0]
    repo.update_card(card.uuid, card.version, title="Renamed after the meeting")
    assert repo.period_snapshot("FOW", "February 2020") == before
    frozen = repo.published_programme("FOW", "February 2020")
    assert frozen is not None and frozen.cards[0].title == card.title


def test_a_new_period_re_judges_rag_as_at_its_own_date(repo: Repository) -> None:
    from datetime import date

    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    moved = {
        c.ref: (c.was, c.now)
        for c in repo.changes_since_last_report("FOW")
        if c.kind is ChangeKind.RAG
    }
    assert moved["2"] == ("G", "A")  # "Clear RSA … – March 2020" now ends today
    assert "9" not in moved  # no milestones: Green in both
