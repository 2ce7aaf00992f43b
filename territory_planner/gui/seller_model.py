"""The sellers and hires table model (and the drag MIME type a seller row carries)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..domain.checks import HireResult
from ..domain.formatting import money
from ..domain.model import Seller
from .model_base import (
    NAME_ROLE,
    RIGHT,
    DocumentRowsModel,
    Index,
    bold_font,
)
from .theme import (
    STATUS_COLOR,
    STATUS_LABEL,
    STATUS_TINT,
    dot_icon,
)

SELLER_MIME = "application/x-territory-planner-seller"


class SellerTableModel(DocumentRowsModel):
    """Existing sellers and planned hires of the shown scenario, hires with their funding status.

    Rows can be dragged (as the seller's name) onto the map to put the seller into the territory dropped on.
    """

    COLUMNS = ("name", "kind", "territory", "start", "ramp", "quota", "cost", "home", "needs", "fund_by", "status")
    HEADERS: ClassVar[dict[str, str]] = {
        "name": "Name",
        "kind": "Kind",
        "territory": "Territory",
        "start": "Starts",
        "ramp": "Ramp",
        "quota": "Annual quota",
        "cost": "Cost",
        "home": "Home base",
        "needs": "Extra spend needed",
        "fund_by": "Pipeline from",
        "status": "Funding",
    }

    def _key(self, row: tuple[Seller, HireResult | None]) -> str:
        return row[0].name

    def _build(self) -> list[tuple[Seller, HireResult | None]]:
        if self.document is None:
            return []
        report = self.document.report()
        hires = {h.seller: h for h in report.hires}
        sellers = list(self.document.scenario.sellers.values())
        # Planned hires first (earliest start first): they are what the plan protects.
        sellers.sort(
            key=lambda s: (not s.is_hire, s.start_month.index if s.start_month else 0, s.territory or "~", s.name)
        )
        return [(s, hires.get(s.name)) for s in sellers]

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return [SELLER_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            name = self._rows[rows[0]][0].name
            data.setData(SELLER_MIME, QByteArray(name.encode("utf-8")))
            data.setText(name)
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def seller_at(self, row: int) -> Seller | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def row_of(self, name: str) -> int:
        for i, (s, _) in enumerate(self._rows):
            if s.name == name:
                return i
        return -1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[self.COLUMNS[section]]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.document is None:
            return None
        seller, hire = self._rows[index.row()]
        key = self.COLUMNS[index.column()]
        cur = self.document.currency
        if role == NAME_ROLE:
            return seller.name
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "name":
                return seller.name
            if key == "kind":
                return "Planned hire" if seller.is_hire else "Seller"
            if key == "territory":
                return seller.territory or "—"
            if key == "start":
                return seller.start_month.label() if seller.start_month else "—"
            if key == "ramp":
                return f"{seller.ramp_months} mo" if seller.ramp_months else "—"
            if key == "quota":
                return money(seller.annual_quota, cur)
            if key == "cost":
                return money(seller.annual_cost, cur) if seller.annual_cost else "—"
            if key == "home":
                return seller.home or "—"
            if hire is None:
                return ""
            if key == "needs":
                return money(hire.marginal_spend, cur)
            if key == "fund_by":
                return hire.fund_by_month.label() if hire.fund_by_month else "—"
            if key == "status":
                return STATUS_LABEL[hire.status]
        if role == Qt.ItemDataRole.DecorationRole and key == "status" and hire is not None:
            return dot_icon(STATUS_COLOR[hire.status])
        if role == Qt.ItemDataRole.BackgroundRole and key == "status" and hire is not None:
            return QBrush(QColor(STATUS_TINT[hire.status]))
        if role == Qt.ItemDataRole.FontRole and (key == "status" or (key == "name" and seller.is_hire)):
            return bold_font()
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("ramp", "quota", "cost", "needs"):
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and hire is not None:
            return f"{seller.name}: {STATUS_LABEL[hire.status]} — {hire.reason}."
        return None
