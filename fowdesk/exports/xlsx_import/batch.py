"""Several returns at once: read and check them all, then one preview, one transaction.

The PMO collects a round's returns into a folder and takes them in one go.
Every file is read and checked before anything is written, and every
problem of every file is listed: while any file needs fixing nothing is
applied. Files that are not part of this round are left out and each is
named with the reason: a workbook that is not a return, a return of another
programme or an earlier period, a second copy of a return already in the
batch. When two returns change the same field of the same row differently,
neither wins: both values become conflicts, settled as any conflict is
(the command line keeps the database's value).
"""

from __future__ import annotations

import hashlib
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Protocol

from lxml import etree

from fowdesk.domain.change_set import (
    CellProblem,
    ChangeSet,
    Conflict,
    FieldChange,
    ImportResult,
    Resolution,
    RowChange,
    RowKind,
    short,
)
from fowdesk.domain.model import AuditEntry, Programme
from fowdesk.domain.returns import ExportedReturn, ReturnImport
from fowdesk.errors import InvalidInput, NotFound, shown
from fowdesk.exports.xlsx_import import (
    EXIT_APPLIED,
    EXIT_CONFLICTS_LEFT,
    ImportOutcome,
    NotAReturn,
    OpenedReturn,
    ReturnImporter,
    ReturnReader,
    merge_return,
    open_return,
    preview,
)

#: Files a folder import reads: Excel workbooks (Excel's "~$" lock files are not).
RETURN_SUFFIXES = (".xlsx",)


class BatchImporter(ReturnImporter, Protocol):
    """A reader that can apply several change sets in one transaction."""

    def apply_all(
        self,
        change_sets: Sequence[ChangeSet],
        *,
        source: str,
        authors: Sequence[str] | None = None,
    ) -> ImportResult: ...


@dataclass
class BatchFile:
    """One file of a batch and what became of it."""

    path: Path
    change_set: ChangeSet | None = None
    #: Why the file is left out of the batch ("" when it is in); nothing of it is imported.
    left_out: str = ""
    #: Why the file cannot be read or applied as it stands: the batch waits for it.
    problem: str = ""
    #: Anything else to say about it (the file as sent, untouched).
    note: str = ""

    @property
    def included(self) -> bool:
        return self.change_set is not None and not self.left_out and not self.problem

    @property
    def needs_fixing(self) -> bool:
        if self.problem:
            return True
        return self.included and self.change_set is not None and self.change_set.needs_fixing

    def problems_text(self) -> str:
        """Everything to fix in this file, on one line (its cells, or why it cannot be read)."""
        if self.problem:
            return self.problem
        assert self.change_set is not None
        return preview.problems_line(self.change_set)


def return_name(change_set: ChangeSet) -> str:
    """How a return is called beside others: its lead's code, else its file's name."""
    return f"{change_set.lead}'s return" if change_set.lead else change_set.path.name


@dataclass
class BetweenReturns:
    """A field two or more returns of the batch changed differently: neither wins.

    Each return's value is a :class:`Conflict` in its own change set; taking one
    keeps the database's value against the others.
    """

    kind: RowKind
    ref: str
    subject: str
    uuid: str
    label: str
    #: The database's value now.
    database: str
    claims: list[tuple[ChangeSet, Conflict]]

    @property
    def what(self) -> str:
        kind = "milestone on" if self.kind is RowKind.MILESTONE else "recommendation"
        return f'{kind} {self.ref} "{short(self.subject)}"'

    @property
    def taken_from(self) -> ChangeSet | None:
        return next((cs for cs, c in self.claims if c.resolution is Resolution.TAKE_RETURN), None)

    def take(self, change_set: ChangeSet | None) -> None:
        """Take ``change_set``'s value (None: keep the database's for all of them)."""
        for claimant, conflict in self.claims:
            taken = change_set is not None and claimant is change_set
            conflict.resolution = Resolution.TAKE_RETURN if taken else Resolution.KEEP_DATABASE

    def describe(self) -> str:
        values = ", ".join(
            f'{return_name(cs)} "{short(c.change.now, 80) or "(blank)"}" ({cs.path.name}, '
            f"{c.place})"
            for cs, c in self.claims
        )
        return f'{self.what}, {self.label}: {values}; database "{short(self.database, 80)}"'


