"""Exports never lie: a full disk or a failing writer raises ExportError and keeps the old file; temp files of a
killed export are removed by the next one; messages name the user's file, never our hidden temp file."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from territory_planner.cli import cli
from territory_planner.domain import BASELINE, Plan
from territory_planner.exporters import atomic, gis, pdf_report, png_map, workbook
from territory_planner.exporters.atomic import TEMP_TAG, clean_stale, temp_path
from territory_planner.exporters.pack import ExportError, Pack, build_pack
from territory_planner.persistence import save_plan
from territory_planner.services.export import export_pack

OLD = b"%PDF-1.4 last week's good report %%EOF"
KINDS = {
    "pdf": "report.pdf",
    "png": "map.png",
    "xlsx": "plan.xlsx",
    "gpkg": "plan.gpkg",
    "geojson": "territories.geojson",
    "shp": "territories.zip",
    "html": "map.html",
}


@pytest.fixture(scope="module")
def pack(demo_plan: Plan) -> Pack:
    return build_pack(demo_plan, [BASELINE], maps=True, exact_outlines=True)


def _fill_disk_after(monkeypatch: pytest.MonkeyPatch, budget: int) -> None:
    """Every file write of the exporters fails with ENOSPC once ``budget`` bytes were written in all."""
    left = [budget]

    def write(fd: int, data: memoryview) -> int:
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        n = min(len(data), left[0])
        left[0] -= n
        return os.write(fd, data[:n])

    monkeypatch.setattr(atomic, "_write_some", write)


def _only_the_old_file(folder: Path, target: Path, old: bytes) -> None:
    assert sorted(p.name for p in folder.iterdir()) == [target.name], "no temp file is left"
    assert target.read_bytes() == old, "the old file is untouched"


@pytest.mark.parametrize("kind", ["pdf", "png", "xlsx", "shp"])
def test_full_disk_raises_and_keeps_the_old_file(
    kind: str, demo_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / KINDS[kind]
    target.write_bytes(OLD)
    _fill_disk_after(monkeypatch, 4096)
    with pytest.raises(ExportError) as caught:
        export_pack(demo_plan, [BASELINE], **{kind: target})
    message = str(caught.value)
    assert str(target) in message and "No space left on device" in message
    assert TEMP_TAG not in message
    _only_the_old_file(tmp_path, target, OLD)


def test_short_writes_are_continued_not_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def dribble(fd: int, data: memoryview) -> int:
        return os.write(fd, data[:7])  # a device that takes a few bytes at a time

    monkeypatch.setattr(atomic, "_write_some", dribble)
    atomic.write_bytes(tmp_path / "f", b"x" * 1000)
    assert (tmp_path / "f").read_bytes() == b"x" * 1000
    monkeypatch.setattr(atomic, "_write_some", lambda fd, data: 0)
    with pytest.raises(OSError, match="No space left"):
        atomic.write_bytes(tmp_path / "g", b"data")


def test_pdf_that_qt_did_not_finish_is_refused(pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(OLD)
    real_end = pdf_report.QPainter.end

    def failed_end(self: Any) -> bool:
        real_end(self)  # Qt ends the document but reports a failure
        return False

    monkeypatch.setattr(pdf_report.QPainter, "end", failed_end)
    with pytest.raises(ExportError, match=r"report\.pdf.*incomplete"):
        pdf_report.export_pdf(pack, target)
    monkeypatch.undo()
    _only_the_old_file(tmp_path, target, OLD)
    assert pdf_report.is_complete_pdf(pdf_report.render_pdf(pack))
    assert not pdf_report.is_complete_pdf(pdf_report.render_pdf(pack)[:-200])


def test_png_that_qt_could_not_encode_is_refused(pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "map.png"
    target.write_bytes(OLD)
    monkeypatch.setattr(png_map.QImage, "save", lambda self, *args: False)
    with pytest.raises(ExportError, match=r"map\.png.*PNG"):
        png_map.export_png(pack, target, (300, 200))
    _only_the_old_file(tmp_path, target, OLD)


def test_gis_file_that_gdal_left_short_is_refused(pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "territories.geojson"
    target.write_bytes(OLD)
    real = gis._write

    def short(frame: Any, path: Path, *args: Any, **kwargs: Any) -> None:
        real(frame, path, *args, **kwargs)
        data = Path(path).read_bytes()
        Path(path).write_bytes(data[: len(data) // 3])  # GDAL said nothing, the disk filled up

    monkeypatch.setattr(gis, "_write", short)
    with pytest.raises(ExportError) as caught:
        gis.export_geojson(pack, target)
    assert "territories.geojson" in str(caught.value) and TEMP_TAG not in str(caught.value)
    _only_the_old_file(tmp_path, target, OLD)


def test_cli_export_on_a_full_disk_exits_2_and_keeps_the_pdf(
    demo_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "p.tplan"
    save_plan(demo_plan, plan)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "report.pdf"
    target.write_bytes(OLD)
    _fill_disk_after(monkeypatch, 10_000)
    result = CliRunner().invoke(cli, ["export", str(plan), "--pdf", str(target)])
    assert result.exit_code == 2, result.output
    assert "report.pdf" in result.stderr and "No space left" in result.stderr and TEMP_TAG not in result.stderr
    _only_the_old_file(out, target, OLD)


# --- temp files ---------------------------------------------------------------------------------------------


def test_a_killed_export_leaves_at_most_one_temp_and_the_next_export_removes_it(pack: Pack, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    stale = temp_path(target, ".pdf")
    assert stale.name == f".report.pdf{TEMP_TAG}.pdf"
    stale.write_bytes(b"%PDF-1.4 half")  # a kill mid-write
    legacy = tmp_path / ".report.pdf.k2j3h4g5.pdf"  # the random name of older versions
    legacy.write_bytes(b"half")
    journal = tmp_path / f".plan.gpkg{TEMP_TAG}.gpkg-journal"
    journal.write_bytes(b"j")
    keep = [tmp_path / ".report.pdf.notes", tmp_path / "report.pdf.bak", tmp_path / ".other.pdf.tp-export-tmp.pdf"]
    for path in keep:
        path.write_bytes(b"the user's")
    pdf_report.export_pdf(pack, target)
    assert pdf_report.is_complete_pdf(target.read_bytes())
    assert not stale.exists() and not legacy.exists()
    assert journal.exists(), "temps of another target are its own export's to clean"
    assert all(p.read_bytes() == b"the user's" for p in keep)
    gis.export_geopackage(pack, tmp_path / "plan.gpkg")
    assert not journal.exists()


def test_an_exception_mid_write_leaves_no_temp_and_the_old_file(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in KINDS.values():
        (tmp_path / name).write_bytes(OLD)
    monkeypatch.setattr(workbook, "build_workbook", _boom)
    monkeypatch.setattr(gis, "units_frame", _boom)
    monkeypatch.setattr(gis, "shapefile_frame", _boom)
    monkeypatch.setattr(gis, "territories_frame", _boom)
    monkeypatch.setattr(png_map, "render_png", _boom)
    monkeypatch.setattr(pdf_report, "_cover", _boom)
    for export, name in [
        (lambda p, t: pdf_report.export_pdf(p, t), "report.pdf"),
        (lambda p, t: png_map.export_png(p, t), "map.png"),
        (workbook.export_workbook, "plan.xlsx"),
        (gis.export_geopackage, "plan.gpkg"),
        (gis.export_geojson, "territories.geojson"),
        (gis.export_shapefile_zip, "territories.zip"),
    ]:
        with pytest.raises(ExportError, match="boom"):
            export(pack, tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(KINDS.values())
    assert all((tmp_path / name).read_bytes() == OLD for name in KINDS.values())


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("boom")


def test_no_scratch_file_goes_to_the_system_temp_folder(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """openpyxl's sheet scratch files and the Shapefile folder used to go to /tmp, where a kill left them."""
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    import openpyxl.worksheet._writer as sheet_writer

    made: list[str] = []
    real = sheet_writer.create_temporary_file

    def record(suffix: str = "") -> str:
        made.append(real(suffix))
        return made[-1]

    monkeypatch.setattr(sheet_writer, "create_temporary_file", record)
    monkeypatch.setattr(gis.shutil, "rmtree", lambda *a, **k: None)  # as if killed before cleaning up
    out = tmp_path / "out"
    out.mkdir()
    workbook.export_workbook(pack, out / "plan.xlsx")
    gis.export_shapefile_zip(pack, out / "territories.zip")
    assert made == [] and list(system_tmp.iterdir()) == []
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert leftovers == [f".territories.zip{TEMP_TAG}.zip.d"], "one scratch folder beside its target"
    monkeypatch.undo()
    gis.export_shapefile_zip(pack, out / "territories.zip")
    assert sorted(p.name for p in out.iterdir()) == ["plan.xlsx", "territories.zip"]


