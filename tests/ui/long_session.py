"""A long scripted session in the window, then closing it: run as its own process.

    python tests/ui/long_session.py FOLDER ROUNDS

Each round searches, opens cards, types a title and presses Enter, adds and
undoes a milestone, switches to the dashboard and back; every third round
exports a return on the job pool (a worker thread with its own connection). Then the
window is closed and the application quits the way an officer's does. Prints
how far the reference counts of None, True and False moved per round: a
binding that drops references (PySide6 6.12 on Python 3.11 does) ends in
"Fatal Python error: none_dealloc" at exit after a long enough session.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path


def main(folder: Path, rounds: int) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QFileDialog

    from fowdesk.storage.repository import Repository
    from fowdesk.ui import prompts
    from fowdesk.ui.app import DeskApplication, make_application
    from fowdesk.ui.settings import Settings

    qt_app = make_application()
    settings = Settings(QSettings(str(folder / "fowdesk.ini"), QSettings.Format.IniFormat))
    db = folder / "session.db"
    Repository.create(db).close()
    exported = folder / "return.xlsx"
    QFileDialog.getSaveFileName = staticmethod(lambda *a, **k: (str(exported), ""))  # type: ignore[method-assign]
    prompts.ask_open_exported = lambda *_args: None  # type: ignore[assignment]

    repo = Repository.open(db, user="officer", source="ui")
    desk = DeskApplication(settings)
    window = desk.open_window(repo)
    workflow = desk.workflow(window)
    window.show()
    QTest.qWaitForWindowExposed(window)

    def wait_until(condition, timeout_ms: int = 20000) -> None:
        waited = 0
        while not condition():
            QTest.qWait(20)
            waited += 20
            if waited > timeout_ms:
                raise SystemExit("the session timed out waiting for the window")

    def counts() -> tuple[int, int, int]:
        gc.collect()
        return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)

    start = counts()
    for round_number in range(rounds):
        window.search_edit.setFocus()
        QTest.keyClicks(window.search_edit, "skills")
        QTest.keyClick(window.search_edit, Qt.Key.Key_Escape)
        window.search_edit.clear()
        for ref in ("1", "3", "8"):
            window.show_ref(ref)
        title = window.editor.title_edit
        title.setFocus()
        title.selectAll()
        QTest.keyClicks(title, f"Round {round_number} title")
        QTest.keyClick(title, Qt.Key.Key_Return)
        window.card_view.setFocus()
        QTest.keyClick(window.card_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(window.card_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
        QTest.qWait(10)
        window.tabs.setCurrentIndex(0)
        if round_number % 3 == 0:
            workflow.export_xlsx()
            wait_until(lambda: not desk.jobs.busy)
    end = counts()
    per_round = [(b - a) / max(rounds, 1) for a, b in zip(start, end, strict=True)]
    print("refcount change per round: None {:+.1f} True {:+.1f} False {:+.1f}".format(*per_round))

    window.close()
    desk.jobs.wait_for_done()
    desk.close_databases()
    repo.close()
    qt_app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), int(sys.argv[2])))
