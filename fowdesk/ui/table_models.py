"""Table-model pieces every model in the window shares, and a read-only table of rows.

The read-only table serves the dashboard's lists and the import preview; the index
types and :class:`HeadedTableModel` serve the editable models too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

#: What Qt passes as a model index; every model here accepts both kinds.
Index = QModelIndex | QPersistentModelIndex
#: The invalid index: a table model's default parent.
NO_INDEX = QModelIndex()

RowT = TypeVar("RowT")


class HeadedTableModel(QAbstractTableModel):
    """A flat table under ``HEADERS``: the counting and headings every model here shares.

    Subclasses say how many rows they hold (:meth:`row_total`) and what each
    cell shows (``data``).
    """

    HEADERS: Sequence[str] = ()

    def row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None


class ReadOnlyTableModel(HeadedTableModel, Generic[RowT]):
    """Rows shown under ``headings``; subclasses say what a row shows in each column.

    Each cell's full text is its tooltip too, since lists elide long text.
    """

    def __init__(self, headings: Sequence[str], rows: Sequence[RowT] = (), parent: Any = None):
        super().__init__(parent)
        self.HEADERS = tuple(headings)
        self._rows: list[RowT] = list(rows)

    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, number: int) -> RowT:
        return self._rows[number]

    def cell_text(self, row: RowT, column: int) -> str | None:
        raise NotImplementedError

    def row_background(self, row: RowT) -> Any:
        """A brush for the whole row, or None."""
        return None

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.cell_text(row, index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            text = self.cell_text(row, index.column())
            return text.replace("\n", " ⏎ ") if text else text
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.row_background(row)
        return None
