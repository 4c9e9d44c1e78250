"""Python's full garbage collections held back while a long job runs.

A full collection walks every object alive, and a job building a 5,000-card
report or workbook holds millions: each walk takes 100–400 ms, and the
collector starts one every time enough objects have survived the younger
collections, again and again through the job. Young collections go on, so
the short-lived reference cycles reportlab makes for every paragraph it
draws are still freed as the job goes; the usual thresholds return when the
last job ends. The window's jobs (``ui.workers``) and every command-line
command run inside :func:`full_collections_paused`.

The window holds a programme for as long as it is shown: at 5,000 cards a
quarter of a million long-lived objects (cards, milestones, list rows, sort
keys), which every full collection walked again, 50–170 ms on the window
thread each time. Once it has read a programme the window moves them out of
the collector's way with :func:`freeze_long_lived`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.RLock()  # a finaliser run by freeze_long_lived's collection may start a job
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


def freeze_long_lived(*, tidy: bool = False) -> bool:
    """Move every object alive now out of the collector's way (``gc.freeze``): call it once
    the window has read and shown a programme, whose objects live until the next read.

    Full collections then walk only what was made since, not the quarter of a million
    objects a 5,000-card programme holds. Frozen objects are still freed by reference
    counting when the window lets them go, but a cycle among them would never be
    collected: ``tidy`` first unfreezes everything and runs one full collection (what an
    earlier freeze kept and is now garbage goes), as a synchronous open or switch begins;
    a reload only freezes (a programme holds no cycles, and ``tests/ui/test_gc_freeze.py``
    keeps the frozen count flat over reloads and switches).

    Nothing is done while a job runs (returns False): its half-made objects, and the
    cycles reportlab makes, would be kept for good; the next read freezes instead.
    """
    with _lock:
        if _jobs_running:
            return False
        if tidy:
            gc.unfreeze()
            gc.collect()
        gc.freeze()
        return True
