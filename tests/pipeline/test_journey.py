"""Buying-journey maps: templates, parsing, submit checks, stage list and list edits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.pipeline.errors import InvalidInput
from course.pipeline.journey import (
    BLANK_PHASE,
    MAX_PHASES,
    JourneyMap,
    Phase,
    Role,
    add_phase,
    from_template,
    is_seller_activity,
    journey_to_json,
    move_phase,
    parse_journey,
    remove_phase,
    stage_list,
    template_names,
    validate_for_submit,
)


def phase(name: str, stage: str = "", commitment: str = "The buyer signs it off.") -> Phase:
    return Phase(name, "A goal.", (), (), commitment, stage)


def journey(*names: str) -> JourneyMap:
    return JourneyMap("blank", tuple(phase(n) for n in names))


def names(j: JourneyMap) -> list[str]:
    return [p.name for p in j.phases]


def errors_of(data: object) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_journey(data)
    return caught.value.errors


def valid_data(**phase_fields: object) -> dict[str, object]:
    first = {"name": "Problem", "buyer_goal": "Agree the problem.", "commitment": "Buyer agrees."}
    return {"template": "blank", "phases": [{**first, **phase_fields}, {"name": "Choice"}]}


# ---------------------------------------------------------------- templates


def test_template_names_in_offer_order() -> None:
    assert template_names() == ["gartner", "classic", "decision-gates", "blank"]


@pytest.mark.parametrize("name", ["gartner", "classic", "decision-gates"])
def test_prefilled_templates_are_ready_to_submit(name: str) -> None:
    j = from_template(name)
    assert j.template == name
    assert validate_for_submit(j) == {}
    assert all(p.questions for p in j.phases), "every phase has example buyer questions"


@pytest.mark.parametrize("name", ["gartner", "classic", "decision-gates", "blank"])
def test_templates_survive_a_json_round_trip(name: str) -> None:
    j = from_template(name)
    assert parse_journey(journey_to_json(j)) == j


def test_gartner_has_four_jobs_with_validation_and_consensus_throughout() -> None:
    j = from_template("gartner")
    assert names(j) == [
        "Problem identification", "Solution exploration",
        "Requirements building", "Supplier selection",
    ]
    for p in j.phases:
        assert "Validation" in p.notes and "consensus creation" in p.notes


def test_templates_name_an_economic_buyer_by_the_decision() -> None:
    last = from_template("decision-gates").phases[-1]
    assert any(r.economic_buyer for r in last.roles)


def test_blank_template_needs_name_goal_and_commitment_for_each_of_three_phases() -> None:
    errors = validate_for_submit(from_template("blank"))
    # 3 phases x 3 missing fields = 9 faults
    assert len(errors) == 9
    assert set(errors) >= {"phases[0].name", "phases[1].buyer_goal", "phases[2].commitment"}


def test_unknown_template_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        from_template("spin")
    assert "gartner" in caught.value.errors["template"]


# ---------------------------------------------------------------- stage list


def test_stage_list_of_templates() -> None:
    assert stage_list(from_template("gartner")) == [
        "Qualify", "Discover", "Define requirements", "Propose",
    ]
    assert stage_list(from_template("decision-gates")) == [
        "Qualify", "Define requirements", "Prove", "Propose", "Commit",
    ]
    assert stage_list(from_template("blank")) == []


def test_stage_list_keeps_first_spelling_and_skips_blanks_and_repeats() -> None:
    j = JourneyMap("blank", (
        phase("A", "Qualify"), phase("B", ""), phase("C", "qualify "), phase("D", "Prove"),
    ))
    assert stage_list(j) == ["Qualify", "Prove"]


# ---------------------------------------------------------------- parsing


def test_parse_fills_missing_text_strips_and_drops_blank_rows() -> None:
    j = parse_journey({
        "phases": [
            {
                "name": "  Problem  ",
                "questions": ["Why now?", "   ", ""],
                "roles": [
                    {"title": "Sam Ortiz", "kind": "mobilizer"},
                    {"title": " ", "kind": "blocker"},
                    {"title": "Ruth Carver", "economic_buyer": True},
                ],
            },
            {},
        ],
    })
    first = j.phases[0]
    assert j.template == "blank"
    assert first.name == "Problem" and first.buyer_goal == "" and first.notes == ""
    assert first.questions == ("Why now?",)
    assert first.roles == (
        Role("Sam Ortiz", "mobilizer"), Role("Ruth Carver", "other", economic_buyer=True),
    )
    assert j.phases[1] == BLANK_PHASE


@pytest.mark.parametrize("data", [None, [], "journey", 3])
def test_parse_refuses_anything_but_an_object(data: object) -> None:
    assert set(errors_of(data)) == {"journey"}


@pytest.mark.parametrize(
    ("phases", "message"),
    [
        (None, "list"),
        ("Problem, Choice", "list"),
        ([{}], "has 1"),
        ([{}] * 13, "has 13"),
    ],
)
def test_parse_checks_the_phase_list(phases: object, message: str) -> None:
    assert message in errors_of({"phases": phases})["phases"]


@pytest.mark.parametrize(
    ("fields", "where", "message"),
    [
        ({"name": 7}, "phases[0].name", "text"),
        ({"name": "x" * 81}, "phases[0].name", "81 characters"),
        ({"buyer_goal": "x" * 301}, "phases[0].buyer_goal", "300"),
        ({"commitment": ["Buyer agrees"]}, "phases[0].commitment", "text"),
        ({"sales_stage": "x" * 61}, "phases[0].sales_stage", "60"),
        ({"notes": "x" * 601}, "phases[0].notes", "600"),
        ({"questions": "Why now?"}, "phases[0].questions", "list"),
        ({"questions": ["Why now?", 4]}, "phases[0].questions[1]", "text"),
        ({"questions": ["x" * 201]}, "phases[0].questions[0]", "200"),
        ({"questions": [f"Q{i}" for i in range(11)]}, "phases[0].questions", "at most 10"),
        ({"roles": {"title": "IT lead"}}, "phases[0].roles", "list"),
        ({"roles": ["IT lead"]}, "phases[0].roles[0]", "object"),
        ({"roles": [{"title": "IT lead", "kind": "champion"}]}, "phases[0].roles[0].kind",
         "mobilizer"),
        ({"roles": [{"title": "CFO", "economic_buyer": "yes"}]},
         "phases[0].roles[0].economic_buyer", "true or false"),
        ({"roles": [{"title": "x" * 81}]}, "phases[0].roles[0].title", "80"),
        ({"roles": [{"title": f"P{i}"} for i in range(11)]}, "phases[0].roles", "at most 10"),
    ],
)
def test_parse_names_the_faulty_field(fields: dict[str, object], where: str, message: str) -> None:
    errors = errors_of(valid_data(**fields))
    assert list(errors) == [where]
    assert message in errors[where]


def test_parse_reports_every_fault_at_once() -> None:
    data = {
        "template": "nope",
        "phases": [
            "not an object",
            {"name": 1, "commitment": "x" * 400, "roles": [{"title": "A", "kind": "boss"}]},
            {},
        ],
    }
    assert set(errors_of(data)) == {
        "template", "phases[0]", "phases[1].name", "phases[1].commitment",
        "phases[1].roles[0].kind",
    }


# ---------------------------------------------------------------- submit check


@pytest.mark.parametrize(
    "text",
    ["Send proposal", "We demo the platform", "Demo done", "Follow-up call booked",
     "Rep presents pricing", "present the business case", "Email the recap."],
)
def test_seller_activities_are_recognised(text: str) -> None:
    assert is_seller_activity(text)


@pytest.mark.parametrize(
    "text",
    ["The buyer signs the contract", "Finance signs off the business case",
     "Procurement issues a purchase order", "Sponsor replies 'approved' to the recap", ""],
)
def test_buyer_actions_are_not_seller_activities(text: str) -> None:
    assert not is_seller_activity(text)


def test_submit_rejects_a_seller_activity_as_commitment() -> None:
    j = JourneyMap("blank", (phase("Problem", commitment="Send the proposal"), phase("Choice")))
    errors = validate_for_submit(j)
    assert list(errors) == ["phases[0].commitment"]
    assert "seller" in errors["phases[0].commitment"]


def test_submit_rejects_two_phases_with_the_same_name() -> None:
    assert list(validate_for_submit(journey("Choice", "choice"))) == ["phases[1].name"]


def test_submit_rejects_a_journey_with_too_few_phases() -> None:
    assert "phases" in validate_for_submit(journey("Only one"))


def test_submit_accepts_a_complete_buyer_journey() -> None:
    assert validate_for_submit(journey("Problem", "Requirements", "Choice")) == {}


# ---------------------------------------------------------------- list edits


def test_move_phase_swaps_with_its_neighbour() -> None:
    assert names(move_phase(journey("A", "B", "C"), 0, 1)) == ["B", "A", "C"]
    assert names(move_phase(journey("A", "B", "C"), 2, -1)) == ["A", "C", "B"]


def test_move_phase_stops_at_either_end() -> None:
    j = journey("A", "B", "C")
    assert move_phase(j, 2, 1) == j
    assert move_phase(j, 0, -1) == j
    assert names(move_phase(j, 2, -99)) == ["C", "A", "B"]


@pytest.mark.parametrize("index", [-1, 3])
def test_move_phase_refuses_a_missing_position(index: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        move_phase(journey("A", "B", "C"), index, 1)
    assert "index" in caught.value.errors


def test_add_phase_inserts_an_empty_phase() -> None:
    assert names(add_phase(journey("A", "B"), -1)) == ["", "A", "B"]
    assert names(add_phase(journey("A", "B"), 0)) == ["A", "", "B"]
    assert names(add_phase(journey("A", "B"), 1)) == ["A", "B", ""]


def test_add_phase_stops_at_twelve() -> None:
    full = journey(*(f"P{i}" for i in range(MAX_PHASES)))
    with pytest.raises(InvalidInput) as caught:
        add_phase(full, 0)
    assert "12" in caught.value.errors["phases"]


@pytest.mark.parametrize("after", [-2, 2])
def test_add_phase_refuses_a_missing_position(after: int) -> None:
    with pytest.raises(InvalidInput):
        add_phase(journey("A", "B"), after)


def test_remove_phase_removes_that_phase_only() -> None:
    assert names(remove_phase(journey("A", "B", "C"), 1)) == ["A", "C"]


def test_remove_phase_keeps_at_least_two() -> None:
    with pytest.raises(InvalidInput) as caught:
        remove_phase(journey("A", "B"), 0)
    assert "at least 2" in caught.value.errors["phases"]


def test_remove_phase_refuses_a_missing_position() -> None:
    with pytest.raises(InvalidInput):
        remove_phase(journey("A", "B", "C"), 3)


# ---------------------------------------------------------------- properties

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20,
)
phase_keys = st.sampled_from(
    ["name", "buyer_goal", "questions", "roles", "commitment", "sales_stage", "notes"]
)
phase_like = st.dictionaries(phase_keys, json_values, max_size=7)


@settings(max_examples=200)
@given(st.one_of(json_values, st.fixed_dictionaries(
    {"template": json_values, "phases": st.lists(phase_like, max_size=14)}
)))
def test_parse_never_fails_except_with_field_messages(data: object) -> None:
    try:
        parse_journey(data)
    except InvalidInput as error:
        assert error.errors and all(isinstance(v, str) and v for v in error.errors.values())


short_text = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=40
).map(str.strip)
roles = st.builds(
    Role,
    title=short_text.filter(bool),
    kind=st.sampled_from(["mobilizer", "talker", "blocker", "other"]),
    economic_buyer=st.booleans(),
)
phases = st.builds(
    Phase,
    name=short_text, buyer_goal=short_text,
    questions=st.lists(short_text.filter(bool), max_size=3).map(tuple),
    roles=st.lists(roles, max_size=3).map(tuple),
    commitment=short_text, sales_stage=short_text, notes=short_text,
)
journeys = st.builds(
    JourneyMap,
    template=st.sampled_from(template_names()),
    phases=st.lists(phases, min_size=2, max_size=12).map(tuple),
)


@settings(max_examples=100)
@given(journeys)
def test_any_valid_journey_round_trips_through_json(j: JourneyMap) -> None:
    assert parse_journey(journey_to_json(j)) == j


@settings(max_examples=100)
@given(journeys, st.integers(0, 11), st.integers(-12, 12))
def test_moving_a_phase_keeps_the_same_phases(j: JourneyMap, index: int, delta: int) -> None:
    index = index % len(j.phases)
    moved = move_phase(j, index, delta)
    assert sorted(map(repr, moved.phases)) == sorted(map(repr, j.phases))
    folded = {s.casefold() for s in stage_list(moved)}
    assert folded == {s.casefold() for s in stage_list(j)}
