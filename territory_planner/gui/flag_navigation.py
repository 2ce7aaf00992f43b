"""Going from a flag to what it is about: the units on the map, the row in its table, the message in the status line."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget

from ..domain import Flag
from .flags_panel import FlagsPanel
from .protocols import MapWidget, WindowHost
from .sellers_panel import SellersPanel
from .territories_panel import TerritoriesPanel


class FlagNavigation(QObject):
    """Shows a flag's subject (double-click in the flags list, or "Next problem")."""

    def __init__(
        self,
        host: WindowHost,
        map_widget: MapWidget,
        flags: FlagsPanel,
        territories: TerritoriesPanel,
        territories_dock: QDockWidget,
        sellers: SellersPanel,
        sellers_dock: QDockWidget,
        in_workshop: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._host = host
        self._map = map_widget
        self._flags = flags
        self._territories = territories
        self._territories_dock = territories_dock
        self._sellers = sellers
        self._sellers_dock = sellers_dock
        self._in_workshop = in_workshop
        flags.flag_activated.connect(self.show_flag)

    def units_of_flag(self, flag: Flag) -> list[str]:
        """The units a flag is about: its territory, a seller's territory, a region, or the unassigned units."""
        doc = self._host.document
        state = self._host.state
        if doc is None or state is None:
            return []
        s = doc.scenario
        if flag.subject_type == "territory":
            return state.unit_ids_of(flag.subject)
        if flag.subject_type == "seller":
            seller = s.sellers.get(flag.subject)
            return state.unit_ids_of(seller.territory) if seller and seller.territory else []
        if flag.subject_type == "region":
            return [u for t in s.territories_of(flag.subject) for u in state.unit_ids_of(t.name)]
        if flag.code == "UNASSIGNED_UNITS":
            return state.unassigned_ids()
        return []

    def show_flag(self, flag: Flag) -> None:
        """Zoom the map to a flag's subject and select it in its table."""
        doc = self._host.document
        if doc is None:
            return
        ids = self.units_of_flag(flag)
        if ids:
            self._map.zoom_to_units(ids)
            self._map.highlight_units(ids)
        else:
            self._map.zoom_to_fit()
        if flag.subject_type == "territory" and flag.subject in doc.scenario.territories:
            self._territories.select(flag.subject)
            self._territories_dock.raise_()
        elif flag.subject_type == "seller":
            self._sellers.select(flag.subject)
            if not self._in_workshop():
                self._sellers_dock.raise_()
        self._host.show_status(flag.message, 10000)

    def next_problem(self) -> Flag | None:
        """Show the next flag (in the flags list's order); None when there are none."""
        return self._flags.next_problem()


__all__ = ["FlagNavigation"]
