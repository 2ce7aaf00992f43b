"""The PDF leadership report and the PNG map: text, pages, pictures."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from territory_planner.domain import BASELINE, Plan
from territory_planner.exporters.pack import ExportError, build_pack
from territory_planner.exporters.png_map import render_png
from territory_planner.services.export import export_pack

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) is not installed",
)


@pytest.fixture(scope="module")
def report_pdf(demo_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    export_pack(demo_plan, list(demo_plan.scenarios), pdf=path)
    return path


def _text(pdf: Path) -> str:
    result = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return result.stdout


@needs_poppler
def test_pdf_text_has_verdict_territories_statuses_and_comparison(report_pdf: Path, demo_plan: Plan) -> None:
    text = _text(report_pdf)
    flat = re.sub(r"\s+", " ", text)
    assert demo_plan.name in flat
    for scenario in demo_plan.scenarios.values():
        for territory in scenario.territories:
            assert territory in flat
    baseline = build_pack(demo_plan, [BASELINE], maps=False).scenarios[0].report
    assert baseline.verdict() in flat
    for word in ("Funded", "At risk", "Unfunded"):
        assert word in flat
    for hire in baseline.hires:
        assert hire.seller in flat
    assert "What both teams agreed" in flat and "Cost per lead" in flat and "$180" in flat
    assert "New York Metro: Cost per lead" in flat  # an override, with its plan value
    assert "To resolve before offers are signed" in flat
    assert "Comparison — baseline →" in flat
    assert "What changed in money" in flat and "Territories whose status changed" in flat


@needs_poppler
def test_pdf_pages_render(report_pdf: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(report_pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 8
    for page in pages:
        image = QImage(str(page))
        assert not image.isNull()
        assert image.width() > image.height(), "landscape pages"
    # The map page has the territory colours (vector fills), not just text.
    map_page = QImage(str(pages[1]))
    colours = {
        map_page.pixelColor(x, y).name() for x in range(0, map_page.width(), 3) for y in range(0, map_page.height(), 3)
    }
    assert len(colours) > 60


@needs_poppler
def test_pdf_map_is_vector(report_pdf: Path) -> None:
    result = subprocess.run(["pdfimages", "-list", str(report_pdf)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip("pdfimages is not available")
    rows = [line for line in result.stdout.splitlines()[2:] if line.strip()]
    big = [r for r in rows if int(r.split()[3]) > 200 or int(r.split()[4]) > 200]
    assert not big, "the map is painted as vector shapes, not pasted in as a picture"


@needs_poppler
def test_single_scenario_report_has_no_comparison(demo_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "one.pdf"
    export_pack(demo_plan, [BASELINE], pdf=path)
    assert "Comparison" not in _text(path)


def test_png_has_the_size_asked_and_shows_the_territories(demo_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "map.png"
    export_pack(demo_plan, [BASELINE], png=path, png_size=(1200, 800))
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1200, 800)
    wanted = {QColor(t.color).name() for t in demo_plan.scenario(BASELINE).territories.values()}
    seen = {image.pixelColor(x, y).name() for x in range(0, 1200, 2) for y in range(0, 800, 2)}
    assert len(wanted & seen) >= 6, "territory fills are painted in their colours"


def test_large_png_scales_text_with_the_image(demo_plan: Plan) -> None:
    pack = build_pack(demo_plan, [BASELINE])
    small = render_png(pack, (1400, 900))
    large = render_png(pack, (2800, 1800))
    assert large.devicePixelRatio() == pytest.approx(2.0)
    assert small.devicePixelRatio() == pytest.approx(1.0)


def test_png_size_is_checked(demo_plan: Plan, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="pixels a side"):
        export_pack(demo_plan, [BASELINE], png=tmp_path / "x.png", png_size=(50, 20000))
    assert list(tmp_path.iterdir()) == []
