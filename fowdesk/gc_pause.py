"""Python's full garbage collections held back while a long job runs.

A full collection walks every object alive, and a job building a 5,000-card
report or workbook holds millions: each walk takes 100–400 ms, and the
collector starts one every time enough objects have survived the younger
collections, again and again through the job. Young collections go on, so
the short-lived reference cycles reportlab makes for every paragraph it
draws are still freed as the job goes; the usual thresholds return when the
last job ends. The window's jobs (``ui.workers``) and every command-line
command run inside :func:`full_collections_paused`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_jobs_running = 0
_thresholds_before: tuple[int, int, int] = gc.get_threshold()

#: A third threshold no job reaches: no full collection starts while a job runs.
_NO_FULL_COLLECTION = 1_000_000_000


@contextmanager
def full_collections_paused() -> Iterator[None]:
    """Hold back full garbage collections within the block (jobs may overlap, on any thread)."""
    global _jobs_running, _thresholds_before
    with _lock:
        if _jobs_running == 0:
            _thresholds_before = gc.get_threshold()
            young, middle, _ = _thresholds_before
            gc.set_threshold(young, middle, _NO_FULL_COLLECTION)
        _jobs_running += 1
    try:
        yield
    finally:
        with _lock:
            _jobs_running -= 1
            if _jobs_running == 0:
                gc.set_threshold(*_thresholds_before)
