"""A synthetic programme of N recommendations × M milestones, built through the repository.

Every bench script starts from this, so their numbers are about the same data.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from fowdesk.domain.model import (
    Card,
    CardStatus,
    Deliverable,
    LeadRole,
    Milestone,
    MilestoneStatus,
    Paragraph,
    Period,
    Programme,
)
from fowdesk.storage.repository import Repository

WORDS = [
    "skills",
    "digital",
    "apprenticeship",
    "employer",
    "pilot",
    "strategy",
    "partnership",
    "funding",
    "schools",
    "platform",
    "workshop",
    "stakeholder",
    "evaluation",
    "levy",
    "regional",
    "tech",
    "sector",
    "council",
    "delivery",
    "badge",
    "credential",
    "procurement",
    "consultation",
    "bootcamp",
    "inclusion",
    "network",
    "fibre",
]
TARGETS = [
    "March 2020",
    "April to May 2020",
    "from September 2023",
    "Spring 2021",
    "26/02/2020",
    "2021",
    "May 2020 to August 2022",
    "",
]
LEADS = ["EDT", "HOD", "HoP & ED", "SAH", "SSM"]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def synthetic_programme(
    n_cards: int = 1000,
    n_milestones: int = 10,
    seed: int = 1,
    leads: list[str] | None = None,
) -> Programme:
    """``leads``: the key's codes (default: five, as FOW has); a card has one or two."""
    leads = leads or LEADS
    rng = random.Random(seed)
    period = Period("February 2020", date(2020, 2, 29))
    cards = []
    for i in range(1, n_cards + 1):
        cards.append(
            Card(
                ref=str(i),
                title=f"Recommendation {i}: " + _sentence(rng, 8),
                deliverables=[Deliverable(_sentence(rng, 6)) for _ in range(2)],
                leads=rng.sample(leads, rng.choice([1, 1, 2])),
                status=CardStatus.IN_PROGRESS,
                progress={period.label: [Paragraph(_sentence(rng, 40)) for _ in range(3)]},
                milestones=[
                    Milestone(
                        description=_sentence(rng, 10),
                        target=rng.choice(TARGETS),
                        status=rng.choice(list(MilestoneStatus)),
                    )
                    for _ in range(n_milestones)
                ],
            )
        )
    return Programme(
        code="SYN",
        title="Synthetic programme",
        report_title="Synthetic programme – Progress Report – February 2020",
        introduction=[Paragraph(_sentence(rng, 30), bulleted=False)],
        themes=["Skills", "Tech sector"],
        lead_key=[LeadRole(code, f"Role {code}") for code in leads],
        periods=[period],
        cards=cards,
    )


def build_synthetic(
    path: Path, n_cards: int = 1000, n_milestones: int = 10, leads: list[str] | None = None
) -> Path:
    """Create a database at ``path`` holding only the synthetic programme ``SYN``."""
    repo = Repository.create(path, seeded=False, user="bench")
    try:
        programme = synthetic_programme(n_cards, n_milestones, leads=leads)
        repo.insert_programme(programme, audit=False)
    finally:
        repo.close()
    return path
