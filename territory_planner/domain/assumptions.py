"""The funnel handshake: assumption keys, their ranges, defaults and the plan -> region -> territory overrides."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

from .errors import InvalidAssumption, PlanError
from .months import Month


@dataclass(frozen=True)
class KeySpec:
    """What one assumption key means and which values it accepts."""

    key: str
    label: str
    kind: str  # "rate" (0 < v <= 1), "share" (0 <= v <= 1), "amount" (v >= 0), "positive" (v > 0), "days"
    hint: str
    default: float


FUNNEL_KEYS: dict[str, KeySpec] = {
    s.key: s
    for s in (
        KeySpec("avg_deal_size", "Average deal size", "positive", "set from your CRM's closed-won deals", 50_000.0),
        KeySpec("win_rate", "Opportunity → won", "rate", "typical 20–30 % (enterprise 10–20 %)", 0.25),
        KeySpec("sql_to_opp", "SQL → opportunity", "rate", "typical 40–80 %", 0.6),
        KeySpec("mql_to_sql", "MQL → SQL", "rate", "typical 30–60 %", 0.4),
        KeySpec("lead_to_mql", "Lead → MQL", "rate", "typical 20–40 %", 0.3),
        KeySpec("marketing_share", "Marketing-sourced share of pipeline", "share", "often 30–60 %", 0.5),
        KeySpec("cost_per_lead", "Cost per lead", "amount", "blended typical $150–$300", 200.0),
        KeySpec("hours_per_mql", "Marketing hours per MQL", "amount", "nurture and follow-up time", 0.5),
        KeySpec(
            "onboarding_hours_per_hire",
            "Marketing hours to onboard a hire",
            "amount",
            "launch kit, local campaigns",
            40.0,
        ),
        KeySpec("sales_cycle_days", "Sales cycle (days)", "days", "lead to closed deal", 90.0),
        KeySpec(
            "at_risk_tolerance",
            "At-risk tolerance",
            "tolerance",
            "short by at most this share = at risk",
            0.10,
        ),
    )
}

PLAN_KEYS: dict[str, KeySpec] = {
    s.key: s
    for s in (
        KeySpec("marketing_budget", "Marketing budget", "amount", "typically 4–8 % of the revenue target", 0.0),
        KeySpec("marketing_hours", "Marketing team hours", "amount", "hours the team can give in the period", 0.0),
        KeySpec("spend_ratio_min", "Budget / revenue: low end", "share", "benchmark band 4 %", 0.04),
        KeySpec("spend_ratio_max", "Budget / revenue: high end", "share", "benchmark band 8 %", 0.08),
        KeySpec(
            "imbalance_tolerance",
            "Potential-per-seller tolerance",
            "amount",
            "flag territories this far from the mean",
            0.35,
        ),
    )
}

#: Plan-level keys whose value is text rather than a number.
TEXT_PLAN_KEYS = ("period_start", "currency")

ALL_KEYS = (*FUNNEL_KEYS, *PLAN_KEYS, *TEXT_PLAN_KEYS)


def validate_value(key: str, value: object, where: str = "") -> float:
    """Check one numeric assumption value against its key's range; return it as float or raise a clear error."""
    spec = FUNNEL_KEYS.get(key) or PLAN_KEYS.get(key)
    if spec is None:
        known = ", ".join(k for k in ALL_KEYS)
        raise PlanError(f"Unknown assumption '{key}'{where}. Known assumptions: {known}.")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidAssumption(f"{spec.label} ({key}){where} must be a number, not '{value}'.") from None
    if math.isnan(number) or math.isinf(number):
        raise InvalidAssumption(f"{spec.label} ({key}){where} must be a finite number, not '{value}'.")
    if spec.kind == "rate" and not 0 < number <= 1:
        raise InvalidAssumption(
            f"{spec.label} ({key}){where} is {number:g}: a conversion rate must be above 0 and at most 1 "
            f"(write 25 % as 0.25)."
        )
    if spec.kind == "share" and not 0 <= number <= 1:
        raise InvalidAssumption(
            f"{spec.label} ({key}){where} is {number:g}: a share must be between 0 and 1 (write 50 % as 0.5)."
        )
    if spec.kind == "tolerance" and not 0 <= number < 1:
        raise InvalidAssumption(
            f"{spec.label} ({key}){where} is {number:g}: a tolerance must be at least 0 and below 1 "
            f"(write 10 % as 0.1)."
        )
    if spec.kind == "positive" and number <= 0:
        raise InvalidAssumption(f"{spec.label} ({key}){where} is {number:g}: it must be greater than 0.")
    if spec.kind in ("amount", "days") and number < 0:
        raise InvalidAssumption(f"{spec.label} ({key}){where} is {number:g}: it cannot be negative.")
    return number


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
    def from_mapping(cls, values: dict[str, float]) -> FunnelAssumptions:
        return cls(**{f.name: float(values[f.name]) for f in fields(cls)})


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

    def copy(self) -> Assumptions:
        return Assumptions(
            values=dict(self.values),
            period_start=self.period_start,
            currency=self.currency,
            region_overrides={k: dict(v) for k, v in self.region_overrides.items()},
            territory_overrides={k: dict(v) for k, v in self.territory_overrides.items()},
        )

    def check(self) -> None:
        """Validate every stored value (values loaded from a file bypass ``set``); raises InvalidAssumption."""
        for key, value in self.values.items():
            validate_value(key, value)
        for level, table in (("region", self.region_overrides), ("territory", self.territory_overrides)):
            for name, overrides in table.items():
                for key, value in overrides.items():
                    validate_value(key, value, f" for {level} '{name}'")

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
            if value is None:
                raise PlanError(f"The plan value of '{key}' cannot be removed; set a number instead.")
            self.values[key] = validate_value(key, value)
            return
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
