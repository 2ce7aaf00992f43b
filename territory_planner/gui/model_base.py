"""Shared parts of the item models: roles, alignment, the base table over the document's rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from ..domain.formatting import plural_noun
from .document import PlanDocument

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2
FLAG_ROLE = Qt.ItemDataRole.UserRole + 3
KEY_ROLE = Qt.ItemDataRole.UserRole + 4

Index = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)
NEGATIVE = QColor("#b00020")


def plural(noun: str) -> str:
    return plural_noun(noun)


def bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class DocumentRowsModel(QAbstractTableModel):
    """A table of rows built from the open document; subclasses give ``_build`` (the rows) and ``_key`` (a row's
    identity). ``refresh`` repaints only the rows whose content changed, and resets when the set of rows changed."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, document: PlanDocument | None = None) -> None:
        super().__init__()
        self.document: PlanDocument | None = None
        self._rows: list[Any] = []
        if document is not None:
            self.set_document(document)

    def set_document(self, document: PlanDocument | None) -> None:
        self.beginResetModel()
        self.document = document
        self._rows = self._build()
        self.endResetModel()

    def _build(self) -> list[Any]:
        raise NotImplementedError

    def _key(self, row: Any) -> Any:
        raise NotImplementedError

    def refresh(self) -> None:
        """Bring the rows up to date; only rows whose numbers changed are repainted."""
        new_rows = self._build()
        if [self._key(r) for r in new_rows] != [self._key(r) for r in self._rows]:
            self.beginResetModel()
            self._rows = new_rows
            self.endResetModel()
            return
        old_rows, self._rows = self._rows, new_rows
        last = self.columnCount() - 1
        for i, (old, new) in enumerate(zip(old_rows, new_rows, strict=True)):
            if old != new:
                self.dataChanged.emit(self.index(i, 0), self.index(i, last))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)
