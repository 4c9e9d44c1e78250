"""The application's job pool: long work runs here, never on the GUI thread.

One :class:`JobPool` belongs to the application object. Every window's
exports, imports, backups and report rendering go through it, so "is anything
still running?" has one answer: the window waits on it before closing, the
menus that would start a second write are disabled while it is busy, and the
status bar shows what it is doing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from fowdesk.storage.repository import Repository
from fowdesk.ui.workers import Progress, start_job


class JobPool(QObject):
    """Runs jobs on a thread pool of its own and says when it is busy and what it is doing.

    ``busy_changed`` fires when the first job starts and when the last one
    ends; ``activity`` carries the line to show while jobs run (a job's
    description, then its progress messages).
    """

    busy_changed = Signal(bool)
    activity = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.running = 0

    @property
    def busy(self) -> bool:
        return self.running > 0

    def run(
        self,
        db_path: Path,
        description: str,
        job: Callable[[Repository, Progress], Any],
        *,
        on_success: Callable[[Any], None],
        on_failure: Callable[[str], None],
        user: str | None = None,
        source: str = "ui",
    ) -> None:
        """Run ``job(repo, progress)`` with its own connection to ``db_path``; report back here."""
        self.running += 1
        self.activity.emit(description)
        if self.running == 1:
            self.busy_changed.emit(True)
        start_job(
            db_path,
            job,
            on_success=on_success,
            on_failure=on_failure,
            on_progress=lambda _percent, text: self.activity.emit(text),
            on_finished=self._finished,
            user=user,
            source=source,
            pool=self.pool,
        )

    def _finished(self) -> None:
        self.running -= 1
        if self.running == 0:
            self.busy_changed.emit(False)

    def wait_for_done(self) -> None:
        """Block until every job has ended (an export half written is worse than a short wait)."""
        self.pool.waitForDone()
