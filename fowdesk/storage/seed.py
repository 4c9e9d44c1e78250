"""Load the seed programmes shipped as package data (see ``fowdesk/seeds/FORMAT.md``).

Each file is checked against the format before anything is written, so a
typo in a seed file is a clear message naming the file and the place, not a
half-loaded database.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

from fowdesk.domain.dates import split_next_step
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
from fowdesk.errors import InvalidInput

FORMAT = "fowdesk-programme/1"


class _Checker:
    """A tiny schema check: the right keys with the right types, or one clear line."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, where: str, problem: str) -> InvalidInput:
        return InvalidInput(f"seed file {self.name}: {where}: {problem}")

    def obj(
        self,
        value: Any,
        where: str,
        required: dict[str, type | tuple[type, ...]],
        optional: dict[str, type | tuple[type, ...]],
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "expected an object")
        for key in value:
            if key not in required and key not in optional:
                raise self.fail(where, f"unknown key {key!r}")
        for key, kind in {**required, **optional}.items():
            if key not in value:
                if key in required:
                    raise self.fail(where, f"missing key {key!r}")
                continue
            if not isinstance(value[key], kind):
                raise self.fail(f"{where}.{key}", f"expected {_kind_name(kind)}")
        return value

    def strings(self, value: Any, where: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, "expected a list of strings")
        return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(
        {
            str: "text",
            list: "a list",
            dict: "an object",
            bool: "true/false",
            type(None): "null",
        }.get(k, k.__name__)
        for k in kinds
    )


_OPT_STR = (str, type(None))


def programme_from_seed(data: Any, name: str) -> Programme:
    """Validate one seed file's data and turn it into a Programme."""
    check = _Checker(name)
    top = check.obj(
        data,
        "top level",
        {
            "format": str,
            "code": str,
            "title": str,
            "report_title": str,
            "introduction": list,
            "column_headings": list,
            "themes": list,
            "lead_key": list,
            "periods": list,
            "cards": list,
        },
        {"source": str},
    )
    if top["format"] != FORMAT:
        raise check.fail("format", f"expected {FORMAT!r}")
    headings = check.strings(top["column_headings"], "column_headings")
    if len(headings) != 4:
        raise check.fail("column_headings", "expected exactly four headings")
    themes = check.strings(top["themes"], "themes")
    key = [
        LeadRole(**check.obj(k, f"lead_key[{i}]", {"code": str, "role": str}, {"email": str}))
        for i, k in enumerate(top["lead_key"])
    ]
    periods = []
    for i, p in enumerate(top["periods"]):
        where = f"periods[{i}]"
        check.obj(p, where, {"label": str, "as_at": str}, {"meeting": str, "published": bool})
        try:
            as_at = date.fromisoformat(p["as_at"])
        except ValueError:
            raise check.fail(f"{where}.as_at", "expected a date as YYYY-MM-DD") from None
        published = p.get("published", False)
        # A period the seed ships published was never published by an officer.
        periods.append(Period(p["label"], as_at, p.get("meeting", ""), published, seeded=published))
    if not periods:
        raise check.fail("periods", "at least one period is needed")
    as_at = periods[-1].as_at
    labels = {p.label for p in periods}
    introduction = [_paragraph(text) for text in check.strings(top["introduction"], "introduction")]
    cards = [
        _card(check, c, f"cards[{i}]", themes, labels, as_at) for i, c in enumerate(top["cards"])
    ]
    refs = [c.ref for c in cards]
    if len(set(refs)) != len(refs):
        raise check.fail("cards", "two cards share a ref")
    return Programme(
        code=top["code"],
        title=top["title"],
        report_title=top["report_title"],
        introduction=introduction,
        column_headings=headings,
        themes=themes,
        lead_key=key,
        periods=periods,
        cards=cards,
    )


def _paragraph(text: str) -> Paragraph:
    if text.startswith("• "):
        return Paragraph(text[2:], bulleted=True)
    return Paragraph(text, bulleted=False)


def _card(
    check: _Checker, c: Any, where: str, themes: list[str], labels: set[str], as_at: date
) -> Card:
    check.obj(
        c,
        where,
        {"ref": str, "title": str},
        {
            "theme": _OPT_STR,
            "leads": list,
            "status": str,
            "deliverables": list,
            "progress": dict,
            "cross_reference": _OPT_STR,
            "next_steps_text": _OPT_STR,
            "milestones": list,
        },
    )
    if c.get("theme") is not None and c["theme"] not in themes:
        raise check.fail(f"{where}.theme", f"{c['theme']!r} is not one of the themes")
    try:
        status = CardStatus(c.get("status", CardStatus.NOT_STARTED))
    except ValueError:
        raise check.fail(f"{where}.status", f"unknown status {c['status']!r}") from None
    deliverables = []
    for i, d in enumerate(c.get("deliverables", [])):
        check.obj(
            d, f"{where}.deliverables[{i}]", {"text": str}, {"bulleted": bool, "benefit": _OPT_STR}
        )
        deliverables.append(Deliverable(d["text"], d.get("bulleted", True), d.get("benefit")))
    progress: dict[str, list[Paragraph]] = {}
    for label, paras in c.get("progress", {}).items():
        if label not in labels:
            raise check.fail(f"{where}.progress", f"{label!r} is not one of the periods")
        if not isinstance(paras, list):
            raise check.fail(f"{where}.progress.{label}", "expected a list")
        progress[label] = []
        for i, p in enumerate(paras):
            check.obj(p, f"{where}.progress.{label}[{i}]", {"text": str}, {"bulleted": bool})
            progress[label].append(Paragraph(p["text"], p.get("bulleted", True)))
    milestones = [
        _milestone(check, m, f"{where}.milestones[{i}]", as_at)
        for i, m in enumerate(c.get("milestones", []))
    ]
    return Card(
        ref=c["ref"],
        title=c["title"],
        theme=c.get("theme"),
        leads=check.strings(c.get("leads", []), f"{where}.leads"),
        status=status,
        deliverables=deliverables,
        progress=progress,
        cross_reference=c.get("cross_reference"),
        next_steps_text=c.get("next_steps_text") or "",
        milestones=milestones,
    )


def _milestone(check: _Checker, m: Any, where: str, as_at: date) -> Milestone:
    check.obj(
        m,
        where,
        {},
        {"bullet": str, "description": str, "target": str, "status": str, "notes": str},
    )
    if "bullet" in m:
        if "description" in m or "target" in m:
            raise check.fail(where, "give either 'bullet' or 'description'/'target', not both")
        description, target = split_next_step(m["bullet"], as_at)
    elif "description" in m:
        description, target = m["description"], m.get("target", "")
    else:
        raise check.fail(where, "missing 'bullet' or 'description'")
    try:
        status = MilestoneStatus(m.get("status", MilestoneStatus.NOT_STARTED))
    except ValueError:
        raise check.fail(f"{where}.status", f"unknown status {m['status']!r}") from None
    return Milestone(
        description=description, target=target, status=status, notes=m.get("notes", "")
    )


def seed_file_names() -> list[str]:
    index = json.loads(resources.files("fowdesk.seeds").joinpath("index.json").read_text("utf-8"))
    return list(index["programmes"])


def load_seed_programmes() -> list[Programme]:
    """Every shipped seed programme, validated, in the order of ``index.json``."""
    programmes = []
    for name in seed_file_names():
        text = resources.files("fowdesk.seeds").joinpath(name).read_text("utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"seed file {name}: not valid JSON ({exc})") from None
        programmes.append(programme_from_seed(data, name))
    return programmes
