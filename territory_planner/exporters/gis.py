"""GIS files for RevOps: a GeoPackage (territories, units, hires), GeoJSON and a zipped Shapefile of territories.

Territories are the dissolved outlines (exact, not simplified) with every figure of the check; every layer carries a
``scenario`` column, so several scenarios share one file. All files are in EPSG:4326 (longitude/latitude).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from .atomic import TEMP_TAG, export_file, temp_path, write_bytes
from .pack import STATUS_TEXT, ExportError, Pack, Progress, no_progress

CRS = "EPSG:4326"

#: Territory fields: GeoPackage/GeoJSON name -> Shapefile name (dBASE allows at most 10 characters).
TERRITORY_FIELDS: dict[str, str] = {
    "scenario": "scenario",
    "territory": "territory",
    "region": "region",
    "color": "color",
    "status": "status",
    "status_text": "status_txt",
    "sellers": "sellers",
    "planned_hires": "hires",
    "seller_names": "sel_names",
    "hire_names": "hire_names",
    "units": "units",
    "potential": "potential",
    "target": "target",
    "required_spend": "req_spend",
    "allocated_budget": "alloc_bud",
    "gap": "gap",
    "break_even_cpl": "be_cpl",
    "required_hours": "req_hours",
    "allocated_hours": "alloc_hrs",
    "leads": "leads",
    "mqls": "mqls",
    "funding": "funding",
    "currency": "currency",
    "flags": "flags",
    "flag_messages": "flag_text",
}
_DBF_TEXT_BYTES = 254


def _empty_frame(columns: list[str], geometry_type: str) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in columns}, geometry=gpd.GeoSeries([], crs=CRS))
    frame.attrs["geometry_type"] = geometry_type
    return frame


def territories_frame(pack: Pack) -> gpd.GeoDataFrame:
    """One row per territory per scenario: exact dissolved outline (none for a territory without units)."""
    rows: list[dict[str, Any]] = []
    geometries = []
    for sp in pack.scenarios:
        for facts in sp.territories:
            r = facts.result
            rows.append(
                {
                    "scenario": sp.name,
                    "territory": r.territory,
                    "region": r.region,
                    "color": facts.color,
                    "status": r.status,
                    "status_text": STATUS_TEXT[r.status],
                    "sellers": r.existing_sellers,
                    "planned_hires": r.planned_hires,
                    "seller_names": "; ".join(facts.sellers),
                    "hire_names": "; ".join(h.seller for h in facts.hires),
                    "units": r.units,
                    "potential": float(r.potential),
                    "target": float(r.target),
                    "required_spend": float(r.required_spend),
                    "allocated_budget": float(r.allocated_budget),
                    "gap": float(r.gap),
                    "break_even_cpl": None if r.break_even_cpl is None else float(r.break_even_cpl),
                    "required_hours": float(r.required_hours),
                    "allocated_hours": float(r.allocated_hours),
                    "leads": float(r.leads),
                    "mqls": float(r.mqls),
                    "funding": r.funding or "none",
                    "currency": sp.currency,
                    "flags": "; ".join(f.code for f in facts.flags),
                    "flag_messages": " | ".join(f.message for f in facts.flags),
                }
            )
            geometries.append(sp.outlines.get(r.territory))
    if not rows:
        return _empty_frame(list(TERRITORY_FIELDS), "MultiPolygon")
    frame = pd.DataFrame(rows, columns=list(TERRITORY_FIELDS))
    frame["break_even_cpl"] = frame["break_even_cpl"].astype(float)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometries, crs=CRS))


def units_frame(pack: Pack) -> gpd.GeoDataFrame:
    """One row per unit per scenario: unit id, name and territory (empty when unassigned), exact unit shape."""
    layer = pack.plan.layer
    geometry = layer.geometry
    if geometry is None:
        raise ExportError(f"The plan's layer '{layer.name}' has no shapes, so there is no units layer to write.")
    series = geometry if isinstance(geometry, gpd.GeoSeries) else gpd.GeoSeries(geometry)
    if series.crs is None:
        series = series.set_crs(layer.crs or CRS)
    if not series.crs.equals(CRS):
        series = series.to_crs(CRS)
    ids = [str(u) for u in layer.units.index]
    names = layer.units["name"].astype(str).to_list()
    frames = []
    for sp in pack.scenarios:
        assignment = sp.scenario.assignment
        frames.append(
            gpd.GeoDataFrame(
                {
                    "scenario": sp.name,
                    "unit_id": ids,
                    "name": names,
                    "territory": [assignment.get(u) for u in ids],
                },
                geometry=series.reset_index(drop=True),
                crs=CRS,
            )
        )
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=CRS)


def hires_frame(pack: Pack) -> gpd.GeoDataFrame:
    """One point per planned hire per scenario, at their territory's label point (none without a territory)."""
    rows = []
    geometries = []
    for sp in pack.scenarios:
        for h in sp.report.hires:
            rows.append(
                {
                    "scenario": sp.name,
                    "seller": h.seller,
                    "territory": h.territory,
                    "start_month": str(h.start_month) if h.start_month else None,
                    "ramp_months": h.ramp_months,
                    "annual_quota": float(h.annual_quota),
                    "annual_cost": float(h.annual_cost),
                    "period_quota": float(h.period_quota),
                    "marginal_spend": float(h.marginal_spend),
                    "fund_by_month": str(h.fund_by_month) if h.fund_by_month else None,
                    "status": h.status,
                    "status_text": STATUS_TEXT[h.status],
                    "reason": h.reason,
                    "currency": sp.currency,
                }
            )
            geometries.append(sp.anchors.get(h.territory) if h.territory else None)
    columns = [
        "scenario",
        "seller",
        "territory",
        "start_month",
        "ramp_months",
        "annual_quota",
        "annual_cost",
        "period_quota",
        "marginal_spend",
        "fund_by_month",
        "status",
        "status_text",
        "reason",
        "currency",
    ]
    if not rows:
        return _empty_frame(columns, "Point")
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry=gpd.GeoSeries(geometries, crs=CRS))


