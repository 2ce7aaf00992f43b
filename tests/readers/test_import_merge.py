"""A replacing import says what it replaces; a merging one changes only the rows listed (issue 16 §3 item 1).

In the workshop trial an allocations sheet of two rows turned ten funded territories unfunded without a word: the
sheet replaced every allocation. The reader now returns what a batch removes, changes and adds
(``describe_import``), and ``merge=True`` (CLI ``--merge``) sets only the rows listed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from reader_fixtures import assert_unchanged, small_plan, snapshot

from territory_planner.cli import cli
from territory_planner.domain import BASELINE, Allocation, Plan, PlanError, Seller, Territory
from territory_planner.persistence import load_plan
from territory_planner.readers.import_effect import describe_import
from territory_planner.readers.sheets import MERGEABLE, read_sheet
from territory_planner.services.imports import import_sheet


def _plan() -> Plan:
    """The small plan with four territories, three sellers and five allocations (one of them a region's)."""
    plan = small_plan()
    s = plan.scenario()
    for name in ("Metro", "North", "South"):
        s.territories[name] = Territory(name, "East", "#59a14f")
    s.sellers["Bob"] = Seller("Bob", "Cape", "existing", annual_quota=800_000.0)
    s.sellers["Cy"] = Seller("Cy", "Metro", "planned", annual_quota=900_000.0)
    for name, budget in (("Cape", 50_000.0), ("Metro", 70_000.0), ("North", 30_000.0)):
        s.allocations[("territory", name)] = Allocation("territory", name, budget)
    s.allocations[("region", "East")] = Allocation("region", "East", 20_000.0)
    return plan


def _sheet(tmp_path: Path, text: str, name: str = "sheet.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


ALLOCATIONS = "level,name,budget\nterritory,Boston,120000\nterritory,South,40000\n"


def test_a_replacing_allocations_import_says_what_it_replaces(tmp_path: Path) -> None:
    plan = _plan()
    batch = read_sheet("allocations", plan, BASELINE, _sheet(tmp_path, ALLOCATIONS))
    effect = describe_import(plan, BASELINE, batch)
    assert effect.replaces
    kind = effect.kind("allocation")
    assert kind is not None
    assert (kind.before, kind.after) == (5, 2)
    assert set(kind.removed) == {"Cape", "Metro", "North", "East (region)"}
    assert kind.changed == ("Boston",) and kind.added == ("South",)
    text = effect.text()
    assert text.startswith("Replaces 5 allocations with 2: removes 4 (")
    assert "changes 1 (Boston)" in text and "adds 1 (South)" in text
    batch.apply(plan)
    assert set(plan.scenario().allocations) == {("territory", "Boston"), ("territory", "South")}


def test_merging_allocations_changes_only_the_rows_listed(tmp_path: Path) -> None:
    plan = _plan()
    before = snapshot(plan)
    old = dict(plan.scenario().allocations)
    batch = read_sheet("allocations", plan, BASELINE, _sheet(tmp_path, ALLOCATIONS), merge=True)
    effect = describe_import(plan, BASELINE, batch)
    assert not effect.replaces
    assert effect.text() == "Changes 1 allocation (Boston), adds 1 (South); the other 4 stay as they are."
    undo = batch.apply(plan)
    now = plan.scenario().allocations
    assert now[("territory", "Boston")].budget == 120_000.0
    assert now[("territory", "South")].budget == 40_000.0
    for key in (("territory", "Cape"), ("territory", "Metro"), ("territory", "North"), ("region", "East")):
        assert now[key] == old[key]
    undo.apply(plan)
    assert_unchanged(plan, before)


def test_merging_sellers_keeps_the_sellers_not_listed(tmp_path: Path) -> None:
    plan = _plan()
    text = "seller,territory,status,annual_quota\nAnn,Boston,existing,1500000\nDee,South,planned,700000\n"
    path = _sheet(tmp_path, text)
    replacing = describe_import(plan, BASELINE, read_sheet("sellers", plan, BASELINE, path))
    assert replacing.replaces and replacing.text().startswith("Replaces 3 sellers with 2: removes 2 (Bob, Cy)")
    batch = read_sheet("sellers", plan, BASELINE, path, merge=True)
    assert describe_import(plan, BASELINE, batch).text() == (
        "Changes 1 seller (Ann), adds 1 (Dee); the other 2 stay as they are."
    )
    batch.apply(plan)
    sellers = plan.scenario().sellers
    assert set(sellers) == {"Ann", "Bob", "Cy", "Dee"}
    assert sellers["Ann"].annual_quota == 1_500_000.0


def test_territories_sheet_reports_the_territories_and_regions_it_deletes(tmp_path: Path) -> None:
    plan = _plan()
    path = _sheet(tmp_path, "territory,region\nBoston,East\nCape,\nWest Coast,West\n")
    effect = describe_import(plan, BASELINE, read_sheet("territories", plan, BASELINE, path))
    assert effect.replaces
    territories = effect.kind("territory")
    assert territories is not None
    assert set(territories.removed) == {"Metro", "North", "South"} and territories.added == ("West Coast",)
    assert "Replaces 5 territories with 3: removes 3 (" in effect.text()
    merged = read_sheet("territories", plan, BASELINE, path, merge=True)
    merged.apply(plan)
    assert set(plan.scenario().territories) == {"Boston", "Cape", "Metro", "North", "South", "West Coast"}
    assert set(plan.scenario().regions) == {"East", "West"}


def test_an_assumptions_sheet_reports_the_overrides_it_removes(tmp_path: Path) -> None:
    plan = _plan()
    plan.scenario().assumptions.set("territory", "Metro", "win_rate", 0.3)
    path = _sheet(tmp_path, "level,name,key,value\nplan,,win_rate,0.25\n")
    effect = describe_import(plan, BASELINE, read_sheet("assumptions", plan, BASELINE, path))
    assert effect.replaces
    assert "removes 1 (win_rate (territory Metro))" in effect.text()


def test_sheets_that_never_remove_rows_cannot_be_merged(tmp_path: Path) -> None:
    plan = _plan()
    path = _sheet(tmp_path, "unit_id,territory\n25001,Boston\n")
    with pytest.raises(PlanError, match="cannot be merged"):
        read_sheet("assignments", plan, BASELINE, path, merge=True)
    assert set(MERGEABLE) == {"territories", "sellers", "allocations"}
    effect = describe_import(plan, BASELINE, read_sheet("assignments", plan, BASELINE, path))
    assert not effect.replaces
    assert effect.text() == "Changes 1 county (25001); the other 3 stay as they are."


def test_the_service_result_carries_the_effect(tmp_path: Path) -> None:
    plan = _plan()
    imported = import_sheet(plan, "allocations", BASELINE, _sheet(tmp_path, ALLOCATIONS))
    assert imported.effect is not None and imported.effect.replaces
    assert "Replaces 5 allocations with 2" in imported.summary()
    merged = import_sheet(plan, "allocations", BASELINE, _sheet(tmp_path, ALLOCATIONS), merge=True)
    assert merged.effect is not None and not merged.effect.replaces


# --- the command line ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.tplan"
    result = CliRunner().invoke(cli, ["demo", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_cli_import_reports_the_replace_and_merge_keeps_the_rest(demo_file: Path, tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, "level,name,budget\nterritory,Texas,270000\nterritory,New England,190000\n")
    before = load_plan(demo_file).scenario().allocations
    assert len(before) > 2

    merged = tmp_path / "merged.tplan"
    merged.write_bytes(demo_file.read_bytes())
    result = CliRunner().invoke(cli, ["import", "allocations", str(merged), str(sheet), "--merge"])
    assert result.exit_code == 0, result.output
    assert "Merge 2 allocations" in result.output and "stay as they are" in result.output
    after = load_plan(merged).scenario().allocations
    assert set(after) == set(before) | {("territory", "New England")}
    assert after[("territory", "Texas")].budget == 270_000.0
    assert all(after[k] == v for k, v in before.items() if k != ("territory", "Texas"))

    replaced = tmp_path / "replaced.tplan"
    replaced.write_bytes(demo_file.read_bytes())
    result = CliRunner().invoke(cli, ["import", "allocations", str(replaced), str(sheet)])
    assert result.exit_code == 0, result.output
    assert f"Replaces {len(before)} allocations with 2: removes {len(before) - 1} (" in result.output
    assert "--merge" in result.output  # the hint, on stderr (CliRunner mixes the streams)
    assert set(load_plan(replaced).scenario().allocations) == {("territory", "Texas"), ("territory", "New England")}


def test_cli_refuses_merge_for_a_sheet_that_cannot_merge(demo_file: Path, tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, "level,name,key,value\nplan,,win_rate,0.25\n")
    result = CliRunner().invoke(cli, ["import", "assumptions", str(demo_file), str(sheet), "--merge"])
    assert result.exit_code == 2
    assert "--merge works on the territories, sellers, allocations sheets, not on assumptions" in result.output
