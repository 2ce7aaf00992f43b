"""The duck types the window's parts are given: the map widget, the factory that makes one, and the window host.

Controllers are handed these in their constructors instead of the whole :class:`~.main_window.MainWindow`, so each
one says what it needs, and a test can pass a small fake.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QSettings, SignalInstance
from PySide6.QtWidgets import QStatusBar, QWidget

from ..domain import Layer
from .document import PlanDocument
from .messages import Messenger
from .territory_state import TerritoryState
from .workers import TaskRunner


class MapWidget(Protocol):
    """What the window uses of its map (:class:`~.map_view.MapView` is the real one; it must be a QWidget)."""

    @property
    def stroke_finished(self) -> SignalInstance: ...

    @property
    def selection_changed(self) -> SignalInstance: ...

    def set_layer(self, layer: Layer | None) -> None: ...

    def set_territory_state(
        self,
        codes: np.ndarray,
        colors: Sequence[str],
        names: Sequence[str],
        status: Sequence[str | None],
        locked: Sequence[bool],
    ) -> None: ...

    def update_units(self, positions: np.ndarray, codes: np.ndarray) -> None: ...

    def set_territory_status(self, status: Sequence[str | None]) -> None: ...

    def start_pending_render(self) -> None: ...

    def set_color_mode(
        self, mode: str, values: np.ndarray | None = None, label: str = "", classes: Any = None
    ) -> None: ...

    def set_mode(self, mode: str) -> None: ...

    def set_brush_radius(self, px: float) -> None: ...

    def set_active_color(self, color: str) -> None: ...

    def set_paint_filter(self, fn: Callable[[np.ndarray], np.ndarray] | None) -> None: ...

    def set_tooltip_provider(self, fn: Callable[[int], str] | None) -> None: ...

    def zoom_to_fit(self) -> None: ...

    def zoom_to_units(self, unit_ids: Iterable[str]) -> None: ...

    def highlight_units(self, unit_ids: Iterable[str]) -> None: ...

    def clear_selection(self) -> None: ...

    def unit_at(self, scene_point: QPointF) -> int: ...

    def viewport(self) -> QWidget: ...

    def mapToScene(self, point: QPoint, /) -> QPointF: ...


#: Makes the map widget for a parent (the window, or a pane of the compare window).
MapFactory = Callable[[QWidget | None], MapWidget]


class WindowHost(Protocol):
    """What a controller reads of the window: the open plan, its map state, and the status line."""

    @property
    def document(self) -> PlanDocument | None: ...

    @property
    def state(self) -> TerritoryState | None: ...

    def show_status(self, text: str, msecs: int = 0) -> None: ...


class ImportExportHost(Protocol):
    """What File → Export… and File → Import use of the window (:class:`~.import_export.ImportExport`): the open
    plan, the settings (the last folder), the task runner, the messages and the status bar. The host must be a
    QWidget: the dialogs and progress boxes open over it."""

    @property
    def document(self) -> PlanDocument | None: ...

    @property
    def settings(self) -> QSettings: ...

    @property
    def runner(self) -> TaskRunner: ...

    @property
    def messages(self) -> Messenger: ...

    def statusBar(self) -> QStatusBar: ...


def as_widget(obj: Any) -> QWidget:
    """``obj`` as a QWidget, or a TypeError naming what it is (the map factory must make widgets)."""
    if not isinstance(obj, QWidget):
        raise TypeError(f"The map factory made a {type(obj).__name__}, not a widget.")
    return obj


__all__ = ["ImportExportHost", "MapFactory", "MapWidget", "WindowHost", "as_widget"]
