"""The command line: the same operations as the window, scriptable.

Exit 0 on success; 1 on a data or input error, with one line
``fowdesk: error: …`` on stderr and no traceback; 2 on wrong usage; 3 when
an import applied its changes but left conflicts for someone to settle. Faults
of the machine (a full disk, a read-only file, a lock held by another
program) are input errors too: "unexpected" is kept for bugs, whose
traceback goes to the log (:mod:`fowdesk.logs`). A wait for another
program's lock says so on a terminal after a second and gives up at the
limit (``$FOWDESK_LOCK_TIMEOUT`` seconds, 30 by default).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO, cast

from fowdesk import __version__, logs, paths
from fowdesk.domain.dates import date_problem, parse_uk_date
from fowdesk.domain.periods import as_at_for_label, propose_next_period, report_as_at
from fowdesk.domain.publishing import ReportOptions, publish_warnings
from fowdesk.domain.quality import quality_notes
from fowdesk.errors import FowdeskError, InvalidInput, NotFound, describe_os_error, shown
from fowdesk.exports.files import write_atomically
from fowdesk.exports.report_formats import report_exporter
from fowdesk.gc_pause import full_collections_paused
from fowdesk.storage import database
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


EXIT_STATUS = (
    "exit status: 0 success (an import applied, or had nothing to do); 1 refused, with one "
    "line 'fowdesk: error: ...' on stderr and nothing written; 2 wrong usage; 3 an import "
    "applied its changes but left conflicts for someone to settle"
)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fowdesk",
        description="Record progress on a council programme offline; export Excel returns "
        "and committee PDF reports.",
        epilog=EXIT_STATUS,
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

    export = commands.add_parser(
        "export", help="write an Excel return, the report (PDF, HTML, Word) or JSON"
    )
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
    report_kinds = (
        ("pdf", "the committee report, printed (A4 landscape)"),
        ("html", "the committee report as accessible HTML, for publishing on a website"),
        ("docx", "the committee report as a Word appendix for the clerk's agenda pack"),
    )
    for kind, help_text in report_kinds:
        report = kinds.add_parser(kind, help=help_text)
        report.add_argument("-o", "--output", type=Path)
        report.add_argument("--programme")
        report.add_argument("--period", help="period label (default: the current period)")
        report.add_argument("--appendix", help="say 'Appendix N' in the header")
        report.add_argument("--card", help="only this recommendation (by ref)")
        report.add_argument(
            "--changes",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="include (or, with --no-changes, leave out) the 'changes since the last "
            "report' section (default: included; a published period as it was published)",
        )
    as_json = kinds.add_parser("json", help="the whole database as JSON")
    as_json.add_argument("-o", "--output", required=True, help="file, or - for standard output")

    imp = commands.add_parser(
        "import",
        help="apply an Excel return",
        description="Apply an Excel return: each field the officer changed since the export "
        "is applied, unless the database changed it too (a conflict, left as the database "
        "has it). Every cell that needs fixing is named on one line, and nothing is written.",
        epilog="exit status: 0 applied, or nothing to do; 1 refused, nothing written (the "
        "file, its cells, or a published period); 3 applied, but conflicts were left for "
        "someone to settle (the window's import preview settles them). --dry-run exits as "
        "the import would.",
    )
    imp.add_argument(
        "file",
        type=Path,
        nargs="+",
        help="a return; several returns, or a folder of them, are read and checked together "
        "and applied in one transaction",
    )
    imp.add_argument("--dry-run", action="store_true", help="show the changes, write nothing")
    imp.add_argument(
        "--programme",
        help="with several returns: the programme they are for (default: the one most of "
        "them are for); returns for another are left out",
    )

    returns = commands.add_parser(
        "returns",
        help="the return round: send each lead their return, see who has replied, chase",
        description="Without an action: where this period's round stands (per lead: sent, "
        "returned, changes applied, conflicts left, overdue), then every return by return ID.",
    )
    returns.add_argument("--programme", help="programme code (default: the first)")
    returns.add_argument(
        "--period", help="this period's round and returns (default: the current period's round)"
    )
    round_actions = returns.add_subparsers(
        dest="returns_command", metavar="ACTION", parser_class=_Parser
    )
    send = round_actions.add_parser(
        "send",
        help="write a return for each lead, a covering list and (--eml) draft e-mails",
        description="Write one return per lead code in use (a card with two leads goes to "
        "both), each with its own return ID, and returns.csv listing them. Nothing is sent: "
        "with --eml, open each draft in Outlook and press Send.",
    )
    send.add_argument("--programme", default=argparse.SUPPRESS, help="programme code")
    send.add_argument(
        "-o",
        "--output",
        type=Path,
        help="folder to write into, created if missing (default: '<code> returns <as-at>' in "
        "the exports folder)",
    )
    send.add_argument(
        "--eml", action="store_true", help="also a draft e-mail (.eml) per lead, to send"
    )
    send.add_argument(
        "--due",
        type=_uk_date,
        help="DD/MM/YYYY the returns are due back (default: 10 working days from today)",
    )
    send.add_argument(
        "--unknown-leads",
        action="store_true",
        help="also send to lead codes used on cards but missing from the lead-role key",
    )
    chase = round_actions.add_parser(
        "chase",
        help="a reminder for every lead whose return has not come back",
        description="For every lead whose return has not come back: with --eml a reminder "
        "draft ('… reminder – LEAD.eml') with the return attached again (a fresh one if the "
        "programme has moved on since it was sent). Nothing is sent.",
    )
    chase.add_argument("--programme", default=argparse.SUPPRESS, help="programme code")
    chase.add_argument(
        "-o",
        "--output",
        type=Path,
        help="folder to write into (default: the folder the returns were sent from)",
    )
    chase.add_argument("--eml", action="store_true", help="write the reminder drafts")

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


def _open(args: argparse.Namespace, *, say_recovered: bool = True) -> Repository:
    repo = Repository.open(_db_path(args), user=args.user, source="cli")
    args.opened.append(repo)
    if repo.recovery is not None and say_recovered:
        _say_recovered(repo.path, repo.recovery)
    return repo


def _recovered_line(path: Path, recovery: database.Recovery) -> str:
    kept = shown(recovery.copies[0].parent)
    return f"{shown(path)}: {recovery.describe()}; the file and its journal as found are in {kept}"


def _say_recovered(path: Path, recovery: database.Recovery) -> None:
    _say(_recovered_line(path, recovery))


def _say(line: str) -> None:
    """A note on stderr (stdout may be data, as with ``export json -o -``)."""
    print(shown(f"fowdesk: {line}"), file=sys.stderr)


def cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    repo = Repository.create(args.path, seeded=not args.empty, user=args.user, source="cli")
    try:
        programmes = repo.programmes()
    finally:
        repo.close()
    what = ", ".join(p.code for p in programmes) or "no programmes"
    print(f"created {shown(args.path)} ({what})", file=out)
    return 0


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    if args.output not in (None, "-"):
        # Refused before any work: an export never replaces a database.
        database.refuse_overwriting_a_database(Path(args.output))
    repo = _open(args)
    try:
        if args.kind == "json":
            text = json.dumps(repo.export_all(), ensure_ascii=False, indent=2) + "\n"
            if args.output == "-":
                out.write(text)
            else:
                write_atomically(args.output, lambda p: p.write_text(text, encoding="utf-8"))
                print(f"wrote {shown(args.output)}", file=out)
            return 0
        if args.kind == "xlsx":
            from fowdesk.exports.xlsx_return import export_return

            written = export_return(repo, args.output, code=args.programme, lead=args.lead)
        else:
            written = report_exporter(args.kind)(
                repo,
                args.output,
                code=args.programme,
                period=args.period,
                appendix=args.appendix,
                card_ref=args.card,
                include_changes=args.changes,
            )
        print(f"wrote {shown(written)}", file=out)
        return 0
    finally:
        repo.close()


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from fowdesk.exports.xlsx_import import import_return
    from fowdesk.exports.xlsx_import.batch import import_returns

    files: list[Path] = args.file
    repo = _open(args)
    try:
        if len(files) == 1 and not files[0].is_dir() and args.programme is None:
            outcome = import_return(repo, files[0], dry_run=args.dry_run)
        else:
            outcome = import_returns(repo, files, dry_run=args.dry_run, programme=args.programme)
    finally:
        repo.close()
    print(outcome.text, file=out)
    return outcome.status


def cmd_returns(args: argparse.Namespace, out: TextIO) -> int:
    if args.returns_command == "send":
        return _send_returns(args, out)
    if args.returns_command == "chase":
        return _chase_returns(args, out)
    from fowdesk.domain.return_round import return_round

    repo = _open(args)
    try:
        code = repo.programme_code(args.programme)
        listing = repo.returns(code, args.period)
        programme = repo.load_programme(code)
    finally:
        repo.close()
    current = programme.current_period
    label = args.period or (current.label if current else "")
    state = return_round(programme, label, listing, date.today())
    if state.was_sent:
        for line in state.lines():
            print(line, file=out)
        print(file=out)
    where = f" in {args.period}" if args.period else ""
    if not listing:
        print(f"{code}: no returns exported{where} yet", file=out)
        return 0
    print(f"{code}: {len(listing)} return{'s' if len(listing) != 1 else ''}{where}", file=out)
    for item in listing:
        exported = item.exported
        lead = f"lead {exported.lead}" if exported.lead else "all leads"
        if exported.exported_by:
            made = (
                f"{exported.period_label}, {lead}, exported "
                f"{exported.exported_at:%d/%m/%Y %H:%M} by {exported.exported_by} "
                f"({exported.filename})"
            )
        else:
            made = "not exported from this database"
        print(f"{exported.return_id}  {made}", file=out)
        if not item.imports:
            print("    not imported", file=out)
        for done in item.imports:
            author = f" (return by {done.author})" if done.author else ""
            left = f", {done.conflicts_left} conflict(s) left" if done.conflicts_left else ""
            print(
                f"    imported {done.at:%d/%m/%Y %H:%M} by {done.who}{author}: "
                f"{done.changes} change(s){left}",
                file=out,
            )
    return 0


def _send_returns(args: argparse.Namespace, out: TextIO) -> int:
    from fowdesk.exports.return_round import send_returns

    repo = _open(args)
    try:
        result = send_returns(
            repo,
            args.output,
            code=args.programme,
            drafts=args.eml,
            due_on=args.due,
            include_unknown=args.unknown_leads,
        )
    finally:
        repo.close()
    for line in result.lines():
        print(line, file=out)
    return 0


def _chase_returns(args: argparse.Namespace, out: TextIO) -> int:
    from fowdesk.exports.return_round import chase_returns

    repo = _open(args)
    try:
        result = chase_returns(repo, args.output, code=args.programme, drafts=args.eml)
    finally:
        repo.close()
    for line in result.lines():
        print(line, file=out)
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
    repo = _open(args, say_recovered=False)  # its report says so
    try:
        print(f"{shown(repo.path)}: integrity ok (schema {repo.schema_version()})", file=out)
        recovered = repo.recovery or latest_recovery(repo.backups_dir)
        if recovered is not None:
            print(_recovered_line(repo.path, recovered), file=out)
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
    print(f"backed up to {shown(written)}", file=out)
    return 0


def cmd_restore(args: argparse.Namespace, out: TextIO) -> int:
    db_path = _db_path(args)
    safety = restore_backup(
        args.backup, db_path, on_recovered=lambda done: _say_recovered(db_path, done)
    )
    kept = f" (the previous file was backed up to {shown(safety)})" if safety else ""
    print(f"restored {shown(args.backup)} to {shown(_db_path(args))}{kept}", file=out)
    return 0


COMMANDS = {
    "init": cmd_init,
    "export": cmd_export,
    "import": cmd_import,
    "returns": cmd_returns,
    "period": cmd_period,
    "changes": cmd_changes,
    "check": cmd_check,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def latest_recovery(backups_dir: Path) -> database.Recovery | None:
    """The newest interrupted write rolled back on this file, from the copies it kept."""
    found = sorted(backups_dir.glob(f"{database.INTERRUPTED_PREFIX}*-journal"), reverse=True)
    for journal in found:
        stamp = "-".join(journal.name[len(database.INTERRUPTED_PREFIX) :].split("-")[:2])
        try:
            at = datetime.strptime(stamp, "%Y%m%d-%H%M%S")
        except ValueError:
            continue
        copy = journal.with_name(journal.name[: -len("-journal")])
        return database.Recovery(at, (copy, journal))
    return None


def _log_crash(exc: BaseException) -> Path | None:
    log = logs.setup_logging()
    logs.logger.error("command line: unexpected error", exc_info=exc)
    return log


def _print_error(line: str) -> None:
    print(shown(f"fowdesk: error: {line}"), file=sys.stderr)


def _waiting_on_a_terminal() -> None:
    if sys.stderr.isatty():
        print("fowdesk: waiting for the database…", file=sys.stderr, flush=True)


class _Printable:
    """A text stream that prints names with undecodable bytes as '�' instead of failing."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(shown(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = cast(TextIO, _Printable(out or sys.stdout))
    parser = build_parser()
    args = parser.parse_args(argv)
    new_period = args.command == "period" and args.period_command == "new"
    if new_period and bool(args.label) == bool(args.next):
        parser.error("period new: give the new period's label or --next, not both")
    args.opened = []
    database.set_lock_wait_listener(_waiting_on_a_terminal)
    logs.setup_logging()
    try:
        with logs.quiet_stderr():
            return _run(args, out)
    finally:
        database.set_lock_wait_listener(None)


