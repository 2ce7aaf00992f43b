"""Workshop mode: the window full screen for a projector, showing only the map, the summary strip and the flags."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QByteArray, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from .flags_panel import FlagsPanel
from .settings import LAYOUT_VERSION
from .summary_strip import SummaryStrip


class WorkshopMode(QObject):
    """Switches one window into and out of workshop mode, putting its layout back afterwards."""

    changed = Signal(bool)  # on or off, after every switch
    #: How much larger type is in workshop mode (summary strip, map labels and status words, legend, markers).
    SCALE = 1.6

    def __init__(
        self,
        window: QMainWindow,
        hidden_docks: Sequence[QDockWidget],
        flags_dock: QDockWidget,
        flags: FlagsPanel,
        summary: SummaryStrip,
        chrome: Sequence[QWidget],
        zoom_to_fit: Callable[[], None],
        map_scale: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._hidden_docks = list(hidden_docks)
        self._flags_dock = flags_dock
        self._flags = flags
        self._summary = summary
        self._chrome = list(chrome)  # toolbar, menu bar, status bar
        self._zoom_to_fit = zoom_to_fit
        self._map_scale = map_scale  # the map's labels, status words, legend and markers
        self._on = False
        self._before: tuple[QByteArray, bool] | None = None

    @property
    def on(self) -> bool:
        return self._on

    def toggle(self) -> None:
        self.set_on(not self._on)

    def set_on(self, on: bool) -> None:
        """Workshop mode: full screen, map + summary strip + flags, in large type for a projector."""
        if on == self._on:
            return
        window = self._window
        if on:
            self._before = (window.saveState(LAYOUT_VERSION), window.isMaximized())
            for dock in self._hidden_docks:
                dock.hide()
            self._flags_dock.show()
            self._flags_dock.raise_()
            for widget in self._chrome:
                widget.hide()
            self._summary.set_scale(self.SCALE)
            self._flags.set_large(True)
            if self._map_scale is not None:
                self._map_scale(self.SCALE)
            window.resizeDocks([self._flags_dock], [520], Qt.Orientation.Horizontal)
            self._on = True
            window.showFullScreen()
        else:
            self._on = False
            self._summary.set_scale(1.0)
            self._flags.set_large(False)
            if self._map_scale is not None:
                self._map_scale(1.0)
            for widget in self._chrome:
                widget.show()
            if self._before is not None:
                state, maximized = self._before
                window.restoreState(state, LAYOUT_VERSION)
                window.showMaximized() if maximized else window.showNormal()
            else:
                window.showNormal()
        QTimer.singleShot(150, self._zoom_to_fit)
        self.changed.emit(self._on)

    def layout_to_save(self) -> QByteArray:
        """The dock layout to remember: the one from before workshop mode while it is on."""
        if self._on and self._before is not None:
            return self._before[0]
        return self._window.saveState(LAYOUT_VERSION)


__all__ = ["WorkshopMode"]
