"""The committee report's content, decided once, for every format that prints it.

The PDF (the printed appendix), the accessible HTML and the Word appendix all
say the same things in the same words: the heading, each recommendation's row
(deliverables with their "So that…" benefits, leads, the period's progress,
next steps with their targets, RAG as at the period's as-at date), the
summary, the changes since the last report and the lead-role key. This module
turns a programme (current data or a frozen snapshot) into a
:class:`ReportModel` of plain text; each renderer only lays it out and escapes
it for its own format. :func:`report_source` is the one place that chooses
current data or a published period's snapshot, so a published period's HTML
and Word files say what its PDF says.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TypeVar

from fowdesk import paths
from fowdesk.domain.changes import Change, ChangeKind
from fowdesk.domain.leads import format_leads, normalise_code
from fowdesk.domain.model import (
    Card,
    CardStatus,
    Deliverable,
    LeadRole,
    Milestone,
    MilestoneStatus,
    Period,
    Programme,
    Rag,
)
from fowdesk.domain.model import Paragraph as TextParagraph
from fowdesk.domain.publishing import ReportOptions
from fowdesk.domain.rag import RagResult, card_rag, milestone_rag
from fowdesk.domain.summary import MilestoneDue, summarise
from fowdesk.domain.textdiff import sentence_changes
from fowdesk.errors import InvalidInput, NotFound
from fowdesk.exports.files import write_bytes_atomically
from fowdesk.exports.frozen import frozen_report, previous_published

Rendered = TypeVar("Rendered")

#: The four columns' shares of the table width, as the seed's table divides the page.
COLUMN_SHARES = (0.27, 0.07, 0.37, 0.29)

#: A column with nothing in it for any card keeps this part of its share (room for
#: its heading and "No update for this period."); the others take the rest.
EMPTY_COLUMN_KEEPS = 0.4

#: How far ahead "due in the next month" looks from the as-at date.
NEXT_MONTH = timedelta(days=31)

#: How many overdue (and how many upcoming) milestones the summary lists.
SUMMARY_LIST_LIMIT = 8

#: A narrative's removed (and added) sentences in the changes section are cut here;
#: the full text is in the return.
CHANGE_TEXT_LIMIT = 300

#: The order RAG counts are given in, worst first.
RAG_ORDER = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE)

NO_UPDATE = "No update for this period."
BENEFIT_LABEL = "So that…"
KEY_HEADING = "Key for lead roles"


# ----------------------------------------------------------------------------- words


def report_heading(programme: Programme, period: Period) -> str:
    """The report's title for ``period``.

    The seed's title ends with its period ("… – Progress Report – February
    2020"); a later period's report says its own label instead of repeating
    the one the title was written for. A title that names no period gets
    the label appended.
    """
    title = programme.report_title or f"{programme.title} – Progress Report"
    if period.label in title:
        return title
    for other in programme.periods:
        if other.label and other.label in title:
            return title.replace(other.label, period.label)
    return f"{title} – {period.label}"


def default_filename(
    code: str, period_label: str, card_ref: str | None = None, extension: str = ".pdf"
) -> str:
    """``<code> report <period label>[ rec N].pdf`` (or .html, .docx), safe on Windows."""
    name = f"{code} report {period_label}" + (f" rec {card_ref}" if card_ref else "")
    cleaned = "".join("-" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in name)
    return cleaned.strip(" .") + extension


def ref_label(ref: str) -> str:
    """A recommendation's number as the seed prints it: "1." but "3a"."""
    return f"{ref}." if ref[-1:].isdigit() else ref


def uk_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


_KEPT_CONTROLS = {"\n"}
_AS_SPACE = {"\t", "\v", "\f", "\x85"}
_AS_NEWLINE = {"\u2028", "\u2029"}


