"""Reports as plain data: the ``check --json`` document, readable tables, and scenario comparisons."""

from __future__ import annotations

import math
from dataclasses import asdict, fields
from typing import Any

from ..domain import Report, Scenario
from ..domain.budget import reconcile
from ..domain.checks import EPS
from ..domain.comparison import ROUND_OFF, allocation_moves, territory_changes
from ..domain.formatting import hours, money, percent
from ..domain.sensitivity import TerritoryFlips
from ..domain.status import STATUS_LABEL
from .risk import RiskReport, add_confidence

#: The TerritoryResult attributes of the JSON document, in order (``existing_sellers`` keeps its key ``sellers``).
TERRITORY_FIELDS = (
    "territory",
    "region",
    "units",
    "existing_sellers",
    "planned_hires",
    "target",
    "leads",
    "mqls",
    "required_spend",
    "allocated_budget",
    "gap",
    "break_even_cpl",
    "required_hours",
    "allocated_hours",
    "status",
)

#: Attribute -> key where the JSON document (schema in the README) keeps its first name.
_JSON_KEY = {"existing_sellers": "sellers"}


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, 2)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if value is not None and not isinstance(value, str | int | bool):
        return str(value)
    return value


def _ratio(value: float | None) -> float | None:
    """A share (penetration) to 6 decimals: 0.318742 stays readable as 31.8742 %, not 0.32."""
    return None if value is None or not math.isfinite(value) else round(value, 6)


def report_to_dict(
    report: Report, flips: dict[str, TerritoryFlips] | None = None, risk: RiskReport | None = None
) -> dict[str, Any]:
    """The JSON document of ``territory-planner check --json`` (schema in the README); with ``flips`` (the plan
    has ranges) and ``risk`` (``check --risk``) the sensitivity figures of ``services.risk.add_confidence``."""
    doc = {
        "scenario": report.scenario,
        "currency": report.currency,
        "period_start": str(report.period_start),
        "verdict": report.verdict(),
        "flags": [
            {
                "code": f.code,
                "severity": f.severity,
                "subject_type": f.subject_type,
                "subject": f.subject,
                "message": f.message,
                "numbers": _clean(f.numbers),
            }
            for f in report.flags
        ],
        "territories": [
            {_JSON_KEY.get(k, k): _clean(getattr(t, k)) for k in TERRITORY_FIELDS}
            | {
                "pieces": t.pieces,
                "potential": _clean(t.potential),
                "market": _clean(t.market),
                "penetration": _ratio(t.penetration),
            }
            for t in report.territories
        ],
        "hires": [
            {
                "seller": h.seller,
                "territory": h.territory,
                "start_month": str(h.start_month) if h.start_month else None,
                "ramp_months": h.ramp_months,
                "annual_quota": _clean(h.annual_quota),
                "period_quota": _clean(h.period_quota),
                "marginal_spend": _clean(h.marginal_spend),
                "fund_by_month": str(h.fund_by_month) if h.fund_by_month else None,
                "status": h.status,
            }
            for h in report.hires
        ],
        "totals": {f.name: _clean(getattr(report.totals, f.name)) for f in fields(report.totals)},
    }
    if flips is not None or risk is not None:
        add_confidence(doc, flips, risk)
    return doc


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    return "\n".join(out)


def report_to_text(report: Report) -> str:
    """A readable check report for the terminal."""
    cur = report.currency
    lines = [f"Scenario {report.scenario} — plan period from {report.period_start.label()}", report.verdict(), ""]
    rows = [
        [
            t.territory,
            t.region or "-",
            f"{t.existing_sellers}+{t.planned_hires}",
            money(t.target, cur),
            money(t.required_spend, cur),
            money(t.allocated_budget, cur),
            money(t.gap, cur),
            money(t.break_even_cpl, cur),
            hours(t.required_hours),
            STATUS_LABEL[t.status],
        ]
        for t in report.territories
    ]
    headers = [
        "Territory",
        "Region",
        "Sellers+hires",
        "Target",
        "Needs",
        "Has",
        "Gap",
        "Break-even CPL",
        "Hours",
        "Status",
    ]
    if any(t.market is not None for t in report.territories):  # the market columns, when the plan has a market
        for row, tr in zip(rows, report.territories, strict=True):
            row += [money(tr.market, cur), percent(tr.penetration) if tr.penetration is not None else "n/a"]
        headers += ["Market", "Penetration"]
    lines.append(_table(headers, rows, {2, 3, 4, 5, 6, 7, 8, 10, 11}))
    if report.hires:
        lines.append("")
        rows = [
            [
                h.seller,
                h.territory or "-",
                str(h.start_month or "-"),
                str(h.fund_by_month or "-"),
                money(h.period_quota, cur),
                money(h.marginal_spend, cur),
                STATUS_LABEL[h.status],
            ]
            for h in report.hires
        ]
        lines.append(
            _table(["Planned hire", "Territory", "Starts", "Fund by", "Period quota", "Needs", "Status"], rows, {4, 5})
        )
    t = report.totals
    lines += ["", *reconcile(report).summary_lines(), ""]  # the budget reconciliation (domain/budget.py)
    if report.flags:
        lines.append(f"Flags ({t.blocking_flags} blocking, {t.warning_flags} warnings):")
        for f in report.flags:
            marker = "BLOCKING" if f.blocking else "warning "
            lines.append(f"  {marker} {f.code:<19} {f.message}")
    else:
        lines.append("No flags.")
    return "\n".join(lines)


