"""The funnel handshake: one definition per assumption key (unit, bounds, display), defaults and overrides.

Every question about a key is answered here, once: which values it accepts (:class:`Bounds`), how it prints in the
app, the PDF and the workbook (:func:`format_assumption`, :func:`assumption_cell_format`), and how typed text is
read back (:func:`parse_assumption`). The bounds are wide enough for any real company and narrow enough that every
figure derived from them stays finite and printable (the README's "Assumption bounds" table lists them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from .errors import InvalidAssumption, PlanError
from .formatting import currency_symbol, parse_number
from .months import Month

#: The units an assumption (or an amount of an allocation or seller) is counted in.
UNITS = ("money", "hours", "percent", "days", "count", "ratio")


@dataclass(frozen=True)
class Bounds:
    """The accepted values of a key: ``low`` to ``high``, each end included unless marked open."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def contains(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below


@dataclass(frozen=True)
class KeySpec:
    """What one assumption key means, what it is counted in, which values it accepts and how it prints.

    ``kind`` words the refusal ("rate" 0 < v <= 1, "share" 0 <= v <= 1, "tolerance" 0 <= v < 1, "deviation",
    "positive" v > 0, "amount" v >= 0, "days"); ``bounds`` decide what is accepted.
    """

    key: str
    label: str
    kind: str
    hint: str
    default: float
    unit: str = "ratio"
    bounds: Bounds = Bounds(0.0, 1.0)

    @property
    def is_percent(self) -> bool:
        """Shown and typed as a percentage (0.35 prints as 35 %)."""
        return self.unit == "percent"

    def allowed(self) -> str:
        """The accepted range in words: ``0.0001 (0.01 %) to 1 (100 %)``."""
        b = self.bounds
        low = ("just above " if b.low_open else "") + _bound_text(self.unit, b.low)
        high = ("just below " if b.high_open else "") + _bound_text(self.unit, b.high)
        return f"{low} to {high}" + (" (plan currency)" if self.unit == "money" else "")


def _bound_text(unit: str, value: float) -> str:
    if unit == "percent":
        return f"{value:g} ({_fixed(value * 100, _decimals(value * 100, 4))} %)"
    if unit == "hours":
        return f"{_fixed(value, _decimals(value))} h"
    if unit == "days":
        return f"{_fixed(value, _decimals(value))} {'day' if value == 1 else 'days'}"
    return _fixed(value, _decimals(value))


_RATE = Bounds(0.0001, 1.0)
_SHARE = Bounds(0.0, 1.0)

FUNNEL_KEYS: dict[str, KeySpec] = {
    s.key: s
    for s in (
        KeySpec(
            "avg_deal_size",
            "Average deal size",
            "positive",
            "set from your CRM's closed-won deals",
            50_000.0,
            "money",
            Bounds(1.0, 1e9),
        ),
        KeySpec(
            "win_rate", "Opportunity → won", "rate", "typical 20–30 % (enterprise 10–20 %)", 0.25, "percent", _RATE
        ),
        KeySpec("sql_to_opp", "SQL → opportunity", "rate", "typical 40–80 %", 0.6, "percent", _RATE),
        KeySpec("mql_to_sql", "MQL → SQL", "rate", "typical 30–60 %", 0.4, "percent", _RATE),
        KeySpec("lead_to_mql", "Lead → MQL", "rate", "typical 20–40 %", 0.3, "percent", _RATE),
        KeySpec(
            "marketing_share", "Marketing-sourced share of pipeline", "share", "often 30–60 %", 0.5, "percent", _SHARE
        ),
        KeySpec(
            "cost_per_lead",
            "Cost per lead",
            "positive",
            "blended typical $150–$300",
            200.0,
            "money",
            Bounds(0.01, 1e6),
        ),
        KeySpec(
            "hours_per_mql",
            "Marketing hours per MQL",
            "amount",
            "nurture and follow-up time",
            0.5,
            "hours",
            Bounds(0.0, 1_000.0),
        ),
        KeySpec(
            "onboarding_hours_per_hire",
            "Marketing hours to onboard a hire",
            "amount",
            "launch kit, local campaigns",
            40.0,
            "hours",
            Bounds(0.0, 10_000.0),
        ),
        KeySpec(
            "sales_cycle_days", "Sales cycle (days)", "days", "lead to closed deal", 90.0, "days", Bounds(1.0, 3650.0)
        ),
        KeySpec(
            "at_risk_tolerance",
            "At-risk tolerance",
            "tolerance",
            "short by at most this share = at risk",
            0.10,
            "percent",
            Bounds(0.0, 1.0, high_open=True),
        ),
    )
}

