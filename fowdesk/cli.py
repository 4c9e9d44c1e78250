"""The command line: the same operations as the window, scriptable.

Exit 0 on success; 1 on a data or input error, with one line
``fowdesk: error: …`` on stderr and no traceback; 2 on wrong usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from fowdesk import __version__, paths
from fowdesk.domain.dates import date_problem, parse_uk_date
from fowdesk.domain.periods import as_at_for_label, propose_next_period, report_as_at
from fowdesk.domain.publishing import ReportOptions, publish_warnings
from fowdesk.domain.quality import quality_notes
from fowdesk.errors import FowdeskError, InvalidInput, NotFound
from fowdesk.exports.files import write_atomically
from fowdesk.storage.backups import restore_backup
from fowdesk.storage.repository import Repository


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 with the same one-line prefix."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"fowdesk: error: {message}\n")


def _uk_date(text: str) -> date:
    if text.strip().casefold() == "today":
        return date.today()
    parsed = parse_uk_date(text)
    if parsed is None:
        raise argparse.ArgumentTypeError(date_problem(text) or f"{text!r} is not a date")
    return parsed


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fowdesk",
        description="Record progress on a council programme offline; export Excel returns "
        "and committee PDF reports.",
    )
    parser.add_argument("--version", action="version", version=f"fowdesk {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        help=f"the database file (default: ${paths.ENV_DB} or {paths.default_db_path()})",
    )
    parser.add_argument("--user", help="your name for the audit trail (default: OS user name)")
    parser.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    init = commands.add_parser("init", help="create a database (seeded unless --empty)")
    init.add_argument("path", type=Path)
    init.add_argument("--empty", action="store_true", help="no seed programmes")

    export = commands.add_parser("export", help="write an Excel return, PDF report or JSON")
    kinds = export.add_subparsers(dest="kind", metavar="KIND", required=True, parser_class=_Parser)
    xlsx = kinds.add_parser("xlsx", help="the Excel return for the PMO")
    xlsx.add_argument(
        "-o",
        "--output",
        type=Path,
        help="file to write (default: a name that says what it is, in the exports folder)",
    )
    xlsx.add_argument("--programme", help="programme code (default: the first)")
    xlsx.add_argument("--lead", help="only the cards this lead code owns")
    pdf = kinds.add_parser("pdf", help="the committee report")
    pdf.add_argument("-o", "--output", type=Path)
    pdf.add_argument("--programme")
    pdf.add_argument("--period", help="period label (default: the current period)")
    pdf.add_argument("--appendix", help="print 'Appendix N' in the header")
    pdf.add_argument("--card", help="only this recommendation (by ref)")
    pdf.add_argument(
        "--changes",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="include (or, with --no-changes, leave out) the 'changes since the last "
        "report' section (default: included; a published period as it was published)",
    )
    as_json = kinds.add_parser("json", help="the whole database as JSON")
    as_json.add_argument("-o", "--output", required=True, help="file, or - for standard output")

    imp = commands.add_parser("import", help="apply an Excel return")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="show the changes, write nothing")

    period = commands.add_parser("period", help="reporting periods")
    period_commands = period.add_subparsers(
        dest="period_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    new = period_commands.add_parser("new", help="start a reporting period")
    new.add_argument("label", nargs="?", help="e.g. 'March 2020' (or give --next)")
    new.add_argument(
        "--next",
        action="store_true",
        help="the month after the current period's, as at its last day",
    )
    new.add_argument(
        "--as-at",
        type=_uk_date,
        help="DD/MM/YYYY (default: the last day of the month the label names, else today)",
    )
    new.add_argument("--meeting", default="", help="committee/meeting line for the header")
    new.add_argument("--programme")
    publish = period_commands.add_parser(
        "publish", help="freeze the period's report as printed with these options"
    )
    publish.add_argument("label")
    publish.add_argument("--programme")
    publish.add_argument("--appendix", help="print 'Appendix N' in the header")
    publish.add_argument("--meeting", help="set the period's committee/meeting line")
    publish.add_argument(
        "--changes",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="include (default) or, with --no-changes, leave out the changes section",
    )
    publish.add_argument(
        "--dry-run", action="store_true", help="list the warnings, publish nothing"
    )

    changes = commands.add_parser("changes", help="what changed since the last report")
    changes.add_argument("--programme")

    check = commands.add_parser("check", help="integrity, then data-quality notes")
    check.add_argument(
        "--as-at",
        type=_uk_date,
        help="judge milestones as at DD/MM/YYYY or 'today' (default: each "
        "programme's latest as-at date)",
    )

    backup = commands.add_parser("backup", help="back up the database")
    backup.add_argument("-o", "--output", type=Path)
    restore = commands.add_parser("restore", help="put a backup back")
    restore.add_argument("backup", type=Path)
    return parser


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else paths.default_db_path()


def _open(args: argparse.Namespace) -> Repository:
    return Repository.open(_db_path(args), user=args.user, source="cli")


def cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    repo = Repository.create(args.path, seeded=not args.empty, user=args.user, source="cli")
    try:
        programmes = repo.programmes()
    finally:
        repo.close()
    what = ", ".join(p.code for p in programmes) or "no programmes"
    print(f"created {args.path} ({what})", file=out)
    return 0


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    repo = _open(args)
    try:
        if args.kind == "json":
            text = json.dumps(repo.export_all(), ensure_ascii=False, indent=2) + "\n"
            if args.output == "-":
                out.write(text)
            else:
                write_atomically(args.output, lambda p: p.write_text(text, encoding="utf-8"))
                print(f"wrote {args.output}", file=out)
            return 0
        if args.kind == "xlsx":
            from fowdesk.exports.xlsx_return import export_return

            written = export_return(repo, args.output, code=args.programme, lead=args.lead)
        else:
            from fowdesk.exports.pdf_report import export_report

            written = export_report(
                repo,
                args.output,
                code=args.programme,
                period=args.period,
                appendix=args.appendix,
                card_ref=args.card,
                include_changes=args.changes,
            )
        print(f"wrote {written}", file=out)
        return 0
    finally:
        repo.close()


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from fowdesk.exports.xlsx_import import import_return

    repo = _open(args)
    try:
        report = import_return(repo, args.file, dry_run=args.dry_run)
    finally:
        repo.close()
    print(report, file=out)
    return 0


def cmd_period(args: argparse.Namespace, out: TextIO) -> int:
    repo = _open(args)
    try:
        code = repo.programme_code(args.programme)
        if args.period_command == "new":
            _new_period(repo, code, args, out)
        else:
            _publish_period(repo, code, args, out)
        return 0
    finally:
        repo.close()


def _new_period(repo: Repository, code: str, args: argparse.Namespace, out: TextIO) -> None:
    if args.next:
        proposal = propose_next_period(repo.load_programme(code))
        label, as_at = proposal.label, args.as_at or proposal.as_at
    else:
        label = args.label
        as_at = args.as_at or as_at_for_label(label) or date.today()
    period = repo.new_period(code, label, as_at, args.meeting)
    print(f"{code}: started period {period.label!r} as at {period.as_at:%d/%m/%Y}", file=out)


def _publish_period(repo: Repository, code: str, args: argparse.Namespace, out: TextIO) -> None:
    """Warn about what the report would show as gaps, then (unless a dry run) publish."""
    programme = repo.load_programme(code)
    period = programme.period(args.label)
    if period is None:
        raise NotFound(f"no reporting period {args.label!r} in {code}")
    if period.published:
        raise InvalidInput(f"period {args.label!r} is already published")
    warnings = publish_warnings(programme, period.label)
    for line in warnings.lines():
        print(line, file=out)
    if warnings.is_empty:
        print(f"{code}: nothing to warn about in {period.label}", file=out)
    if args.dry_run:
        print(f"{code}: dry run; {period.label} was not published", file=out)
        return
    from fowdesk.exports.publishing import publish_report

    options = ReportOptions.given(args.appendix, args.changes)
    report = publish_report(repo, code, period.label, options, meeting=args.meeting)
    described = "as Appendix " + report.options.appendix if report.options.appendix else ""
    print(
        f"{code}: published period {period.label!r}{' ' + described if described else ''};"
        " its report is now frozen",
        file=out,
    )


def format_changes(changes: Sequence[object]) -> str:
    from fowdesk.domain.changes import Change

    lines = []
    for change in changes:
        assert isinstance(change, Change)
        arrow = ""
        if change.was or change.now:
            was = change.was.replace("\n", " / ") or "—"
            now = change.now.replace("\n", " / ") or "—"
            arrow = f": {was} → {now}"
        who = f" ({change.by}, {change.when:%d/%m/%Y %H:%M})" if change.when else ""
        lines.append(f"rec {change.ref}: {change.what}{arrow}{who}")
    return "\n".join(lines)


def cmd_changes(args: argparse.Namespace, out: TextIO) -> int:
    repo = _open(args)
    try:
        code = repo.programme_code(args.programme)
        published = repo.latest_published_snapshot(code)
        if published is None:
            print(f"{code}: no period has been published yet, so nothing to compare with", file=out)
            return 0
        changes = repo.changes_since_last_report(code)
        last = next((p["label"] for p in reversed(published["periods"]) if p["published"]), "")
        if not changes:
            print(f"{code}: no changes since the last report ({last})", file=out)
        else:
            print(f"{code}: {len(changes)} change(s) since the last report ({last})", file=out)
            print(format_changes(changes), file=out)
        return 0
    finally:
        repo.close()


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    repo = _open(args)
    try:
        print(f"{repo.path}: integrity ok (schema {repo.schema_version()})", file=out)
        total = 0
        for header in repo.programmes():
            programme = repo.load_programme(header.code)
            as_at = args.as_at or report_as_at(programme)
            notes = quality_notes(programme, as_at)
            total += len(notes)
            print(
                f"{header.code} as at {as_at:%d/%m/%Y}: "
                f"{len(notes) or 'no'} data-quality note{'s' if len(notes) != 1 else ''}",
                file=out,
            )
            for note in notes:
                print(f"  - {note}", file=out)
        return 0
    finally:
        repo.close()


def cmd_backup(args: argparse.Namespace, out: TextIO) -> int:
    repo = _open(args)
    try:
        if args.output is not None and args.output.exists():
            raise FowdeskError(f"{args.output}: already exists; choose another name")
        written = repo.backup(args.output)
    finally:
        repo.close()
    print(f"backed up to {written}", file=out)
    return 0


def cmd_restore(args: argparse.Namespace, out: TextIO) -> int:
    safety = restore_backup(args.backup, _db_path(args))
    kept = f" (the previous file was backed up to {safety})" if safety else ""
    print(f"restored {args.backup} to {_db_path(args)}{kept}", file=out)
    return 0


COMMANDS = {
    "init": cmd_init,
    "export": cmd_export,
    "import": cmd_import,
    "period": cmd_period,
    "changes": cmd_changes,
    "check": cmd_check,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def _log_crash() -> Path | None:
    try:
        log_dir = paths.data_dir()
        log_dir.mkdir(parents=True, exist_ok=True)
        log = log_dir / "fowdesk-crash.log"
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now().isoformat()} fowdesk {__version__}\n")
            handle.write(traceback.format_exc())
        return log
    except OSError:
        return None


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    new_period = args.command == "period" and args.period_command == "new"
    if new_period and bool(args.label) == bool(args.next):
        parser.error("period new: give the new period's label or --next, not both")
    try:
        if args.command is None:
            from fowdesk.ui.app import run_window

            return run_window(_db_path(args), self_test=args.self_test, user=args.user)
        return COMMANDS[args.command](args, out)
    except FowdeskError as exc:
        print(f"fowdesk: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("fowdesk: error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`fowdesk check | head`): nothing is wrong with the data.
        # Point stdout at devnull so the flush at exit does not fail again (Python docs,
        # "Note on SIGPIPE").
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: one line for the user, the traceback in a log
        log = _log_crash()
        where = f"; details in {log}" if log else ""
        print(f"fowdesk: error: unexpected {type(exc).__name__}: {exc}{where}", file=sys.stderr)
        return 1


__all__ = ["InvalidInput", "main"]
