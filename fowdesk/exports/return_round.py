"""The PMO's return round on disk: send each lead their return, chase the ones not back.

:func:`send_returns` writes one return per lead code in use into a folder,
each with its own return ID (named as ``export xlsx --lead`` names it), a
covering list ``returns.csv``, and, if asked, one draft e-mail per lead
(``.eml``, opened by Outlook as a message to send). A send is all or nothing:
if any file cannot be written, the files this send wrote are removed and
nothing is recorded. :func:`chase_returns` writes a reminder draft for every
lead whose return has not come back, with their return attached again — the
file as sent, or a fresh one when the programme has moved on since. fowdesk
sends nothing itself.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from lxml import etree

from fowdesk import paths
from fowdesk.domain.changes import Change
from fowdesk.domain.model import Period, Programme
from fowdesk.domain.periods import propose_next_period, report_as_at
from fowdesk.domain.return_round import (
    LeadRound,
    Recipient,
    Recipients,
    return_round,
    round_recipients,
)
from fowdesk.domain.returns import ExportedReturn, ReturnImport
from fowdesk.domain.working_days import DEFAULT_RETURN_DAYS, add_working_days
from fowdesk.errors import FowdeskError, InvalidInput, shown
from fowdesk.exports.email_drafts import draft_message, write_draft
from fowdesk.exports.files import write_bytes_atomically
from fowdesk.exports.xlsx_columns import PROPERTY_RETURN_ID
from fowdesk.exports.xlsx_return import (
    ReturnSource,
    default_return_name,
    return_source,
    windows_safe_name,
    write_return,
)
from fowdesk.exports.xlsx_rows import return_base, return_sheets

COVERING_LIST = "returns.csv"
COVERING_HEADERS = (
    "Lead",
    "Role",
    "File",
    "Cards",
    "Milestones",
    "E-mail",
    "Draft e-mail",
    "Return ID",
    "Due back",
)
NO_ADDRESS = "no e-mail address in the key: the draft's To is empty"


class _Listed(Protocol):
    @property
    def exported(self) -> ExportedReturn: ...

    @property
    def imports(self) -> list[ReturnImport]: ...


class RoundStore(Protocol):
    """What the round needs of the repository: reads, and the records it keeps."""

    user: str
    #: Lines saying what the database could not record (the files are written).
    unrecorded: list[str]

    def load_programme(self, code: str | None = None) -> Programme: ...

    def latest_published_snapshot(self, code: str | None) -> dict[str, object] | None: ...

    def changes_since_last_report(self, code: str | None) -> list[Change]: ...

    def record_return(self, record: ExportedReturn) -> bool: ...

    def record_returns(
        self, records: Sequence[ExportedReturn], *, best_effort: bool = True
    ) -> bool: ...

    def record_chased(self, return_ids: Sequence[str], at: datetime) -> bool: ...

    def returns(self, code: str | None = None, period: str | None = None) -> Sequence[_Listed]: ...

    def exported_return(self, return_id: str) -> ExportedReturn | None: ...


def long_date(day: date) -> str:
    """ "Tuesday 14 April 2020", as a letter writes a date."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def default_due_date(today: date) -> date:
    return add_working_days(today, DEFAULT_RETURN_DAYS)


def round_folder_name(programme: Programme) -> str:
    """One folder per round: "FOW returns 2020-03-31"."""
    return windows_safe_name(f"{programme.code} returns {report_as_at(programme):%Y-%m-%d}")


def default_round_folder(programme: Programme) -> Path:
    """Where a round goes when no folder is given: in the exports folder."""
    return paths.default_exports_dir() / round_folder_name(programme)


def round_period(programme: Programme) -> Period:
    """The period a round is sent for: the current one, if it is still open.

    Raises:
        InvalidInput: no period, or the current one is published.
    """
    period = programme.current_period
    if period is None:
        raise InvalidInput(f"{programme.code} has no reporting period; start one first")
    if period.published:
        suggestion = propose_next_period(programme).label
        raise InvalidInput(
            f"{programme.code}'s current period, {period.label}, is published: narratives "
            f'returned now could not go into it; start the next period (fowdesk period new "'
            f'{suggestion}") and send the returns for that'
        )
    return period


