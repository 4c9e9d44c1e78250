"""The banners' buttons by keyboard: an access key where a letter is free, never a taken one.

The as-at-today banner spans the whole window, so its button's key must be
free on every editor tab and on the dashboard: K is ("Bac&k to the report's
date"). The published-period banner's "Start March 2020…" has none: every
letter in it is taken on some editor tab (Programme → Start reporting period
does the same by keys).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fowdesk.ui.main_window import MainWindow
from ui.test_keyboard import MENU_KEYS, access_key, duplicates, visible_access_keys


def test_back_to_the_reports_date_has_a_key_of_its_own_everywhere(window: MainWindow) -> None:
    window.as_at_today_action.trigger()
    button = window.as_at_banner.button
    assert button.isVisibleTo(window)
    assert access_key(button.text()) == "K"
    assert button.accessibleName() == "Back to the report's date"
    for ref in ("2", "12"):  # with milestones and without
        window.show_ref(ref)
        for tab in range(window.editor.tabs.count()):
            window.editor.tabs.setCurrentIndex(tab)
            keys = visible_access_keys(window)
            assert ("K", button.text()) in keys
            assert not duplicates(keys), window.editor.tabs.tabText(tab)
    window.show_dashboard()
    keys = visible_access_keys(window)
    assert not duplicates(keys) and not [k for k, _ in keys if k in MENU_KEYS]


def test_alt_k_goes_back_to_the_reports_date_from_the_card_list(
    window: MainWindow, qtbot: Any
) -> None:
    window.as_at_today_action.trigger()
    assert window.as_at_today and window.as_at_banner.isVisible()
    window.activateWindow()
    window.card_view.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.card_view)
    qtbot.keyClick(window.card_view, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not window.as_at_banner.isVisible())
    assert not window.as_at_today
    assert not window.as_at_today_action.isChecked()
