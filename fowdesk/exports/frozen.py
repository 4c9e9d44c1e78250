"""A published period's report as it was frozen: its snapshot, options and stored bytes.

Every format of a published period (the PDF here; HTML and Word too) comes
from the same frozen snapshot with the options stored when it was published.
Asking for other options is refused with one line rather than quietly
printing a report the committee never saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from fowdesk.domain.changes import Change, changes_between
from fowdesk.domain.model import Period, Programme
from fowdesk.domain.publishing import ReportOptions, reprint_description, reprint_refusal
from fowdesk.domain.snapshot import programme_from_dict
from fowdesk.errors import InvalidInput, NotFound


class PublishedReportSource(Protocol):
    """What reading a published report needs from the repository."""

    def load_programme(self, code: str | None = None) -> Programme: ...
    def programme_code(self, code: str | None = None) -> str: ...
    def period_snapshot(self, code: str | None, label: str) -> dict[str, Any] | None: ...
    def published_programme(self, code: str | None, label: str) -> Programme | None: ...
    def period_pdf(self, code: str | None, label: str) -> bytes | None: ...
    def period_report_options(self, code: str | None, label: str) -> ReportOptions | None: ...


class PublishedReportCannotChange(InvalidInput):
    """A reprint asked for options other than those the report was published with."""


@dataclass(frozen=True)
class FrozenReport:
    """What a published period's report shows, and how it was printed."""

    programme: Programme
    period: Period
    options: ReportOptions  # as stored: settled, never "not given"
    changes: list[Change] | None  # None: the section is left out
    stored_pdf: bytes | None  # the bytes kept at publishing (None for the seed's, at first)


@dataclass(frozen=True)
class ReprintInfo:
    """What the export dialog shows for a published period instead of editable options."""

    options: ReportOptions
    description: str


def previous_published(programme: Programme, label: str) -> Period | None:
    """The latest period published before ``label``: what its changes are measured from."""
    earlier: list[Period] = []
    for candidate in programme.periods:
        if candidate.label == label:
            break
        if candidate.published:
            earlier.append(candidate)
    return earlier[-1] if earlier else None


def changes_for_snapshot(
    repo: PublishedReportSource, code: str, frozen: dict[str, Any], label: str
) -> list[Change] | None:
    """Changes from the previous published report to ``frozen``; None if there is none."""
    previous = previous_published(programme_from_dict(frozen), label)
    if previous is None:
        return None
    before = repo.period_snapshot(code, previous.label)
    return changes_between(before, frozen) if before else None


def published_options(
    repo: PublishedReportSource, code: str, label: str, requested: ReportOptions | None = None
) -> ReportOptions:
    """The options ``label`` was published with, if ``requested`` agrees with them.

    Raises ``NotFound`` for a period that is not published and
    ``PublishedReportCannotChange`` for explicitly given options that differ.
    """
    stored = repo.period_report_options(code, label)
    if stored is None:
        raise NotFound(f"period {label!r} of {code} has not been published")
    refusal = reprint_refusal(label, stored, requested or ReportOptions())
    if refusal:
        raise PublishedReportCannotChange(refusal)
    return stored


def frozen_report(
    repo: PublishedReportSource,
    code: str | None,
    label: str,
    requested: ReportOptions | None = None,
) -> FrozenReport:
    """The published report of ``label``, refusing options other than the stored ones.

    Only options given explicitly in ``requested`` are compared. Raises
    ``NotFound`` for a period that is not published (or has no snapshot)
    and ``PublishedReportCannotChange`` for a different appendix or changes
    section, naming what was published.
    """
    canonical = repo.programme_code(code)
    stored = published_options(repo, canonical, label, requested)
    snapshot = repo.period_snapshot(canonical, label)
    if snapshot is None:
        raise NotFound(f"period {label!r} of {canonical} has no frozen snapshot")
    frozen = repo.published_programme(canonical, label)
    assert frozen is not None
    period = frozen.period(label)
    if period is None:
        raise NotFound(f"period {label!r} of {canonical} has no frozen snapshot")
    changes = (
        changes_for_snapshot(repo, canonical, snapshot, label) if stored.include_changes else None
    )
    return FrozenReport(frozen, period, stored, changes, repo.period_pdf(canonical, label))


def reprint_info(repo: PublishedReportSource, code: str | None, label: str) -> ReprintInfo | None:
    """How a reprint of ``label`` is described, with its stored options; None if it is open.

    The export dialog shows these greyed out: "Reprint of the published
    report (Appendix 7, Cabinet, 21 April 2020)".
    """
    canonical = repo.programme_code(code)
    stored = repo.period_report_options(canonical, label)
    if stored is None:
        return None
    frozen = repo.published_programme(canonical, label)
    period = frozen.period(label) if frozen else repo.load_programme(canonical).period(label)
    assert period is not None
    return ReprintInfo(stored, reprint_description(period, stored))
