"""xAPI 1.0.3 statements: their shape (checked against the spec's rules), ids, scores, times, the export."""

import json
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course import xapi
from course.extensions import db
from course.models import ExerciseWork, LessonProgress, QuizAttempt, Submission
from course.pipeline.errors import InvalidInput
from tests.cohort_support import enrol, make_cohort

BASE = "https://lrs.example.com/academy/"
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"  # RFC 4122, lower case
IRI = {"type": "string", "pattern": r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$"}  # an absolute IRI
LANGUAGE_MAP = {"type": "object", "minProperties": 1,
                "propertyNames": {"pattern": r"^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$"},  # RFC 5646 tags
                "additionalProperties": {"type": "string"}}
ACTIVITY = {"type": "object", "required": ["id"], "additionalProperties": False, "properties": {
    "objectType": {"const": "Activity"}, "id": IRI,
    "definition": {"type": "object", "additionalProperties": False, "properties": {
        "name": LANGUAGE_MAP, "description": LANGUAGE_MAP, "type": IRI}}}}
# The parts of xAPI 1.0.3 (Data, section 2.4) these statements use. additionalProperties is false:
# an LRS rejects a statement with a property the spec does not define.
STATEMENT = {
    "type": "object", "required": ["id", "actor", "verb", "object", "timestamp"], "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": UUID},
        "actor": {"type": "object", "required": ["mbox"], "additionalProperties": False, "properties": {
            "objectType": {"const": "Agent"}, "name": {"type": "string"},
            "mbox": {"type": "string", "pattern": r"^mailto:[^@\s]+@[^@\s]+$"}}},
        "verb": {"type": "object", "required": ["id"], "additionalProperties": False,
                 "properties": {"id": IRI, "display": LANGUAGE_MAP}},
        "object": ACTIVITY,
        "result": {"type": "object", "additionalProperties": False, "properties": {
            "score": {"type": "object", "additionalProperties": False, "properties": {
                "scaled": {"type": "number", "minimum": -1, "maximum": 1},
                "raw": {"type": "number"}, "min": {"type": "number"}, "max": {"type": "number"}}},
            "success": {"type": "boolean"}, "completion": {"type": "boolean"}}},
        "context": {"type": "object", "additionalProperties": False, "properties": {
            "platform": {"type": "string"}, "language": {"type": "string"},
            "contextActivities": {"type": "object", "additionalProperties": False, "properties": {
                key: {"type": "array", "items": ACTIVITY} for key in ("parent", "grouping", "category", "other")}}}},
        # ISO 8601 with a time zone (xAPI stores UTC)
        "timestamp": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"},
    },
}


def check(statement):
    """Fail unless the statement has the xAPI 1.0.3 shape, including the rules a schema cannot say."""
    jsonschema.validate(statement, STATEMENT)
    assert "null" not in json.dumps(statement)  # an LRS rejects properties set to null
    score = statement.get("result", {}).get("score")
    if score:
        assert score["min"] < score["max"] and score["min"] <= score["raw"] <= score["max"]
    assert datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00")).tzinfo is not None


LESSON = xapi.Activity("lessons/first-steps", "First steps", "lesson")
QUIZ = xapi.Activity("quizzes/first-steps", "Check: First steps", "assessment")


def event(**changes):
    fields = {"key": "quiz-attempt/1", "email": "ada@example.com", "name": "Ada", "verb": "passed",
              "activity": QUIZ, "at": datetime(2025, 3, 4, 9, 30), "score": xapi.Score(3, 4), "success": True,
              "completion": True} | changes
    return xapi.Event(**fields)


def test_a_quiz_statement_says_who_did_what_when_and_how_well():
    statement = xapi.statement(event(), BASE, (xapi.Activity("cohorts/7", "Spring", "course"),))
    check(statement)
    assert statement["actor"] == {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.com"}
    assert statement["verb"] == {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}}
    assert statement["object"]["id"] == "https://lrs.example.com/academy/quizzes/first-steps"
    assert statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    # 3 of 4 points: scaled 3 / 4 = 0.75
    assert statement["result"] == {"score": {"scaled": 0.75, "raw": 3, "min": 0, "max": 4}, "success": True,
                                   "completion": True}
    assert statement["timestamp"] == "2025-03-04T09:30:00.000Z"
    assert statement["context"]["contextActivities"]["grouping"][0]["id"] == "https://lrs.example.com/academy/cohorts/7"


@pytest.mark.parametrize("verb", xapi.VERBS)
def test_every_verb_gives_a_valid_statement(verb):
    check(xapi.statement(event(verb=verb, activity=LESSON, score=None, success=None, completion=None), BASE))


def test_ids_are_uuid5_and_the_same_event_always_gets_the_same_id():
    first = xapi.statement_id(BASE, "quiz-attempt/1")
    assert uuid.UUID(first).version == 5
    assert first == xapi.statement_id(BASE, "quiz-attempt/1") == xapi.statement_id(BASE.rstrip("/"), "quiz-attempt/1")
    assert first != xapi.statement_id(BASE, "quiz-attempt/2")
    assert first != xapi.statement_id("https://other.example.com/", "quiz-attempt/1")


