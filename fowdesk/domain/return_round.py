"""The PMO's return round: who gets a return, who has sent theirs back, who to chase.

Each month the PMO sends every lead officer their part of the programme and
folds the replies back in. This module decides, with no files and no
database, who a round goes to (:func:`round_recipients`) and where it stands
(:func:`return_round`): per lead, when their return was sent, whether it has
come back (when, by whom, from which return ID), what it changed, what it left
in conflict, and whether it is overdue. A lead who has not replied reads
"not returned" and nothing on their line says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from fowdesk.domain.leads import normalise_code
from fowdesk.domain.model import Card, Programme
from fowdesk.domain.returns import ExportedReturn, ReturnImport
from fowdesk.domain.working_days import working_days_between

NOT_RETURNED = "not returned"
RETURNED = "returned"
OVERDUE = "overdue"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


# ---------------------------------------------------------------------------- who gets one


@dataclass(frozen=True)
class Recipient:
    """A lead code that gets a return: its role and address from the key, what it holds."""

    code: str
    role: str
    email: str
    in_key: bool
    cards: int
    milestones: int


@dataclass(frozen=True)
class Recipients:
    """Who a round goes to, and who it leaves out (said, never silently)."""

    leads: list[Recipient]
    #: Codes used on cards but missing from the key (the seed's SLE), left out unless asked.
    unknown_skipped: list[Recipient] = field(default_factory=list)
    #: Cards with no lead at all: in nobody's return.
    without_lead: list[Card] = field(default_factory=list)

    def notes(self) -> list[str]:
        """One line per thing left out, for the covering list and the window."""
        lines = []
        if self.unknown_skipped:
            codes = ", ".join(
                f"{r.code} ({_plural(r.cards, 'card')})" for r in self.unknown_skipped
            )
            lines.append(
                f"not in the lead-role key, so no return was made: {codes}; add them to the "
                "key (Programme settings), or ask for them (--unknown-leads)"
            )
        if self.without_lead:
            refs = ", ".join(c.ref for c in self.without_lead[:20])
            more = f" and {len(self.without_lead) - 20} more" if len(self.without_lead) > 20 else ""
            lines.append(
                f"{_plural(len(self.without_lead), 'card')} with no lead, in nobody's return: "
                f"{refs}{more}"
            )
        return lines


def round_recipients(programme: Programme, *, include_unknown: bool = False) -> Recipients:
    """Every lead code in use, in the key's order, then codes the key lacks.

    A card with two leads ("EDT/SSM") is in both returns. Key entries no card
    uses get no return (they would be empty).
    """
    key_by_code = {normalise_code(k.code): k for k in programme.lead_key}
    cards: dict[str, list[Card]] = {}
    spelling: dict[str, str] = {}
    without_lead = []
    for card in programme.cards:
        if not any(lead.strip() for lead in card.leads):
            without_lead.append(card)
        for lead in card.leads:
            code = normalise_code(lead)
            if not code:
                continue
            spelling.setdefault(code, lead.strip())
            owned = cards.setdefault(code, [])
            if not owned or owned[-1] is not card:
                owned.append(card)

    def recipient(code: str) -> Recipient:
        entry = key_by_code.get(code)
        owned = cards[code]
        return Recipient(
            code=entry.code if entry else spelling[code],
            role=entry.role if entry else "",
            email=entry.email if entry else "",
            in_key=entry is not None,
            cards=len(owned),
            milestones=sum(len(c.milestones) for c in owned),
        )

    in_key = [recipient(code) for code in key_by_code if code in cards]
    unknown = [recipient(code) for code in cards if code not in key_by_code]
    if include_unknown:
        return Recipients(in_key + unknown, [], without_lead)
    return Recipients(in_key, unknown, without_lead)


# ---------------------------------------------------------------------------- where it stands


class ListedReturn(Protocol):
    """A return with its imports, as the repository lists them."""

    @property
    def exported(self) -> ExportedReturn: ...

    @property
    def imports(self) -> list[ReturnImport]: ...


def _same_lead(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and normalise_code(a or "") == normalise_code(b or "")


@dataclass(frozen=True)
class Reply:
    """One import of a lead's return: when, who sent it and who imported it, which return."""

    imported: ReturnImport
    #: The return it came from was the one sent (False: an ad-hoc export of the lead's cards).
    from_sent: bool

    def describe(self) -> str:
        done = self.imported
        by = done.author or done.who
        imported_by = f", imported by {done.who}" if done.author and done.author != done.who else ""
        which = "" if self.from_sent else " (an ad-hoc export, not the one sent)"
        return (
            f"returned {done.at:%d/%m/%Y %H:%M} by {by}{imported_by}, "
            f"from return ID {done.return_id}{which}"
        )


