"""Defects of the leadership pack found in the workshop trial (issue 16 §3 items 9, 10, 12 and 13)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pyogrio
import pytest
from export_fixtures import Browser
from PySide6.QtGui import QImage

from territory_planner.domain import BASELINE, Plan, Territory, evaluate
from territory_planner.domain.commands import AssignUnits, Batch, CreateTerritory
from territory_planner.domain.comparison import ROUND_OFF
from territory_planner.exporters.gis import GPKG_APPLICATION_ID, GPKG_USER_VERSION
from territory_planner.exporters.png_map import png_paths, scenario_slug
from territory_planner.exporters.workbook import ALL_SCENARIO_SHEETS
from territory_planner.readers.workbook import read_workbook
from territory_planner.services.demo import build_demo_plan
from territory_planner.services.export import export_pack
from territory_planner.services.reporting import compare_reports, comparison_to_text

# --- item 13: a GeoPackage that older GDAL opens without a warning -------------------------------------------------


def test_geopackage_is_written_as_version_1_2(demo_plan: Plan, tmp_path: Path) -> None:
    """GDAL 3.7+ writes GeoPackage 1.4 by default, which GDAL 3.6 (Debian 12) opens with a warning every time."""
    path = tmp_path / "plan.gpkg"
    export_pack(demo_plan, list(demo_plan.scenarios), gpkg=path)
    header = path.read_bytes()[:100]
    assert header[:16] == b"SQLite format 3\x00"
    assert header[68:72] == b"GPKG"  # application_id, big-endian, at offset 68 of the SQLite header
    assert int.from_bytes(header[68:72], "big") == GPKG_APPLICATION_ID
    assert int.from_bytes(header[60:64], "big") == GPKG_USER_VERSION == 10200  # user_version: 1.2.0
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == GPKG_APPLICATION_ID
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200
        # a 1.2 file has no 1.4-only parts a 1.2 reader would not know
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys"} <= tables
    assert {name for name, _ in pyogrio.list_layers(path)} == {"territories", "units", "hires"}


# --- item 9: --all-scenarios gives every scenario's map image and detail -------------------------------------------


@pytest.fixture(scope="module")
def all_scenarios_pack(demo_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("all-scenarios")
    png, xlsx = folder / "map.png", folder / "plan.xlsx"
    written = export_pack(demo_plan, list(demo_plan.scenarios), png=png, xlsx=xlsx)
    return {"folder": folder, "written": written, "png": png, "xlsx": xlsx}


def test_every_scenario_gets_its_map_image(demo_plan: Plan, all_scenarios_pack: dict[str, object]) -> None:
    names = list(demo_plan.scenarios)
    assert len(names) >= 2
    expected = png_paths(all_scenarios_pack["png"], names)  # type: ignore[arg-type]
    assert [p.name for p in expected] == ["map.png", *(f"map-{scenario_slug(n)}.png" for n in names[1:])]
    written = all_scenarios_pack["written"]
    assert all(path in written for path in expected)  # type: ignore[operator]
    images = [QImage(str(path)) for path in expected]
    assert all(not image.isNull() for image in images)
    assert len({path.read_bytes() for path in expected}) == len(expected)  # each map is its own scenario's
    folder: Path = all_scenarios_pack["folder"]  # type: ignore[assignment]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temp file left


def test_scenario_slugs_are_file_names_and_unique(tmp_path: Path) -> None:
    assert scenario_slug("Hire 4, fund Texas and New England") == "hire-4-fund-texas-and-new-england"
    assert scenario_slug("<img src=x onerror=alert(1)>/../..") == "img-src-x-onerror-alert-1"
    assert scenario_slug("Zürich été") == "zurich-ete" and scenario_slug("???") == "scenario"
    paths = png_paths(tmp_path / "map.png", ["baseline", "What if", "what-if", "?", "!"])
    assert [p.name for p in paths] == ["map.png", "map-what-if.png", "map-what-if-2.png", "map-scenario.png",
                                       "map-scenario-2.png"]  # fmt: skip


def test_workbook_lists_every_scenario_and_still_imports_back(
    demo_plan: Plan, all_scenarios_pack: dict[str, object]
) -> None:
    from openpyxl import load_workbook

    path: Path = all_scenarios_pack["xlsx"]  # type: ignore[assignment]
    wb = load_workbook(path, read_only=True)
    assert set(ALL_SCENARIO_SHEETS) <= set(wb.sheetnames)
    rows = list(wb["All territories"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Scenario", "territory", "region")
    listed = {(r[0], r[1]) for r in rows[1:]}
    expected = {(name, t) for name, s in demo_plan.scenarios.items() for t in s.territories}
    assert listed == expected
    sellers = {(r[0], r[1]) for r in list(wb["All sellers"].iter_rows(values_only=True))[1:]}
    assert sellers == {(name, seller) for name, s in demo_plan.scenarios.items() for seller in s.sellers}
    allocations = {(r[0], r[2]) for r in list(wb["All allocations"].iter_rows(values_only=True))[1:]}
    assert allocations == {(name, a.name) for name, s in demo_plan.scenarios.items() for a in s.allocations.values()}
    wb.close()
    # the plan sheets still hold the first scenario and import back into a copy of it unchanged
    plan = demo_plan.deepcopy()
    first = next(iter(plan.scenarios))
    before = plan.scenario(first).clone(first)
    read_workbook(plan, first, path).apply(plan)
    assert plan.scenario(first).content_equals(before)


def test_cli_export_all_scenarios_names_every_map(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from territory_planner.cli import cli

    plan = tmp_path / "demo.tplan"
    assert CliRunner().invoke(cli, ["demo", str(plan)]).exit_code == 0
    result = CliRunner().invoke(cli, ["export", str(plan), "--all-scenarios", "--png", str(tmp_path / "map.png")])
    assert result.exit_code == 0, result.output
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(pngs) == 2 and "map.png" in pngs
    assert all(f"Wrote {tmp_path / name}" in result.output for name in pngs)


# --- item 12: the comparison leads with the money that moved; round-off changes go to a detail table ---------------


def _pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")]


@pytest.fixture(scope="module")
def comparison(demo_plan: Plan) -> tuple[dict[str, object], str, list[str]]:
    """The JSON and text of ``scenario compare`` for the demo plan's what-if, and its round-off territories."""
    base, what_if = list(demo_plan.scenarios)
    ra, rb = (evaluate(demo_plan.scenario(n), demo_plan.layer) for n in (base, what_if))
    result = compare_reports(ra, rb, demo_plan.scenario(base), demo_plan.scenario(what_if))
    small = [t["territory"] for t in result["territories"] if t["round_off"]]  # type: ignore[index]
    return result, comparison_to_text(result, ra.currency), small


