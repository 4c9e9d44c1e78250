"""The screenshots used for review are taken from a fresh seeded database, every view of them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from fowdesk.ui.screenshots import take_screenshots


def test_screenshots_of_every_view_are_written(tmp_path: Path) -> None:
    written = take_screenshots(tmp_path / "shots")
    names = [p.stem for p in written]
    assert len(names) == 16 and names[0] == "01-main-window-rec-1-details"
    assert "11-help-getting-started" in names and "13-restore-from-a-backup" in names
    assert names[-3:] == [
        "14-send-returns",
        "15-dashboard-returns-panel",
        "16-import-returns-preview",
    ]
    main = QImage(str(written[0]))
    assert (main.width(), main.height()) == (1366, 768)