def clean_text(text: str | None) -> str:
    """Text that HTML and Word files can hold: no control characters or noncharacters.

    A return pasted from another program can carry form feeds, NULs or a
    stray U+FFFF; the Nu HTML checker rejects them and XML cannot hold them
    at all. Line breaks are kept as ``\\n``; tabs become spaces. Every other
    character is kept as typed (a browser or Word finds a font for it).
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii() and text.replace("\n", "").isprintable():
        return text
    return "".join([_clean_char(char) for char in text])


@cache
def _clean_char(char: str) -> str:
    if char in _KEPT_CONTROLS:
        return char
    if char in _AS_SPACE:
        return " "
    if char in _AS_NEWLINE:
        return "\n"
    code = ord(char)
    category = unicodedata.category(char)
    if category in ("Cc", "Cs"):  # controls; a lone surrogate cannot be written as UTF-8
        return ""
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:  # noncharacters
        return ""
    return char


# ----------------------------------------------------------------------------- colour


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#RRGGBB``."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (white on amber does not)."""
    on_black = contrast_ratio(background, "#000000")
    on_white = contrast_ratio(background, "#FFFFFF")
    return "#000000" if on_black >= on_white else "#FFFFFF"


# ----------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Lead:
    """A lead code, with its role from the programme's key when the key has it."""

    code: str
    role: str | None


@dataclass(frozen=True)
class MilestoneLine:
    """A next-steps bullet as the seed writes it: "what – when", plus how it stands."""

    description: str
    target: str
    #: How it stands, printed in bold: "Complete 05/01/2020", "Delayed"; "" when not started.
    state: str
    #: The original target when it was revised ("no target" if it had none).
    originally: str | None
    cancelled: bool

    @property
    def what_and_when(self) -> str:
        return self.description + (" – " + self.target if self.target else "")

    @property
    def notes(self) -> tuple[tuple[str, bool], ...]:
        """What follows in brackets, in order, each with whether it is printed in bold."""
        found = [(self.state, True)] if self.state else []
        if self.originally is not None:
            found.append((f"originally {self.originally}", False))
        return tuple(found)


@dataclass(frozen=True)
class ReportRow:
    """One recommendation: one row of the report's table."""

    ref: str
    ref_label: str
    title: str
    rag: RagResult
    #: "RAG set by officer: …" when an officer overrode the milestones' RAG.
    override_note: str | None
    #: "Status: On hold" for a card that is not simply in progress.
    status_note: str | None
    deliverables: tuple[Deliverable, ...]
    leads: tuple[Lead, ...]
    progress: tuple[TextParagraph, ...]
    cross_reference: str | None
    next_steps_text: str
    milestones: tuple[MilestoneLine, ...]

    @property
    def leads_text(self) -> str:
        return format_leads([lead.code for lead in self.leads])

    @property
    def see_point(self) -> str | None:
        return f"See point {self.cross_reference}" if self.cross_reference else None

    @property
    def has_update(self) -> bool:
        return bool(self.progress or self.cross_reference)


# ----------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class ReportSummary:
    """The programme at a glance, as at the period's as-at date."""

    as_at: date
    rag_counts: tuple[tuple[Rag, int], ...]
    total: int
    milestones: int
    complete: int
    overdue: tuple[MilestoneDue, ...]
    upcoming: tuple[MilestoneDue, ...]

    @property
    def horizon(self) -> date:
        return self.as_at + NEXT_MONTH

    @property
    def heading(self) -> str:
        return f"Summary as at {uk_date(self.as_at)}"

    @property
    def overdue_heading(self) -> str:
        return f"Milestones overdue ({len(self.overdue)})"

    @property
    def upcoming_heading(self) -> str:
        return (
            f"Milestones due in the next month, by {uk_date(self.horizon)} ({len(self.upcoming)})"
        )

    overdue_empty = "No milestones are overdue."
    upcoming_empty = "No milestones fall due in the next month."

    @property
    def rag_rule(self) -> str:
        return (
            f"RAG is worked out as at {uk_date(self.as_at)}: R Red – target passed more than "
            "30 days ago; A Amber – due within 30 days, overdue or delayed; G Green – on "
            "track; C Complete."
        )

    def facts(self) -> tuple[tuple[str, bool], ...]:
        """The milestone counts as one sentence, in parts: (text, is a number to stress)."""
        return (
            (f"{self.milestones}", True),
            (" milestones: ", False),
            (f"{self.complete}", True),
            (" complete, ", False),
            (f"{len(self.overdue)}", True),
            (" overdue, ", False),
            (f"{len(self.upcoming)}", True),
            (f" due by {uk_date(self.horizon)}.", False),
        )

    @staticmethod
    def shown(items: Sequence[MilestoneDue]) -> Sequence[MilestoneDue]:
        """The first few of a list; the table has every milestone."""
        return items[:SUMMARY_LIST_LIMIT]

    @staticmethod
    def more(items: Sequence[MilestoneDue]) -> str | None:
        hidden = len(items) - SUMMARY_LIST_LIMIT
        if hidden <= 0:
            return None
        return f"… and {hidden:,} more; every milestone is in the table that follows."


