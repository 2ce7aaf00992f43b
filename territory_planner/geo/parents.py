"""The parent levels of a plan's layer, with the names of its counties and states from the bundled catalogue.

The codes and the "units of the touched parents" rule are :mod:`territory_planner.domain.parents`; this module only
knows where they come from: which columns are parents (:func:`~territory_planner.geo.catalogue.parents_in`) and
the names of the parents, read from the bundled layer whose ids the column holds (a ZIP plan stores each ZIP's
county code, not the county's name).
"""

from __future__ import annotations

from territory_planner.domain import Layer
from territory_planner.domain.parents import UnitParents
from territory_planner.geo.catalogue import CatalogueError, ParentInfo, layer_info, parents_in


def layer_parents(layer: Layer) -> UnitParents:
    """The parent levels of a layer's units, finest first (none for a layer without parent columns)."""
    return UnitParents(layer.units, parents_in(layer.units.columns))


def parent_info(layer: Layer, level: str) -> ParentInfo | None:
    """The catalogue's description of one parent level of the layer, or None."""
    return next((p for p in parents_in(layer.units.columns) if p.level == level), None)


def parent_names(parent: ParentInfo) -> dict[str, str]:
    """Parent id -> name as people write it ("Travis County, TX", "Texas"), from the bundled layer of that level.

    Empty when the bundled layer is not installed (callers then show the ids).
    """
    import pyogrio  # GDAL: ~33 MB, loaded only when a file is read (issue 16 §4)

    try:
        info = layer_info(parent.layer)
    except CatalogueError:
        return {}
    columns = [info.id_column, "name"]
    fields = {str(f) for f in pyogrio.read_info(info.file, layer=info.table)["fields"]}
    with_state = "state" in fields and parent.level != "state"
    if with_state:
        columns.append("state")
    frame = pyogrio.read_dataframe(info.file, layer=info.table, columns=columns, read_geometry=False)
    ids = frame[info.id_column].astype(str).tolist()
    names = frame["name"].fillna("").astype(str).tolist()
    if with_state:
        states = frame["state"].fillna("").astype(str).tolist()
        names = [f"{n}, {s}" if s else n for n, s in zip(names, states, strict=True)]
    return dict(zip(ids, names, strict=True))


__all__ = ["layer_parents", "parent_info", "parent_names"]