@dataclass
class ReturnBatch:
    """Every file of a batch, the change sets to apply, the conflicts between them."""

    programme_code: str
    current_period: str
    files: list[BatchFile]
    between: list[BetweenReturns] = field(default_factory=list)
    #: Files in a folder that are not Excel workbooks (returns.csv, .eml drafts…).
    ignored: list[Path] = field(default_factory=list)

    @property
    def included(self) -> list[BatchFile]:
        return [f for f in self.files if f.included]

    @property
    def change_sets(self) -> list[ChangeSet]:
        return [f.change_set for f in self.included if f.change_set is not None]

    @property
    def left_out(self) -> list[BatchFile]:
        return [f for f in self.files if f.left_out]

    @property
    def to_fix(self) -> list[BatchFile]:
        return [f for f in self.files if f.needs_fixing]

    @property
    def needs_fixing(self) -> bool:
        return bool(self.to_fix)

    @property
    def is_empty(self) -> bool:
        return all(cs.is_empty for cs in self.change_sets)

    @property
    def change_count(self) -> int:
        return sum(cs.change_count for cs in self.change_sets)

    @property
    def conflicts_left(self) -> int:
        """Fields left for someone to settle (a conflict between returns counts once)."""
        return len({(c.uuid, c.change.key) for cs in self.change_sets for c in cs.conflicts_left})

    def without_between(self, change_set: ChangeSet) -> ChangeSet:
        """``change_set`` without its conflicts with other returns (shown once, for the batch)."""
        own = [c for c in change_set.conflicts if self.between_for(c) is None]
        return replace(change_set, conflicts=own)

    def between_for(self, conflict: Conflict) -> BetweenReturns | None:
        """The conflict between returns ``conflict`` is one side of, if any."""
        return next((b for b in self.between if any(c is conflict for _, c in b.claims)), None)

    def problems_line(self) -> str:
        """Every problem of every file, on one line: the command line's refusal."""
        fixing = self.to_fix
        count = len(fixing)
        listed = "; ".join(f.problems_text() for f in fixing)
        return (
            f"{count} of {len(self.files)} file{'s' if len(self.files) != 1 else ''} "
            f"need{'s' if count == 1 else ''} fixing; nothing was imported: {listed}"
        )


# ---------------------------------------------------------------------------- reading


def expand_paths(paths: Iterable[Path | str]) -> tuple[list[Path], list[Path]]:
    """The files to read (a folder gives its .xlsx files, by name), and those ignored."""
    files: list[Path] = []
    ignored: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.iterdir(), key=lambda p: p.name.casefold()):
                if not child.is_file():
                    continue
                if child.suffix.casefold() in RETURN_SUFFIXES and not child.name.startswith("~$"):
                    files.append(child)
                else:
                    ignored.append(child)
        else:
            files.append(path)
    unique: list[Path] = []
    seen: set[Path] = set()
    for path in files:
        key = path.absolute()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique, ignored


