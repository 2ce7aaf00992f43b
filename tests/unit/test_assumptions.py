"""The funnel handshake: key ranges, clear messages, and plan -> region -> territory overrides."""

from __future__ import annotations

import math

import pytest

from territory_planner.domain import (
    BASELINE,
    FUNNEL_KEYS,
    PLAN_KEYS,
    Allocation,
    Assumptions,
    FunnelAssumptions,
    InvalidAssumption,
    Month,
    Plan,
    PlanError,
    Seller,
    Territory,
    evaluate,
    validate_value,
)
from territory_planner.domain.assumptions import (
    AMOUNT_SPECS,
    UNITS,
    format_assumption,
    parse_assumption,
)
from territory_planner.domain.commands import SetAssumption
from territory_planner.domain.formatting import money
from tests.plan_builders import HANDSHAKE, existing, handshake_assumptions, make_layer, make_scenario

RATE_KEYS = ["win_rate", "sql_to_opp", "mql_to_sql", "lead_to_mql"]


# --- defaults ------------------------------------------------------------------------------------------------


def test_defaults_are_the_documented_benchmarks() -> None:
    a = Assumptions()
    # Benchmarks (docs/ARCHITECTURE.md): opp->won 20-30 %, SQL->opp 40-80 %, MQL->SQL 30-60 %, lead->MQL 20-40 %,
    # cost per lead $150-$300; tolerance default 10 %; spend band 4-8 %.
    assert 0.20 <= a.values["win_rate"] <= 0.30
    assert 0.40 <= a.values["sql_to_opp"] <= 0.80
    assert 0.30 <= a.values["mql_to_sql"] <= 0.60
    assert 0.20 <= a.values["lead_to_mql"] <= 0.40
    assert 150 <= a.values["cost_per_lead"] <= 300
    assert a.values["at_risk_tolerance"] == 0.10
    assert a.values["spend_ratio_min"] == 0.04
    assert a.values["spend_ratio_max"] == 0.08
    assert set(a.values) == set(FUNNEL_KEYS) | set(PLAN_KEYS)
    assert a.currency == "USD"
    assert a.region_overrides == {} and a.territory_overrides == {}


def test_every_default_passes_its_own_validation() -> None:
    for key, spec in {**FUNNEL_KEYS, **PLAN_KEYS}.items():
        assert validate_value(key, spec.default) == spec.default


# --- validation --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", RATE_KEYS)
@pytest.mark.parametrize("value", [0, 0.0, 1.01, 1.5, 25, -0.2])
def test_rate_of_zero_or_above_one_is_rejected_naming_the_key_and_how_to_write_a_rate(key: str, value: float) -> None:
    with pytest.raises(InvalidAssumption) as info:
        validate_value(key, value)
    message = str(info.value)
    assert key in message
    assert FUNNEL_KEYS[key].label in message
    assert "above 0 and at most 1" in message
    assert "write 25 % as 0.25" in message


@pytest.mark.parametrize("key", RATE_KEYS)
@pytest.mark.parametrize("value", [1e-4, 0.25, 1, 1.0, "0.3"])
def test_rates_in_range_are_accepted_as_float(key: str, value: object) -> None:
    assert validate_value(key, value) == float(value)  # type: ignore[arg-type]


def test_marketing_share_is_a_share_zero_allowed_above_one_refused() -> None:
    # Decision: marketing_share may be 0 (marketing sources none of the pipeline); above 1 is impossible.
    assert validate_value("marketing_share", 0) == 0.0
    assert validate_value("marketing_share", 1) == 1.0
    with pytest.raises(InvalidAssumption, match=r"marketing_share.*between 0 and 1 \(write 50 % as 0.5\)"):
        validate_value("marketing_share", 1.2)


@pytest.mark.parametrize("value", [0, -1])
def test_deal_size_must_be_positive(value: float) -> None:
    with pytest.raises(InvalidAssumption, match=r"avg_deal_size.*must be greater than 0"):
        validate_value("avg_deal_size", value)


@pytest.mark.parametrize("key", ["hours_per_mql", "onboarding_hours_per_hire", "marketing_budget", "marketing_hours"])
def test_amounts_may_be_zero_but_not_negative(key: str) -> None:
    assert validate_value(key, 0) == 0.0
    with pytest.raises(InvalidAssumption, match=rf"{key}.*cannot be negative"):
        validate_value(key, -5)


