"""Use cases: export the leadership pack of some scenarios, and import an exported workbook back.

The pack is all or nothing: every file is first written to a temporary file beside its target, and the targets are
replaced only once every file has been written. A failure (or a cancel) leaves every target as it was and no
temporary file behind, and raises ExportError (a PlanError) saying which file failed and why.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path

from ..domain import Plan
from ..domain.commands import Batch
from ..exporters import gis
from ..exporters.atomic import atomic_path, check_written, user_reason
from ..exporters.pack import ExportError, Pack, Progress, build_pack, scaled
from ..readers.workbook import read_workbook

#: Relative cost of each output, for progress.
_WEIGHTS = {"html": 1.0, "pdf": 2.0, "png": 1.0, "gpkg": 2.0, "geojson": 0.7, "shp": 0.7, "xlsx": 1.0}
_WHAT = {
    "html": "interactive map",
    "pdf": "PDF report",
    "png": "map image",
    "gpkg": "GeoPackage",
    "geojson": "GeoJSON file",
    "shp": "zipped Shapefile",
    "xlsx": "workbook",
}


def _check_targets(targets: dict[str, Path]) -> None:
    if not targets:
        raise ExportError("Choose at least one file to export (HTML, PDF, PNG, GeoPackage, GeoJSON, Shapefile, XLSX).")
    seen: dict[Path, str] = {}
    for kind, path in targets.items():
        resolved = path.resolve()
        if resolved in seen:
            raise ExportError(f"The {_WHAT[seen[resolved]]} and the {_WHAT[kind]} would both be written to {path}.")
        seen[resolved] = kind
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise ExportError(f"The folder {folder} does not exist; create it or choose another place for {path.name}.")
        if path.is_dir():
            raise ExportError(f"{path} is a folder; give a file name for the {_WHAT[kind]}.")
    if "shp" in targets and targets["shp"].suffix.lower() != ".zip":
        raise ExportError(f"The Shapefile is written zipped: name it .zip, not {targets['shp'].name}.")
    if "xlsx" in targets and targets["xlsx"].suffix.lower() != ".xlsx":
        raise ExportError(f"The workbook must be an .xlsx file, not {targets['xlsx'].name}.")


def export_pack(
    plan: Plan,
    scenarios: Sequence[str],
    *,
    html: str | Path | None = None,
    pdf: str | Path | None = None,
    png: str | Path | None = None,
    png_size: tuple[int, int] = (1600, 1000),
    gpkg: str | Path | None = None,
    geojson: str | Path | None = None,
    shp: str | Path | None = None,
    xlsx: str | Path | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> list[Path]:
    """Write the chosen files of the leadership pack for ``scenarios`` (the first leads); returns the paths written.

    ``html``: interactive offline map, one switchable layer per scenario. ``pdf``: report with cover, maps, tables,
    flags, assumptions and (two or more scenarios) a comparison. ``png``: the first scenario's map at ``png_size``
    pixels. ``gpkg``: layers territories, units and hires. ``geojson``: territories. ``shp``: zipped Shapefile of
    territories (name it .zip). ``xlsx``: workbook of the first scenario that ``import workbook`` reads back.

    ``progress(fraction, message)`` is called as the work advances; ``cancel()`` returning True stops it (between
    steps) with nothing written. Raises UnknownName for an unknown scenario and ExportError for everything else.
    """
    given = {"html": html, "pdf": pdf, "png": png, "gpkg": gpkg, "geojson": geojson, "shp": shp, "xlsx": xlsx}
    targets = {kind: Path(value) for kind, value in given.items() if value is not None}
    _check_targets(targets)
    names = list(dict.fromkeys(scenarios))
    if not names:
        raise ExportError("Choose at least one scenario to export.")
    for name in names:
        plan.scenario(name)  # an unknown name raises UnknownName before any work
    width, height = png_size
    if png is not None and not (100 <= width <= 16000 and 100 <= height <= 16000):
        raise ExportError(f"The map image must be 100 to 16000 pixels a side, not {width}x{height}.")

    report = progress or (lambda fraction, message: None)

    def check_cancel() -> None:
        if cancel is not None and cancel():
            raise ExportError("The export was cancelled; no file was written.")

    maps = any(k in targets for k in ("html", "pdf", "png"))
    exact = any(k in targets for k in ("gpkg", "geojson", "shp"))
    pack_share = 0.15
    report(0.0, "Preparing the pack")
    pack = build_pack(plan, names, maps=maps, exact_outlines=exact, progress=scaled(progress, 0.0, pack_share))
    total = sum(_WEIGHTS[k] for k in targets)
    done = 0.0
    written: list[Path] = []
    try:
        with contextlib.ExitStack() as stack:
            for kind, target in targets.items():
                check_cancel()
                start = pack_share + (0.98 - pack_share) * done / total
                done += _WEIGHTS[kind]
                end = pack_share + (0.98 - pack_share) * done / total
                step = scaled(progress, start, end)
                tmp = stack.enter_context(atomic_path(target))
                try:
                    _write(kind, pack, tmp, png_size, step)
                    check_written(tmp, target)
                except Exception as exc:
                    reason = user_reason(exc, tmp, target)
                    raise ExportError(
                        f"The {_WHAT[kind]} could not be written to {target}: {reason}. "
                        "No file of the pack was written."
                    ) from exc
                written.append(target)
            check_cancel()
            report(0.99, "Saving the files")
    except OSError as exc:  # moving a finished file into place failed (the others were not moved or were)
        raise ExportError(f"The pack could not be put in place: {exc}. Check the files and export again.") from exc
    report(1.0, f"Exported {len(written)} file{'s' if len(written) != 1 else ''}")
    return written


def _write(kind: str, pack: Pack, tmp: Path, png_size: tuple[int, int], progress: Progress) -> None:
    # Qt and folium are imported only for the outputs that need them (a GIS-only export stays light).
    if kind == "html":
        from ..exporters.html_map import write_html

        write_html(pack, tmp, progress)
    elif kind == "pdf":
        from ..exporters.pdf_report import write_pdf

        write_pdf(pack, tmp, progress)
    elif kind == "png":
        from ..exporters.png_map import write_png

        write_png(pack, tmp, png_size, progress)
    elif kind == "gpkg":
        gis.write_geopackage(pack, tmp, progress)
    elif kind == "geojson":
        gis.write_geojson(pack, tmp, progress)
    elif kind == "shp":
        gis.write_shapefile_zip(pack, tmp, progress)
    elif kind == "xlsx":
        from ..exporters.workbook import write_workbook

        write_workbook(pack, tmp, progress)
    else:  # pragma: no cover - the kinds are this module's own
        raise ExportError(f"Unknown export kind {kind}.")


def import_workbook(plan: Plan, path: str | Path, scenario: str) -> Batch:
    """The batch that applies an exported workbook to ``scenario`` (not applied yet; apply it, or push it on the
    undo stack). Raises InputFileError listing every problem (sheet, row, column), or UnknownName."""
    return read_workbook(plan, scenario, path)
