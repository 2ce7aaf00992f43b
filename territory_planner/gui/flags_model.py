"""The flags tree model: the report's flags grouped by severity."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

from ..domain import Flag
from .model_base import (
    FLAG_ROLE,
    KEY_ROLE,
    bold_font,
)
from .theme import (
    SEVERITY_COLOR,
    SEVERITY_LABEL,
    dot_icon,
)


class FlagsModel(QStandardItemModel):
    """The report's flags, grouped under "Blocking" and "Warnings" (in the checks' order)."""

    def __init__(self) -> None:
        super().__init__()
        self.setHorizontalHeaderLabels(["Problem"])
        self._flags: list[Flag] = []

    def set_flags(self, flags: list[Flag]) -> bool:
        """Show ``flags``; True when the tree was rebuilt (its rows changed), False when at most texts changed.

        A paint stroke usually changes only the figures in the messages: those rows are rewritten in place, so the
        tree keeps its rows, expansion and scroll position and repaints only the changed rows."""
        if flags == self._flags:
            return False
        if self._same_rows(flags):
            self._retext(flags)
            return False
        self._flags = list(flags)
        self.clear()
        self.setHorizontalHeaderLabels(["Problem"])
        for severity in ("blocking", "warning"):
            group = [f for f in flags if f.severity == severity]
            if not group:
                continue
            parent = QStandardItem(f"{SEVERITY_LABEL[severity]} ({len(group)})")
            parent.setEditable(False)
            parent.setSelectable(False)
            parent.setFont(bold_font())
            parent.setForeground(QBrush(QColor(SEVERITY_COLOR[severity])))
            parent.setData(severity, KEY_ROLE)
            for flag in group:
                item = QStandardItem(flag.message)
                item.setEditable(False)
                item.setIcon(dot_icon(SEVERITY_COLOR[severity]))
                item.setData(flag, FLAG_ROLE)
                item.setToolTip(f"{flag.code} — {flag.message}")
                parent.appendRow(item)
            self.appendRow(parent)
        return True

    @staticmethod
    def _row_key(flag: Flag) -> tuple[str, str, str]:
        return (flag.severity, flag.code, flag.subject)

    def _same_rows(self, flags: list[Flag]) -> bool:
        return [self._row_key(f) for f in flags] == [self._row_key(f) for f in self._flags]

    def _retext(self, flags: list[Flag]) -> None:
        """Same flags on the same rows, new messages: rewrite the changed rows' texts."""
        self._flags = list(flags)
        rows = {self.item(r).data(KEY_ROLE): self.item(r) for r in range(self.rowCount())}
        for severity, parent in rows.items():
            group = [f for f in flags if f.severity == severity]
            for i, flag in enumerate(group):
                item = parent.child(i)
                if item.data(FLAG_ROLE) != flag:
                    # one change signal for the three roles (each setter signals, and the tree re-measures the
                    # word-wrapped row every time: ~0.15 ms a row)
                    self.blockSignals(True)
                    try:
                        item.setText(flag.message)
                        item.setToolTip(f"{flag.code} — {flag.message}")
                        item.setData(flag, FLAG_ROLE)
                    finally:
                        self.blockSignals(False)
                    index = item.index()
                    self.dataChanged.emit(index, index)

    def all_flags(self) -> list[Flag]:
        """Flags in the order they are shown (blocking first)."""
        return [f for sev in ("blocking", "warning") for f in self._flags if f.severity == sev]

    def codes(self) -> list[tuple[str, str]]:
        return [(f.code, f.subject) for f in self.all_flags()]

    def index_of(self, position: int) -> QModelIndex:
        """The model index of the ``position``-th shown flag."""
        n = 0
        for r in range(self.rowCount()):
            parent = self.index(r, 0)
            count = self.rowCount(parent)
            if position < n + count:
                return self.index(position - n, 0, parent)
            n += count
        return QModelIndex()
