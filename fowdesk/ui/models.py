"""Thin table models: each adapts domain objects for one view and nothing more.

The models never touch the database. Edits a view makes (a milestone cell,
a deliverable) are handed to an ``on_edit`` callback that the card editor
turns into an undoable, saved command; the model is refreshed from the
repository's answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any, ClassVar

from PySide6.QtCore import (
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from fowdesk.domain.dates import format_window, is_horizon, parse_target
from fowdesk.domain.leads import format_leads, normalise_code
from fowdesk.domain.model import (
    RAG_COLOURS,
    AuditEntry,
    Card,
    Deliverable,
    Milestone,
    MilestoneStatus,
    Rag,
)
from fowdesk.domain.rag import RAG_MEANINGS, RagResult, card_rag, milestone_rag
from fowdesk.ui.table_models import HeadedTableModel, Index
from fowdesk.ui.text import spoken_rag

#: Role giving the row's UUID (cards, milestones) so views never keep row numbers.
UUID_ROLE = Qt.ItemDataRole.UserRole + 1
#: Role giving the value a column sorts by (refs numerically, RAG by severity).
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
#: Role giving the RAG letter of a RAG cell, for the chip delegate.
RAG_ROLE = Qt.ItemDataRole.UserRole + 3

#: The tint of a milestone row changed since its period's report was published.
CHANGED_SINCE_REPORT = "#FFF4D6"


def uk_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def ref_sort_key(ref: str) -> str:
    """Refs sort as numbers ("2" before "10"), anything else after them."""
    return f"{int(ref):08d}" if ref.isdigit() else f"~{ref}"


def rag_tooltip(result: RagResult) -> str:
    derived = ""
    if result.overridden and result.derived is not None:
        derived = f" (derived: {result.derived.label})"
    return f"{result.rag.label} ({result.rag.value}){derived} – {result.reason}"


# ---------------------------------------------------------------------- card list


@dataclass(frozen=True)
class CardRow:
    """One line of the card list: what the list shows and filters on."""

    uuid: str
    ref: str
    title: str
    leads: tuple[str, ...]
    theme: str | None
    status: str
    rag: RagResult

    @classmethod
    def from_card(cls, card: Card, as_at: date, year_from: date | None) -> CardRow:
        return cls(
            card.uuid,
            card.ref,
            card.title,
            tuple(card.leads),
            card.theme,
            str(card.status),
            card_rag(card, as_at, year_from),
        )

    def with_rag(self, rag: RagResult) -> CardRow:
        """The same line judged as at another day.

        What the row worked out for sorting and filtering (its cached keys)
        comes with it: 5,000 lines are judged again at each switch of the
        as-at date, and only their RAG changed.
        """
        row = object.__new__(CardRow)
        row.__dict__.update(self.__dict__)
        row.__dict__["rag"] = rag  # frozen: set as dataclasses' own __init__ does
        return row

    def worked_out(self) -> CardRow:
        """Work out every sort and filter key now (on a worker), not in the window's thread."""
        for column in range(len(CardListModel.HEADERS)):
            self.sort_key(column)
        _ = self.lead_codes
        return self

    @cached_property
    def lead_codes(self) -> frozenset[str]:
        """The leads as the lead filter compares them (spaces and case aside)."""
        return frozenset(normalise_code(code) for code in self.leads)

    @cached_property
    def ref_key(self) -> str:
        return ref_sort_key(self.ref)

    @cached_property
    def leads_text(self) -> str:
        return format_leads(self.leads)

    def sort_key(self, column: int) -> Any:
        """What a column sorts by, worked out once per row (a sort compares rows thousands
        of times): refs as numbers, RAG by severity, the rest as shown."""
        if column == CardListModel.REF:
            return self.ref_key
        if column == CardListModel.TITLE:
            return self.title
        if column == CardListModel.LEAD:
            return self.leads_text
        if column == CardListModel.RAG:
            return self.rag.rag.severity
        return self.status