# ----------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class ChangeLine:
    """One row of the changes section: Was and Now as the committee reads them."""

    ref: str
    what: str
    was: str
    now: str
    #: A narrative's cells say what it lost and gained: "Removed:" / "Added:", in bold.
    was_label: str = ""
    now_label: str = ""
    moved_rag: bool = False

    def labels(self) -> tuple[str, str]:
        return self.was_label, self.now_label

    def in_words(self) -> tuple[str, str]:
        """Was and now with a RAG letter spelt out ("G" → "Green"), for a screen reader.

        The printed PDF keeps the letters, which its legend explains.
        """
        if not self.moved_rag:
            return self.was, self.now
        return tuple(  # type: ignore[return-value]
            rag.label if (rag := Rag.from_text(value)) else value for value in (self.was, self.now)
        )


@dataclass(frozen=True)
class ChangesSection:
    """What changed since the last published report; empty says so."""

    since: str
    lines: tuple[ChangeLine, ...]

    @property
    def heading(self) -> str:
        return "Changes since the last report" + (f" ({self.since})" if self.since else "")

    empty_text = "Nothing has changed since the last report."
    columns = ("Rec", "What changed", "Was", "Now")


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CHANGE_TEXT_LIMIT else text[: CHANGE_TEXT_LIMIT - 1] + "…"


def change_line(change: Change) -> ChangeLine:
    """A change as a row; a narrative's as the sentences it lost and gained.

    A narrative that kept its paragraphs and gained one would otherwise
    print the same first words twice; each side is cut only after the
    shared sentences are taken out.
    """
    if change.kind is not ChangeKind.NARRATIVE:
        return ChangeLine(
            change.ref, change.what, change.was, change.now, moved_rag=change.kind is ChangeKind.RAG
        )
    changed = sentence_changes(change.was, change.now)
    removed = _clip(" ".join(changed.removed))
    added = _clip(" ".join(changed.added))
    return ChangeLine(
        change.ref,
        change.what,
        removed or "Nothing removed",
        added or "Nothing added",
        "Removed:" if removed else "",
        "Added:" if added else "",
    )


# ----------------------------------------------------------------------------- one card


@dataclass(frozen=True)
class MilestoneDetail:
    """One line of a briefing's milestone table: status, RAG, slippage."""

    description: str
    target: str
    status: str
    rag: Rag | None
    revisions: str
    notes: str


@dataclass(frozen=True)
class CardDetail:
    as_at: date
    rag: RagResult
    milestones: tuple[MilestoneDetail, ...]

    @property
    def rag_heading(self) -> str:
        return f"RAG as at {uk_date(self.as_at)}:"

    columns = ("Milestone", "Target", "Status", "RAG", "Original target", "Notes")


def _milestone_detail(milestone: Milestone, as_at: date) -> MilestoneDetail:
    status = str(milestone.status)
    if milestone.completed_on:
        status += f" {uk_date(milestone.completed_on)}"
    revisions = (
        f"{milestone.original_target} ({milestone.revision_count} revision"
        f"{'s' if milestone.revision_count != 1 else ''})"
        if milestone.original_target is not None
        else ""
    )
    return MilestoneDetail(
        milestone.description,
        milestone.target,
        status,
        milestone_rag(milestone, as_at, as_at),
        revisions,
        milestone.notes,
    )