PLAN_KEYS: dict[str, KeySpec] = {
    s.key: s
    for s in (
        KeySpec(
            "marketing_budget",
            "Marketing budget",
            "amount",
            "typically 4–8 % of the revenue target",
            0.0,
            "money",
            Bounds(0.0, 1e12),
        ),
        KeySpec(
            "marketing_hours",
            "Marketing team hours",
            "amount",
            "hours the team can give in the period",
            0.0,
            "hours",
            Bounds(0.0, 1e9),
        ),
        KeySpec("spend_ratio_min", "Budget / revenue: low end", "share", "benchmark band 4 %", 0.04, "percent", _SHARE),
        KeySpec(
            "spend_ratio_max", "Budget / revenue: high end", "share", "benchmark band 8 %", 0.08, "percent", _SHARE
        ),
        KeySpec(
            "imbalance_tolerance",
            "Potential-per-seller tolerance",
            "deviation",
            "flag territories this far from the mean",
            0.35,
            "percent",
            Bounds(0.0, 10.0),
        ),
        KeySpec(
            "max_penetration",
            "Largest share of a territory's market",
            "rate",
            "a target above this share of the market is flagged; often 5–15 %",
            0.10,
            "percent",
            _RATE,
        ),
        KeySpec(
            "marketing_team_cost",
            "Marketing team cost",
            "amount",
            "the marketing team's own yearly cost (optional, for spend per head)",
            0.0,
            "money",
            Bounds(0.0, 1e12),
        ),
        KeySpec(
            "marketing_headcount",
            "Marketing headcount",
            "amount",
            "people in the marketing team (optional; 0 = not set)",
            0.0,
            "count",
            Bounds(0.0, 1e6),
        ),
    )
}

#: Amounts that are not assumption keys but feed the same figures: allocations and sellers. Same rule: finite,
#: printable, beyond any real company.
AMOUNT_SPECS: dict[str, KeySpec] = {
    s.key: s
    for s in (
        KeySpec("budget", "Allocation budget", "amount", "", 0.0, "money", Bounds(0.0, 1e12)),
        KeySpec("hours", "Allocation hours", "amount", "", 0.0, "hours", Bounds(0.0, 1e9)),
        KeySpec("annual_quota", "Annual quota", "amount", "", 0.0, "money", Bounds(0.0, 1e12)),
        KeySpec("annual_cost", "Annual cost", "amount", "", 0.0, "money", Bounds(0.0, 1e12)),
    )
}

#: Plan-level keys whose value is text rather than a number. ``market_attribute`` names the unit attribute that
#: holds annual revenue potential in plan currency (empty: ``potential`` when the layer has it).
TEXT_PLAN_KEYS = ("period_start", "currency", "market_attribute")

ALL_KEYS = (*FUNNEL_KEYS, *PLAN_KEYS, *TEXT_PLAN_KEYS)

#: The funnel keys that may carry a range (a low and a high beside the agreed value), at plan level only.
RANGE_KEYS = (
    "avg_deal_size",
    "win_rate",
    "sql_to_opp",
    "mql_to_sql",
    "lead_to_mql",
    "marketing_share",
    "cost_per_lead",
    "hours_per_mql",
)
#: The two ends of a range, addressed as ``<key>.low`` and ``<key>.high`` (in ``Assumptions.get``/``set``, the
#: assumptions sheet's ``low``/``high`` columns and the plan's stored assumption rows).
RANGE_ENDS = ("low", "high")

#: The unit attribute used as market when the plan does not name one.
DEFAULT_MARKET_ATTRIBUTE = "potential"
#: The longest attribute name ``market_attribute`` accepts.
_MAX_ATTRIBUTE_NAME = 120


