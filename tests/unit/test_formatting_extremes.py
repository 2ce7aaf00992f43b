"""Figures print for any float a damaged or old plan may hold: never a crash, never hundreds of digits in a badge."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from territory_planner.domain.formatting import hours, money, money_cents, percent


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_every_float_formats(value: float) -> None:
    for text in (money(value, "USD"), money_cents(value, "USD"), hours(value), percent(value)):
        assert isinstance(text, str) and text
    if not math.isfinite(value):
        assert money(value) == money_cents(value) == hours(value) == percent(value) == "n/a"
    assert len(money(value)) <= 12


def test_large_amounts_keep_a_readable_scale() -> None:
    assert money(2.5e12) == "$2.5T"
    assert money(999_999_999_999.0) == "$1.0T"
    assert money(1e300) == "$1.00e+300"
    assert money(-1e20) == "-$1.00e+20"
    assert money(1_925_000) == "$1.93M"