@pytest.mark.parametrize("value", [0, -1, -0.01])
def test_cost_per_lead_of_zero_or_less_is_refused(value: float) -> None:
    # Issue 16 §3.3: a cost per lead of 0 made every territory funded and a flag said "it needs $0".
    with pytest.raises(InvalidAssumption, match=r"cost_per_lead.*must be greater than 0.*Allowed: 0.01 to 1,000,000"):
        validate_value("cost_per_lead", value)


@pytest.mark.parametrize("value", [0, -3, 0.5])
def test_sales_cycle_is_at_least_one_day(value: float) -> None:
    with pytest.raises(InvalidAssumption, match=r"sales_cycle_days.*Allowed: 1 day to 3,650 days"):
        validate_value("sales_cycle_days", value)


@pytest.mark.parametrize("value", [1, 1.5, -0.1])
def test_tolerance_must_be_in_zero_to_one(value: float) -> None:
    with pytest.raises(InvalidAssumption, match=r"at_risk_tolerance.*write 10 % as 0.1"):
        validate_value("at_risk_tolerance", value)
    assert validate_value("at_risk_tolerance", 0) == 0.0


@pytest.mark.parametrize("value", ["abc", None, "", float("nan"), float("inf")])
def test_non_numbers_are_refused(value: object) -> None:
    with pytest.raises(InvalidAssumption, match="win_rate"):
        validate_value("win_rate", value)


def test_unknown_key_lists_the_known_ones() -> None:
    with pytest.raises(PlanError, match=r"Unknown assumption 'win_ratio'.*win_rate"):
        validate_value("win_ratio", 0.3)


def test_where_is_named_in_override_errors() -> None:
    a = Assumptions()
    with pytest.raises(InvalidAssumption, match=r"win_rate\) for territory 'Boston' is 0"):
        a.set("territory", "Boston", "win_rate", 0)
    with pytest.raises(InvalidAssumption, match=r"lead_to_mql\) for region 'East' is 1.5"):
        a.set("region", "East", "lead_to_mql", 1.5)


def test_rejected_value_leaves_assumptions_unchanged() -> None:
    a = handshake_assumptions()
    a.set("territory", "Boston", "win_rate", 0.3)
    before = a.copy()
    for level, name in (("plan", None), ("region", "East"), ("territory", "Boston")):
        with pytest.raises(InvalidAssumption):
            a.set(level, name, "win_rate", 0)
    assert a == before


@pytest.mark.parametrize("bad", [0.0, 1.5])
def test_stored_invalid_rate_is_rejected_with_a_clear_error_not_used(bad: float) -> None:
    # The issue: a rate of 0 or above 1 is rejected with a clear error naming the key. Wherever the check sits
    # (Assumptions, resolve, FunnelAssumptions or evaluate), evaluating such a plan must say so, not divide by 0.
    layer = make_layer()
    with pytest.raises(InvalidAssumption, match="win_rate"):
        assumptions = handshake_assumptions(win_rate=bad)
        scenario = make_scenario(
            territories=[Territory("Boston")], sellers=[existing("Ann", "Boston", 1_200_000)], assumptions=assumptions
        )
        evaluate(scenario, layer)


# --- plan values, overrides, resolution --------------------------------------------------------------------


def test_resolve_plan_then_region_then_territory() -> None:
    a = handshake_assumptions()
    a.set("region", "East", "cost_per_lead", 250)
    a.set("region", "East", "lead_to_mql", 0.5)
    a.set("territory", "Boston", "cost_per_lead", 300)
    a.set("territory", "Austin", "win_rate", 0.4)

    boston = a.resolve("Boston", "East")  # territory cpl 300 beats region 250; region lead_to_mql 0.5 applies
    assert boston.cost_per_lead == 300
    assert boston.lead_to_mql == 0.5
    assert boston.win_rate == 0.25  # plan value

    new_york = a.resolve("New York", "East")  # no own override: region values
    assert new_york.cost_per_lead == 250
    assert new_york.lead_to_mql == 0.5

    denver = a.resolve("Denver", "West")  # region without overrides: plan values
    assert denver.cost_per_lead == 200
    assert denver.lead_to_mql == 0.25

    austin = a.resolve("Austin", None)  # no region: plan, then own
    assert austin.win_rate == 0.4
    assert austin.cost_per_lead == 200

    assert a.resolve(None, None) == FunnelAssumptions.from_mapping(HANDSHAKE)


