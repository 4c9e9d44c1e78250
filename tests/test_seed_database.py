"""The seed programmes as `init` loads them: every card field by field, windows, check notes."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from fowdesk.cli import main
from fowdesk.domain.dates import is_horizon
from fowdesk.storage.repository import Repository

_spec = importlib.util.spec_from_file_location(
    "seed_expected", Path(__file__).with_name("seed_expected.py")
)
assert _spec and _spec.loader
X = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(X)


def test_fow_programme_header(repo: Repository) -> None:
    fow = repo.load_programme("FOW")
    assert fow.report_title == X.FOW_REPORT_TITLE
    assert fow.column_headings == X.FOW_COLUMN_HEADINGS
    assert fow.themes == X.FOW_THEMES
    assert [(k.code, k.role) for k in fow.lead_key] == X.FOW_LEAD_KEY
    period = fow.periods[0]
    assert (period.label, period.as_at.isoformat(), period.published) == X.FOW_PERIOD
    assert repo.period_snapshot("FOW", "February 2020") is not None


@pytest.mark.parametrize("expected", X.FOW_CARDS, ids=lambda e: f"rec {e['ref']}")
def test_fow_card_matches_the_seed(repo: Repository, expected: dict) -> None:
    card = repo.load_programme("FOW").card(expected["ref"])
    assert card is not None
    assert card.title == expected["title"]
    assert card.leads == expected["leads"]
    assert card.theme is None
    assert [(d.text, d.bulleted) for d in card.deliverables] == [
        (t, b) for t, b in expected["deliverables"]
    ]
    progress = card.progress_for("February 2020")
    assert len(progress) == len(expected["progress"])
    for paragraph, (bulleted, opening) in zip(progress, expected["progress"], strict=True):
        assert paragraph.bulleted == bulleted
        assert paragraph.text.startswith(opening)
    assert card.cross_reference == expected["cross_reference"]
    assert (card.next_steps_text or None) == expected["next_steps_text"]
    assert len(card.milestones) == len(expected["milestones"])
    for milestone, bullet in zip(card.milestones, expected["milestones"], strict=True):
        if milestone.target:
            assert bullet.startswith(milestone.description)
            assert bullet.endswith(milestone.target)
            assert bullet[len(milestone.description) : -len(milestone.target)] in (" – ", " - ")
        else:
            assert milestone.description == bullet


def test_fow_has_32_dated_and_2_undated_milestones(repo: Repository) -> None:
    fow = repo.load_programme("FOW")
    milestones = [m for c in fow.cards for m in c.milestones]
    assert sum(1 for m in milestones if m.target) == 32
    assert [m.description for m in milestones if not m.target] == X.FOW_UNDATED_MILESTONES
    assert {c.ref: len(c.milestones) for c in fow.cards if c.milestones} == (X.FOW_MILESTONE_COUNTS)
    assert all(m.status == "Not started" for m in milestones)


EXPECTED_WINDOWS = {
    "March/April 2020": ("2020-03-01", "2020-04-30"),
    "March 2020": ("2020-03-01", "2020-03-31"),
    "April 2020": ("2020-04-01", "2020-04-30"),
    "April to May 2020": ("2020-04-01", "2020-05-31"),
    "May 2020": ("2020-05-01", "2020-05-31"),
    "June 2020": ("2020-06-01", "2020-06-30"),
    "July 2020": ("2020-07-01", "2020-07-31"),
    "September 2020": ("2020-09-01", "2020-09-30"),
    "October 2020": ("2020-10-01", "2020-10-31"),
    "November 2020": ("2020-11-01", "2020-11-30"),
    "December 2020": ("2020-12-01", "2020-12-31"),
    "February 2021": ("2021-02-01", "2021-02-28"),
    "March 2021": ("2021-03-01", "2021-03-31"),
    "April 2021": ("2021-04-01", "2021-04-30"),
    "March to April 2020": ("2020-03-01", "2020-04-30"),
    "May 2020 to August 2022": ("2020-05-01", "2022-08-31"),
    "November to December 2022": ("2022-11-01", "2022-12-31"),
    "from September 2023": ("2023-09-01", None),
    "Feb to June 2020": ("2020-02-01", "2020-06-30"),
}


def test_every_seed_target_parses_to_the_right_window(repo: Repository) -> None:
    fow = repo.load_programme("FOW")
    as_at = date(2020, 2, 29)
    seen = set()
    for card in fow.cards:
        for m in card.milestones:
            if not m.target:
                continue
            seen.add(m.target)
            window = m.window(as_at)
            assert window is not None, m.target
            start, end = EXPECTED_WINDOWS[m.target]
            assert window.start.isoformat() == start, m.target
            assert (window.end.isoformat() if window.end else None) == end, m.target
    assert seen == set(EXPECTED_WINDOWS)


def test_ds2430_priorities_and_roadmaps(repo: Repository) -> None:
    ds = repo.load_programme("DS2430")
    assert ds.title == X.DS_TITLE
    assert ds.column_headings == X.DS_COLUMN_HEADINGS
    assert ds.themes == X.DS_THEMES
    priorities = [c for c in ds.cards if not c.ref.startswith("R")]
    assert [c.ref for c in priorities] == [str(n) for n in range(1, 10)]
    for card, expected in zip(priorities, X.DS_PRIORITIES, strict=True):
        assert card.title == expected["title"]
        assert card.theme == expected["theme"]
        assert card.leads == [] and card.progress_for(ds.periods[-1].label) == []
        assert [d.text for d in card.deliverables] == expected["deliverables"]
        assert sum(1 for d in card.deliverables if d.benefit) == expected["benefits"]
    roadmaps = [c for c in ds.cards if c.ref.startswith("R")]
    assert [(c.ref, c.title) for c in roadmaps] == [(r["ref"], r["title"]) for r in X.DS_ROADMAPS]
    for card, expected_map in zip(roadmaps, X.DS_ROADMAPS, strict=True):
        assert [(m.description, m.target) for m in card.milestones] == [
            (text, horizon) for text, horizon, _row in expected_map["milestones"]
        ]
        assert all(is_horizon(m.target) for m in card.milestones)


def test_check_on_a_new_database_gives_exactly_the_sle_note(
    seeded_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(seeded_path), "check"]) == 0
    out = capsys.readouterr().out
    notes = [line for line in out.splitlines() if line.startswith("  - ")]
    assert notes == ["  - FOW: lead code 'SLE' is used (rec 8) but missing from the lead-role key"]
    assert "FOW as at 29/02/2020: 1 data-quality note" in out
    assert "DS2430 as at" in out


def test_check_as_at_a_later_date_lists_the_overdue_milestones(
    seeded_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(seeded_path), "check", "--as-at", "01/01/2021"]) == 0
    out = capsys.readouterr().out
    overdue = [line for line in out.splitlines() if "is not complete as at 01/01/2021" in line]
    assert any("Clear RSA for exemption" in line for line in overdue)
    assert any("Draft Digital Inclusion strategy for consultation" in line for line in overdue)
    assert any("Funding secured" in line for line in overdue)  # December 2020 ended 31/12
    assert not any("February 2021" in line for line in overdue)
    assert len(overdue) == 26


def test_check_notes_unknown_cross_references_and_cards_without_leads(
    repo: Repository,
) -> None:
    from fowdesk.domain.quality import quality_notes

    card = repo.load_programme("FOW").card("12")
    assert card is not None
    repo.update_card(card.uuid, card.version, cross_reference="42", leads=[])
    notes = quality_notes(repo.load_programme("FOW"), date(2020, 2, 29))
    assert "FOW rec 12: refers to point 42, which does not exist" in notes
    assert "FOW rec 12: has no lead" in notes