def test_times_are_written_in_utc_with_milliseconds():
    assert xapi.timestamp(datetime(2025, 3, 4, 9, 30, 5, 123999)) == "2025-03-04T09:30:05.123Z"
    two_hours_east = timezone(timedelta(hours=2))
    assert xapi.timestamp(datetime(2025, 3, 4, 11, 30, tzinfo=two_hours_east)) == "2025-03-04T09:30:00.000Z"
    assert xapi.timestamp(datetime(2025, 3, 4, 9, 30, tzinfo=UTC)) == "2025-03-04T09:30:00.000Z"


def test_activity_ids_are_iris_under_the_base_url():
    assert xapi.activity_id("https://x.example/a/", "/lessons/mapping the journey") == \
        "https://x.example/a/lessons/mapping%20the%20journey"


def test_every_fault_is_reported_at_once():
    bad = [event(email="not an email", verb="liked"), event(score=xapi.Score(5, 4)),
           event(activity=xapi.Activity("", "Nothing", "game"))]
    with pytest.raises(InvalidInput) as raised:
        xapi.statements(bad, "ftp://example.com")
    assert set(raised.value.errors) == {"base_url", "events[0].email", "events[0].verb", "events[1].score",
                                        "events[2].activity"}
    assert raised.value.errors["events[1].score"] == "The raw score 5 is outside 0..4."


@given(st.integers(1, 500).flatmap(lambda top: st.tuples(st.integers(0, top), st.just(top))))
def test_any_score_within_its_range_gives_a_valid_scaled_score(score):
    raw, maximum = score
    statement = xapi.statement(event(score=xapi.Score(raw, maximum)), BASE)
    check(statement)
    assert statement["result"]["score"]["scaled"] == pytest.approx(raw / maximum, abs=5e-5)


# --- the cohort's export --------------------------------------------------------------------------

def test_the_cohort_export_is_a_list_of_valid_statements_an_lrs_accepts(app, client, make_user, login):
    app.config["XAPI_BASE_URL"] = BASE
    trainer, ada, outsider = make_user("trainer"), make_user(email="ada@example.com", name="Ada"), make_user()
    cohort = make_cohort(trainer, "Spring")
    enrol(cohort, ada)
    at = datetime(2025, 3, 1, 10)
    for who in (ada, outsider):
        db.session.add(LessonProgress(user_id=who.id, lesson_slug="first-steps", first_viewed_at=at,
                                      completed_at=at + timedelta(minutes=20)))
    db.session.add(QuizAttempt(user_id=ada.id, quiz_slug="first-steps", answers={}, points=2, max_points=4,
                               passed=False, created_at=at + timedelta(minutes=30)))
    db.session.add(QuizAttempt(user_id=ada.id, quiz_slug="first-steps", answers={}, points=4, max_points=4,
                               passed=True, created_at=at + timedelta(minutes=40)))
    work = ExerciseWork(user_id=ada.id, kind="note", data={}, status="submitted")
    db.session.add(Submission(work=work, number=1, data={}, submitted_at=at + timedelta(hours=1)))
    db.session.commit()
    login(trainer)
    response = client.get(f"/cohorts/{cohort.id}/xapi.json")
    assert response.headers["X-Experience-API-Version"] == "1.0.3" and response.mimetype == "application/json"
    statements = json.loads(response.get_data(as_text=True))
    for statement in statements:
        check(statement)
    assert [s["verb"]["display"]["en-US"] for s in statements] == [
        "experienced", "completed", "failed", "passed", "attempted"]  # in time order; the outsider is not there
    assert {s["actor"]["mbox"] for s in statements} == {"mailto:ada@example.com"}
    assert all(s["object"]["id"].startswith(BASE) for s in statements)
    assert statements[2]["result"]["score"] == {"scaled": 0.5, "raw": 2, "min": 0, "max": 4}  # 2 of 4
    assert len({s["id"] for s in statements}) == 5
    again = json.loads(client.get(f"/cohorts/{cohort.id}/xapi.json").get_data(as_text=True))
    assert [s["id"] for s in again] == [s["id"] for s in statements]  # an LRS drops re-sent duplicates


def test_the_export_names_activities_by_the_site_when_no_base_url_is_set(client, make_user, login):
    trainer, ada = make_user("trainer"), make_user()
    cohort = make_cohort(trainer)
    enrol(cohort, ada)
    db.session.add(LessonProgress(user_id=ada.id, lesson_slug="second-steps"))
    db.session.commit()
    login(trainer)
    [statement] = json.loads(client.get(f"/cohorts/{cohort.id}/xapi.json").get_data(as_text=True))
    check(statement)
    assert re.fullmatch(r"http://localhost/xapi/lessons/second-steps", statement["object"]["id"])
