"""End to end: a synthetic CRM export of 100,000 accounts with the usual mess, imported into the US county layer.

The expected counts and sums per county come from an independent path that shares no code with the importer:
the test itself picks each account's true ZIP code from the ``zipcodes`` package's own list, finds the county
that contains the ZIP's point by brute force (``shapely.contains_xy`` against every county whose bounding box holds
it: no spatial index, no sjoin, no ``geo.points``), and sums with a plain pandas ``groupby``. Only ZIP codes whose
point lies inside exactly one county are used for placeable accounts, so the two paths must agree exactly. As a
cross-check on the geometry itself (e.g. latitude and longitude swapped on both sides), the county the ``zipcodes``
list names for each ZIP is matched by name and state to the layer's counties: nearly all must agree.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
import zipcodes
from reader_fixtures import county_layer, unit_values

from territory_planner.domain import Plan
from territory_planner.services.accounts import ColumnMapping, import_accounts

N_ACCOUNTS = 100_000
#: share of each kind of account in the export
KINDS = {
    "clean": 0.62,
    "dropped_zero": 0.08,  # 2134 for 02134 (only ZIP codes starting with 0)
    "zip_plus4": 0.06,  # 02134-1234
    "zip9": 0.03,  # 021341234
    "zip9_dropped": 0.02,  # 21341234
    "float": 0.02,  # 2134.0 or 90210.0
    "blank": 0.05,
    "bad": 0.04,
    "unknown": 0.03,
    "military": 0.05,
}
UNPLACEABLE = {"blank", "bad", "unknown", "military"}
BAD_TEXT = ["N/A", "ABCDE", "12", "TBD", "K1A 0B6", "1234567890", "see notes", "-"]


@functools.cache
def _zip_frame() -> pd.DataFrame:
    frame = pd.DataFrame(zipcodes.list_all())
    frame["x"] = frame["long"].astype(float)
    frame["y"] = frame["lat"].astype(float)
    return frame


def _county_of_points(x: np.ndarray, y: np.ndarray, geoms: np.ndarray) -> np.ndarray:
    """Position of the one county containing each point by brute force; -1 for none, -2 for several."""
    hits = np.zeros(len(x), dtype=np.int64)
    found = np.full(len(x), -1, dtype=np.int64)
    for position, geom in enumerate(geoms):
        x0, y0, x1, y1 = shapely.bounds(geom)
        candidates = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        if len(candidates) == 0:
            continue
        inside = candidates[shapely.contains_xy(geom, x[candidates], y[candidates])]
        hits[inside] += 1
        found[inside] = position
    found[hits > 1] = -2
    return found


def _export(path: Path, ids: list[str], geoms: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Write the CRM export and return the truth per account (kind, county or None, revenue, pipeline)."""
    zips = _zip_frame()
    located = zips[(zips["x"] != 0) & (zips["y"] != 0) & (zips["zip_code_type"] != "MILITARY")].reset_index()
    county = _county_of_points(located["x"].to_numpy(), located["y"].to_numpy(), geoms)
    pool = located[county >= 0].assign(county=[ids[c] for c in county[county >= 0]])
    zero_pool = pool[pool["zip_code"].str.startswith("0")]
    military = zips[(zips["x"] == 0) & (zips["y"] == 0)]["zip_code"].to_numpy()
    known = set(zips["zip_code"])
    unknown = np.array([f"{z:05d}" for z in range(99_999, 0, -1) if f"{z:05d}" not in known][:300])

    kinds = rng.choice(list(KINDS), size=N_ACCOUNTS, p=list(KINDS.values()))
    picks = pool.iloc[rng.integers(0, len(pool), N_ACCOUNTS)].reset_index(drop=True)
    zero_picks = zero_pool.iloc[rng.integers(0, len(zero_pool), N_ACCOUNTS)].reset_index(drop=True)
    dropped = np.isin(kinds, ["dropped_zero", "zip9_dropped"])
    picks[dropped] = zero_picks[dropped]
    plus4 = rng.integers(0, 10_000, N_ACCOUNTS)
    revenue = np.round(rng.uniform(0, 5e6, N_ACCOUNTS), 2)
    revenue[rng.random(N_ACCOUNTS) < 0.1] = 0.0  # blank cells
    pipeline = rng.integers(0, 200_000, N_ACCOUNTS).astype(float)

    zip_list, state_list, county_list = (picks[c].astype(str).tolist() for c in ("zip_code", "state", "county"))
    truth = []
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["Account ID", "Account Name", "Billing State/Province", "Billing Zip/Postal Code",
                         "Annual Revenue", "Open Pipeline", "Description"])  # fmt: skip
        for i, kind in enumerate(kinds.tolist()):
            zip_code, state = zip_list[i], state_list[i]
            text = {
                "clean": zip_code,
                "dropped_zero": zip_code.lstrip("0"),
                "zip_plus4": f"{zip_code}-{plus4[i]:04d}",
                "zip9": f"{zip_code}{plus4[i]:04d}",
                "zip9_dropped": f"{zip_code}{plus4[i]:04d}".lstrip("0"),
                "float": f"{int(zip_code)}.0",
                "blank": "",
                "bad": BAD_TEXT[i % len(BAD_TEXT)],
                "unknown": unknown[i % len(unknown)],
                "military": military[i % len(military)],
            }[kind]
            if i % 7 == 0:
                text = f"  {text} "  # trailing and leading spaces
            money = float(revenue[i])
            styles = [f"{money:.2f}", f"${money:,.2f}", f"USD {money:,.2f}", f"{money:,.2f} $"]
            revenue_text = "" if money == 0 else styles[i % 4]
            pipeline_text = [f"{pipeline[i]:,.0f}", f"${pipeline[i]:.0f}", f"{pipeline[i]:.0f}"][i % 3]
            name = ["Acme, Inc.", 'The "Best" Co', "Café Zürich", "Plain Name  "][i % 4] + f" {i}"
            note = "multi\nline note" if i % 97 == 0 else ""
            writer.writerow([f"001{i:012d}", name, state if i % 10 else "", text, revenue_text, pipeline_text, note])
            if i % 500 == 0:
                writer.writerow([])  # blank lines
            placeable = kind not in UNPLACEABLE
            truth.append((kind, zip_code, county_list[i] if placeable else None, money, pipeline[i]))
    return pd.DataFrame(truth, columns=["kind", "zip", "county", "revenue", "pipeline"])


