"""The bundle's entry point: both executables (window and command line) start here.

``fowdesk`` (no console) opens the window; ``fowdesk-cli`` (console) runs the
same commands as an installed ``fowdesk``. A windowed Windows executable has no
standard streams (``sys.stdout`` is None), so they are pointed at the null
device rather than let a stray ``print`` crash the window.
"""

from __future__ import annotations

import os
import sys


def _give_missing_streams_a_home() -> None:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


if __name__ == "__main__":
    _give_missing_streams_a_home()
    from fowdesk.cli import main

    raise SystemExit(main())
