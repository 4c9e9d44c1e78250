"""The cheaper RAG rule (issue 17, the window's as-at switch) judges exactly as the rule before.

``reference_*`` below is the rule as it was written before it was made
cheaper (one milestone at a time, each target parsed through
``Milestone.window``), kept here word for word as the yardstick. Every seed
card and thousands of synthetic milestones — every status, targets of every
form the officers write, due-by dates on and beside the 30-day boundaries,
overrides — are judged by both, as at many dates and with and without the
period's year, and the answers (colour, reason, override, derived colour)
must be the same.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from bench.synthetic import TARGETS, synthetic_programme
from fowdesk.domain.model import Card, Milestone, MilestoneStatus, Rag
from fowdesk.domain.rag import GRACE, RAG_MEANINGS, RagResult, card_rag, milestone_rag
from fowdesk.storage.repository import Repository


def reference_milestone_rag(
    milestone: Milestone, as_at: date, year_from: date | None = None
) -> Rag | None:
    if milestone.status is MilestoneStatus.CANCELLED:
        return None
    if milestone.status is MilestoneStatus.COMPLETE:
        return Rag.COMPLETE
    window = milestone.window(year_from or as_at)
    if window is None or window.end is None:
        return Rag.AMBER if milestone.status is MilestoneStatus.DELAYED else Rag.GREEN
    if window.end < as_at - GRACE:
        return Rag.RED
    if window.end <= as_at + GRACE or milestone.status is MilestoneStatus.DELAYED:
        return Rag.AMBER
    return Rag.GREEN


def reference_card_rag(card: Card, as_at: date, year_from: date | None = None) -> RagResult:
    rated = [
        (m, r)
        for m in card.milestones
        if (r := reference_milestone_rag(m, as_at, year_from)) is not None
    ]
    if not card.milestones:
        derived = RagResult(Rag.GREEN, "No milestones")
    elif not rated:
        derived = RagResult(Rag.GREEN, "All milestones cancelled")
    elif all(r is Rag.COMPLETE for _, r in rated):
        derived = RagResult(Rag.COMPLETE, "All milestones complete")
    else:
        worst = max((r for _, r in rated if r is not Rag.COMPLETE), key=lambda r: r.severity)
        culprits = [m for m, r in rated if r is worst]
        if worst is Rag.GREEN:
            derived = RagResult(Rag.GREEN, "All open milestones on track")
        else:
            names = "; ".join(
                f"{m.description}{f' ({m.target})' if m.target else ''}" for m in culprits[:3]
            )
            more = f" and {len(culprits) - 3} more" if len(culprits) > 3 else ""
            derived = RagResult(worst, f"{RAG_MEANINGS[worst]}: {names}{more}")
    if card.rag_override is not None:
        reason = card.rag_override_reason or "no reason given"
        return RagResult(
            card.rag_override, f"Override: {reason}", overridden=True, derived=derived.rag
        )
    return RagResult(derived.rag, derived.reason, derived=derived.rag)


def _dates(first: date, last: date, step_days: int) -> list[date]:
    days = (last - first).days
    return [first + timedelta(days=n) for n in range(0, days + 1, step_days)]


def assert_same(cards: list[Card], as_ats: list[date], years: list[date | None]) -> int:
    """Judge every card and milestone both ways; how many milestone judgements matched."""
    judged = 0
    for year_from in years:
        for as_at in as_ats:
            for card in cards:
                assert card_rag(card, as_at, year_from) == reference_card_rag(
                    card, as_at, year_from
                ), (card.ref, as_at, year_from)
                for milestone in card.milestones:
                    assert milestone_rag(milestone, as_at, year_from) is (
                        reference_milestone_rag(milestone, as_at, year_from)
                    ), (card.ref, milestone.target, milestone.status, as_at, year_from)
                    judged += 1
    return judged


def test_every_seed_card_is_judged_as_before(repo: Repository) -> None:
    cards: list[Card] = []
    period_dates: list[date] = []
    for header in repo.programmes():
        programme = repo.load_programme(header.code)
        cards += programme.cards
        period_dates += [period.as_at for period in programme.periods]
    assert len(cards) >= 30 and sum(len(card.milestones) for card in cards) > 50
    as_ats = sorted({*_dates(date(2018, 1, 1), date(2024, 12, 31), 9), *period_dates})
    judged = assert_same(cards, as_ats, [None, *sorted(set(period_dates))])
    assert judged > 40_000


def _boundary_targets(as_at: date) -> list[str]:
    """Due-by dates on and beside each edge of the rule, written as officers write them."""
    targets = []
    for days in (-GRACE.days - 1, -GRACE.days, -1, 0, 1, GRACE.days, GRACE.days + 1):
        day = as_at + timedelta(days=days)
        targets += [f"{day:%d/%m/%Y}", f"{day.day} {day:%B %Y}", f"{day.day} {day:%B}"]
    return targets


OTHER_TARGETS = [
    "28-29 January",
    "January",
    "Q3 2020",
    "Summer 2020",
    "Winter 2020",
    "end of March 2020",
    "by April 2020",
    "2020/21",
    "Later",
    "TBC",
    "ongoing",
    "31 April 2020",
    "30/02/2020",
    "March 2020 - April 2020",
    "from 1 June 2020",
    "  march   2020 ",
    "Spring",
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_synthetic_programmes_are_judged_as_before(seed: int) -> None:
    rng = random.Random(seed)
    as_ats = [date(2020, 2, 29), date(2020, 6, 30), date(2021, 1, 15), date(2023, 12, 31)]
    targets = TARGETS + OTHER_TARGETS + [t for a in as_ats for t in _boundary_targets(a)]
    programme = synthetic_programme(300, 10, seed=seed)
    for card in programme.cards:
        for milestone in card.milestones:
            milestone.target = rng.choice(targets)
            milestone.status = rng.choice(list(MilestoneStatus))
        if rng.random() < 0.05:
            card.milestones = []
        elif rng.random() < 0.1:
            for milestone in card.milestones:
                milestone.status = rng.choice([MilestoneStatus.CANCELLED, MilestoneStatus.COMPLETE])
        if rng.random() < 0.1:
            card.rag_override = rng.choice(list(Rag))
            card.rag_override_reason = rng.choice(["", "agreed at board"])
    as_ats += [date.today(), *_dates(date(2019, 12, 1), date(2024, 1, 31), 23)]
    judged = assert_same(programme.cards, as_ats, [None, date(2020, 2, 29), date(2021, 3, 31)])
    assert judged > 100_000
    counts = {card_rag(c, a).rag for c in programme.cards for a in as_ats[:4]}
    assert counts == set(Rag)  # every colour was reached


def test_a_target_without_a_year_takes_each_years_own() -> None:
    """The due-by dates are remembered per year: a second year never reads the first's."""
    card = Card(ref="1", title="t", milestones=[Milestone("step", "28-29 January")])
    assert card_rag(card, date(2020, 3, 15), date(2020, 2, 29)).rag is Rag.RED
    assert card_rag(card, date(2021, 1, 20), date(2021, 2, 28)).rag is Rag.AMBER
    assert card_rag(card, date(2020, 3, 15), date(2020, 2, 29)).rag is Rag.RED
