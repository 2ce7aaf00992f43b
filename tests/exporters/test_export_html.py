"""The interactive HTML map: self-contained, offline, escaped, and really rendered by a browser."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from export_fixtures import HOSTILE_PLAN, HOSTILE_SCENARIO, HOSTILE_SELLER, HOSTILE_TERRITORY, Browser
from PySide6.QtGui import QColor, QImage

from territory_planner.domain import BASELINE, Plan
from territory_planner.exporters.html_map import leaflet_assets
from territory_planner.exporters.pack import build_pack
from territory_planner.services.export import export_pack

URL = re.compile(r"https?://[^\s\"'<>)\\]+")
#: URLs that stay in Leaflet's own code but are never loaded: the SVG namespace, and the attribution link of the
#: attribution control, which the map turns off.
NOT_LOADED = {"http://www.w3.org/2000/svg", "https://leafletjs.com"}


@pytest.fixture(scope="module")
def demo_html(demo_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "demo map.html"
    export_pack(demo_plan, list(demo_plan.scenarios), html=path)
    return path


@pytest.fixture(scope="module")
def hostile_html(hostile_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.html"
    export_pack(hostile_plan, list(hostile_plan.scenarios), html=path)
    return path


def test_file_is_self_contained_and_loads_nothing_remote(demo_html: Path) -> None:
    text = demo_html.read_text(encoding="utf-8")
    js, css = leaflet_assets()
    assert js in text and css in text, "Leaflet is inlined from the xstatic package"
    assert set(URL.findall(text)) <= NOT_LOADED
    ours = text.replace(js, "")  # Leaflet's licence banner and attribution text name its home page
    assert not URL.search(ours)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*//""", ours, re.IGNORECASE)
    assert "@import" not in text
    assert "cdn." not in text and "jquery" not in text.lower() and "bootstrap" not in text.lower()
    assert "url(images/" not in text, "Leaflet's CSS images are inlined as data URIs"
    assert "attributionControl" in text and '"attributionControl": false' in text


def test_county_plan_stays_small(demo_html: Path) -> None:
    assert demo_html.stat().st_size < 5_000_000


def test_every_scenario_is_a_switchable_layer(demo_html: Path, demo_plan: Plan) -> None:
    text = demo_html.read_text(encoding="utf-8")
    assert "L.control.layers(" in text
    for name in demo_plan.scenarios:
        assert html.escape(name) in text


def test_hostile_names_never_appear_raw_in_the_file(hostile_html: Path) -> None:
    text = hostile_html.read_text(encoding="utf-8")
    for raw in (HOSTILE_TERRITORY, HOSTILE_SELLER, HOSTILE_SCENARIO, HOSTILE_PLAN, "<img src=x", "</script><script>"):
        assert raw not in text
    # In the page's data the name is HTML-escaped, then JSON-escaped (``&`` as \u0026) inside the script.
    assert "\\u0026lt;img src=x onerror=" in text


def test_single_scenario_has_no_layer_control(demo_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "one.html"
    export_pack(demo_plan, [BASELINE], html=path)
    text = path.read_text(encoding="utf-8")
    assert "L.control.layers(" not in text
    assert "hiring plan — baseline</title>" in text


def test_pack_without_shapes_cannot_draw_a_map(demo_plan: Plan) -> None:
    from territory_planner.exporters.html_map import build_map
    from territory_planner.exporters.pack import ExportError

    pack = build_pack(demo_plan, [BASELINE], maps=False)
    with pytest.raises(ExportError, match="without map shapes"):
        build_map(pack)


# --- in a real browser -------------------------------------------------------------------------------------------


def _blend(color: str, over: str, alpha: float) -> QColor:
    a, b = QColor(color), QColor(over)
    return QColor(
        round(alpha * a.red() + (1 - alpha) * b.red()),
        round(alpha * a.green() + (1 - alpha) * b.green()),
        round(alpha * a.blue() + (1 - alpha) * b.blue()),
    )


def _count_near(image: QImage, color: QColor, tolerance: int = 6) -> int:
    """Pixels within ``tolerance`` of ``color`` on every channel (sampled on a 2-pixel grid)."""
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - color.red()) <= tolerance
                and abs(c.green() - color.green()) <= tolerance
                and abs(c.blue() - color.blue()) <= tolerance
            ):
                count += 1
    return count


@pytest.mark.browser
def test_map_renders_offline_with_territory_colours(
    demo_html: Path, demo_plan: Plan, browser: Browser, tmp_path: Path
) -> None:
    shot = tmp_path / "map.png"
    log = browser.screenshot(demo_html, shot, tmp_path)
    image = QImage(str(shot))
    assert not image.isNull() and image.width() == 1400
    # Funded territories are plain fills at 62 % over the land colour; each must cover a visible area.
    report = build_pack(demo_plan, [BASELINE], maps=False).scenarios[0]
    funded = [f for f in report.territories if f.status == "funded"]
    assert len(funded) >= 3
    for facts in funded:
        expected = _blend(facts.color, "#f5f3ec", 0.62)
        assert _count_near(image, expected) > 300, f"{facts.name} ({facts.color}) is not visible on the map"
    assert "net::ERR" not in log, "the page tried to load something"
    assert "Uncaught" not in log, "a script failed"


