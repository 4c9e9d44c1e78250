"""Where fowdesk keeps things: the one module that decides.

From a source checkout or a portable bundle (a folder with ``db/`` beside the
app) the database and exports live beside the app, so a USB stick or shared
drive carries them; otherwise they live in the platform's user data folder.
``--db PATH`` and ``FOWDESK_DB`` override the database location.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from fowdesk import APP_NAME

DB_FILENAME = "fowdesk.db"
ENV_DB = "FOWDESK_DB"


def _package_dir() -> Path:
    return Path(__file__).resolve().parent


def bundle_dir() -> Path | None:
    """The folder of a PyInstaller bundle, or None when not frozen."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def source_checkout_dir() -> Path | None:
    """The repository root when running from a source checkout (not an installed wheel)."""
    root = _package_dir().parent
    if (root / "pyproject.toml").is_file() and (root / "resources").is_dir():
        return root
    return None


def portable_dir() -> Path | None:
    """The folder whose ``db/`` holds the data, when running portable or from source."""
    bundle = bundle_dir()
    if bundle is not None:
        return bundle if (bundle / "db").is_dir() else None
    return source_checkout_dir()


def data_dir() -> Path:
    """Where the default database and its backups live."""
    portable = portable_dir()
    if portable is not None:
        return portable / "db"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    override = os.environ.get(ENV_DB)
    if override:
        return Path(override).expanduser()
    return data_dir() / DB_FILENAME


def default_exports_dir() -> Path:
    portable = portable_dir()
    if portable is not None:
        return portable / "exports"
    return Path(platformdirs.user_documents_dir()) / "fowdesk exports"


def log_dir() -> Path:
    """The user's log folder (platformdirs), where tracebacks of bugs are written.

    Always the user's own folder, even when portable: a log is about this
    person's session, not about the shared data.
    """
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def backups_dir_for(db_path: Path) -> Path:
    """Rotating backups sit in ``backups/`` beside the database they protect."""
    return db_path.resolve().parent / "backups"


def resource_dir() -> Path:
    """Fonts, icons and the stylesheet: in the bundle, the wheel, or the checkout."""
    candidates = []
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        candidates.append(Path(meipass) / "resources")
    candidates.append(_package_dir() / "resources")
    candidates.append(_package_dir().parent / "resources")
    for candidate in candidates:
        if (candidate / "fonts").is_dir():
            return candidate
    raise FileNotFoundError("fowdesk's resources folder (fonts, icons) is missing")


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)