def compare_reports(
    a: Report, b: Report, scenario_a: Scenario | None = None, scenario_b: Scenario | None = None
) -> dict[str, Any]:
    """Scenario A against B, money first: the allocations that moved (given the scenarios), the totals, every
    territory or hire whose status or numbers changed. A territory entry has ``round_off`` true when only its
    figures moved, by less than ``domain.comparison.ROUND_OFF`` (same status, sellers and units)."""
    totals = {}
    for f in fields(a.totals):
        va, vb = getattr(a.totals, f.name), getattr(b.totals, f.name)
        totals[f.name] = {"a": _clean(va), "b": _clean(vb)}
    changed_territories: list[dict[str, Any]] = []
    for change in territory_changes(a, b):
        x, y = change.a, change.b
        if x is None or y is None:
            changed_territories.append(
                {
                    "territory": change.name,
                    "only_in": a.scenario if y is None else b.scenario,
                    "status_a": x.status if x else None,
                    "status_b": y.status if y else None,
                    "round_off": False,
                }
            )
            continue
        diffs = {}
        for key in _COMPARED:
            va, vb = getattr(x, key), getattr(y, key)
            same = math.isclose(va, vb, rel_tol=1e-9, abs_tol=EPS) if isinstance(va, float) else va == vb
            if not same:
                diffs[_JSON_KEY.get(key, key)] = {"a": _clean(va), "b": _clean(vb)}
        changed_territories.append(
            {
                "territory": change.name,
                "status_a": x.status,
                "status_b": y.status,
                "round_off": change.round_off,
                "changes": diffs,
            }
        )
    ha = {h.seller: h for h in a.hires}
    hb = {h.seller: h for h in b.hires}
    changed_hires: list[dict[str, Any]] = []
    for name in list(dict.fromkeys([*ha, *hb])):
        hx, hy = ha.get(name), hb.get(name)
        if (
            hx is None
            or hy is None
            or hx.status != hy.status
            or hx.start_month != hy.start_month
            or hx.territory != hy.territory
        ):
            changed_hires.append(
                {
                    "seller": name,
                    "territory_a": hx.territory if hx else None,
                    "territory_b": hy.territory if hy else None,
                    "status_a": hx.status if hx else None,
                    "status_b": hy.status if hy else None,
                    "start_a": str(hx.start_month) if hx and hx.start_month else None,
                    "start_b": str(hy.start_month) if hy and hy.start_month else None,
                }
            )
    codes_a = {(f.code, f.subject) for f in a.flags}
    codes_b = {(f.code, f.subject) for f in b.flags}
    doc: dict[str, Any] = {
        "a": a.scenario,
        "b": b.scenario,
        "verdict_a": a.verdict(),
        "verdict_b": b.verdict(),
    }
    if scenario_a is not None and scenario_b is not None:
        doc["allocations"] = [
            {
                "level": m.level,
                "name": m.name,
                "budget_a": _clean(m.budget_a) if m.a else None,
                "budget_b": _clean(m.budget_b) if m.b else None,
                "change": _clean(m.change),
                "hours_a": _clean(m.hours_a) if m.a else None,
                "hours_b": _clean(m.hours_b) if m.b else None,
            }
            for m in allocation_moves(scenario_a, scenario_b)
        ]
    doc.update(
        {
            "totals": totals,
            "territories": changed_territories,
            "hires": changed_hires,
            "flags_resolved": sorted(f"{c} {s}" for c, s in codes_a - codes_b),
            "flags_new": sorted(f"{c} {s}" for c, s in codes_b - codes_a),
        }
    )
    return doc


#: The TerritoryResult attributes a comparison reports when they differ.
_COMPARED = (
    "units",
    "existing_sellers",
    "planned_hires",
    "target",
    "required_spend",
    "allocated_budget",
    "gap",
    "required_hours",
    "allocated_hours",
    "status",
    "region",
)
_MONEY_CHANGES = ("target", "required_spend", "allocated_budget", "gap")


def _signed(value: float, currency: str) -> str:
    """A money change with its sign: +$80k, −$20k."""
    return ("+" if value > 0 else "−" if value < 0 else "±") + money(abs(value), currency)


