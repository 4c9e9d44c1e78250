"""Preferences, settings kept in their own file, and the desktop conventions of the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QPushButton, QTableView

from fowdesk.domain.leads import LeadChoice
from fowdesk.storage.repository import Repository
from fowdesk.ui import dialogs
from fowdesk.ui.dialogs import PreferencesDialog
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.settings import Settings


def test_settings_round_trip_through_their_ini_file(tmp_path: Path) -> None:
    path = tmp_path / "prefs.ini"
    settings = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    settings.officer_name = "  Jo Bloggs "
    settings.my_lead = "SSM"
    settings.export_folder = tmp_path / "returns"
    settings.add_recent_file(tmp_path / "a.db")
    settings.add_recent_file(tmp_path / "b.db")
    settings.add_recent_file(tmp_path / "a.db")
    settings.sync()
    again = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    assert again.officer_name == "Jo Bloggs"
    assert again.my_lead == "SSM"
    assert again.export_folder == tmp_path / "returns"
    assert again.recent_files == [(tmp_path / "a.db").resolve(), (tmp_path / "b.db").resolve()]
    assert "Jo Bloggs" in path.read_text()


def test_default_settings_go_to_the_redirected_folder(_settings_in_tmp: Path) -> None:
    settings = Settings()
    settings.officer_name = "Tester"
    settings.sync()
    assert Path(settings.file_name).is_relative_to(_settings_in_tmp)


def test_preferences_dialog_saves_what_the_officer_typed(
    settings: Settings, qtbot, tmp_path: Path
) -> None:
    dialog = PreferencesDialog(None, settings, ["EDT", "SSM"])
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name_edit, "Strategic Skills Manager")
    dialog.lead_combo.setCurrentIndex(dialog.lead_combo.findData("SSM"))
    dialog.folder_edit.setText(str(tmp_path))
    dialog.save()
    assert settings.officer_name == "Strategic Skills Manager"
    assert settings.my_lead == "SSM"
    assert settings.export_folder == tmp_path


def test_name_from_preferences_is_written_to_the_audit_trail(
    window: MainWindow, opener, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill_in(_parent, settings: Settings, codes: list[LeadChoice]) -> bool:
        assert [c.code for c in codes] == ["EDT", "HOD", "HoP & ED", "SAH", "SSM", "SLE"]
        settings.officer_name = "Jo Bloggs"
        settings.my_lead = "SSM"
        return True

    monkeypatch.setattr(dialogs, "edit_preferences", fill_in)
    window.preferences_action.trigger()
    assert window.visible_refs() == ["2", "3", "4", "5", "7", "9", "18", "19"]
    window.show_ref("4")
    window.editor.title_edit.setText("Adult learning, simplified")
    window.editor.title_edit.textEdited.emit("Adult learning, simplified")
    window.editor.flush()
    uuid = opener.repo.card_uuid_for_ref("FOW", "4")
    assert opener.repo.card_history(uuid)[-1].who == "Jo Bloggs"


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    unnamed = [
        type(w).__name__
        for kind in (QLineEdit, QComboBox, QPlainTextEdit, QTableView, QPushButton)
        for w in window.findChildren(kind)
        if not w.accessibleName()
        and not (isinstance(w, QPushButton) and w.text())
        and not isinstance(w.parent(), QComboBox)
        and w.isVisibleTo(window)
    ]
    assert unnamed == []


def test_tab_order_follows_the_form(window: MainWindow) -> None:
    editor = window.editor
    order = [editor.title_edit]
    while len(order) < 9:
        order.append(order[-1].nextInFocusChain())
        while not order[-1].focusPolicy() or order[-1].focusProxy():
            order[-1] = order[-1].nextInFocusChain()
    names = [w.accessibleName() for w in order]
    assert names[:8] == [
        "Title",
        "Leads",
        "Theme",
        "Status",
        "RAG override",
        "Reason for RAG override",
        "Next steps text",
        "Cross-reference",
    ]


def test_window_has_an_icon_and_says_which_file_it_saves_to(
    window: MainWindow, seeded_path: Path
) -> None:
    assert not window.windowIcon().isNull()
    assert window.db_label.text() == str(seeded_path)
    assert window.save_state.text() == "Saved"


def test_reopening_a_database_written_elsewhere_shows_its_changes(
    opener, seeded_path: Path
) -> None:
    repo = Repository.open(seeded_path, user="pmo")
    uuid = repo.card_uuid_for_ref("FOW", "11")
    repo.update_card(uuid, 1, status="Complete")
    repo.close()
    window = opener.open()
    row = window.card_model.row_for_uuid(uuid)
    assert window.card_model.index(row, 4).data() == "Complete"
