"""Unit attribute columns <-> plain values that a database row (and JSON) can hold, keeping pandas dtypes exact.

A column is described by its kind (text, float, integer, bool, category) and its pandas dtype as text; its values
travel as Python ``str``/``float``/``int``/``bool`` with ``None`` for missing. Floats keep every bit through JSON
(NaN and infinities included); integers of any size stay exact.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import (
    infer_dtype,
    is_bool_dtype,
    is_float_dtype,
    is_integer_dtype,
    is_string_dtype,
    pandas_dtype,
)

from territory_planner.domain import PlanError

TEXT, FLOAT, INTEGER, BOOL, CATEGORY = "text", "float", "integer", "bool", "category"


@dataclass(frozen=True)
class ColumnSpec:
    """How one unit column is stored: its name, kind, pandas dtype (as text) and, for categories, their list."""

    name: str
    kind: str
    dtype: str
    categories: str | None = None


def describe_columns(units: pd.DataFrame, layer: str, problems: list[str]) -> list[ColumnSpec]:
    """Describe every column of a unit table; each column that cannot be stored adds a line to ``problems``."""
    specs: list[ColumnSpec] = []
    if units.columns.nlevels != 1:
        problems.append(f"the unit table of layer '{layer}' has multi-level column names; flatten them")
        return specs
    if not units.columns.is_unique:
        dupes = ", ".join(map(str, units.columns[units.columns.duplicated()].unique()))
        problems.append(f"layer '{layer}' has columns named more than once: {dupes}")
        return specs
    for name in units.columns:
        if not isinstance(name, str):
            problems.append(f"column {name!r} of layer '{layer}' needs a text name")
            continue
        try:
            specs.append(_describe(name, units[name]))
        except PlanError as exc:
            problems.append(f"{exc} (layer '{layer}')")
    return specs


def _describe(name: str, series: pd.Series) -> ColumnSpec:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        if len(categories) and infer_dtype(categories, skipna=False) != "string":
            raise PlanError(f"column '{name}' is a category of non-text values; convert it to text or numbers")
        meta = {"categories": list(categories), "ordered": bool(dtype.ordered), "dtype": str(categories.dtype)}
        return ColumnSpec(name, CATEGORY, "category", json.dumps(meta, ensure_ascii=False))
    if is_bool_dtype(dtype):
        return ColumnSpec(name, BOOL, str(dtype))
    if is_integer_dtype(dtype):
        return ColumnSpec(name, INTEGER, str(dtype))
    if is_float_dtype(dtype):
        return ColumnSpec(name, FLOAT, str(dtype))
    if is_string_dtype(dtype):
        kinds = infer_dtype(series, skipna=True)
        if len(series) and series.notna().any() and kinds != "string":
            raise PlanError(f"column '{name}' mixes text with other values ({kinds}); make it all text or all numbers")
        return ColumnSpec(name, TEXT, str(dtype))
    raise PlanError(f"column '{name}' has type {dtype}, which a plan cannot store yet; convert it to numbers or text")


def encode_column(series: pd.Series, spec: ColumnSpec) -> list[Any]:
    """The column's values as plain Python values, ``None`` for missing ones."""
    if spec.kind in (TEXT, CATEGORY):
        values = series.to_numpy(dtype=object)
        missing = pd.isna(values)
        out = values.tolist()
        for i in np.flatnonzero(missing):
            out[i] = None
        return out
    dtype = series.dtype
    if isinstance(dtype, np.dtype):
        if spec.kind == FLOAT:
            return series.to_numpy(dtype=np.float64).tolist()
        return series.to_numpy().tolist()
    # A nullable (masked) extension dtype: Int64, Float64, boolean...
    numpy_dtype = getattr(dtype, "numpy_dtype", np.dtype(np.float64))
    fill: Any = False if spec.kind == BOOL else 0
    out = series.to_numpy(dtype=numpy_dtype, na_value=fill).tolist()
    for i in np.flatnonzero(series.isna().to_numpy()):
        out[i] = None
    return out


def decode_column(values: Sequence[Any], spec: ColumnSpec, index: pd.Index) -> pd.Series:
    """The column with its original dtype from the plain values (the inverse of :func:`encode_column`)."""
    data = _decode(values, spec)
    # Without an explicit dtype pandas would infer "str" for an object array of text.
    dtype = object if isinstance(data, np.ndarray) and data.dtype == np.dtype(object) else None
    return pd.Series(data, index=index, name=spec.name, dtype=dtype, copy=False)


def _decode(values: Sequence[Any], spec: ColumnSpec) -> Any:
    if spec.kind == CATEGORY:
        meta = json.loads(spec.categories or "{}")
        categories = pd.Index(meta.get("categories", []), dtype=_dtype(meta.get("dtype", "object")))
        return pd.Categorical(_objects(values), dtype=pd.CategoricalDtype(categories, ordered=meta.get("ordered")))
    dtype = _dtype(spec.dtype)
    if spec.kind == TEXT:
        objects = _objects(values)
        return objects if dtype == np.dtype(object) else pd.array(objects, dtype=dtype)
    if isinstance(dtype, np.dtype):
        if spec.kind == FLOAT:
            return np.array(values, dtype=np.float64).astype(dtype, copy=False)
        if any(v is None for v in values):
            raise ValueError(f"column '{spec.name}' of type {spec.dtype} has missing values")
        return np.array(values, dtype=dtype)
    return pd.array(list(values), dtype=dtype)


def _objects(values: Sequence[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _dtype(text: str) -> Any:
    if text == "object":
        return np.dtype(object)
    return pandas_dtype(text)


__all__ = [
    "BOOL",
    "CATEGORY",
    "FLOAT",
    "INTEGER",
    "TEXT",
    "ColumnSpec",
    "decode_column",
    "describe_columns",
    "encode_column",
]
