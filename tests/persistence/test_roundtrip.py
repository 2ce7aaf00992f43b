"""Save then load gives back the same plan: every scenario, every order, the layer's dtypes, geometry and adjacency."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from territory_planner.domain import BASELINE, Layer, Plan, PlanError
from territory_planner.persistence import (
    PlanFileError,
    PlanTarget,
    load_display_cache,
    load_plan,
    plan_target,
    save_display_cache,
    save_plan,
)
from tests.plan_builders import assert_plans_equal, big_plan, rich_plan, small_layer


def test_round_trip_restores_everything(any_target: PlanTarget) -> None:
    plan = rich_plan()

    save_plan(plan, any_target)
    loaded = load_plan(any_target)

    assert_plans_equal(loaded, plan)
    base, what_if = loaded.scenarios.values()
    assert list(loaded.scenarios) == [BASELINE, "Hire 3 instead of 5"]
    assert base.territories["South-East"].locked is True
    assert next(iter(what_if.territories)) == "Unplaced"
    assert loaded.layer.units.index.tolist()[-2:] == ["0600", "007"]
    assert loaded.layer.units["population"].dtype == np.int64
    hire = what_if.sellers["Ben Okafor"]
    assert (str(hire.start_month), hire.ramp_months, hire.status) == ("2027-09", 4, "planned")
    assert str(base.allocations[("territory", "Pacific")].start_month) == "2027-07"
    assert base.assumptions.resolve("South-East", "East").win_rate == 0.2
    assert what_if.assumptions.territory_overrides == {
        "Pacific": {"avg_deal_size": 65_000.0},
        "South-East": {"win_rate": 0.22},
    }
    assert (str(base.assumptions.period_start), base.assumptions.currency) == ("2027-02", "EUR")
    assert loaded.layer.geometry.crs == "EPSG:4326"


def test_saving_again_replaces_the_previous_plan(any_target: PlanTarget) -> None:
    first = rich_plan()
    save_plan(first, any_target)
    second = rich_plan()
    second.remove_scenario("Hire 3 instead of 5")
    baseline = second.scenario()
    baseline.set_assignments(("01001", "01003"), None)
    baseline.put_seller("TBD hire", None)
    baseline.put_allocation("region", "East", None)
    second.name = "Trimmed"

    save_plan(second, any_target)
    loaded = load_plan(any_target)

    assert_plans_equal(loaded, second)
    assert "01001" not in loaded.scenario().assignment
    assert "TBD hire" not in loaded.scenario().sellers


def test_unit_columns_keep_their_dtypes_and_values(tmp_path: Path) -> None:
    index = pd.Index(["00501", "00544", "01001"], name="zip")
    units = pd.DataFrame(
        {
            "name": pd.Series(["Holtsville", "Holtsville IRS", None], index=index, dtype=object),
            "pop_float32": np.array([1.5, np.nan, 3.25], dtype=np.float32),
            "extremes": [np.inf, -np.inf, 0.1 + 0.2],
            "huge": np.array([2**64 - 1, 0, 7], dtype=np.uint64),
            "small": np.array([-3, 0, 127], dtype=np.int8),
            "accounts": pd.array([3, None, 12], dtype="Int64"),
            "share": pd.array([0.5, None, 1.0], dtype="Float64"),
            "active": pd.array([True, None, False], dtype="boolean"),
            "urban": [True, False, True],
            "county": pd.Series(["Suffolk", None, "Hampden"], index=index),
            "county_na": pd.Series(["Suffolk", None, "Hampden"], index=index, dtype="string"),
            "kind": pd.Categorical(["PO box", None, "standard"], categories=["standard", "PO box", "unique"]),
            "ranked": pd.Categorical(["low", "high", "low"], categories=["low", "high"], ordered=True),
        },
        index=index,
    )
    layer = Layer("ZIPs", units, crs="EPSG:5070", unit_noun="ZIP code")
    plan = Plan("Dtypes", layer)
    path = tmp_path / "dtypes.tplan"

    save_plan(plan, path)
    loaded = load_plan(path)

    assert_plans_equal(loaded, plan)
    got = loaded.layer.units
    assert got["huge"].iloc[0] == 2**64 - 1
    assert got["extremes"].iloc[2] == 0.1 + 0.2
    assert got["name"].dtype == object and got["county"].dtype == units["county"].dtype
    assert got["kind"].cat.categories.tolist() == ["standard", "PO box", "unique"]
    assert loaded.layer.geometry is None and loaded.layer.adjacency is None


def test_layer_without_units_or_neighbours(tmp_path: Path) -> None:
    units = pd.DataFrame({"name": pd.Series([], dtype=str)}, index=pd.Index([], dtype=str))
    plan = Plan("Blank", Layer("Nothing yet", units, adjacency=np.empty((0, 2), dtype=np.int32)))

    save_plan(plan, tmp_path / "blank.tplan")
    loaded = load_plan(tmp_path / "blank.tplan")

    assert_plans_equal(loaded, plan)
    assert loaded.layer.adjacency is not None and loaded.layer.adjacency.shape == (0, 2)


def test_units_without_geometry_keep_an_empty_slot(tmp_path: Path) -> None:
    layer = small_layer()
    geometry = layer.geometry.copy()
    geometry.iloc[1] = None
    plan = Plan("Holes", replace(layer, geometry=geometry))

    save_plan(plan, tmp_path / "holes.tplan")
    loaded = load_plan(tmp_path / "holes.tplan")

    assert loaded.layer.geometry.iloc[1] is None
    assert_plans_equal(loaded, plan)


def test_geometry_in_another_order_is_aligned_to_the_units(tmp_path: Path) -> None:
    layer = small_layer()
    shuffled = replace(layer, geometry=layer.geometry.iloc[::-1])

    save_plan(Plan("Shuffled", shuffled), tmp_path / "shuffled.tplan")

    assert_plans_equal(load_plan(tmp_path / "shuffled.tplan"), Plan("Shuffled", layer))


def test_a_plan_that_cannot_be_stored_is_refused_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "plan.tplan"
    save_plan(rich_plan(), path)
    before = path.read_bytes()
    layer = small_layer()
    units = layer.units.assign(opened=pd.to_datetime(["2020-01-01"] * len(layer.units)))
    bad = Plan("Bad", replace(layer, units=units, adjacency=np.array([0.5, 1.5])))
    bad.scenario().assumptions.values["win_rate"] = float("nan")

    with pytest.raises(PlanError) as caught:
        save_plan(bad, path)

    message = str(caught.value)
    assert "opened" in message and "datetime64" in message
    assert "adjacency" in message
    assert "win_rate" in message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.tplan"]


def test_a_big_plan_round_trips(tmp_path: Path) -> None:
    plan = big_plan(3_200, variant=1)

    save_plan(plan, tmp_path / "big.tplan")

    assert_plans_equal(load_plan(tmp_path / "big.tplan"), plan)


def test_loading_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "plan.tplan"
    save_plan(rich_plan(), path)
    before = (path.read_bytes(), path.stat().st_mtime_ns)

    load_plan(path)
    load_plan(str(path))

    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.tplan"]


def test_saved_file_is_one_self_contained_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.tplan"
    save_plan(rich_plan(), path)

    connection = sqlite3.connect(path)
    try:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    assert (mode, integrity, foreign) == ("delete", "ok", [])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.tplan"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_saving_keeps_the_file_permissions(tmp_path: Path) -> None:
    path = tmp_path / "plan.tplan"
    save_plan(rich_plan(), path)
    path.chmod(0o640)

    save_plan(rich_plan(), path)

    assert path.stat().st_mode & 0o777 == 0o640


def test_save_into_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "no such folder" / "plan.tplan"

    with pytest.raises(PlanFileError) as caught:
        save_plan(rich_plan(), path)

    assert str(path.parent) in str(caught.value)
    assert "does not exist" in str(caught.value)


def test_display_cache_is_stored_and_kept_across_saves(any_target: PlanTarget) -> None:
    plan = rich_plan()
    save_plan(plan, any_target)
    blob = bytes(range(256)) * 100

    save_display_cache(any_target, "outlines:abc123", blob)
    save_display_cache(any_target, "outlines:abc123", blob[::-1])
    save_display_cache(any_target, "other", b"x")
    save_plan(plan, any_target)

    assert load_display_cache(any_target, "outlines:abc123") == blob[::-1]
    assert load_display_cache(any_target, "other") == b"x"
    assert load_display_cache(any_target, "missing") is None
    assert_plans_equal(load_plan(any_target), plan)


def test_display_cache_needs_a_saved_plan(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="does not exist"):
        save_display_cache(tmp_path / "nothing.tplan", "key", b"blob")


@pytest.mark.postgres
def test_several_plans_share_one_database(new_postgres_target: Callable[[], PlanTarget]) -> None:
    one, other = new_postgres_target(), new_postgres_target()
    first, second = rich_plan(), rich_plan()
    second.name = "The other plan"
    second.remove_scenario("Hire 3 instead of 5")

    save_plan(first, one)
    save_plan(second, other)
    save_plan(first, one)

    assert_plans_equal(load_plan(one), first)
    assert_plans_equal(load_plan(other), second)
    url = other.sqlalchemy_url().render_as_string(hide_password=False)
    assert_plans_equal(load_plan(f"{url}?plan={other.plan_key}"), second)


@pytest.mark.postgres
def test_missing_plan_in_a_database_lists_the_plans_there(postgres_target: PlanTarget) -> None:
    save_plan(rich_plan(), postgres_target)
    missing = plan_target(postgres_target, plan_key="no-such-plan")

    with pytest.raises(PlanFileError) as caught:
        load_plan(missing)

    message = str(caught.value)
    assert "no-such-plan" in message and postgres_target.plan_key in message
    assert "?plan=" in message
    assert "postgres:postgres@" not in message
