"""File → "Export accessible HTML…" and "Export Word appendix…", as an officer uses them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import lxml.html
import pytest
from PySide6.QtWidgets import QDialog, QFileDialog

from fowdesk.storage.repository import Repository
from fowdesk.ui import prompts
from fowdesk.ui.app import DeskApplication
from fowdesk.ui.settings import Settings
from fowdesk.ui.workflow_dialogs import PdfOptionsDialog
from ui.conftest import start_march


class Officer:
    """The window on a seeded database; the save dialog and the options dialog answered."""

    def __init__(self, qtbot: Any, path: Path, settings: Settings, monkeypatch: Any) -> None:
        self.qtbot = qtbot
        self.save_as: Path | None = None
        self.appendix = ""
        self.options_titles: list[str] = []
        self.reprints: list[str] = []  # the greyed "Reprint of the published report (…)" lines
        self.save_dialog: list[tuple[str, str]] = []
        self.opened: list[Path] = []
        self.repo = Repository.open(path, user="officer", source="ui")
        self.app = DeskApplication(settings)
        self.window = self.app.open_window(self.repo)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.workflow = self.app.workflow(self.window)
        self.file_menu = self.app.parts(self.window).menus.file
        monkeypatch.setattr(QFileDialog, "getSaveFileName", self._save_name)
        monkeypatch.setattr(prompts, "run_dialog", self._answer_options)
        monkeypatch.setattr(prompts, "ask_open_exported", self._ask_open)

    def _save_name(self, _parent: Any, title: str, suggested: str, _filter: str) -> tuple[str, str]:
        self.save_dialog.append((title, Path(suggested).name))
        return (str(self.save_as) if self.save_as else "", "")

    def _answer_options(self, dialog: QDialog) -> bool:
        assert isinstance(dialog, PdfOptionsDialog)
        self.options_titles.append(dialog.windowTitle())
        if not dialog.appendix_edit.isEnabled():
            self.reprints.append(dialog.reprint_label.text())
        self.qtbot.keyClicks(dialog.appendix_edit, self.appendix)
        return True

    def _ask_open(self, _parent: Any, path: Path) -> str:
        self.opened.append(path)
        return ""

    def export(self, action: Any, target: Path) -> None:
        self.save_as = target
        action.trigger()
        assert self.app.jobs.busy  # on the job pool, off the window's thread
        self.qtbot.waitUntil(lambda: not self.app.jobs.busy, timeout=30000)


@pytest.fixture
def officer(
    qtbot: Any, seeded_path: Path, settings: Settings, monkeypatch: Any
) -> Iterator[Officer]:
    made = Officer(qtbot, seeded_path, settings, monkeypatch)
    yield made
    made.window.close()
    made.repo.close()


def test_the_file_menu_offers_both_beside_the_pdf_exports(officer: Officer) -> None:
    texts = [action.text() for action in officer.file_menu.actions()]
    pdf = texts.index("Export this recommendation as P&DF…")
    assert texts[pdf + 1 : pdf + 3] == ["Export accessible &HTML…", "Export &Word appendix…"]
    assert "website" in officer.workflow.export_html_action.statusTip()
    assert "agenda pack" in officer.workflow.export_docx_action.statusTip()


def test_export_accessible_html_from_the_menu(
    qtbot: Any, seeded_path: Path, settings: Settings, monkeypatch: Any, tmp_path: Path
) -> None:
    start_march(seeded_path)  # an open period: its appendix number is the officer's to give
    officer = Officer(qtbot, seeded_path, settings, monkeypatch)
    officer.appendix = "4"
    target = tmp_path / "Team #2" / "FOW.html"
    target.parent.mkdir()
    try:
        officer.export(officer.workflow.export_html_action, target)
        assert officer.options_titles == ["Export accessible HTML"]
        assert officer.save_dialog == [("Export accessible HTML", "FOW report March 2020.html")]
        assert officer.opened == [target]
        page = lxml.html.document_fromstring(target.read_text(encoding="utf-8"))
        assert page.get("lang") == "en-GB"
        assert "Appendix 4" in page.text_content()
        assert len(page.xpath("//table[@class='report']/tbody/tr")) == 19
        assert officer.repo.export_log("FOW")[0].kind == "html"
    finally:
        officer.window.close()
        officer.repo.close()


def test_a_published_period_keeps_its_appendix_greyed_out_in_the_dialog(
    officer: Officer, tmp_path: Path, messages: list[tuple[str, str, str]]
) -> None:
    """February 2020 was published with no appendix: its HTML cannot gain one, as its PDF cannot.

    The dialog shows the published options greyed out, so "4" cannot be typed;
    the command line refuses other options in one line (tests/test_docx_report.py).
    """
    officer.appendix = "4"
    target = tmp_path / "FOW.html"
    officer.export(officer.workflow.export_html_action, target)
    assert officer.reprints == ["Reprint of the published report (no appendix label)"]
    page = lxml.html.document_fromstring(target.read_text(encoding="utf-8"))
    assert "Appendix 4" not in page.text_content()
    assert not [m for m in messages if m[0] == "warning"]


def test_export_word_appendix_from_the_menu(officer: Officer, tmp_path: Path) -> None:
    target = tmp_path / "FOW.docx"
    officer.export(officer.workflow.export_docx_action, target)
    assert officer.save_dialog == [("Export Word appendix", "FOW report February 2020.docx")]
    document = docx.Document(str(target))
    assert document.core_properties.title.startswith("Future of Work in Southampton")
    assert document.core_properties.author == "officer"
    assert officer.repo.export_log("FOW")[0].kind == "docx"


def test_a_cancelled_save_dialog_writes_nothing(officer: Officer, tmp_path: Path) -> None:
    officer.save_as = None
    officer.workflow.export_html_action.trigger()
    assert not officer.app.jobs.busy
    assert officer.repo.export_log("FOW") == []