def _territory_detail(t: dict[str, Any], currency: str) -> str:
    parts = []
    for k, v in t.get("changes", {}).items():
        if k in _MONEY_CHANGES:
            parts.append(f"{k.replace('_', ' ')} {money(v['a'], currency)} → {money(v['b'], currency)}")
        elif k in ("required_hours", "allocated_hours"):
            parts.append(f"{k.replace('_', ' ')} {hours(v['a'])} → {hours(v['b'])}")
        elif k != "status":
            parts.append(f"{k.replace('_', ' ')} {v['a']} → {v['b']}")
    return "; ".join(parts)


def comparison_to_text(cmp: dict[str, Any], currency: str = "USD") -> str:
    """``scenario compare`` as text: what changed in money (allocations), the hires and statuses that changed,
    other changes, the totals, and last the round-off changes (under ROUND_OFF, same status) as detail."""
    lines = [
        f"Compare {cmp['a']} → {cmp['b']}",
        f"  {cmp['a']}: {cmp['verdict_a']}",
        f"  {cmp['b']}: {cmp['verdict_b']}",
        "",
    ]
    moves = cmp.get("allocations")
    if moves:
        lines.append("Money that moved (marketing allocations):")
        width = max(len(_move_label(m)) for m in moves)
        for m in moves:
            before = money(m["budget_a"], currency) if m["budget_a"] is not None else "none"
            after = money(m["budget_b"], currency) if m["budget_b"] is not None else "none"
            lines.append(f"  {_move_label(m):<{width}}  {before:>8} → {after:<8} {_signed(m['change'], currency)}")
        total_a, total_b = cmp["totals"]["allocated_budget"]["a"], cmp["totals"]["allocated_budget"]["b"]
        lines.append(
            f"  {'Allocated in all':<{width}}  {money(total_a, currency):>8} → {money(total_b, currency):<8} "
            f"{_signed(total_b - total_a, currency)}"
        )
        lines.append("")
    elif moves is not None:
        lines += ["No allocation moved.", ""]
    if cmp["hires"]:
        lines.append("Planned hires that changed:")
        for h in cmp["hires"]:
            sa, sb = STATUS_LABEL.get(h["status_a"], "absent"), STATUS_LABEL.get(h["status_b"], "absent")
            start = f" (start {h['start_a'] or '-'} → {h['start_b'] or '-'})" if h["start_a"] != h["start_b"] else ""
            lines.append(f"  {h['seller']}: {sa} → {sb}{start}")
        lines.append("")
    status = [t for t in cmp["territories"] if t["status_a"] != t["status_b"]]
    other = [t for t in cmp["territories"] if t["status_a"] == t["status_b"] and not t.get("round_off")]
    small = [t for t in cmp["territories"] if t.get("round_off")]
    if status:
        lines.append("Territories whose status changed:")
        for t in status:
            sa, sb = STATUS_LABEL.get(t["status_a"], "-"), STATUS_LABEL.get(t["status_b"], "-")
            detail = f"only in {t['only_in']}" if "only_in" in t else _territory_detail(t, currency)
            lines.append(f"  {t['territory']}: {sa} → {sb}  {detail}")
        lines.append("")
    if other:
        lines.append("Other territories that changed (same status):")
        for t in other:
            lines.append(
                f"  {t['territory']} ({STATUS_LABEL.get(t['status_b'], '-')}): {_territory_detail(t, currency)}"
            )
        lines.append("")
    if not (status or other or cmp["hires"] or moves):
        lines += ["No territory or hire changed status; no allocation moved.", ""]
    money_keys = ("revenue_target", "required_spend", "allocated_budget", "marketing_budget", "spend_shortfall")
    lines.append("Totals:")
    for key in (
        "funded",
        "at_risk",
        "unfunded",
        "hires_funded",
        "hires_unfunded",
        *money_keys,
        "required_hours",
        "hours_shortfall",
        "blocking_flags",
        "warning_flags",
    ):
        va, vb = cmp["totals"][key]["a"], cmp["totals"][key]["b"]
        fmt = (lambda v: money(v, currency)) if key in money_keys else (hours if "hours" in key else str)
        mark = "" if va == vb else "   *"
        lines.append(f"  {key.replace('_', ' '):<18} {fmt(va):>12} → {fmt(vb):<12}{mark}")
    if cmp["flags_resolved"]:
        lines.append("Flags resolved: " + ", ".join(cmp["flags_resolved"]))
    if cmp["flags_new"]:
        lines.append("New flags: " + ", ".join(cmp["flags_new"]))
    if small:
        lines += ["", f"Round-off changes (each under {money(ROUND_OFF, currency)}, same status and sellers):"]
        for t in small:
            lines.append(f"  {t['territory']}: {_territory_detail(t, currency)}")
    return "\n".join(lines)


def _move_label(m: dict[str, Any]) -> str:
    return f"{m['name']} (region pool)" if m["level"] == "region" else str(m["name"])


__all__ = ["asdict", "compare_reports", "comparison_to_text", "report_to_dict", "report_to_text"]
