"""The officer's preferences and the window's remembered state, behind one typed class.

Every QSettings key lives here, so no widget spells a key of its own. The file
is an INI file on every platform (no registry on Windows), which keeps it
readable, portable and easy to point at a temp folder in tests.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from fowdesk import APP_NAME

ORGANISATION = "fowdesk"
MAX_RECENT_FILES = 8


class Settings:
    """Typed access to fowdesk's QSettings (officer name, my lead, folders, window state)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._qs = settings or QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APP_NAME
        )

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def sync(self) -> None:
        self._qs.sync()

    def _text(self, key: str) -> str:
        value = self._qs.value(key, "")
        return str(value) if value is not None else ""

    def _set_text(self, key: str, value: str) -> None:
        self._qs.setValue(key, value.strip())

    def _bytes(self, key: str) -> QByteArray:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) else QByteArray()

    # ------------------------------------------------------------ preferences

    @property
    def officer_name(self) -> str:
        """The name written to the audit trail; blank means the OS user name."""
        return self._text("preferences/officer_name")

    @officer_name.setter
    def officer_name(self, value: str) -> None:
        self._set_text("preferences/officer_name", value)

    @property
    def my_lead(self) -> str:
        """The lead code the card list opens filtered to; blank shows every card."""
        return self._text("preferences/my_lead")

    @my_lead.setter
    def my_lead(self, value: str) -> None:
        self._set_text("preferences/my_lead", value)

    @property
    def export_folder(self) -> Path | None:
        text = self._text("preferences/export_folder")
        return Path(text) if text else None

    @export_folder.setter
    def export_folder(self, value: Path | str | None) -> None:
        self._set_text("preferences/export_folder", str(value) if value else "")

    # ------------------------------------------------------------ recent files

    @property
    def recent_files(self) -> list[Path]:
        value = self._qs.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        return [Path(v) for v in (value or []) if v]

    def add_recent_file(self, path: Path) -> None:
        """Put ``path`` first in the recent list (File → Open recent uses it)."""
        resolved = Path(path).resolve()
        paths = [resolved, *(p for p in self.recent_files if p != resolved)]
        self._qs.setValue("files/recent", [str(p) for p in paths[:MAX_RECENT_FILES]])

    # ------------------------------------------------------------ window state

    @property
    def last_programme(self) -> str:
        return self._text("window/programme")

    @last_programme.setter
    def last_programme(self, value: str) -> None:
        self._set_text("window/programme", value)

    @property
    def geometry(self) -> QByteArray:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._qs.setValue("window/state", value)

    @property
    def splitter_state(self) -> QByteArray:
        return self._bytes("window/splitter")

    @splitter_state.setter
    def splitter_state(self, value: QByteArray) -> None:
        self._qs.setValue("window/splitter", value)
