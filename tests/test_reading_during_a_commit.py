"""Reading while another program commits: wait out the commit, never its whole write.

The window's connection gives up on another program's write lock at once
(``set_lock_timeout(0.02)``: its saves are queued instead), but a read only
ever meets another program's *commit*, the moment it holds the file
exclusively. Reads ride that out (up to ``READ_WAIT_S``) and past it say the
one line; writes keep failing fast. The other program is a real second
process (``lock_holder.py``), synchronised through its pipe.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from lock_holder import OtherProgram, refused_at_once

from fowdesk.errors import LockedDatabase
from fowdesk.storage import database
from fowdesk.storage.repository import Repository

WINDOW_LOCK_WAIT_S = 0.02  # as the window sets it (ui.main_window)
COMMIT_S = 0.3  # how long the other program's commit holds the file exclusively


@pytest.fixture
def settled(seeded_path: Path) -> Path:
    """A database opened once already (its search index built)."""
    Repository.open(seeded_path).close()
    return seeded_path


@pytest.fixture
def window_repo(settled: Path) -> Iterator[Repository]:
    """A connection set up as the window's is."""
    repo = Repository.open(settled, user="officer", source="ui")
    repo.set_lock_timeout(WINDOW_LOCK_WAIT_S)
    yield repo
    repo.close()


def test_reads_ride_out_another_programs_commit(window_repo: Repository, settled: Path) -> None:
    uuid = window_repo.card_uuid_for_ref("FOW", "5")
    with OtherProgram(settled, "exclusive") as other:
        assert refused_at_once(settled)
        other.release(after=COMMIT_S)
        card = window_repo.card(uuid)  # meets the lock, waits, reads
        other.wait_released()
    assert card.ref == "5"


@pytest.mark.parametrize("read", ["programme", "search", "history"])
def test_every_kind_of_window_read_waits_for_the_commit(
    window_repo: Repository, settled: Path, read: str
) -> None:
    uuid = window_repo.card_uuid_for_ref("FOW", "5")
    reads = {
        "programme": lambda: len(window_repo.load_programme("FOW").cards),
        "search": lambda: len(window_repo.search("FOW", "skills")),
        "history": lambda: len(window_repo.card_history(uuid)),
    }
    expected = reads[read]()
    with OtherProgram(settled, "exclusive") as other:
        other.release(after=COMMIT_S)
        assert reads[read]() == expected
        other.wait_released()


def test_a_read_held_off_past_the_limit_says_one_line_and_does_not_hang(
    window_repo: Repository, settled: Path
) -> None:
    with OtherProgram(settled, "exclusive"), pytest.raises(LockedDatabase) as raised:
        window_repo.load_programme("FOW")
    assert raised.value.waited == database.READ_WAIT_S
    assert str(raised.value) == (
        f"{settled}: the database is in use by another program (waited 1 s); try again"
    )
    assert window_repo.load_programme("FOW").cards, "the connection reads again once free"


def test_window_writes_still_fail_at_once_under_another_programs_write(
    window_repo: Repository, settled: Path
) -> None:
    card = window_repo.load_programme("FOW").cards[0]
    holder = sqlite3.connect(settled, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing (RESERVED): reads go on
    try:
        with pytest.raises(LockedDatabase) as raised:
            window_repo.update_card(card.uuid, card.version, title="typed while locked")
        assert raised.value.waited == WINDOW_LOCK_WAIT_S
        assert window_repo.card(card.uuid).title == card.title
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    conn = window_repo.db.conn
    assert database.read_wait_of(conn) == database.READ_WAIT_S, "reads wait as before"
    assert database.lock_timeout_of(conn) == WINDOW_LOCK_WAIT_S


def test_window_writes_do_not_take_the_read_wait_under_an_exclusive_lock(
    window_repo: Repository, settled: Path
) -> None:
    card = window_repo.load_programme("FOW").cards[0]
    with OtherProgram(settled, "exclusive"):
        with pytest.raises(LockedDatabase) as raised:
            window_repo.update_card(card.uuid, card.version, title="typed while locked")
        assert raised.value.waited == WINDOW_LOCK_WAIT_S
    saved = window_repo.update_card(card.uuid, card.version, title="typed once free")
    assert saved.title == "typed once free"
    assert database.read_wait_of(window_repo.db.conn) == database.READ_WAIT_S


def test_the_limits_can_be_given_apart(window_repo: Repository) -> None:
    conn = window_repo.db.conn
    window_repo.set_lock_timeout(0.1, reads=0.25)
    assert (database.lock_timeout_of(conn), database.read_wait_of(conn)) == (0.1, 0.25)
    window_repo.set_lock_timeout(5)  # a long write limit is a long read limit too
    assert (database.lock_timeout_of(conn), database.read_wait_of(conn)) == (5, 5)


def test_a_large_write_does_not_shut_readers_out_before_it_commits(
    window_repo: Repository, settled: Path
) -> None:
    """An import bigger than SQLite's page cache used to spill into the file mid-write.

    Spilling takes the exclusive lock until the commit, so every reader was
    refused for as long as the rest of the import took (3.3 s for 5,000 new
    cards in bench). Now only the commit itself holds the file.
    """
    before = [p.code for p in window_repo.programmes()]
    with OtherProgram(settled, "big-write", "400") as other:
        assert not refused_at_once(settled), "a reader that does not wait still reads"
        assert [p.code for p in window_repo.programmes()] == before  # not committed yet
        other.release()
        other.wait_released()
    assert [p.code for p in window_repo.programmes()] == [*before, "SYN"]
    assert len(window_repo.load_programme("SYN").cards) == 400


def test_a_programme_is_read_as_one_state_of_the_file(
    window_repo: Repository, settled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program's commit lands wholly before or after a programme read, never inside.

    The programme is read in steps (programme, key, themes, periods, cards);
    a colleague's commit that adds a lead role and gives card 5 that lead is
    tried between the key and the cards. Read step by step (the old code),
    the window got card 5 led by a code its key did not have.
    """
    outcome: list[str] = []
    read_cards = window_repo._cards

    def colleague_commits_then_read_cards(*args: object, **kwargs: object) -> object:
        other = sqlite3.connect(settled, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute(
                "INSERT INTO lead_roles (programme_id, code, role, position)"
                " SELECT id, 'NEW', 'New lead', 99 FROM programmes WHERE code = 'FOW'"
            )
            other.execute("UPDATE cards SET leads = 'NEW' WHERE ref = '5'")
            other.execute("COMMIT")
            outcome.append("committed")
        except sqlite3.OperationalError:
            other.execute("ROLLBACK")
            outcome.append("waited for the read")
        finally:
            other.close()
        return read_cards(*args, **kwargs)

    monkeypatch.setattr(window_repo, "_cards", colleague_commits_then_read_cards)
    programme = window_repo.load_programme("FOW")
    key = {role.code for role in programme.lead_key}
    card5 = programme.card("5")
    assert card5 is not None
    assert set(card5.leads) <= key | {"SLE"}, (outcome, card5.leads)
    assert outcome == ["waited for the read"]