# ---------------------------------------------------------------------------- the messages


def _subject(programme: Programme, period: Period, lead: str) -> str:
    return f"{programme.title or programme.code}: progress return for {period.label} – {lead}"


def _greeting(role: str) -> str:
    return f"Dear {role}," if role else "Hello,"


def send_message(
    programme: Programme,
    period: Period,
    recipient: Recipient,
    due_on: date,
    return_id: str,
    sender: str,
) -> str:
    """The standard covering message: what is attached, what to do, when it is due back."""
    cards = "recommendation" if recipient.cards == 1 else "recommendations"
    return "\n".join(
        [
            _greeting(recipient.role),
            "",
            f"Please find attached your progress return for the {programme.title or programme.code}"
            f" for {period.label} (as at {period.as_at:%d/%m/%Y}). It holds the {recipient.cards} "
            f"{cards} you lead ({recipient.code}) and their milestones.",
            "",
            "Please update the progress to date, next steps and milestones in the workbook, "
            "give a reason when you change a milestone's target, and send it back to me "
            f"by {long_date(due_on)}. Please keep the rows as they are (add new rows for new "
            "milestones; set a milestone you are dropping to Cancelled).",
            "",
            f"Return ID: {return_id}",
            "",
            "Thank you,",
            sender,
        ]
    )


def reminder_message(
    programme: Programme,
    period: Period,
    lead: LeadRound,
    return_id: str,
    *,
    fresh: bool,
    today: date,
    sender: str,
) -> str:
    due = lead.due_on
    if due is not None and today > due:
        when = f"was due back on {long_date(due)}"
    elif due is not None:
        when = f"is due back by {long_date(due)}"
    else:
        when = "has not come back yet"
    attached = (
        "The programme has changed since the first copy was sent, so a fresh copy is attached: "
        "please use this one rather than the earlier one."
        if fresh
        else "Your return is attached again in case the first e-mail went astray."
    )
    return "\n".join(
        [
            _greeting(lead.role),
            "",
            f"A reminder that your progress return for the {programme.title or programme.code} "
            f"for {period.label} {when}, and I have not received it yet.",
            "",
            attached,
            "",
            f"Return ID: {return_id}",
            "",
            "Thank you,",
            sender,
        ]
    )


# ---------------------------------------------------------------------------- send


@dataclass(frozen=True)
class SentReturn:
    """One lead's return as sent: the file, its return ID, the draft (if written)."""

    recipient: Recipient
    path: Path
    return_id: str
    draft: Path | None

    @property
    def address_text(self) -> str:
        """The address, or the note that there is none (the draft's To is then empty)."""
        if self.recipient.email:
            return self.recipient.email
        return NO_ADDRESS if self.draft else "no e-mail address in the key"


@dataclass(frozen=True)
class SendResult:
    """What a send wrote, for the covering list on screen and the command line."""

    programme_code: str
    period_label: str
    folder: Path
    due_on: date
    sent: list[SentReturn]
    recipients: Recipients
    covering_list: Path
    #: Lines the database could not record (the files are written).
    unrecorded: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        drafts = sum(1 for s in self.sent if s.draft)
        lines = [
            f"{self.programme_code}, {self.period_label}: {len(self.sent)} return"
            f"{'s' if len(self.sent) != 1 else ''} written to {shown(self.folder)}, due back "
            f"{self.due_on:%d/%m/%Y}" + (f", with {drafts} draft e-mails" if drafts else "")
        ]
        for sent in self.sent:
            r = sent.recipient
            address = sent.address_text
            note = "" if r.in_key else " (not in the lead-role key)"
            lines.append(
                f"  {r.code}{f' ({r.role})' if r.role else ''}: {sent.path.name}, "
                f"{r.cards} card{'s' if r.cards != 1 else ''}, "
                f"{r.milestones} milestone{'s' if r.milestones != 1 else ''}, {address}{note}"
            )
        lines += [f"  Note: {line}" for line in self.recipients.notes()]
        lines.append(f"Covering list: {shown(self.covering_list)}")
        if self.sent and any(s.draft for s in self.sent):
            lines.append(
                "Open each .eml file in Outlook, check it and press Send: fowdesk sends nothing."
            )
        return lines