# ----------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ReportModel:
    """Everything one report says, in order, as plain text."""

    code: str
    period: Period
    heading: str
    card_ref: str | None
    appendix: str
    author: str
    introduction: tuple[TextParagraph, ...]
    column_headings: tuple[str, str, str, str]
    rows: tuple[ReportRow, ...]
    summary: ReportSummary | None
    changes: ChangesSection | None
    card_detail: CardDetail | None
    lead_key: tuple[LeadRole, ...]
    #: Which of the four columns any card has something in (for the column widths).
    columns_used: tuple[bool, bool, bool, bool]

    @property
    def meeting(self) -> str:
        return self.period.meeting

    @property
    def as_at(self) -> date:
        return self.period.as_at

    @property
    def title(self) -> str:
        """The document's title (metadata, the window's tab)."""
        return self.heading + (f" – recommendation {self.card_ref}" if self.card_ref else "")

    @property
    def subject(self) -> str:
        return (
            f"Progress report, {self.period.label}, as at {uk_date(self.as_at)}"
            + (f", recommendation {self.card_ref}" if self.card_ref else "")
            + (f" – {self.meeting}" if self.meeting else "")
        )

    @property
    def appendix_label(self) -> str:
        return f"Appendix {self.appendix}" if self.appendix else ""

    @property
    def table_heading(self) -> str:
        return "Recommendation" if self.card_ref else "Progress by recommendation"

    @property
    def table_caption(self) -> str:
        count = len(self.rows)
        noun = "recommendation" if count == 1 else "recommendations"
        return (
            f"{self.table_heading}, {self.period.label}: {count:,} {noun}, "
            f"each with its RAG as at {uk_date(self.as_at)}"
        )

    def column_shares(self) -> tuple[float, ...]:
        return _shares(self.columns_used)


def column_headings(programme: Programme) -> tuple[str, str, str, str]:
    """The programme's four headings, the defaults standing in for blank ones."""
    defaults = Programme(code="", title="").column_headings
    given = list(programme.column_headings)
    first, lead, progress, next_steps = (
        given[i] if i < len(given) and given[i].strip() else defaults[i] for i in range(4)
    )
    return first, lead, progress, next_steps


def columns_used(cards: Sequence[Card], period_label: str) -> tuple[bool, bool, bool, bool]:
    return (
        True,
        True,  # the Lead column is already as narrow as its heading allows
        any(card.progress_for(period_label) or card.cross_reference for card in cards),
        any(card.milestones or card.next_steps_text.strip() for card in cards),
    )


def column_shares(cards: Sequence[Card], period_label: str) -> tuple[float, ...]:
    """The seed's column shares, with columns no card uses narrowed for those that are.

    A strategy's first report has priorities and deliverables but no leads and
    no progress yet; printing empty columns at full width would crowd the first.
    """
    return _shares(columns_used(cards, period_label))


def _shares(used: Sequence[bool]) -> tuple[float, ...]:
    weighted = [
        share if in_use else share * EMPTY_COLUMN_KEEPS
        for share, in_use in zip(COLUMN_SHARES, used, strict=True)
    ]
    total = sum(weighted)
    return tuple(share / total for share in weighted)


def _has_text(text: str | None) -> bool:
    return bool(clean_text(text))


def milestone_line(milestone: Milestone) -> MilestoneLine:
    state = ""
    if milestone.status is MilestoneStatus.COMPLETE:
        done = f" {uk_date(milestone.completed_on)}" if milestone.completed_on else ""
        state = f"Complete{done}"
    elif milestone.status is not MilestoneStatus.NOT_STARTED:
        state = str(milestone.status)
    originally = None
    if milestone.original_target is not None and milestone.original_target != milestone.target:
        originally = (
            milestone.original_target if _has_text(milestone.original_target) else "no target"
        )
    return MilestoneLine(
        milestone.description,
        milestone.target,
        state,
        originally,
        milestone.status is MilestoneStatus.CANCELLED,
    )


