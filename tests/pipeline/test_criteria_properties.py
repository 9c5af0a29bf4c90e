"""Properties of the criteria checker that must hold for any text a learner can type."""

import json
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from course.pipeline.criteria import (
    MAX_CRITERION_CHARS,
    MAX_STAGES,
    CheckRequest,
    StageInput,
    check_criterion,
    check_process,
    parse_check_request,
    result_to_json,
)
from course.pipeline.errors import InvalidInput

SEVERITY = {
    "C1": "error", "C2": "error", "C3": "error", "C4": "warning", "C5": "warning",
    "C6": "warning", "C7": "warning", "C8": "info", "C9": "warning", "C10": "warning",
    "C11": "warning", "C12": "error", "C13": "warning", "C14": "warning", "C15": "info",
    "C16": "warning", "C17": "info",
}  # fmt: skip

# Learner-like words mixed with arbitrary unicode, so the rules actually fire sometimes.
WORDS = st.sampled_from(
    ("buyer", "CFO", "we", "sent", "proposal", "demo", "interested", "will", "some",
     "best case", "80% likely", "and,", "signed", "email", "economic buyer", "customer",
     "next step", "date", "problem")
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=MAX_CRITERION_CHARS),
    st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=30).map(" ".join),
)
TEXTS = st.lists(TEXT, max_size=5).map(tuple)
STAGE = st.builds(
    StageInput,
    name=TEXT,
    entry=TEXTS,
    exit=TEXTS,
    drop_out=TEXTS,
    max_days=st.none() | st.integers(min_value=1, max_value=3650),
)
REQUEST = st.builds(
    CheckRequest,
    stages=st.lists(STAGE, max_size=10).map(tuple),
    journey=st.lists(TEXT, max_size=6).map(tuple),
)


def all_findings(data):
    """List every finding of a JSON result, wherever it sits."""
    found = list(data["findings"])
    for s in data["stages"]:
        found += s["findings"]
        found += [f for c in s["entry"] + s["exit"] for f in c["findings"]]
    return found


@settings(max_examples=200, deadline=None)
@given(REQUEST)
def test_any_process_gives_a_json_report_with_a_score_in_range(req):
    data = result_to_json(check_process(req))
    assert 0.0 <= data["score"] <= 1.0
    assert json.loads(json.dumps(data)) == data
    assert [s["name"] for s in data["stages"]] == [s.name for s in req.stages]
    for s, stage in zip(data["stages"], req.stages, strict=True):
        assert [c["text"] for c in s["entry"]] == list(stage.entry)
        assert [c["text"] for c in s["exit"]] == list(stage.exit)
    for f in all_findings(data):
        assert f["severity"] == SEVERITY[f["rule"]]
        assert f["message"] and f["hint"]


@settings(max_examples=10, deadline=None)
@given(
    st.lists(TEXT, min_size=11, max_size=11),
    st.text(min_size=MAX_CRITERION_CHARS, max_size=MAX_CRITERION_CHARS),
)
def test_a_process_at_the_size_limits_is_checked(pool, longest):
    # 30 stages x (6 entry + 6 exit) = 360 criteria, each list a rotation of the drawn texts
    pool = [*pool, longest]
    stages = tuple(
        StageInput(f"Stage {i}", tuple(pool[i % 12 :] + pool[: i % 12])[:6],
                   tuple(pool[6:]), ("Deal leaves if no reply",), 30)
        for i in range(MAX_STAGES)
    )  # fmt: skip
    data = result_to_json(check_process(CheckRequest(stages, tuple(pool[:6]))))
    assert 0.0 <= data["score"] <= 1.0
    assert sum(len(s["entry"]) + len(s["exit"]) for s in data["stages"]) == 360
    json.dumps(data)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.printable, max_size=120))
def test_rules_ignore_letter_case(text):
    def ids(x):
        return [f.rule for f in check_criterion(x)]

    assert ids(text.lower()) == ids(text.upper())


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["stages", "journey", "name", "entry", "exit", "drop_out", "max_days"])
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_parse_accepts_or_explains_any_json(data):
    try:
        req = parse_check_request(data)
    except InvalidInput as exc:
        assert exc.errors and all(isinstance(v, str) and v for v in exc.errors.values())
    else:
        assert 1 <= len(req.stages) <= MAX_STAGES


@settings(max_examples=100, deadline=None)
@given(st.lists(STAGE.filter(lambda s: 0 < len(s.name.strip()) <= 100), min_size=1, max_size=5))
def test_parse_round_trips_valid_bodies(stages):
    def clean(texts):
        return [t.strip() for t in texts if t.strip()]

    body = {
        "stages": [
            {"name": s.name, "entry": clean(s.entry), "exit": clean(s.exit),
             "drop_out": clean(s.drop_out), "max_days": s.max_days}
            for s in stages
        ]
    }  # fmt: skip
    req = parse_check_request(body)
    assert [s.name for s in req.stages] == [s.name.strip() for s in stages]
    assert [list(s.exit) for s in req.stages] == [clean(s.exit) for s in stages]
