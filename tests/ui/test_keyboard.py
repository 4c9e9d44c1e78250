"""The window by keyboard alone: Tab order, F6, Ctrl+Tab, Alt+letters, access keys,
milestone buttons on the focused row, and a name for every control a screen reader meets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QMenu,
    QTabBar,
    QWidget,
)

from fowdesk.domain.leads import lead_choices
from fowdesk.domain.model import MilestoneStatus
from fowdesk.domain.publishing import publish_warnings
from fowdesk.exports.frozen import reprint_info
from fowdesk.exports.xlsx_import import read_return
from fowdesk.exports.xlsx_return import export_return
from fowdesk.storage.backups import list_backups
from fowdesk.storage.repository import Repository
from fowdesk.ui import dialogs, help, prompts
from fowdesk.ui.card_editor import MILESTONES_PAGE
from fowdesk.ui.dialogs import PreferencesDialog, ReviseTargetDialog
from fowdesk.ui.import_preview import ImportPreviewDialog
from fowdesk.ui.import_reasons import MissingReason, MissingReasonsDialog
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.models import MilestoneTableModel
from fowdesk.ui.programme_settings import NewProgrammeDialog, ProgrammeSettingsDialog
from fowdesk.ui.workflow_dialogs import (
    NewPeriodDialog,
    PdfOptionsDialog,
    PublishDialog,
    RestoreBackupDialog,
)

MENU_KEYS = {"F": "File", "E": "Edit", "V": "View", "P": "Programme", "H": "Help"}


def access_key(text: str) -> str | None:
    """The letter after a single "&" (Alt+letter), or None."""
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).upper() if found else None


def visible_access_keys(top: QWidget) -> list[tuple[str, str]]:
    """(key, owner) for every access key a person can press in ``top`` as it is shown."""
    keys: list[tuple[str, str]] = []
    for widget in top.findChildren(QWidget):
        if not widget.isVisibleTo(top):
            continue
        texts: list[str] = []
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if isinstance(widget, QAbstractButton) or labelled:
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
        for text in texts:
            key = access_key(text)
            if key:
                keys.append((key, text))
    return keys


def duplicates(keys: list[tuple[str, str]]) -> dict[str, list[str]]:
    by_key: dict[str, list[str]] = {}
    for key, owner in keys:
        by_key.setdefault(key, []).append(owner)
    return {key: owners for key, owners in by_key.items() if len(owners) > 1}


def menus(window: MainWindow) -> dict[str, QMenu]:
    return {
        menu_action.text(): menu_action.menu()
        for menu_action in window.menuBar().actions()
        if isinstance(menu_action.menu(), QMenu)
    }


def all_menus(menu: QMenu) -> Iterator[QMenu]:
    yield menu
    for action in menu.actions():
        if isinstance(action.menu(), QMenu):
            yield from all_menus(action.menu())


def unnamed_controls(top: QWidget) -> list[str]:
    """Every visible control that takes focus but has no name a screen reader can say."""
    missing = []
    for widget in top.findChildren(QWidget):
        if not widget.isVisibleTo(top) or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if widget.focusProxy() is not None:
            continue  # the proxy (a tab bar, say) is the one that is named and focused
        named = bool(widget.accessibleName())
        if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
            named = True
        if isinstance(widget, QTabBar) and isinstance(widget.parent(), QWidget):
            named = named or bool(widget.parent().accessibleName())
        if not named:
            missing.append(f"{type(widget).__name__} in {type(widget.parent()).__name__}")
    return missing


def focus(qtbot: Any, window: MainWindow, widget: QWidget) -> None:
    window.activateWindow()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(
        lambda: (
            QApplication.focusWidget() is widget or widget.isAncestorOf(QApplication.focusWidget())
        )
    )


def press(
    qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> QWidget:
    """Press a key where the focus is, as a person would; the widget focused afterwards."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)
    now = QApplication.focusWidget()
    assert now is not None
    return now


def tab_walk(qtbot: Any, steps: int, backwards: bool = False) -> list[QWidget]:
    key = Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab
    modifier = Qt.KeyboardModifier.ShiftModifier if backwards else Qt.KeyboardModifier.NoModifier
    return [press(qtbot, key, modifier) for _ in range(steps)]