def _csv_cell(value: object) -> str:
    """A cell Excel will show as text, never run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def covering_csv(sent: Sequence[SentReturn], due_on: date) -> bytes:
    """``returns.csv``: one row per lead, UTF-8 with a BOM so Excel reads its accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COVERING_HEADERS)
    for item in sent:
        r = item.recipient
        writer.writerow(
            [
                _csv_cell(v)
                for v in (
                    r.code,
                    r.role or "(not in the lead-role key)",
                    item.path.name,
                    r.cards,
                    r.milestones,
                    item.address_text,
                    item.draft.name if item.draft else "",
                    item.return_id,
                    f"{due_on:%d/%m/%Y}",
                )
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _draft_name(return_name: str, *, reminder_for: str | None = None) -> str:
    stem = return_name[: -len(".xlsx")] if return_name.endswith(".xlsx") else return_name
    if reminder_for is not None:
        suffix = f" {reminder_for}"
        stem = stem[: -len(suffix)] if stem.endswith(suffix) else stem
        return windows_safe_name(f"{stem} reminder – {reminder_for}.eml")
    return windows_safe_name(f"{stem}.eml")


def _make_folder(folder: Path) -> bool:
    """Create the round's folder (and its parents); True if it did not exist."""
    try:
        existed = folder.is_dir()
        if folder.exists() and not existed:
            raise FowdeskError(f"cannot write into {shown(folder)}: it is a file, not a folder")
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FowdeskError(
            f"cannot create the folder {shown(folder)}: {exc.strerror or exc}"
        ) from None
    return not existed


def _remove_written(written: Sequence[Path], folder: Path, created: bool) -> None:
    for path in written:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    if created:
        with contextlib.suppress(OSError):
            folder.rmdir()


def send_returns(
    repo: RoundStore,
    folder: Path | None,
    *,
    code: str | None = None,
    drafts: bool = False,
    due_on: date | None = None,
    include_unknown: bool = False,
    today: date | None = None,
) -> SendResult:
    """Write the round: a return per lead code in use, the covering list, the drafts.

    Raises:
        InvalidInput: the current period is published, no card has a lead, the
            due date has passed, or the folder already holds this round's files.
        FowdeskError: a file cannot be written, or the database cannot record
            the round (what this send wrote is removed).
    """
    today = today or date.today()
    source = return_source(repo, code)
    programme = source.programme
    period = round_period(programme)
    recipients = round_recipients(programme, include_unknown=include_unknown)
    if not recipients.leads:
        notes = "; ".join(recipients.notes())
        raise InvalidInput(
            f"{programme.code}: no card has a lead in the lead-role key, so there is nobody "
            "to send a return to" + (f" ({notes})" if notes else "")
        )
    due_on = due_on or default_due_date(today)
    if due_on < today:
        raise InvalidInput(f"the due date {due_on:%d/%m/%Y} has passed; give a later one (--due)")
    folder = folder or default_round_folder(programme)
    names = {r.code: default_return_name(programme, r.code) for r in recipients.leads}
    targets = [folder / name for name in names.values()] + [folder / COVERING_LIST]
    if drafts:
        targets += [folder / _draft_name(name) for name in names.values()]
    clashes = sorted({t.name for t in targets if t.exists()})
    if clashes:
        more = f" and {len(clashes) - 3} more" if len(clashes) > 3 else ""
        raise InvalidInput(
            f"{shown(folder)} already holds {', '.join(clashes[:3])}{more} (sent before?); "
            "nothing was written: choose another folder"
        )
    if len({name.casefold() for name in names.values()}) != len(names):
        raise InvalidInput(
            "two lead codes give the same file name once Windows' forbidden characters are "
            f"replaced ({', '.join(names)}); rename one in the lead-role key"
        )
    created = _make_folder(folder)
    written: list[Path] = []
    sent: list[SentReturn] = []
    records: list[ExportedReturn] = []
    try:
        for recipient in recipients.leads:
            target = folder / names[recipient.code]
            record = write_return(source, target, lead=recipient.code, author=repo.user)
            written.append(target)
            data = target.read_bytes()
            draft = None
            if drafts:
                draft = folder / _draft_name(target.name)
                body = send_message(
                    programme, period, recipient, due_on, record.return_id, repo.user
                )
                write_draft(
                    draft,
                    draft_message(
                        to_name=recipient.role or recipient.code,
                        to_address=recipient.email,
                        subject=_subject(programme, period, recipient.code),
                        body=body,
                        attachment=data,
                        attachment_name=target.name,
                    ),
                )
                written.append(draft)
            records.append(
                replace(
                    record,
                    sent_at=record.exported_at,
                    due_on=due_on,
                    sent_file=str(target.absolute()),
                    sent_to=recipient.email,
                    sent_sha256=hashlib.sha256(data).hexdigest(),
                )
            )
            sent.append(SentReturn(recipient, target, record.return_id, draft))
        covering = write_bytes_atomically(folder / COVERING_LIST, covering_csv(sent, due_on))
        written.append(covering)
        # A round the database cannot record could not be tracked: it is not sent at all.
        repo.record_returns(records, best_effort=False)
    except BaseException:
        _remove_written(written, folder, created)
        raise
    return SendResult(
        programme.code,
        period.label,
        folder,
        due_on,
        sent,
        recipients,
        covering,
        list(repo.unrecorded),
    )


# ---------------------------------------------------------------------------- chase


@dataclass(frozen=True)
class Reminder:
    """One lead chased: the return attached (as sent, or fresh) and the draft, if written."""

    lead: LeadRound
    attached: Path
    return_id: str
    fresh: bool
    draft: Path | None
    #: The address the reminder is written to ("" when the key has none).
    address: str = ""
    #: Why a fresh copy was made ("" when the file as sent is attached).
    why_fresh: str = ""


@dataclass(frozen=True)
class ChaseResult:
    programme_code: str
    period_label: str
    folder: Path
    reminders: list[Reminder]
    #: Leads whose returns are back: not chased.
    returned: list[LeadRound]
    round_sent: bool

    def lines(self) -> list[str]:
        where = f"{self.programme_code}, {self.period_label}"
        if not self.round_sent:
            return [f"{where}: no returns were sent this period, so there is nobody to chase"]
        if not self.reminders:
            return [f"{where}: every lead has sent their return back; nobody to chase"]
        drafts = any(r.draft for r in self.reminders)
        lines = [
            f"{where}: {len(self.reminders)} lead{'s' if len(self.reminders) != 1 else ''} to "
            "chase" + (f"; reminder drafts in {shown(self.folder)}" if drafts else "")
        ]
        for reminder in self.reminders:
            lead = reminder.lead
            address = reminder.address or "no e-mail address"
            attached = (
                f"a fresh return attached, {reminder.attached.name} ({reminder.why_fresh})"
                if reminder.fresh
                else f"the return as sent attached, {reminder.attached.name}"
            )
            draft = f"; draft {reminder.draft.name}" if reminder.draft else ""
            lines.append(f"  {lead.who}: {lead.status_text()}; {address}; {attached}{draft}")
        if not drafts:
            lines.append("No drafts written (give --eml for reminder e-mails to send).")
        return lines


def _free_name(folder: Path, name: str) -> Path:
    """``name`` in ``folder``, or "name (2).xlsx", "name (3).xlsx"… if it is taken."""
    target = folder / name
    stem, suffix = target.stem, target.suffix
    number = 2
    while target.exists():
        target = folder / f"{stem} ({number}){suffix}"
        number += 1
    return target


def _why_fresh(repo: RoundStore, source: ReturnSource, lead: LeadRound) -> str:
    """Why the file as sent cannot go again ("" when it can)."""
    sent = lead.sent
    path = Path(sent.sent_file) if sent.sent_file else None
    if path is None or not path.is_file():
        return "the file as sent is no longer there"
    if _file_return_id(path) != sent.return_id:
        return "the file as sent has been replaced"
    exported = repo.exported_return(sent.return_id)
    if exported is None or exported.base is None:
        return "what it was sent with is no longer kept"
    sheets = return_sheets(
        source.programme, source.changes, lead=sent.lead, previous_rags=source.previous_rags
    )
    if return_base(sheets).sheets != exported.base.sheets:
        return "the programme has changed since it was sent"
    return ""


def _file_return_id(path: Path) -> str | None:
    """The return ID in a return's custom properties (None if it cannot be read)."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read("docProps/custom.xml")
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    for element in root:
        if element.get("name") == PROPERTY_RETURN_ID and len(element):
            return (element[0].text or "").strip()
    return None


def chase_returns(
    repo: RoundStore,
    folder: Path | None,
    *,
    code: str | None = None,
    drafts: bool = False,
    today: date | None = None,
) -> ChaseResult:
    """Reminders for every lead whose return is not back, in this period's round.

    Each reminder re-attaches the return as sent, or a fresh return (a new
    return ID, sent now, due back when the first was) when the programme has
    moved on or the file as sent is gone. Nothing is sent.
    """
    today = today or date.today()
    source = return_source(repo, code)
    programme = source.programme
    period = programme.current_period
    if period is None:
        raise InvalidInput(f"{programme.code} has no reporting period")
    state = return_round(programme, period.label, repo.returns(programme.code, period.label), today)
    pending = state.not_returned
    chosen = folder
    if chosen is None and pending and pending[0].sent.sent_file:
        chosen = Path(pending[0].sent.sent_file).parent
    folder = chosen or default_round_folder(programme)
    result = ChaseResult(programme.code, period.label, folder, [], state.returned, state.was_sent)
    if not pending:
        return result
    created = _make_folder(folder)
    written: list[Path] = []
    reminders: list[Reminder] = []
    fresh_records: list[ExportedReturn] = []
    now = datetime.now().replace(microsecond=0)
    try:
        for lead in pending:
            sent = lead.sent
            address = programme.lead_email(lead.lead) or sent.sent_to
            why = _why_fresh(repo, source, lead)
            if why:
                name = default_return_name(programme, sent.lead)
                target = _free_name(folder, name)
                record = write_return(source, target, lead=sent.lead, author=repo.user)
                written.append(target)
                fresh_records.append(
                    replace(
                        record,
                        sent_at=record.exported_at,
                        due_on=sent.due_on,
                        sent_file=str(target.absolute()),
                        sent_to=address,
                        sent_sha256=hashlib.sha256(target.read_bytes()).hexdigest(),
                    )
                )
                attached, return_id = target, record.return_id
            else:
                attached, return_id = Path(sent.sent_file), sent.return_id
            draft = None
            if drafts:
                draft = _free_name(
                    folder,
                    _draft_name(
                        default_return_name(programme, sent.lead), reminder_for=sent.lead or ""
                    ),
                )
                body = reminder_message(
                    programme,
                    period,
                    lead,
                    return_id,
                    fresh=bool(why),
                    today=today,
                    sender=repo.user,
                )
                write_draft(
                    draft,
                    draft_message(
                        to_name=lead.role or lead.lead,
                        to_address=address,
                        subject="Reminder: " + _subject(programme, period, lead.lead),
                        body=body,
                        attachment=attached.read_bytes(),
                        attachment_name=attached.name,
                    ),
                )
                written.append(draft)
            reminders.append(Reminder(lead, attached, return_id, bool(why), draft, address, why))
        repo.record_returns(fresh_records, best_effort=False)
    except BaseException:
        _remove_written(written, folder, created)
        raise
    if drafts:
        repo.record_chased([r.return_id for r in reminders], now)
    return replace(result, reminders=reminders)
