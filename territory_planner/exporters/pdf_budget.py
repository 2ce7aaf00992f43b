"""The budget pages of the PDF report: the waterfall with the reconciliation to the cent, the region rollup,
investment parity and the hiring timeline. Painted with QPainter on the report's layout (``pdf_report._Layout``).

Every figure comes from ``domain/budget.py`` (the same numbers as the cover, the HTML panel and the workbook). Bars
and segments carry a pattern or a word as well as a colour, so the pages read in black and white.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainterPath, QPen

from ..domain.budget import (
    BudgetStory,
    HireTimeline,
    RegionRollup,
    WaterfallStep,
    allocated_hours_text,
    budget_story,
)
from ..domain.formatting import hours, money, money_cents
from ..domain.months import Month
from ..domain.status import STATUS_LABEL
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


def _columns(steps: Sequence[WaterfallStep]) -> list[tuple[WaterfallStep, list[WaterfallStep]]]:
    """Each bar with the parts stacked in it (the region slices make up the "Allocated" bar)."""
    out: list[tuple[WaterfallStep, list[WaterfallStep]]] = []
    parts: list[WaterfallStep] = []
    for step in steps:
        if step.kind == "part":
            parts.append(step)
            continue
        out.append((step, parts if step.kind == "total" else []))
        if step.kind == "total":
            parts = []
    return out


def _nice_step(top: float) -> float:
    raw = max(top, 1.0) / 5
    magnitude = 10 ** len(str(int(raw))) / 10
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def draw_waterfall(doc: _Layout, rect: QRectF, steps: Sequence[WaterfallStep], currency: str) -> None:
    """The waterfall in ``rect``: totals solid, additions hatched, subtractions dotted, region slices labelled."""
    p = doc.painter
    small = doc.fonts.small
    metrics = QFontMetricsF(small)
    columns = _columns(steps)
    top = max(max(s.start, s.end) for s in steps) * 1.12 or 1.0
    axis_w = 58.0
    label_h = metrics.height() * 3 + 6
    plot = QRectF(rect.left() + axis_w, rect.top() + metrics.height() + 4, rect.width() - axis_w, 0)
    plot.setBottom(rect.bottom() - label_h)

    def y(value: float) -> float:
        return plot.bottom() - plot.height() * value / top

    p.save()
    p.setFont(small)
    tick = _nice_step(top)
    value = 0.0
    while value <= top:
        p.setPen(QPen(RULE, 0.5, Qt.PenStyle.DotLine if value else Qt.PenStyle.SolidLine))
        p.drawLine(QPointF(plot.left(), y(value)), QPointF(plot.right(), y(value)))
        p.setPen(MUTED)
        p.drawText(
            QRectF(rect.left(), y(value) - 8, axis_w - 6, 16),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            money(value, currency),
        )
        value += tick
    slot = plot.width() / len(columns)
    bar_w = slot * 0.62
    previous_level: float | None = None
    for i, (step, parts) in enumerate(columns):
        x = plot.left() + slot * i + (slot - bar_w) / 2
        low, high = sorted((step.start, step.end))
        bar = QRectF(x, y(high), bar_w, max(y(low) - y(high), 0.8))
        if previous_level is not None:  # the connector from the bar before, at the running level
            p.setPen(QPen(INK, 0.6, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(x - (slot - bar_w), y(previous_level)), QPointF(x, y(previous_level)))
        if step.kind == "total" and parts:
            for j, part in enumerate(parts):
                seg = QRectF(x, y(part.end), bar_w, max(y(part.start) - y(part.end), 0.5))
                p.fillRect(seg, PARTS[j % len(PARTS)])
                p.setPen(QPen(QColor("#ffffff"), 0.8))
                p.drawLine(seg.topLeft(), seg.topRight())
                if seg.height() >= metrics.height() + 2:
                    dark = PARTS[j % len(PARTS)].lightness() < 140
                    p.setPen(QColor("#ffffff") if dark else INK)
                    p.drawText(
                        seg.adjusted(2, 1, -2, -1),
                        Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                        f"{part.label} {money(part.amount, currency)}",
                    )
            p.setPen(QPen(INK, 0.8))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(bar)
        elif step.kind == "total":
            p.fillRect(bar, TOTAL)
        elif step.kind == "up":
            p.fillRect(bar, QColor("#ffffff"))
            p.fillRect(bar, QBrush(SHORT, Qt.BrushStyle.BDiagPattern))
            p.setPen(QPen(SHORT, 1.2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(bar)
        else:
            p.fillRect(bar, QColor("#eceff1"))
            p.fillRect(bar, QBrush(DOWN, Qt.BrushStyle.Dense6Pattern))
            p.setPen(QPen(INK, 0.8, Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(bar)
        sign = {"up": "+", "down": "−"}.get(step.kind, "")
        p.setFont(doc.fonts.bold)
        p.setPen(INK)
        p.drawText(
            QRectF(x - slot * 0.2, bar.top() - metrics.height() - 4, bar_w + slot * 0.4, metrics.height() + 2),
            Qt.AlignmentFlag.AlignCenter,
            f"{sign}{money(step.amount, currency)}",
        )
        p.setFont(small)
        caption = step.label + (f"\n{step.note}" if step.note else "")
        p.drawText(
            QRectF(plot.left() + slot * i + 2, plot.bottom() + 4, slot - 4, label_h - 4),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            caption,
        )
        previous_level = step.end
    p.restore()


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


def _band_gauge(doc: _Layout, rect: QRectF, ratio: float, low: float, high: float) -> None:
    """A 0–N % scale with the band hatched and the plan's ratio marked."""
    p = doc.painter
    top = max(0.12, ratio * 1.25, high * 1.25)

    def x(v: float) -> float:
        return rect.left() + rect.width() * min(v, top) / top

    p.save()
    bar = QRectF(rect.left(), rect.top() + 18, rect.width(), 16)
    p.setPen(QPen(INK, 0.8))
    p.setBrush(QColor("#ffffff"))
    p.drawRect(bar)
    band = QRectF(x(low), bar.top(), x(high) - x(low), bar.height())
    p.fillRect(band, QColor("#c8e6c9"))
    p.fillRect(band, QBrush(QColor("#2e7d32"), Qt.BrushStyle.FDiagPattern))
    p.setFont(doc.fonts.small)
    p.setPen(INK)
    p.drawText(
        QRectF(band.left() - 40, rect.top(), band.width() + 80, 16),
        Qt.AlignmentFlag.AlignCenter,
        f"band {low * 100:g}–{high * 100:g} %",
    )
    step = 0.02
    v = 0.0
    while v <= top + 1e-9:
        p.drawLine(QPointF(x(v), bar.bottom()), QPointF(x(v), bar.bottom() + 4))
        p.drawText(QRectF(x(v) - 20, bar.bottom() + 5, 40, 14), Qt.AlignmentFlag.AlignCenter, f"{v * 100:g} %")
        v += step
    marker = QPainterPath()
    mx = x(ratio)
    marker.moveTo(mx, bar.top() - 1)
    marker.lineTo(mx - 6, bar.top() - 11)
    marker.lineTo(mx + 6, bar.top() - 11)
    marker.closeSubpath()
    p.setBrush(INK)
    p.drawPath(marker)
    p.setPen(QPen(INK, 2.0))
    p.drawLine(QPointF(mx, bar.top()), QPointF(mx, bar.bottom()))
    p.restore()


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
        _band_gauge(doc, QRectF(doc.left + 10, doc.y, doc.width * 0.7, 60), ratio, par.band_min, par.band_max)
        doc.y += 66
        doc.text(
            "The triangle marks this plan; the hatched band is the benchmark range (plan settings spend_ratio_min "
            "and spend_ratio_max). Sales spend is the sellers' annual cost (hires that start in the period); set "
            "marketing_team_cost and marketing_headcount to compare per head.",
            doc.fonts.small,
            color=MUTED,
        )


