"""Starting a reporting period: the month after the current one, validated before it closes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fowdesk.cli import main
from fowdesk.domain.model import Period, Programme
from fowdesk.domain.periods import (
    as_at_for_label,
    new_period_problem,
    propose_next_period,
    report_as_at,
)
from fowdesk.errors import InvalidInput
from fowdesk.storage.repository import Repository

FEBRUARY = Period("February 2020", date(2020, 2, 29), published=True)


def programme(*periods: Period) -> Programme:
    return Programme("FOW", "Future of Work", periods=list(periods))


def test_start_proposes_the_month_after_the_current_periods_as_at_not_today() -> None:
    proposal = propose_next_period(programme(FEBRUARY), today=date(2026, 11, 29))
    assert (proposal.label, proposal.as_at, proposal.meeting) == (
        "March 2020",
        date(2020, 3, 31),
        "",
    )


def test_december_is_followed_by_january_of_the_next_year() -> None:
    december = Period("December 2020", date(2020, 12, 31))
    proposal = propose_next_period(programme(december))
    assert (proposal.label, proposal.as_at) == ("January 2021", date(2021, 1, 31))


def test_a_label_already_taken_moves_the_proposal_on() -> None:
    early = Period("march 2020", date(2020, 3, 15))
    proposal = propose_next_period(programme(FEBRUARY, early))
    assert (proposal.label, proposal.as_at) == ("April 2020", date(2020, 4, 30))


def test_a_programme_with_no_period_proposes_this_month() -> None:
    proposal = propose_next_period(programme(), today=date(2026, 11, 29))
    assert (proposal.label, proposal.as_at) == ("November 2026", date(2026, 11, 30))


@pytest.mark.parametrize(
    ("label", "as_at", "problem"),
    [
        ("March 2020", date(2020, 3, 31), None),
        ("March 2020", "31/03/2020", None),
        ("March 2020", "31032020", None),
        ("  ", date(2020, 3, 31), "a reporting period needs a label, e.g. 'March 2020'"),
        ("february  2020", date(2020, 3, 31), "period 'February 2020' already exists"),
        ("March 2020", "31/02/2020", "'31/02/2020' is not a date: February 2020 has 29 days"),
        ("March 2020", date(2020, 2, 29), "the new period's as-at date must be after 29/02/2020"),
        ("March 2020", None, "a reporting period needs an as-at date (DD/MM/YYYY)"),
    ],
)
def test_a_new_period_is_checked_before_the_dialog_closes(
    label: str, as_at: date | str | None, problem: str | None
) -> None:
    assert new_period_problem([FEBRUARY], label, as_at) == problem


def test_the_repository_refuses_what_the_dialog_would(repo: Repository) -> None:
    with pytest.raises(InvalidInput, match="already exists"):
        repo.new_period("FOW", "February  2020", date(2020, 3, 31))
    with pytest.raises(InvalidInput, match="must be after 29/02/2020"):
        repo.new_period("FOW", "Early", date(2020, 1, 31))


@pytest.mark.parametrize(
    ("label", "as_at"),
    [
        ("March 2020", date(2020, 3, 31)),
        ("February 2024", date(2024, 2, 29)),
        ("Sept 2021", date(2021, 9, 30)),
        ("Quarter one", None),
        ("Spring 2020", None),  # not a month: the as-at date must be given
        ("26/02/2020", None),
    ],
)
def test_a_label_naming_a_month_gives_that_months_last_day(label: str, as_at: date | None) -> None:
    assert as_at_for_label(label) == as_at


def test_one_as_at_date_the_current_periods(repo: Repository) -> None:
    assert report_as_at(repo.load_programme("FOW")) == date(2020, 2, 29)
    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    fow = repo.load_programme("FOW")
    assert report_as_at(fow) == date(2020, 3, 31)
    assert report_as_at(fow, "February 2020") == date(2020, 2, 29)
    assert report_as_at(programme(), today=date(2026, 11, 29)) == date(2026, 11, 29)


# ----------------------------------------------------------------------------- command line


def started(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(["--db", str(db), "period", "new", *args])
    except SystemExit as usage:  # argparse ends a usage error itself
        code = int(usage.code or 0)
    captured = capsys.readouterr()
    return code, captured.out.strip(), captured.err.strip()


def test_period_new_next_starts_the_month_after(
    seeded_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert started(seeded_path, "--next", capsys=capsys) == (
        0,
        "FOW: started period 'March 2020' as at 31/03/2020",
        "",
    )
    assert started(seeded_path, "--next", "--meeting", "Cabinet", capsys=capsys)[1] == (
        "FOW: started period 'April 2020' as at 30/04/2020"
    )
    assert started(seeded_path, "--next", "--programme", "DS2430", capsys=capsys)[0] == 0


def test_a_month_label_without_as_at_is_as_at_that_months_last_day(
    seeded_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert started(seeded_path, "March 2020", capsys=capsys)[1] == (
        "FOW: started period 'March 2020' as at 31/03/2020"
    )
    assert started(seeded_path, "Q2", "--as-at", "30062020", capsys=capsys)[1] == (
        "FOW: started period 'Q2' as at 30/06/2020"
    )


def test_period_new_refusals(seeded_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = started(seeded_path, capsys=capsys)
    assert code == 2 and err.endswith("give the new period's label or --next, not both")
    code, _, err = started(seeded_path, "March 2020", "--next", capsys=capsys)
    assert code == 2
    code, _, err = started(seeded_path, "March 2020", "--as-at", "31/02/2020", capsys=capsys)
    assert code == 2
    assert err.endswith("argument --as-at: '31/02/2020' is not a date: February 2020 has 29 days")
    code, _, err = started(seeded_path, "February 2020", capsys=capsys)
    assert (code, err) == (1, "fowdesk: error: period 'February 2020' already exists")