def _run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        if args.command is None:
            from fowdesk.ui.app import run_window

            return run_window(_db_path(args), self_test=args.self_test, user=args.user)
        # A command is one job: no full garbage collection walks its objects meanwhile.
        with full_collections_paused():
            code = COMMANDS[args.command](args, out)
        for repo in args.opened:
            for line in repo.unrecorded:
                _say(f"warning: {line}")
        return code
    except FowdeskError as exc:
        _print_error(str(exc))
        return 1
    except KeyboardInterrupt:
        _print_error("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (`fowdesk check | head`): nothing is wrong with the data.
        # Point stdout at devnull so the flush at exit does not fail again (Python docs,
        # "Note on SIGPIPE").
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        # The machine, not fowdesk: a full disk, a read-only folder, a name too long.
        where = f"{shown(exc.filename)}: " if exc.filename else ""
        _print_error(f"{where}{describe_os_error(exc)}")
        return 1
    except MemoryError:
        _print_error("out of memory; close other programs and try again")
        return 1
    except sqlite3.Error as exc:
        error = database.translate_sqlite_error(exc, _db_path(args))
        if isinstance(error, FowdeskError):
            _print_error(str(error))
            return 1
        return _unexpected(exc)
    except Exception as exc:
        return _unexpected(exc)


def _unexpected(exc: Exception) -> int:
    """A bug: one line for the user, the traceback in the log."""
    log = _log_crash(exc)
    where = f"; details in {shown(log)}" if log else ""
    _print_error(f"unexpected {type(exc).__name__}: {exc}{where}")
    return 1


__all__ = ["InvalidInput", "main"]