#: The GeoPackage version written. GDAL 3.7+ writes 1.4 by default, which GDAL 3.6 (Debian 12) and older open only
#: with a warning on every open ("may only be partially supported"); 1.2 is read cleanly by GDAL 2.2 and later and
#: holds everything the pack writes (features, CRS, no 1.3/1.4 extensions are used).
GPKG_VERSION = "1.2"
#: The header of a GeoPackage of :data:`GPKG_VERSION`: SQLite's application_id ("GPKG") and user_version (10200).
GPKG_APPLICATION_ID = 0x47504B47
GPKG_USER_VERSION = 10200


def _write(frame: gpd.GeoDataFrame, path: Path, layer: str, driver: str, append: bool = False, **kwargs: Any) -> None:
    geometry_type = frame.attrs.get("geometry_type")
    pyogrio.write_dataframe(
        frame,
        path,
        layer=layer,
        driver=driver,
        append=append,
        promote_to_multi=geometry_type is None and layer != "hires",
        geometry_type=geometry_type,
        **kwargs,
    )


def _check_written(path: Path, layer: str | None, expected: int, what: str) -> None:
    """Read back what GDAL wrote: GDAL does not report every failed write (a full disk can give a short file)."""
    try:
        count = int(pyogrio.read_info(path, layer=layer)["features"])
    except Exception as exc:  # pyogrio raises several kinds for an unreadable file
        raise ExportError(f"the {what} cannot be read back ({exc}); the disk may be full") from exc
    if count != expected:
        raise ExportError(f"the {what} holds {count} of {expected} features; the disk may be full")


