"""`check` with ranges: flip points in the JSON and the text, `--risk [--draws N] [--seed S]`, and the assumptions
sheet's low and high columns (import, save, export-data round trip). Without any range nothing changes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from territory_planner.services.reporting import TERRITORY_FIELDS

# The demo's own values and overrides (resources/demo/plan.json), with ranges on three keys.
SHEET = """level,name,key,value,low,high
plan,,win_rate,0.25,0.18,0.32
plan,,cost_per_lead,180,150,260
plan,,avg_deal_size,60000,50000,
region,East,avg_deal_size,70000,,
territory,New York Metro,cost_per_lead,240,,
"""

KEYS = ["avg_deal_size", "win_rate", "sql_to_opp", "mql_to_sql", "lead_to_mql", "marketing_share", "cost_per_lead"]


def _with_ranges(run, plan: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "ranges.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    result = run("import", "assumptions", plan, sheet)
    assert result.exit_code == 0, result.output


def test_without_any_range_check_and_check_risk_print_the_same_document(run, demo_plan: Path) -> None:
    plain = run("check", demo_plan, "--json")
    risky = run("check", demo_plan, "--json", "--risk")
    assert plain.stdout == risky.stdout
    assert "nothing to sample" in risky.stderr
    doc = json.loads(plain.stdout)
    assert "risk" not in doc
    for entry in doc["territories"]:
        assert list(entry) == [*(("sellers" if k == "existing_sellers" else k) for k in TERRITORY_FIELDS),
                               "pieces", "potential", "market", "penetration"]  # fmt: skip
        assert entry["market"] is None and entry["penetration"] is None  # the demo layer has no potential
    assert run("check", demo_plan).stdout == run("check", demo_plan, "--risk").stdout


def test_ranges_add_flip_points_to_every_territory(run, demo_plan: Path, tmp_path: Path) -> None:
    before = json.loads(run("check", demo_plan, "--json").stdout)
    _with_ranges(run, demo_plan, tmp_path)
    doc = json.loads(run("check", demo_plan, "--json").stdout)
    assert [t["required_spend"] for t in doc["territories"]] == [t["required_spend"] for t in before["territories"]]
    for entry in doc["territories"]:
        flips = entry["flip_points"]
        assert list(flips) == [*KEYS, "hours_per_mql"]
        assert "p_funded" not in entry
    # A funded territory flips when its win rate falls (below 25 %), an unfunded one when it rises (or never).
    statuses = {t["status"] for t in doc["territories"]}
    assert {"funded", "unfunded"} <= statuses
    for t in doc["territories"]:
        win = t["flip_points"]["win_rate"]
        if t["status"] == "funded":
            assert win is not None and win < 0.25
        elif t["status"] == "unfunded":
            assert win is None or win > 0.25
    text = run("check", demo_plan).stdout
    assert "Sensitivity" in text and "stays funded unless" in text


def test_check_risk_reports_confidence_and_is_repeatable_with_a_seed(run, demo_plan: Path, tmp_path: Path) -> None:
    _with_ranges(run, demo_plan, tmp_path)
    first = run("check", demo_plan, "--json", "--risk", "--draws", "4000", "--seed", "3")
    again = run("check", demo_plan, "--json", "--risk", "--draws", "4000", "--seed", "3")
    other = run("check", demo_plan, "--json", "--risk", "--draws", "4000", "--seed", "4")
    assert first.stdout == again.stdout
    assert first.stdout != other.stdout
    doc = json.loads(first.stdout)
    assert doc["risk"]["draws"] == 4000 and doc["risk"]["seed"] == 3
    assert doc["risk"]["keys"] == ["avg_deal_size", "win_rate", "cost_per_lead"]
    for t in doc["territories"]:
        assert 0.0 <= t["p_funded"] <= 1.0
        assert t["spend_p10"] <= t["spend_p50"] <= t["spend_p90"]
    shares = [h["p_funded"] for h in doc["hires"]]
    assert doc["risk"]["hires_funded_80"] == sum(1 for p in shares if p >= 0.8)
    assert doc["risk"]["hires"] == len(doc["hires"])
    text = run("check", demo_plan, "--risk", "--draws", "2000").stdout
    assert "Funding confidence (2,000 draws, seed 1" in text
    assert "funded in at least 80 % of draws" in text


def test_bad_draws_are_refused(run, demo_plan: Path) -> None:
    result = run("check", demo_plan, "--risk", "--draws", "0")
    assert result.exit_code == 2
    assert "--draws" in result.stderr


def test_a_range_on_the_wrong_side_is_refused_with_its_place_and_nothing_changes(
    run, demo_plan: Path, tmp_path: Path
) -> None:
    before = run("check", demo_plan, "--json").stdout
    sheet = tmp_path / "bad.csv"
    sheet.write_text("level,name,key,value,low,high\nplan,,win_rate,0.25,0.3,0.4\nregion,East,win_rate,0.3,0.2,\n")
    result = run("import", "assumptions", demo_plan, sheet)
    assert result.exit_code != 0
    assert "bad.csv" in result.stderr
    assert "low end 30 % is above the value 25 %" in result.stderr
    assert "ranges (low, high) are set at plan level" in result.stderr
    assert run("check", demo_plan, "--json").stdout == before


def test_ranges_survive_save_and_export_data_round_trip(run, demo_plan: Path, tmp_path: Path) -> None:
    _with_ranges(run, demo_plan, tmp_path)
    folder = tmp_path / "out"
    assert run("export-data", demo_plan, folder).exit_code == 0
    with (folder / "assumptions.csv").open(encoding="utf-8") as handle:
        rows = {r["key"]: r for r in csv.DictReader(handle) if r["level"] == "plan"}
    assert (rows["win_rate"]["low"], rows["win_rate"]["high"]) == ("0.18", "0.32")
    assert (rows["avg_deal_size"]["low"], rows["avg_deal_size"]["high"]) == ("50000", "")
    assert rows["sql_to_opp"]["low"] == ""
    expected = run("check", demo_plan, "--json").stdout
    copy = tmp_path / "copy.tplan"
    assert run("demo", copy).exit_code == 0
    assert run("import", "assumptions", copy, folder / "assumptions.csv").exit_code == 0
    assert run("check", copy, "--json").stdout == expected
