"""Use case: export the leadership pack of some scenarios (and read an exported workbook back).

The pack is all or nothing: every file is first written to a temporary file beside its target, and the targets are
replaced only once every file has been written. A failure (or a cancel) leaves every target as it was and no
temporary file behind, and raises ExportError (a PlanError) saying which file failed and why (:class:`Cancelled`
after a cancel).

:data:`~.export_kinds.EXPORT_KINDS` is the one list of what can be exported: the CLI's ``export`` options, the
GUI's export dialog and :func:`export_pack` all come from it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import cast

from ..domain import Plan
from ..domain.commands import Batch
from ..domain.formatting import count
from ..domain.homes import parse_home
from ..exporters.atomic import atomic_path, check_written, user_reason
from ..exporters.pack import ExportError, build_pack
from .export_kinds import DEFAULT_EXPORT_KINDS, EXPORT_KINDS, KINDS, ExportKind
from .progress import Cancelled, Progress, ReportFn

_CANCELLED = "The export was cancelled; no file was written."


def _check_targets(targets: dict[str, Path]) -> None:
    if not targets:
        kinds = ", ".join(kind.short for kind in EXPORT_KINDS)
        raise ExportError(f"Choose at least one file to export ({kinds}).")
    seen: dict[Path, str] = {}
    for key, path in targets.items():
        what = KINDS[key].what
        resolved = path.resolve()
        if resolved in seen:
            raise ExportError(f"The {KINDS[seen[resolved]].what} and the {what} would both be written to {path}.")
        seen[resolved] = key
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise ExportError(f"The folder {folder} does not exist; create it or choose another place for {path.name}.")
        if path.is_dir():
            raise ExportError(f"{path} is a folder; give a file name for the {what}.")
    if "shp" in targets and targets["shp"].suffix.lower() != ".zip":
        raise ExportError(f"The Shapefile is written zipped: name it .zip, not {targets['shp'].name}.")
    if "xlsx" in targets and targets["xlsx"].suffix.lower() != ".xlsx":
        raise ExportError(f"The workbook must be an .xlsx file, not {targets['xlsx'].name}.")


def _check_companions(kind: ExportKind, companions: Sequence[tuple[Path, object]], targets: dict[str, Path]) -> None:
    """A further file of a kind (the map image of a further scenario) must not land on another file of the pack."""
    chosen = {path.resolve(): key for key, path in targets.items()}
    for path, _ in companions:
        other = chosen.get(path.resolve())
        if other is not None:
            raise ExportError(
                f"The {kind.what} of a further scenario goes to {path.name}, which is where the {KINDS[other].what} "
                "is to be written; choose another name for one of them."
            )


def home_points(plan: Plan, scenarios: list[str]) -> dict[str, tuple[float, float]]:
    """Home base text -> (longitude, latitude) for the home bases of the scenarios' sellers that are on the layer."""
    from ..readers.homes import home_location
    from .homes import placer_for

    placer = placer_for(plan.layer)
    out: dict[str, tuple[float, float]] = {}
    for name in scenarios:
        for seller in plan.scenario(name).sellers.values():
            if seller.home and seller.home not in out and placer.unit_of(seller.home) is not None:
                point = home_location(parse_home(seller.home))
                if point is not None:
                    out[seller.home] = point
    return out