# --- hiring timeline --------------------------------------------------------------------------------------------


def _short_month(m: Month) -> str:
    return m.label()[:3] + (f" {m.year % 100:02d}" if m.month == 1 else "")


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
        p.drawText(QRectF(x, doc.y, col, 16), Qt.AlignmentFlag.AlignCenter, _short_month(m))
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
        _hire_bars(doc, h, top, row_h, xm, col, chart.right())
    p.restore()
    doc.y = chart.bottom() + 10
    _timeline_legend(doc, QRectF(doc.left, doc.y, doc.width, legend_h))
    doc.y += legend_h


def _hire_bars(
    doc: _Layout, h: HireTimeline, top: float, row_h: float, xm: Callable[[Month], float], col: float, right: float
) -> None:
    p = doc.painter
    bar_h = min(12.0, row_h * 0.4)
    y = top + (row_h - bar_h) / 2
    if h.fund_by is not None and h.start is not None:
        pipe = QRectF(xm(h.fund_by), y + bar_h * 0.2, xm(h.start) - xm(h.fund_by), bar_h * 0.6)
        p.fillRect(pipe, QColor("#ffffff"))
        p.fillRect(pipe, QBrush(QColor("#455a64"), Qt.BrushStyle.BDiagPattern))
        p.setPen(QPen(INK, 0.6))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(pipe)
        if h.late:
            until = h.money_from or h.start
            late = QRectF(xm(h.fund_by), y - 2, max(xm(until) - xm(h.fund_by), col * 0.5), bar_h + 4)
            p.fillRect(late, QBrush(SHORT, Qt.BrushStyle.DiagCrossPattern))
            p.setPen(QPen(SHORT, 1.4))
            p.drawRect(late)
            p.setFont(doc.fonts.small)
            p.drawText(QRectF(late.left() - 40, y - 14, 40, 12), RIGHT, "late")
    if h.start is not None:
        full = h.full_quota or h.start
        ramp = QRectF(xm(h.start), y, xm(full) - xm(h.start) + col, bar_h)
        p.fillRect(ramp, QColor("#b0bec5"))
        p.fillRect(ramp, QBrush(QColor("#37474f"), Qt.BrushStyle.Dense5Pattern))
        p.setPen(QPen(INK, 0.6))
        p.drawRect(ramp)
        quota = QRectF(ramp.right(), y, max(right - ramp.right(), 0.0), bar_h)
        if quota.width() > 0:
            p.fillRect(quota, TOTAL)
    if h.money_from is not None:
        mx = xm(h.money_from)
        diamond = QPainterPath()
        diamond.moveTo(mx, y - 4)
        diamond.lineTo(mx + 6, y + bar_h / 2)
        diamond.lineTo(mx, y + bar_h + 4)
        diamond.lineTo(mx - 6, y + bar_h / 2)
        diamond.closeSubpath()
        p.setPen(QPen(QColor("#ffffff"), 1.0))
        p.setBrush(INK)
        p.drawPath(diamond)


