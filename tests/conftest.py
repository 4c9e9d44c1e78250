"""Shared fixtures: every test gets its own real SQLite file in a temp dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Qt must never look for a screen in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from fowdesk.storage.repository import Repository


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep settings, default databases and crash logs out of the real home folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documents"))
    monkeypatch.delenv("FOWDESK_DB", raising=False)
    return home


@pytest.fixture
def seeded_path(tmp_path: Path) -> Path:
    """A freshly seeded database file (closed), for tests that open it themselves."""
    path = tmp_path / "seeded.db"
    Repository.create(path, seeded=True, user="tester").close()
    return path


@pytest.fixture
def repo(seeded_path: Path):
    """An open repository on a freshly seeded database."""
    repository = Repository.open(seeded_path, user="tester", source="cli")
    yield repository
    repository.close()


@pytest.fixture
def empty_repo(tmp_path: Path):
    repository = Repository.create(tmp_path / "empty.db", seeded=False, user="tester")
    yield repository
    repository.close()


#: Text an officer might type or paste that every format must show as typed, never as markup.
HOSTILE_TEXT = [
    "<script>alert('x')</script>",
    "<b>not bold</b>",
    "R&D <pilot> & AT&T",
    '<img src="/etc/passwd">',
    "&amp; stays &amp;",
    "</td></tr></table><h1>fake heading</h1>",
    "\"double\" and 'single' quotes",
]

#: Pasted control characters and a noncharacter, and what is left of them.
PASTED = "Form\x0cfeed, bell\x07, NUL\x00 and \uffffU+FFFF gone\nsecond line"
PASTED_SHOWN = "Form feed, bell, NUL and U+FFFF gone\nsecond line"
HOSTILE_LEAD = "R&D <X>"
HOSTILE_ROLE = 'Head of "Digital" <script>x</script> & Data'
HOSTILE_TITLE = "Skills for R&D <script>alert(1)</script>"
HOSTILE_MILESTONE = ('<img src="/etc/passwd"> audit', "March <2025> & later")


@pytest.fixture
def hostile_ds2430(repo: Repository) -> Repository:
    """DS2430's first card, its lead and the key full of hostile text; returns the repository."""
    from fowdesk.domain.model import Deliverable, LeadRole, Paragraph, Rag

    programme = repo.load_programme("DS2430")
    card = programme.cards[0]
    repo.set_lead_key("DS2430", [LeadRole(HOSTILE_LEAD, HOSTILE_ROLE)])
    updated = repo.update_card(
        card.uuid,
        card.version,
        title=HOSTILE_TITLE,
        leads=[HOSTILE_LEAD],
        deliverables=[Deliverable("<b>deliver</b> & more", benefit="<i>benefit</i> & so on")],
        rag_override=Rag.AMBER,
        rag_override_reason="<script>why</script> & because",
    )
    repo.set_progress(
        card.uuid,
        programme.periods[-1].label,
        [Paragraph(text) for text in HOSTILE_TEXT] + [Paragraph(PASTED, bulleted=False)],
        updated.version,
    )
    repo.add_milestone(card.uuid, *HOSTILE_MILESTONE)
    return repo
