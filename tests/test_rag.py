"""The RAG rule, clause by clause, always as at a date (DESIGN.md, RAG rule)."""

from __future__ import annotations

from datetime import date

import pytest

from fowdesk.domain.model import Card, Milestone, MilestoneStatus, Rag
from fowdesk.domain.rag import card_rag, milestone_rag

AS_AT = date(2020, 6, 30)
NS, DONE, LATE, GONE = (
    MilestoneStatus.NOT_STARTED,
    MilestoneStatus.COMPLETE,
    MilestoneStatus.DELAYED,
    MilestoneStatus.CANCELLED,
)


def ms(target: str, status: MilestoneStatus = NS) -> Milestone:
    return Milestone(description="step", target=target, status=status)


@pytest.mark.parametrize(
    ("case", "target", "status", "expected"),
    [
        ("complete is C whatever the date", "January 2019", DONE, Rag.COMPLETE),
        ("cancelled is ignored", "January 2019", GONE, None),
        ("ended 10 days ago is Amber", "20/06/2020", NS, Rag.AMBER),
        ("ended exactly 30 days ago is still Amber", "31/05/2020", NS, Rag.AMBER),
        ("ended 40 days ago is Red", "21/05/2020", NS, Rag.RED),
        ("ends within 30 days is Amber", "15/07/2020", NS, Rag.AMBER),
        ("ends in more than 30 days is Green", "September 2020", NS, Rag.GREEN),
        ("marked Delayed is Amber even when far off", "December 2021", LATE, Rag.AMBER),
        ("Delayed and long overdue is Red", "January 2020", LATE, Rag.RED),
        ("undated is Green", "", NS, Rag.GREEN),
        ("undated but Delayed is Amber", "", LATE, Rag.AMBER),
        ("an open-ended window never ends", "from September 2019", NS, Rag.GREEN),
        ("a horizon has no window", "Later", NS, Rag.GREEN),
    ],
)
def test_milestone_rag(case: str, target: str, status: MilestoneStatus, expected: Rag) -> None:
    assert milestone_rag(ms(target, status), AS_AT) is expected, case


@pytest.mark.parametrize(
    ("case", "milestones", "expected"),
    [
        ("no milestones is Green", [], Rag.GREEN),
        ("all cancelled is Green", [ms("May 2019", GONE)], Rag.GREEN),
        ("all complete is Complete", [ms("May 2019", DONE), ms("", DONE)], Rag.COMPLETE),
        ("complete plus cancelled is Complete", [ms("", DONE), ms("", GONE)], Rag.COMPLETE),
        ("worst wins: Red over Amber", [ms("21/05/2020"), ms("15/07/2020")], Rag.RED),
        ("worst wins: Amber over Green", [ms("15/07/2020"), ms("2021")], Rag.AMBER),
        ("one open milestone keeps it from Complete", [ms("", DONE), ms("2021")], Rag.GREEN),
    ],
)
def test_card_takes_the_worst_milestone(
    case: str, milestones: list[Milestone], expected: Rag
) -> None:
    assert card_rag(Card(ref="1", title="t", milestones=milestones), AS_AT).rag is expected, case


def test_an_override_wins_and_says_so_with_its_reason() -> None:
    card = Card(
        ref="1",
        title="t",
        milestones=[ms("21/05/2020")],
        rag_override=Rag.AMBER,
        rag_override_reason="Recovery plan agreed",
    )
    result = card_rag(card, AS_AT)
    assert result.rag is Rag.AMBER
    assert result.overridden and result.derived is Rag.RED
    assert "Recovery plan agreed" in result.reason


def test_the_same_card_is_judged_as_at_the_date_given() -> None:
    card = Card(ref="1", title="t", milestones=[ms("March 2020")])
    assert card_rag(card, date(2020, 1, 15)).rag is Rag.GREEN
    assert card_rag(card, date(2020, 3, 10)).rag is Rag.AMBER
    assert card_rag(card, date(2020, 6, 1)).rag is Rag.RED


def test_a_date_without_a_year_takes_the_periods_year() -> None:
    m = ms("28-29 January")
    assert milestone_rag(m, date(2020, 1, 20), year_from=date(2020, 2, 29)) is Rag.AMBER
    assert milestone_rag(m, date(2021, 6, 1), year_from=date(2020, 2, 29)) is Rag.RED
