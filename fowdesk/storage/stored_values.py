"""How domain values are kept in columns: the JSON of deliverables and narratives.

The repository writes and reads them; the search index reads them to build
each card's text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fowdesk.domain.model import Deliverable, Paragraph


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def deliverables_to_json(items: Sequence[Deliverable]) -> str:
    return to_json([{"text": d.text, "bulleted": d.bulleted, "benefit": d.benefit} for d in items])


def deliverables_from_json(text: str) -> list[Deliverable]:
    return [
        Deliverable(d["text"], bool(d.get("bulleted", True)), d.get("benefit"))
        for d in json.loads(text)
    ]


def paragraphs_to_json(items: Sequence[Paragraph]) -> str:
    return to_json([{"text": p.text, "bulleted": p.bulleted} for p in items])


def paragraphs_from_json(text: str) -> list[Paragraph]:
    return [Paragraph(p["text"], bool(p.get("bulleted", True))) for p in json.loads(text)]


def deliverables_text(items: Sequence[Deliverable]) -> str:
    """Deliverables as readable lines, for the audit trail and search."""
    lines = []
    for d in items:
        line = ("• " if d.bulleted else "") + d.text
        if d.benefit:
            line += f" (so that {d.benefit})"
        lines.append(line)
    return "\n".join(lines)