# ---------------------------------------------------------------------- Tab order, F6, Ctrl+Tab


def test_tab_goes_from_search_through_the_filters_list_and_editor_to_the_milestone_buttons_and_back(
    window: MainWindow, qtbot: Any
) -> None:
    editor = window.editor
    window.show_ref("2")
    editor.tabs.setCurrentIndex(MILESTONES_PAGE)
    focus(qtbot, window, window.search_edit)
    expected = [
        window.lead_filter, window.theme_filter, window.rag_filter, window.status_filter,
        window.card_view, editor.tabs.tabBar(), editor.milestone_view,
    ]  # fmt: skip
    walked = tab_walk(qtbot, len(expected))
    assert walked == expected
    # The list is one Tab stop: the selected card did not change on the way through.
    assert editor.card is not None and editor.card.ref == "2"
    # Tab in the milestone table leaves it for its buttons (the focused row is the current one).
    buttons = [b for b in editor.milestone_buttons.values() if b.isEnabled()]
    assert len(buttons) >= 4
    assert tab_walk(qtbot, len(buttons)) == buttons
    # …and Shift+Tab walks all the way back to the search box.
    back = tab_walk(qtbot, len(buttons) + len(expected), backwards=True)
    assert back == [*reversed(buttons[:-1]), *reversed(expected), window.search_edit]


def test_tab_walks_the_details_fields_in_order_then_leaves_the_editor(
    window: MainWindow, qtbot: Any
) -> None:
    editor, details = window.editor, window.editor.details
    window.show_ref("12")  # rec 12 points to rec 17, so its Go to button shows
    focus(qtbot, window, editor.tabs.tabBar())
    walked = tab_walk(qtbot, 10)
    assert walked == [
        details.title_edit, details.leads_button, details.theme_combo, details.status_combo,
        details.override_combo, details.next_steps_edit, details.cross_ref_edit,
        details.cross_ref_button, details.deliverables_view, details.add_deliverable_button,
    ]  # fmt: skip


def test_arrow_keys_move_in_the_card_list_and_tab_leaves_it(window: MainWindow, qtbot: Any) -> None:
    focus(qtbot, window, window.card_view)
    first = window.editor.card
    assert press(qtbot, Qt.Key.Key_Down) is window.card_view
    assert window.editor.card is not None and window.editor.card != first
    chosen = window.editor.card.ref
    assert press(qtbot, Qt.Key.Key_Tab) is window.editor.tabs.tabBar()
    assert window.editor.card.ref == chosen


def test_f6_cycles_the_list_the_editor_and_the_milestones(window: MainWindow, qtbot: Any) -> None:
    editor = window.editor
    focus(qtbot, window, window.search_edit)
    assert press(qtbot, Qt.Key.Key_F6) is window.card_view
    assert press(qtbot, Qt.Key.Key_F6) is editor.title_edit
    assert press(qtbot, Qt.Key.Key_F6) is editor.milestone_view
    assert editor.tabs.currentIndex() == MILESTONES_PAGE
    assert press(qtbot, Qt.Key.Key_F6) is window.card_view
    # Shift+F6 goes the other way; on the Milestones tab the editor's stop is its tab bar.
    assert press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier) is editor.milestone_view
    assert press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier) is editor.tabs.tabBar()
    assert press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier) is window.card_view


def test_f6_from_the_dashboard_comes_back_to_the_cards(window: MainWindow, qtbot: Any) -> None:
    window.as_at_today_action.trigger()  # as at today the overdue list has rows to focus
    window.show_dashboard()
    focus(qtbot, window, window.dashboard.overdue_view)
    assert press(qtbot, Qt.Key.Key_F6) is window.card_view
    assert not window.dashboard_shown()


