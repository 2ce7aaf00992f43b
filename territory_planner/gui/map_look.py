"""What the map shows: each unit's territory, each territory's colour, name, funding status and lock, the colour
mode (territory, funding status or a measure per unit), and the legend and tooltip text that follow from them.

Plain data and numpy (no scene items): :class:`~territory_planner.gui.map_view.MapView` asks it for the styles of
the units it redraws.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import render
from ..domain import Layer
from ..domain.model import Scenario
from ..domain.status import STATUS_LABEL
from .territory_state import UNASSIGNED, TerritoryState


class MapLook:
    """Territory state and colour mode of a map of ``n`` units."""

    def __init__(self, style: render.MapStyle, n: int = 0) -> None:
        self._style = style
        self.n = n
        self.codes = np.full(n, -1, dtype=np.int64)
        self.colors: list[str] = []
        self.names: list[str] = []
        self.status: list[str | None] = []
        self.locked: list[bool] = []
        self.kinds = np.zeros(0, dtype=np.int8)
        self.color_mode = "territory"
        self.values: np.ndarray | None = None
        self.value_label = ""
        self.classes: render.MeasureClasses | None = None

    # -- changes -------------------------------------------------------------------------------------------------
    def set_territories(
        self,
        codes: np.ndarray,
        colors: Sequence[str],
        names: Sequence[str],
        status: Sequence[str | None],
        locked: Sequence[bool],
    ) -> None:
        """Territory code per unit position (-1 unassigned) and colour/name/status/lock per code."""
        codes = np.asarray(codes, dtype=np.int64)
        if codes.shape != (self.n,):
            raise ValueError(f"Expected one territory code per unit ({self.n}), got {codes.shape}.")
        ncodes = len(colors)
        if codes.size and codes.max(initial=-1) >= ncodes:
            raise ValueError(f"Territory code {int(codes.max())} has no colour ({ncodes} colours given).")
        self.codes = codes.copy()
        self.colors = list(colors)
        self.names = [str(n) for n in names] + [f"Territory {i + 1}" for i in range(len(names), ncodes)]
        self.status = list(status) + [None] * (ncodes - len(status))
        self.locked = [bool(x) for x in locked] + [False] * (ncodes - len(locked))
        self.kinds = render.status_kinds(self.status, ncodes)

    def move_units(self, positions: np.ndarray, codes: np.ndarray) -> None:
        """``positions`` now belong to ``codes`` (already broadcast to the same length)."""
        if codes.max(initial=-1) >= len(self.colors):
            raise ValueError(f"Territory code {int(codes.max())} has no colour; call set_territory_state first.")
        self.codes[positions] = codes

    def set_status(self, status: Sequence[str | None]) -> None:
        self.status = list(status) + [None] * (len(self.colors) - len(status))
        self.kinds = render.status_kinds(self.status, len(self.colors))

    def set_color_mode(
        self,
        mode: str,
        values: np.ndarray | None,
        label: str,
        check_length: bool,
        classes: render.MeasureClasses | None = None,
    ) -> None:
        """Colour by ``territory``, ``status`` or ``measure`` (``values``: one per unit; ``classes``: fixed classes,
        else quantiles of the values)."""
        if mode not in render.COLOR_MODES:
            raise ValueError(f"Unknown colour mode '{mode}': use one of {', '.join(render.COLOR_MODES)}.")
        if mode == "measure":
            if values is None:
                raise ValueError("The measure colour mode needs one value per unit.")
            values = np.asarray(values, dtype=float)
            if check_length and values.shape != (self.n,):
                raise ValueError(f"Expected one value per unit ({self.n}), got {values.shape}.")
            self.values = values.copy()
            self.value_label = label
            self.classes = classes or render.measure_classes(values, label, self._style)
        else:
            self.values, self.value_label, self.classes = None, "", None
        self.color_mode = mode

    # -- what follows ----------------------------------------------------------------------------------------------
    def styles_for(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(fill RGB, hatch kind, border kind) of the units at ``positions``."""
        codes = self.codes[positions]
        values = self.values[positions] if self.values is not None else None
        fill = render.unit_fill_rgb(
            codes,
            self.colors,
            self.status,
            mode=self.color_mode,
            values=values,
            classes=self.classes,
            style=self._style,
        )
        hatch = render.hatch_kinds(codes, self.status, len(self.colors), self.color_mode)
        kinds = self.kinds
        border_kind = (
            np.where(codes >= 0, kinds[np.maximum(codes, 0)], 0).astype(np.int8)
            if len(kinds)
            else np.zeros(len(codes), dtype=np.int8)
        )
        return fill, hatch, border_kind

    def legend(self) -> render.Legend:
        missing = bool(self.values is not None and (~np.isfinite(self.values)).any())
        return render.legend_for(self.color_mode, self.status or None, self.classes, missing, self._style)

    def tooltip(self, layer: Layer, unit_id: str, unit: int) -> str:
        """Unit name and id, its territory and funding status, and its main attributes (rich text)."""
        row = layer.units.iloc[unit]
        lines = [unit_title(layer, unit)]
        code = int(self.codes[unit])
        if code >= 0:
            status = STATUS_LABEL.get(self.status[code] or "", "").lower()
            lines.append(f"Territory: {_escape(self.names[code])}" + (f" ({status})" if status else ""))
        else:
            lines.append("Territory: unassigned")
        for column in ("state", "population", "potential", "accounts"):
            if column in row.index and row[column] == row[column]:
                value = row[column]
                text = f"{value:,.0f}" if isinstance(value, int | float | np.integer | np.floating) else str(value)
                lines.append(f"{column.capitalize()}: {_escape(text)}")
        if self.color_mode == "measure" and self.values is not None:
            label = self.value_label or "Value"
            lines.append(f"{_escape(label)}: {render.compact_number(float(self.values[unit]))}")
        return "<br>".join(lines)


