"""Changes since the last report: one comparison that every output uses.

It compares two programme snapshots (the structure of
:func:`fowdesk.domain.snapshot.programme_to_dict`): the one frozen when the
last period was published, and the programme as it stands. The Excel
return's Changes sheet, the PDF's changes section, the window and
``fowdesk changes`` all print this list, so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from fowdesk.domain.model import Card, MilestoneStatus
from fowdesk.domain.narrative import paragraphs_to_text
from fowdesk.domain.snapshot import _card_to_dict, _paragraphs_back


class ChangeKind(StrEnum):
    CARD_ADDED = "Recommendation added"
    TITLE = "Title changed"
    STATUS = "Status changed"
    RAG = "RAG moved"
    NARRATIVE = "Progress updated"
    NEXT_STEPS = "Next steps changed"
    MILESTONE_ADDED = "New milestone"
    MILESTONE_COMPLETED = "Milestone completed"
    MILESTONE_SLIPPED = "Milestone re-dated"
    MILESTONE_STATUS = "Milestone status changed"


@dataclass
class Change:
    """One thing that differs from the last report, in words a committee reads."""

    ref: str
    kind: ChangeKind
    subject: str
    was: str
    now: str
    row_uuid: str
    field: str
    when: datetime | None = None
    by: str = ""

    @property
    def what(self) -> str:
        return f"{self.kind}: {self.subject}" if self.subject else str(self.kind)


def _narrative(item: dict[str, Any], label: str | None) -> str:
    if label is None:
        return ""
    return paragraphs_to_text(_paragraphs_back(item.get("progress", {}).get(label, [])))


def _latest_label(snapshot: dict[str, Any]) -> str | None:
    periods = snapshot.get("periods", [])
    return periods[-1]["label"] if periods else None


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """What ``after`` changed relative to ``before``, card by card in report order."""
    old_items = {item["uuid"]: item for item in before.get("items", [])}
    old_label, new_label = _latest_label(before), _latest_label(after)
    changes: list[Change] = []
    for item in after.get("items", []):
        ref = item["ref"]
        old = old_items.get(item["uuid"])
        if old is None:
            changes.append(
                Change(
                    ref, ChangeKind.CARD_ADDED, item["title"], "", item["title"], item["uuid"], ""
                )
            )
            for m in item.get("milestones", []):
                changes.append(_milestone_added(ref, m))
            continue
        changes.extend(_card_changes(ref, old, item, old_label, new_label))
        old_milestones = {m["uuid"]: m for m in old.get("milestones", [])}
        for m in item.get("milestones", []):
            was = old_milestones.get(m["uuid"])
            if was is None:
                changes.append(_milestone_added(ref, m))
            else:
                changes.extend(_milestone_changes(ref, was, m))
    return changes


def card_changes_since(
    before: dict[str, Any], card: Card, as_at: date, year_from: date
) -> list[Change]:
    """What one card changed since the snapshot ``before`` (a published report).

    The same comparison as :func:`changes_between`, for the one card the
    window shows: its status, milestones and targets stay editable after a
    period is published, and the editor marks what differs from the report.
    """
    label = _latest_label(before)
    item = _card_to_dict(card, as_at, year_from)
    old = next((i for i in before.get("items", []) if i["uuid"] == card.uuid), None)
    if old is None:
        return [Change(card.ref, ChangeKind.CARD_ADDED, card.title, "", card.title, card.uuid, "")]
    changes = _card_changes(card.ref, old, item, label, label)
    old_milestones = {m["uuid"]: m for m in old.get("milestones", [])}
    for m in item["milestones"]:
        was = old_milestones.get(m["uuid"])
        changes.extend(
            [_milestone_added(card.ref, m)] if was is None else _milestone_changes(card.ref, was, m)
        )
    return changes


def _card_changes(
    ref: str, old: dict[str, Any], new: dict[str, Any], old_label: str | None, new_label: str | None
) -> list[Change]:
    uuid = new["uuid"]
    found: list[Change] = []
    if old["title"] != new["title"]:
        found.append(Change(ref, ChangeKind.TITLE, "", old["title"], new["title"], uuid, "title"))
    if old["status"] != new["status"]:
        found.append(
            Change(ref, ChangeKind.STATUS, "", old["status"], new["status"], uuid, "status")
        )
    if old.get("rag") != new.get("rag"):
        found.append(
            Change(ref, ChangeKind.RAG, "", old.get("rag") or "", new.get("rag") or "", uuid, "rag")
        )
    was_text, now_text = _narrative(old, old_label), _narrative(new, new_label)
    same_period = old_label == new_label
    if was_text != now_text and (same_period or now_text):
        found.append(Change(ref, ChangeKind.NARRATIVE, "", was_text, now_text, uuid, "progress"))
    if (old.get("next_steps") or "") != (new.get("next_steps") or ""):
        found.append(
            Change(
                ref,
                ChangeKind.NEXT_STEPS,
                "",
                old.get("next_steps") or "",
                new.get("next_steps") or "",
                uuid,
                "next_steps_text",
            )
        )
    return found


def _milestone_added(ref: str, m: dict[str, Any]) -> Change:
    return Change(
        ref, ChangeKind.MILESTONE_ADDED, m["description"], "", m.get("target", ""), m["uuid"], ""
    )


def _milestone_changes(ref: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    uuid, subject = new["uuid"], new["description"]
    found: list[Change] = []
    if old.get("target", "") != new.get("target", ""):
        found.append(
            Change(
                ref,
                ChangeKind.MILESTONE_SLIPPED,
                subject,
                old.get("target", ""),
                new.get("target", ""),
                uuid,
                "target",
            )
        )
    if old["status"] != new["status"]:
        kind = (
            ChangeKind.MILESTONE_COMPLETED
            if new["status"] == MilestoneStatus.COMPLETE
            else ChangeKind.MILESTONE_STATUS
        )
        found.append(Change(ref, kind, subject, old["status"], new["status"], uuid, "status"))
    return found