def test_ctrl_tab_switches_the_editors_tabs_from_anywhere_in_the_cards(
    window: MainWindow, qtbot: Any
) -> None:
    editor = window.editor
    focus(qtbot, window, editor.title_edit)
    assert editor.tabs.currentIndex() == 0
    assert press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier) is editor.progress_edit
    assert editor.tabs.currentIndex() == 1
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    assert press(qtbot, Qt.Key.Key_Backtab, ctrl_shift) is editor.title_edit
    assert editor.tabs.currentIndex() == 0
    # From the card list the tab changes and the list keeps the focus.
    focus(qtbot, window, window.card_view)
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert editor.tabs.currentIndex() == 1
    assert QApplication.focusWidget() is window.card_view
    assert window.dashboard_shown() is False


# ---------------------------------------------------------------------- access keys


# Qt's offscreen platform cannot raise a popup menu or grab the keyboard for it; it says so.
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard")
def test_alt_letters_open_the_menus_from_every_tab(window: MainWindow, qtbot: Any) -> None:
    shown = menus(window)
    places = [(i, None) for i in range(window.editor.tabs.count())] + [(None, "dashboard")]
    for editor_tab, view in places:
        if view == "dashboard":
            window.as_at_today_action.trigger()  # as at today the overdue list has rows
            window.show_dashboard()
            focus(qtbot, window, window.dashboard.overdue_view)
        else:
            window.show_cards()
            window.editor.tabs.setCurrentIndex(editor_tab)
            focus(qtbot, window, window.card_view)
        for letter, title in MENU_KEYS.items():
            menu = next(m for t, m in shown.items() if t.replace("&", "") == title)
            before = window.editor.tabs.currentIndex()
            qtbot.keyClick(QApplication.focusWidget(), getattr(Qt.Key, f"Key_{letter}"),
                           Qt.KeyboardModifier.AltModifier)  # fmt: skip
            qtbot.waitUntil(menu.isVisible, timeout=3000)
            assert window.editor.tabs.currentIndex() == before, f"Alt+{letter} changed the tab"
            qtbot.keyClick(menu, Qt.Key.Key_Escape)
            qtbot.waitUntil(lambda m=menu: not m.isVisible())
            if QApplication.focusWidget() is None or isinstance(
                QApplication.focusWidget(), type(window.menuBar())
            ):
                qtbot.keyClick(window.menuBar(), Qt.Key.Key_Escape)


def test_every_menu_has_unique_access_keys_and_the_menu_bar_owns_its_letters(
    window: MainWindow,
) -> None:
    bar = [(access_key(a.text()), a.text()) for a in window.menuBar().actions()]
    assert {k for k, _ in bar} == set(MENU_KEYS)
    assert not duplicates([(k, t) for k, t in bar if k])
    for top in menus(window).values():
        for menu in all_menus(top):
            entries = [a for a in menu.actions() if not a.isSeparator()]
            keys = [(access_key(a.text()), a.text()) for a in entries]
            assert all(k for k, _ in keys if entries), f"an entry of {menu.title()} has no key"
            assert not duplicates([(k, t) for k, t in keys if k]), menu.title()


def test_no_tab_button_or_label_of_the_window_takes_a_menu_letter_or_another_ones(
    window: MainWindow,
) -> None:
    window.show_ref("12")
    for tab in range(window.editor.tabs.count()):
        window.editor.tabs.setCurrentIndex(tab)
        keys = visible_access_keys(window)
        assert not duplicates(keys), window.editor.tabs.tabText(tab)
        taken = [(k, owner) for k, owner in keys if k in MENU_KEYS]
        assert not taken, f"{taken} on {window.editor.tabs.tabText(tab)}"
    window.show_dashboard()
    assert not [k for k, _ in visible_access_keys(window) if k in MENU_KEYS]


def _contested(repo: Repository, returned: Path, card: Any, folder: Path) -> Any:
    """A preview with a conflict to settle and a cell to fix (all its controls showing)."""
    milestone = card.milestones[0]
    wb = openpyxl.load_workbook(returned)
    ws = wb["Milestones"]
    headers = [c.value for c in ws[1]]
    row = next(
        r
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, headers.index("ID") + 1).value == milestone.uuid
    )
    ws.cell(row, headers.index("Status") + 1).value = "Complete"
    ws.cell(row + 1, headers.index("Completed on") + 1).value = "soon"
    wb.save(folder / "contested.xlsx")
    repo.update_milestone(milestone.uuid, milestone.version, status="Delayed")
    change_set = read_return(repo, folder / "contested.xlsx")
    assert change_set.conflicts and change_set.problems
    return change_set