def saved_at(path: Path) -> datetime | None:
    """When the workbook was last saved (its own record, else the file's time)."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read("docProps/core.xml")
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))
        for element in root:
            if etree.QName(element).localname == "modified" and element.text:
                stamp = element.text.strip().replace("Z", "+00:00")
                return datetime.fromisoformat(stamp).replace(tzinfo=None)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError):
        pass
    try:
        return datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return None


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


class _ReadOnce:
    """The database as a batch reads it: its programme loaded once for all the returns.

    A 1,000-card programme takes a quarter of a second to load; twenty returns
    would load it twenty times. The merge only reads it.
    """

    def __init__(self, repo: ReturnReader, programme: Programme) -> None:
        self.repo = repo
        self.programme = programme

    def load_programme(self, code: str | None = None) -> Programme:
        if code is not None and code.casefold() == self.programme.code.casefold():
            return self.programme
        return self.repo.load_programme(code)

    def exported_return(self, return_id: str) -> ExportedReturn | None:
        return self.repo.exported_return(return_id)

    def return_imports(self, return_id: str) -> list[ReturnImport]:
        return self.repo.return_imports(return_id)

    def audit_for(self, uuids: Iterable[str]) -> list[AuditEntry]:
        return self.repo.audit_for(uuids)


def _leave_out_copies(opened: list[tuple[BatchFile, OpenedReturn]]) -> None:
    """The same return twice: keep the copy saved last, name the others."""
    by_id: dict[str, list[tuple[BatchFile, OpenedReturn]]] = {}
    for item, found in opened:
        if found.context.return_id and not item.left_out:
            by_id.setdefault(found.context.return_id, []).append((item, found))
    for return_id, copies in by_id.items():
        if len(copies) < 2:
            continue
        stamps = {item.path: saved_at(item.path) or datetime.min for item, _ in copies}
        kept = max(enumerate(copies), key=lambda pair: (stamps[pair[1][0].path], pair[0]))[1][0]
        kept_digest = _digest(kept.path)
        for item, _ in copies:
            if item is kept:
                continue
            if kept_digest and _digest(item.path) == kept_digest:
                item.left_out = f"an identical copy of {kept.path.name}: left out"
            else:
                when = stamps[kept.path]
                saved = f" ({when:%d/%m/%Y %H:%M})" if when != datetime.min else ""
                item.left_out = (
                    f"the same return (return ID {return_id}) as {kept.path.name}, which was "
                    f"saved later{saved}: left out; import it on its own afterwards if it "
                    "holds other edits"
                )


def _reason(exc: Exception, path: Path) -> str:
    """An error's text without the file name in front (the batch names the file)."""
    text = str(exc)
    for prefix in (f"{path}: ", f"{shown(path)}: "):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def read_returns(
    repo: ReturnReader, paths: Iterable[Path | str], *, programme: str | None = None
) -> ReturnBatch:
    """Read and check every return in ``paths`` (files or folders). Writes nothing.

    ``programme`` is the batch's programme code; by default the one most of the
    returns are for (of those this database holds).

    Raises:
        InvalidInput: no file to read, or ``programme`` is not in this database.
    """
    given = [Path(p) for p in paths]
    files, ignored = expand_paths(given)
    if not files:
        where = ", ".join(shown(p) for p in given) if given else "nothing given"
        raise InvalidInput(f"{where}: no Excel returns (.xlsx) to import")
    items: list[BatchFile] = []
    opened: list[tuple[BatchFile, OpenedReturn]] = []
    for path in files:
        item = BatchFile(path)
        items.append(item)
        try:
            found = open_return(repo, path)
        except NotAReturn as exc:
            item.left_out = f"not an Excel return ({_reason(exc, path)}): left out"
        except InvalidInput as exc:
            item.problem = str(exc) if str(exc).startswith(str(path)) else f"{path}: {exc}"
        else:
            opened.append((item, found))

    loaded = None
    # The batch is for the programme most of its returns are for (the first of equals).
    counts = Counter(o.context.programme_code.casefold() for _, o in opened)
    by_count = sorted(
        (o.context.programme_code for _, o in opened),
        key=lambda c: -counts[c.casefold()],
    )
    candidates = [programme] if programme else by_count
    for code in candidates:
        try:
            loaded = repo.load_programme(code)
            break
        except NotFound:
            if programme:
                raise
    if loaded is None:
        # Not one return is for a programme here: each says so, and nothing can be applied.
        for item, found in opened:
            item.left_out = (
                f"a return for programme {found.context.programme_code!r}, which this "
                "database does not hold: left out"
            )
        return ReturnBatch(programme or "", "", items, ignored=ignored)

    code = loaded.code
    current = loaded.current_period.label if loaded.current_period else ""
    for item, found in opened:
        context = found.context
        if context.programme_code.casefold() != code.casefold():
            item.left_out = (
                f"a return for {context.programme_code}, not {code}: left out; import it on its own"
            )
        elif context.period_label and context.period_label != current:
            item.left_out = (
                f"exported in {context.period_label}, and the current period is {current}: "
                f"left out; import it on its own to take its edits into {current}"
            )
    _leave_out_copies(opened)
    reader = _ReadOnce(repo, loaded)
    for item, found in opened:
        if item.left_out:
            continue
        try:
            item.change_set = merge_return(reader, found)
        except InvalidInput as exc:
            item.problem = str(exc)
            continue
        item.note = _untouched_note(repo, item.change_set)
    batch = ReturnBatch(code, current, items, ignored=ignored)
    _same_new_refs(batch)
    batch.between = settle_between_returns(batch.change_sets)
    return batch


