"""The preview in words: what the command line prints, section by section.

Every edit in the return appears once: a change, a new row, a conflict left
for someone to settle, or "not taken" with the reason. Rows the return no
longer has are listed too, so a preview with missing rows never says "No
changes". Cells to fix are one line (the command line's error).
"""

from __future__ import annotations

from fowdesk.domain.change_set import ChangeSet, ImportResult, RowKind, short

#: How many cells the one-line refusal names before "and N more".
PROBLEMS_SHOWN = 50


def _quote(text: str) -> str:
    if not text:
        return "(blank)"
    text = text.replace("\n", " ⏎ ")
    return f'"{short(text, 120)}"'


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def problems_line(change_set: ChangeSet) -> str:
    """Every cell to fix, on one line (up to 50, then how many more)."""
    problems = change_set.problems
    count = len(problems)
    listed = "; ".join(str(p) for p in problems[:PROBLEMS_SHOWN])
    more = f"; and {count - PROBLEMS_SHOWN} more" if count > PROBLEMS_SHOWN else ""
    needs = "cell needs" if count == 1 else "cells need"
    return f"{change_set.path}: {count} {needs} fixing: {listed}{more}"


def heading(change_set: ChangeSet) -> str:
    period = f", {change_set.period_label}" if change_set.period_label else ""
    lead = f", lead {change_set.lead}" if change_set.lead else ""
    by = f", by {change_set.author}" if change_set.author else ""
    exported = (
        f", exported {change_set.exported_at:%d/%m/%Y %H:%M}" if change_set.exported_at else ""
    )
    return_id = f" (return ID {change_set.return_id})" if change_set.return_id else ""
    return (
        f"Return {change_set.path.name}{return_id}: programme {change_set.programme_code}"
        f"{period}{lead}{by}{exported}"
    )


def earlier_imports_line(change_set: ChangeSet) -> str:
    if not change_set.earlier_imports:
        return ""
    last = change_set.earlier_imports[-1]
    times = len(change_set.earlier_imports)
    again = f" ({_plural(times, 'import')} so far)" if times > 1 else ""
    return f"Already imported on {last.at:%d/%m/%Y %H:%M} by {last.who}{again}"


def describe(change_set: ChangeSet) -> str:
    """The whole preview as text, section by section."""
    lines = [heading(change_set)]
    if change_set.basis:
        lines.append(change_set.basis[0].upper() + change_set.basis[1:] + ".")
    if change_set.current_period and change_set.period_label not in (
        "",
        change_set.current_period,
    ):
        lines.append(
            f"The return is for {change_set.period_label}; narratives it changes go into the "
            f"current period, {change_set.current_period}."
        )
    earlier = earlier_imports_line(change_set)
    quiet = not (
        change_set.conflicts or change_set.missing or change_set.not_taken or change_set.problems
    )
    if change_set.is_empty and quiet:
        lines.append(
            f"{earlier}; nothing new."
            if earlier
            else "No changes: the return matches the database."
        )
    elif earlier:
        lines.append(f"{earlier}; only what changed since is listed.")
    elif change_set.is_empty:
        lines.append("Nothing to apply.")
    lines += _changes(change_set)
    lines += _new_rows(change_set)
    if change_set.conflicts:
        lines.append(
            f"Conflicts, not applied ({len(change_set.conflicts)}): the return and the database "
            "both changed these since the export; the database keeps its value until someone "
            "settles them"
        )
        for conflict in change_set.conflicts:
            who = ""
            if conflict.changed_by:
                when = f" on {conflict.changed_at:%d/%m/%Y %H:%M}" if conflict.changed_at else ""
                who = f" (changed by {conflict.changed_by}{when})"
            lines.append(
                f"  ! {conflict.what} ({conflict.place}), {conflict.label}: "
                f"return {_quote(conflict.change.now)}, "
                f"database {_quote(conflict.change.was)}{who}"
            )
    if change_set.missing:
        lines.append(
            f"Rows missing from the return (not deleted) ({len(change_set.missing)}): they are "
            "left as they are; to drop a milestone, set its Status to Cancelled"
        )
        lines.extend(f"  - {row}" for row in change_set.missing)
    if change_set.not_taken:
        lines.append(f"Not taken ({len(change_set.not_taken)}):")
        lines.extend(f"  - {item}" for item in change_set.not_taken)
    if change_set.warnings:
        lines.append(f"Warnings ({len(change_set.warnings)}):")
        lines.extend(f"  - {warning}" for warning in change_set.warnings)
    return "\n".join(lines)


def _changes(change_set: ChangeSet) -> list[str]:
    if not change_set.updates:
        return []
    lines = [f"Changes ({sum(len(r.fields) for r in change_set.updates)}):"]
    for row in change_set.updates:
        lines.append(f"  {row.what} ({row.place}):")
        for change in row.fields:
            lines.append(f"    {change.label}: {_quote(change.was)} → {_quote(change.now)}")
        if row.new_target is not None:
            if row.redated_without_reason:
                lines.append("    re-dated without a reason (Reason for change was left as it was)")
            else:
                lines.append(f"    re-dated: the slip is recorded; reason: {_quote(row.reason)}")
    return lines


def _new_rows(change_set: ChangeSet) -> list[str]:
    lines = []
    cards = [r for r in change_set.new_rows if r.kind is RowKind.RECOMMENDATION]
    milestones = [r for r in change_set.new_rows if r.kind is RowKind.MILESTONE]
    if cards:
        lines.append(f"New recommendations ({len(cards)}):")
        for row in cards:
            details = "; ".join(
                f"{c.label} {_quote(c.now)}"
                for c in row.fields
                if c.now and c.key not in ("ref", "title")
            )
            lines.append(
                f'  + {row.ref} "{short(row.subject)}" ({row.place})'
                + (f": {details}" if details else "")
            )
    if milestones:
        lines.append(f"New milestones ({len(milestones)}):")
        for row in milestones:
            target = str(row.value("target") or "") or "no target"
            lines.append(f'  + on {row.ref}: "{short(row.subject)}" – {target} ({row.place})')
    return lines


def applied(change_set: ChangeSet, result: ImportResult) -> str:
    """What the command line says after applying."""
    lines = []
    if result.changes:
        backup = f"; the database was backed up first to {result.backup}" if result.backup else ""
        lines.append(f"Imported {_plural(result.changes, 'change')} in one transaction{backup}.")
    if result.conflicts_left:
        lines.append(conflicts_left(change_set))
    if result.received:
        lines.append(received(change_set))
    return "\n".join(lines)


def received(change_set: ChangeSet) -> str:
    """The line saying a return sent in the round is now marked as come back."""
    whose = f"{change_set.lead}'s return" if change_set.lead else "This return"
    return f"{whose} (sent in the return round) is marked as returned."


def conflicts_left(change_set: ChangeSet) -> str:
    left = change_set.conflicts_left
    where = ", ".join(f"{c.place} ({c.label})" for c in left[:20])
    more = f" and {len(left) - 20} more" if len(left) > 20 else ""
    return (
        f"{_plural(len(left), 'conflict')} left for someone to settle: {where}{more}; settle "
        "them in the window's import preview (File → Import return), or with a later return."
    )