@pytest.mark.parametrize("length", [239, 247, 255])
def test_long_file_names_export_and_errors_name_them(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, length: int
) -> None:
    name = "r" * (length - 4) + ".pdf"
    target = tmp_path / name
    pdf_report.export_pdf(pack, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    assert len(temp_path(target, ".pdf").name.encode()) <= 255
    stale = temp_path(target, ".pdf")
    stale.write_bytes(b"half")
    assert clean_stale(target) == [stale]
    _fill_disk_after(monkeypatch, 100)
    with pytest.raises(ExportError) as caught:
        pdf_report.export_pdf(pack, target)
    assert name in str(caught.value) and TEMP_TAG not in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


# --- a real full disk ---------------------------------------------------------------------------------------


@pytest.fixture()
def mount_tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount a small tmpfs of the given size ("64k") (Linux, as root); skipped elsewhere."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("a real small disk needs Linux and root (mount -t tmpfs)")
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        point = tmp_path / f"disk{len(mounted)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
        mounted.append(point)
        return point

    try:
        yield mount
    finally:
        for point in mounted:
            subprocess.run(["umount", str(point)], check=False)


@pytest.fixture()
def small_disk(mount_tmpfs: Callable[[str], Path]) -> Path:
    """A 64 KiB tmpfs."""
    return mount_tmpfs("64k")


def _fill(disk: Path, leave: int) -> None:
    stat = os.statvfs(disk)
    (disk / "filler").write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))