class CardListModel(HeadedTableModel):
    """The programme's cards: ref, title, lead, RAG (chip + letter), status.

    The model keeps its rows in the order the list shows them and sorts them
    itself, by keys each row worked out once: Qt's proxy sort asked ``data``
    for two values per comparison, which at 5,000 cards held the window for
    half a second. The sort is stable, as the proxy's was: rows that sort the
    same keep the order they were shown in, so sorting by title and then by
    status lists each status's cards by title.
    """

    REF, TITLE, LEAD, RAG, STATUS = range(5)
    HEADERS = ("Ref", "Recommendation", "Lead", "RAG", "Status")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CardRow] = []
        self._row_numbers: dict[str, int] = {}
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[CardRow]) -> None:
        self.beginResetModel()
        self._rows = self._ordered(rows)
        self._number_rows()
        self.endResetModel()

    def replace_row(self, row: CardRow) -> None:
        """One card changed: refresh its line, and move it if the sort puts it elsewhere now."""
        number = self._row_numbers.get(row.uuid)
        if number is None:
            return
        self._rows[number] = row
        self.dataChanged.emit(self.index(number, 0), self.index(number, len(self.HEADERS) - 1))
        self._reorder()

    def replace_rows(self, rows: Iterable[CardRow]) -> None:
        """Many cards changed at once (RAG as at another day): one repaint, one re-sort."""
        changed = False
        for row in rows:
            number = self._row_numbers.get(row.uuid)
            if number is not None:
                self._rows[number] = row
                changed = True
        if changed:
            last = self.index(len(self._rows) - 1, len(self.HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            self._reorder()

    def set_rags(self, rags: Mapping[str, RagResult]) -> None:
        """Every card judged as at another day: the RAG column repainted, nothing else.

        The rows keep their worked-out keys; the list is sorted again only
        when it is sorted by RAG. The filter proxy filters again on
        ``dataChanged`` (its RAG filter).
        """
        rows = self._rows
        if not rows:
            return
        for number, row in enumerate(rows):
            rag = rags.get(row.uuid)
            if rag is not None:
                rows[number] = row.with_rag(rag)
        self.dataChanged.emit(self.index(0, self.RAG), self.index(len(rows) - 1, self.RAG))
        if self._sorted_by is not None and self._sorted_by[0] == self.RAG:
            self._reorder()

    def update_rows(self, rows: Sequence[CardRow]) -> None:
        """The programme read again (after an import): the list becomes ``rows``.

        Unlike :meth:`set_rows` this is not a reset: rows gone are removed,
        rows new are added, the rest replaced in place and the list sorted
        again, so the selection, the current row and the scroll position stay
        with their cards.
        """
        fresh = {row.uuid: row for row in rows}
        gone = [number for number, row in enumerate(self._rows) if row.uuid not in fresh]
        for first, last in reversed(_runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        self._rows = [fresh[row.uuid] for row in self._rows]
        self._number_rows()
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self.HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
        new = [row for row in rows if row.uuid not in self._row_numbers]
        if new:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            self._rows.extend(new)
            self._number_rows()
            self.endInsertRows()
        self._reorder(rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by a column; selection and current row follow their cards."""
        if not 0 <= column < len(self.HEADERS):
            self._sorted_by = None
        else:
            self._sorted_by = (column, order)
        self._reorder()

    def _ordered(self, rows: Sequence[CardRow]) -> list[CardRow]:
        if self._sorted_by is None:
            return list(rows)
        column, order = self._sorted_by
        return sorted(
            rows,
            key=lambda row: row.sort_key(column),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    def _reorder(self, unsorted: Sequence[CardRow] | None = None) -> None:
        """Put the rows in the sort's order (``unsorted``'s when the list is not sorted)."""
        if unsorted is not None and self._sorted_by is None:
            rows = list(unsorted)
        else:
            rows = self._ordered(self._rows)
        if len(rows) == len(self._rows) and all(
            new is old for new, old in zip(rows, self._rows, strict=True)
        ):
            return
        self.layoutAboutToBeChanged.emit()
        was = self._rows
        self._rows = rows
        self._number_rows()
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent,
            [
                self.index(self._row_numbers[was[index.row()].uuid], index.column())
                for index in persistent
            ],
        )
        self.layoutChanged.emit()

    def _number_rows(self) -> None:
        self._row_numbers = {row.uuid: number for number, row in enumerate(self._rows)}

    def row_for_uuid(self, uuid: str) -> int | None:
        return self._row_numbers.get(uuid)

    def card_row(self, number: int) -> CardRow:
        return self._rows[number]

    def row_at(self, number: int) -> CardRow | None:
        """Row ``number``, or None past the end (what a filter asks thousands of times)."""
        rows = self._rows
        return rows[number] if number < len(rows) else None

    @property
    def rows(self) -> list[CardRow]:
        return list(self._rows)

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == UUID_ROLE:
            return row.uuid
        if role == RAG_ROLE and column == self.RAG:
            return row.rag.rag.value
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.REF:
                return row.ref
            if column == self.TITLE:
                return row.title
            if column == self.LEAD:
                return row.leads_text
            if column == self.RAG:
                if role == Qt.ItemDataRole.AccessibleTextRole:
                    return spoken_rag(row.rag)
                return row.rag.rag.value + ("*" if row.rag.overridden else "")
            if column == self.STATUS:
                return row.status
        if role == SORT_ROLE:
            return row.sort_key(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.RAG:
                return rag_tooltip(row.rag)
            if column == self.TITLE:
                return row.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.REF, self.RAG):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def _runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as (first, last) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


class CardFilterProxy(QSortFilterProxyModel):
    """Filters the card list by lead, theme, RAG, status and the search's matches.

    ``theme`` is a theme name, ``UNASSIGNED`` for cards with none, or None for
    any. ``matches`` is the set of UUIDs the search found, or None when the
    search box is empty. Sorting is the card list's own (see
    :class:`CardListModel`): the proxy keeps its order.
    """

    UNASSIGNED = "\x00unassigned"
    FILTERS = ("lead", "theme", "rag", "status", "matches")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.lead: str | None = None
        self.theme: str | None = None
        self.rag: Rag | None = None
        self.status: str | None = None
        self.matches: set[str] | None = None
        self._lead_code: str | None = None
        self._cards: CardListModel | None = None
        self.setSortRole(SORT_ROLE)

    def setSourceModel(self, model: Any) -> None:
        super().setSourceModel(model)
        self._cards = model if isinstance(model, CardListModel) else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The list's header asks here; the card list sorts its own rows."""
        if self._cards is not None:
            self._cards.sort(column, order)

    def set_filters(self, **filters: Any) -> None:
        """Change some filters; the list is filtered again only if one really changed.

        A search keystroke that finds the same cards as the last one (at 5,000
        cards, most of them) costs nothing more.
        """
        for name in filters:
            if name not in self.FILTERS:
                raise TypeError(f"unknown filter {name}")
        if all(getattr(self, name) == value for name, value in filters.items()):
            return
        self.beginFilterChange()
        for name, value in filters.items():
            setattr(self, name, value)
        self._lead_code = normalise_code(self.lead) if self.lead else None
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        row = self._cards.row_at(source_row) if self._cards is not None else None
        if row is None:
            return False
        if self.matches is not None and row.uuid not in self.matches:
            return False
        if self._lead_code is not None and self._lead_code not in row.lead_codes:
            return False
        if self.theme is not None:
            wanted = None if self.theme == self.UNASSIGNED else self.theme
            if row.theme != wanted:
                return False
        if self.rag is not None and row.rag.rag is not self.rag:
            return False
        return not (self.status and row.status != self.status)


# ---------------------------------------------------------------------- milestones

#: (milestone, field, new value) → whether the edit was taken.
EditHandler = Callable[[Milestone, str, Any], bool]


class MilestoneTableModel(HeadedTableModel):
    """A card's milestones with their parsed windows, RAG, slippage baseline and revisions."""

    NUMBER, DESCRIPTION, TARGET, WINDOW, STATUS, COMPLETED, RAG, REVISED, NOTES = range(9)
    HEADERS = (
        "#",
        "Milestone",
        "Target",
        "Due window",
        "Status",
        "Completed on",
        "RAG",
        "Revised",
        "Notes",
    )
    EDITABLE: ClassVar[dict[int, str]] = {
        DESCRIPTION: "description",
        TARGET: "target",
        STATUS: "status",
        COMPLETED: "completed_on",
        NOTES: "notes",
    }

    def __init__(self, parent: Any = None, on_edit: EditHandler | None = None) -> None:
        super().__init__(parent)
        self._milestones: list[Milestone] = []
        self.as_at = date.today()
        self.year_from: date | None = None
        self.on_edit = on_edit
        #: Milestones changed since the published report: uuid → what changed.
        self.changed: dict[str, str] = {}

    def set_milestones(
        self, milestones: Sequence[Milestone], as_at: date, year_from: date | None
    ) -> None:
        """Show these milestones; same rows in the same order only repaint (keeps selection)."""
        new = list(milestones)
        same_rows = [m.uuid for m in new] == [m.uuid for m in self._milestones]
        self.as_at, self.year_from = as_at, year_from
        if same_rows and new:
            self._milestones = new
            self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, len(self.HEADERS) - 1))
            return
        self.beginResetModel()
        self._milestones = new
        self.endResetModel()

    def set_changed(self, changed: dict[str, str]) -> None:
        """Mark the milestones that differ from the published report (uuid → what changed)."""
        if changed == self.changed:
            return
        self.changed = dict(changed)
        if self._milestones:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._milestones) - 1, len(self.HEADERS) - 1)
            )

    def milestone(self, row: int) -> Milestone:
        return self._milestones[row]

    @property
    def milestones(self) -> list[Milestone]:
        return list(self._milestones)

    def row_for_uuid(self, uuid: str) -> int | None:
        return next((n for n, m in enumerate(self._milestones) if m.uuid == uuid), None)

    def row_total(self) -> int:
        return len(self._milestones)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in self.EDITABLE and self.on_edit is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def window_text(self, milestone: Milestone) -> tuple[str, bool]:
        """(text for the Due window column, whether the target could not be read)."""
        target = milestone.target.strip()
        if not target:
            return "no target", False
        if is_horizon(target):
            return "roadmap horizon", False
        window = parse_target(target, self.year_from or self.as_at)
        if window is None:
            return "⚠ not understood", True
        return format_window(window), False

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._milestones):
            return None
        m, column = self._milestones[index.row()], index.column()
        if role == UUID_ROLE:
            return m.uuid
        rag = milestone_rag(m, self.as_at, self.year_from)
        if role == RAG_ROLE and column == self.RAG:
            return rag.value if rag else None
        changed = self.changed.get(m.uuid)
        if changed and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(CHANGED_SINCE_REPORT))
        if changed and column == self.NUMBER:
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Changed since the published report: {changed}"
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{m.position + 1}, changed since the published report: {changed}"
        if role == Qt.ItemDataRole.EditRole:
            if column == self.COMPLETED:
                return m.completed_on
            if column == self.STATUS:
                return str(m.status)
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return self._display(m, column, rag, role)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.DESCRIPTION:
                return m.description
            if column == self.NOTES and m.notes:
                return m.notes
            if column in (self.TARGET, self.WINDOW):
                text, unreadable = self.window_text(m)
                if unreadable:
                    return (
                        f"fowdesk cannot read “{m.target}” as a date; write e.g. "
                        "“March 2020”, “April to May 2020” or “26/02/2020”"
                    )
                return text
            if column == self.REVISED and m.revisions:
                return "\n".join(
                    f"{r.changed_at:%d/%m/%Y}: {r.old_target or '(none)'} → {r.new_target}"
                    f" – {r.reason or 'no reason given'} ({r.changed_by})"
                    for r in m.revisions
                )
            if column == self.RAG:
                return rag.label if rag else "Cancelled: not counted"
        if role == Qt.ItemDataRole.ForegroundRole and column == self.WINDOW:
            _, unreadable = self.window_text(m)
            if unreadable:
                return QBrush(QColor(RAG_COLOURS[Rag.RED]))
            return QBrush(QColor("#555555"))
        if role == Qt.ItemDataRole.FontRole and column == self.WINDOW:
            _, unreadable = self.window_text(m)
            if unreadable:
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.NUMBER,
            self.RAG,
        ):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, m: Milestone, column: int, rag: Rag | None, role: int) -> Any:
        if column == self.NUMBER:
            return str(m.position + 1)
        if column == self.DESCRIPTION:
            return m.description
        if column == self.TARGET:
            return m.target
        if column == self.WINDOW:
            return self.window_text(m)[0]
        if column == self.STATUS:
            return str(m.status)
        if column == self.COMPLETED:
            return uk_date(m.completed_on)
        if column == self.RAG:
            if rag is None:
                return (
                    "Cancelled – not counted" if role == Qt.ItemDataRole.AccessibleTextRole else "–"
                )
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{rag.label} – {RAG_MEANINGS[rag].lower()}"
            return rag.value
        if column == self.REVISED:
            if not m.revisions:
                return ""
            return f"{m.revision_count}× – originally {m.baseline_target or '(none)'}"
        if column == self.NOTES:
            return m.notes
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or index.column() not in self.EDITABLE
            or self.on_edit is None
        ):
            return False
        milestone = self._milestones[index.row()]
        field = self.EDITABLE[index.column()]
        if field == "status":
            value = MilestoneStatus(value)
        elif field != "completed_on":
            value = str(value)
        return self.on_edit(milestone, field, value)