def test_get_reads_exactly_one_level() -> None:
    a = handshake_assumptions()
    a.set("region", "East", "cost_per_lead", 250)
    assert a.get("plan", None, "cost_per_lead") == 200
    assert a.get("region", "East", "cost_per_lead") == 250
    assert a.get("territory", "Boston", "cost_per_lead") is None
    assert a.get("region", "West", "cost_per_lead") is None
    assert a.get("plan", None, "period_start") == Month(2027, 1)
    assert a.get("plan", None, "currency") == "USD"


def test_removing_the_last_override_removes_the_entry() -> None:
    a = Assumptions()
    a.set("territory", "Boston", "win_rate", 0.3)
    a.set("territory", "Boston", "cost_per_lead", 300)
    a.set("territory", "Boston", "win_rate", None)
    assert a.territory_overrides == {"Boston": {"cost_per_lead": 300.0}}
    a.set("territory", "Boston", "cost_per_lead", None)
    assert a.territory_overrides == {}
    a.set("territory", "Nowhere", "cost_per_lead", None)  # removing what is not there is a no-op
    assert a == Assumptions()


@pytest.mark.parametrize("key", list(PLAN_KEYS))
def test_plan_settings_cannot_be_overridden_per_region_or_territory(key: str) -> None:
    a = Assumptions()
    with pytest.raises(PlanError, match="can only be set for the whole plan"):
        a.set("region", "East", key, 0.05)
    assert a == Assumptions()


def test_plan_value_cannot_be_removed() -> None:
    with pytest.raises(PlanError, match="cannot be removed"):
        Assumptions().set("plan", None, "win_rate", None)


def test_override_needs_a_name_and_a_known_level() -> None:
    with pytest.raises(PlanError, match="needs the territory's name"):
        Assumptions().set("territory", None, "win_rate", 0.3)
    with pytest.raises(PlanError, match="use plan, region or territory"):
        Assumptions().set("country", "US", "win_rate", 0.3)


def test_period_start_and_currency() -> None:
    a = Assumptions()
    a.set("plan", None, "period_start", "2027-04")
    assert a.period_start == Month(2027, 4)
    a.set("plan", None, "period_start", Month(2028, 1))
    assert a.period_start == Month(2028, 1)
    with pytest.raises(PlanError, match="first month"):
        a.set("plan", None, "period_start", None)
    with pytest.raises(PlanError, match="YYYY-MM"):
        a.set("plan", None, "period_start", "April")
    a.set("plan", None, "currency", " eur ")
    assert a.currency == "EUR"
    for bad in ("EURO", "E1", "", None):
        with pytest.raises(InvalidAssumption, match="3-letter currency code"):
            a.set("plan", None, "currency", bad)
    assert a.currency == "EUR" and a.period_start == Month(2028, 1)


def test_copy_is_independent() -> None:
    a = Assumptions()
    a.set("region", "East", "win_rate", 0.3)
    b = a.copy()
    assert b == a
    b.set("region", "East", "win_rate", 0.4)
    b.set("plan", None, "cost_per_lead", 999)
    assert a.region_overrides["East"]["win_rate"] == 0.3
    assert a.values["cost_per_lead"] == Assumptions().values["cost_per_lead"]


def test_rename_moves_overrides() -> None:
    a = Assumptions()
    a.set("territory", "Boston", "win_rate", 0.3)
    a.rename("territory", "Boston", "Greater Boston")
    assert a.territory_overrides == {"Greater Boston": {"win_rate": 0.3}}
    a.rename("territory", "Nowhere", "Somewhere")  # nothing to move
    assert a.territory_overrides == {"Greater Boston": {"win_rate": 0.3}}


# --- bounds: nothing overflows or prints as "$infB" ---------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("avg_deal_size", 1e-300, "1 to 1,000,000,000 (plan currency)"),
        ("cost_per_lead", 1e308, "0.01 to 1,000,000 (plan currency)"),
        ("win_rate", 1e-300, "0.0001 (0.01 %) to 1 (100 %)"),
        ("lead_to_mql", 1e-5, "0.0001 (0.01 %) to 1 (100 %)"),
        ("sales_cycle_days", 1e12, "1 day to 3,650 days"),
        ("marketing_budget", 1e13, "0 to 1,000,000,000,000 (plan currency)"),
        ("marketing_hours", 2e9, "0 h to 1,000,000,000 h"),
        ("hours_per_mql", 1e6, "0 h to 1,000 h"),
        ("imbalance_tolerance", 11, "0 (0 %) to 10 (1,000 %)"),
    ],
)
def test_values_beyond_the_bounds_are_refused_naming_the_allowed_range(key: str, value: float, allowed: str) -> None:
    with pytest.raises(InvalidAssumption) as info:
        validate_value(key, value, " (row 4)")
    message = str(info.value)
    assert f"({key}) (row 4) is {value:g}" in message
    assert message.endswith(f"Allowed: {allowed}.")


