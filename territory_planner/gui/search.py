"""Find (Ctrl+F): a search box for a unit by id or name, a county or state, a territory, a seller or a city.

The box completes over a prebuilt list of labels ("02134 Allston, MA · ZIP code", "Travis County, TX · county",
"Texas · territory", "Ann Lee · seller", "Austin, TX · city"); choosing one zooms the map to its units and selects
them. The units, their counties and states are indexed once per layer; territories and sellers are re-read when
the box is used (they change with every edit); cities come from the bundled ZIP list (``readers/zipcodes_index``),
whose reading takes seconds, so they are located on a worker (``city_units``) and join the list when ready.
Every label is plain text in a plain-text list (user text is never markup).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol

import numpy as np
import pandas as pd
from PySide6.QtCore import QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from ..domain import Layer
from ..domain.formatting import plural_noun
from ..domain.parents import UnitParents
from ..geo.parents import layer_parents, parent_info, parent_names
from ..services.progress import Progress
from .protocols import WindowHost
from .workers import TaskRunner

#: Between a label and its kind in the list.
SEPARATOR = "  ·  "


class FindMap(Protocol):
    """What the search box uses of the map (:class:`~.map_view.MapView`)."""

    def zoom_to_units(self, unit_ids: Iterable[str]) -> None: ...

    def select_units(self, unit_ids: Iterable[str]) -> None: ...


class Found(NamedTuple):
    """One search result: what it is, its key and the unit positions it stands for (a unit is its own key;
    territories and sellers are resolved when chosen, so that they are current). A tuple: 30,000 are made at once."""

    kind: str
    key: str
    positions: np.ndarray | None = None


def layer_entries(layer: Layer, parents: UnitParents) -> dict[str, Found]:
    """Labels of the layer's states, counties and units, in that order (the part that changes only with the layer)."""
    units = layer.units
    ids = [str(u) for u in layer.unit_ids]
    names = units["name"].astype(str).tolist() if "name" in units.columns else ids
    if "state" in units.columns and layer.unit_noun != "state":
        states = units["state"].fillna("").astype(str).tolist()
        names = [f"{n}, {s}" if s and not n.endswith(f", {s}") else n for n, s in zip(names, states, strict=True)]
    kind = layer.unit_noun
    out: dict[str, Found] = {}
    for level in reversed(parents.levels):  # states, then counties, then the (many) units: the list reads that way
        info = parent_info(layer, level)
        known = parent_names(info) if info is not None else {}
        codes = parents.level(level)
        order = np.argsort(codes.codes, kind="stable")
        sorted_codes = codes.codes[order]
        starts = np.searchsorted(sorted_codes, np.arange(len(codes.ids) + 1))
        for code, parent in enumerate(codes.ids):
            label = known.get(str(parent))
            text = f"{label} ({parent})" if label else f"{level.capitalize()} {parent}"
            members = order[starts[code] : starts[code + 1]]
            out[f"{text}{SEPARATOR}{level}"] = Found(level, str(parent), np.sort(members))
    for unit, name in zip(ids, names, strict=True):
        text = unit if name in ("", unit) else f"{unit} {name}"
        out[f"{text}{SEPARATOR}{kind}"] = Found(kind, unit)
    return out


