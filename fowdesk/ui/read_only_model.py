"""Table-model pieces every model in the window shares, and a read-only table of rows.

The read-only table serves the dashboard's lists and the import preview; the index
types and :func:`column_heading` serve the editable models too.
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


def column_heading(
    headings: Sequence[str], section: int, orientation: Qt.Orientation, role: int
) -> str | None:
    """What a table model's ``headerData`` answers: the column's heading, nothing else."""
    if (
        role == Qt.ItemDataRole.DisplayRole
        and orientation == Qt.Orientation.Horizontal
        and 0 <= section < len(headings)
    ):
        return headings[section]
    return None


class ReadOnlyTableModel(QAbstractTableModel, Generic[RowT]):
    """Rows shown under ``headings``; subclasses say what a row shows in each column.

    Each cell's full text is its tooltip too, since lists elide long text.
    """

    def __init__(self, headings: Sequence[str], rows: Sequence[RowT] = (), parent: Any = None):
        super().__init__(parent)
        self._headings = list(headings)
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

    def rowCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._headings)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_heading(self._headings, section, orientation, role)

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