# ---------------------------------------------------------------------- deliverables

#: (new deliverables) → whether the edit was taken.
DeliverablesHandler = Callable[[list[Deliverable]], bool]


class DeliverablesModel(HeadedTableModel):
    """The card's agreed deliverables, each with its optional "So that…" benefit."""

    TEXT, BENEFIT = range(2)
    HEADERS = ("Agreed deliverable", "So that… (benefit)")

    def __init__(self, parent: Any = None, on_edit: DeliverablesHandler | None = None) -> None:
        super().__init__(parent)
        self._items: list[Deliverable] = []
        self.on_edit = on_edit

    def set_deliverables(self, items: Sequence[Deliverable]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    @property
    def deliverables(self) -> list[Deliverable]:
        return list(self._items)

    def row_total(self) -> int:
        return len(self._items)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.on_edit is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            if index.column() == self.TEXT:
                if role == Qt.ItemDataRole.DisplayRole and item.bulleted:
                    return "• " + item.text
                return item.text
            return item.benefit or ""
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.on_edit is None:
            return False
        text = str(value).strip()
        items = list(self._items)
        item = items[index.row()]
        if index.column() == self.TEXT:
            if not text or text == item.text:
                return False
            items[index.row()] = replace(item, text=text)
        else:
            if text == (item.benefit or ""):
                return False
            items[index.row()] = replace(item, benefit=text or None)
        return self.on_edit(items)


# ---------------------------------------------------------------------- history


_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def audit_text(value: str | None) -> str:
    """An audited value as an officer reads it: ISO days shown dd/mm/yyyy."""
    if not value:
        return ""
    day = _ISO_DAY.match(value)
    return f"{day[3]}/{day[2]}/{day[1]}" if day else value


@dataclass(frozen=True)
class HistoryRow:
    """One audit entry as the history panel shows it."""

    entry: AuditEntry
    subject: str


class HistoryModel(HeadedTableModel):
    """The card's audit trail, newest first: when, who, what, was, now."""

    WHEN, WHO, WHAT, WAS, NOW = range(5)
    HEADERS = ("When", "Who", "What", "Was", "Now")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[HistoryRow] = []

    def set_history(self, entries: Sequence[AuditEntry], subjects: dict[str, str]) -> None:
        """``subjects`` names each row UUID (the card, or "Milestone 3: …")."""
        self.beginResetModel()
        self._rows = [
            HistoryRow(e, subjects.get(e.row_uuid, "Deleted milestone")) for e in reversed(entries)
        ]
        self.endResetModel()

    def entry(self, row: int) -> AuditEntry:
        return self._rows[row].entry

    def history_row(self, row: int) -> HistoryRow:
        return self._rows[row]

    def row_total(self) -> int:
        return len(self._rows)

    @staticmethod
    def what(row: HistoryRow) -> str:
        field = row.entry.field.replace("_", " ")
        return f"{row.subject}: {field}" if row.subject else field

    def describe(self, row: HistoryRow) -> str:
        """ "Progress (March 2020), 21/04/2020 10:15 by Jo Bloggs": the change as a heading."""
        e = row.entry
        what = self.what(row)
        return f"{what[:1].upper()}{what[1:]}, {e.at:%d/%m/%Y %H:%M} by {e.who}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        e = row.entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.WHEN:
                return e.at.strftime("%d/%m/%Y %H:%M")
            if column == self.WHO:
                source = "" if e.source == "ui" else f" ({e.source})"
                return f"{e.who}{source}"
            if column == self.WHAT:
                return self.what(row)
            was, now = audit_text(e.old), audit_text(e.new)
            text = was if column == self.WAS else now
            if role == Qt.ItemDataRole.DisplayRole:
                return excerpt(text, was, now)
            return text
        return None


#: How much of a long value a history cell shows.
EXCERPT_CHARS = 120


def excerpt(text: str, was: str, now: str) -> str:
    """A cell's share of a long change: from just before where "was" and "now" part.

    Cutting both to their opening words showed two identical truncations
    when a paragraph was added at the end; starting a few words before the
    first difference shows where they differ. The word difference itself is
    shown in full under the table.
    """
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT_CHARS:
        return flat
    shared = 0
    for a, b in zip(" ".join(was.split()), " ".join(now.split()), strict=False):
        if a != b:
            break
        shared += 1
    start = flat.rfind(" ", 0, max(0, shared - 30)) + 1 if shared > 60 else 0
    piece = flat[start : start + EXCERPT_CHARS]
    return ("…" if start else "") + piece + ("…" if start + EXCERPT_CHARS < len(flat) else "")