def city_units(inputs: tuple[list[str], Any], progress: Progress) -> dict[str, np.ndarray]:
    """``(unit ids, geometry in lon/lat)`` -> "City, ST" -> positions of the units of that city's ZIP codes.

    A task function for :class:`~.workers.TaskRunner`: a ZIP code of the city that is a unit of the layer counts
    as itself; the others (PO boxes, a county or state layer) count as the unit that holds their point.
    """
    import shapely

    from ..readers.zipcodes_index import zip_centroids

    unit_ids, geometry = inputs
    crs = getattr(geometry, "crs", None)
    if crs is not None and not crs.is_geographic:
        geometry = geometry.to_crs("EPSG:4326")  # the ZIP list's points are longitude/latitude
    progress.report(0.05, "Reading the ZIP list for Find…")
    table = zip_centroids()
    progress.report(0.6, "Placing cities on the map…")
    position_of = {u: i for i, u in enumerate(unit_ids)}
    codes = table.codes.tolist()
    positions = np.fromiter((position_of.get(c, -1) for c in codes), dtype=np.int64, count=len(codes))
    missing = np.flatnonzero((positions < 0) & np.isfinite(table.lon) & np.isfinite(table.lat))
    if geometry is not None and len(missing):
        tree = shapely.STRtree(np.asarray(geometry, dtype=object))
        points = shapely.points(table.lon[missing], table.lat[missing])
        point_index, unit_index = tree.query(points, predicate="within")
        positions[missing[point_index]] = unit_index
    keep = positions >= 0
    frame = pd.DataFrame(
        {"city": table.city[keep], "state": table.state[keep], "position": positions[keep]},
    )
    frame = frame[frame["city"].astype(str) != ""]
    out: dict[str, np.ndarray] = {}
    for (city, state), group in frame.groupby(["city", "state"], sort=True):
        out[f"{city}, {state}"] = np.unique(group["position"].to_numpy(dtype=np.int64))
    progress.report(1.0, "Cities ready for Find")
    return out