@dataclass(frozen=True)
class LeadRound:
    """One lead's line of the round."""

    lead: str
    role: str
    sent: ExportedReturn
    #: How many times a return was sent to this lead this period (a chase's fresh copy counts).
    times_sent: int
    replies: list[Reply]
    today: date

    @property
    def returned(self) -> bool:
        return bool(self.replies)

    @property
    def last_reply(self) -> Reply | None:
        return self.replies[-1] if self.replies else None

    @property
    def changes(self) -> int:
        return sum(r.imported.changes for r in self.replies)

    @property
    def conflicts_left(self) -> int:
        """Conflicts the latest import of each of the lead's returns left."""
        latest: dict[str, int] = {}
        for reply in self.replies:
            latest[reply.imported.return_id] = reply.imported.conflicts_left
        return sum(latest.values())

    @property
    def due_on(self) -> date | None:
        return self.sent.due_on

    @property
    def overdue(self) -> bool:
        return not self.returned and self.due_on is not None and self.today > self.due_on

    @property
    def days_overdue(self) -> int:
        """Working days past the due date (0 when not overdue)."""
        if not self.overdue or self.due_on is None:
            return 0
        return working_days_between(self.due_on, self.today)

    @property
    def state(self) -> str:
        if self.returned:
            return RETURNED
        return OVERDUE if self.overdue else NOT_RETURNED

    @property
    def who(self) -> str:
        return f"{self.lead} ({self.role})" if self.role else self.lead

    def sent_text(self) -> str:
        sent = self.sent
        when = f"{sent.sent_at:%d/%m/%Y %H:%M}" if sent.sent_at else ""
        again = f" (sent {self.times_sent} times)" if self.times_sent > 1 else ""
        return f"sent {when}, {sent.filename}{again}"

    def due_text(self) -> str:
        if self.due_on is None:
            return ""
        if self.overdue:
            days = self.days_overdue
            late = f", {_plural(days, 'working day')} ago" if days else ""
            return f"overdue: due back {self.due_on:%d/%m/%Y}{late}"
        return f"due back {self.due_on:%d/%m/%Y}"

    def status_text(self) -> str:
        """What the line says of the reply: for a lead who has not replied, only that."""
        reply = self.last_reply
        if reply is None:
            parts = [NOT_RETURNED]
            if self.due_text():
                parts.append(self.due_text())
            if self.sent.chased_at:
                parts.append(f"reminder written {self.sent.chased_at:%d/%m/%Y}")
            return "; ".join(parts)
        left = self.conflicts_left
        return (
            f"{reply.describe()}; {_plural(self.changes, 'change')} applied; "
            f"{_plural(left, 'conflict') if left else 'no conflicts'} left"
        )

    def line(self) -> str:
        return f"{self.who}: {self.sent_text()}; {self.status_text()}"


@dataclass(frozen=True)
class AdHocReturn:
    """A return imported this period that was not sent in the round (an ad-hoc export)."""

    exported: ExportedReturn
    imports: list[ReturnImport]

    def line(self) -> str:
        exported = self.exported
        lead = f"lead {exported.lead}" if exported.lead else "all leads"
        if exported.exported_by:
            made = (
                f"{lead}, exported {exported.exported_at:%d/%m/%Y %H:%M} by "
                f"{exported.exported_by} ({exported.filename})"
            )
        else:
            made = f"{exported.filename}, not exported from this database"
        last = self.imports[-1]
        by = last.author or last.who
        changes = sum(i.changes for i in self.imports)
        return (
            f"return ID {exported.return_id}: {made}; returned {last.at:%d/%m/%Y %H:%M} by "
            f"{by}; {_plural(changes, 'change')} applied; "
            f"{_plural(last.conflicts_left, 'conflict') if last.conflicts_left else 'no conflicts'}"
            " left"
        )


