"""The pipeline sizer, checked against figures worked out by hand (arithmetic in comments)."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from course.pipeline.currency import format_money, minor_units, round_money
from course.pipeline.errors import InvalidInput
from course.pipeline.sizing import (
    SizerInput,
    StageInput,
    parse_sizer_input,
    result_to_json,
    size_from_json,
    size_pipeline,
)

# Goal $1M a year, $50k won deals, 20% win rate, 120-day cycle (SIZER.md example 2).
BASE: dict[str, object] = {
    "goal": 1000000, "deal_size": 50000, "win_rate": "0.2", "cycle_days": 120,
}


def run(**fields: object) -> dict[str, object]:
    return size_from_json({**BASE, **fields})


def errors_of(data: object) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_sizer_input(data)  # type: ignore[arg-type]
    return caught.value.errors


def sub(out: dict[str, object], key: str) -> dict[str, object]:
    value = out[key]
    assert isinstance(value, dict)
    return value


def stage_rows(out: dict[str, object]) -> list[dict[str, object]]:
    rows = out["stages"]
    assert isinstance(rows, list)
    return rows


# ---------------------------------------------------------------------------------------------
# SIZER.md worked examples


def test_example_1_three_x_holds_only_at_one_third_and_a_year_exact() -> None:
    # SP = (1,000,000 / 365) * 365 / (1/3) = 3,000,000 exactly; SP / Q = 3.
    res = size_pipeline(SizerInput(
        goal=Fraction(1000000), deal_size=Fraction(50000), win_rate=Fraction(1, 3),
        cycle_days=Fraction(365),
    ))
    assert res.standing_pipeline == 3000000
    assert res.standing_multiple == 3
    assert res.naive.verdict == "equal"  # 3 * G = G / (1/3)


def test_example_1_through_json_rounds_to_three_million() -> None:
    # 1,000,000 / 0.3333333333 = 3,000,000.0003 -> "3000000.00"; multiple 3.0000000003 -> 3.0
    out = run(win_rate="0.3333333333", cycle_days=365)
    assert out["standing_pipeline"] == "3000000.00"
    assert out["standing_multiple"] == 3.0


def test_example_2_twenty_percent_and_120_days() -> None:
    out = run()
    # SP = 1,000,000 / 365 * 120 / 0.2 = 1,643,835.616... -> "1643835.62"
    assert out["standing_pipeline"] == "1643835.62"
    # R* = 1 / 0.2 = 5; RP = 1,000,000 * 5
    assert out["required_pipeline"] == "5000000.00"
    assert out["coverage_required"] == 5.0
    # W = 1,000,000 / 50,000 = 20; O = 20 * 5 = 100
    assert out["wins_needed"] == 20
    assert out["opportunities_needed"] == 100
    # NP = 3 * 1,000,000 = 3,000,000 < 5,000,000; difference = -2,000,000
    assert sub(out, "naive") == {
        "multiple": 3.0, "pipeline": "3000000.00", "difference": "-2000000.00",
        "verdict": "under-covered", "implied_win_rate": 0.3333,
    }
    # SP / Q = 1.643835... -> 1.6438
    assert out["standing_multiple"] == 1.6438


STAGES_1_6M = [
    {"name": "Discovery", "win_probability": 0.3, "open_value": 800000, "open_count": 20},
    {"name": "Proposal", "win_probability": 0.3, "open_value": 500000, "open_count": 10},
    {"name": "Negotiation", "win_probability": 0.3, "open_value": 300000, "open_count": 5},
]


def test_example_3_and_domain_row_7_flat_thirty_percent_stages() -> None:
    out = run(win_rate=0.3, deal_size=40000, cycle_days=90, stages=STAGES_1_6M)
    current = sub(out, "current")
    # C = 800k + 500k + 300k = 1,600,000; coverage = 1.6M / 1M = 1.6
    assert current["pipeline"] == "1600000.00"
    assert current["coverage"] == 1.6
    # RP = 1M / 0.3 = 3,333,333.33; R* = 3.3333
    assert out["required_pipeline"] == "3333333.33"
    assert out["coverage_required"] == 3.3333
    # shortfall = 3,333,333.333 - 1,600,000 = 1,733,333.33
    assert current["shortfall"] == "1733333.33"
    # X = 0.3 * (800k + 500k + 300k) = 480,000
    assert current["expected_value"] == "480000.00"
    # expected gap = 1M - 480k = 520,000; new first-stage pipeline = 520k / 0.3 = 1,733,333.33
    assert current["expected_gap"] == "520000.00"
    assert current["new_first_stage_pipeline"] == "1733333.33"
    # new opportunities = ceil(1,733,333.33 / 40,000) = ceil(43.33) = 44
    assert current["new_opportunities"] == 44
    assert out["flags"] == []


def test_example_4_and_domain_row_9_enough_pipeline() -> None:
    out = run(goal=450000, current_pipeline=1260000, win_rate=0.38, deal_size=30000,
              cycle_days=60)
    current = sub(out, "current")
    # coverage = 1,260,000 / 450,000 = 2.8; R* = 1 / 0.38 = 2.63157... -> 2.6316
    assert current["coverage"] == 2.8
    assert out["coverage_required"] == 2.6316
    # RP = 450,000 / 0.38 = 1,184,210.526 -> "1184210.53"
    assert out["required_pipeline"] == "1184210.53"
    assert current["shortfall"] == "0.00"
    # surplus = 1,260,000.00 - 1,184,210.53 = 75,789.47 (domain.md row 9)
    surplus = Decimal(str(current["pipeline"])) - Decimal(str(out["required_pipeline"]))
    assert surplus == Decimal("75789.47")


# ---------------------------------------------------------------------------------------------
# domain.md §2 rows


def test_domain_row_6_three_million_at_nineteen_percent() -> None:
    out = run(current_pipeline=3000000, win_rate=0.19, cycle_days=90)
    current = sub(out, "current")
    # expected = 3,000,000 * 0.19 = 570,000, i.e. 430,000 (43%) short of the 1M goal
    assert current["expected_value"] == "570000.00"
    assert current["expected_gap"] == "430000.00"
    # R = 1 / 0.19 = 5.26315... -> 5.2632; RP = 1M / 0.19 = 5,263,157.894... -> "5263157.89"
    assert out["coverage_required"] == 5.2632
    assert out["required_pipeline"] == "5263157.89"
    # shortfall = 5,263,157.894 - 3,000,000 = 2,263,157.89
    assert current["shortfall"] == "2263157.89"
    assert current["coverage"] == 3.0


@pytest.mark.parametrize(("win_rate", "coverage"), [("0.23", 4.3478), ("0.19", 5.2632)])
def test_domain_row_16_coverage_is_inverse_win_rate(win_rate: str, coverage: float) -> None:
    # 1 / 0.23 = 4.347826... -> 4.3478; 1 / 0.19 = 5.263157... -> 5.2632
    assert run(win_rate=win_rate)["coverage_required"] == coverage


# ---------------------------------------------------------------------------------------------
# Rounding by currency


def test_jpy_rounds_to_whole_yen_half_up() -> None:
    # RP = 5 / 0.4 = 12.5 -> 13 (half-up, not the banker's 12); W = ceil(5 / 1) = 5
    out = run(currency="JPY", goal=5, deal_size=1, win_rate=0.4)
    assert out["required_pipeline"] == "13"
    assert out["gap"] == "5"
    assert out["wins_needed"] == 5


def test_jpy_large_goal() -> None:
    # RP = 1,000,000 / 0.3 = 3,333,333.3 -> "3333333"; per day = 1M / 365 / 0.3 = 9,132.42 -> 9132
    out = run(currency="JPY", win_rate=0.3, cycle_days=365, deal_size=100000)
    assert out["required_pipeline"] == "3333333"
    assert out["standing_pipeline"] == "3333333"
    assert sub(out, "creation")["per_day"] == "9132"


def test_kwd_rounds_to_three_decimals_half_up() -> None:
    # RP = 0.0025 / 0.2 = 0.0125 -> "0.013" (half-up); gap "0.003" (0.0025 half-up)
    out = run(currency="KWD", goal="0.0025", deal_size=1)
    assert out["required_pipeline"] == "0.013"
    assert out["gap"] == "0.003"
    # RP = 1000 / 0.3 = 3333.3333 -> "3333.333"
    assert run(currency="KWD", goal=1000, win_rate=0.3)["required_pipeline"] == "3333.333"


def test_currency_code_is_read_in_any_case_and_echoed_upper() -> None:
    assert run(currency=" eur ")["currency"] == "EUR"
    assert run()["currency"] == "USD"


def test_minor_units_table() -> None:
    assert [minor_units(c) for c in ("USD", "JPY", "KRW", "KWD", "BHD", "CLF", "EUR")] == [
        2, 0, 0, 3, 3, 4, 2,
    ]
    with pytest.raises(ValueError, match="unknown"):
        minor_units("XYZ")


def test_round_money_is_half_up_away_from_zero() -> None:
    assert round_money(Fraction(5, 2), "JPY") == Decimal("3")
    assert round_money(Fraction(-5, 2), "JPY") == Decimal("-3")
    assert str(round_money(Fraction(1, 8), "USD")) == "0.13"  # 0.125 -> 0.13
    assert str(round_money(Fraction(0), "KWD")) == "0.000"


@pytest.mark.parametrize(("value", "code", "text"), [
    ("1643835.615", "USD", "$1,643,835.62"),
    ("1000", "JPY", "¥1,000"),
    ("1.25", "KWD", "KWD 1.250"),
    ("-2000000", "EUR", "-€2,000,000.00"),
    ("12345.678", "CHF", "CHF 12,345.68"),
    ("0", "GBP", "£0.00"),
])
def test_format_money_for_people(value: str, code: str, text: str) -> None:
    assert format_money(Decimal(value), code) == text


# ---------------------------------------------------------------------------------------------
# Gap, goal met, booked


def test_zero_goal_means_goal_met_and_null_ratios() -> None:
    out = run(goal=0, current_pipeline=100000)
    assert out["gap"] == "0.00"
    assert out["required_pipeline"] == "0.00"
    assert (out["wins_needed"], out["opportunities_needed"]) == (0, 0)
    assert out["standing_pipeline"] == "0.00"
    assert out["standing_multiple"] is None
    assert sub(out, "current")["coverage"] is None
    # NP = 3 * 0 = 0 = RP
    assert sub(out, "naive")["verdict"] == "equal"
    assert out["flags"] == ["goal_met"]


def test_booked_beyond_goal_closes_the_gap_but_standing_pipeline_remains() -> None:
    out = run(booked=1200000)
    # G = max(1,000,000 - 1,200,000, 0) = 0
    assert out["gap"] == "0.00"
    assert out["flags"] == ["goal_met"]
    warnings = out["warnings"]
    assert isinstance(warnings, list)
    assert "$1,200,000.00 booked" in warnings[0]
    # SP still uses the goal Q: 1,643,835.62
    assert out["standing_pipeline"] == "1643835.62"


def test_booked_shrinks_the_gap() -> None:
    out = run(booked="400000")
    # G = 600,000; RP = 600,000 * 5 = 3,000,000; W = 12; O = 60
    assert out["gap"] == "600000.00"
    assert out["required_pipeline"] == "3000000.00"
    assert (out["wins_needed"], out["opportunities_needed"]) == (12, 60)
    # NP = 3 * 600,000 = 1,800,000 -> difference -1,200,000
    assert sub(out, "naive")["difference"] == "-1200000.00"


def test_quarter_part_way_through() -> None:
    out = run(goal=250000, booked=100000, period_days=90, days_elapsed=30, win_rate=0.25,
              cycle_days=45, deal_size=25000)
    # G = 150,000; RP = 150,000 / 0.25 = 600,000; W = 6; O = 6 * 4 = 24
    assert out["required_pipeline"] == "600000.00"
    assert (out["wins_needed"], out["opportunities_needed"]) == (6, 24)
    # SP = 250,000 / 90 * 45 / 0.25 = 500,000; SP / Q = 2
    assert out["standing_pipeline"] == "500000.00"
    assert out["standing_multiple"] == 2.0
    # last day = 90 - 45 = 45; day 30 is not past it
    assert out["last_creation_day"] == 45
    assert out["flags"] == []


# ---------------------------------------------------------------------------------------------
# Time: cycle, period, creation deadline, creation pace


def test_cycle_longer_than_period() -> None:
    out = run(period_days=90, cycle_days=120)
    # P - L = 90 - 120 = -30; E = 0 > -30, so also past the creation deadline
    assert out["last_creation_day"] == -30
    assert out["flags"] == ["cycle_longer_than_period", "past_creation_deadline"]
    warnings = out["warnings"]
    assert isinstance(warnings, list) and len(warnings) == 2
    assert "120 days" in warnings[0] and "90 days" in warnings[0]


def test_cycle_equal_to_period_flags_cycle_only_on_day_zero() -> None:
    # L = P = 365: L >= P; P - L = 0 and E = 0 is not > 0
    assert run(cycle_days=365)["flags"] == ["cycle_longer_than_period"]
    assert run(cycle_days=365, days_elapsed=1)["flags"] == [
        "cycle_longer_than_period", "past_creation_deadline",
    ]


def test_past_creation_deadline_is_strictly_after_the_last_day() -> None:
    # P - L = 90 - 60 = 30: day 30 is still in time, day 31 is not
    assert run(period_days=90, cycle_days=60, days_elapsed=30)["flags"] == []
    late = run(period_days=90, cycle_days=60, days_elapsed=31)
    assert late["flags"] == ["past_creation_deadline"]
    warnings = late["warnings"]
    assert isinstance(warnings, list)
    assert "day 30 of 90" in warnings[0] and "day 31" in warnings[0]


def test_fractional_cycle_gives_fractional_last_day() -> None:
    # 365 - 120.5 = 244.5
    assert run(cycle_days="120.5")["last_creation_day"] == 244.5


def test_creation_pace() -> None:
    creation = sub(run(), "creation")
    # c = 1,000,000 / 365 / 0.2 = 13,698.6301 -> 13,698.63; 7c = 95,890.41
    # per month = c * 365 / 12 = 5,000,000 / 12 = 416,666.67
    # opportunities per week = 95,890.41 / 50,000 = 1.91780... -> 1.9178, target 2
    assert creation == {
        "per_day": "13698.63", "per_week": "95890.41", "per_month": "416666.67",
        "opportunities_per_week": 1.9178, "opportunities_per_week_target": 2,
    }


def test_standing_opportunities_round_up() -> None:
    # SP / D = 1,643,835.62 / 50,000 = 32.88 -> 33
    assert run()["standing_opportunities"] == 33


# ---------------------------------------------------------------------------------------------
# Win rate, slippage, create-and-close, naive verdicts, counting


def test_certain_win_rate() -> None:
    out = run(win_rate=1)
    # R* = 1; RP = G = 1,000,000; O = W = 20
    assert out["coverage_required"] == 1.0
    assert out["required_pipeline"] == "1000000.00"
    assert out["opportunities_needed"] == 20
    assert out["flags"] == ["win_rate_certain"]


def test_slippage_raises_the_requirement() -> None:
    out = run(slippage=0.2)
    # R* = 1 / (0.2 * 0.8) = 6.25; RP = 6,250,000; O = ceil(20 * 6.25) = 125
    assert out["coverage_required"] == 6.25
    assert out["required_pipeline"] == "6250000.00"
    assert out["opportunities_needed"] == 125
    # SP = (Q / P) * L / w has no slippage term: still 1,643,835.62
    assert out["standing_pipeline"] == "1643835.62"


def test_create_and_close_lowers_the_requirement() -> None:
    out = run(create_and_close="0.25")
    # R* = 0.75 / 0.2 = 3.75; RP = 3,750,000; O = 20 * 3.75 = 75
    assert out["coverage_required"] == 3.75
    assert out["required_pipeline"] == "3750000.00"
    assert out["opportunities_needed"] == 75
    assert sub(out, "naive")["difference"] == "-750000.00"


def test_slippage_and_create_and_close_together() -> None:
    out = run(slippage=0.2, create_and_close=0.25)
    # R* = 0.75 / (0.2 * 0.8) = 4.6875; RP = 4,687,500; O = ceil(20 * 4.6875) = ceil(93.75) = 94
    assert out["coverage_required"] == 4.6875
    assert out["required_pipeline"] == "4687500.00"
    assert out["opportunities_needed"] == 94


def test_naive_rule_over_covers_a_fifty_percent_team() -> None:
    naive = sub(run(win_rate="0.5"), "naive")
    # RP = 1M / 0.5 = 2M; NP = 3M > 2M; difference = +1,000,000
    assert naive["verdict"] == "over-covered"
    assert naive["difference"] == "1000000.00"


def test_naive_rule_equal_when_multiple_matches() -> None:
    naive = sub(run(naive_multiple=5), "naive")
    # NP = 5 * 1M = RP = 1M / 0.2; implied win rate 1 / 5 = 0.2
    assert naive["verdict"] == "equal"
    assert naive["difference"] == "0.00"
    assert naive["implied_win_rate"] == 0.2


def test_opportunities_are_counted_from_whole_wins() -> None:
    out = run(goal=1010000)
    # W = ceil(1,010,000 / 50,000) = ceil(20.2) = 21; O = 21 * 5 = 105 (not 1,010,000*5/50,000=101)
    assert out["wins_needed"] == 21
    assert out["opportunities_needed"] == 105


@pytest.mark.parametrize(("goal", "win_rate", "wins", "opportunities"), [
    # W = 150,000 / 50,000 = 3; O = ceil(3 / 0.3) = 10 exactly (SIZER.md)
    (150000, 0.3, 3, 10),
    # W = 1,050,000 / 50,000 = 21; O = 21 / 0.35 = 60 exactly; in floats 21 / 0.35 = 60.0000...1
    (1050000, 0.35, 21, 60),
    # W = 550,000 / 50,000 = 11; O = 11 / 0.11 = 100 exactly; in floats 11 * (1 / 0.11) > 100
    (550000, 0.11, 11, 100),
])
def test_opportunity_counts_are_exact_at_whole_numbers(
    goal: int, win_rate: float, wins: int, opportunities: int
) -> None:
    out = run(goal=goal, win_rate=win_rate)
    assert (out["wins_needed"], out["opportunities_needed"]) == (wins, opportunities)


# ---------------------------------------------------------------------------------------------
# Stages


SPI_STAGES = [
    {"name": "Develop strategy", "win_probability": 0.25, "days_in_stage": 15},
    {"name": "Determine needs", "win_probability": 0.5, "days_in_stage": 25},
    {"name": "Evaluate", "win_probability": 0.75, "days_in_stage": 45},
    {"name": "Negotiate", "win_probability": 1, "days_in_stage": 35},
]


def test_spi_stage_targets() -> None:
    out = run(win_rate=0.25, stages=SPI_STAGES)
    # lambda = 1,000,000 / 365 / 50,000 = 20/365 wins per day; count = lambda * d / p
    # 20/365*15/0.25 = 1200/365 = 3.28767; 20/365*25/0.5 = 1000/365 = 2.73973;
    # 20/365*45/0.75 = 1200/365; 20/365*35/1 = 700/365 = 1.91781
    # values = count * 50,000: 164,383.56; 136,986.30; 164,383.56; 95,890.41
    # whole gap value = 1M / p: 4M, 2M, 1,333,333.33, 1M
    assert stage_rows(out) == [
        {"name": "Develop strategy", "whole_gap_value": "4000000.00", "target_count": 3.2877,
         "target_count_ceil": 4, "target_value": "164383.56"},
        {"name": "Determine needs", "whole_gap_value": "2000000.00", "target_count": 2.7397,
         "target_count_ceil": 3, "target_value": "136986.30"},
        {"name": "Evaluate", "whole_gap_value": "1333333.33", "target_count": 3.2877,
         "target_count_ceil": 4, "target_value": "164383.56"},
        {"name": "Negotiate", "whole_gap_value": "1000000.00", "target_count": 1.9178,
         "target_count_ceil": 2, "target_value": "95890.41"},
    ]
    # first stage 0.25 = w: no flag
    assert out["flags"] == []


def test_stages_without_open_values_show_an_empty_current_pipeline() -> None:
    current = sub(run(win_rate=0.25, stages=SPI_STAGES), "current")
    # C = 0; RP = 1M / 0.25 = 4M = shortfall; X = 0; new = 1M / 0.25 = 4M; 4M / 50k = 80
    assert current["pipeline"] == "0.00"
    assert current["shortfall"] == "4000000.00"
    assert current["new_first_stage_pipeline"] == "4000000.00"
    assert current["new_opportunities"] == 80


def test_win_rate_not_first_stage() -> None:
    out = run(stages=SPI_STAGES)  # w = 0.2, first stage 0.25
    assert out["flags"] == ["win_rate_not_first_stage"]
    warnings = out["warnings"]
    assert isinstance(warnings, list)
    assert "25%" in warnings[0] and "20%" in warnings[0] and "Develop strategy" in warnings[0]


def test_stage_weighted_expected_value_with_slippage() -> None:
    stages = [
        {"name": "Early", "win_probability": "0.1", "open_value": 1000000},
        {"name": "Late", "win_probability": "0.5", "open_value": 400000},
    ]
    current = sub(run(win_rate="0.1", slippage="0.1", stages=stages), "current")
    # X = 0.9 * (1,000,000 * 0.1 + 400,000 * 0.5) = 0.9 * 300,000 = 270,000
    assert current["expected_value"] == "270000.00"
    # expected gap = 1M - 270k = 730,000; new = 730,000 / 0.1 = 7,300,000; / 50k = 146
    assert current["expected_gap"] == "730000.00"
    assert current["new_first_stage_pipeline"] == "7300000.00"
    assert current["new_opportunities"] == 146


def test_current_pipeline_is_ignored_when_stages_are_given() -> None:
    out = run(win_rate=0.3, current_pipeline=9999999, stages=STAGES_1_6M)
    assert sub(out, "current")["pipeline"] == "1600000.00"


def test_current_and_stages_absent_when_not_given() -> None:
    out = run()
    assert "current" not in out and "stages" not in out
    empty = run(stages=[])
    assert "current" not in empty and "stages" not in empty


# ---------------------------------------------------------------------------------------------
# Reading input


def test_floats_are_read_as_their_decimal_text() -> None:
    inp = parse_sizer_input({**BASE, "win_rate": 0.2, "slippage": 0.1})
    assert inp.win_rate == Fraction(1, 5)
    assert inp.slippage == Fraction(1, 10)


def test_defaults_apply() -> None:
    inp = parse_sizer_input(BASE)
    assert (inp.currency, inp.period_days, inp.days_elapsed) == ("USD", 365, 0)
    assert (inp.booked, inp.slippage, inp.create_and_close) == (Fraction(0),) * 3
    assert inp.naive_multiple == 3 and inp.current_pipeline is None and inp.stages == ()


def test_form_strings_nulls_and_unknown_fields() -> None:
    inp = parse_sizer_input({
        "goal": "1000000.00", "deal_size": " 50000 ", "win_rate": "0.2", "cycle_days": "120",
        "period_days": "90", "days_elapsed": "10", "booked": "", "slippage": None,
        "colour": "blue",
    })
    assert (inp.goal, inp.period_days, inp.days_elapsed) == (Fraction(1000000), 90, 10)
    assert inp.booked == 0 and inp.slippage == 0


def test_stage_input_is_read() -> None:
    inp = parse_sizer_input({**BASE, "stages": [
        {"name": " Qualify ", "win_probability": "0.2", "days_in_stage": "10",
         "open_value": 5, "open_count": "3"},
    ]})
    assert inp.stages == (StageInput(name="Qualify", win_probability=Fraction(1, 5),
                                     days_in_stage=Fraction(10), open_value=Fraction(5),
                                     open_count=3),)


def test_result_is_exact_and_json_ready() -> None:
    res = size_pipeline(parse_sizer_input({**BASE, "current_pipeline": 1, "stages": SPI_STAGES}))
    assert res.required_pipeline == Fraction(5000000)
    assert res.standing_pipeline == Fraction(1000000 * 120 * 5, 365)
    out = result_to_json(res)
    assert json.loads(json.dumps(out)) == out


def test_size_pipeline_refuses_a_bad_input_built_by_hand() -> None:
    with pytest.raises(InvalidInput) as caught:
        size_pipeline(SizerInput(goal=Fraction(1), deal_size=Fraction(1), win_rate=Fraction(0),
                                 cycle_days=Fraction(1), currency="XYZ"))
    assert set(caught.value.errors) == {"currency", "win_rate"}


# ---------------------------------------------------------------------------------------------
# Error messages: one per rule


UNBOUNDED = "must be greater than 0: with no wins the pipeline needed is unbounded"
AT_MOST_ONE = "must be at most 1: it is a fraction, so write 20% as 0.2"


@pytest.mark.parametrize(("fields", "key", "message"), [
    ({"currency": "XYZ"}, "currency",
     "is not a known ISO 4217 currency code, such as USD, EUR or JPY"),
    ({"currency": 840}, "currency", "must be a currency code such as USD"),
    ({"goal": None}, "goal", "is required"),
    ({"goal": -1}, "goal", "must be 0 or more"),
    ({"goal": "1,000"}, "goal", "must be a number such as 1250 or 0.25"),
    ({"goal": "NaN"}, "goal", "must be a number such as 1250 or 0.25"),
    ({"goal": True}, "goal", "must be a number, not true or false"),
    ({"goal": [1]}, "goal", "must be a number"),
    ({"goal": float("inf")}, "goal", "must be a finite number"),
    ({"goal": "1e16"}, "goal", "is too large: at most 1,000,000,000,000,000"),
    ({"goal": 10**16}, "goal", "is too large: at most 1,000,000,000,000,000"),
    ({"goal": "0.000000000000000000001"}, "goal", "has too many decimal places: at most 20"),
    ({"goal": "1" + "0" * 100000}, "goal", "must be a number such as 1250 or 0.25"),
    ({"period_days": 0}, "period_days", "must be at least 1 day"),
    ({"period_days": "30.5"}, "period_days", "must be a whole number"),
    ({"period_days": False}, "period_days", "must be a number, not true or false"),
    ({"days_elapsed": -1}, "days_elapsed", "must be 0 or more"),
    ({"days_elapsed": 366}, "days_elapsed",
     "must not be more than period_days (365): the days elapsed lie inside the period"),
    ({"booked": "-0.01"}, "booked", "must be 0 or more"),
    ({"deal_size": 0}, "deal_size",
     "must be greater than 0: it is the average value of a won deal"),
    ({"deal_size": ""}, "deal_size", "is required"),
    ({"win_rate": 0}, "win_rate", UNBOUNDED),
    ({"win_rate": "-0.1"}, "win_rate", UNBOUNDED),
    ({"win_rate": 20}, "win_rate", AT_MOST_ONE),
    ({"win_rate": None}, "win_rate", "is required"),
    ({"cycle_days": 0}, "cycle_days",
     "must be greater than 0: a deal takes some days from entering the pipeline to close"),
    ({"cycle_days": None}, "cycle_days", "is required"),
    ({"slippage": 1}, "slippage",
     "must be less than 1: if all pipeline value slips out of the period, no amount of "
     "pipeline is enough (write 10% as 0.1)"),
    ({"slippage": -0.1}, "slippage", "must be 0 or more"),
    ({"create_and_close": 1}, "create_and_close",
     "must be less than 1: it is the share of bookings from deals not yet in the pipeline "
     "(write 25% as 0.25)"),
    ({"create_and_close": -1}, "create_and_close", "must be 0 or more"),
    ({"naive_multiple": 0}, "naive_multiple", "must be greater than 0"),
    ({"current_pipeline": -5}, "current_pipeline", "must be 0 or more"),
    ({"stages": "Discovery"}, "stages",
     "must be a list of stages, each an object with a name and a win_probability"),
    ({"stages": [5]}, "stages[0]", "must be an object with a name and a win_probability"),
    ({"stages": [{"win_probability": 0.2}]}, "stages[0].name", "is required"),
    ({"stages": [{"name": 7, "win_probability": 0.2}]}, "stages[0].name", "must be text"),
    ({"stages": [{"name": "A"}]}, "stages[0].win_probability", "is required"),
    ({"stages": [{"name": "A", "win_probability": 0}]}, "stages[0].win_probability", UNBOUNDED),
    ({"stages": [{"name": "A", "win_probability": 1.5}]}, "stages[0].win_probability",
     AT_MOST_ONE),
    ({"stages": [{"name": "A", "win_probability": 0.5},
                 {"name": "B", "win_probability": 0.25}]}, "stages[1].win_probability",
     "must be at least the previous stage's (0.5): the chance of winning rises, or stays the "
     "same, as a deal moves down the stages"),
    ({"stages": [{"name": "A", "win_probability": 0.2, "days_in_stage": 0}]},
     "stages[0].days_in_stage", "must be greater than 0 days"),
    ({"stages": [{"name": "A", "win_probability": 0.2, "open_value": -1}]},
     "stages[0].open_value", "must be 0 or more"),
    ({"stages": [{"name": "A", "win_probability": 0.2, "open_count": -1}]},
     "stages[0].open_count", "must be 0 or more"),
    ({"stages": [{"name": "A", "win_probability": 0.2, "open_count": 2.5}]},
     "stages[0].open_count", "must be a whole number"),
])
def test_each_rule_has_its_message(fields: dict[str, object], key: str, message: str) -> None:
    assert errors_of({**BASE, **fields}) == {key: message}


def test_a_missing_object_is_refused() -> None:
    assert errors_of([BASE]) == {"input": "must be a JSON object of named fields"}


def test_missing_required_fields_are_all_named() -> None:
    assert errors_of({}) == {
        "goal": "is required", "deal_size": "is required", "win_rate": "is required",
        "cycle_days": "is required",
    }


def test_every_fault_is_reported_at_once_in_form_order() -> None:
    errors = errors_of({
        "currency": "XXX", "goal": -1, "days_elapsed": "soon", "win_rate": 0, "slippage": 1,
        "cycle_days": 60,
        "stages": [{"name": "A", "win_probability": 0.6}, "oops",
                   {"win_probability": 0.4, "days_in_stage": -2}],
    })
    assert list(errors) == [
        "currency", "goal", "days_elapsed", "deal_size", "win_rate", "slippage",
        "stages[1]", "stages[2].name", "stages[2].win_probability", "stages[2].days_in_stage",
    ]
    # stage 2's 0.4 is compared with stage 0's 0.6, the last readable one
    assert errors["stages[2].win_probability"].startswith("must be at least the previous stage's")
    assert errors["win_rate"] == UNBOUNDED
    assert errors["days_elapsed"] == "must be a number such as 1250 or 0.25"


def test_invalid_input_is_a_value_error_that_reads_well() -> None:
    with pytest.raises(ValueError, match="win_rate: must be greater than 0"):
        size_from_json({**BASE, "win_rate": 0})