@pytest.mark.browser
def test_dom_shows_a_populated_leaflet_map(demo_html: Path, demo_plan: Plan, browser: Browser, tmp_path: Path) -> None:
    dom = _without_scripts(browser.dom(demo_html, tmp_path))
    assert "leaflet-container" in dom
    paths = re.findall(r"<path[^>]+class=\"leaflet-interactive\"", dom)
    assert len(paths) >= 11, "every territory of the scenario shown is an interactive shape"
    assert dom.count('class="leaflet-control-layers-selector"') == len(demo_plan.scenarios)
    for name in ("Texas", "New England", "Great Lakes"):
        assert f">{name}<" in dom  # labels
    assert "Unfunded" in dom and "At risk" in dom and "Funding status" in dom  # labels and legend
    assert re.search(r'fill="url\(#tp-hatch-\d+\)"', dom), "unfunded and at-risk territories are hatched"
    assert re.search(r'stroke-dasharray="6 4"', dom), "unfunded territories have dashed outlines"
    assert "of 11 territories" in dom  # the verdict box


def _without_scripts(dom: str) -> str:
    """The rendered elements only: what the scripts built, not the scripts' own text."""
    return re.sub(r"<script\b.*?</script>", "", dom, flags=re.DOTALL | re.IGNORECASE)


OPEN_EVERYTHING = """
<script>
window.addEventListener('load', function() {
  var dump = document.createElement('pre');
  dump.id = 'tp-test-dump';
  document.body.appendChild(dump);
  Object.keys(window).forEach(function(key) {
    var map = window[key];
    if (!(map instanceof L.Map)) { return; }
    var controls = map.getContainer().querySelectorAll('.leaflet-control-layers-selector');
    var visit = function() {
      map.eachLayer(function(layer) {
        if (layer.getPopup && layer.getPopup()) {
          layer.openPopup();
          var el = layer.getPopup().getElement();
          if (el) { dump.textContent += '\\n[popup]' + el.innerHTML; }
        }
        if (layer.getTooltip && layer.getTooltip()) {
          layer.openTooltip();
          var tip = layer.getTooltip().getElement();
          if (tip) { dump.textContent += '\\n[tooltip]' + tip.innerHTML; }
        }
      });
    };
    visit();
    for (var i = controls.length - 1; i >= 0; i--) { controls[i].click(); visit(); }  // ends on the first
  });
});
</script>
"""


@pytest.mark.browser
def test_hostile_names_show_as_text_and_run_nothing(hostile_html: Path, browser: Browser, tmp_path: Path) -> None:
    probe = tmp_path / "probe.html"
    probe.write_text(hostile_html.read_text(encoding="utf-8") + OPEN_EVERYTHING, encoding="utf-8")
    dom = _without_scripts(browser.dom(probe, tmp_path))
    assert 'data-pwned="1"' not in dom
    title = re.search(r"<title>(.*?)</title>", dom, re.DOTALL)
    assert title is not None and html.unescape(title.group(1)).strip() != "pwned"
    assert html.unescape(title.group(1)).startswith("Plan </script><script>")
    # Shown as text: on the map label, in the layer control and in the summary box.
    assert html.escape(HOSTILE_TERRITORY, quote=False) in dom
    assert html.escape(HOSTILE_SCENARIO.split(" what-if")[0], quote=False) in dom
    # Every popup and tooltip was opened; their HTML holds the names escaped, never as elements.
    dump = re.search(r'<pre id="tp-test-dump">(.*?)</pre>', dom, re.DOTALL)
    assert dump is not None
    opened = html.unescape(dump.group(1))
    assert opened.count("[popup]") >= 11 and opened.count("[tooltip]") >= 11
    assert "&lt;img src=x onerror=" in opened  # the territory name in its card
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in opened  # the seller in the Texas card
    assert "<img src=" not in opened and "<script>" not in opened and "<svg onload" not in opened


def test_hires_the_map_cannot_place_are_listed(demo_plan: Plan, tmp_path: Path) -> None:
    from territory_planner.domain import Month, Seller, Territory
    from territory_planner.domain.commands import AddSeller, Batch, CreateTerritory

    plan = demo_plan.deepcopy()
    Batch(
        "Add a territory without counties and two hires the map cannot place",
        (
            CreateTerritory(BASELINE, Territory("Alaska", None, "#9467bd")),
            AddSeller(BASELINE, Seller("Anchorage AE", "Alaska", "planned", Month(2027, 6), 4, 900_000.0)),
            AddSeller(BASELINE, Seller("Floating AE", None, "planned", Month(2027, 6), 4, 900_000.0)),
        ),
    ).apply(plan)
    path = tmp_path / "map.html"
    export_pack(plan, [BASELINE], html=path)
    text = html.unescape(path.read_text(encoding="utf-8").replace("\\u0026", "&"))
    assert "Anchorage AE (Alaska has no counties yet)" in text
    assert "Floating AE (no territory)" in text
