"""Everything the Dashboard tab says, as text: heading, counts, lists cell by cell, returns.

Used to compare the dashboard with what it said before it was worked out off the
window thread (``tests/ui/test_dashboard_off_thread.py``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt

from fowdesk.ui.dashboard import DashboardWidget


def cells(model: QAbstractItemModel) -> list[list[Any]]:
    """Every cell's display text and tooltip, row by row."""
    return [
        [
            (
                model.index(row, column).data(Qt.ItemDataRole.DisplayRole),
                model.index(row, column).data(Qt.ItemDataRole.ToolTipRole),
            )
            for column in range(model.columnCount())
        ]
        for row in range(model.rowCount())
    ]


def dashboard_text(dashboard: DashboardWidget) -> dict[str, Any]:
    """What an officer reads on the dashboard (the lists whole, not only the rows on screen)."""
    panel = dashboard.returns_panel
    return {
        "heading": dashboard.heading.text(),
        "chips": {
            rag.value: (
                chip.count_label.text(),
                chip.name_label.text(),
                chip.toolTip(),
                chip.accessibleDescription(),
            )
            for rag, chip in dashboard.chips.items()
        },
        "activity": dashboard.last_activity.text(),
        "boxes": [
            box.title()
            for box in (dashboard.overdue_box, dashboard.upcoming_box, dashboard.not_updated_box)
        ],
        "headers": [
            [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
            for model in (
                dashboard.overdue_model,
                dashboard.upcoming_model,
                dashboard.not_updated_model,
            )
        ],
        "overdue": cells(dashboard.overdue_model),
        "upcoming": cells(dashboard.upcoming_model),
        "not updated": cells(dashboard.not_updated_model),
        "uuids": [
            [model.card_uuid(row) for row in range(model.rowCount())]
            for model in (
                dashboard.overdue_model,
                dashboard.upcoming_model,
                dashboard.not_updated_model,
            )
        ],
        "returns": (panel.title(), panel.summary.text(), cells(panel.model)),
    }