def test_every_bound_is_accepted_and_just_outside_is_refused() -> None:
    for key, spec in {**FUNNEL_KEYS, **PLAN_KEYS}.items():
        b = spec.bounds
        for edge, is_open in ((b.low, b.low_open), (b.high, b.high_open)):
            if is_open:
                with pytest.raises(InvalidAssumption):
                    validate_value(key, edge)
            else:
                assert validate_value(key, edge) == edge
        with pytest.raises(InvalidAssumption):
            validate_value(key, b.high * 1.01 + 1e-9)
        with pytest.raises(InvalidAssumption):
            validate_value(key, b.low - max(abs(b.low) * 0.01, 1e-9))


def test_extreme_values_within_bounds_keep_every_figure_finite_and_printable() -> None:
    # The worst corner of the bounds: smallest rates and deal size, largest cost per lead and quota.
    extreme = {
        **HANDSHAKE,
        "avg_deal_size": FUNNEL_KEYS["avg_deal_size"].bounds.low,
        "win_rate": 0.0001,
        "sql_to_opp": 0.0001,
        "mql_to_sql": 0.0001,
        "lead_to_mql": 0.0001,
        "marketing_share": 1.0,
        "cost_per_lead": FUNNEL_KEYS["cost_per_lead"].bounds.high,
        "hours_per_mql": FUNNEL_KEYS["hours_per_mql"].bounds.high,
        "sales_cycle_days": FUNNEL_KEYS["sales_cycle_days"].bounds.high,
    }
    assumptions = handshake_assumptions(**extreme)
    quota = AMOUNT_SPECS["annual_quota"].bounds.high
    scenario = make_scenario(
        territories=[Territory("Boston")], sellers=[existing("Ann", "Boston", quota)], assumptions=assumptions
    )
    report = evaluate(scenario, make_layer())
    boston = report.territory("Boston")
    for figure in (boston.required_spend, boston.required_hours, boston.gap, report.totals.required_spend):
        assert math.isfinite(figure)
        assert "inf" not in money(figure) and "nan" not in money(figure)
    assert all("inf" not in flag.message for flag in report.flags)


@pytest.mark.parametrize(
    ("name", "value"), [("budget", 1e308), ("hours", 1e10), ("budget", -1), ("hours", float("nan"))]
)
def test_allocation_amounts_are_bounded(name: str, value: float) -> None:
    kwargs = {name: value}
    with pytest.raises(InvalidAssumption, match=rf"Allocation {name} \({name}\) of territory 'Boston'"):
        Allocation("territory", "Boston", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "value"), [("annual_quota", 1e308), ("annual_cost", 1e13), ("annual_quota", -5)])
def test_seller_amounts_are_bounded(name: str, value: float) -> None:
    with pytest.raises(InvalidAssumption, match=rf"\({name}\) of seller 'Ann'.*Allowed: 0 to 1,000,000,000,000"):
        Seller("Ann", "Boston", **{name: value})  # type: ignore[arg-type]


# --- the spend-ratio band -------------------------------------------------------------------------------------


def test_spend_ratio_min_above_max_is_refused_and_changes_nothing() -> None:
    a = Assumptions()
    before = a.copy()
    with pytest.raises(InvalidAssumption, match=r"upside down.*spend_ratio_min\) is 10 %.*spend_ratio_max\) is 8 %"):
        a.set("plan", None, "spend_ratio_min", 0.10)
    with pytest.raises(InvalidAssumption, match="upside down"):
        a.set("plan", None, "spend_ratio_max", 0.03)
    assert a == before
    a.set("plan", None, "spend_ratio_min", 0.08)  # equal ends are a band of one value
    assert a.values["spend_ratio_min"] == 0.08


