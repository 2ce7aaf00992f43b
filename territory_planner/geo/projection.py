"""Where a layer is drawn: the display projection chosen from where its units are, US insets, scene coordinates.

Plain numpy/shapely/geopandas, no Qt: the map view (gui/), the static maps (render/, exporters/) and anything else
that draws a layer project it here. *Scene coordinates* are the display CRS's planar coordinates with y flipped, so
that north is up in a y-down device space (Qt's).
"""

from __future__ import annotations

import numpy as np
import shapely

_CONUS = (-125.0, 24.0, -66.0, 50.0)
_US_INSETS = {
    # name: (test box on a unit's inside point (lon0, lat0, lon1, lat1), own projection, scale, clip box). The insets'
    # projections are those of Alaska Albers (EPSG:3338) and Puerto Rico's state plane (EPSG:32161) on WGS84, which
    # look the same at map scale and need no datum-shift search (110 ms for EPSG:32161 on every opening).
    "alaska": (
        (-190.0, 50.0, -129.0, 72.0),
        "+proj=aea +lat_1=55 +lat_2=65 +lat_0=50 +lon_0=-154 +datum=WGS84 +units=m",
        0.35,
        None,
    ),
    "hawaii": (
        (-179.0, 15.0, -154.0, 29.0),
        "+proj=aea +lat_1=8 +lat_2=18 +lat_0=13 +lon_0=-157 +datum=WGS84 +units=m",
        1.0,
        (-160.6, 18.5, -154.5, 22.5),
    ),
    "puerto_rico": (
        (-68.2, 17.5, -64.3, 18.8),
        "+proj=lcc +lat_1=18.43333 +lat_2=18.03333 +lat_0=17.83333 +lon_0=-66.43333 +datum=WGS84 +units=m",
        1.0,
        None,
    ),
}


def _inside_points(geoseries) -> tuple[np.ndarray, np.ndarray]:
    """A point standing for each unit when deciding which box it is in: the centre of its bounding box, or, for the
    few units wider than 20 degrees (an island chain across the antimeridian), a point on its surface.

    Bounding boxes are a whole-array read; ``point_on_surface`` for all 33,000 ZIP units took a quarter of a second
    of every plan opening."""
    values = np.asarray(geoseries.values, dtype=object)
    bounds = shapely.bounds(values)
    x = (bounds[:, 0] + bounds[:, 2]) / 2
    y = (bounds[:, 1] + bounds[:, 3]) / 2
    wide = np.flatnonzero((bounds[:, 2] - bounds[:, 0]) > 20.0)
    if len(wide):
        points = shapely.point_on_surface(values[wide])
        x[wide], y[wide] = shapely.get_x(points), shapely.get_y(points)
    return x, y


def _in_box(x: np.ndarray, y: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    return (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])


def display_crs(geoseries) -> str:
    """The planar CRS used to draw a lon/lat layer, chosen from where its units are (the one place this is decided).

    Layers with units in the lower 48 US states use the Conus Albers equal-area projection EPSG:5070 (Alaska,
    Hawaii and Puerto Rico then go to insets, see :func:`project_for_display`); layers spanning much of the globe
    use Equal Earth (EPSG:8857); anything else uses a Lambert azimuthal equal-area projection centred on the layer,
    which keeps a region's shapes and areas right wherever it is. Planar layers keep their own CRS.
    """
    if geoseries.crs is not None and not geoseries.crs.is_geographic:
        return geoseries.crs.to_string()
    minx, miny, maxx, maxy = (float(v) for v in geoseries.total_bounds)
    if not len(geoseries) or not np.isfinite([minx, miny, maxx, maxy]).all():
        return "EPSG:8857"
    x, y = _inside_points(geoseries)
    conus = _in_box(x, y, _CONUS)
    us = conus.copy()
    for box, *_ in _US_INSETS.values():
        us |= _in_box(x, y, box)
    if conus.any() and us.mean() > 0.9:
        return "EPSG:5070"
    if maxx - minx > 90 or maxy - miny > 60:
        return "EPSG:8857"
    lon0 = (minx + maxx) / 2
    lat0 = (miny + maxy) / 2
    return f"+proj=laea +lat_0={lat0:.4f} +lon_0={lon0:.4f} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"


def project_for_display(geoseries):
    """The layer's geometry in its display CRS (see :func:`display_crs`); planar, y up, index kept.

    For US layers (EPSG:5070) units in Alaska, Hawaii and Puerto Rico are drawn as insets below the lower 48, as on
    printed US maps: each is projected on its own, scaled (Alaska to 35 %) and moved next to the mainland; the
    remote north-western Hawaiian islands are left out of the drawing. The result is for drawing only.
    """
    if geoseries.crs is None:
        geoseries = geoseries.set_crs("EPSG:4326")
    target = display_crs(geoseries)
    if geoseries.crs.to_string() == target:
        return geoseries
    projected = geoseries.to_crs(target)
    if target != "EPSG:5070" or not geoseries.crs.is_geographic:
        return projected
    lonlat = geoseries if geoseries.crs.equals("EPSG:4326") else geoseries.to_crs("EPSG:4326")
    x, y = _inside_points(lonlat)
    conus = _in_box(x, y, _CONUS)
    if not conus.any():
        return projected
    cx0, cy0, cx1, cy1 = (float(v) for v in projected[conus].total_bounds)
    width, height = cx1 - cx0, cy1 - cy0
    values = np.asarray(projected.values, dtype=object).copy()
    left = cx0
    for box, crs, scale, clip in _US_INSETS.values():
        members = _in_box(x, y, box) & ~conus
        if not members.any():
            continue
        part = lonlat[members]
        if clip is not None:
            part = part.clip_by_rect(*clip).set_crs("EPSG:4326", allow_override=True)
        own = np.asarray(part.to_crs(crs).values, dtype=object)
        bx0, by0, bx1, _ = shapely.total_bounds(own)
        if box is _US_INSETS["puerto_rico"][0]:  # Puerto Rico sits east of Florida's tip
            dx, dy = cx0 + width * 0.88 - bx0 * scale, cy0 + height * 0.02 - by0 * scale
        else:
            dx, dy = left - bx0 * scale, cy0 - height * 0.06 - by0 * scale
            left += (bx1 - bx0) * scale + width * 0.03
        values[members] = shapely.transform(own, lambda xy, s=scale, dx=dx, dy=dy: xy * s + np.array([dx, dy]))
    return projected.__class__(values, index=projected.index, crs=projected.crs)


def to_scene(geoms) -> np.ndarray:
    """Planar geometries with y flipped (scene coordinates)."""
    values = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    return shapely.transform(values, lambda xy: xy * np.array([1.0, -1.0]))


__all__ = ["display_crs", "project_for_display", "to_scene"]
