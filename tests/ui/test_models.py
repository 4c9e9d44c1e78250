"""Every table model the window uses passes pytest-qt's qtmodeltester, with real data."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from fowdesk.domain.model import Deliverable
from fowdesk.storage.repository import Repository
from fowdesk.ui.main_window import MainWindow
from fowdesk.ui.models import (
    CardFilterProxy,
    CardListModel,
    CardRow,
    DeliverablesModel,
    HistoryModel,
    MilestoneTableModel,
)


def test_card_list_model_and_its_filter_proxy(qtmodeltester, repo: Repository) -> None:
    programme = repo.load_programme("FOW")
    model = CardListModel()
    model.set_rows([CardRow.from_card(c, date.today(), date(2020, 2, 29)) for c in programme.cards])
    qtmodeltester.check(model)
    proxy = CardFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filters(lead="EDT")
    qtmodeltester.check(proxy)
    proxy.set_filters(lead=None, matches=set(repo.search("FOW", "DigitalMe")))
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy)


def test_milestone_model_with_a_revised_and_an_unreadable_target(
    qtmodeltester, repo: Repository
) -> None:
    uuid = repo.card_uuid_for_ref("FOW", "2")
    first = repo.card(uuid).milestones[0]
    repo.revise_target(first.uuid, first.version, "June 2020", "RSA review")
    repo.add_milestone(uuid, "Launch", "when funding allows")
    model = MilestoneTableModel(on_edit=lambda *_: True)
    model.set_milestones(repo.card(uuid).milestones, date(2020, 2, 29), date(2020, 2, 29))
    assert model.rowCount() == 8
    assert model.index(0, MilestoneTableModel.REVISED).data() == "1× – originally March 2020"
    assert model.index(0, MilestoneTableModel.RAG).data(Qt.ItemDataRole.AccessibleTextRole) in (
        "Green – on track",
        "Amber – due within 30 days, overdue or delayed",
        "Red – overdue by more than 30 days",
    )
    qtmodeltester.check(model)


def test_deliverables_model_with_benefits(qtmodeltester, repo: Repository) -> None:
    programme = repo.load_programme("DS2430")
    model = DeliverablesModel(on_edit=lambda _items: True)
    model.set_deliverables(programme.cards[0].deliverables)
    assert any(model.index(r, 1).data() for r in range(model.rowCount()))
    qtmodeltester.check(model)
    model.set_deliverables([Deliverable("Only one", bulleted=False)])
    assert model.index(0, 0).data() == "Only one"
    qtmodeltester.check(model)


def test_history_model_of_an_edited_card(qtmodeltester, repo: Repository) -> None:
    uuid = repo.card_uuid_for_ref("FOW", "4")
    card = repo.update_card(uuid, 1, title="Simpler adult learning")
    repo.update_milestone(card.milestones[0].uuid, 1, status="Delayed")
    model = HistoryModel()
    model.set_history(repo.card_history(uuid), {uuid: "", card.milestones[0].uuid: "Milestone 1"})
    assert model.rowCount() == 2
    assert model.index(0, HistoryModel.WHAT).data() == "Milestone 1: status"
    qtmodeltester.check(model)


def test_the_windows_own_models_after_use(qtmodeltester, window: MainWindow, qtbot) -> None:
    qtbot.keyClicks(window.search_edit, "skills")
    window.show_ref("2")
    for model in (
        window.card_model,
        window.proxy,
        window.editor.milestone_model,
        window.editor.details.deliverables_model,
        window.editor.history.model,
    ):
        qtmodeltester.check(model)
