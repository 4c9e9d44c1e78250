"""Publishing a period: render its report once, with its options, and freeze both.

The report is rendered from the snapshot publishing will freeze, outside
the write lock (a long report takes a while), then stored with that
snapshot in one transaction, which is refused if the programme changed in
between; publishing then simply tries again. Before publishing, no preview
or export stores anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fowdesk.domain.publishing import PublishedReport, ReportOptions
from fowdesk.domain.snapshot import programme_from_dict
from fowdesk.errors import StaleEdit
from fowdesk.exports.frozen import FrozenReport, changes_for_snapshot
from fowdesk.exports.pdf_report import render_frozen

#: How often publishing re-renders when someone saves while the report is drawn.
PUBLISH_ATTEMPTS = 3


def publish_report(
    repo: Any,
    code: str | None,
    label: str,
    options: ReportOptions | None = None,
    *,
    meeting: str | None = None,
) -> PublishedReport:
    """Publish ``label``: freeze its snapshot and the report rendered with ``options``.

    ``meeting`` sets the period's meeting line (printed in the report's
    header) as part of publishing. Every later print or export of the period
    gives back the stored bytes. Raises ``NotFound`` for an unknown period,
    ``InvalidInput`` if it is already published, ``StaleEdit`` if the
    programme kept changing while the report was drawn.
    """
    canonical = repo.programme_code(code)
    settled = (options or ReportOptions()).settled()
    for attempt in range(PUBLISH_ATTEMPTS):
        at = datetime.now().replace(microsecond=0)
        draft = repo.publication_draft(canonical, label, at=at, meeting=meeting)
        report = PublishedReport(
            draft, _render(repo, canonical, label, draft, settled), settled, at, meeting
        )
        try:
            repo.publish_period(canonical, label, report=report)
        except StaleEdit:
            if attempt == PUBLISH_ATTEMPTS - 1:
                raise
            continue
        return report
    raise AssertionError("unreachable")  # pragma: no cover


def _render(
    repo: Any, code: str, label: str, draft: dict[str, Any], options: ReportOptions
) -> bytes:
    programme = programme_from_dict(draft)
    period = programme.period(label)
    assert period is not None
    changes = changes_for_snapshot(repo, code, draft, label) if options.include_changes else None
    frozen = FrozenReport(programme, period, options, changes, None)
    return render_frozen(frozen, author=repo.user)
