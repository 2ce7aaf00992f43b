"""The window's docks: how one is made, and whether the panel in it is in view.

A dock behind another dock's tab stays "visible" to Qt: it is moved off screen, not hidden, so ``isVisible()`` is
true and no Show event comes when its tab is picked again. :func:`in_view` tells the two apart, and
:func:`when_in_view` runs a callback each time a docked panel comes back into view (its dock's
``visibilityChanged``). Both the edit-driven refresh of the window's panels (``MainWindow``) and the resting
refresh of the history, comments and handshake panels (``panel_base.RestingRefresh``) use them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from .panel_scroller import PanelScroller

_callbacks: weakref.WeakKeyDictionary[QWidget, list[Callable[[], None]]] = weakref.WeakKeyDictionary()


def in_view(widget: QWidget) -> bool:
    """True when ``widget`` is on screen: shown, and not in a dock behind another dock's tab."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def when_in_view(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback`` whenever the dock holding ``widget`` comes into view (its tab picked, the dock reopened)."""
    _callbacks.setdefault(widget, []).append(callback)


def _on_visibility(widget: QWidget, visible: bool) -> None:
    if visible:
        for callback in list(_callbacks.get(widget, ())):
            callback()


def make_dock(window: QMainWindow, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    """A dock holding ``widget`` in a :class:`PanelScroller`: a dock smaller than its panel scrolls, instead of the
    panel's minimum size setting the window's (see gui/panel_scroller.py)."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    scroller = PanelScroller(widget, dock)
    scroller.setObjectName(f"{name}Scroller")
    dock.setWidget(scroller)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
    )
    dock.visibilityChanged.connect(partial(_on_visibility, widget))
    window.addDockWidget(area, dock)
    return dock


def bottom_dock_height(screen: QScreen | None) -> int:
    """The tables' first height: 300 px, or 30 % of a short screen (216 px at 1280×720, so the map keeps room)."""
    height = screen.availableGeometry().height() if screen is not None else 1000
    return max(160, min(300, int(height * 0.3)))


class DockedPanels:
    """Panels an edit refreshes: those in view at once, the others when they next come into view.

    With the window on screen, a panel behind another dock's tab (or in a closed dock) is marked instead of
    refreshed, so a one-unit edit spends nothing on what nobody sees; with the window not shown (tests, a window
    being built) every panel is refreshed."""

    def __init__(self, window: QWidget, panels: list[Any]) -> None:
        """``panels``: widgets with a ``refresh()`` method."""
        self._window = window
        self._panels = panels
        self._stale: set[Any] = set()
        for panel in panels:
            when_in_view(panel, partial(self._refresh_if_stale, panel))

    def refresh(self, *, hidden_may_wait: bool) -> None:
        """Refresh every panel, in order; with ``hidden_may_wait``, those out of view when they come into view."""
        for panel in self._panels:
            if hidden_may_wait and self._window.isVisible() and not in_view(panel):
                self._stale.add(panel)
                continue
            self._stale.discard(panel)
            panel.refresh()

    def stale(self) -> set[Any]:
        """The panels waiting to come into view."""
        return set(self._stale)

    def _refresh_if_stale(self, panel: Any) -> None:
        if panel in self._stale:
            self._stale.discard(panel)
            panel.refresh()


__all__ = ["DockedPanels", "bottom_dock_height", "in_view", "make_dock", "when_in_view"]