def _every_dialog(window: MainWindow, repo: Repository, folder: Path) -> Iterator[QDialog]:
    programme = repo.load_programme("FOW")
    card = programme.card("2")
    assert card is not None
    yield ReviseTargetDialog(window, card.milestones[1], programme.current_period.as_at)  # type: ignore[union-attr]
    yield PreferencesDialog(window, window.settings, ["SSM", "EDT"])
    yield NewPeriodDialog(programme, window)
    yield PublishDialog(
        programme.current_period,  # type: ignore[arg-type]
        publish_warnings(programme, "February 2020"),
        parent=window,
    )
    yield PdfOptionsDialog(programme.periods, parent=window)
    yield PdfOptionsDialog(
        programme.periods,
        reprint_info=lambda label: reprint_info(repo, "FOW", label),
        parent=window,
    )
    yield dialogs.MyLeadDialog(window, lead_choices(programme))
    repo.backup(reason="manual")
    yield RestoreBackupDialog(list_backups(repo.backups_dir), window)
    returned = export_return(repo, folder / "return.xlsx", code="FOW")
    yield ImportPreviewDialog(read_return(repo, returned), window)
    silent = MissingReason("2", "Agree terms", "April 2020", "June 2020", source=None)  # type: ignore[arg-type]
    yield MissingReasonsDialog([silent], window)
    yield ImportPreviewDialog(_contested(repo, returned, card, folder), window)
    yield ProgrammeSettingsDialog(repo, "FOW", window)
    yield NewProgrammeDialog(repo, window)
    yield from _return_round_dialogs(window, folder)
    yield help.ShortcutsDialog(window)
    yield help.GuideDialog(window)


def _return_round_dialogs(window: MainWindow, folder: Path) -> Iterator[QDialog]:
    """Send, chase, what they wrote, and a batch import with a conflict between two returns."""
    from datetime import date, timedelta

    import openpyxl

    from fowdesk.domain.return_round import return_round
    from fowdesk.exports.return_round import chase_returns, send_returns
    from fowdesk.exports.xlsx_import.batch import read_returns
    from fowdesk.ui.batch_preview import BatchPreviewDialog
    from fowdesk.ui.return_round_dialogs import (
        ChaseDialog,
        SendReturnsDialog,
        chased_dialog,
        sent_dialog,
    )

    repo = Repository.create(folder / "round.db", seeded=True, user="pmo")
    try:
        repo.new_period("FOW", "March 2020", date(2020, 3, 31))
        programme = repo.load_programme("FOW")
        yield SendReturnsDialog(programme, folder / "round", parent=window)
        sent = send_returns(
            repo, folder / "round", code="FOW", drafts=True, due_on=date.today() + timedelta(7)
        )
        yield sent_dialog(sent, window)
        state = return_round(programme, "March 2020", repo.returns("FOW"), date.today())
        yield ChaseDialog(state.not_returned, folder / "round", window)
        yield chased_dialog(chase_returns(repo, folder / "chase", code="FOW", drafts=True), window)
        returns = []
        for lead, status in (("SSM", "On hold"), ("EDT", "Closed")):
            path = folder / "round" / f"FOW return 2020-03-31 {lead}.xlsx"
            wb = openpyxl.load_workbook(path)
            ws = wb["Recommendations"]
            row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "18")
            status_column = [c.value for c in ws[1]].index("Status") + 1
            ws.cell(row, status_column).value = status
            wb.save(path)
            returns.append(path)
        yield BatchPreviewDialog(read_returns(repo, returns), window)
    finally:
        repo.close()


