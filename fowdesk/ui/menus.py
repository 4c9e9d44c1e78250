"""The menu bar: every menu's entries, in order, in one place.

The actions themselves live with the code that does the work: the window's
own (undo, find, views, preferences) in :mod:`fowdesk.ui.main_window`, the
reporting cycle's in :mod:`fowdesk.ui.workflow`, the databases' in
:mod:`fowdesk.ui.app`, Help's in :mod:`fowdesk.ui.help`. This module only
decides where each appears, so the access keys of a menu can be read (and
checked) together. To add an entry, make the action beside its work and add
it to the menu's list below, with an access key no other entry of that menu
uses (``tests/ui/test_keyboard.py`` walks every menu).

Access keys in use — File: N O T I U L E M P D H W V R B S F Q; Edit: U R F A;
View: C D N P S T A; Programme: S N P U R D C; Help: G K L A. The menu bar keeps
F E V P H, which no tab, button or field label of the window uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMenuBar

from fowdesk.ui.help import HelpActions
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.workflow import Workflow

#: A menu entry: an action, a submenu, or None for a separator.
Entry = QAction | QMenu | None


@dataclass(frozen=True)
class DatabaseActions:
    """The application's entries for one window: new, open, recent and restore."""

    new: QAction
    open: QAction
    recent: QMenu
    restore: QAction


@dataclass(frozen=True)
class Menus:
    """The window's menus, as built."""

    file: QMenu
    edit: QMenu
    view: QMenu
    programme: QMenu
    help: QMenu


def _fill(menu: QMenu, entries: Sequence[Entry]) -> QMenu:
    for entry in entries:
        if entry is None:
            menu.addSeparator()
        elif isinstance(entry, QMenu):
            menu.addMenu(entry)
        else:
            menu.addAction(entry)
    return menu


def build_menu_bar(
    window: MainWindow,
    workflow: Workflow,
    databases: DatabaseActions,
    help_actions: HelpActions,
) -> Menus:
    """Give ``window`` its File, Edit, View, Programme and Help menus."""
    bar: QMenuBar = window.menuBar()
    bar.clear()
    w = workflow
    file_menu = _fill(
        bar.addMenu("&File"),
        [
            databases.new, databases.open, databases.recent, None,
            w.import_action, w.import_returns_action, w.import_folder_action,
            w.export_xlsx_action, w.export_my_xlsx_action,
            w.export_pdf_action, w.export_card_action, w.export_html_action,
            w.export_docx_action, None,
            w.preview_action, w.print_action, None,
            w.backup_action, databases.restore, None,
            window.preferences_action, None,
            window.quit_action,
        ],
    )  # fmt: skip
    edit_menu = _fill(
        bar.addMenu("&Edit"),
        [
            window.undo_action, window.redo_action, None,
            window.find_action, window.new_milestone_action,
        ],
    )  # fmt: skip
    view_menu = _fill(
        bar.addMenu("&View"),
        [
            window.cards_action, window.dashboard_action, None,
            window.next_pane_action, window.previous_pane_action,
            window.next_section_action, window.previous_section_action, None,
            window.as_at_today_action,
        ],
    )  # fmt: skip
    programme_menu = _fill(
        bar.addMenu("&Programme"),
        [
            w.settings_action, w.new_programme_action, None,
            w.new_period_action, w.publish_action, w.reprint_action, None,
            w.send_returns_action, w.chase_returns_action,
        ],
    )  # fmt: skip
    help_menu = _fill(
        bar.addMenu("&Help"),
        [
            help_actions.getting_started_action, help_actions.shortcuts_action, None,
            help_actions.open_log_folder_action, None,
            help_actions.about_action,
        ],
    )  # fmt: skip
    return Menus(file_menu, edit_menu, view_menu, programme_menu, help_menu)
