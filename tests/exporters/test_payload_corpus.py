"""A corpus of template, markup, script, spreadsheet-formula and control-character payloads in every name field,
through every exporter: nothing is evaluated, nothing runs, every export succeeds and the names stay data.

Each template payload would leave a mark if any engine evaluated it: an arithmetic payload whose product (64211)
appears nowhere else, and a payload that would create a marker file through ``os.system``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from territory_planner.domain import BASELINE, Plan
from territory_planner.domain.commands import Batch, CopyScenario, EditSeller, RenameRegion, RenameTerritory
from territory_planner.services.demo import build_demo_plan
from territory_planner.services.export import export_pack

#: 9173 * 7 as a whole number, or the joined string: appears in a file only if an engine evaluated a payload.
EVALUATED = re.compile(r"(?<![\d.])64211(?![\d.])|tpEVALUATED")


def evaluated(text: str) -> bool:
    return EVALUATED.search(text) is not None


def corpus(marker: Path) -> list[str]:
    return [
        "{{ 9173*7 }}",
        "{{ 'tpEVAL' ~ 'UATED' }}",
        "{{ lipsum.__globals__.os.system('touch " + str(marker) + "') }}",
        "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}",
        "{% raw %}x",
        "{# open comment",
        "{%- for x in range(3) %}loop{% endfor %}",
        "${9173*7}",
        "<%= 9173*7 %>",
        "#{9173*7}",
        "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">",
        "</script><script>document.title='pwned'</script>",
        '"><svg onload="document.title=\'pwned\'">',
        "javascript:alert(1)",
        "'; alert(1); //",
        "=9173*7",
        "+SUM(9173,7)",
        "-2+3",
        "@SUM(1)",
        '=HYPERLINK("http://example.invalid","click")',
        "=cmd|' /C calc'!A0",
        "Quote \" and ' and \\ back",
        "Ünïcödé — 東京 🚀",
    ]


#: Control characters cannot be part of a name entered now; plans written before may still hold them (the plan name
#: is set directly), and every exporter must cope.
CONTROL = ("Bell\x07name", "Esc \x1b[31mred", "Tab\tand\nnewline")


@pytest.fixture(scope="module")
def marker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("marker") / "EXECUTED"


@pytest.fixture(scope="module")
def payload_plan(marker: Path) -> Plan:
    """The demo plan with a payload in every territory, region, seller, scenario and the plan name."""
    plan = build_demo_plan()
    payloads = corpus(marker)
    base = plan.scenario(BASELINE)
    commands: list[object] = []
    territories = [t.name for t in base.territories.values()]
    for name, payload in zip(territories, payloads, strict=False):
        commands.append(RenameTerritory(BASELINE, name, f"{payload} T"))
    regions = sorted({t.region for t in base.territories.values() if t.region})
    for name, payload in zip(regions, reversed(payloads), strict=False):
        commands.append(RenameRegion(BASELINE, name, f"{payload} R"))
    # Scenario names: copies of the baseline under the payloads not used for territories.
    for payload in payloads[len(territories) :][:6]:
        commands.append(CopyScenario(BASELINE, f"{payload} S"))
    Batch("payloads", tuple(commands)).apply(plan)  # type: ignore[arg-type]
    base = plan.scenario(BASELINE)
    for seller, payload in zip(list(base.sellers), payloads[::-1][3:], strict=False):
        old = base.seller(seller)
        EditSeller(BASELINE, old.name, replace(old, name=f"{payload} P")).apply(plan)
    plan.name = payloads[1] + " plan " + " ".join(CONTROL)
    return plan


@pytest.mark.parametrize("payload", CONTROL)
def test_control_characters_are_refused_in_new_names(payload: str) -> None:
    from territory_planner.domain import PlanError

    plan = build_demo_plan()
    with pytest.raises(PlanError, match=r"control character \(U\+00"):
        RenameTerritory(BASELINE, "Texas", payload).apply(plan)
    assert "Texas" in plan.scenario(BASELINE).territories


def _names(plan: Plan) -> set[str]:
    names = {plan.name, *plan.scenarios}
    for scenario in plan.scenarios.values():
        names.update(t.name for t in scenario.territories.values())
        names.update(t.region for t in scenario.territories.values() if t.region)
        names.update(scenario.sellers)
    return names


@pytest.fixture(scope="module")
def pack_files(payload_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pack")
    targets = {
        "html": out / "map.html",
        "pdf": out / "report.pdf",
        "png": out / "map.png",
        "gpkg": out / "plan.gpkg",
        "geojson": out / "plan.geojson",
        "shp": out / "plan.shp.zip",
        "xlsx": out / "plan.xlsx",
    }
    export_pack(payload_plan, list(payload_plan.scenarios), **targets)  # type: ignore[arg-type]
    return targets


def test_every_exporter_succeeds_and_nothing_ran(pack_files: dict[str, Path], marker: Path) -> None:
    for kind, path in pack_files.items():
        assert path.exists() and path.stat().st_size > 0, kind
    assert not marker.exists(), "a name was run as code"


def _page_data(text: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="tp-data-[^"]+">(.*?)</script>', text, re.DOTALL)
    assert match is not None, "the page keeps its data in one JSON block"
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_html_holds_names_only_as_data(pack_files: dict[str, Path], payload_plan: Plan) -> None:
    text = pack_files["html"].read_text(encoding="utf-8")
    assert not evaluated(text)
    outside = re.sub(r"<title>.*?</title>", "", text.split('<script type="application/json"')[0], flags=re.DOTALL)
    assert "EXECUTED" not in outside, "no payload outside the title and the data block"
    title = re.search(r"<title>(.*?)</title>", text, re.DOTALL)
    assert title is not None and "\x07" not in title.group(1), "control characters never reach the page raw"
    data = _page_data(text)
    scenarios = data["scenarios"]
    assert isinstance(scenarios, list)
    assert [html.unescape(s["name"]) for s in scenarios] == list(payload_plan.scenarios)
    shown = html.unescape(json.dumps(data, ensure_ascii=False))
    for territory in payload_plan.scenario(BASELINE).territories:
        assert json.dumps(territory, ensure_ascii=False)[1:-1] in shown or territory in html.unescape(
            "".join(str(label["html"]) for label in scenarios[0]["labels"])
        ), territory
    # The only template the page ever went through is ours: none of its syntax from a payload survives outside
    # the data block, and the data block itself closes no script.
    assert text.count("</script>") == text.count("<script")


def test_pdf_shows_names_as_text(pack_files: dict[str, Path], payload_plan: Plan) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", "-layout", str(pack_files["pdf"]), "-"], capture_output=True, text=True, check=True
    )
    assert not evaluated(result.stdout)
    assert "9173*7" in result.stdout or "9173" in result.stdout, "the arithmetic payload is printed, not evaluated"


def test_workbook_has_no_formula_and_no_evaluated_text(pack_files: dict[str, Path]) -> None:
    from openpyxl import load_workbook

    book = load_workbook(pack_files["xlsx"], data_only=False)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not evaluated(cell.value)
    with zipfile.ZipFile(pack_files["xlsx"]) as archive:
        for member in archive.namelist():
            if member.endswith(".xml"):
                assert b"<f>" not in archive.read(member) and b"<f " not in archive.read(member), member


def test_gis_files_keep_names_as_attribute_text(pack_files: dict[str, Path], payload_plan: Plan) -> None:
    import pyogrio

    names = _names(payload_plan)
    frame = pyogrio.read_dataframe(pack_files["gpkg"], layer="territories")
    values = {v for c in frame.columns if c != "geometry" for v in frame[c] if isinstance(v, str)}
    assert not evaluated(" ".join(values))
    assert names & values, "territory or scenario names are in the attribute table"
    geojson = pack_files["geojson"].read_text(encoding="utf-8")
    assert not evaluated(geojson)


def test_export_data_sheets_and_check_never_evaluate(payload_plan: Plan, tmp_path: Path, marker: Path) -> None:
    from territory_planner.exporters.sheets import export_sheets

    written = export_sheets(payload_plan, BASELINE, tmp_path / "sheets")
    assert written
    for path in written:
        assert not evaluated(Path(path).read_text(encoding="utf-8-sig"))
    assert not marker.exists()


@pytest.mark.parametrize("payload", ["\r=2", "\t=1", "=1\n"])
def test_a_seller_cannot_be_renamed_to_a_name_with_a_control_character(payload: str) -> None:
    from territory_planner.domain import PlanError

    plan = build_demo_plan()
    seller = next(iter(plan.scenario(BASELINE).sellers.values()))
    with pytest.raises(PlanError, match="control character"):
        EditSeller(BASELINE, seller.name, replace(seller, name=payload)).apply(plan)
    assert seller.name in plan.scenario(BASELINE).sellers
