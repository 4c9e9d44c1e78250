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