def _timeline_legend(doc: _Layout, rect: QRectF) -> None:
    p = doc.painter
    p.save()
    p.setFont(doc.fonts.small)
    items = ["pipeline", "late", "ramp", "quota", "money"]
    texts = {
        "pipeline": "pipeline must be built",
        "late": "before the money starts (late)",
        "ramp": "ramping to full quota",
        "quota": "at full quota",
        "money": "territory's money starts",
    }
    x = rect.left()
    yy = rect.top() + 8
    metrics = QFontMetricsF(doc.fonts.small)
    for item in items:
        sw = QRectF(x, yy, 26, 10)
        if item == "pipeline":
            p.fillRect(sw, QBrush(QColor("#455a64"), Qt.BrushStyle.BDiagPattern))
            p.setPen(QPen(INK, 0.6))
            p.drawRect(sw)
        elif item == "late":
            p.fillRect(sw, QBrush(SHORT, Qt.BrushStyle.DiagCrossPattern))
            p.setPen(QPen(SHORT, 1.2))
            p.drawRect(sw)
        elif item == "ramp":
            p.fillRect(sw, QColor("#b0bec5"))
            p.fillRect(sw, QBrush(QColor("#37474f"), Qt.BrushStyle.Dense5Pattern))
        elif item == "quota":
            p.fillRect(sw, TOTAL)
        else:
            d = QPainterPath()
            cx, cy = x + 13, yy + 5
            d.moveTo(cx, cy - 7)
            d.lineTo(cx + 6, cy)
            d.lineTo(cx, cy + 7)
            d.lineTo(cx - 6, cy)
            d.closeSubpath()
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(INK)
            p.drawPath(d)
        p.setPen(INK)
        text = texts[item]
        p.drawText(QPointF(x + 32, yy + 9), text)
        x += 32 + metrics.horizontalAdvance(text) + 22
    p.restore()


def budget_pages(doc: _Layout, sp: ScenarioPack) -> None:
    """The budget pages of one scenario: waterfall, regions, parity, hiring timeline."""
    story = story_of(sp)
    waterfall_page(doc, sp, story)
    region_rollup_section(doc, sp, story)
    parity_page(doc, sp, story)
    timeline_page(doc, sp, story)


__all__ = ["budget_pages", "draw_waterfall", "story_of"]
