"""Start the window (the full window is built in fowdesk.ui.main_window)."""

from __future__ import annotations

from pathlib import Path


def run_window(db_path: Path, *, self_test: bool = False, user: str | None = None) -> int:
    from fowdesk.ui.main_window import launch

    return launch(db_path, self_test=self_test, user=user)
