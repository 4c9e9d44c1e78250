"""Publishing a period: what the report is printed with, what to warn about first.

A published report is rendered once, with the options given when publishing
(appendix number, changes section; the meeting line is the period's own),
and every reprint gives those bytes back. So a reprint that asks for other
options is refused rather than quietly printing something else, and
publishing lists what the committee would otherwise read as "No update for
this period" or an unexplained slip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fowdesk.domain.model import Card, Milestone, Period, Programme
from fowdesk.domain.periods import report_as_at
from fowdesk.domain.quality import unknown_lead_codes
from fowdesk.domain.summary import MilestoneDue, summarise

#: How many refs one warning line lists before saying how many more there are.
LISTED_REFS = 30


@dataclass(frozen=True)
class ReportOptions:
    """What a report is printed with besides the data.

    ``None`` means "not given": a reprint compares only the options someone
    gave explicitly with the stored ones. :meth:`settled` fills in the
    defaults, which is what is stored when a period is published.
    """

    appendix: str | None = None
    include_changes: bool | None = None
    #: False for a report printed before fowdesk kept its options (its bytes are
    #: kept, what it was printed with is not): nothing is compared with it.
    known: bool = True

    @classmethod
    def given(
        cls, appendix: str | None = None, include_changes: bool | None = None
    ) -> ReportOptions:
        """Options as typed: a blank appendix is no appendix."""
        cleaned = " ".join(appendix.split()) if appendix else ""
        return cls(cleaned or None, include_changes)

    def settled(self) -> ReportOptions:
        changes = True if self.include_changes is None else self.include_changes
        return ReportOptions(self.appendix, changes, self.known)

    def to_dict(self) -> dict[str, Any]:
        settled = self.settled()
        return {"appendix": settled.appendix, "include_changes": settled.include_changes}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ReportOptions:
        data = data or {}
        return cls.given(data.get("appendix"), bool(data.get("include_changes", True)))


@dataclass(frozen=True)
class PublishedReport:
    """A report rendered for publishing: the snapshot it shows, its bytes and options.

    The repository stores it only if the programme still gives the same
    snapshot, so the bytes kept are always those of the frozen data.
    """

    snapshot: dict[str, Any]
    pdf: bytes
    options: ReportOptions
    published_at: datetime
    meeting: str | None = None


def _as_published(label: str, stored: ReportOptions) -> str:
    appendix = f"as Appendix {stored.appendix}" if stored.appendix else "with no appendix label"
    return f"{label} was published {appendix}"


def reprint_refusal(label: str, stored: ReportOptions, requested: ReportOptions) -> str | None:
    """Why a reprint of ``label`` with ``requested`` options would not be the published report.

    None when every option given explicitly matches the stored one (or none
    was given): then the stored bytes are the answer.
    """
    if not stored.known:
        return None
    stored = stored.settled()
    if requested.appendix is not None and requested.appendix != stored.appendix:
        return f"{_as_published(label, stored)}; a published report cannot change"
    if (
        requested.include_changes is not None
        and requested.include_changes != stored.include_changes
    ):
        section = "with" if stored.include_changes else "without"
        return (
            f"{_as_published(label, stored)}, {section} the changes section; "
            "a published report cannot change"
        )
    return None


def reprint_description(period: Period, stored: ReportOptions) -> str:
    """What the export dialog says instead of offering options: the report as published.

    "Reprint of the published report (Appendix 7, Cabinet, 21 April 2020)".
    """
    if not stored.known:
        return "Reprint of the published report (as first printed)"
    stored = stored.settled()
    parts = [f"Appendix {stored.appendix}" if stored.appendix else "no appendix label"]
    if period.meeting.strip():
        parts.append(" ".join(period.meeting.split()))
    if not stored.include_changes:
        parts.append("without the changes section")
    return f"Reprint of the published report ({', '.join(parts)})"


def publication_status(period: Period) -> str:
    """How the dashboard names a period's state: "published (seeded)", "published on 21/04/2020"."""
    if not period.published:
        return "open"
    if period.seeded:
        return "published (seeded)"
    if period.published_at is not None:
        return f"published on {period.published_at:%d/%m/%Y}"
    return "published"


# ----------------------------------------------------------------------------- warnings


@dataclass(frozen=True)
class MilestoneMention:
    """A milestone named in a warning, with the card it belongs to (a link in the window)."""

    card_ref: str
    card_uuid: str
    milestone: Milestone


@dataclass
class PublishWarnings:
    """What a committee would read as a gap, listed before the report is frozen."""

    period_label: str
    as_at: date
    not_updated: list[Card] = field(default_factory=list)
    overdue: list[MilestoneDue] = field(default_factory=list)
    redated_without_reason: list[MilestoneMention] = field(default_factory=list)
    unknown_leads: dict[str, list[Card]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (
            self.not_updated or self.overdue or self.redated_without_reason or self.unknown_leads
        )

    def lines(self) -> list[str]:
        """The warnings as the command line prints them, one finding a line."""
        found: list[str] = []
        if self.not_updated:
            count = len(self.not_updated)
            found.append(
                f"{count} {_plural(count, 'recommendation has', 'recommendations have')} "
                f"no update for {self.period_label}: {_refs(c.ref for c in self.not_updated)}"
            )
        if self.overdue:
            count = len(self.overdue)
            listed = "; ".join(
                f"rec {due.card_ref} {due.milestone.description}"
                + (f" ({due.milestone.target})" if due.milestone.target else "")
                for due in self.overdue[:LISTED_REFS]
            )
            more = f"; and {count - LISTED_REFS} more" if count > LISTED_REFS else ""
            found.append(
                f"{count} {_plural(count, 'milestone is', 'milestones are')} overdue as at "
                f"{self.as_at:%d/%m/%Y}: {listed}{more}"
            )
        if self.redated_without_reason:
            count = len(self.redated_without_reason)
            listed = "; ".join(
                f"rec {m.card_ref} {m.milestone.description} ({m.milestone.target})"
                for m in self.redated_without_reason[:LISTED_REFS]
            )
            more = f"; and {count - LISTED_REFS} more" if count > LISTED_REFS else ""
            found.append(
                f"{count} {_plural(count, 'milestone was', 'milestones were')} re-dated "
                f"without a reason: {listed}{more}"
            )
        for code, cards in self.unknown_leads.items():
            found.append(
                f"lead code {code!r} is not in the lead-role key: rec {_refs(c.ref for c in cards)}"
            )
        return found


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _refs(refs: Sequence[str] | Any) -> str:
    refs = list(refs)
    shown = ", ".join(refs[:LISTED_REFS])
    return shown + (f", and {len(refs) - LISTED_REFS} more" if len(refs) > LISTED_REFS else "")


def publish_warnings(programme: Programme, period_label: str) -> PublishWarnings:
    """What publishing ``period_label`` would freeze that a reader would take for a gap.

    Cards with no narrative for the period (a cross-reference counts as one),
    milestones overdue as at the period's as-at date, milestones whose target
    was revised with no reason given, and lead codes missing from the key.
    """
    as_at = report_as_at(programme, period_label)
    summary = summarise(programme, as_at, period_label=period_label)
    redated = [
        MilestoneMention(card.ref, card.uuid, milestone)
        for card in programme.cards
        for milestone in card.milestones
        if any(not revision.reason.strip() for revision in milestone.revisions)
    ]
    return PublishWarnings(
        period_label=period_label,
        as_at=as_at,
        not_updated=list(summary.not_updated),
        overdue=list(summary.overdue),
        redated_without_reason=redated,
        unknown_leads=unknown_lead_codes(programme),
    )