def test_set_assumption_command_refuses_an_upside_down_band() -> None:
    plan = Plan("p", make_layer(), {BASELINE: make_scenario(territories=[Territory("Boston")])})
    SetAssumption(BASELINE, "plan", None, "spend_ratio_min", 0.05).apply(plan)
    with pytest.raises(InvalidAssumption, match="upside down"):
        SetAssumption(BASELINE, "plan", None, "spend_ratio_max", 0.01).apply(plan)
    assert plan.scenario().assumptions.values["spend_ratio_max"] != 0.01


def test_stored_values_out_of_bounds_say_so_when_the_plan_is_checked() -> None:
    # A plan written by an older version may hold values this one refuses: a clear message, never a result.
    stored = Assumptions()
    stored.values["cost_per_lead"] = 0.0
    with pytest.raises(InvalidAssumption, match=r"cost_per_lead.*older version.*Assumptions panel"):
        stored.check()
    band = Assumptions()
    band.values.update(spend_ratio_min=0.09, spend_ratio_max=0.05)
    scenario = make_scenario(territories=[Territory("Boston")], assumptions=band)
    with pytest.raises(InvalidAssumption, match="upside down"):
        evaluate(scenario, make_layer())


# --- one format per key, one parser ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        ("imbalance_tolerance", 0.35, "35 %"),
        ("hours_per_mql", 0.5, "0.5 h"),
        ("onboarding_hours_per_hire", 40, "40 h"),
        ("marketing_hours", 12_500, "12,500 h"),
        ("win_rate", 0.25, "25 %"),
        ("win_rate", 0.125, "12.5 %"),
        ("lead_to_mql", 0.0001, "0.01 %"),
        ("at_risk_tolerance", 0.1, "10 %"),
        ("cost_per_lead", 220.5, "€220.50"),
        ("cost_per_lead", 0.125, "€0.13"),  # halves round away from zero, as in Excel
        ("marketing_budget", 1_925_000, "€1,925,000"),
        ("avg_deal_size", 50_000, "€50,000"),
        ("sales_cycle_days", 90, "90 days"),
        ("sales_cycle_days", 1, "1 day"),
    ],
)
def test_format_assumption(key: str, value: float, text: str) -> None:
    assert format_assumption(key, value, "EUR") == text


@pytest.mark.parametrize("key", [*FUNNEL_KEYS, *PLAN_KEYS])
@pytest.mark.parametrize("where", ["low", "default", "odd", "high"])
def test_the_exact_text_reads_back_to_the_same_value(key: str, where: str) -> None:
    spec = {**FUNNEL_KEYS, **PLAN_KEYS}[key]
    b = spec.bounds
    value = {
        "low": b.low if not b.low_open else b.low + 0.01,
        "default": spec.default,
        "odd": min(b.high * 0.999, max(b.low, spec.default) * 1.2345678 + 0.0001),
        "high": b.high if not b.high_open else b.high - 0.001,
    }[where]
    text = format_assumption(key, value, "USD", exact=True)
    assert parse_assumption(key, text) == pytest.approx(value, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("imbalance_tolerance", "35 %", 0.35),
        ("imbalance_tolerance", "0.35", 0.35),
        ("hours_per_mql", "0.5 h", 0.5),
        ("sales_cycle_days", "120 days", 120),
        ("cost_per_lead", "$1,200", 1200),
        ("marketing_budget", "2.4M", 2_400_000),
        ("marketing_budget", "C$240k", 240_000),
    ],
)
def test_parse_assumption_reads_what_people_type(key: str, text: str, value: float) -> None:
    assert parse_assumption(key, text) == value


def test_parse_assumption_refuses_text_and_out_of_bounds_values() -> None:
    with pytest.raises(PlanError, match=r"Cost per lead: 'cheap' is not a number"):
        parse_assumption("cost_per_lead", "cheap")
    with pytest.raises(InvalidAssumption, match=r"cost_per_lead\) for territory 'Boston' is 0: it must be greater"):
        parse_assumption("cost_per_lead", "$0", " for territory 'Boston'")
    with pytest.raises(PlanError, match="too large"):
        parse_assumption("marketing_budget", "1e309")


def test_every_key_has_a_unit_and_its_default_is_inside_its_bounds() -> None:
    for spec in (*FUNNEL_KEYS.values(), *PLAN_KEYS.values(), *AMOUNT_SPECS.values()):
        assert spec.unit in UNITS
        assert spec.bounds.contains(spec.default) or spec.key in AMOUNT_SPECS
        assert math.isfinite(spec.bounds.high)
