"""The sizer's charts: accessible SVG whose bars are proportional to the figures."""

from __future__ import annotations

import re
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from course.pipeline.sizing import SizerInput, StageInput, size_pipeline
from course.sizer_chart import (
    compact_money,
    coverage_chart,
    creation_chart,
    multiple,
    stage_chart,
)


def example_2(**changes) -> SizerInput:
    values = {"goal": Fraction(1_000_000), "deal_size": Fraction(50_000),
              "win_rate": Fraction(1, 5), "cycle_days": Fraction(120), **changes}
    return SizerInput(**values)


def example_3(probabilities=(Fraction(3, 10),) * 3, days=(None, None, None)) -> SizerInput:
    names, values = ("Discovery", "Proposal", "Negotiation"), (800_000, 500_000, 300_000)
    stages = tuple(StageInput(name=n, win_probability=p, open_value=Fraction(v), days_in_stage=d)
                   for n, p, v, d in zip(names, probabilities, values, days, strict=True))
    return SizerInput(goal=Fraction(1_000_000), deal_size=Fraction(40_000),
                      win_rate=Fraction(3, 10), cycle_days=Fraction(90), stages=stages)


def rects(svg: str) -> list[dict[str, str]]:
    tags = re.findall(r"<rect[^>]*>", svg)
    return [dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag)) for tag in tags]


def test_chart_is_an_image_named_by_its_title_and_description():
    chart = coverage_chart(size_pipeline(example_2()))
    svg = chart.svg
    assert svg.startswith('<svg class="sizer-chart" role="img" '
                          'aria-labelledby="chart-coverage-title chart-coverage-desc"')
    assert '<title id="chart-coverage-title">' in svg and '<desc id="chart-coverage-desc">' in svg
    assert "Required pipeline: $5,000,000.00" in chart.desc
    assert "style" not in svg
    assert chart.rows == (("Required pipeline", "$5,000,000.00"),
                          ("Rule of thumb (3x the gap)", "$3,000,000.00"))


def test_coverage_bars_are_as_tall_as_their_values():
    bars = rects(coverage_chart(size_pipeline(example_3())).svg)
    # required 1,000,000 / 0.3 = 3,333,333.33 is the tallest: 170 units;
    # naive 3,000,000 -> 170 x 0.9 = 153; current 1,600,000 -> 170 x 0.48 = 81.6
    assert [b["height"] for b in bars] == ["170", "153", "81.6"]
    assert [b["class"] for b in bars] == ["bar bar-required", "bar bar-naive", "bar bar-current"]
    # bars stand on the same baseline, y + height = 200
    assert all(Fraction(b["y"]) + Fraction(b["height"]) == 200 for b in bars)


def test_no_coverage_chart_when_there_is_nothing_to_draw():
    met = size_pipeline(example_2(booked=Fraction(1_000_000)))
    assert coverage_chart(met) is None


def test_stage_funnel_bars_are_as_wide_as_the_gap_each_stage_must_hold():
    probabilities = (Fraction(1, 5), Fraction(2, 5), Fraction(4, 5))
    chart = stage_chart(size_pipeline(example_3(probabilities)))
    # gap / p: 5,000,000, 2,500,000, 1,250,000 -> 240, 120, 60 wide, centred on x = 280
    bars = rects(chart.svg)
    assert [(b["width"], b["x"]) for b in bars] == [("240", "160"), ("120", "220"), ("60", "250")]
    assert chart.rows[0] == ("Discovery", "$5,000,000.00")
    assert chart.title == "Pipeline each stage needs to close the whole gap"


def test_stage_funnel_uses_steady_state_values_when_every_stage_is_timed():
    days = (Fraction(30), Fraction(20), Fraction(10))
    chart = stage_chart(size_pipeline(example_3(days=days)))
    # wins a day 1,000,000 / 365 / 40,000; count = that x d / 0.3; value = count x 40,000
    # Discovery 1,000,000 x 30 / 365 / 0.3 = 273,972.60; Proposal 2/3 of it; Negotiation 1/3
    assert chart.rows[0] == ("Discovery", "$273,972.60")
    assert [b["width"] for b in rects(chart.svg)] == ["240", "160", "80"]


def test_stage_names_are_escaped():
    inp = example_3()
    stages = (StageInput(name="<b>Q&A</b>", win_probability=Fraction(3, 10)),)
    chart = stage_chart(size_pipeline(SizerInput(**{**inp.__dict__, "stages": stages})))
    assert "&lt;b&gt;Q&amp;A&lt;/b&gt;" in chart.svg and "<b>" not in chart.svg


def test_no_stage_chart_without_stages():
    assert stage_chart(size_pipeline(example_2())) is None


def test_creation_bar_is_cut_into_average_deals():
    chart = creation_chart(size_pipeline(example_2()))
    # a week: 7 x 1,000,000 / 365 / 0.2 = 95,890.41 = 1.9178 deals of 50,000;
    # one cut at 50,000 / 95,890.41 of the 400-wide bar = 208.57, after x = 20
    assert re.findall(r'<line x1="([\d.]+)" y1="12"', chart.svg) == ["228.57"]
    assert "≈ 1.92 opportunities of $50K a week: aim for 2" in chart.svg
    assert chart.rows == (("New pipeline per week", "$95,890.41"),
                          ("New opportunities per week", "1.92"),
                          ("Target opportunities per week", "2"))


def test_compact_money_keeps_three_figures():
    assert compact_money(Fraction(5_000_000), "USD") == "$5.0M"
    assert compact_money(Fraction(164383562, 100), "USD") == "$1.64M"
    assert compact_money(Fraction(41666667, 100), "USD") == "$417K"
    assert compact_money(Fraction(999_600), "USD") == "$1.0M"  # not "$1000K"
    assert compact_money(Fraction(-2_000_000), "USD") == "-$2.0M"
    assert compact_money(Fraction(950), "USD") == "$950.00"
    assert compact_money(Fraction(1_234_567), "JPY") == "¥1.23M"
    assert compact_money(Fraction(1_500_000), "KWD") == "KWD 1.5M"


def test_multiples_keep_one_decimal_at_least():
    assert multiple(Fraction(5)) == "5.0x"
    assert multiple(Fraction(16438, 10000)) == "1.64x"
    assert multiple(Fraction(16, 10)) == "1.6x"


@given(st.integers(1, 10**9), st.integers(1, 100), st.integers(1, 10))
def test_required_and_naive_bars_keep_the_ratio_of_their_values(goal, percent, naive):
    res = size_pipeline(example_2(goal=Fraction(goal), win_rate=Fraction(percent, 100),
                                  naive_multiple=Fraction(naive)))
    required, rule = (Fraction(b["height"]) for b in rects(coverage_chart(res).svg))
    # the taller bar is 170; heights are written to 2 decimals
    assert max(required, rule) == 170
    assert abs(required * res.naive.pipeline - rule * res.required_pipeline) <= (
        Fraction(1, 200) * (res.naive.pipeline + res.required_pipeline))