def test_every_dialog_has_unique_access_keys_and_names_its_controls(
    window: MainWindow, opener: Any, tmp_path: Path, qtbot: Any
) -> None:
    for dialog in _every_dialog(window, opener.repo, tmp_path):
        qtbot.addWidget(dialog)
        dialog.show()
        assert not duplicates(visible_access_keys(dialog)), dialog.windowTitle()
        assert unnamed_controls(dialog) == [], dialog.windowTitle()
        for bar in [t for t in dialog.findChildren(QTabBar) if t.isVisibleTo(dialog)]:
            for index in range(bar.count()):  # each tab of a tabbed dialog in turn
                bar.setCurrentIndex(index)
                assert not duplicates(visible_access_keys(dialog)), dialog.windowTitle()
                assert unnamed_controls(dialog) == [], dialog.windowTitle()
        dialog.close()


# ---------------------------------------------------------------------- screen readers


def test_every_control_in_the_window_has_a_name_a_screen_reader_can_say(
    window: MainWindow,
) -> None:
    window.show_ref("12")
    for tab in range(window.editor.tabs.count()):
        window.editor.tabs.setCurrentIndex(tab)
        assert unnamed_controls(window) == [], window.editor.tabs.tabText(tab)
    window.show_dashboard()
    assert unnamed_controls(window) == []


def test_the_rag_chip_is_announced_as_words(window: MainWindow) -> None:
    window.as_at_today_action.trigger()  # rec 2 is Red as at today (Green as at February's date)
    window.show_ref("2")
    name = window.editor.rag_chip.accessibleName()
    assert name.startswith("RAG: Red – overdue by more than 30 days: ")


def test_the_walker_finds_an_unnamed_control(window: MainWindow) -> None:
    """The check above can fail: a new control without a name is caught."""
    from PySide6.QtWidgets import QLineEdit

    stray = QLineEdit(window.editor.tabs.widget(0))
    stray.show()
    window.editor.tabs.setCurrentIndex(0)
    assert unnamed_controls(window) == ["QLineEdit in DetailsPanel"]


# ---------------------------------------------------------------------- milestones


