"""What the map is coloured by: territory, funding status, potential per seller, or one numeric unit attribute."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox

from .protocols import MapWidget, WindowHost


class ColourModes(QObject):
    """The "Colour by" choice of one window and the map colouring it asks for."""

    def __init__(self, host: WindowHost, map_widget: MapWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._map = map_widget
        self._mode = "territory"
        self.combo = QComboBox()
        self.combo.setMinimumWidth(160)
        self.combo.activated.connect(self._on_combo_activated)

    def mode(self) -> str:
        """``territory``, ``status``, ``per_seller`` or ``attr:<column>``."""
        return self._mode

    def fill(self) -> None:
        """The choices for the open plan's layer (its potential and numeric columns)."""
        combo = self.combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("Territory", "territory")
        combo.addItem("Funding status", "status")
        doc = self._host.document
        if doc is not None:
            layer = doc.plan.layer
            if layer.potential_column:
                combo.addItem(f"{layer.potential_column.replace('_', ' ').capitalize()} per seller", "per_seller")
            for column in layer.numeric_columns():
                combo.addItem(column.replace("_", " ").capitalize(), f"attr:{column}")
        combo.setCurrentIndex(max(0, combo.findData(self._mode)))
        combo.blockSignals(False)

    def _on_combo_activated(self, index: int) -> None:
        self.set_mode(self.combo.itemData(index))

    def set_mode(self, mode: str) -> None:
        self._mode = mode
        idx = self.combo.findData(mode)
        if idx >= 0:
            self.combo.setCurrentIndex(idx)
        self.apply()

    def apply(self) -> None:
        """Colour the map by the current mode (an unknown attribute falls back to territory colours)."""
        doc = self._host.document
        state = self._host.state
        mode = self._mode
        if doc is None or state is None:
            return
        layer = doc.plan.layer
        if mode == "status":
            self._map.set_color_mode("status")
        elif mode == "per_seller":
            per = doc.report().potential_per_seller()
            label = f"{(layer.potential_column or 'potential').replace('_', ' ')} per seller"
            self._map.set_color_mode("measure", state.per_unit(per), label.capitalize())
        elif mode.startswith("attr:") and mode[5:] in layer.units.columns:
            column = mode[5:]
            values = layer.units[column].to_numpy(dtype=float, na_value=np.nan)
            self._map.set_color_mode("measure", values, column.replace("_", " ").capitalize())
        else:
            self._mode = "territory"
            self._map.set_color_mode("territory")

    def report_changed(self) -> None:
        """The figures changed: a colouring that depends on them is redone."""
        if self._mode == "per_seller":
            self.apply()


__all__ = ["ColourModes"]