def range_key(key: str, end: str) -> str:
    """The name of one end of a key's range: ``range_key("win_rate", "low") == "win_rate.low"``."""
    return f"{key}.{end}"


def split_range_key(name: str) -> tuple[str, str] | None:
    """``("win_rate", "low")`` for ``"win_rate.low"``; ``None`` for any name that is not a range end."""
    key, dot, end = name.rpartition(".")
    if dot and key in RANGE_KEYS and end in RANGE_ENDS:
        return key, end
    return None


#: Why a value is refused when it breaks the basic rule of its kind (the wording people know).
_KIND_RULES = {
    "rate": ("a conversion rate must be above 0 and at most 1 (write 25 % as 0.25)", lambda v: 0 < v <= 1),
    "share": ("a share must be between 0 and 1 (write 50 % as 0.5)", lambda v: 0 <= v <= 1),
    "tolerance": ("a tolerance must be at least 0 and below 1 (write 10 % as 0.1)", lambda v: 0 <= v < 1),
    "deviation": ("a tolerance cannot be negative (write 35 % as 0.35)", lambda v: v >= 0),
    "positive": ("it must be greater than 0", lambda v: v > 0),
    "amount": ("it cannot be negative", lambda v: v >= 0),
    "days": ("a sales cycle must be at least 1 day", lambda v: v > 0),
}


def key_spec(key: str) -> KeySpec:
    """The definition of a numeric assumption key; PlanError naming the known keys for any other."""
    spec = FUNNEL_KEYS.get(key) or PLAN_KEYS.get(key)
    if spec is None:
        raise PlanError(f"Unknown assumption '{key}'. Known assumptions: {', '.join(ALL_KEYS)}.")
    return spec


def _check(spec: KeySpec, value: object, where: str) -> float:
    head = f"{spec.label} ({spec.key}){where}"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidAssumption(f"{head} must be a number, not '{value}'.") from None
    if math.isnan(number) or math.isinf(number):
        raise InvalidAssumption(f"{head} must be a finite number, not '{value}'.")
    if spec.bounds.contains(number):
        return number
    rule, basic = _KIND_RULES[spec.kind]
    if basic(number):
        too_low = number < spec.bounds.low or (spec.bounds.low_open and number == spec.bounds.low)
        rule = (
            "it is too small to plan with (the figures it divides would overflow)"
            if too_low
            else "it is larger than any real plan needs (the figures it feeds would overflow)"
        )
    raise InvalidAssumption(f"{head} is {number:g}: {rule}. Allowed: {spec.allowed()}.")


def validate_value(key: str, value: object, where: str = "") -> float:
    """Check one numeric assumption value against its key's bounds; return it as float or raise a clear error."""
    spec = FUNNEL_KEYS.get(key) or PLAN_KEYS.get(key)
    if spec is None:
        known = ", ".join(k for k in ALL_KEYS)
        raise PlanError(f"Unknown assumption '{key}'{where}. Known assumptions: {known}.")
    return _check(spec, value, where)


def check_amount(name: str, value: object, where: str = "") -> float:
    """Check an allocation's or a seller's amount (``budget``, ``hours``, ``annual_quota``, ``annual_cost``)."""
    return _check(AMOUNT_SPECS[name], value, where)


def check_spend_band(low: float, high: float) -> None:
    """Refuse a budget / revenue band whose low end is above its high end."""
    if low > high:
        raise InvalidAssumption(
            f"The budget / revenue band is upside down: the low end (spend_ratio_min) is "
            f"{format_assumption('spend_ratio_min', low, 'USD')} and the high end (spend_ratio_max) is "
            f"{format_assumption('spend_ratio_max', high, 'USD')}. Set the low end at or below the high end."
        )