def _fresh(path: Path) -> None:
    """GDAL creates its files itself: remove whatever an earlier try left at the temp name."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def write_geopackage(pack: Pack, path: str | Path, progress: Progress | None = None) -> None:
    """Write layers ``territories``, ``units`` and ``hires`` to a new GeoPackage at ``path``."""
    report = progress or no_progress
    target = Path(path)
    _fresh(target)
    report(0.0, "Writing territories to the GeoPackage")
    layers = {"territories": territories_frame(pack)}
    _write(layers["territories"], target, "territories", "GPKG", dataset_options={"VERSION": GPKG_VERSION})
    report(0.3, "Writing units to the GeoPackage")
    layers["units"] = units_frame(pack)
    _write(layers["units"], target, "units", "GPKG", append=True)
    report(0.9, "Writing planned hires to the GeoPackage")
    layers["hires"] = hires_frame(pack)
    _write(layers["hires"], target, "hires", "GPKG", append=True)
    for layer, frame in layers.items():
        _check_written(target, layer, len(frame), f"GeoPackage layer {layer}")
    report(1.0, "GeoPackage written")


def write_geojson(pack: Pack, path: str | Path, progress: Progress | None = None) -> None:
    """Write the territories as a GeoJSON FeatureCollection (RFC 7946, longitude/latitude)."""
    report = progress or no_progress
    target = Path(path)
    _fresh(target)
    report(0.0, "Writing territories to GeoJSON")
    frame = territories_frame(pack)
    _write(frame, target, "territories", "GeoJSON", layer_options={"RFC7946": "YES"})
    _check_written(target, None, len(frame), "GeoJSON file")
    report(1.0, "GeoJSON written")


def _dbf_text(value: object) -> object:
    """Text cut to what a dBASE field holds (254 bytes of UTF-8), marked with an ellipsis when cut."""
    if not isinstance(value, str):
        return value
    data = value.encode("utf-8")
    if len(data) <= _DBF_TEXT_BYTES:
        return value
    return data[: _DBF_TEXT_BYTES - 3].decode("utf-8", errors="ignore") + "…"


def shapefile_frame(pack: Pack) -> gpd.GeoDataFrame:
    """The territories with dBASE-safe field names (≤ 10 characters) and text (≤ 254 bytes)."""
    frame = territories_frame(pack).rename(columns=TERRITORY_FIELDS)
    for column in frame.columns:
        if column != frame.geometry.name and not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(_dbf_text)
    return frame


def write_shapefile_zip(pack: Pack, path: str | Path, progress: Progress | None = None) -> None:
    """Write the territories as a Shapefile (``territories.shp/.shx/.dbf/.prj/.cpg``) zipped into ``path``.

    The Shapefile is written to a scratch folder beside ``path`` (named after it, so an export that is killed
    leaves at most that one folder, which the next export removes), read back, and only then zipped.
    """
    report = progress or no_progress
    report(0.0, "Writing the territories Shapefile")
    target = Path(path)
    # Beside our temp file the folder is named after it; written straight to a user's path, it gets a temp name.
    folder = target.with_name(target.name + ".d") if TEMP_TAG in target.name else temp_path(target, ".d")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        shp = folder / "territories.shp"
        frame = shapefile_frame(pack)
        _write(frame, shp, "territories", "ESRI Shapefile", encoding="UTF-8")
        _check_written(shp, None, len(frame), "Shapefile")
        members = sorted(p for p in folder.iterdir() if p.is_file())
        if not any(p.suffix == ".prj" for p in members):
            raise ExportError("The Shapefile was written without its projection (.prj) file.")
        report(0.7, "Zipping the Shapefile")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for member in members:
                archive.write(member, arcname=member.name)
        write_bytes(target, buffer.getvalue())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(1.0, "Shapefile written")


def export_geopackage(pack: Pack, target: str | Path, progress: Progress | None = None) -> Path:
    """Write the GeoPackage atomically; raises ExportError (leaving nothing behind) on failure."""
    return export_file(target, "GeoPackage", lambda tmp: write_geopackage(pack, tmp, progress))


def export_geojson(pack: Pack, target: str | Path, progress: Progress | None = None) -> Path:
    """Write the territories GeoJSON atomically; raises ExportError (leaving nothing behind) on failure."""
    return export_file(target, "GeoJSON file", lambda tmp: write_geojson(pack, tmp, progress))


def export_shapefile_zip(pack: Pack, target: str | Path, progress: Progress | None = None) -> Path:
    """Write the zipped territories Shapefile atomically; raises ExportError (leaving nothing behind) on failure."""
    if Path(target).suffix.lower() != ".zip":
        raise ExportError(f"A zipped Shapefile must be saved as a .zip file, not {Path(target).name}.")
    return export_file(target, "zipped Shapefile", lambda tmp: write_shapefile_zip(pack, tmp, progress))
