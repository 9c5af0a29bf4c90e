"""Coaching cadence: monthly hours, research standing, warnings, parsing."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.pipeline.cadence import (
    FORMATS,
    FREQUENCIES,
    MEETING_TYPES,
    PER_MONTH,
    CadencePlan,
    Meeting,
    cadence_to_json,
    default_plan,
    evaluate,
    parse_cadence,
    report_to_json,
)
from course.pipeline.errors import InvalidInput


def plan(sellers: int, *meetings: Meeting) -> CadencePlan:
    return CadencePlan(sellers, meetings)


def pipeline(fmt: str = "one_on_one", freq: str = "biweekly", minutes: int = 60,
             agenda: tuple[str, ...] = (), title: str = "") -> Meeting:
    return Meeting("pipeline", fmt, freq, minutes, agenda, title)  # type: ignore[arg-type]


def codes(p: CadencePlan) -> list[str]:
    return [w.code for w in evaluate(p).warnings]


def errors_of(data: object) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_cadence(data)
    return caught.value.errors


# ---------------------------------------------------------------- hours


def test_meetings_per_month_are_exact_fractions() -> None:
    assert dict(PER_MONTH) == {
        "weekly": Fraction(13, 3),    # 52 / 12
        "biweekly": Fraction(13, 6),  # 26 / 12
        "monthly": 1,
        "quarterly": Fraction(1, 3),
    }


def test_weekly_half_hour_one_on_ones_for_six_sellers() -> None:
    report = evaluate(plan(6, pipeline(freq="weekly", minutes=30)))
    # 30 min x 52/12 = 130 min = 13/6 h = 2.1667 h per seller
    assert report.seller_hours == Fraction(13, 6)
    assert report.seller_one_on_one_hours == Fraction(13, 6)
    # manager: 130 min x 6 sellers = 780 min = 13 h
    assert report.manager_hours == 13


def test_group_meeting_counts_once_for_the_manager_and_fully_for_each_seller() -> None:
    report = evaluate(plan(6, Meeting("forecast", "group", "weekly", 30)))
    # 30 min x 52/12 = 130 min = 13/6 h, the same for every seller and, once, for the manager
    assert report.seller_group_hours == Fraction(13, 6)
    assert report.manager_hours == Fraction(13, 6)


def test_quarterly_hour_is_twenty_minutes_a_month() -> None:
    report = evaluate(plan(1, Meeting("large_account", "one_on_one", "quarterly", 60)))
    # 60 min x 1/3 = 20 min = 1/3 h
    assert report.seller_hours == Fraction(1, 3)
    assert report.meetings[0].seller_minutes == 20


def test_default_plan_for_six_sellers() -> None:
    report = evaluate(default_plan())
    # one-on-ones per seller: pipeline 60 x 26/12 = 130, deal 45 x 26/12 = 97.5,
    # prospecting 30 x 1 = 30, large account 60 x 1/3 = 20 -> 277.5 min = 37/8 h
    assert report.seller_one_on_one_hours == Fraction(37, 8)
    # group: forecast 30 x 52/12 = 130, team 60 x 1 = 60 -> 190 min = 19/6 h
    assert report.seller_group_hours == Fraction(19, 6)
    # per seller 277.5 + 190 = 467.5 min = 187/24 h (7.79 h)
    assert report.seller_hours == Fraction(187, 24)
    # pipeline-management time: 130 + 97.5 + 30 = 257.5 min = 103/24 h (4.29 h)
    assert report.pipeline_hours == Fraction(103, 24)
    # manager: 277.5 x 6 + 190 = 1855 min = 371/12 h (30.92 h)
    assert report.manager_hours == Fraction(371, 12)
    # share of a 40 x 52 / 12 = 520/3 h month: (371/12) / (520/3) = 371/2080 (17.8%)
    assert report.manager_share == Fraction(371, 2080)
    assert report.warnings == ()


def test_default_plan_has_one_meeting_of_each_type_with_its_agenda() -> None:
    meetings = default_plan(3).meetings
    assert [m.kind for m in meetings] == list(MEETING_TYPES)
    assert all(m.agenda == MEETING_TYPES[m.kind].agenda for m in meetings)


@pytest.mark.parametrize("sellers", [0, 51])
def test_default_plan_refuses_a_team_size_out_of_range(sellers: int) -> None:
    with pytest.raises(InvalidInput):
        default_plan(sellers)


# ---------------------------------------------------------------- research standing


@pytest.mark.parametrize(
    ("meeting", "met"),
    [
        # 60 x 26/12 = 130 min = 2.17 h: below both
        (pipeline(freq="biweekly", minutes=60), [False, False]),
        # 180 x 1 = 180 min = exactly 3 h: meets 3, not 4
        (pipeline(freq="monthly", minutes=180), [True, False]),
        # 45 x 52/12 = 195 min = 3.25 h: meets 3, not 4
        (pipeline(freq="weekly", minutes=45), [True, False]),
        # 240 x 1 = 240 min = exactly 4 h: meets both
        (pipeline(freq="monthly", minutes=240), [True, True]),
    ],
)
def test_plan_is_set_against_both_published_figures(meeting: Meeting, met: list[bool]) -> None:
    report = evaluate(plan(4, meeting))
    assert [b.hours for b in report.benchmarks] == [3, 4]
    assert [b.met for b in report.benchmarks] == met


def test_benchmarks_carry_their_sources() -> None:
    three, four = evaluate(default_plan()).benchmarks
    assert any("advancedsales.ai" in s for s in three.sources)
    assert any("salesforce.com/blog/2014/05" in s for s in four.sources)
    assert any("rapidlearninginstitute.com" in s for s in four.sources)


def test_standing_states_the_dispute_and_where_the_plan_stands() -> None:
    text = evaluate(plan(4, pipeline(freq="weekly", minutes=45))).standing
    assert "3.2 hours" in text  # 3.25 h shown to one decimal
    assert "meets the 3-hour figure but not the 4-hour one" in text
    assert "Harvard Business Review" in text and "Salesforce" in text
    assert "does not prove" in text


def test_forecast_team_and_account_time_do_not_count_as_pipeline_management() -> None:
    report = evaluate(plan(
        2,
        Meeting("forecast", "group", "weekly", 60),
        Meeting("team", "group", "weekly", 60),
        Meeting("large_account", "one_on_one", "weekly", 60),
    ))
    assert report.pipeline_hours == 0
    assert report.seller_hours == 13  # 3 x 60 x 52/12 = 780 min = 13 h


def test_standing_warns_that_group_hours_overstate_coaching() -> None:
    assert "group" in evaluate(plan(6, pipeline(fmt="group"))).standing
    assert "group" not in evaluate(plan(6, pipeline())).standing


# ---------------------------------------------------------------- warnings


def test_danas_monday_call_fires_read_out_and_mixing_warnings() -> None:
    monday = pipeline(
        "group", "weekly", 90, ("Walk me through your deals", "Forecast for the quarter"),
        "Monday pipeline call",
    )
    warnings = evaluate(plan(6, monday)).warnings
    assert [w.code for w in warnings] == ["mixed_forecast", "status_readout"]
    assert all(w.meeting == 0 and w.hint for w in warnings)
    assert "walk me through" in warnings[1].message


@pytest.mark.parametrize(
    "meeting",
    [
        Meeting("forecast", "group", "weekly", 30, ("Coach the early-stage deals",)),
        Meeting("forecast", "group", "weekly", 30, (), "Forecast and pipeline review"),
        pipeline(title="Pipeline and forecast"),
        Meeting("deal", "one_on_one", "weekly", 30, ("Best case for this deal",)),
        Meeting("team", "group", "monthly", 60, ("Forecast", "Pipeline coaching")),
    ],
)
def test_forecasting_mixed_with_pipeline_coaching_is_flagged(meeting: Meeting) -> None:
    assert "mixed_forecast" in codes(plan(3, pipeline(), meeting))


@pytest.mark.parametrize(
    "meeting",
    [
        Meeting("forecast", "group", "weekly", 30, MEETING_TYPES["forecast"].agenda),
        Meeting("team", "group", "monthly", 60, ("Forecast process training",)),
        Meeting("large_account", "one_on_one", "quarterly", 60, ("Account plan",)),
    ],
)
def test_separate_forecast_is_not_flagged_as_mixed(meeting: Meeting) -> None:
    assert "mixed_forecast" not in codes(plan(3, pipeline(), meeting))


@pytest.mark.parametrize(
    "meeting",
    [
        pipeline(fmt="group"),
        Meeting("deal", "group", "weekly", 60),
        pipeline(agenda=("Read the CRM notes together",)),
        Meeting("team", "group", "monthly", 60, ("Update on every deal",)),
        Meeting("forecast", "group", "weekly", 30, ("Go round the table",)),
    ],
)
def test_status_read_outs_are_flagged(meeting: Meeting) -> None:
    assert "status_readout" in codes(plan(3, pipeline(), meeting))


@pytest.mark.parametrize(
    "meeting",
    [
        Meeting("prospecting", "group", "monthly", 60, ("Share what worked",)),
        Meeting("forecast", "group", "weekly", 30),
        Meeting("team", "group", "monthly", 60, MEETING_TYPES["team"].agenda),
    ],
)
def test_group_meetings_without_read_outs_are_not_flagged(meeting: Meeting) -> None:
    assert "status_readout" not in codes(plan(3, pipeline(), meeting))


def test_the_read_out_hint_does_not_claim_one_on_one_is_always_better() -> None:
    warning = evaluate(plan(3, pipeline(fmt="group"))).warnings[0]
    assert "the room is not the problem" in warning.hint


@pytest.mark.parametrize(
    ("meetings", "fires"),
    [
        ((Meeting("deal", "one_on_one", "weekly", 30),), True),
        ((pipeline(freq="quarterly"),), True),
        ((pipeline(freq="quarterly"), pipeline(freq="monthly")), False),
        ((pipeline(freq="monthly"),), False),
    ],
)
def test_months_without_pipeline_coaching_are_flagged(
    meetings: tuple[Meeting, ...], fires: bool
) -> None:
    assert ("no_pipeline_coaching" in codes(plan(3, *meetings))) is fires


def test_manager_overload_starts_above_thirty_percent_of_the_month() -> None:
    # limit: 0.3 x 520/3 h = 52 h = 3120 min
    # 10 sellers: 277.5 x 10 + 190 = 2965 min -> no warning
    assert "manager_overload" not in codes(default_plan(10))
    # 11 sellers: 277.5 x 11 + 190 = 3242.5 min (54.0 h, 31%) -> warning
    warning = evaluate(default_plan(11)).warnings[-1]
    assert warning.code == "manager_overload"
    assert "54.0 hours" in warning.message and "31%" in warning.message
    assert "11 sellers" in warning.hint


# ---------------------------------------------------------------- parsing


def test_parse_fills_defaults_from_the_meeting_type() -> None:
    parsed = parse_cadence({"sellers": 6, "meetings": [{"kind": "deal"}]})
    deal = MEETING_TYPES["deal"]
    assert parsed == CadencePlan(6, (Meeting("deal", "one_on_one", "biweekly", 45, deal.agenda),))


def test_parse_strips_text_and_drops_blank_agenda_items() -> None:
    parsed = parse_cadence({"sellers": 2, "meetings": [
        {"kind": "team", "agenda": [" Wins ", "", "  "], "title": "  Friday huddle "},
    ]})
    assert parsed.meetings[0].agenda == ("Wins",)
    assert parsed.meetings[0].title == "Friday huddle"
    assert parsed.meetings[0].label == "Friday huddle"


@pytest.mark.parametrize("data", [None, [], "plan", 6])
def test_parse_refuses_anything_but_an_object(data: object) -> None:
    assert set(errors_of(data)) == {"plan"}


@pytest.mark.parametrize("sellers", [None, 0, 51, "6", True, 6.5, 6.0])
def test_parse_needs_a_whole_number_of_sellers_from_1_to_50(sellers: object) -> None:
    errors = errors_of({"sellers": sellers, "meetings": [{"kind": "pipeline"}]})
    assert list(errors) == ["sellers"]


@pytest.mark.parametrize(
    ("meetings", "message"),
    [(None, "list"), ({"kind": "pipeline"}, "list"), ([], "has 0"),
     ([{"kind": "team"}] * 21, "has 21")],
)
def test_parse_checks_the_meeting_list(meetings: object, message: str) -> None:
    assert message in errors_of({"sellers": 3, "meetings": meetings})["meetings"]


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"kind": "coffee"}, "meetings[0].kind"),
        ({"format": "one-on-one"}, "meetings[0].format"),
        ({"frequency": "daily"}, "meetings[0].frequency"),
        ({"minutes": 4}, "meetings[0].minutes"),
        ({"minutes": 481}, "meetings[0].minutes"),
        ({"minutes": "30"}, "meetings[0].minutes"),
        ({"minutes": True}, "meetings[0].minutes"),
        ({"agenda": "Deals"}, "meetings[0].agenda"),
        ({"agenda": ["Deals", 3]}, "meetings[0].agenda[1]"),
        ({"agenda": ["x" * 201]}, "meetings[0].agenda[0]"),
        ({"agenda": [f"Item {i}" for i in range(16)]}, "meetings[0].agenda"),
        ({"title": 12}, "meetings[0].title"),
        ({"title": "x" * 81}, "meetings[0].title"),
    ],
)
def test_parse_names_the_faulty_field(fields: dict[str, object], where: str) -> None:
    errors = errors_of({"sellers": 3, "meetings": [{"kind": "pipeline", **fields}]})
    assert list(errors) == [where]


def test_parse_accepts_the_limits() -> None:
    parsed = parse_cadence({"sellers": 50, "meetings": [
        {"kind": "pipeline", "minutes": 5}, {"kind": "deal", "minutes": 480},
    ]})
    assert [m.minutes for m in parsed.meetings] == [5, 480]


def test_parse_reports_every_fault_at_once() -> None:
    errors = errors_of({"sellers": 0, "meetings": [
        "weekly call", {"kind": "forecast", "format": "solo", "minutes": 0},
    ]})
    assert set(errors) == {
        "sellers", "meetings[0]", "meetings[1].format", "meetings[1].minutes",
    }


def test_plan_round_trips_through_json() -> None:
    original = plan(4, pipeline(title="Early deals, first"), Meeting("team", "group", "monthly",
                                                                     45, ("Wins",)))
    assert parse_cadence(cadence_to_json(original)) == original
    assert parse_cadence(cadence_to_json(default_plan())) == default_plan()


def test_report_json_rounds_hours_for_display() -> None:
    data = report_to_json(evaluate(default_plan()))
    assert data["manager_hours"] == 30.92  # 371/12 = 30.9166...
    assert data["pipeline_hours"] == 4.29  # 103/24 = 4.2916...
    assert data["warnings"] == []
    assert [b["met"] for b in data["benchmarks"]] == [True, True]  # type: ignore[index]


# ---------------------------------------------------------------- properties

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20,
)
meeting_keys = st.sampled_from(["kind", "format", "frequency", "minutes", "agenda", "title"])


@settings(max_examples=200)
@given(st.one_of(json_values, st.fixed_dictionaries({
    "sellers": json_values,
    "meetings": st.lists(st.dictionaries(meeting_keys, json_values, max_size=6), max_size=4),
})))
def test_parse_never_fails_except_with_field_messages(data: object) -> None:
    try:
        parse_cadence(data)
    except InvalidInput as error:
        assert error.errors and all(isinstance(v, str) and v for v in error.errors.values())


meetings = st.builds(
    Meeting,
    kind=st.sampled_from(list(MEETING_TYPES)),
    format=st.sampled_from(FORMATS),
    frequency=st.sampled_from(FREQUENCIES),
    minutes=st.integers(5, 480),
    agenda=st.lists(st.sampled_from(["Walk through deals", "Forecast", "Wins", "Coach"]),
                    max_size=3).map(tuple),
)
plans = st.builds(
    CadencePlan, sellers=st.integers(1, 50), meetings=st.lists(meetings, min_size=1, max_size=8)
    .map(tuple),
)


@settings(max_examples=200)
@given(plans)
def test_totals_add_up(p: CadencePlan) -> None:
    report = evaluate(p)
    assert report.seller_one_on_one_hours >= 0 and report.seller_group_hours >= 0
    assert report.seller_hours == report.seller_one_on_one_hours + report.seller_group_hours
    assert report.manager_hours == (
        report.seller_one_on_one_hours * p.sellers + report.seller_group_hours
    )
    assert 0 <= report.pipeline_hours <= report.seller_hours
    assert parse_cadence(cadence_to_json(p)) == p
