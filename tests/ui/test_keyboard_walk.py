"""The month by keyboard alone in the real window, under Xvfb, typed with xdotool.

``keyboard_walk.py`` starts ``python -m fowdesk`` on a fresh database and
presses keys only (no mouse event): start a period, update a card's progress,
complete a milestone, revise a target, export the return, import it after
the PMO's edit, publish. This test runs it and reads the database back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from fowdesk.domain.model import CardStatus, MilestoneStatus
from fowdesk.storage.repository import Repository

pytestmark = pytest.mark.slow

WALK = Path(__file__).with_name("keyboard_walk.py")


@pytest.fixture
def x_display() -> Iterator[str]:
    """A private Xvfb at 1366×768; the server picks a free display itself (-displayfd),
    so runs started at the same moment never share one, as ``xvfb-run -a`` may."""
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        pytest.skip("Xvfb and xdotool are not installed (.ci/debian-deps installs them)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        number = announced.readline().strip()
    try:
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_month_done_with_the_keyboard_alone(tmp_path: Path, x_display: str) -> None:
    done = subprocess.run(
        [sys.executable, str(WALK), str(tmp_path)],
        env=dict(os.environ, DISPLAY=x_display),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    log = tmp_path / "window.log"
    assert done.returncode == 0, done.stderr + (log.read_text() if log.exists() else "")
    steps = [line for line in done.stdout.splitlines() if line.startswith("done: ")]
    assert len(steps) == 7

    repo = Repository.open(tmp_path / "fowdesk.db", user="check", source="cli")
    try:
        programme = repo.load_programme("FOW")
        period = programme.period("March 2020")
        assert period is not None and period.published
        assert period.as_at == date(2020, 3, 31)
        assert period.meeting == "Scrutiny Inquiry Panel, 9 April 2020"
        card = programme.card("2")
        assert card is not None
        assert [(p.text, p.bulleted) for p in card.progress_for("March 2020")] == [
            ("RSA exemption cleared by the procurement board", True)
        ]
        first, second = card.milestones[:2]
        assert first.status is MilestoneStatus.COMPLETE
        assert second.target == "June 2020"
        assert [r.reason for r in second.revisions] == ["RSA board met late"]
        assert {h.who for h in repo.card_history(card.uuid) if h.source == "ui"} == {
            "Keyboard Officer"
        }
        other = programme.card("3")
        assert other is not None and other.status is CardStatus.ON_HOLD
    finally:
        repo.close()
    returned = openpyxl.load_workbook(tmp_path / "March return.xlsx")
    assert "Summary" in returned.sheetnames
