"""Long work off the GUI thread: exports, imports, backups, rendering the print preview.

A job is a plain function ``job(repo, progress) -> result`` from the layers
below (no Qt there). :class:`RepositoryJob` runs it on a ``QThreadPool`` (the
application's :class:`~fowdesk.ui.jobs.JobPool`) with a Repository of its own
(a connection belongs to the thread that opened it) and posts the result, a
failure line, or progress back to the GUI thread by signal. The GUI thread
never waits on it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from fowdesk import logs
from fowdesk.errors import FowdeskError
from fowdesk.gc_pause import full_collections_paused
from fowdesk.storage.repository import Repository

Progress = Callable[[int, str], None]
Job = Callable[[Repository, Progress], Any]


class JobSignals(QObject):
    """Signals of one job; they arrive on the thread that owns this object (the GUI)."""

    progress = Signal(int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()


_RUNNING: set[JobSignals] = set()


class RepositoryJob(QRunnable):
    """Run ``job`` with its own Repository on ``db_path``; report back by signal."""

    def __init__(
        self,
        db_path: Path,
        job: Job,
        *,
        user: str | None = None,
        source: str = "ui",
        author: str = "",
    ) -> None:
        super().__init__()
        self.signals = JobSignals()
        self._db_path = Path(db_path)
        self._job = job
        self._user = user
        self._source = source
        self._author = author
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            with full_collections_paused():
                repo = Repository.open(
                    self._db_path, user=self._user, source=self._source, author=self._author
                )
                try:
                    result = self._job(repo, self.signals.progress.emit)
                finally:
                    repo.close()
        except FowdeskError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a bug: still reported, never a silent dead thread
            logs.logger.error("job %s: unexpected error", self._job, exc_info=exc)
            self.signals.failed.emit(f"unexpected {type(exc).__name__}: {exc}; details in the log")
        else:
            self.signals.succeeded.emit(result)
        finally:
            # Let go of what the job was given (a dashboard's whole programme): PySide's
            # pool may keep its Python wrapper of the last runnable it started alive.
            self._job = _done
            self.signals.finished.emit()


def _done(_repo: Repository, _progress: Progress) -> None:
    """What a finished job holds instead of its work: nothing."""


def start_job(
    db_path: Path,
    job: Job,
    *,
    on_success: Callable[[Any], None],
    on_failure: Callable[[str], None],
    on_progress: Callable[[int, str], None] | None = None,
    on_finished: Callable[[], None] | None = None,
    user: str | None = None,
    source: str = "ui",
    author: str = "",
    pool: QThreadPool | None = None,
) -> RepositoryJob:
    """Queue ``job`` on ``pool`` (the global one by default); wire its signals to the callbacks."""
    runnable = RepositoryJob(db_path, job, user=user, source=source, author=author)
    # Keep the signals object alive until its queued signals have been delivered. The
    # slot names the signals, never the runnable: a slot held by its own sender's
    # connection is a cycle through Qt that Python never collects, and through the
    # runnable it kept each job's closure (a dashboard's whole programme) for good.
    signals = runnable.signals
    _RUNNING.add(signals)
    signals.finished.connect(lambda: _RUNNING.discard(signals))
    runnable.signals.succeeded.connect(on_success)
    runnable.signals.failed.connect(on_failure)
    if on_progress is not None:
        runnable.signals.progress.connect(on_progress)
    if on_finished is not None:
        runnable.signals.finished.connect(on_finished)
    (pool or QThreadPool.globalInstance()).start(runnable)
    return runnable