class SearchBox(QLineEdit):
    """The tool bar's Find box. Signals: ``found(kind, key, unit ids)`` after a result was shown on the map;
    ``index_ready()`` once the cities joined the list."""

    found = Signal(str, str, list)
    index_ready = Signal()

    def __init__(self, host: WindowHost, map_widget: FindMap, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self._host = host
        self._map = map_widget
        self._runner = runner
        self._entries: dict[str, Found] = {}
        self._layer_entries: dict[str, Found] = {}
        self._city_entries: dict[str, Found] = {}
        self._indexed_layer: object = None
        self._plan_key: object = None
        self._cities_loading = False
        self.setPlaceholderText("Find a ZIP, county, territory, seller or city (Ctrl+F)")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(280)
        self._model = QStringListModel(self)
        self.completer_ = QCompleter(self._model, self)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer_.setModelSorting(QCompleter.ModelSorting.UnsortedModel)
        self.completer_.setMaxVisibleItems(14)
        self.completer_.activated.connect(self._on_completer_activated)
        self.setCompleter(self.completer_)
        self.returnPressed.connect(self._on_return_pressed)

    # -- the index ---------------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Ctrl+F: the box takes the keyboard with its text selected."""
        self.refresh_index()
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()

    def refresh_index(self) -> None:
        """Bring the list up to date with the open plan (units once per layer; territories and sellers each time)."""
        doc = self._host.document
        if doc is None:
            self._entries = {}
            self._model.setStringList([])
            return
        layer = doc.plan.layer
        if self._indexed_layer is not layer:
            self._indexed_layer = layer
            self._layer_entries = layer_entries(layer, layer_parents(layer))
            self._city_entries = {}
            self._plan_key = None
            self._start_cities(layer)
        scenario = doc.scenario
        key = (doc.scenario_name, tuple(scenario.territories), tuple(scenario.sellers), len(self._city_entries))
        if key == self._plan_key:
            return
        self._plan_key = key
        entries: dict[str, Found] = {}
        for name in scenario.territories:
            entries[f"{name}{SEPARATOR}territory"] = Found("territory", name)
        for seller in scenario.sellers.values():
            where = f" ({seller.territory})" if seller.territory else ""
            entries[f"{seller.name}{where}{SEPARATOR}{'planned hire' if seller.is_hire else 'seller'}"] = Found(
                "seller", seller.name
            )
        entries.update(self._city_entries)  # before the units, so that "Austin" lists the city above its ZIP codes
        entries.update(self._layer_entries)
        self._entries = entries
        self._model.setStringList(list(entries))

    def _start_cities(self, layer: Layer) -> None:
        if not ("state" in layer.units.columns or "state_fips" in layer.units.columns):
            return  # cities are US places: a world or user layer without states gets none
        self._cities_loading = True
        task = self._runner.start("Find: cities", city_units, ([str(u) for u in layer.unit_ids], layer.geometry))
        task.finished.connect(lambda result, lay=layer: self._on_cities_ready(lay, result))
        task.done.connect(lambda lay=layer: self._on_cities_done(lay))

    def _on_cities_done(self, layer: object) -> None:
        if layer is self._indexed_layer:
            self._cities_loading = False

    def _on_cities_ready(self, layer: object, result: dict[str, np.ndarray]) -> None:
        if layer is not self._indexed_layer:
            return  # another plan was opened meanwhile
        self._city_entries = {f"{city}{SEPARATOR}city": Found("city", city, pos) for city, pos in result.items()}
        self._plan_key = None
        if self.hasFocus() or self._entries:
            self.refresh_index()
        self.index_ready.emit()

    def has_cities(self) -> bool:
        return bool(self._city_entries)

    def labels(self) -> list[str]:
        """Every label the box completes over (tests)."""
        return list(self._entries)

    # -- choosing ----------------------------------------------------------------------------------------------------
    def matches(self, text: str) -> list[str]:
        """The labels that contain ``text`` (any case), best first: a label that starts with it, then the others."""
        needle = text.strip().lower()
        if not needle:
            return []
        hits = [label for label in self._entries if needle in label.lower()]
        hits.sort(key=lambda label: (not label.lower().startswith(needle), len(label)))
        return hits

    def find_text(self, text: str) -> bool:
        """Show what ``text`` names (a label of the list, or the best match for it); False when nothing matches."""
        self.refresh_index()
        label = text if text in self._entries else next(iter(self.matches(text)), None)
        if label is None:
            later = " Cities are still being read: try again in a moment." if self._cities_loading else ""
            self._host.show_status(f"Nothing found for '{text.strip()}'.{later}", 5000)
            return False
        return self._show(label)

    def _show(self, label: str) -> bool:
        doc = self._host.document
        state = self._host.state
        entry = self._entries[label]
        if doc is None or state is None:
            return False
        layer = doc.plan.layer
        if entry.kind == "territory":
            ids = state.unit_ids_of(entry.key)
        elif entry.kind == "seller":
            seller = doc.scenario.sellers.get(entry.key)
            ids = state.unit_ids_of(seller.territory) if seller is not None and seller.territory else []
        elif entry.positions is None:
            ids = [entry.key] if layer.has_unit(entry.key) else []  # a unit
        else:
            ids = [str(u) for u in layer.unit_ids[entry.positions]]
        name = label.split(SEPARATOR)[0]
        if not ids:
            self._host.show_status(f"{name} has no {plural_noun(layer.unit_noun)} on the map.", 5000)
            return False
        self._map.zoom_to_units(ids)
        self._map.select_units(ids)
        self._host.show_status(f"{name}: {state.noun(len(ids))}", 5000)
        self.found.emit(entry.kind, entry.key, ids)
        return True

    def _on_completer_activated(self, label: str) -> None:
        QTimer.singleShot(0, lambda: self.find_text(label))  # after the completer has written the label into the box

    def _on_return_pressed(self) -> None:
        popup = self.completer_.popup()
        if popup is not None and popup.isVisible():
            return  # the completer's own activation handles it
        self.find_text(self.text())

    # -- Qt ----------------------------------------------------------------------------------------------------------
    def focusInEvent(self, event: QFocusEvent) -> None:
        self.refresh_index()
        super().focusInEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self.completer_.popup()
        if event.key() == Qt.Key.Key_Escape and (popup is None or not popup.isVisible()):
            self.clear()
            parent = self.window()
            if isinstance(parent, QObject):
                central = getattr(parent, "centralWidget", None)
                widget = central() if callable(central) else None
                if isinstance(widget, QWidget):
                    widget.setFocus()  # Esc leaves the box for the map
            return
        super().keyPressEvent(event)


__all__ = ["SEPARATOR", "FindMap", "Found", "SearchBox", "city_units", "layer_entries"]
