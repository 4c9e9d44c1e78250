"""The full-text index of the cards, kept in step with every write, once per transaction.

Each card is found by its own words, its narratives and milestones, and the
titles of the cards that point to it ("See point 17"). Its search row lives
in the FTS5 table ``card_search`` under the rowid its key in
``card_search_keys`` gives (schema migration 6), so rewriting it is a delete
and an insert by integer key: FTS5 cannot index ``card_uuid``, and finding a
row by it read the whole index.

A write marks the cards it touched as stale; the repository rewrites their
rows (and those of the cards they point to, before and after the change)
when its outermost transaction commits, so a card edited ten times in one
import is re-indexed once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlite_utils

from fowdesk.domain.narrative import paragraphs_to_text
from fowdesk.storage.stored_values import (
    deliverables_from_json,
    deliverables_text,
    paragraphs_from_json,
)

#: SQLite's default limit on host parameters is 999 (older builds): chunks stay well under it.
CHUNK = 500


def _chunks(items: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield list(items[start : start + CHUNK])


def _marks(chunk: Sequence[Any]) -> str:
    return ",".join("?" * len(chunk))


class SearchIndex:
    """One connection's view of the search index, and the cards waiting to be re-indexed."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.stale: set[str] = set()

    # ------------------------------------------------------------------ keeping in step

    def mark_stale(self, card_uuids: Iterable[str]) -> None:
        """These cards changed (or are about to): re-index them, and the cards they point to now.

        Called before a change that may move a cross-reference, the card it
        pointed to is re-indexed too (it loses this card's title).
        """
        wanted = set(card_uuids) - self.stale
        if wanted:
            self.stale |= wanted
            self.stale |= self._targets(sorted(wanted))

    def forget_stale(self) -> None:
        """The transaction rolled back: nothing it touched needs re-indexing."""
        self.stale.clear()

    def refresh_stale(self) -> None:
        """Rewrite every stale card's row, and its target's (inside the caller's transaction)."""
        if not self.stale:
            return
        wanted = set(self.stale)
        self.stale.clear()
        self.rewrite(wanted | self._targets(sorted(wanted)))

    def rewrite(self, card_uuids: Iterable[str]) -> None:
        """Delete and re-insert these cards' search rows, by their keys."""
        ordered = sorted(set(card_uuids))
        if not ordered:
            return
        keys = self._keys(ordered)
        self.db.conn.executemany(
            "DELETE FROM card_search WHERE rowid = ?", [(key,) for key in keys.values()]
        )
        self.db.conn.executemany(
            "INSERT INTO card_search (rowid, card_uuid, programme_id, body) VALUES (?, ?, ?, ?)",
            [
                (keys[card_uuid], card_uuid, programme_id, body)
                for card_uuid, (programme_id, body) in self.bodies(ordered).items()
            ],
        )

    def fill_missing(self) -> bool:
        """Index cards that have no search row (a file migrated from schema 1); True if any."""
        counts = self.db.execute(
            "SELECT (SELECT count(*) FROM cards), (SELECT count(*) FROM card_search)"
        ).fetchone()
        if counts[0] == counts[1]:
            return False
        indexed = {r[0] for r in self.db.execute("SELECT card_uuid FROM card_search").fetchall()}
        missing = [
            r[0]
            for r in self.db.execute("SELECT uuid FROM cards").fetchall()
            if r[0] not in indexed
        ]
        self.rewrite(missing)
        return bool(missing)

    def _keys(self, card_uuids: Sequence[str]) -> dict[str, int]:
        """Each card's key (its search row's rowid), made for cards that have none yet."""
        keys: dict[str, int] = {}
        for chunk in _chunks(card_uuids):
            marks = _marks(chunk)
            self.db.execute(
                "INSERT OR IGNORE INTO card_search_keys (card_uuid, programme_id)"
                f" SELECT uuid, programme_id FROM cards WHERE uuid IN ({marks})",
                chunk,
            )
            keys.update(
                (r[1], r[0])
                for r in self.db.execute(
                    f"SELECT id, card_uuid FROM card_search_keys WHERE card_uuid IN ({marks})",
                    chunk,
                ).fetchall()
            )
        return keys

    def _targets(self, card_uuids: Sequence[str]) -> set[str]:
        """The cards these cards point to by cross-reference ("See point 17")."""
        found: set[str] = set()
        for chunk in _chunks(card_uuids):
            found.update(
                r[0]
                for r in self.db.execute(
                    "SELECT target.uuid FROM cards c JOIN cards target"
                    " ON target.programme_id = c.programme_id AND target.ref = c.cross_reference"
                    f" WHERE c.uuid IN ({_marks(chunk)}) AND c.cross_reference IS NOT NULL",
                    chunk,
                ).fetchall()
            )
        return found

    # ------------------------------------------------------------------ what a card is found by

    def bodies(self, card_uuids: Sequence[str]) -> dict[str, tuple[int, str]]:
        """(programme, text) each card is found by: its own words, its narratives and
        milestones, and the titles of cards that point to it ("See point 17")."""
        cards: dict[str, Sequence[Any]] = {}
        progress: dict[str, list[str]] = defaultdict(list)
        milestones: dict[str, list[str]] = defaultdict(list)
        referring: dict[tuple[int, str], list[str]] = defaultdict(list)
        for chunk in _chunks(card_uuids):
            marks = _marks(chunk)
            rows = self.db.execute(
                "SELECT uuid, programme_id, ref, title, deliverables, leads, next_steps_text"
                f" FROM cards WHERE uuid IN ({marks})",
                chunk,
            ).fetchall()
            for r in rows:
                cards[r[0]] = r
            for card_uuid, paragraphs in self.db.execute(
                f"SELECT card_uuid, paragraphs FROM progress WHERE card_uuid IN ({marks})"
                " ORDER BY card_uuid, period_id",
                chunk,
            ).fetchall():
                progress[card_uuid].append(paragraphs_to_text(paragraphs_from_json(paragraphs)))
            for card_uuid, description, target, notes in self.db.execute(
                "SELECT card_uuid, description, target, notes FROM milestones"
                f" WHERE card_uuid IN ({marks}) AND deleted = 0"
                " ORDER BY card_uuid, position, rowid",
                chunk,
            ).fetchall():
                milestones[card_uuid].append(f"{description} {target} {notes}")
            refs_by_programme: dict[int, list[str]] = defaultdict(list)
            for r in rows:
                refs_by_programme[r[1]].append(r[2])
            for programme_id, refs in refs_by_programme.items():
                for reference, title in self.db.execute(
                    "SELECT cross_reference, title FROM cards"
                    f" WHERE programme_id = ? AND cross_reference IN ({_marks(refs)})"
                    " ORDER BY rowid",
                    [programme_id, *refs],
                ).fetchall():
                    referring[(programme_id, reference)].append(title)
        bodies = {}
        for card_uuid, (_, programme_id, ref, title, deliverables, leads, next_steps) in sorted(
            cards.items()
        ):
            parts = [
                ref,
                title,
                deliverables_text(deliverables_from_json(deliverables)),
                leads.replace("/", " "),
                next_steps,
                *progress[card_uuid],
                *milestones[card_uuid],
                *referring[(programme_id, ref)],
            ]
            bodies[card_uuid] = (programme_id, "\n".join(p for p in parts if p))
        return bodies

    # ------------------------------------------------------------------ searching

    def search(self, programme_id: int, text: str) -> list[str]:
        """Card UUIDs whose words include every word of ``text`` (each as a prefix)."""
        words = re.findall(r"\w+", text)
        if not words:
            return []
        match = " AND ".join('"' + w.replace('"', '""') + '"*' for w in words)
        # The index gives rowids alone; their keys say which card and programme (CROSS
        # JOIN keeps that order: the other way round SQLite ran the match once per key).
        rows = self.db.execute(
            "SELECT k.card_uuid FROM card_search s CROSS JOIN card_search_keys k"
            " ON k.id = s.rowid WHERE card_search MATCH ? AND k.programme_id = ?",
            [match, programme_id],
        ).fetchall()
        return [r[0] for r in rows]