def _untouched_note(repo: ReturnReader, change_set: ChangeSet) -> str:
    exported = repo.exported_return(change_set.return_id) if change_set.return_id else None
    if exported is None or not exported.sent_sha256:
        return ""
    if exported.sent_sha256 != change_set.file_sha256:
        return ""
    return (
        "byte for byte the file as sent (nobody has opened and saved it): not counted as returned"
    )


def _same_new_refs(batch: ReturnBatch) -> None:
    """Two returns adding a recommendation with the same Ref: the later one must change it."""
    taken: dict[str, ChangeSet] = {}
    for change_set in batch.change_sets:
        for row in change_set.new_rows:
            if row.kind is not RowKind.RECOMMENDATION:
                continue
            ref = str(row.value("ref") or "")
            if not ref:
                continue
            if ref in taken and taken[ref] is not change_set:
                change_set.problems.append(
                    CellProblem(
                        row.place,
                        "Ref",
                        f"{ref!r} is also a new recommendation in {taken[ref].path.name}; "
                        "give one of them another Ref (or leave it blank for the next number)",
                    )
                )
            taken.setdefault(ref, change_set)


# ---------------------------------------------------------------------------- between returns


@dataclass
class _Claim:
    """One return's value for one field: an update it would apply, or a conflict it has."""

    change_set: ChangeSet
    now: str
    row: RowChange | None = None
    change: FieldChange | None = None
    conflict: Conflict | None = None


def _claims(change_sets: Sequence[ChangeSet]) -> dict[tuple[str, str], list[_Claim]]:
    claims: dict[tuple[str, str], list[_Claim]] = {}
    for change_set in change_sets:
        for row in change_set.updates:
            for change in row.fields:
                claims.setdefault((row.uuid, change.key), []).append(
                    _Claim(change_set, change.now, row=row, change=change)
                )
        for conflict in change_set.conflicts:
            claims.setdefault((conflict.uuid, conflict.change.key), []).append(
                _Claim(change_set, conflict.change.now, conflict=conflict)
            )
    return claims


def _drop_update(claim: _Claim) -> None:
    row, change = claim.row, claim.change
    assert row is not None and change is not None
    row.fields.remove(change)
    if change.key == "target":
        row.redated_without_reason = False
    if not row.fields:
        claim.change_set.updates.remove(row)


def _as_conflict(claim: _Claim) -> Conflict:
    """An update that another return contradicts, as a conflict of its own return."""
    if claim.conflict is not None:
        return claim.conflict
    row, change = claim.row, claim.change
    assert row is not None and change is not None
    record = claim.change_set.record
    taken = record.values.get(row.uuid, {}) if record is not None else {}
    conflict = Conflict(
        row.kind,
        row.place,
        row.ref,
        row.subject,
        row.uuid,
        change,
        change.was,
        row.expected_version,
        card_uuid=row.card_uuid,
        reason=row.reason if change.key == "target" else "",
        # Remembered only if it is taken (Repository.apply records a taken conflict's value).
        return_text=taken.pop(change.key, ""),
    )
    _drop_update(claim)
    claim.change_set.conflicts.append(conflict)
    return conflict