@dataclass(frozen=True)
class ReturnRound:
    """Where one period's round stands."""

    programme_code: str
    period_label: str
    leads: list[LeadRound]
    ad_hoc: list[AdHocReturn]

    @property
    def was_sent(self) -> bool:
        return bool(self.leads)

    @property
    def returned(self) -> list[LeadRound]:
        return [lead for lead in self.leads if lead.returned]

    @property
    def not_returned(self) -> list[LeadRound]:
        return [lead for lead in self.leads if not lead.returned]

    @property
    def overdue(self) -> list[LeadRound]:
        return [lead for lead in self.leads if lead.overdue]

    def heading(self) -> str:
        if not self.leads:
            return f"{self.programme_code}, {self.period_label}: no returns sent yet"
        sent_days = sorted({lead.sent.sent_at.date() for lead in self.leads if lead.sent.sent_at})
        dues = sorted({lead.due_on for lead in self.leads if lead.due_on})
        when = f" on {sent_days[0]:%d/%m/%Y}" if len(sent_days) == 1 else ""
        due = f", due back {dues[0]:%d/%m/%Y}" if len(dues) == 1 else ""
        overdue = f" ({len(self.overdue)} overdue)" if self.overdue else ""
        return (
            f"{self.programme_code}, {self.period_label}: returns sent to "
            f"{_plural(len(self.leads), 'lead')}{when}{due}; {len(self.returned)} returned, "
            f"{len(self.not_returned)} not returned{overdue}"
        )

    def lines(self) -> list[str]:
        lines = [self.heading()]
        lines += [f"  {lead.line()}" for lead in self.leads]
        if self.ad_hoc:
            lines.append(f"Other returns imported in {self.period_label} (not sent in the round):")
            lines += [f"  {item.line()}" for item in self.ad_hoc]
        return lines


def _sent_order(listed: ListedReturn) -> datetime:
    return listed.exported.sent_at or listed.exported.exported_at


def return_round(
    programme: Programme,
    period_label: str,
    listing: Iterable[ListedReturn],
    today: date,
) -> ReturnRound:
    """The round of ``period_label`` from the returns listing (``Repository.returns``).

    A lead's line follows the latest return sent to them; any import of a return
    for that lead this period answers it (the one sent, an earlier copy, or an
    ad-hoc export of their cards). Other imported returns are listed as ad hoc.
    """
    in_period = [item for item in listing if item.exported.period_label == period_label]
    sent = sorted((item for item in in_period if item.exported.was_sent), key=_sent_order)
    latest: dict[str, ListedReturn] = {}
    times: dict[str, int] = {}
    for item in sent:
        code = normalise_code(item.exported.lead or "")
        latest[code] = item
        times[code] = times.get(code, 0) + 1
    answered: set[str] = set()
    leads: list[LeadRound] = []
    order = {normalise_code(k.code): n for n, k in enumerate(programme.lead_key)}
    for code, item in sorted(latest.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])):
        exported = item.exported
        replies: list[Reply] = []
        for other in in_period:
            if other.imports and _same_lead(other.exported.lead, exported.lead):
                answered.add(other.exported.return_id)
                replies += [Reply(done, other.exported.was_sent) for done in other.imports]
        replies.sort(key=lambda r: r.imported.at)
        lead = exported.lead or ""
        leads.append(
            LeadRound(lead, programme.lead_role(lead) or "", exported, times[code], replies, today)
        )
    ad_hoc = [
        AdHocReturn(item.exported, item.imports)
        for item in in_period
        if item.imports and item.exported.return_id not in answered
    ]
    return ReturnRound(programme.code, period_label, leads, ad_hoc)


def leads_to_chase(round_: ReturnRound) -> list[LeadRound]:
    """Every lead whose return has not come back (overdue or not yet due)."""
    return round_.not_returned