class _LeadRoles:
    """The key's roles by lead code, compared the way lead codes are (spaces, case)."""

    def __init__(self, key: Sequence[LeadRole]) -> None:
        self._roles: dict[str, str] = {}
        for entry in key:
            self._roles.setdefault(normalise_code(entry.code), entry.role)

    def lead(self, code: str) -> Lead:
        return Lead(code.strip(), self._roles.get(normalise_code(code)))


def report_row(card: Card, period: Period, roles: _LeadRoles) -> ReportRow:
    rag = card_rag(card, period.as_at, period.as_at)
    override_note = None
    if rag.overridden:
        derived = f" (from milestones: {rag.derived.label})" if rag.derived else ""
        reason = card.rag_override_reason if _has_text(card.rag_override_reason) else ""
        override_note = (
            f"RAG set by officer: {rag.rag.label}{derived} – {reason or 'no reason given'}"
        )
    status_note = None
    if card.status in (CardStatus.ON_HOLD, CardStatus.COMPLETE, CardStatus.CLOSED):
        status_note = f"Status: {card.status}"
    return ReportRow(
        ref=card.ref,
        ref_label=ref_label(card.ref),
        title=card.title,
        rag=rag,
        override_note=override_note,
        status_note=status_note,
        deliverables=tuple(card.deliverables),
        leads=tuple(roles.lead(code) for code in card.leads if code.strip()),
        progress=tuple(card.progress_for(period.label)),
        cross_reference=card.cross_reference or None,
        next_steps_text=card.next_steps_text.strip(),
        milestones=tuple(milestone_line(m) for m in card.milestones),
    )


def _summary(programme: Programme, cards: Sequence[Card], period: Period) -> ReportSummary:
    summary = summarise(
        programme,
        period.as_at,
        period_label=period.label,
        upcoming_days=NEXT_MONTH.days,
        cards=cards,
    )
    return ReportSummary(
        as_at=period.as_at,
        rag_counts=tuple((rag, summary.rag_counts[rag]) for rag in RAG_ORDER),
        total=len(cards),
        milestones=sum(len(c.milestones) for c in cards),
        complete=sum(
            1 for c in cards for m in c.milestones if m.status is MilestoneStatus.COMPLETE
        ),
        overdue=tuple(summary.overdue),
        upcoming=tuple(summary.upcoming),
    )


def build_report(
    programme: Programme,
    period_label: str,
    *,
    changes: Sequence[Change] | None = None,
    appendix: str | None = None,
    card_ref: str | None = None,
    author: str = "",
) -> ReportModel:
    """What the report for ``period_label`` says (one recommendation's, with ``card_ref``).

    ``changes`` is what the changes-since function listed; None leaves the
    section out. No database access: :func:`report_source` chooses current
    data or a frozen snapshot.
    """
    period = programme.period(period_label)
    if period is None:
        raise NotFound(f"no reporting period {period_label!r} in {programme.code}")
    cards = list(programme.cards)
    if card_ref is not None:
        card = programme.card(card_ref)
        if card is None:
            raise NotFound(f"no recommendation {card_ref!r} in {programme.code}")
        cards = [card]
    roles = _LeadRoles(programme.lead_key)
    full_report = card_ref is None
    changes_section = None
    if full_report and changes is not None:
        since = previous_published(programme, period.label)
        changes_section = ChangesSection(
            since.label if since else "", tuple(change_line(c) for c in changes)
        )
    card_detail = None
    if not full_report:
        card_detail = CardDetail(
            period.as_at,
            card_rag(cards[0], period.as_at, period.as_at),
            tuple(_milestone_detail(m, period.as_at) for m in cards[0].milestones),
        )
    return ReportModel(
        code=programme.code,
        period=period,
        heading=report_heading(programme, period),
        card_ref=card_ref,
        appendix=(appendix or "").strip(),
        author=author,
        introduction=tuple(programme.introduction) if full_report else (),
        column_headings=column_headings(programme),
        rows=tuple(report_row(card, period, roles) for card in cards),
        summary=_summary(programme, cards, period) if full_report else None,
        changes=changes_section,
        card_detail=card_detail,
        lead_key=tuple(programme.lead_key),
        columns_used=columns_used(cards, period.label),
    )


