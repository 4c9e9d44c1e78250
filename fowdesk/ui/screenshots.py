"""Screenshots of the window at 1366×768 (a common council laptop), for review and docs.

``python -m fowdesk.ui.screenshots OUTDIR`` builds a fresh seeded database in a
temp folder (the officer's own database and settings are never touched) and
saves one PNG per view with ``QWidget.grab()``. Runs offscreen or under
``xvfb-run -s "-screen 0 1366x768x24"``; with ``QT_SCALE_FACTOR=1.25`` (a
laptop at 125%) the window takes the same 1366×768 pixels, so it has less
room for its text.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

SIZE = (1366, 768)


def _settle() -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QApplication.processEvents()


def _reload(window: Any) -> None:
    """Read the programme again and wait until the window shows it (it is read off-thread)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    window.reloaded.connect(loop.quit)
    QTimer.singleShot(60_000, loop.quit)
    window.reload()
    loop.exec()
    window.reloaded.disconnect(loop.quit)


def _show_dashboard(window: Any) -> None:
    """Show the Dashboard tab worked out afresh (it is worked out off-thread)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    window.dashboard.updated.connect(loop.quit)
    QTimer.singleShot(60_000, loop.quit)
    if window.dashboard_shown():
        window.refresh_dashboard()
    else:
        window.show_dashboard()
    loop.exec()
    window.dashboard.updated.disconnect(loop.quit)


def _sample_edits(repo: Any) -> None:
    """A few officer edits on rec 2, so the history and revised-target columns show something."""
    from datetime import date

    uuid = repo.card_uuid_for_ref("FOW", "2")
    first, second = repo.card(uuid).milestones[:2]
    repo.update_milestone(
        first.uuid, first.version, status="Complete", completed_on=date(2020, 3, 20)
    )
    repo.revise_target(second.uuid, second.version, "June 2020", "RSA legal review took longer")
    repo.update_milestone(second.uuid, second.version + 1, status="Delayed")


def _edited_return(repo: Any, folder: Path) -> Path:
    """A return as the PMO sends it back, with one row a colleague changed meanwhile."""
    import openpyxl

    from fowdesk.exports.xlsx_columns import MILESTONES, RECOMMENDATIONS
    from fowdesk.exports.xlsx_return import export_return

    path = export_return(repo, folder / "FOW return.xlsx", code="FOW")
    workbook = openpyxl.load_workbook(path)

    def edit(sheet: str, ref: str, nth: int, changes: dict[str, str]) -> None:
        ws = workbook[sheet]
        columns = {cell.value: cell.column for cell in ws[1]}
        rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, columns["Ref"]).value == ref]
        for header, value in changes.items():
            ws.cell(rows[nth], columns[header]).value = value

    edit(RECOMMENDATIONS, "3", 0, {"Status": "On hold"})
    edit(MILESTONES, "2", 2, {"Target": "July 2020", "Reason for change": "Board met late"})
    edit(MILESTONES, "4", 0, {"Status": "Complete"})
    edit(MILESTONES, "5", 1, {"Due by": "31/12/2020"})  # a worked-out cell typed over
    milestones = workbook[MILESTONES]
    refs = [milestones.cell(r, 1).value for r in range(1, milestones.max_row + 1)]
    milestones.delete_rows(refs.index("6") + 2)  # one of rec 6's rows deleted
    workbook.save(path)
    # Meanwhile a colleague marks the same rec 4 milestone delayed in the database.
    milestone = repo.card(repo.card_uuid_for_ref("FOW", "4")).milestones[0]
    repo.update_milestone(milestone.uuid, milestone.version, status="Delayed")
    return path


def take_screenshots(out_dir: Path) -> list[Path]:
    """Save the main window, rec 2's milestones, rec 3's narrative and more into ``out_dir``."""
    from PySide6.QtCore import QSettings

    from fowdesk.storage.repository import Repository
    from fowdesk.ui.app import DeskApplication, make_application
    from fowdesk.ui.settings import Settings

    app = make_application()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="fowdesk-shots-") as tmp:
        settings = Settings(QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat))
        repo = Repository.create(Path(tmp) / "fowdesk.db", seeded=True, user="Strategic Skills")
        repo.source = "ui"
        _sample_edits(repo)
        desk = DeskApplication(settings)
        window = desk.open_window(repo)
        ratio = window.devicePixelRatio()  # 1.25 at 125%: fewer logical pixels on screen
        window.resize(round(SIZE[0] / ratio), round(SIZE[1] / ratio))
        window.show()
        _settle()

        def shot(name: str, widget: Any = None) -> None:
            _settle()
            path = out_dir / f"{name}.png"
            if not (widget or window).grab().save(str(path), "PNG"):
                raise OSError(f"could not write {path}")
            written.append(path)

        def card(ref: str, tab: int) -> None:
            window.show_ref(ref)
            window.editor.tabs.setCurrentIndex(tab)

        card("1", 0)
        shot("01-main-window-rec-1-details")
        card("2", 2)
        shot("02-rec-2-milestones")
        card("3", 1)
        shot("03-rec-3-progress")
        window.search_edit.setText("Digital Shipyard")
        card("12", 0)
        shot("04-search-digital-shipyard")
        window.search_edit.clear()
        card("2", 3)
        shot("05-rec-2-history")
        window.open_programme("DS2430")
        card("1", 0)
        shot("06-ds2430-priority-1-deliverables-with-benefits")
        window.open_programme("FOW")
        _workflow_shots(window, repo, Path(tmp), shot)
        _help_shots(window, repo, shot)
        _return_round_shots(window, repo, Path(tmp), shot)
        window.close()
        repo.close()
    del app
    return written


def _workflow_shots(window: Any, repo: Any, folder: Path, shot: Any) -> None:
    """The dashboard, an import preview with a conflict, the print preview, settings."""
    from fowdesk.exports.pdf_report import report_pdf_bytes
    from fowdesk.exports.xlsx_import import read_return
    from fowdesk.ui.import_preview import ImportPreviewDialog
    from fowdesk.ui.printing import print_preview_dialog
    from fowdesk.ui.programme_settings import ProgrammeSettingsDialog

    _show_dashboard(window)
    shot("07-dashboard")
    window.show_cards()

    change_set = read_return(repo, _edited_return(repo, folder))
    preview = ImportPreviewDialog(change_set, window)
    preview.show()
    shot("08-import-preview-with-a-conflict", preview)
    preview.close()

    _, _, pdf = report_pdf_bytes(repo, code="FOW")  # February 2020 as it was published
    printing = print_preview_dialog(window, pdf, "FOW February 2020")
    printing.resize(1366, 740)
    printing.show()
    shot("09-print-preview", printing)
    printing.close()

    settings = ProgrammeSettingsDialog(repo, "FOW", window)
    settings.show()
    shot("10-programme-settings", settings)
    settings.close()


def _help_shots(window: Any, repo: Any, shot: Any) -> None:
    """The Help menu's guide and shortcuts, and the restore list."""
    from fowdesk.storage.backups import list_backups
    from fowdesk.ui.help import GuideDialog, ShortcutsDialog
    from fowdesk.ui.workflow_dialogs import RestoreBackupDialog

    guide = GuideDialog(window)
    guide.show()
    shot("11-help-getting-started", guide)
    guide.close()
    shortcuts = ShortcutsDialog(window)
    shortcuts.show()
    shot("12-help-keyboard-shortcuts", shortcuts)
    shortcuts.close()
    repo.backup(reason="manual")
    restore = RestoreBackupDialog(list_backups(repo.backups_dir), window)
    restore.show()
    shot("13-restore-from-a-backup", restore)
    restore.close()


