"""The export use case: all files at once, progress, clear errors, and nothing half-written on failure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from territory_planner.domain import BASELINE, Plan, PlanError, UnknownName
from territory_planner.exporters import gis, workbook
from territory_planner.exporters.pack import ExportError
from territory_planner.exporters.png_map import png_paths
from territory_planner.services.export import export_pack
from territory_planner.services.progress import Cancelled, Progress

ALL = ("html", "pdf", "png", "gpkg", "geojson", "shp", "xlsx")


def _targets(folder: Path) -> dict[str, Path]:
    names = {
        "html": "map.html",
        "pdf": "report.pdf",
        "png": "map.png",
        "gpkg": "plan.gpkg",
        "geojson": "territories.geojson",
        "shp": "territories.zip",
        "xlsx": "plan.xlsx",
    }
    return {kind: folder / name for kind, name in names.items()}


def test_whole_pack_with_progress(
    demo_plan: Plan, tmp_path: Path, progress_log: tuple[list[tuple[float, str]], Callable[[float, str], None]]
) -> None:
    calls, progress = progress_log
    targets = _targets(tmp_path)
    written = export_pack(demo_plan, list(demo_plan.scenarios), progress=progress, **targets)
    # one map image per scenario: map.png, then map-<scenario-slug>.png beside it (issue 16 §3 item 9)
    maps = png_paths(targets["png"], list(demo_plan.scenarios))
    expected = [path for k in ALL for path in (maps if k == "png" else [targets[k]])]
    assert written == expected and len(maps) == len(demo_plan.scenarios)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in expected)
    assert all(p.stat().st_size > 0 for p in written)
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions), "progress only moves forward"
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(message for _, message in calls)
    assert any("PDF" in m or "report" in m for _, m in calls)


def _fail_midway(path: Path) -> None:
    Path(path).write_bytes(b"half a file")
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("kind", ["xlsx", "gpkg", "html"])
def test_failure_midway_leaves_no_file_and_no_temp(
    demo_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    if kind == "xlsx":
        monkeypatch.setattr(workbook, "write_bytes", lambda path, data: _fail_midway(path))
    elif kind == "gpkg":
        real = gis._write

        def write(frame, path, layer, driver, append=False, **kwargs):  # type: ignore[no-untyped-def]
            if layer == "units":
                raise OSError(28, "No space left on device")
            real(frame, path, layer, driver, append, **kwargs)

        monkeypatch.setattr(gis, "_write", write)
    else:
        from territory_planner.exporters import html_map

        def render(pack: object, progress: object = None) -> str:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(html_map, "render_html", render)
    targets = _targets(tmp_path)
    with pytest.raises(ExportError) as caught:
        export_pack(demo_plan, [BASELINE], **targets)
    message = str(caught.value)
    assert str(targets[kind]) in message and "No space left on device" in message
    assert "No file of the pack was written" in message
    assert isinstance(caught.value, PlanError)
    assert list(tmp_path.iterdir()) == [], "no target and no temporary file is left"


def test_failure_keeps_the_previous_files(demo_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    targets = _targets(tmp_path)
    for path in targets.values():
        path.write_text("last week's version", encoding="utf-8")
    monkeypatch.setattr(workbook, "write_bytes", lambda path, data: _fail_midway(path))
    with pytest.raises(ExportError):
        export_pack(demo_plan, [BASELINE], **targets)
    assert all(p.read_text(encoding="utf-8") == "last week's version" for p in targets.values())
    assert len(list(tmp_path.iterdir())) == len(targets)


def test_cancel_writes_nothing(demo_plan: Plan, tmp_path: Path) -> None:
    targets = _targets(tmp_path)
    reports: list[float] = []

    def report(fraction: float, message: str) -> None:
        reports.append(fraction)
        if len(reports) > 2:  # the user presses Cancel while the pack is being prepared
            progress.cancel()

    progress = Progress(report)
    with pytest.raises(Cancelled, match="cancelled"):
        export_pack(demo_plan, [BASELINE], progress=progress, **targets)
    assert list(tmp_path.iterdir()) == []


def test_clear_errors_before_any_work(demo_plan: Plan, tmp_path: Path) -> None:
    with pytest.raises(UnknownName, match="no scenario named 'nope'"):
        export_pack(demo_plan, ["nope"], html=tmp_path / "m.html")
    with pytest.raises(ExportError, match="at least one file"):
        export_pack(demo_plan, [BASELINE])
    with pytest.raises(ExportError, match="at least one scenario"):
        export_pack(demo_plan, [], html=tmp_path / "m.html")
    with pytest.raises(ExportError, match="does not exist"):
        export_pack(demo_plan, [BASELINE], pdf=tmp_path / "missing" / "r.pdf")
    with pytest.raises(ExportError, match="both be written"):
        export_pack(demo_plan, [BASELINE], html=tmp_path / "same", pdf=tmp_path / "same")
    with pytest.raises(ExportError, match=r"\.zip"):
        export_pack(demo_plan, [BASELINE], shp=tmp_path / "territories.shp")
    with pytest.raises(ExportError, match=r"\.xlsx"):
        export_pack(demo_plan, [BASELINE], xlsx=tmp_path / "plan.xls")
    assert list(tmp_path.iterdir()) == []


def test_single_exporters_are_atomic_too(demo_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from territory_planner.exporters.pack import build_pack

    pack = build_pack(demo_plan, [BASELINE], maps=False, exact_outlines=True)
    monkeypatch.setattr(gis, "territories_frame", lambda pack: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(ExportError, match=r"GeoJSON file could not be written.*boom"):
        gis.export_geojson(pack, tmp_path / "t.geojson")
    assert list(tmp_path.iterdir()) == []