def unit_title(layer: Layer, unit: int) -> str:
    """The first line of a unit's tooltip, rich text: its id and its name, with its state when the layer has one
    ("<b>02134</b> — Boston, MA"); the id alone when the unit has no other name."""
    uid = str(layer.unit_ids[unit])
    row = layer.units.iloc[unit]
    name = row.get("name", "")
    name = "" if name is None or name != name else str(name).strip()
    state = row.get("state", "") if "state" in layer.units.columns else ""
    state = "" if state is None or state != state else str(state).strip()
    place = ", ".join(part for part in (name if name != uid else "", state) if part)
    return f"<b>{_escape(uid)}</b>" + (f" — {_escape(place)}" if place else "")


def escape_text(text: object) -> str:
    """Text shown as data in a rich-text tooltip (never markup)."""
    return _escape(text)


def _escape(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unit_tooltip(layer: Layer, scenario: Scenario, state: TerritoryState, position: int) -> str:
    """The window's tooltip of one unit (rich text, user text escaped): id and name, its territory with region and
    funding status (or "Not in a territory"), and the layer's potential."""
    row = layer.units.iloc[position]
    parts = [unit_title(layer, position)]  # id — name, state
    code = int(state.codes[position])
    if code == UNASSIGNED:
        parts.append("Not in a territory")
    else:
        name = state.names[code]
        t = scenario.territories.get(name)
        region = f" ({t.region})" if t and t.region else ""
        parts.append(f"{escape_text(name + region)} — {STATUS_LABEL.get(state.status[code] or '', '')}")
    if layer.potential_column:
        value = row.get(layer.potential_column)
        if value == value and value is not None:
            parts.append(f"{layer.potential_column.replace('_', ' ').capitalize()}: {float(value):,.0f}")
    return "<br>".join(parts)


__all__ = ["MapLook", "escape_text", "unit_title", "unit_tooltip"]
