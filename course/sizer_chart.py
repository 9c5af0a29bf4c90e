"""Charts and number words for the sizer page: accessible inline SVG built from a SizerResult.

Pure functions, no Flask: each chart is plain markup plus the rows of its data table, so the
page can show the same figures as text beside the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from html import escape

from course.pipeline.currency import (
    format_money,
    money_prefix,
    round_half_up,
    round_money,
    round_ratio_half_up,
)
from course.pipeline.sizing import SizerResult

# Compact units for money in sentences: $5.0M reads better than $5,000,000.00.
_UNITS = ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K"))
MAX_SEGMENTS = 40  # more deal ticks than this on one bar would be noise, not information


@dataclass(frozen=True)
class Chart:
    """One chart: its SVG markup and the rows (label, value) of its visible data table."""

    id: str
    title: str
    desc: str
    svg: str
    rows: tuple[tuple[str, str], ...]


# ---------------------------------------------------------------------------------------------
# Numbers in words


def plain(value: Fraction | int, places: int = 2) -> str:
    """Write a number briefly, half-up: 120, 1.92, 33.33 (no trailing zeros)."""
    return _plain_ratio(value.numerator, value.denominator, places)


def _plain_ratio(numerator: int, denominator: int, places: int) -> str:
    """plain() of numerator / denominator; a whole number is written as it is, with no rounding."""
    if denominator == 1:
        return str(numerator)
    text = str(round_ratio_half_up(numerator, denominator, places))
    return text.rstrip("0").rstrip(".") if "." in text else text


def _one_decimal_at_least(text: str) -> str:
    """Strip trailing zeros but keep one decimal: 5.00 -> 5.0, 1.60 -> 1.6, 1.64 -> 1.64."""
    if "." not in text:
        return text + ".0"
    text = text.rstrip("0")
    return text + "0" if text.endswith(".") else text


def multiple(value: Fraction) -> str:
    """Write a ratio as a multiple: 5 -> "5.0x", 1.6438 -> "1.64x"."""
    return _one_decimal_at_least(str(round_half_up(value, 2))) + "x"


def money(value: Fraction, code: str) -> str:
    """Write money in full, rounded to the currency's minor unit: "$1,643,835.62"."""
    return format_money(round_money(value, code), code)


def compact_money(value: Fraction, code: str) -> str:
    """Write money to 3 significant figures with a unit: $5.0M, $1.64M, $417K, $950."""
    # On the integers of |value| = n / d: this runs a dozen times per sizer page, and each
    # Fraction division or comparison builds or converts a Fraction (a gcd, isinstance checks).
    n, d = abs(value.numerator), value.denominator
    sign = "-" if value.numerator < 0 else ""
    whole = n // d  # |value| < unit exactly when whole < unit, as every unit is a whole number
    for index, (unit, letter) in enumerate(_UNITS):
        if whole < unit:
            continue
        scaled = _three_figures(n, d * unit)
        if scaled >= 1000 and index > 0:  # 999.6K rounds up to the next unit: 1.0M
            bigger, bigger_letter = _UNITS[index - 1]
            scaled, letter = _three_figures(n, d * bigger), bigger_letter
        return f"{sign}{money_prefix(code)}{_short_number(scaled)}{letter}"
    return money(value, code)


def _short_number(value: Decimal) -> str:
    """Keep one decimal below 10 ("5.0", "1.64"); drop trailing zeros above ("50", "95.9")."""
    if value < 10:
        return _one_decimal_at_least(str(value))
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _three_figures(numerator: int, denominator: int) -> Decimal:
    """Round numerator / denominator (both > 0) to 3 figures, whole from 100 up: 1.64, 41.7, 417."""
    whole = numerator // denominator  # compared with whole numbers, the floor decides
    places = 0 if whole >= 100 else 1 if whole >= 10 else 2
    return round_ratio_half_up(numerator, denominator, places)


def _num(value: Fraction | float) -> str:
    """Write an SVG coordinate with 2 decimals at most."""
    # Exact for a float too (a label's x is a Fraction plus BAR_WIDTH / 2), as Fraction(float)
    # is, without building a Fraction: a chart writes dozens of coordinates.
    return _plain_ratio(*value.as_integer_ratio(), 2)


# ---------------------------------------------------------------------------------------------
# The charts


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> str:
    return (
        f'<svg class="sizer-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _text(x: float | Fraction, y: float | Fraction, text: str, cls: str,
          anchor: str = "middle") -> str:
    return (f'<text x="{_num(x)}" y="{_num(y)}" class="{cls}" '
            f'text-anchor="{anchor}">{escape(text)}</text>')


def _desc(rows: list[tuple[str, str]]) -> str:
    return "; ".join(f"{label}: {value}" for label, value in rows) + "."


PLOT_TOP, PLOT_BASE, BAR_WIDTH = 30, 200, 96