def test_milestone_buttons_act_on_the_focused_cells_row(
    window: MainWindow, opener: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = window.editor
    window.show_ref("2")
    focus(qtbot, window, window.card_view)
    press(qtbot, Qt.Key.Key_F6)  # the editor
    press(qtbot, Qt.Key.Key_F6)  # the milestone table: a focused cell, no row selected
    view = editor.milestone_view
    assert QApplication.focusWidget() is view
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    view.selectionModel().clearSelection()  # a focused cell on row 3, nothing selected
    assert view.currentIndex().row() == 2 and not view.selectionModel().hasSelection()
    complete = editor.milestone_buttons["complete"]
    revise = editor.milestone_buttons["revise"]
    assert complete.isEnabled() and revise.isEnabled()
    third = editor.milestone_model.milestone(2)
    press(qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Mark &complete
    qtbot.waitUntil(  # an access key clicks the button the way a mouse would, a moment later
        lambda: opener.repo.milestone(third.uuid).status is MilestoneStatus.COMPLETE
    )
    asked: list[str] = []

    def revise_answer(_parent: Any, milestone: Any, *_args: Any) -> tuple[str, str]:
        asked.append(milestone.uuid)
        return "December 2020", "Board met late"

    monkeypatch.setattr(dialogs, "ask_target_revision", revise_answer)
    focus(qtbot, window, view)
    press(qtbot, Qt.Key.Key_Down)  # row 4
    view.selectionModel().clearSelection()
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # &Revise target…
    fourth = editor.milestone_model.milestone(3)
    qtbot.waitUntil(lambda: bool(asked))
    assert asked == [fourth.uuid]
    assert opener.repo.milestone(fourth.uuid).target == "December 2020"


def test_milestone_columns_fit_their_headings_and_a_whole_date(
    window: MainWindow, qtbot: Any
) -> None:
    editor = window.editor
    window.resize(1366, 768)  # wide enough for every column (a narrow table hides Due window)
    window.show_ref("2")
    editor.tabs.setCurrentIndex(MILESTONES_PAGE)
    view = editor.milestone_view
    qtbot.waitUntil(lambda: not view.isColumnHidden(MilestoneTableModel.WINDOW))
    header = view.horizontalHeader()
    metrics = header.fontMetrics()
    for column in range(editor.milestone_model.columnCount()):
        if column == MilestoneTableModel.DESCRIPTION:
            continue
        heading = editor.milestone_model.headerData(column, Qt.Orientation.Horizontal)
        assert view.columnWidth(column) >= metrics.horizontalAdvance(heading) + 8, heading
    column = MilestoneTableModel.COMPLETED
    index = editor.milestone_model.index(0, column)
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_F2)  # edit the cell, as a person would
    qtbot.waitUntil(lambda: view.focusWidget() is not None and view.focusWidget() is not view)
    date_edit = view.focusWidget()
    shown = date_edit.fontMetrics().horizontalAdvance(date_edit.text())  # type: ignore[attr-defined]
    assert date_edit.width() >= shown + 20  # the whole dd/mm/yyyy and the drop-down arrow


# ---------------------------------------------------------------------- help


def test_keyboard_shortcuts_list_every_key_the_window_answers_to(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[help.ShortcutsDialog] = []
    monkeypatch.setattr(prompts, "run_dialog", lambda d: opened.append(d) or False)
    help_menu = next(m for t, m in menus(window).items() if t == "&Help")
    next(a for a in help_menu.actions() if a.text() == "&Keyboard shortcuts").trigger()
    dialog = opened[0]
    listed = {(dialog.table.item(r, 1).text(), dialog.table.item(r, 0).text())
              for r in range(dialog.table.rowCount())}  # fmt: skip
    actions = {
        (help.plain(a.text()), ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                                         for k in help.typed_keys(a)))
        for a in window.findChildren(QAction)
        if help.typed_keys(a) and a.text()
    }  # fmt: skip
    assert listed == actions
    assert ("Next pane", "F6") in listed and ("Export Excel return", "Ctrl+E") in listed
    # No two actions answer to the same key (Qt would run neither).
    keys = [k.toString() for a in window.findChildren(QAction) for k in a.shortcuts()]
    assert len(keys) == len(set(keys))


def test_getting_started_shows_the_guide_to_the_month(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[help.GuideDialog] = []
    monkeypatch.setattr(prompts, "run_dialog", lambda d: opened.append(d) or False)
    press_help = next(a for a in window.findChildren(QAction) if a.text() == "&Getting started")
    press_help.trigger()
    text = opened[0].browser.toPlainText()
    for step in ("Start the reporting period", "Update the cards", "Send the return",
                 "Import the returns", "Publish the period", "Print the report"):  # fmt: skip
        assert step in text
    assert "F6" in text and "Ctrl+Tab" in text


def test_about_names_the_version_the_database_and_the_backups(
    window: MainWindow, messages: list[tuple[str, str, str]]
) -> None:
    next(a for a in window.findChildren(QAction) if a.text() == "&About fowdesk").trigger()
    kind, _title, text = messages[-1]
    assert kind == "about"
    from fowdesk import __version__

    assert f"fowdesk {__version__}" in text
    assert str(window.repo.path) in text
    assert str(window.repo.backups_dir) in text


def test_the_guide_ships_with_the_package() -> None:
    from fowdesk import paths

    guide = paths.resource(*help.GUIDE)
    assert guide.is_file()
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert '"help/*.html"' in pyproject
    spec = (Path(__file__).parents[2] / "fowdesk.spec").read_text()
    assert "getting-started.html" in spec


def test_every_column_of_the_card_is_in_view_on_a_laptop_at_125_percent(
    opener: Any, settings: Any, qtbot: Any
) -> None:
    """1366×768 at 125% leaves Qt 1093×614: no table of the card scrolls sideways.

    (The milestones' Due window column gives its room to the milestone there.)
    """
    window = opener.open()
    window.resize(1093, 614)
    window.splitter.setSizes([round(1093 * 0.36), 1093 - round(1093 * 0.36)])
    window.show_ref("2")
    editor = window.editor
    for page, view in ((MILESTONES_PAGE, editor.milestone_view), (3, editor.history.view)):
        editor.tabs.setCurrentIndex(page)
        qtbot.waitUntil(view.isVisible)
        assert view.horizontalScrollBar().maximum() == 0, editor.tabs.tabText(page)