def settle_between_returns(change_sets: Sequence[ChangeSet]) -> list[BetweenReturns]:
    """Make fields two returns change differently conflicts; apply a shared value once.

    Changes the change sets in place and returns the conflicts between them.
    """
    between: list[BetweenReturns] = []
    for claims in _claims(change_sets).values():
        if len({id(c.change_set) for c in claims}) < 2:
            continue
        values = {c.now for c in claims}
        if len(values) == 1:
            # The same value from every return: applied once (an update first), the rest dropped.
            keep = next((c for c in claims if c.conflict is None), claims[0])
            for claim in claims:
                if claim is keep:
                    continue
                if claim.conflict is not None:
                    claim.change_set.conflicts.remove(claim.conflict)
                else:
                    _drop_update(claim)
            continue
        sides = [(c.change_set, _as_conflict(c)) for c in claims]
        first = sides[0][1]
        for _, conflict in sides:
            conflict.resolution = Resolution.KEEP_DATABASE
        between.append(
            BetweenReturns(
                first.kind,
                first.ref,
                first.subject,
                first.uuid,
                first.label,
                first.change.was,
                sides,
            )
        )
    return between


# ---------------------------------------------------------------------------- in words


def _ref_order(ref: str) -> tuple[int, int | str]:
    return (0, int(ref)) if ref.isdecimal() else (1, ref)


@dataclass(frozen=True)
class CardPart:
    """What one return does to one recommendation (its rows and its milestones' rows)."""

    ref: str
    title: str
    change_set: ChangeSet


def by_card(change_set: ChangeSet) -> list[CardPart]:
    """A return's rows card by card, in Ref order (warnings stay with the return)."""
    titles: dict[str, str] = {}
    refs: set[str] = set()
    for row in change_set.updates + change_set.new_rows:
        refs.add(row.ref)
        if not row.is_milestone:
            titles.setdefault(row.ref, row.subject)
    for conflict in change_set.conflicts:
        refs.add(conflict.ref)
        if conflict.kind is RowKind.RECOMMENDATION:
            titles.setdefault(conflict.ref, conflict.subject)
    refs |= {m.ref for m in change_set.missing} | {n.ref for n in change_set.not_taken}
    return [
        CardPart(
            ref,
            titles.get(ref, ""),
            replace(
                change_set,
                updates=[r for r in change_set.updates if r.ref == ref],
                new_rows=[r for r in change_set.new_rows if r.ref == ref],
                conflicts=[c for c in change_set.conflicts if c.ref == ref],
                missing=[m for m in change_set.missing if m.ref == ref],
                not_taken=[n for n in change_set.not_taken if n.ref == ref],
                warnings=[],
                basis="",
                earlier_imports=[],
                current_period=change_set.period_label,
            ),
        )
        for ref in sorted(refs, key=_ref_order)
    ]


#: Lines of a one-card preview that only repeat what the return's heading says.
_SAID_ONCE = ("No changes:", "Nothing to apply.")


def describe_return(change_set: ChangeSet, between: int = 0) -> str:
    """One return of a batch in words: its heading, then card by card, then its warnings.

    ``change_set`` is without its conflicts with other returns; ``between`` counts them.
    """
    lines = [preview.heading(change_set)]
    if change_set.basis:
        lines.append(change_set.basis[0].upper() + change_set.basis[1:] + ".")
    earlier = preview.earlier_imports_line(change_set)
    if earlier:
        lines.append(f"{earlier}; only what changed since is listed.")
    parts = by_card(change_set)
    if between:
        verb = "conflicts" if between == 1 else "conflict"
        lines.append(f"{between} of its edits {verb} with another return's (listed above).")
    elif not parts and not change_set.warnings:
        lines.append("No changes: the return matches the database.")
    for part in parts:
        title = f' "{short(part.title)}"' if part.title else ""
        lines.append(f"  Recommendation {part.ref}{title}:")
        body = preview.describe(part.change_set).splitlines()[1:]
        lines += [f"    {line}" for line in body if not line.startswith(_SAID_ONCE)]
    if change_set.warnings:
        lines.append(f"  Warnings ({len(change_set.warnings)}):")
        lines += [f"    - {warning}" for warning in change_set.warnings]
    return "\n".join(lines)


