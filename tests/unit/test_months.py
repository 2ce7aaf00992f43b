"""Calendar months, the time grain of a plan."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territory_planner.domain import Month, PlanError
from territory_planner.domain.months import parse_optional_month


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-01", Month(2027, 1)),
        ("2027-12", Month(2027, 12)),
        ("2026-3", Month(2026, 3)),  # single-digit month accepted
        ("  2028-04 ", Month(2028, 4)),  # surrounding blanks ignored
    ],
)
def test_parse_accepts_year_dash_month(text: str, expected: Month) -> None:
    assert Month.parse(text) == expected


@pytest.mark.parametrize("text", ["2027", "2027/04", "April 2027", "27-04", "2027-04-01", "", "abcd-ef"])
def test_parse_rejects_other_shapes_and_says_how_to_write_a_month(text: str) -> None:
    with pytest.raises(PlanError, match=r"is not a month: write it as YYYY-MM, for example 2026-04"):
        Month.parse(text)


@pytest.mark.parametrize(("year", "month"), [(2027, 0), (2027, 13), (2027, -1)])
def test_month_number_outside_1_to_12_is_refused(year: int, month: int) -> None:
    with pytest.raises(PlanError, match="must be 01 to 12"):
        Month(year, month)


def test_parse_of_month_13_is_refused_with_the_range() -> None:
    with pytest.raises(PlanError, match="2027-13 does not exist"):
        Month.parse("2027-13")


def test_str_is_zero_padded_and_label_is_human() -> None:
    assert str(Month(2027, 4)) == "2027-04"
    assert Month(2027, 4).label() == "Apr 2027"
    assert Month(2026, 12).label() == "Dec 2026"


def test_plus_crosses_year_boundaries_both_ways() -> None:
    # Nov 2026 + 2 = Jan 2027; Jan 2027 - 3 = Oct 2026; Jan 2027 + 12 = Jan 2028.
    assert Month(2026, 11).plus(2) == Month(2027, 1)
    assert Month(2027, 1).plus(-3) == Month(2026, 10)
    assert Month(2027, 1).plus(12) == Month(2028, 1)
    assert Month(2027, 1).plus(0) == Month(2027, 1)


def test_minus_counts_months_between() -> None:
    # From Nov 2026 to Jan 2027 is 2 months; the other way round is -2.
    assert Month(2027, 1).minus(Month(2026, 11)) == 2
    assert Month(2026, 11).minus(Month(2027, 1)) == -2
    assert Month(2028, 3).minus(Month(2027, 1)) == 14


def test_months_are_ordered_and_hashable() -> None:
    assert Month(2026, 12) < Month(2027, 1) < Month(2027, 2)
    assert max(Month(2027, 3), Month(2026, 12)) == Month(2027, 3)
    assert len({Month(2027, 1), Month.parse("2027-01"), Month(2027, 2)}) == 2


def test_parse_optional_month() -> None:
    assert parse_optional_month(None) is None
    assert parse_optional_month("") is None
    assert parse_optional_month("   ") is None
    assert parse_optional_month("2027-06") == Month(2027, 6)
    with pytest.raises(PlanError):
        parse_optional_month("June")


@settings(deadline=None)
@given(st.integers(min_value=1900 * 12, max_value=2200 * 12), st.integers(min_value=-600, max_value=600))
def test_index_plus_and_minus_agree(index: int, delta: int) -> None:
    month = Month.from_index(index)
    assert month.index == index
    assert Month.parse(str(month)) == month
    assert month.plus(delta).minus(month) == delta
    assert (month.plus(delta) > month) == (delta > 0)
