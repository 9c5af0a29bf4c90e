"""The JSON API: the sizer and the criteria checker over HTTP, and the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from course import create_app
from course.api import MAX_BODY
from course.extensions import db
from course.openapi import openapi_document
from course.pipeline.sizing import STAGE_FIELDS, TOP_FIELDS
from tests.conftest import PASSWORD, app_settings, counted_queries

SIZER, CHECK = "/api/v1/sizer", "/api/v1/criteria/check"
JSON = "application/json"

WORKED_EXAMPLE_2 = {"goal": 1000000, "win_rate": 0.20, "cycle_days": 120, "deal_size": 50000}
WORKED_EXAMPLE_3 = {
    "goal": 1000000, "win_rate": 0.30, "deal_size": 40000, "cycle_days": 90,
    "stages": [{"name": "Discovery", "win_probability": 0.30, "open_value": 800000},
               {"name": "Proposal", "win_probability": 0.30, "open_value": 500000},
               {"name": "Negotiation", "win_probability": 0.30, "open_value": 300000}],
}
WORKED_EXAMPLE_4 = {"goal": 450000, "current_pipeline": 1260000, "win_rate": 0.38,
                    "deal_size": 30000, "cycle_days": 60}

# Brightline Fleet's stages, written the way module 5 teaches.
GOOD_PROCESS = {"stages": [
    {"name": "Qualify",
     "entry": ["Sponsor has named the economic buyer by email",
               "Economic buyer has stated a target date in writing"],
     "exit": ["Economic buyer has approved a written problem statement by email"],
     "drop_out": ["Economic buyer has said there is no budget this year"], "max_days": 30},
    {"name": "Define requirements",
     "entry": ["Economic buyer has approved a written problem statement by email"],
     "exit": ["Evaluation committee has approved the written requirements list"],
     "drop_out": ["The buyer's requirements rule us out"], "max_days": 45},
    {"name": "Commit",
     "entry": ["Evaluation committee has approved the written requirements list"],
     "exit": ["CFO has signed the contract"],
     "drop_out": ["Procurement has chosen another supplier"], "max_days": 30},
]}
WEAK_PROCESS = {"stages": [
    {"name": "Demo", "entry": ["We sent the proposal"], "exit": ["Customer seems interested"]},
]}


def post_raw(client, url: str, body: bytes | str, content_type: str | None = JSON):  # type: ignore[no-untyped-def]
    """Post bytes exactly as given, so malformed bodies reach the endpoint."""
    return client.post(url, data=body, content_type=content_type)


# ---------------------------------------------------------------------------- the sizer


def test_worked_example_2_shows_both_sides_of_the_3x_trap(client):
    response = client.post(SIZER, json=WORKED_EXAMPLE_2)
    assert response.status_code == 200
    body = response.get_json()
    # R* = 1 / 0.2 = 5; RP = 1,000,000 x 5; W = 1,000,000 / 50,000 = 20; O = 20 x 5 = 100
    assert body["coverage_required"] == 5.0
    assert body["required_pipeline"] == "5000000.00"
    assert (body["wins_needed"], body["opportunities_needed"]) == (20, 100)
    # 3x the gap = 3,000,000, which is 2,000,000 short of the 5,000,000 required
    assert body["naive"] == {"multiple": 3.0, "pipeline": "3000000.00",
                             "difference": "-2000000.00", "verdict": "under-covered",
                             "implied_win_rate": 0.3333}
    # SP = (1,000,000 / 365) x 120 / 0.2 = 1,643,835.616...; SP / Q = 600 / 365 = 1.64383...
    assert body["standing_pipeline"] == "1643835.62"
    assert body["standing_multiple"] == 1.6438
    assert body["standing_opportunities"] == 33  # 1,643,835.62 / 50,000 = 32.88, rounded up
    # c = (1,000,000 / 365) / 0.2 = 13,698.63 a day; x 7 = 95,890.41; x 365 / 12 = 416,666.67
    assert body["creation"] == {"per_day": "13698.63", "per_week": "95890.41",
                                "per_month": "416666.67", "opportunities_per_week": 1.9178,
                                "opportunities_per_week_target": 2}
    assert body["last_creation_day"] == 245  # 365 - 120
    assert body["currency"] == "USD" and body["gap"] == "1000000.00"
    assert "current" not in body and body["flags"] == [] and body["warnings"] == []


def test_worked_example_3_measures_a_staged_pipeline(client):
    body = client.post(SIZER, json=WORKED_EXAMPLE_3).get_json()
    # C = 800,000 + 500,000 + 300,000 = 1,600,000; coverage = 1,600,000 / 1,000,000 = 1.6
    # RP = 1,000,000 / 0.3 = 3,333,333.33; shortfall = 3,333,333.33 - 1,600,000 = 1,733,333.33
    # X = 0.3 x 1,600,000 = 480,000; expected gap = 1,000,000 - 480,000 = 520,000
    # new first-stage pipeline = 520,000 / 0.3 = 1,733,333.33; / 40,000 = 43.3 -> 44 deals
    assert body["required_pipeline"] == "3333333.33"
    assert body["current"] == {"pipeline": "1600000.00", "coverage": 1.6,
                               "shortfall": "1733333.33", "expected_value": "480000.00",
                               "expected_gap": "520000.00",
                               "new_first_stage_pipeline": "1733333.33",
                               "new_opportunities": 44}
    # W = 1,000,000 / 40,000 = 25; O = 25 / 0.3 = 83.3 -> 84
    assert (body["wins_needed"], body["opportunities_needed"]) == (25, 84)
    assert [s["name"] for s in body["stages"]] == ["Discovery", "Proposal", "Negotiation"]
    assert {s["whole_gap_value"] for s in body["stages"]} == {"3333333.33"}  # 1,000,000 / 0.3


def test_worked_example_4_has_enough_pipeline(client):
    body = client.post(SIZER, json=WORKED_EXAMPLE_4).get_json()
    # RP = 450,000 / 0.38 = 1,184,210.526...; coverage = 1,260,000 / 450,000 = 2.8
    assert body["required_pipeline"] == "1184210.53"
    assert body["current"]["coverage"] == 2.8
    assert body["current"]["shortfall"] == "0.00"  # 1,260,000 is more than 1,184,210.53
    assert body["current"]["expected_value"] == "478800.00"  # 1,260,000 x 0.38


def test_money_and_rates_may_be_decimal_strings(client):
    as_text = {"goal": "450000.00", "current_pipeline": "1260000", "win_rate": "0.38",
               "deal_size": " 30000 ", "cycle_days": "60"}
    from_text = client.post(SIZER, json=as_text)
    assert from_text.status_code == 200
    assert from_text.get_json() == client.post(SIZER, json=WORKED_EXAMPLE_4).get_json()


def test_the_arithmetic_is_exact_through_http(client):
    # 90,000 / 30,000 = 3 wins; 3 / 0.3 = exactly 10 opportunities, not 11 as 10.000000001 would be
    body = client.post(SIZER, json={"goal": 90000, "deal_size": 30000, "win_rate": 0.3,
                                    "cycle_days": 30}).get_json()
    assert (body["wins_needed"], body["opportunities_needed"]) == (3, 10)


def test_every_sizer_fault_is_named_at_once_in_form_order(client):
    response = client.post(SIZER, json={
        "goal": "a lot", "win_rate": 0, "cycle_days": -1,
        "stages": [{"name": "Discovery", "win_probability": 0.5},
                   {"name": "Proposal", "win_probability": 0.3}],
    })
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == ["goal", "deal_size", "win_rate", "cycle_days",
                            "stages[1].win_probability"]
    assert errors["deal_size"] == "is required"
    assert errors["win_rate"].startswith("must be greater than 0")
    assert "0.5" in errors["stages[1].win_probability"]  # names the stage it must not fall below


def test_a_sizer_body_that_is_not_an_object_is_refused_by_the_domain(client):
    for value in ([], "goal", 3, None):
        response = client.post(SIZER, data=json.dumps(value), content_type=JSON)
        assert response.status_code == 422, value
        assert response.get_json() == {"errors": {"input": "must be a JSON object of named fields"}}


# ---------------------------------------------------------------------------- the checker


def findings_in(body: dict[str, Any]) -> list[dict[str, str]]:
    """Collect every finding of a checker result, wherever it sits."""
    found = list(body["findings"])
    for stage in body["stages"]:
        found += stage["findings"]
        for criterion in stage["entry"] + stage["exit"]:
            found += criterion["findings"]
    return found


def test_a_good_process_scores_full_marks(client):
    response = client.post(CHECK, json=GOOD_PROCESS)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"score", "findings", "stages"}
    assert body["score"] == 1.0
    assert [s["name"] for s in body["stages"]] == ["Qualify", "Define requirements", "Commit"]
    assert body["stages"][0]["entry"][1]["text"] == (
        "Economic buyer has stated a target date in writing")
    assert {f["severity"] for f in findings_in(body)} <= {"info"}


def test_a_weak_process_gets_findings_where_they_belong(client):
    body = client.post(CHECK, json=WEAK_PROCESS).get_json()
    assert body["score"] < 0.5
    assert [f["rule"] for f in body["findings"]] == ["C11"]  # one stage: a process-wide fault
    demo = body["stages"][0]
    assert {"C10", "C13"} <= {f["rule"] for f in demo["findings"]}  # stage-level
    sent = demo["entry"][0]
    assert sent["text"] == "We sent the proposal"
    assert {"rule": "C1", "severity": "error"}.items() <= sent["findings"][0].items()
    for finding in findings_in(body):
        assert set(finding) == {"rule", "severity", "message", "hint"}
        assert finding["severity"] in {"error", "warning", "info"}
        assert finding["message"] and finding["hint"]


def test_every_checker_fault_is_named_at_once(client):
    response = client.post(CHECK, json={"stages": [
        {"name": "Qualify", "entry": ["Sponsor named the buyer"], "exit": ["Buyer agreed"]},
        {"name": " ", "entry": "one", "exit": [""], "max_days": 0},
    ]})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {
        "stages[1].name", "stages[1].entry", "stages[1].exit[0]", "stages[1].max_days"}


def test_a_checker_body_that_is_not_an_object_is_refused_by_the_domain(client):
    response = client.post(CHECK, data="null", content_type=JSON)
    assert response.status_code == 422
    assert response.get_json() == {"errors": {"body": 'Send a JSON object with a "stages" list.'}}


# ---------------------------------------------------------------------------- not JSON


@pytest.mark.parametrize("url", [SIZER, CHECK])
@pytest.mark.parametrize("body, message", [
    ('{"goal": 1000000,}', "is not valid JSON: check quotes, commas and brackets"),
    (b"\xff\xfe not utf-8", "is not valid JSON: check quotes, commas and brackets"),
    ("", "is empty: send a JSON object"),
    ("  \n", "is empty: send a JSON object"),
    ("[" * 30000 + "]" * 30000, "nests too deeply to read"),
])
def test_a_body_that_is_not_json_is_a_400(client, url, body, message):
    response = post_raw(client, url, body)
    assert response.status_code == 400
    assert response.get_json() == {"errors": {"body": message}}


@pytest.mark.parametrize("url", [SIZER, CHECK])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_json_without_the_json_content_type_is_a_400(client, url, content_type):
    response = post_raw(client, url, json.dumps(WORKED_EXAMPLE_2), content_type)
    assert response.status_code == 400
    assert response.get_json() == {"errors": {"body": "must be JSON, sent with the header "
                                                      "Content-Type: application/json"}}


@pytest.mark.parametrize("url", [SIZER, CHECK])
def test_a_body_over_64_kb_is_a_413(client, url):
    response = post_raw(client, url, b" " * (MAX_BODY + 1))
    assert response.status_code == 413
    assert response.get_json() == {"errors": {"body": "is too large: send at most 64 KB of JSON"}}


def test_a_body_of_exactly_64_kb_is_read(client):
    text = json.dumps(WORKED_EXAMPLE_2)
    padded = text + " " * (MAX_BODY - len(text))  # JSON allows trailing white space
    assert len(padded.encode()) == 64 * 1024
    assert post_raw(client, SIZER, padded).status_code == 200


def test_the_64_kb_limit_is_only_on_the_api(client):
    # pages take up to 1 MB (a team CSV upload); a 100 KB form is not refused for its size
    response = client.post("/login", data={"email": "x" * 100_000, "password": "p"})
    assert response.status_code == 200
    assert client.post("/login", data={"email": "x" * 1_100_000}).status_code == 413


@pytest.mark.parametrize("url", [SIZER, CHECK])
def test_a_get_is_refused_in_the_json_error_shape(client, url):
    response = client.get(url)
    assert response.status_code == 405
    assert response.get_json() == {"errors": {"request": "Method not allowed"}}


@pytest.mark.parametrize("url, body", [
    (SIZER, WORKED_EXAMPLE_2), (SIZER, {}), (CHECK, GOOD_PROCESS), (CHECK, {}),
    (SIZER, "not json"), (CHECK, " " * (MAX_BODY + 1)),
])
def test_no_answer_may_be_cached(client, url, body):
    is_raw = isinstance(body, str)
    response = post_raw(client, url, body) if is_raw else client.post(url, json=body)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == JSON


# ---------------------------------------------------------------------------- no login, no state


def test_both_endpoints_work_with_csrf_protection_on():
    app = create_app(app_settings(WTF_CSRF_ENABLED=True))
    with app.app_context():
        db.create_all()
        client = app.test_client()
        assert client.post(SIZER, json=WORKED_EXAMPLE_2).status_code == 200
        assert client.post(CHECK, json=GOOD_PROCESS).status_code == 200
        # and CSRF really is on: a form post without a token is still refused
        assert client.post("/register", data={"name": "x", "email": "x@example.com",
                                              "password": PASSWORD,
                                              "confirm": PASSWORD}).status_code == 400
        db.session.remove()
        db.drop_all()


def test_nothing_is_written_to_the_database(app, client, make_user, login):
    login(make_user())  # a signed-in caller must not leave a trace either
    tables = db.metadata.sorted_tables
    before = [db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in tables]
    with counted_queries() as statements:
        for url, body in [(SIZER, WORKED_EXAMPLE_3), (SIZER, {"goal": -1}),
                          (CHECK, GOOD_PROCESS), (CHECK, WEAK_PROCESS), (CHECK, {})]:
            assert client.post(url, json=body).status_code in {200, 422}
    writes = [s for s in statements if s.lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert [db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in tables] == before


# ---------------------------------------------------------------------------- properties

JSON_LEAVES = (st.none() | st.booleans() | st.integers() | st.text(max_size=30)
               | st.floats(allow_nan=False, allow_infinity=False))
FIELD_NAMES = st.sampled_from(TOP_FIELDS + STAGE_FIELDS + ("entry", "exit", "drop_out",
                                                            "max_days", "journey")) | st.text()
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(FIELD_NAMES, inner, max_size=6),
    max_leaves=25,
)


def test_no_json_value_breaks_the_endpoints():
    client = create_app(app_settings()).test_client()  # the endpoints never touch the database

    @settings(max_examples=150, deadline=None)
    @given(url=st.sampled_from([SIZER, CHECK]), value=JSON_VALUES)
    def check(url: str, value: object) -> None:
        response = post_raw(client, url, json.dumps(value))  # json=None would send no body
        assert response.status_code in {200, 422}
        if response.status_code == 422:
            errors = response.get_json()["errors"]
            assert errors and all(isinstance(m, str) and m for m in errors.values())

    check()


def test_no_bytes_break_the_endpoints():
    client = create_app(app_settings()).test_client()

    @settings(max_examples=100, deadline=None)
    @given(url=st.sampled_from([SIZER, CHECK]), body=st.binary(max_size=200))
    def check(url: str, body: bytes) -> None:
        response = post_raw(client, url, body)
        assert response.status_code in {200, 400, 422}
        if response.status_code == 400:
            assert set(response.get_json()["errors"]) == {"body"}

    check()


# ---------------------------------------------------------------------------- the OpenAPI document


def test_the_document_is_served_and_lists_both_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc == openapi_document()
    assert doc["openapi"].startswith("3.1")
    assert {SIZER, CHECK} <= set(doc["paths"])
    for url in (SIZER, CHECK):
        assert {"200", "400", "413", "422"} <= set(doc["paths"][url]["post"]["responses"])


def test_the_document_passes_the_openapi_validator():
    validator = pytest.importorskip("openapi_spec_validator")  # not (yet) a dev dependency
    validator.validate(openapi_document())


def refs_in(node: object) -> list[str]:
    """Collect every $ref in a part of the document."""
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for value in node.values() for r in refs_in(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs_in(value)]
    return []


def test_the_document_hangs_together():
    # Checked by hand because openapi_spec_validator is not installed in the project's venv.
    doc = openapi_document()
    assert {"title", "version"} <= set(doc["info"])
    schemas = doc["components"]["schemas"]
    assert {"SizerInput", "SizerResult", "Stage", "CriteriaRequest", "CriteriaResult",
            "Finding", "Errors"} <= set(schemas)
    for ref in refs_in(doc):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref
    for name, schema in schemas.items():
        assert set(schema.get("required", [])) <= set(schema.get("properties", {})), name
    for item in doc["paths"].values():
        for operation in item.values():
            assert operation["summary"] and operation["responses"]
            for code, response in operation["responses"].items():
                assert code.isdigit() and response["description"]


def test_the_document_is_fresh_each_time():
    doc = openapi_document()
    doc["paths"].clear()
    assert openapi_document()["paths"]


def example_cases() -> list[Any]:
    """Pair every response example with the request example of the same name."""
    cases = []
    for url, item in openapi_document()["paths"].items():
        if "post" not in item:
            continue
        operation = item["post"]
        requests = operation["requestBody"]["content"][JSON]["examples"]
        for code, response in operation["responses"].items():
            for name, answer in response["content"][JSON]["examples"].items():
                request = requests[name]["value"] if name in requests else RAW_EXAMPLES[name]
                cases.append(pytest.param(url, request, int(code), answer["value"],
                                          id=f"{url}-{code}-{name}"))
    return cases


# The error examples no JSON request can produce, keyed by the example's name.
RAW_EXAMPLES = {"not-json": b'{"goal": 1000000,}', "too-large": b" " * (MAX_BODY + 1)}


@pytest.mark.parametrize("url, request_body, status, answer", example_cases())
def test_every_response_example_is_what_the_endpoint_answers(client, url, request_body, status,
                                                             answer):
    if isinstance(request_body, bytes):
        response = post_raw(client, url, request_body)
    else:
        response = client.post(url, json=request_body)
    assert response.status_code == status
    assert response.get_json() == answer


def test_the_examples_are_the_ones_promised():
    sizer = openapi_document()["paths"][SIZER]["post"]
    example = sizer["requestBody"]["content"][JSON]["examples"]["example"]["value"]
    # SIZER.md worked example 2, money as decimal strings
    assert {k: float(v) for k, v in example.items()} == WORKED_EXAMPLE_2
    check = openapi_document()["paths"][CHECK]["post"]
    process = check["requestBody"]["content"][JSON]["examples"]["example"]["value"]
    assert [s["name"] for s in process["stages"]] == ["Qualify", "Define requirements", "Commit"]
