"""A month in fowdesk by keyboard alone, typed into the real window with xdotool.

Run under an X server (``xvfb-run -a -s "-screen 0 1366x768x24" python
tests/ui/keyboard_walk.py WORKDIR``; ``test_keyboard_walk.py`` starts its own
Xvfb). It starts ``python -m fowdesk --db
WORKDIR/fowdesk.db`` with its settings in WORKDIR, then presses keys only —
no mouse event is sent — to start a period, update a card's progress,
complete a milestone, revise a target, export the return, import it (after
the PMO's edit) and publish. It checks the database at the end and prints
one line per step; the exit code is 0 when every step happened.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

STEP_TIMEOUT = 60.0


class WalkFailed(Exception):
    pass


#: The window under test; a wait ends at once if it has gone.
running: list[subprocess.Popen[bytes]] = []


def xdotool(*args: str, must: bool = True) -> str:
    """Run xdotool; a refused command fails the walk (``must=False`` for searches)."""
    done = subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, timeout=STEP_TIMEOUT + 5, check=False
    )
    if must and done.returncode != 0:
        raise WalkFailed(f"xdotool {' '.join(args)}: {done.stderr.strip() or done.returncode}")
    return done.stdout.strip()


def wait_until(what: str, ready: Callable[[], bool], timeout: float = STEP_TIMEOUT) -> None:
    """Poll ``ready`` until it holds; the walk fails with ``what`` if it never does."""
    deadline = time.monotonic() + timeout
    while not ready():
        if running and running[0].poll() is not None:
            raise WalkFailed(f"the window closed while waiting for {what} (see window.log)")
        if time.monotonic() > deadline:
            raise WalkFailed(f"timed out waiting for {what}")
        time.sleep(0.1)


def title_pattern(title: str) -> str:
    """The X title of a window Qt titled ``title`` (Qt may add " — fowdesk" after it)."""
    return f"^{title}( — fowdesk)?$"


def window_named(title: str) -> str:
    """Wait for a window whose whole title is ``title``; give it the keyboard."""
    found: list[str] = []

    def shown() -> bool:
        ids = xdotool("search", "--onlyvisible", "--name", title_pattern(title), must=False).split()
        found[:] = ids
        return bool(ids)

    wait_until(f"the window “{title}”", shown)
    xdotool("windowfocus", "--sync", found[-1])
    return found[-1]


def window_gone(title: str) -> None:
    wait_until(
        f"the window “{title}” to close",
        lambda: not xdotool("search", "--onlyvisible", "--name", title_pattern(title), must=False),
    )


def keys(*combos: str) -> None:
    """Press keys in the focused window, as a person would (a short pause between each)."""
    xdotool("key", "--delay", "60", *combos)


def type_text(text: str) -> None:
    xdotool("type", "--delay", "15", "--", text)  # "--": a text may start with "-"


def walk(work: Path) -> list[str]:
    """Do the month by keyboard; return the steps done."""
    import openpyxl

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from fowdesk.exports.xlsx_columns import RECOMMENDATIONS
    from fowdesk.storage.repository import Repository

    db = work / "fowdesk.db"
    returned = work / "March return.xlsx"
    env = dict(os.environ, HOME=str(work), XDG_CONFIG_HOME=str(work / "config"),
               XDG_DATA_HOME=str(work / "data"), FOWDESK_DB=str(db))  # fmt: skip
    env.pop("QT_QPA_PLATFORM", None)
    log = (work / "window.log").open("w")
    app = subprocess.Popen(
        [sys.executable, "-m", "fowdesk", "--db", str(db), "--user", "Keyboard Officer"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    running[:] = [app]
    done: list[str] = []
    try:
        main = window_named("Future of Work in Southampton programme – fowdesk \\(fowdesk.db\\)")

        # 1. Start the reporting period: Alt+P opens Programme, P starts a period. It
        #    proposes March 2020 as at 31/03/2020; both are typed over all the same, the
        #    date without its slashes (Tab selects what a box holds).
        keys("alt+p", "p")
        window_named("Start a reporting period")
        keys("ctrl+a")
        type_text("March 2020")
        keys("Tab")
        type_text("31032020")
        keys("Tab")
        type_text("Scrutiny Inquiry Panel, 9 April 2020")
        keys("Return")
        window_gone("Start a reporting period")
        xdotool("windowfocus", "--sync", main)
        done.append("started the period March 2020")

        # 2. Update a card's progress: Ctrl+F then F6 to the list, rec 2, Ctrl+Tab to
        #    the Progress tab, F6 into it.
        keys("ctrl+f", "F6", "ctrl+Home", "Down", "ctrl+Tab", "F6")
        type_text("- RSA exemption cleared by the procurement board")
        done.append("typed rec 2's progress")

        # 3. Complete a milestone: F6 to the milestone table (row 1), Alt+C marks it complete.
        keys("F6", "alt+c")
        done.append("marked rec 2's first milestone complete")

        # 4. Revise a target: Down to row 2 (the table has the keyboard again), Alt+R,
        #    the new target, Tab, the reason, Enter.
        keys("Down", "alt+r")
        window_named("Revise target")
        keys("ctrl+a")
        type_text("June 2020")
        keys("Tab")
        type_text("RSA board met late")
        keys("Return")
        window_gone("Revise target")
        xdotool("windowfocus", "--sync", main)
        done.append("revised rec 2's second target to June 2020")

        # 5. Export the return: Ctrl+E, the file name, Enter; Escape closes "Export finished".
        keys("ctrl+e")
        window_named("Export Excel return")
        keys("ctrl+a")
        type_text(str(returned))
        keys("Return")
        window_named("Export finished")
        keys("Escape")
        window_gone("Export finished")
        xdotool("windowfocus", "--sync", main)
        wait_until("the return on disk", returned.is_file)
        done.append(f"exported {returned.name}")

        # The PMO puts rec 3 on hold in the return and sends it back.
        workbook = openpyxl.load_workbook(returned)
        sheet = workbook[RECOMMENDATIONS]
        header = next(r for r in range(1, 6) if "Ref" in [c.value for c in sheet[r]])
        columns = {c.value: c.column for c in sheet[header]}
        row = next(
            r for r in range(header + 1, sheet.max_row + 1)
            if str(sheet.cell(r, columns["Ref"]).value) == "3"
        )  # fmt: skip
        sheet.cell(row, columns["Status"]).value = "On hold"
        workbook.save(returned)

        # 6. Import it: Ctrl+I, the file name, Enter; Alt+A applies; Enter closes the summary.
        keys("ctrl+i")
        window_named("Import an Excel return")
        keys("ctrl+a")
        type_text(str(returned))
        keys("Return")
        window_named(f"Import return – {returned.name}")
        keys("alt+a")
        window_named("Import return")
        keys("Return")
        window_gone("Import return")
        xdotool("windowfocus", "--sync", main)
        done.append("imported the return with the PMO's change")

        # 7. Publish: Alt+P, U; the dialog lists the gaps; Alt+P publishes.
        keys("alt+p", "u")
        window_named("Publish March 2020")
        keys("alt+p")
        window_gone("Publish March 2020")
        xdotool("windowfocus", "--sync", main)

        def published() -> bool:
            repo = Repository.open(db, user="check", source="cli")
            try:
                period = repo.load_programme("FOW").period("March 2020")
                return period is not None and period.published
            finally:
                repo.close()

        wait_until("March 2020 to be published", published)
        done.append("published March 2020")
        keys("ctrl+q")
        app.wait(timeout=STEP_TIMEOUT)
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(timeout=STEP_TIMEOUT)
        log.close()
    return done


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: keyboard_walk.py WORKDIR", file=sys.stderr)
        return 2
    try:
        for step in walk(Path(sys.argv[1])):
            print(f"done: {step}")
    except WalkFailed as exc:
        print(f"walk failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
