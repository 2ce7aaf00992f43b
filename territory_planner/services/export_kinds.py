"""The one registry of export kinds: what the leadership pack can hold, how each file is named and written.

The CLI's ``export`` options, the GUI's export dialog and :func:`.export.export_pack` all come from
:data:`EXPORT_KINDS`; adding an output means adding one :class:`ExportKind` here (and its writer in
``exporters/``). Light to import (the CLI builds its options from it): writers import their exporter when called,
so Qt and folium load only for the outputs that need them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .progress import ReportFn

if TYPE_CHECKING:
    from ..exporters.pack import Pack

#: How one output is written: ``write(pack, path, png_size, report)``.
Writer = Callable[["Pack", Path, tuple[int, int], ReportFn], None]


def _write_html(pack: Pack, path: Path, size: tuple[int, int], report: ReportFn) -> None:
    from ..exporters.html_map import write_html

    write_html(pack, path, report)


def _write_pdf(pack: Pack, path: Path, size: tuple[int, int], report: ReportFn) -> None:
    from ..exporters.pdf_report import write_pdf

    write_pdf(pack, path, report)


def _write_png(pack: Pack, path: Path, size: tuple[int, int], report: ReportFn) -> None:
    from ..exporters.png_map import write_png

    write_png(pack, path, size, report)


def _png_companions(pack: Pack, target: Path) -> list[tuple[Path, Writer]]:
    """One more map image per further scenario, beside the first: ``map-<scenario-slug>.png``."""
    from ..exporters.png_map import png_paths, write_png

    def writer(index: int) -> Writer:
        return lambda pack, path, size, report: write_png(pack, path, size, report, scenario=index)

    paths = png_paths(target, [sp.name for sp in pack.scenarios])
    return [(path, writer(index)) for index, path in enumerate(paths) if index]


def _write_gpkg(pack: Pack, path: Path, size: tuple[int, int], report: ReportFn) -> None:
    from ..exporters import gis

    gis.write_geopackage(pack, path, report)


def _write_geojson(pack: Pack, path: Path, size: tuple[int, int], report: ReportFn) -> None:
    from ..exporters import gis

    gis.write_geojson(pack, path, report)


def _write_shp(pack: Pack, path: Path, size: tuple[int, int], report: ReportFn) -> None:
    from ..exporters import gis

    gis.write_shapefile_zip(pack, path, report)


def _write_xlsx(pack: Pack, path: Path, size: tuple[int, int], report: ReportFn) -> None:
    from ..exporters.workbook import write_workbook

    write_workbook(pack, path, report)


@dataclass(frozen=True)
class ExportKind:
    """One output of the leadership pack.

    ``key`` is the ``export_pack`` keyword and the CLI option (``--html``); ``label`` is what the export dialog
    lists; ``what`` names the file in messages; ``short`` in lists; ``ending`` is the file name ending to suggest
    (``required`` when another one is refused); ``help`` is the CLI help; ``weight`` its relative cost (for
    progress); ``outlines`` which territory outlines it draws ("display": simplified for maps, "exact": for GIS).
    """

    key: str
    label: str
    what: str
    short: str
    ending: str
    help: str
    weight: float
    outlines: str
    write: Writer
    required: str | None = None
    #: Further files the kind writes beside its target for the pack (the PNG: one image per further scenario).
    companions: Callable[[Pack, Path], list[tuple[Path, Writer]]] | None = None
    #: Painted with Qt (PDF, PNG): a process without a window needs render.application.headless_application().
    painted: bool = False


EXPORT_KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "html", "Interactive map (HTML)", "interactive map", "HTML", ".html", "Interactive offline map (.html).",
        1.0, "display", _write_html,
    ),
    ExportKind(
        "pdf", "Report (PDF)", "PDF report", "PDF", ".pdf", "Leadership report (.pdf).", 2.0, "display", _write_pdf,
        painted=True,
    ),
    ExportKind(
        "png", "Map image (PNG)", "map image", "PNG", ".png",
        "Map picture (.png); with several scenarios one more per scenario beside it (map-<scenario>.png).",
        1.0, "display", _write_png, companions=_png_companions, painted=True,
    ),
    ExportKind(
        "gpkg", "GeoPackage (GIS)", "GeoPackage", "GeoPackage", ".gpkg", "GeoPackage: territories, units, hires.",
        2.0, "exact", _write_gpkg,
    ),
    ExportKind(
        "geojson", "GeoJSON territories (GIS)", "GeoJSON file", "GeoJSON", ".geojson", "GeoJSON of territories.",
        0.7, "exact", _write_geojson,
    ),
    ExportKind(
        "shp", "Shapefile territories, zipped (GIS)", "zipped Shapefile", "Shapefile", ".shp.zip",
        "Zipped Shapefile of territories (.zip).", 0.7, "exact", _write_shp, required=".zip",
    ),
    ExportKind(
        "xlsx", "Workbook (XLSX)", "workbook", "XLSX", ".xlsx", "Workbook that `import workbook` reads back.",
        1.0, "none", _write_xlsx, required=".xlsx",
    ),
)  # fmt: skip
#: Export kinds by key.
KINDS: dict[str, ExportKind] = {kind.key: kind for kind in EXPORT_KINDS}
#: What the export dialog ticks the first time.
DEFAULT_EXPORT_KINDS = ("html", "pdf", "xlsx")


__all__ = ["DEFAULT_EXPORT_KINDS", "EXPORT_KINDS", "KINDS", "ExportKind", "Writer"]