def _return_round_shots(window: Any, repo: Any, folder: Path, shot: Any) -> None:
    """March's round: the send dialog, the Returns panel with two of five back, a batch preview."""
    import shutil
    from datetime import date, datetime, timedelta

    import openpyxl

    from fowdesk.domain.model import LeadRole
    from fowdesk.exports.return_round import send_returns
    from fowdesk.exports.xlsx_import import import_return
    from fowdesk.exports.xlsx_import.batch import read_returns
    from fowdesk.ui.batch_preview import BatchPreviewDialog
    from fowdesk.ui.return_round_dialogs import SendReturnsDialog

    repo.new_period("FOW", "March 2020", date(2020, 3, 31))
    addresses = {"SSM": "skills.manager@southampton.gov.uk", "EDT": "edt@southampton.gov.uk"}
    key = repo.load_programme("FOW").lead_key
    repo.set_lead_key("FOW", [LeadRole(k.code, k.role, addresses.get(k.code, "")) for k in key])
    _reload(window)
    round_folder = folder / "FOW returns 2020-03-31"
    dialog = SendReturnsDialog(repo.load_programme("FOW"), round_folder, parent=window)
    dialog.show()
    shot("14-send-returns", dialog)
    dialog.close()

    send_returns(repo, round_folder, code="FOW", drafts=True, due_on=date.today())

    def returned(lead: str, ref: str, status: str, author: str) -> Path:
        path = Path(shutil.copy(round_folder / f"FOW return 2020-03-31 {lead}.xlsx", folder))
        workbook = openpyxl.load_workbook(path)
        ws = workbook["Recommendations"]
        columns = {cell.value: cell.column for cell in ws[1]}
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, columns["Ref"]).value == ref)
        ws.cell(row, columns["Status"]).value = status
        workbook.properties.lastModifiedBy = author
        workbook.save(path)
        return path

    import_return(repo, returned("SSM", "2", "On hold", "Sam Skills"), dry_run=False)
    import_return(repo, returned("HOD", "10", "Complete", "Hattie Org"), dry_run=False)
    # Time passes: the round went out three weeks ago and was due back yesterday.
    sent = (datetime.now() - timedelta(days=21)).replace(microsecond=0).isoformat()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    repo.db.execute("UPDATE returns SET sent_at = ?, due_on = ?", [sent, yesterday])
    repo.db.conn.commit()
    _show_dashboard(window)
    shot("15-dashboard-returns-panel")
    window.show_cards()

    batch = read_returns(
        repo,
        [
            returned("EDT", "18", "Closed", "Eddie Dev"),
            returned("SAH", "6", "Complete", "Sally Apprentice"),
            returned("SSM", "18", "On hold", "Sam Skills"),
        ],
        programme="FOW",
    )
    preview = BatchPreviewDialog(batch, window)
    preview.show()
    shot("16-import-returns-preview", preview)
    preview.close()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m fowdesk.ui.screenshots OUTDIR", file=sys.stderr)
        return 2
    if sys.platform == "linux" and not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in take_screenshots(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
