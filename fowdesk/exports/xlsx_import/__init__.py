"""Reading an Excel return back: a change set to preview, never a write.

The steps, one module each:

* :mod:`.container` — is the file a sound, harmless .xlsx (not an .xls, .ods,
  CSV, zip bomb or entity trick)?
* :mod:`.cells` — the two data sheets' cells, streamed from the sheet XML
  (formulas as their saved values), found by sheet or table name and header;
* :mod:`.fields` — what a cell means for a field (status, date, leads, …);
* :mod:`.merge` — the three-way merge of return, base and database into a
  :class:`~fowdesk.domain.change_set.ChangeSet`;
* :mod:`.preview` — the change set in words.

The repository applies a change set (:meth:`Repository.apply`); this package
only reads, through the small interface :class:`ReturnReader`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from fowdesk.domain.change_set import (
    ChangeSet,
    Conflict,
    FieldChange,
    ImportResult,
    Resolution,
    RowChange,
    published_period_refusal,
)
from fowdesk.domain.model import AuditEntry, Programme
from fowdesk.domain.returns import ExportedReturn, ReturnImport
from fowdesk.errors import InvalidInput, NotFound
from fowdesk.exports.xlsx_columns import (
    PROPERTY_EXPORTED,
    PROPERTY_LEAD,
    PROPERTY_PERIOD,
    PROPERTY_PROGRAMME,
    PROPERTY_RETURN_ID,
    SUMMARY_CODE,
    SUMMARY_EXPORTED,
    SUMMARY_LEAD,
    SUMMARY_PERIOD,
    SUMMARY_RETURN_ID,
)
from fowdesk.exports.xlsx_import import preview
from fowdesk.exports.xlsx_import.cells import NotAReturn, ReturnWorkbook, read_workbook
from fowdesk.exports.xlsx_import.container import check_container
from fowdesk.exports.xlsx_import.fields import cell_text
from fowdesk.exports.xlsx_import.merge import ReturnContext, ReturnMerge

__all__ = [
    "EXIT_APPLIED",
    "EXIT_CONFLICTS_LEFT",
    "EXIT_REFUSED",
    "ChangeSet",
    "Conflict",
    "FieldChange",
    "ImportOutcome",
    "NotAReturn",
    "OpenedReturn",
    "Resolution",
    "ReturnImporter",
    "ReturnReader",
    "RowChange",
    "import_return",
    "merge_return",
    "open_return",
    "read_return",
]

#: ``fowdesk import`` exit statuses.
EXIT_APPLIED = 0  #: applied, or nothing to do
EXIT_REFUSED = 1  #: refused: nothing written
EXIT_CONFLICTS_LEFT = 3  #: applied, but conflicts were left for someone to settle


class ReturnReader(Protocol):
    """What reading a return needs from the database (the repository provides it)."""

    def load_programme(self, code: str | None = None) -> Programme: ...

    def exported_return(self, return_id: str) -> ExportedReturn | None: ...

    def return_imports(self, return_id: str) -> list[ReturnImport]: ...

    def audit_for(self, uuids: Iterable[str]) -> list[AuditEntry]: ...


class ReturnImporter(ReturnReader, Protocol):
    """A reader that can also apply what it read (the command line's import)."""

    def apply(self, change_set: ChangeSet, *, source: str, author: str = "") -> ImportResult: ...


def _fact(workbook: ReturnWorkbook, label: str) -> str:
    return cell_text(workbook.summary.get(label.casefold()))


def _exported_time(workbook: ReturnWorkbook) -> datetime | None:
    stamp = workbook.properties.get(PROPERTY_EXPORTED, "")
    if stamp:
        try:
            return datetime.fromisoformat(stamp)
        except ValueError:
            pass
    value = workbook.summary.get(SUMMARY_EXPORTED.casefold())
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    try:
        return datetime.strptime(cell_text(value), "%d/%m/%Y %H:%M")
    except ValueError:
        return None


def return_context(repo: ReturnReader, path: Path, workbook: ReturnWorkbook) -> ReturnContext:
    """Which return this is, and what the database remembers of it."""
    properties = workbook.properties
    return_id = properties.get(PROPERTY_RETURN_ID) or _fact(workbook, SUMMARY_RETURN_ID) or None
    exported = repo.exported_return(return_id) if return_id else None
    earlier = repo.return_imports(return_id) if return_id else []
    if exported is not None:
        basis = ""
        if exported.base is None:
            basis = (
                f"the values this return was exported with ({exported.exported_at:%d/%m/%Y}) "
                "are no longer kept; it is compared with the database and its audit trail "
                "instead"
            )
        return ReturnContext(
            return_id,
            exported.programme_code,
            exported.period_label,
            exported.lead,
            exported.exported_at,
            exported.base,
            basis,
            earlier,
        )
    code = properties.get(PROPERTY_PROGRAMME) or _fact(workbook, SUMMARY_CODE)
    if not code:
        raise InvalidInput(
            f"{path}: neither the workbook's properties nor its Summary sheet say which "
            f"programme it is for ({SUMMARY_CODE!r}); is this an Excel return?"
        )
    lead = properties.get(PROPERTY_LEAD) or _fact(workbook, SUMMARY_LEAD).split(" – ")[0]
    why = (
        "this return was not exported from this database"
        if return_id
        else "this return has no return ID (it was exported before fowdesk kept them)"
    )
    return ReturnContext(
        return_id,
        code,
        properties.get(PROPERTY_PERIOD) or _fact(workbook, SUMMARY_PERIOD),
        lead.strip() or None,
        _exported_time(workbook),
        None,
        f"{why}; it is compared with the database and its audit trail instead",
        earlier,
    )


@dataclass(frozen=True)
class OpenedReturn:
    """A return read from disk, and which return it is: not yet compared with anything."""

    path: Path
    workbook: ReturnWorkbook
    context: ReturnContext


def file_sha256(path: Path) -> str:
    """The file's SHA-256 ("" if it can no longer be read)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def open_return(repo: ReturnReader, path: Path | str) -> OpenedReturn:
    """Check and read a return's file and find which return it is (a batch looks first).

    Raises:
        NotAReturn: a sound workbook with nothing of a return in it.
        InvalidInput: the file is not a readable Excel return.
    """
    path = Path(path)
    workbook = read_workbook(check_container(path), return_id_property=PROPERTY_RETURN_ID)
    return OpenedReturn(path, workbook, return_context(repo, path, workbook))


def read_return(repo: ReturnReader, path: Path | str) -> ChangeSet:
    """Read a return and merge it with the database into a change set. Writes nothing.

    Cells that cannot be imported are listed in ``change_set.problems`` (the
    window shows them; :func:`import_return` refuses with all of them).

    Raises:
        InvalidInput: the file is not a readable Excel return, its programme is
            not in this database, or it would write a narrative into a
            published period.
    """
    return merge_return(repo, open_return(repo, path))


def merge_return(repo: ReturnReader, opened: OpenedReturn) -> ChangeSet:
    """Merge an opened return with the database into a change set (see :func:`read_return`)."""
    path, workbook, context = opened.path, opened.workbook, opened.context
    try:
        programme = repo.load_programme(context.programme_code)
    except NotFound:
        raise InvalidInput(
            f"{path}: the return is for programme {context.programme_code!r}; "
            f"no programme {context.programme_code!r} in this database"
        ) from None
    change_set = ReturnMerge(path, programme, workbook, context, repo.audit_for).run()
    change_set.file_sha256 = file_sha256(path)
    current = programme.current_period
    if change_set.changes_narrative and current is not None and current.published:
        raise InvalidInput(published_period_refusal(path, programme))
    return change_set


@dataclass(frozen=True)
class ImportOutcome:
    """What ``fowdesk import`` prints and the exit status it gives."""

    text: str
    status: int


def import_return(repo: ReturnImporter, path: Path | str, *, dry_run: bool) -> ImportOutcome:
    """Preview (``dry_run``) or apply a return, as the command line does.

    Conflicts are left as the database has them (the window settles them).

    Raises:
        InvalidInput: as :func:`read_return`, and when any cell needs fixing
            (every such cell named on the one line).
    """
    change_set = read_return(repo, path)
    if change_set.needs_fixing:
        raise InvalidInput(preview.problems_line(change_set))
    report = preview.describe(change_set)
    status = EXIT_CONFLICTS_LEFT if change_set.conflicts_left else EXIT_APPLIED
    if dry_run:
        if change_set.is_empty:
            return ImportOutcome(report, status)
        return ImportOutcome(report + "\nDry run: nothing was written.", status)
    result = repo.apply(change_set, source="import", author=change_set.author)
    done = preview.applied(change_set, result)
    return ImportOutcome(report + (f"\n{done}" if done else ""), status)