# ----------------------------------------------------------------------------- source


@dataclass(frozen=True)
class ReportSource:
    """What a report prints from: current data or a published period's snapshot, and options."""

    code: str
    programme: Programme
    period: Period
    #: None leaves the changes section out.
    changes: list[Change] | None
    appendix: str | None

    def model(self, *, card_ref: str | None = None, author: str = "") -> ReportModel:
        return build_report(
            self.programme,
            self.period.label,
            changes=self.changes,
            appendix=self.appendix,
            card_ref=card_ref,
            author=author,
        )


def chosen_period(repo, code: str | None, period: str | None) -> tuple[str, Programme, Period]:
    """The programme's code, its current data and the period asked for (default: the latest)."""
    canonical = repo.programme_code(code)
    current = repo.load_programme(canonical)
    if not current.periods:
        raise InvalidInput(f"{canonical} has no reporting period yet; start one first")
    label = period if period is not None else current.periods[-1].label
    chosen = current.period(label)
    if chosen is None:
        raise NotFound(f"no reporting period {label!r} in {canonical}")
    return canonical, current, chosen


def source_for(
    repo, code: str, current: Programme, period: Period, requested: ReportOptions
) -> ReportSource:
    """Current data for an open period; a published one's frozen snapshot and stored options.

    A published period's report is what the committee saw: its snapshot, its
    changes between the two snapshots, the appendix it was published with;
    options given explicitly that differ are refused
    (``PublishedReportCannotChange``), as a reprint of its PDF is.
    """
    if period.published:
        frozen = frozen_report(repo, code, period.label, requested)
        return ReportSource(
            code, frozen.programme, frozen.period, frozen.changes, frozen.options.appendix
        )
    options = requested.settled()
    changes = repo.changes_since_last_report(code) if options.include_changes else None
    if changes is not None and current.latest_published_period is None:
        changes = None
    return ReportSource(code, current, period, changes, options.appendix)


def report_source(
    repo,
    *,
    code: str | None = None,
    period: str | None = None,
    appendix: str | None = None,
    include_changes: bool | None = None,
) -> ReportSource:
    """What the report for ``period`` (default: the current one) prints from, in any format.

    ``appendix`` and ``include_changes`` left as None are "not given": an open
    period then has no appendix and a changes section; a published period
    has what it was published with.
    """
    canonical, current, chosen = chosen_period(repo, code, period)
    return source_for(
        repo, canonical, current, chosen, ReportOptions.given(appendix, include_changes)
    )


def rendered_report(
    repo,
    render: Callable[[ReportModel], Rendered],
    *,
    code: str | None = None,
    period: str | None = None,
    appendix: str | None = None,
    card_ref: str | None = None,
    include_changes: bool | None = None,
) -> tuple[str, str, Rendered]:
    """The report for ``period`` (default: the current one) as (code, period, ``render(model)``).

    A published period renders from the snapshot frozen when it was
    published, with the options it was published with, as its PDF does;
    other options given explicitly are refused. The HTML and Word exports
    share it; the PDF's published reprints are stored bytes instead.
    """
    source = report_source(
        repo, code=code, period=period, appendix=appendix, include_changes=include_changes
    )
    report = source.model(card_ref=card_ref, author=repo.user)
    return source.code, source.period.label, render(report)


def save_report(
    repo,
    kind: str,
    rendered: tuple[str, str, bytes],
    output: Path | None,
    card_ref: str | None = None,
) -> Path:
    """Write a rendered report to ``output`` (default: the exports folder, named for it) and log it.

    ``kind`` is the format's name ("pdf", "html", "docx"), which is also the
    file's extension; every format is written and logged the same way.
    """
    code, label, data = rendered
    target = output or paths.default_exports_dir() / default_filename(
        code, label, card_ref, f".{kind}"
    )
    if output is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    written = write_bytes_atomically(target, data)
    repo.log_export(kind, code, label, str(written))
    return written