def check_range(key: str, value: float, low: float | None, high: float | None, where: str = "") -> None:
    """Refuse a range whose ends are out of the key's bounds, on the wrong side of the value, or around a zero
    value (region and territory overrides scale the plan's range by their value over the plan's, so it must be
    above 0). ``None`` is an end that is not set (the value itself)."""
    spec = key_spec(key)
    head = f"The range of {spec.label} ({key}){where}"
    for end, bound in (("low", low), ("high", high)):
        if bound is not None:
            validate_value(key, bound, f" ({end} end of its range{where})")
    if low is None and high is None:
        return
    shown = format_assumption(key, value, "USD", exact=True)
    if low is not None and low > value:
        raise InvalidAssumption(
            f"{head}: its low end {format_assumption(key, low, 'USD', exact=True)} is above the value {shown}. "
            "Set the low end at or below the value."
        )
    if high is not None and high < value:
        raise InvalidAssumption(
            f"{head}: its high end {format_assumption(key, high, 'USD', exact=True)} is below the value {shown}. "
            "Set the high end at or above the value."
        )
    if value <= 0:
        raise InvalidAssumption(
            f"{head} needs a value above 0 (overrides scale the range by their value over the plan's): "
            "set a value first, or remove the range."
        )


def check_market_attribute(value: object) -> str | None:
    """The attribute name ``market_attribute`` holds (``None`` when empty: the default); refuse control characters."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text) or len(text) > _MAX_ATTRIBUTE_NAME:
        raise InvalidAssumption(
            f"The market attribute must be the name of a unit attribute (one line, at most "
            f"{_MAX_ATTRIBUTE_NAME} characters), such as potential; it is {text[:40]!r}."
        )
    return text


# --- how a value prints and how typed text is read -----------------------------------------------------------


def _decimals(value: float, most: int = 2) -> int:
    """The fewest decimals (up to ``most``) that show ``value`` without rounding it."""
    for digits in range(most + 1):
        if abs(value - round(value, digits)) < 1e-9 * max(1.0, abs(value)):
            return digits
    return most


def _fixed(value: float, digits: int) -> str:
    """``value`` with thousands separators and ``digits`` decimals, halves rounded away from zero (as Excel does)."""
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{exact:,.{digits}f}"


def _shown(spec: KeySpec, value: float, exact: bool) -> tuple[float, int]:
    """The number that is printed (a percentage is value × 100) and its decimals."""
    number = value * 100 if spec.is_percent else value
    digits = _decimals(number, 10 if exact else 2)
    if spec.unit == "money" and 0 < digits <= 2:
        digits = 2  # cents, never "$220.5"
    return number, digits


def format_assumption(key: str, value: float, currency: str, exact: bool = False) -> str:
    """An assumption value as it prints in the app, the PDF and the workbook: ``35 %``, ``$180``, ``0.5 h``.

    ``exact`` keeps up to 10 decimals (the text put in an editor, read back by :func:`parse_assumption`).
    """
    spec = key_spec(key)
    number, digits = _shown(spec, value, exact)
    text = _fixed(number, digits)
    if spec.unit == "money":
        return f"{currency_symbol(currency)}{text}"
    if spec.unit == "percent":
        return f"{text} %"
    if spec.unit == "hours":
        return f"{text} h"
    if spec.unit == "days":
        return f"{text} {'day' if text == '1' else 'days'}"
    return text


def assumption_cell_format(key: str, value: float, currency: str) -> str:
    """The Excel number format that shows ``value`` exactly as :func:`format_assumption` prints it."""
    spec = key_spec(key)
    _, digits = _shown(spec, value, False)
    number = "#,##0" + ("." + "0" * digits if digits else "")
    if spec.unit == "money":
        symbol = currency_symbol(currency).replace('"', "")
        return f'"{symbol}"{number}'
    if spec.unit == "percent":
        return f"{number} %"
    if spec.unit == "hours":
        return f'{number}" h"'
    if spec.unit == "days":
        return f'{number}" {"day" if _fixed(value, digits) == "1" else "days"}"'
    return number


def parse_assumption(key: str, text: str, where: str = "") -> float:
    """Read typed text (``35 %``, ``0.35``, ``$1,200``, ``2.4M``, ``0.5 h``, ``90 days``) and check its bounds.

    PlanError when the text is not a number, InvalidAssumption when the number is out of bounds (``where`` says
    for which region or territory, as in :func:`validate_value`).
    """
    spec = key_spec(key)
    raw = str(text).strip()
    if spec.unit == "days" and raw.lower().endswith(("days", "day")):
        raw = raw[: -4 if raw.lower().endswith("days") else -3]
    return validate_value(key, parse_number(raw, spec.label), where)


@dataclass(frozen=True)
class FunnelAssumptions:
    """The resolved funnel numbers that apply to one territory."""

    avg_deal_size: float
    win_rate: float
    sql_to_opp: float
    mql_to_sql: float
    lead_to_mql: float
    marketing_share: float
    cost_per_lead: float
    hours_per_mql: float
    onboarding_hours_per_hire: float
    sales_cycle_days: float
    at_risk_tolerance: float

    @classmethod
    def from_mapping(cls, values: Mapping[str, float]) -> FunnelAssumptions:
        return cls(**{f.name: float(values[f.name]) for f in fields(cls)})


_STORED = (
    " The plan holds a value this version does not accept (it may come from an older version): set it again in "
    "the Assumptions panel, or import an assumptions sheet with a value in the allowed range."
)


@dataclass
class Assumptions:
    """Plan values of every key, plus sparse per-region and per-territory overrides of the funnel keys."""

    values: dict[str, float] = field(
        default_factory=lambda: {k: s.default for k, s in {**FUNNEL_KEYS, **PLAN_KEYS}.items()}
    )
    period_start: Month = field(default_factory=lambda: Month(2027, 1))
    currency: str = "USD"
    region_overrides: dict[str, dict[str, float]] = field(default_factory=dict)
    territory_overrides: dict[str, dict[str, float]] = field(default_factory=dict)
    #: The plan-level ranges: key -> the ends that are set (``{"low": 0.18, "high": 0.3}``); see :data:`RANGE_KEYS`.
    ranges: dict[str, dict[str, float]] = field(default_factory=dict)
    #: The unit attribute holding annual revenue potential (``None``: ``potential`` when the layer has it).
    market_attribute: str | None = None

    def __post_init__(self) -> None:
        # A plan saved before a key existed gets the key's default (e.g. max_penetration).
        for key, spec in {**FUNNEL_KEYS, **PLAN_KEYS}.items():
            self.values.setdefault(key, spec.default)

    def copy(self) -> Assumptions:
        return Assumptions(
            values=dict(self.values),
            period_start=self.period_start,
            currency=self.currency,
            region_overrides={k: dict(v) for k, v in self.region_overrides.items()},
            territory_overrides={k: dict(v) for k, v in self.territory_overrides.items()},
            ranges={k: dict(v) for k, v in self.ranges.items()},
            market_attribute=self.market_attribute,
        )

    # --- ranges ----------------------------------------------------------------------------------------------
    @property
    def has_ranges(self) -> bool:
        """Some funnel key has a low or a high: sensitivity and funding confidence have something to say."""
        return any(self.ranges.values())

    def plan_range(self, key: str) -> tuple[float, float] | None:
        """``(low, high)`` of a key at plan level (an end that is not set is the value); ``None`` without a range."""
        ends = self.ranges.get(key)
        if not ends:
            return None
        value = self.values[key]
        return ends.get("low", value), ends.get("high", value)

    def scaled_range(self, key: str, value: float) -> tuple[float, float] | None:
        """The range of a region's or territory's ``value`` of ``key``: the plan's range scaled by ``value`` over
        the plan value (``low_T = value_T × low_plan / value_plan``), kept inside the key's bounds."""
        ends = self.plan_range(key)
        if ends is None:
            return None
        plan_value = self.values[key]
        bounds = FUNNEL_KEYS[key].bounds
        low, high = (min(max(value * end / plan_value, bounds.low), bounds.high) for end in ends)
        return low, high

    def check(self) -> None:
        """Validate every stored value (values loaded from a file bypass ``set``); raises InvalidAssumption."""
        try:
            for key, value in self.values.items():
                validate_value(key, value)
            check_spend_band(self.values["spend_ratio_min"], self.values["spend_ratio_max"])
            for level, table in (("region", self.region_overrides), ("territory", self.territory_overrides)):
                for name, overrides in table.items():
                    for key, value in overrides.items():
                        validate_value(key, value, f" for {level} '{name}'")
            for key, ends in self.ranges.items():
                if key not in RANGE_KEYS:
                    raise InvalidAssumption(f"'{key}' cannot have a range; ranges are for {', '.join(RANGE_KEYS)}.")
                check_range(key, self.values[key], ends.get("low"), ends.get("high"))
            check_market_attribute(self.market_attribute)
        except InvalidAssumption as exc:
            raise InvalidAssumption(f"{exc}{_STORED}") from None

    def plan_value(self, key: str) -> float:
        return self.values[key]

    def resolve(self, territory: str | None, region: str | None) -> FunnelAssumptions:
        """Plan values, overridden by the region's, overridden by the territory's."""
        merged = {k: self.values[k] for k in FUNNEL_KEYS}
        if region is not None:
            merged.update(self.region_overrides.get(region, {}))
        if territory is not None:
            merged.update(self.territory_overrides.get(territory, {}))
        return FunnelAssumptions.from_mapping(merged)

    def get(self, level: str, name: str | None, key: str) -> float | str | Month | None:
        """The value stored at exactly this level (``None`` when a level has no override of the key)."""
        if level == "plan":
            if key == "period_start":
                return self.period_start
            if key == "currency":
                return self.currency
            if key == "market_attribute":
                return self.market_attribute
            end = split_range_key(key)
            if end is not None:
                return self.ranges.get(end[0], {}).get(end[1])
            return self.values.get(key)
        table = self._overrides(level)
        return table.get(name or "", {}).get(key)

    def set(self, level: str, name: str | None, key: str, value: float | str | Month | None) -> None:
        """Store one value (``None`` removes an override). Validates before changing anything."""
        if level == "plan":
            if key == "period_start":
                if value is None:
                    raise PlanError("The plan must have a first month (period_start).")
                self.period_start = value if isinstance(value, Month) else Month.parse(str(value))
                return
            if key == "currency":
                text = str(value or "").strip().upper()
                if not (len(text) == 3 and text.isalpha()):
                    raise InvalidAssumption(
                        f"Currency '{value}' is not a 3-letter currency code such as USD, EUR or GBP."
                    )
                self.currency = text
                return
            if key == "market_attribute":
                self.market_attribute = check_market_attribute(value)
                return
            end = split_range_key(key)
            if end is not None:
                self._set_range_end(*end, value)
                return
            if value is None:
                raise PlanError(f"The plan value of '{key}' cannot be removed; set a number instead.")
            checked = validate_value(key, value)
            if key in ("spend_ratio_min", "spend_ratio_max"):
                band = {**self.values, key: checked}
                check_spend_band(band["spend_ratio_min"], band["spend_ratio_max"])
            if key in self.ranges:
                ends = self.ranges[key]
                check_range(key, checked, ends.get("low"), ends.get("high"))
            self.values[key] = checked
            return
        if split_range_key(key) is not None:
            raise PlanError(
                f"A range ({key}) is set for the whole plan only; region and territory overrides scale it by "
                "their value over the plan's."
            )
        if key not in FUNNEL_KEYS:
            raise PlanError(
                f"'{key}' can only be set for the whole plan; regions and territories can override only "
                f"the funnel assumptions ({', '.join(FUNNEL_KEYS)})."
            )
        table = self._overrides(level)
        if not name:
            raise PlanError(f"A {level} override needs the {level}'s name.")
        if value is None:
            entry = table.get(name)
            if entry is not None:
                entry.pop(key, None)
                if not entry:
                    del table[name]
            return
        checked = validate_value(key, value, f" for {level} '{name}'")
        table.setdefault(name, {})[key] = checked

    def _set_range_end(self, key: str, end: str, value: object) -> None:
        ends = dict(self.ranges.get(key, {}))
        if value is None:
            ends.pop(end, None)
        else:
            ends[end] = validate_value(key, value, f" ({end} end of its range)")
        check_range(key, self.values[key], ends.get("low"), ends.get("high"))
        if ends:
            self.ranges[key] = ends
        else:
            self.ranges.pop(key, None)

    def _overrides(self, level: str) -> dict[str, dict[str, float]]:
        if level == "region":
            return self.region_overrides
        if level == "territory":
            return self.territory_overrides
        raise PlanError(f"Unknown assumption level '{level}': use plan, region or territory.")

    def rename(self, level: str, old: str, new: str) -> None:
        table = self._overrides(level)
        if old in table:
            table[new] = table.pop(old)