def test_comparison_names_the_allocation_moves(comparison: tuple[dict[str, object], str, list[str]]) -> None:
    result, text, _ = comparison
    moves = {m["name"]: m for m in result["allocations"]}  # type: ignore[attr-defined]
    assert (moves["Texas"]["budget_a"], moves["Texas"]["budget_b"]) == (190_000.0, 270_000.0)
    assert (moves["New England"]["budget_a"], moves["New England"]["budget_b"]) == (None, 190_000.0)
    assert moves["West"]["level"] == "region" and moves["West"]["change"] == -20_000.0
    first = text.index("Money that moved")
    assert first < text.index("Planned hires that changed") < text.index("Territories whose status changed")
    assert first < text.index("Totals:")
    assert re.search(r"Texas\s+\$190k → \$270k\s+\+\$80k", text)
    assert re.search(r"New England\s+none → \$190k\s+\+\$190k", text)
    assert re.search(r"West \(region pool\)\s+\$820k → \$800k\s+−\$20k", text)


def test_round_off_changes_go_to_a_detail_table(
    demo_plan: Plan, comparison: tuple[dict[str, object], str, list[str]]
) -> None:
    result, text, small = comparison
    assert small, "the demo what-if shifts the West pool's shares by a few hundred dollars"
    base, what_if = list(demo_plan.scenarios)
    ra, rb = (evaluate(demo_plan.scenario(n), demo_plan.layer) for n in (base, what_if))
    for name in small:
        x, y = ra.territory(name), rb.territory(name)
        assert x.status == y.status and abs(x.gap - y.gap) < ROUND_OFF
    detail = text.index("Round-off changes")
    for name in small:  # only in the detail part, after the totals
        assert text.index(f"  {name}:") > detail
    for t in result["territories"]:  # type: ignore[attr-defined]
        if t["status_a"] != t["status_b"]:
            assert not t["round_off"] and text.index(f"  {t['territory']}:") < detail


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_pdf_comparison_page_leads_with_money_and_puts_round_off_last(
    demo_plan: Plan, tmp_path: Path, comparison: tuple[dict[str, object], str, list[str]]
) -> None:
    _, _, small = comparison
    path = tmp_path / "report.pdf"
    export_pack(demo_plan, list(demo_plan.scenarios), pdf=path)
    pages = _pdf_pages(path)
    start = next(i for i, page in enumerate(pages) if "Comparison — " in page)
    flat = " ".join(pages[start:])
    money_at = flat.index("What changed in money")
    assert money_at < flat.index("Planned hires that changed") < flat.index("Territories whose status changed")
    assert re.search(r"Texas \$190k \$270k \+\$80k", flat)
    assert re.search(r"New England none \$190k \+\$190k", flat)
    assert re.search(r"West \(region pool\) \$820k \$800k −\$20k", flat)
    status_at = flat.index("Territories whose status changed")
    detail_at = flat.index("Detail: round-off changes")
    assert status_at < flat.index("Totals") < detail_at
    for name in small:
        assert flat.index(name, money_at) > detail_at, f"{name} changed by round-off only: detail table"