@pytest.mark.slow  # 7-11 s on the project's 2-core machines, most of it writing the export
def test_100k_account_export_into_counties(tmp_path: Path) -> None:
    layer = county_layer()
    ids = [str(u) for u in layer.unit_ids]
    geoms = np.asarray(layer.geometry.array)
    path = tmp_path / "crm-export.csv"
    truth = _export(path, ids, geoms, np.random.default_rng(20270101))
    plan = Plan("E2E", layer)
    before = plan.layer.units.copy()
    report = tmp_path / "unplaced.csv"

    result = import_accounts(
        plan,
        path,
        ColumnMapping(zip="Billing Zip/Postal Code", measures=("Annual Revenue", "Open Pipeline=pipeline")),
        report=report,
    )

    pd.testing.assert_frame_equal(plan.layer.units, before)
    placeable = truth[truth["county"].notna()]
    assert result.placed == len(placeable)
    assert result.unplaced == N_ACCOUNTS - len(placeable)
    expected = placeable.groupby("county").agg(accounts=("kind", "size"), revenue=("revenue", "sum"),
                                               pipeline=("pipeline", "sum"))  # fmt: skip
    assert unit_values(result.command, "accounts") == expected["accounts"].astype(float).to_dict()
    revenue = unit_values(result.command, "annual_revenue")
    assert revenue.keys() <= set(expected.index)
    for county, value in expected["revenue"].items():
        assert abs(revenue.get(county, 0.0) - value) < 0.01, county
    assert unit_values(result.command, "pipeline") == expected["pipeline"][expected["pipeline"] > 0].to_dict()

    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == result.unplaced
    assert result.unplaced_by_reason == {
        "no location": int((truth["kind"] == "blank").sum()),
        "postal code not a US ZIP code": int((truth["kind"] == "bad").sum()),
        "unknown ZIP code": int((truth["kind"] == "unknown").sum()),
        "ZIP code without a location": int((truth["kind"] == "military").sum()),
    }
    restored = next(w for w in result.warnings if "leading zero" in w)
    lost_zero = truth["kind"].isin(["dropped_zero", "zip9_dropped"]) | (
        (truth["kind"] == "float") & truth["zip"].str.startswith("0")
    )
    assert restored.startswith(f"{int(lost_zero.sum()):,} ZIP codes had lost their leading zero")

    # Cross-check against the ZIP list's own county names (a different data path from the geometry).
    by_name = {
        (state, name.lower()): unit
        for unit, state, name in zip(layer.unit_ids, layer.units["state"], layer.units["name"], strict=True)
    }
    zips = _zip_frame().set_index("zip_code")
    named = [by_name.get((zips.at[z, "state"], str(zips.at[z, "county"]).lower())) for z in placeable["zip"]]
    matched = [(n, c) for n, c in zip(named, placeable["county"], strict=True) if n is not None]
    assert len(matched) > 0.9 * len(placeable)
    assert sum(n == c for n, c in matched) > 0.97 * len(matched)
