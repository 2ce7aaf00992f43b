"""Dropping a seller or hire (dragged from the sellers table) onto the map puts them into that territory."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QDropEvent

from ..domain.commands import EditSeller
from .messages import Messenger
from .protocols import MapWidget, WindowHost
from .seller_model import SELLER_MIME
from .territory_state import UNASSIGNED


class SellerDrop(QObject):
    """Accepts seller drags on the map's viewport and turns a drop into one undoable edit."""

    def __init__(self, host: WindowHost, map_widget: MapWidget, messages: Messenger, parent: QObject | None = None):
        super().__init__(parent)
        self._host = host
        self._map = map_widget
        self._messages = messages
        self._viewport = map_widget.viewport()
        self._viewport.setAcceptDrops(True)
        self._viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
            and isinstance(event, QDropEvent)
            and watched is self._viewport
        ):
            return self._on_map_drag_event(event)
        return super().eventFilter(watched, event)

    def _unit_under(self, point: QPoint) -> int:
        return int(self._map.unit_at(self._map.mapToScene(point)))

    def _on_map_drag_event(self, event: QDropEvent) -> bool:
        mime = event.mimeData()
        if self._host.document is None or not mime.hasFormat(SELLER_MIME):
            return False
        position = self._unit_under(event.position().toPoint())
        name = bytes(mime.data(SELLER_MIME).data()).decode("utf-8")
        if event.type() != QEvent.Type.Drop:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            state = self._host.state
            if position >= 0 and state is not None:
                code = int(state.codes[position])
                where = state.names[code] if code >= 0 else "no territory"
                self._host.show_status(f"Drop to put {name} into {where}", 2000)
            return True
        event.acceptProposedAction()
        self.drop_seller_on_unit(name, position)
        return True

    def drop_seller_on_unit(self, seller_name: str, position: int) -> bool:
        """Put a seller or hire into the territory of the unit at ``position`` (one undoable edit)."""
        doc = self._host.document
        state = self._host.state
        if doc is None or state is None:
            return False
        seller = doc.scenario.sellers.get(seller_name)
        if seller is None:
            return False
        if position < 0:
            self._messages.error(f"Drop {seller_name} onto a territory on the map.")
            return False
        code = int(state.codes[position])
        if code == UNASSIGNED:
            noun = doc.plan.layer.unit_noun
            self._messages.error(f"That {noun} is in no territory: drop {seller_name} onto a territory.")
            return False
        territory = state.names[code]
        if seller.territory == territory:
            return False
        return doc.execute(EditSeller(doc.scenario_name, seller_name, replace(seller, territory=territory)))


__all__ = ["SellerDrop"]