def coverage_chart(res: SizerResult) -> Chart | None:
    """Draw the required pipeline beside the rule-of-thumb pipeline and the current one."""
    naive = f"{plain(res.naive.multiple)}x rule"
    bars = [("Required", res.required_pipeline, "bar-required"),
            (naive, res.naive.pipeline, "bar-naive")]
    if res.current is not None:
        bars.append(("Current", res.current.pipeline, "bar-current"))
    top = max(value for _, value, _ in bars)
    if top <= 0:
        return None
    slot = Fraction(440, len(bars))
    plot = PLOT_BASE - PLOT_TOP
    body = [f'<line x1="20" y1="{PLOT_BASE}" x2="460" y2="{PLOT_BASE}" class="axis"/>']
    for index, (label, value, cls) in enumerate(bars):
        height = value / top * plot
        x = 20 + slot * index + (slot - BAR_WIDTH) / 2
        body.append(f'<rect x="{_num(x)}" y="{_num(PLOT_BASE - height)}" width="{BAR_WIDTH}" '
                    f'height="{_num(height)}" class="bar {cls}"/>')
        body.append(_text(x + BAR_WIDTH / 2, PLOT_BASE - height - 8,
                          compact_money(value, res.currency), "value"))
        body.append(_text(x + BAR_WIDTH / 2, PLOT_BASE + 22, label, "label"))
    naive_y = PLOT_BASE - res.naive.pipeline / top * plot
    body.append(f'<line x1="20" y1="{_num(naive_y)}" x2="460" y2="{_num(naive_y)}" '
                'class="naive-line" stroke-dasharray="6 4"/>')
    rows = [("Required pipeline", money(res.required_pipeline, res.currency)),
            (f"Rule of thumb ({plain(res.naive.multiple)}x the gap)",
             money(res.naive.pipeline, res.currency))]
    if res.current is not None:
        rows.append(("Current pipeline", money(res.current.pipeline, res.currency)))
    title = "Pipeline you need against the rule of thumb"
    desc = _desc(rows)
    svg = _svg("chart-coverage", title, desc, 480, 240, body)
    return Chart("chart-coverage", title, desc, svg, tuple(rows))


def _stage_values(res: SizerResult) -> tuple[str, list[tuple[str, Fraction]]]:
    """Pick what the funnel shows: steady-state value when every stage is timed, else the gap."""
    if all(stage.target_value is not None for stage in res.stages):
        return ("Value to hold in each stage at any time",
                [(stage.name, stage.target_value or Fraction(0)) for stage in res.stages])
    return ("Pipeline each stage needs to close the whole gap",
            [(stage.name, stage.whole_gap_value) for stage in res.stages])


def _short(name: str, limit: int = 20) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def stage_chart(res: SizerResult) -> Chart | None:
    """Draw the pipeline by stage as centred horizontal bars, a funnel read top to bottom."""
    if not res.stages:
        return None
    title, values = _stage_values(res)
    top = max(value for _, value in values)
    if top <= 0:
        return None
    body = []
    for index, (name, value) in enumerate(values):
        width = value / top * 240
        y = 10 + 36 * index
        body.append(_text(150, y + 19, _short(name), "label", "end"))
        body.append(f'<rect x="{_num(280 - width / 2)}" y="{y}" width="{_num(width)}" '
                    'height="28" class="bar bar-stage"/>')
        body.append(_text(408, y + 19, compact_money(value, res.currency), "value", "start"))
    rows = [(name, money(value, res.currency)) for name, value in values]
    height = 20 + 36 * len(values)
    desc = _desc(rows)
    svg = _svg("chart-stages", title, desc, 520, height, body)
    return Chart("chart-stages", title, desc, svg, tuple(rows))


def creation_chart(res: SizerResult) -> Chart | None:
    """Draw one week's new pipeline as a bar cut into average deals, labelled with the count."""
    creation = res.creation
    if creation.per_week <= 0:
        return None
    deal = creation.per_week / creation.opportunities_per_week
    value = compact_money(creation.per_week, res.currency)
    count = plain(creation.opportunities_per_week)
    body = ['<rect x="20" y="12" width="400" height="32" class="bar bar-create"/>',
            _text(430, 34, value, "value", "start")]
    deals = int(creation.opportunities_per_week)
    if deals <= MAX_SEGMENTS:
        for step in range(1, deals + 1):
            x = 20 + deal * step / creation.per_week * 400
            if x < 420:
                body.append(f'<line x1="{_num(x)}" y1="12" x2="{_num(x)}" y2="44" class="tick"/>')
    body.append(_text(20, 68, f"≈ {count} opportunities of {compact_money(deal, res.currency)}"
                      f" a week: aim for {creation.opportunities_per_week_target}", "label",
                      "start"))
    rows = [("New pipeline per week", money(creation.per_week, res.currency)),
            ("New opportunities per week", count),
            ("Target opportunities per week", str(creation.opportunities_per_week_target))]
    title = "New pipeline to create each week"
    desc = _desc(rows)
    svg = _svg("chart-creation", title, desc, 520, 80, body)
    return Chart("chart-creation", title, desc, svg, tuple(rows))


def charts(res: SizerResult) -> list[Chart]:
    """Return every chart that has something to show, in reading order."""
    drawn = (coverage_chart(res), stage_chart(res), creation_chart(res))
    return [chart for chart in drawn if chart is not None]