def test_cli_scenario_compare_leads_with_the_money(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from territory_planner.cli import cli

    plan = tmp_path / "demo.tplan"
    assert CliRunner().invoke(cli, ["demo", str(plan)]).exit_code == 0
    what_if = "Hire 4, fund Texas and New England"
    result = CliRunner().invoke(cli, ["scenario", "compare", str(plan), "baseline", what_if])
    assert result.exit_code == 0, result.output
    assert result.output.index("Money that moved") < result.output.index("Territories whose status changed")
    doc = json.loads(CliRunner().invoke(cli, ["scenario", "compare", str(plan), "baseline", what_if, "--json"]).output)
    assert {m["name"] for m in doc["allocations"]} == {"Texas", "New England", "West"}
    assert all("round_off" in t for t in doc["territories"])


# --- item 10: every territory is named on every map ---------------------------------------------------------------

#: New England and the Mid-Atlantic split by state: many small territories side by side, so labels collide.
CROWDED_STATES = ("ME", "NH", "VT", "MA", "RI", "CT", "NJ", "DE", "MD")


@pytest.fixture(scope="module")
def crowded_plan() -> Plan:
    """The demo plan with a territory per small north-eastern state (Rhode Island, Delaware… are a few pixels)."""
    plan = build_demo_plan()
    units = plan.layer.units
    commands = []
    for state in CROWDED_STATES:
        name = f"State {state}"
        commands.append(CreateTerritory(BASELINE, Territory(name, None, "#59a14f")))
        ids = tuple(str(u) for u in units.index[units["state"] == state])
        commands.append(AssignUnits(BASELINE, ((name, ids),), "county"))
    Batch("Crowd the north-east", tuple(commands)).apply(plan)
    plan.scenario().territories["Empty one"] = Territory("Empty one", None, "#e15759")  # no units: not on the map
    return plan


def _map_pages(pdf: Path) -> list[str]:
    return [page for page in _pdf_pages(pdf) if re.search(r"Map — scenario", page)]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("which", ["demo", "crowded"])
def test_pdf_map_page_names_every_territory(which: str, demo_plan: Plan, crowded_plan: Plan, tmp_path: Path) -> None:
    plan = demo_plan if which == "demo" else crowded_plan
    path = tmp_path / "report.pdf"
    export_pack(plan, list(plan.scenarios), pdf=path)
    pages = _map_pages(path)
    assert len(pages) == len(plan.scenarios)
    for page, scenario in zip(pages, plan.scenarios.values(), strict=True):
        for name in scenario.territories:
            assert name in page, f"{name} is not named on the map of {scenario.name}"
    if which == "crowded":
        assert re.search(r"No units, not on the map: [^.]*Empty one", pages[0])


def test_every_label_is_placed_once_at_its_anchor_beside_it_or_numbered() -> None:
    """Thirty territories on one spot: one label there, the others moved with leader lines or numbered for the key;
    no two drawn labels overlap and every territory appears exactly once."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QTransform

    from territory_planner import render as qtmap

    anchors = [qtmap.LabelAnchor(code, 200.0, 130.0, 30.0 - code, 300.0, 100.0) for code in range(30)]
    layouts = {code: qtmap.label_layout(f"Territory number {code}", 0, False) for code in range(30)}
    placed = qtmap.place_all_labels(anchors, layouts, QTransform(), QRectF(0, 0, 400, 260))
    assert sorted(p.anchor.code for p in placed) == list(range(30))
    at_anchor = [p for p in placed if p.leader is None and p.number is None]
    moved = [p for p in placed if p.leader is not None]
    numbered = [p for p in placed if p.number is not None]
    assert len(at_anchor) == 1 and moved and numbered
    assert [p.number for p in numbered] == list(range(1, len(numbered) + 1))
    boxes = [qtmap.label_box(p.center, layouts[p.anchor.code]) for p in placed if p.number is None]
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    lines = qtmap.key_lines(placed, [layouts[c].name for c in range(30)], ["Empty"])
    assert len(lines) == len(numbered) + 1
    assert all(f"{p.number}  Territory number {p.anchor.code}" in lines for p in numbered)


#: After load, for each scenario (layer control), every territory label's name, whether it shows as a number and
#: whether it is hidden, and the key's rows: one JSON document in a <pre> the test reads from the DOM.
LABEL_PROBE = """
<script>
window.addEventListener('load', function() {
  var out = document.createElement('pre');
  out.id = 'tp-label-probe';
  document.body.appendChild(out);
  Object.keys(window).forEach(function(k) {
    var map = window[k];
    if (!(map instanceof L.Map)) { return; }
    var seen = [];
    var record = function() {
      var labels = [];
      map.getContainer().querySelectorAll('.tp-label > div').forEach(function(el) {
        labels.push({name: el.querySelector('.tp-label-name').textContent, num: el.dataset.num,
                     keyed: el.classList.contains('tp-keyed'),
                     hidden: getComputedStyle(el).visibility === 'hidden' || el.offsetParent === null});
      });
      var key = [];
      map.getContainer().querySelectorAll('.tp-key .tp-key-row').forEach(function(row) {
        key.push({num: row.dataset.num, text: row.textContent});
      });
      seen.push({labels: labels, key: key});
    };
    var controls = map.getContainer().querySelectorAll('.leaflet-control-layers-selector');
    record();
    for (var i = 1; i < controls.length; i++) { controls[i].click(); record(); }
    out.textContent = JSON.stringify(seen);
  });
});
</script>
"""


@pytest.mark.browser
@pytest.mark.parametrize("which", ["demo", "crowded"])
def test_html_map_names_every_territory_at_the_opening_view(
    which: str, demo_plan: Plan, crowded_plan: Plan, browser: Browser, tmp_path: Path
) -> None:
    """A label that collides shows its number and the key names it; none is hidden (New York Metro was)."""
    import html as html_lib
    import json

    plan = demo_plan if which == "demo" else crowded_plan
    page = tmp_path / "map.html"
    export_pack(plan, list(plan.scenarios), html=page)
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", LABEL_PROBE + "</body>"), encoding="utf-8")
    dom = browser.dom(probe, tmp_path)
    found = re.search(r'<pre id="tp-label-probe">(.*?)</pre>', dom, flags=re.DOTALL)
    assert found, "the probe did not run"
    views = json.loads(html_lib.unescape(found.group(1)))
    assert len(views) == len(plan.scenarios)
    keyed_somewhere = False
    for view, scenario in zip(views, plan.scenarios.values(), strict=True):
        on_map = {name for name, t in scenario.territories.items() if name in scenario.assignment.values()}
        assert {label["name"] for label in view["labels"]} == on_map
        key = {row["num"]: row["text"] for row in view["key"]}
        for label in view["labels"]:
            assert not label["hidden"], f"{label['name']} is hidden on the map of {scenario.name}"
            if label["keyed"]:
                keyed_somewhere = True
                assert key.get(label["num"]) == f"{label['num']} {label['name']}", f"{label['name']} has no key entry"
        assert len(key) == sum(1 for label in view["labels"] if label["keyed"])
    if which == "crowded":
        assert keyed_somewhere, "the crowded north-east needs the key"
