"""The programme as plain JSON-ready data, and back.

``export json`` writes this structure, a published period freezes it, and a
published report is printed from it. Keeping one structure for all three is
what makes "as reported to committee" mean the same thing everywhere.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fowdesk.domain.dates import TargetWindow
from fowdesk.domain.model import (
    Card,
    CardStatus,
    Deliverable,
    LeadRole,
    Milestone,
    MilestoneRevision,
    MilestoneStatus,
    Paragraph,
    Period,
    Programme,
    Rag,
)
from fowdesk.domain.periods import report_as_at
from fowdesk.domain.rag import card_rag, milestone_rag

SNAPSHOT_FORMAT = "fowdesk-snapshot/1"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def window_to_dict(window: TargetWindow | None) -> dict[str, Any] | None:
    if window is None:
        return None
    return {
        "start": _iso(window.start),
        "end": _iso(window.end),
        "precision": str(window.precision),
    }


def _paragraphs(items: list[Paragraph]) -> list[dict[str, Any]]:
    return [{"text": p.text, "bulleted": p.bulleted} for p in items]


def _paragraphs_back(items: list[dict[str, Any]]) -> list[Paragraph]:
    return [Paragraph(p["text"], bool(p.get("bulleted", True))) for p in items]


def programme_to_dict(programme: Programme, as_at: date | None = None) -> dict[str, Any]:
    """The whole programme, with RAG worked out as at ``as_at``.

    ``as_at`` defaults to the current period's as-at date (today when the
    programme has no period), which is what a report of that period shows.
    """
    period = programme.current_period
    rag_date = as_at or report_as_at(programme)
    year_from = period.as_at if period else rag_date
    return {
        "format": SNAPSHOT_FORMAT,
        "code": programme.code,
        "title": programme.title,
        "report_title": programme.report_title,
        "introduction": _paragraphs(programme.introduction),
        "column_headings": list(programme.column_headings),
        "themes": list(programme.themes),
        # An e-mail address only where the key has one: older snapshots read the same.
        "lead_key": [
            {"code": k.code, "role": k.role} | ({"email": k.email} if k.email else {})
            for k in programme.lead_key
        ],
        "periods": [
            {
                "label": p.label,
                "as_at": _iso(p.as_at),
                "meeting": p.meeting,
                "published": p.published,
                "published_at": _iso(p.published_at),
                "seeded": p.seeded,
            }
            for p in programme.periods
        ],
        "rag_as_at": _iso(rag_date),
        "items": [_card_to_dict(card, rag_date, year_from) for card in programme.cards],
    }


def _card_to_dict(card: Card, as_at: date, year_from: date) -> dict[str, Any]:
    rag = card_rag(card, as_at, year_from)
    return {
        "uuid": card.uuid,
        "ref": card.ref,
        "title": card.title,
        "theme": card.theme,
        "leads": list(card.leads),
        "status": str(card.status),
        "rag": str(rag.rag),
        "rag_reason": rag.reason,
        "rag_override": str(card.rag_override) if card.rag_override else None,
        "rag_override_reason": card.rag_override_reason,
        "deliverables": [
            {"text": d.text, "bulleted": d.bulleted, "benefit": d.benefit}
            for d in card.deliverables
        ],
        "progress": {label: _paragraphs(paras) for label, paras in card.progress.items()},
        "next_steps": card.next_steps_text,
        "cross_reference": card.cross_reference,
        "version": card.version,
        "updated_at": _iso(card.updated_at),
        "milestones": [_milestone_to_dict(m, as_at, year_from) for m in card.milestones],
    }


def _milestone_to_dict(milestone: Milestone, as_at: date, year_from: date) -> dict[str, Any]:
    rag = milestone_rag(milestone, as_at, year_from)
    return {
        "uuid": milestone.uuid,
        "description": milestone.description,
        "target": milestone.target,
        "window": window_to_dict(milestone.window(year_from)),
        "status": str(milestone.status),
        "rag": str(rag) if rag else None,
        "completed_on": _iso(milestone.completed_on),
        "notes": milestone.notes,
        "original_target": milestone.original_target,
        "revisions": [
            {
                "old_target": r.old_target,
                "new_target": r.new_target,
                "reason": r.reason,
                "changed_at": _iso(r.changed_at),
                "changed_by": r.changed_by,
            }
            for r in milestone.revisions
        ],
        "version": milestone.version,
    }


def programme_from_dict(data: dict[str, Any]) -> Programme:
    """Rebuild the programme a snapshot froze, to print it exactly as it was."""
    return Programme(
        code=data["code"],
        title=data["title"],
        report_title=data.get("report_title", ""),
        introduction=_paragraphs_back(data.get("introduction", [])),
        column_headings=list(data.get("column_headings", [])),
        themes=list(data.get("themes", [])),
        lead_key=[
            LeadRole(k["code"], k["role"], k.get("email", "")) for k in data.get("lead_key", [])
        ],
        periods=[
            Period(
                label=p["label"],
                as_at=date.fromisoformat(p["as_at"]),
                meeting=p.get("meeting", ""),
                published=bool(p.get("published")),
                published_at=_datetime(p.get("published_at")),
                seeded=bool(p.get("seeded")),
            )
            for p in data.get("periods", [])
        ],
        cards=[_card_from_dict(item, i) for i, item in enumerate(data.get("items", []))],
    )


def _card_from_dict(item: dict[str, Any], position: int) -> Card:
    override = item.get("rag_override")
    return Card(
        uuid=item["uuid"],
        ref=item["ref"],
        title=item["title"],
        theme=item.get("theme"),
        leads=list(item.get("leads", [])),
        status=CardStatus(item.get("status", CardStatus.NOT_STARTED)),
        rag_override=Rag(override) if override else None,
        rag_override_reason=item.get("rag_override_reason", ""),
        deliverables=[
            Deliverable(d["text"], bool(d.get("bulleted", True)), d.get("benefit"))
            for d in item.get("deliverables", [])
        ],
        progress={
            label: _paragraphs_back(paras) for label, paras in item.get("progress", {}).items()
        },
        next_steps_text=item.get("next_steps", "") or "",
        cross_reference=item.get("cross_reference"),
        version=int(item.get("version", 1)),
        position=position,
        updated_at=_datetime(item.get("updated_at")),
        milestones=[_milestone_from_dict(m, i) for i, m in enumerate(item.get("milestones", []))],
    )


def _milestone_from_dict(item: dict[str, Any], position: int) -> Milestone:
    return Milestone(
        uuid=item["uuid"],
        description=item["description"],
        target=item.get("target", ""),
        status=MilestoneStatus(item.get("status", MilestoneStatus.NOT_STARTED)),
        completed_on=_date(item.get("completed_on")),
        notes=item.get("notes", ""),
        original_target=item.get("original_target"),
        revisions=[
            MilestoneRevision(
                old_target=r["old_target"],
                new_target=r["new_target"],
                reason=r.get("reason", ""),
                changed_at=datetime.fromisoformat(r["changed_at"]),
                changed_by=r.get("changed_by", ""),
            )
            for r in item.get("revisions", [])
        ],
        version=int(item.get("version", 1)),
        position=position,
    )