def export_pack(
    plan: Plan,
    scenarios: Sequence[str],
    targets: Mapping[str, str | Path | None] | None = None,
    *,
    png_size: tuple[int, int] = (1600, 1000),
    progress: Progress | ReportFn | None = None,
    **paths: str | Path | None,
) -> list[Path]:
    """Write the chosen files of the leadership pack for ``scenarios`` (the first leads); returns the paths written.

    The files are given by export kind (see :data:`EXPORT_KINDS`), in ``targets`` or as keywords:
    ``html``: interactive offline map, one switchable layer per scenario. ``pdf``: report with cover, maps, tables,
    flags, assumptions and (two or more scenarios) a comparison. ``png``: the first scenario's map at ``png_size``
    pixels, and each further scenario's beside it (``map-<scenario-slug>.png``, see ``png_map.png_paths``).
    ``gpkg``: layers territories, units and hires. ``geojson``: territories. ``shp``: zipped Shapefile of
    territories (name it .zip). ``xlsx``: workbook of the first scenario that ``import workbook`` reads back (with
    several scenarios, sheets "All territories"... list every one).

    ``progress`` is told how far the work is; cancelling it stops the export (between files) with
    :class:`Cancelled` and nothing written. Raises UnknownName for an unknown scenario and ExportError for
    everything else.
    """
    given = {**(targets or {}), **paths}
    unknown = sorted(key for key in given if key not in KINDS)
    if unknown:
        raise ExportError(f"Territory Planner cannot export {', '.join(unknown)}; it exports {', '.join(KINDS)}.")
    chosen = {key: Path(value) for key, value in given.items() if value is not None}
    targets_in_order = {kind.key: chosen[kind.key] for kind in EXPORT_KINDS if kind.key in chosen}
    _check_targets(targets_in_order)
    names = list(dict.fromkeys(scenarios))
    if not names:
        raise ExportError("Choose at least one scenario to export.")
    for name in names:
        plan.scenario(name)  # an unknown name raises UnknownName before any work
    width, height = png_size
    if "png" in targets_in_order and not (100 <= width <= 16000 and 100 <= height <= 16000):
        raise ExportError(f"The map image must be 100 to 16000 pixels a side, not {width}x{height}.")

    tracker = Progress.of(progress)
    outlines = {KINDS[key].outlines for key in targets_in_order}
    pack_share = 0.15
    tracker.report(0.0, "Preparing the pack")
    pack = build_pack(
        plan,
        names,
        maps="display" in outlines,
        exact_outlines="exact" in outlines,
        progress=tracker.scaled(0.0, pack_share).quiet(),
        home_points=home_points(plan, names) if "display" in outlines else None,
    )
    total = sum(KINDS[key].weight for key in targets_in_order)
    done = 0.0
    written: list[Path] = []
    try:
        with contextlib.ExitStack() as stack:
            for key, target in targets_in_order.items():
                kind = KINDS[key]
                tracker.check(_CANCELLED)
                start = pack_share + (0.98 - pack_share) * done / total
                done += kind.weight
                end = pack_share + (0.98 - pack_share) * done / total
                # Writers get a report that never raises (they close their files themselves); the cancel is
                # honoured between files.
                step = tracker.scaled(start, end).quiet()
                companions = kind.companions(pack, target) if kind.companions else []
                _check_companions(kind, companions, targets_in_order)
                for path, write in [(target, kind.write), *companions]:
                    tmp = stack.enter_context(atomic_path(path))
                    try:
                        write(pack, tmp, png_size, step)
                        check_written(tmp, path)
                    except Exception as exc:
                        reason = user_reason(exc, tmp, path)
                        raise ExportError(
                            f"The {kind.what} could not be written to {path}: {reason}. "
                            "No file of the pack was written."
                        ) from exc
                    written.append(path)
            tracker.check(_CANCELLED)
            tracker.report(0.99, "Saving the files")
    except OSError as exc:  # moving a finished file into place failed (the others were not moved or were)
        raise ExportError(f"The pack could not be put in place: {exc}. Check the files and export again.") from exc
    tracker.report(1.0, f"Exported {count(len(written), 'file')}")
    return written


def import_workbook(plan: Plan, path: str | Path, scenario: str) -> Batch:
    """The batch that applies an exported workbook to ``scenario`` (not applied yet). The use case lives in
    :func:`.imports.import_workbook`; this keeps the round-trip tests' spelling (pack out, workbook back in)."""
    from .imports import import_workbook as read

    return cast(Batch, read(plan, scenario, path).command)  # read_workbook gives a Batch


__all__ = [
    "DEFAULT_EXPORT_KINDS",
    "EXPORT_KINDS",
    "KINDS",
    "Cancelled",
    "ExportError",
    "ExportKind",
    "export_pack",
    "import_workbook",
]
