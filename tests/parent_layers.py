"""A small ZIP-like layer with parents, for the paint-level, parent-mapping and assignment-level tests.

A grid of 8 x 4 square cells ("ZIP codes", ids ``10000``..``10031``, row 0 in the south) over Kansas: each 2 x 2
block is a county (``county_fips`` ``20001``..``20008``, numbered west to east, south row first) and the west and
east halves are two states (``state_fips`` ``20`` and ``29``). The last cell names no county (an empty cell).
"""

from __future__ import annotations

import geopandas
import numpy as np
import pandas as pd
import shapely

from territory_planner.domain import BASELINE, Layer, Plan, Territory
from tests.plan_builders import make_scenario

COLS, ROWS = 8, 4


def zip_id(row: int, col: int) -> str:
    return f"{10000 + row * COLS + col}"


def county_of(row: int, col: int) -> str:
    return f"{20001 + (row // 2) * (COLS // 2) + col // 2:05d}"


def zip_grid_layer() -> Layer:
    cells, ids, counties, states = [], [], [], []
    for row in range(ROWS):
        for col in range(COLS):
            x0, y0 = -101.0 + col, 37.0 + row
            cells.append(shapely.box(x0, y0, x0 + 1, y0 + 1))
            ids.append(zip_id(row, col))
            counties.append(county_of(row, col))
            states.append("20" if col < COLS // 2 else "29")
    counties[-1] = ""
    index = pd.Index(ids, name="unit_id")
    units = pd.DataFrame(
        {
            "name": [f"Town {i}" for i in ids],
            "county_fips": counties,
            "state_fips": states,
            "population": np.arange(len(ids), dtype=np.int64) * 100 + 100,
        },
        index=index,
    )
    geometry = geopandas.GeoSeries(cells, index=index, crs="EPSG:4326")
    return Layer("zip grid", units, unit_noun="ZIP code", geometry=geometry)


def zip_grid_plan() -> Plan:
    """The grid with territories North (unlocked, empty), Locked (locked, holding cell (0, 2)) and South."""
    scenario = make_scenario(
        territories=[
            Territory("North", None, "#4e79a7"),
            Territory("Locked", None, "#e15759", locked=True),
            Territory("South", None, "#59a14f"),
        ],
        assignment={zip_id(0, 2): "Locked", zip_id(0, 0): "South"},
    )
    return Plan("ZIP grid plan", zip_grid_layer(), {BASELINE: scenario})
