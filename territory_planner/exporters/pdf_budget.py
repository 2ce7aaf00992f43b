"""The budget pages of the PDF report: the waterfall with the reconciliation to the cent, the region rollup,
investment parity and the hiring timeline. Painted with QPainter on the report's layout (``pdf_report._Layout``).

Every figure comes from ``domain/budget.py`` (the same numbers as the cover, the HTML panel and the workbook). Bars
and segments carry a pattern or a word as well as a colour, so the pages read in black and white.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPen

from ..domain.budget import (
    BudgetStory,
    RegionRollup,
    WaterfallStep,
    allocated_hours_text,
    budget_story,
)
from ..domain.formatting import hours, money, money_cents
from ..domain.months import Month
from ..domain.status import STATUS_LABEL
from ..render import charts
from .pack import ScenarioPack
from .pdf_report import INK, MUTED, RIGHT, RULE, Cell, Col, Status, _Layout
from .png_map import draw_status_icon

TOTAL = QColor("#37474f")
PARTS = (QColor("#78909c"), QColor("#b0bec5"), QColor("#546e7a"), QColor("#cfd8dc"), QColor("#90a4ae"))
SHORT = QColor("#c62828")
DOWN = QColor("#8d9aa6")


def story_of(sp: ScenarioPack) -> BudgetStory:
    return budget_story(sp.report, sp.scenario)


# --- the waterfall ----------------------------------------------------------------------------------------------


def draw_waterfall(doc: _Layout, rect: QRectF, steps: Sequence[WaterfallStep], currency: str) -> None:
    """The waterfall in ``rect``, drawn as the app draws it (render/charts.py)."""
    charts.paint_waterfall(doc.painter, rect, steps, currency, font=doc.fonts.body)


def _exact_table(doc: _Layout, rect: QRectF, rows: Sequence[tuple[str, str, float]], currency: str) -> None:
    """The two equations to the cent, as a column of sums a reader can check."""
    p = doc.painter
    p.save()
    line_h = QFontMetricsF(doc.fonts.body).height() + 6
    yy = rect.top()
    p.setFont(doc.fonts.h3)
    p.setPen(INK)
    p.drawText(QRectF(rect.left(), yy, rect.width(), line_h + 4), Qt.AlignmentFlag.AlignLeft, "To the cent")
    yy += line_h + 6
    for sign, what, amount in rows:
        result = sign == "="
        if result:
            p.setPen(QPen(INK, 0.8))
            p.drawLine(QPointF(rect.left(), yy), QPointF(rect.right(), yy))
        p.setFont(doc.fonts.bold if result or not sign else doc.fonts.body)
        p.setPen(INK)
        box = QRectF(rect.left(), yy + 3, rect.width(), line_h)
        p.drawText(box.adjusted(0, 0, -rect.width() + 14, 0), Qt.AlignmentFlag.AlignLeft, sign)
        p.drawText(box.adjusted(16, 0, 0, 0), Qt.AlignmentFlag.AlignLeft, what)
        p.drawText(box, RIGHT, money_cents(amount, currency))
        yy += line_h
    p.restore()


def waterfall_page(doc: _Layout, sp: ScenarioPack, story: BudgetStory) -> None:
    rec = story.reconciliation
    doc.new_page(f"Scenario {sp.name}")
    doc.section(f"Where the budget goes — scenario {sp.name}", lines=[])
    for line in rec.lines():
        doc.text(line, doc.fonts.body, after=2)
    doc.text(rec.hours_line(), doc.fonts.small, color=MUTED, after=8)
    height = min(doc.bottom - doc.y - 6, 380.0)
    chart = QRectF(doc.left, doc.y, doc.width * 0.62, height)
    draw_waterfall(doc, chart, rec.steps(), sp.currency)
    _exact_table(
        doc, QRectF(doc.left + doc.width * 0.65, doc.y + 4, doc.width * 0.35, height), rec.exact_rows(), sp.currency
    )
    doc.y += height + 6
    doc.text(
        "Solid bars are totals; the Allocated bar is split by region (own and pooled allocations of its "
        "territories). Hatched bars add what the short territories lack; dotted bars take away the unallocated "
        "budget and the surplus of the others. Short and surplus are the sums of the negative and positive gaps of "
        "the territory table; a territory in a region pool has the gap of its share.",
        doc.fonts.small,
        color=MUTED,
    )


# --- region rollup ----------------------------------------------------------------------------------------------


def _pool_text(r: RegionRollup, currency: str) -> str:
    if r.region is None:
        return "—"
    if r.pool_budget <= 0:
        return "—"
    if r.pool_drawn <= 0:
        return f"{money(r.pool_budget, currency)} (funds no territory)"
    return money(r.pool_budget, currency)


def _status_cell(r: RegionRollup) -> Cell:
    if r.status is None:
        return "no territory"
    counts = [(r.unfunded, "unfunded"), (r.at_risk, "at risk"), (r.funded, "funded")]
    return Status(r.status, ", ".join(f"{n} {word}" for n, word in counts if n))


def region_rollup_section(doc: _Layout, sp: ScenarioPack, story: BudgetStory) -> None:
    cur = sp.currency
    rows: list[list[Cell]] = []
    for r in story.regions:
        rows.append(
            [
                r.label,
                _status_cell(r),
                str(r.territories),
                money(r.target, cur),
                money(r.required_spend, cur),
                hours(r.required_hours),
                _pool_text(r, cur),
                money(r.own_budget, cur) if r.own_budget else "—",
                allocated_hours_text(r.pool_hours + r.own_hours),
                money(r.gap, cur),
            ]
        )
    rec = story.reconciliation
    rows.append(
        [
            "All regions",
            "",
            str(sum(r.territories for r in story.regions)),
            money(sum(r.target for r in story.regions), cur),
            money(rec.required, cur),
            hours(rec.required_hours),
            money(sum(r.pool_budget for r in story.regions), cur),
            money(sum(r.own_budget for r in story.regions), cur),
            f"{hours(rec.marketing_hours)} team",
            money(rec.net_gap, cur),
        ]
    )
    doc.section(
        f"Regions — scenario {sp.name}",
        [
            Col("Region", 1.5),
            Col("Status", 1.7),
            Col("Territories", 1.0, RIGHT),
            Col("Revenue target", 1.0, RIGHT),
            Col("Spend needed", 1.0, RIGHT),
            Col("Hours needed", 0.9, RIGHT),
            Col("Region pool", 1.2, RIGHT),
            Col("Own allocations", 1.0, RIGHT),
            Col("Hours allocated", 0.9, RIGHT),
            Col("Gap", 0.9, RIGHT),
        ],
        rows,
        intro="Each region's territories summed. The region pool is the region's shared allocation for its "
        "territories without one of their own; own allocations are those territories' own. Gap = pool drawn + own "
        "allocations − spend needed (the sum of its territories' gaps). Hours allocated: 'plan pool' means no "
        "allocation gives hours here, so the team's hours for the whole plan apply.",
    )


# --- investment parity ------------------------------------------------------------------------------------------


def parity_page(doc: _Layout, sp: ScenarioPack, story: BudgetStory) -> None:
    par = story.parity
    cur = sp.currency
    doc.new_page(f"Scenario {sp.name}")
    doc.section(f"Investment parity — scenario {sp.name}", lines=[])
    doc.text(par.headline(), doc.fonts.verdict, after=8)
    for line in par.lines():
        doc.text(f"• {line}", doc.fonts.body, indent=4, after=3)
    doc.y += 6
    rows: list[list[Cell]] = [
        ["Existing sellers", str(par.existing_sellers), money(par.existing_cost, cur), "—"],
        [
            "Planned hires in the period",
            str(par.hires),
            money(par.hires_cost, cur),
            money(par.hires_cost_in_period, cur),
        ],
        [
            "Sales, per head",
            str(par.sales_headcount),
            money(par.sales_cost, cur),
            money(par.sales_per_head, cur) if par.sales_per_head is not None else "—",
        ],
        ["Marketing programs (budget)", "", money(par.marketing_budget, cur), "—"],
        [
            "Marketing team",
            f"{par.marketing_headcount:g}" if par.marketing_headcount else "not set",
            money(par.marketing_team_cost, cur) if par.marketing_team_cost else "not set",
            "—",
        ],
        [
            "Marketing, per head",
            f"{par.marketing_headcount:g}" if par.marketing_headcount else "",
            money(par.marketing_spend, cur),
            money(par.marketing_per_head, cur) if par.marketing_per_head is not None else "set the headcount",
        ],
    ]
    doc.table(
        [
            Col("", 2.6),
            Col("People", 0.8, RIGHT),
            Col("A year", 1.2, RIGHT),
            Col("Per head / in the period", 1.6, RIGHT),
        ],
        rows,
    )
    ratio = par.spend_ratio
    if ratio is not None and doc.room() > 90:
        doc.text("Marketing budget as a share of the revenue target", doc.fonts.h3, after=4)
        charts.paint_band_gauge(
            doc.painter,
            QRectF(doc.left + 10, doc.y, doc.width * 0.7, 60),
            ratio,
            par.band_min,
            par.band_max,
            font=doc.fonts.body,
        )
        doc.y += 66
        doc.text(
            "The triangle marks this plan; the hatched band is the benchmark range (plan settings spend_ratio_min "
            "and spend_ratio_max). Sales spend is the sellers' annual cost (hires that start in the period); set "
            "marketing_team_cost and marketing_headcount to compare per head.",
            doc.fonts.small,
            color=MUTED,
        )


# --- hiring timeline --------------------------------------------------------------------------------------------


def timeline_page(doc: _Layout, sp: ScenarioPack, story: BudgetStory) -> None:
    rows = story.timeline
    doc.new_page(f"Scenario {sp.name}")
    title = f"Hiring timeline — scenario {sp.name}"
    if not rows:
        doc.section(title, lines=[("funded", "This scenario has no planned hires.")])
        return
    doc.section(
        title,
        lines=[],
        intro="For each planned hire: when pipeline must start (one sales cycle before the start), the start, the "
        "ramp to full quota, and the month their territory's marketing money starts (◆). A crossed bar marks "
        "pipeline that would have to start before the money does.",
    )
    period_start = sp.report.period_start
    months = [period_start, period_start.plus(11)]
    for h in rows:
        months += [m for m in (h.fund_by, h.start, h.full_quota, h.money_from) if m is not None]
    first, last = min(months), max(months)
    n = last.minus(first) + 1
    legend_h = 40.0
    row_h = min(34.0, (doc.bottom - doc.y - 30 - legend_h) / max(len(rows), 1))
    name_w = doc.width * 0.24
    chart = QRectF(doc.left + name_w, doc.y + 18, doc.width - name_w, row_h * len(rows))
    col = chart.width() / n
    p = doc.painter
    p.save()
    p.setFont(doc.fonts.small)
    for k in range(n):  # the month grid
        m = first.plus(k)
        x = chart.left() + k * col
        in_period = 0 <= m.minus(period_start) < 12
        if in_period:
            p.fillRect(QRectF(x, chart.top(), col, chart.height()), QColor("#f5f7f9"))
        p.setPen(QPen(RULE, 0.4))
        p.drawLine(QPointF(x, chart.top()), QPointF(x, chart.bottom()))
        p.setPen(INK if in_period else MUTED)
        p.drawText(QRectF(x, doc.y, col, 16), Qt.AlignmentFlag.AlignCenter, charts.short_month(m))
    for edge in (period_start, period_start.plus(12)):
        x = chart.left() + edge.minus(first) * col
        p.setPen(QPen(INK, 1.2))
        p.drawLine(QPointF(x, chart.top() - 2), QPointF(x, chart.bottom() + 2))

    def xm(m: Month) -> float:
        return chart.left() + m.minus(first) * col

    for i, h in enumerate(rows):
        top = chart.top() + i * row_h
        mid = top + row_h / 2
        p.setPen(QPen(RULE, 0.4))
        p.drawLine(QPointF(doc.left, top + row_h), QPointF(chart.right(), top + row_h))
        draw_status_icon(p, QPointF(doc.left + 7, mid), 10, h.status)
        p.setPen(INK)
        p.setFont(doc.fonts.small)
        p.drawText(
            QRectF(doc.left + 16, top, name_w - 20, row_h),
            Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
            f"{h.seller} — {h.territory or 'no territory'} ({STATUS_LABEL[h.status].lower()}"
            + ("; no marketing money)" if h.money_from is None else ")"),
        )
        charts.paint_hire_bars(p, h, top, row_h, xm, col, chart.right(), QFontMetricsF(doc.fonts.small))
    p.restore()
    doc.y = chart.bottom() + 10
    charts.paint_timeline_key(doc.painter, QPointF(doc.left, doc.y + 8), font=doc.fonts.body)
    doc.y += legend_h


def budget_pages(doc: _Layout, sp: ScenarioPack) -> None:
    """The budget pages of one scenario: waterfall, regions, parity, hiring timeline."""
    story = story_of(sp)
    waterfall_page(doc, sp, story)
    region_rollup_section(doc, sp, story)
    parity_page(doc, sp, story)
    timeline_page(doc, sp, story)


__all__ = ["budget_pages", "draw_waterfall", "story_of"]
