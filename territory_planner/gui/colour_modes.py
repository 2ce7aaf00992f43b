"""What the map is coloured by: territory, funding status, potential per seller, penetration (target ÷ market), or
one numeric unit attribute."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox

from .. import render
from ..domain import Report
from ..domain.formatting import percent
from .protocols import MapWidget, WindowHost

#: The legend title of the penetration colouring when the plan has no market attribute.
NO_MARKET = "Penetration: no market data (plan setting market_attribute)"


def penetration_percent(report: Report) -> dict[str, float]:
    """Each territory's target as a percentage of its market (territories without a market are left out)."""
    return {r.territory: r.penetration * 100 for r in report.territories if r.penetration is not None}


def penetration_label(report: Report, max_penetration: float) -> str:
    """The legend title: what the figures are, and the largest share a territory can take."""
    if all(r.market is None for r in report.territories):
        return NO_MARKET
    return f"Penetration, % of market (at most {percent(max_penetration, 0)})"


#: Penetration bands as shares of the cap (``max_penetration``): four below it, three above.
PENETRATION_BANDS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


def penetration_classes(max_penetration: float, label: str) -> render.MeasureClasses:
    """Fixed classes of penetration (in %): quarters of the cap up to it, then over it (1.5x, 2x, beyond), so a
    colour always means the same against the cap (quantiles would move with every stroke)."""
    cap = max_penetration * 100
    edges = [cap * f for f in PENETRATION_BANDS]

    def span(a: float, b: float) -> str:
        return f"{percent(a / 100)} – {percent(b / 100)}"

    texts = [span(edges[i], edges[i + 1]) for i in range(3)]
    texts.append(f"{span(edges[3], cap)} (the cap)")
    texts += [f"{span(edges[i], edges[i + 1])} (over the cap)" for i in (4, 5)]
    texts.append(f"over {percent(edges[-1] / 100)}")
    breaks = [*edges, np.inf]
    breaks[4] = np.nextafter(cap, np.inf)  # exactly at the cap is within it (MARKET_TOO_SMALL is "over the cap")
    return render.banded_classes(breaks, texts, label)


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
        """``territory``, ``status``, ``per_seller``, ``penetration`` or ``attr:<column>``."""
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
            combo.addItem("Penetration (target ÷ market)", "penetration")
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
            values, label = self._report_measure(mode)
            self._map.set_color_mode("measure", values, label)
        elif mode == "penetration":
            values, label = self._report_measure(mode)
            cap = doc.scenario.assumptions.values["max_penetration"]
            self._map.set_color_mode("measure", values, label, penetration_classes(cap, label))
        elif mode.startswith("attr:") and mode[5:] in layer.units.columns:
            column = mode[5:]
            values = layer.units[column].to_numpy(dtype=float, na_value=np.nan)
            self._map.set_color_mode("measure", values, column.replace("_", " ").capitalize())
        else:
            self._mode = "territory"
            self._map.set_color_mode("territory")

    def _report_measure(self, mode: str) -> tuple[np.ndarray, str]:
        """(value per unit, legend title) of a colouring that follows the report: potential per seller or
        penetration (target ÷ market) of each unit's territory."""
        doc, state = self._host.document, self._host.state
        assert doc is not None and state is not None
        report = doc.report()
        if mode == "per_seller":
            label = f"{(doc.plan.layer.potential_column or 'potential').replace('_', ' ')} per seller"
            return state.per_unit(report.potential_per_seller()), label.capitalize()
        cap = doc.scenario.assumptions.values["max_penetration"]
        return state.per_unit(penetration_percent(report)), penetration_label(report, cap)

    def report_changed(self) -> None:
        """The figures changed: a colouring that depends on them is redone, only where values changed when the
        map can (after a stroke: the units of the two territories it touched), else whole."""
        if self._mode not in ("per_seller", "penetration"):
            return
        if self._host.document is None or self._host.state is None:
            return
        values, _ = self._report_measure(self._mode)
        update = getattr(self._map, "update_measure", None)
        if update is None or not update(values):
            self.apply()


__all__ = ["NO_MARKET", "ColourModes", "penetration_classes", "penetration_label", "penetration_percent"]
