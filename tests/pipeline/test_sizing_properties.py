"""Properties of the pipeline sizer that hold for every valid input (hypothesis)."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from course.pipeline.errors import InvalidInput
from course.pipeline.sizing import (
    SizerInput,
    StageInput,
    parse_sizer_input,
    result_to_json,
    size_from_json,
    size_pipeline,
)

money = st.integers(0, 10**11).map(lambda cents: Fraction(cents, 100))
positive_money = st.integers(1, 10**11).map(lambda cents: Fraction(cents, 100))
rate = st.integers(1, 1000).map(lambda permille: Fraction(permille, 1000))
share = st.integers(0, 99).map(lambda percent: Fraction(percent, 100))
days = st.integers(1, 1000)


@st.composite
def sizer_inputs(draw: st.DrawFn) -> SizerInput:
    period = draw(days)
    return SizerInput(
        currency=draw(st.sampled_from(["USD", "JPY", "KWD", "CLF", "EUR"])),
        goal=draw(money),
        period_days=period,
        days_elapsed=draw(st.integers(0, period)),
        booked=draw(money),
        deal_size=draw(positive_money),
        win_rate=draw(rate),
        cycle_days=Fraction(draw(days)),
        slippage=draw(share),
        create_and_close=draw(share),
        naive_multiple=Fraction(draw(st.integers(1, 100)), 10),
        current_pipeline=draw(st.none() | money),
        stages=tuple(
            StageInput(name=f"S{i}", win_probability=p, days_in_stage=Fraction(i + 1),
                       open_value=draw(money))
            for i, p in enumerate(sorted(draw(st.lists(rate, max_size=4))))
        ),
    )


@settings(max_examples=150)
@given(sizer_inputs(), rate)
def test_higher_win_rate_never_needs_more_pipeline(inp: SizerInput, other: Fraction) -> None:
    low, high = sorted([inp.win_rate, other])
    at_low = size_pipeline(_with(inp, win_rate=low))
    at_high = size_pipeline(_with(inp, win_rate=high))
    assert at_high.required_pipeline <= at_low.required_pipeline
    assert at_high.standing_pipeline <= at_low.standing_pipeline
    assert at_high.opportunities_needed <= at_low.opportunities_needed
    assert at_high.creation.per_day <= at_low.creation.per_day


@settings(max_examples=150)
@given(sizer_inputs())
def test_without_create_and_close_the_pipeline_covers_at_least_the_gap(inp: SizerInput) -> None:
    # R* = 1 / (w (1 - s)) >= 1 when k = 0, since 0 < w <= 1 and 0 <= s < 1
    res = size_pipeline(_with(inp, create_and_close=Fraction(0)))
    assert res.required_pipeline >= res.gap
    assert res.opportunities_needed >= res.wins_needed


@settings(max_examples=150)
@given(sizer_inputs())
def test_money_is_rounded_within_half_a_minor_unit(inp: SizerInput) -> None:
    res = size_pipeline(inp)
    out = result_to_json(res)
    places = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3, "CLF": 4}[inp.currency]
    half_unit = Fraction(1, 2 * 10**places)
    for text, exact in [
        (out["required_pipeline"], res.required_pipeline),
        (out["standing_pipeline"], res.standing_pipeline),
        (out["naive"]["difference"], res.naive.difference),  # type: ignore[index]
    ]:
        assert isinstance(text, str)
        written = Decimal(text)
        assert -written.as_tuple().exponent == places  # type: ignore[operator]
        assert abs(Fraction(written) - exact) <= half_unit


@settings(max_examples=150)
@given(sizer_inputs())
def test_ratios_are_within_half_of_the_fourth_decimal(inp: SizerInput) -> None:
    res = size_pipeline(inp)
    out = result_to_json(res)
    coverage = out["coverage_required"]
    assert isinstance(coverage, float)
    # half of 0.0001, plus room for the float's own representation error
    assert abs(Fraction(coverage) - res.coverage_required) <= Fraction(1, 20000) + Fraction(
        1, 10**9
    )


@settings(max_examples=150)
@given(sizer_inputs(), st.integers(1, 50), st.integers(1, 50))
def test_standing_pipeline_scales_linearly_with_the_goal(
    inp: SizerInput, top: int, bottom: int
) -> None:
    factor = Fraction(top, bottom)
    base = size_pipeline(inp)
    scaled = size_pipeline(_with(inp, goal=inp.goal * factor))
    assert scaled.standing_pipeline == factor * base.standing_pipeline
    assert scaled.creation.per_day == factor * base.creation.per_day
    assert scaled.standing_multiple == base.standing_multiple


@settings(max_examples=150)
@given(sizer_inputs())
def test_counts_are_the_least_whole_numbers_that_do_the_job(inp: SizerInput) -> None:
    res = size_pipeline(inp)
    d, w, s, k = inp.deal_size, inp.win_rate, inp.slippage, inp.create_and_close
    wins, opportunities = res.wins_needed, res.opportunities_needed
    # W wins of D cover the gap, and one fewer would not
    assert wins * d >= res.gap
    assert res.gap == 0 or (wins - 1) * d < res.gap
    # O opportunities of D, won at w and kept at (1 - s), bring in the gap net of
    # create-and-close: O * D * w * (1 - s) >= W * D * (1 - k) >= G * (1 - k)
    assert opportunities * d * w * (1 - s) >= res.gap * (1 - k)
    # and O is the smallest count reaching W * R*
    assert opportunities - 1 < wins * res.coverage_required <= opportunities


@settings(max_examples=150)
@given(sizer_inputs())
def test_verdict_follows_the_sign_of_the_difference(inp: SizerInput) -> None:
    naive = size_pipeline(inp).naive
    expected = {-1: "under-covered", 0: "equal", 1: "over-covered"}
    sign = (naive.difference > 0) - (naive.difference < 0)
    assert naive.verdict == expected[sign]


@settings(max_examples=150)
@given(sizer_inputs())
def test_current_position_adds_up(inp: SizerInput) -> None:
    res = size_pipeline(inp)
    current = res.current
    if current is None:
        assert inp.current_pipeline is None and not inp.stages
        return
    assert current.pipeline + current.shortfall >= res.required_pipeline
    assert current.expected_value + current.expected_gap >= res.gap
    assert current.new_first_stage_pipeline * inp.win_rate == current.expected_gap


@settings(max_examples=150)
@given(st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False))
def test_a_number_reads_the_same_as_text_or_float(value: Decimal) -> None:
    # 15 significant digits at most, so float(text) reads back to the same decimal text
    as_text = parse_sizer_input({"goal": str(value), "deal_size": 1, "win_rate": 1,
                                 "cycle_days": 1})
    as_float = parse_sizer_input({"goal": float(value), "deal_size": 1, "win_rate": 1,
                                  "cycle_days": 1})
    assert as_text.goal == as_float.goal == Fraction(value)


# ---------------------------------------------------------------------------------------------
# Arbitrary JSON never breaks the reader


FIELDS = [
    "currency", "goal", "period_days", "days_elapsed", "booked", "deal_size", "win_rate",
    "cycle_days", "slippage", "create_and_close", "naive_multiple", "current_pipeline", "stages",
    "name", "win_probability", "days_in_stage", "open_value", "open_count",
]
json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats()
    | st.text(max_size=12) | st.sampled_from(["0.2", "1e5", "-1", "365", "USD", "JPY", "1e9999"])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=5), inner, max_size=5),
    max_leaves=12,
)
VALID = {"goal": 1000000, "deal_size": 50000, "win_rate": 0.2, "cycle_days": 120}


def _survives(data: object) -> None:
    """Size `data`, accepting only a result or InvalidInput naming fields with messages."""
    try:
        out = size_from_json(data)  # type: ignore[arg-type]
    except InvalidInput as invalid:
        assert invalid.errors
        assert all(isinstance(k, str) and v for k, v in invalid.errors.items())
    else:
        json.dumps(out)


@settings(max_examples=200)
@given(json_values)
def test_arbitrary_json_gives_a_result_or_invalid_input(data: object) -> None:
    _survives(data)


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6))
def test_a_valid_object_with_any_fields_replaced_survives(changes: dict[str, object]) -> None:
    _survives({**VALID, **changes})


@settings(max_examples=100)
@given(st.lists(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5), max_size=4))
def test_any_list_of_stages_survives(stages: list[dict[str, object]]) -> None:
    _survives({**VALID, "stages": stages})


def _with(inp: SizerInput, **changes: object) -> SizerInput:
    return replace(inp, **changes)  # type: ignore[arg-type]
