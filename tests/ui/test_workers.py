"""Jobs off the GUI thread: own connection, results by signal, full collections held back."""

from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path
from typing import Any

from fowdesk.errors import InvalidInput
from fowdesk.gc_pause import full_collections_paused
from fowdesk.ui.workers import start_job


def test_full_collections_wait_until_the_last_job_ends() -> None:
    before = gc.get_threshold()
    with full_collections_paused():
        during = gc.get_threshold()
        with full_collections_paused():  # a second job at the same time
            pass
        assert gc.get_threshold() == during, "the first job is still running"
    assert during[:2] == before[:2], "young collections go on"
    assert during[2] > 10**6
    assert gc.get_threshold() == before


def test_a_job_runs_on_another_thread_with_its_own_connection(qtbot: Any, repo) -> None:
    seen: dict[str, Any] = {}

    def job(own: Any, progress: Any) -> list[str]:
        seen["thread"] = threading.current_thread()
        seen["repo"] = own
        progress(50, "half way")
        return [p.code for p in own.programmes()]

    progress: list[str] = []
    results: list[Any] = []
    start_job(
        repo.path,
        job,
        on_success=results.append,
        on_failure=lambda line: results.append(("failed", line)),
        on_progress=lambda _p, text: progress.append(text),
    )
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    assert results == [["FOW", "DS2430"]]
    assert progress == ["half way"]
    assert seen["thread"] is not threading.main_thread()
    assert seen["repo"] is not repo


def test_a_failing_job_reports_its_one_line(qtbot: Any, seeded_path: Path) -> None:
    def job(_repo: Any, _progress: Any) -> None:
        raise InvalidInput("period 'May 2020' already exists")

    failures: list[str] = []
    finished: list[bool] = []
    # Wired before the job starts: a finished signal cannot slip past the test.
    start_job(
        seeded_path,
        job,
        on_success=lambda _r: None,
        on_failure=failures.append,
        on_finished=lambda: finished.append(True),
    )
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    assert failures == ["period 'May 2020' already exists"]


def test_a_finished_job_lets_go_of_what_it_was_given(qtbot: Any, seeded_path: Path) -> None:
    """A dashboard job is given the whole programme; once it has finished, nothing of the
    job may keep it (its runnable was held by a cycle through its own signal's slot)."""

    class Programme:
        pass

    given = Programme()
    gone = weakref.ref(given)
    finished: list[bool] = []
    start_job(
        seeded_path,
        lambda _repo, _progress, programme=given: type(programme).__name__,
        on_success=lambda _result: None,
        on_failure=lambda _line: None,
        on_finished=lambda: finished.append(True),
    )
    del given
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    qtbot.waitUntil(lambda: (gc.collect(), gone() is None)[1], timeout=10000)