def file_line(item: BatchFile) -> str:
    """What the batch does with one file, in one line."""
    if item.left_out:
        return f"{item.path.name}: {item.left_out}"
    if item.problem:
        reason = _reason(Exception(item.problem), item.path)
        return f"{item.path.name}: cannot be imported as it stands ({reason})"
    change_set = item.change_set
    assert change_set is not None
    if change_set.needs_fixing:
        count = len(change_set.problems)
        return f"{item.path.name}: {count} cell{'s' if count != 1 else ''} to fix"
    who = f", by {change_set.author}" if change_set.author else ""
    lead = f"lead {change_set.lead}" if change_set.lead else "all leads"
    earlier = preview.earlier_imports_line(change_set)
    again = (
        f"; {earlier[0].lower()}{earlier[1:]}, only what changed since is taken" if earlier else ""
    )
    left = len(change_set.conflicts_left)
    return (
        f"{item.path.name} ({lead}{who}): {change_set.change_count} change"
        f"{'s' if change_set.change_count != 1 else ''}"
        + (f", {left} conflict{'s' if left != 1 else ''}" if left else "")
        + again
        + (f"; {item.note}" if item.note else "")
    )


def describe_batch(batch: ReturnBatch) -> str:
    """The batch as the command line prints it: files, conflicts between returns, each return."""
    included = batch.included
    lines = [
        f"{len(included)} of {len(batch.files)} file{'s' if len(batch.files) != 1 else ''} "
        f"to import into {batch.programme_code}, {batch.current_period or 'no period'} "
        "(one backup, one transaction):"
    ]
    lines += [f"  {file_line(item)}" for item in batch.files if not item.left_out]
    if batch.left_out:
        lines.append(f"Left out ({len(batch.left_out)}):")
        lines += [f"  - {file_line(item)}" for item in batch.left_out]
    if batch.ignored:
        names = ", ".join(p.name for p in batch.ignored[:10])
        more = f" and {len(batch.ignored) - 10} more" if len(batch.ignored) > 10 else ""
        lines.append(f"Not Excel workbooks, not read ({len(batch.ignored)}): {names}{more}")
    if batch.between:
        lines.append(
            f"Conflicts between returns, not applied ({len(batch.between)}): two returns "
            "changed the same field differently; the database keeps its value until someone "
            "settles them"
        )
        lines += [f"  ! {b.describe()}" for b in batch.between]
    for change_set in batch.change_sets:
        own = batch.without_between(change_set)
        lines.append("")
        lines.append(describe_return(own, len(change_set.conflicts) - len(own.conflicts)))
    return "\n".join(lines)


def batch_applied(batch: ReturnBatch, result: ImportResult) -> str:
    lines = []
    if result.changes:
        backup = f"; the database was backed up first to {result.backup}" if result.backup else ""
        returns = len([cs for cs in batch.change_sets if not cs.is_empty])
        lines.append(
            f"Imported {result.changes} change{'s' if result.changes != 1 else ''} from "
            f"{returns} return{'s' if returns != 1 else ''} in one transaction{backup}."
        )
    left = batch.conflicts_left
    if left:
        lines.append(
            f"{left} conflict{'s' if left != 1 else ''} left "
            "for someone to settle; settle them in the window (File → Import returns), or "
            "with a later return."
        )
    if result.received:
        count = len(result.received)
        lines.append(
            f"{count} return{'s' if count != 1 else ''} sent in the return round marked as "
            "returned."
        )
    return "\n".join(lines) or "Nothing new: nothing was written."


def import_returns(
    repo: BatchImporter,
    paths: Iterable[Path | str],
    *,
    dry_run: bool,
    programme: str | None = None,
) -> ImportOutcome:
    """Preview (``dry_run``) or apply a batch of returns, as the command line does.

    Raises:
        InvalidInput: any file needs fixing or cannot be read (every problem of
            every file named on the one line); nothing is written.
    """
    batch = read_returns(repo, paths, programme=programme)
    if batch.needs_fixing:
        raise InvalidInput(batch.problems_line())
    report = describe_batch(batch)
    status = EXIT_CONFLICTS_LEFT if batch.conflicts_left else EXIT_APPLIED
    if not batch.change_sets:
        return ImportOutcome(report + "\nNo return to import: nothing was written.", status)
    if dry_run:
        return ImportOutcome(report + "\nDry run: nothing was written.", status)
    result = repo.apply_all(batch.change_sets, source="import")
    done = batch_applied(batch, result)
    return ImportOutcome(report + (f"\n{done}" if done else ""), status)