@pytest.mark.parametrize("short", [4096, 60_000])
def test_real_disk_that_fills_near_the_end_of_the_pdf(
    pack: Pack, demo_plan: Plan, mount_tmpfs: Callable[[str], Path], short: int
) -> None:
    """Before, Qt ignored the failed writes: success was reported and a truncated PDF replaced the good one."""
    size = len(pdf_report.render_pdf(pack))
    disk = mount_tmpfs(f"{size // 1024 + 64}k")
    target = disk / "report.pdf"
    target.write_bytes(OLD)
    _fill(disk, size - short)
    with pytest.raises(ExportError, match="No space left"):
        export_pack(demo_plan, [BASELINE], pdf=target)
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in disk.iterdir()) == ["filler", "report.pdf"]


@pytest.mark.parametrize("kind", ["pdf", "png", "xlsx", "gpkg", "geojson", "shp", "html"])
def test_real_full_disk_keeps_the_old_file(kind: str, demo_plan: Plan, small_disk: Path) -> None:
    target = small_disk / KINDS[kind]
    target.write_bytes(OLD)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (56 * 1024))  # leave less room than any of the files needs
    with pytest.raises(ExportError) as caught:
        export_pack(demo_plan, [BASELINE], **{kind: target})
    assert str(target) in str(caught.value) and TEMP_TAG not in str(caught.value)
    assert sorted(p.name for p in small_disk.iterdir()) == sorted([target.name, "filler"])
    assert target.read_bytes() == OLD


def test_real_full_disk_export_data_changes_no_sheet(demo_plan: Plan, small_disk: Path) -> None:
    from territory_planner.exporters.sheets import export_sheets

    out = small_disk / "sheets"
    out.mkdir()
    kinds = ["territories", "assignments", "sellers", "allocations", "assumptions", "attributes"]
    for kind in kinds:
        (out / f"{kind}.csv").write_text(f"last week's {kind}\n", encoding="utf-8")
    with pytest.raises(ExportError, match="No space left"):
        export_sheets(demo_plan, BASELINE, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{k}.csv" for k in kinds)
    assert all((out / f"{k}.csv").read_text(encoding="utf-8") == f"last week's {k}\n" for k in kinds)
