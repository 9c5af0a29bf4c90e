"""Build xAPI 1.0.3 statements from learning events. Pure Python: no Flask, no database.

A statement says "<actor> <verb> <object>", with an optional result, when it happened, and a
deterministic id (UUID v5 of the event's key), so exporting the same events twice gives the same
statements and a Learning Record Store can drop the duplicates. Activity ids are IRIs under a
base URL the site is configured with, so they stay stable when the site moves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from .pipeline.errors import InvalidInput

VERSION = "1.0.3"  # sent as the X-Experience-API-Version header; statements leave `version` to the LRS
VERB_BASE = "http://adlnet.gov/expapi/verbs/"
VERBS = ("experienced", "completed", "attempted", "passed", "failed")
ACTIVITY_BASE = "http://adlnet.gov/expapi/activities/"
ACTIVITY_TYPES = ("course", "lesson", "assessment", "performance", "question")
LANGUAGE = "en-US"


@dataclass(frozen=True)
class Score:
    raw: float
    max: float
    min: float = 0

    @property
    def scaled(self) -> float:
        return (self.raw - self.min) / (self.max - self.min)


@dataclass(frozen=True)
class Activity:
    path: str  # below the base URL, e.g. "lessons/first-steps"
    name: str
    type: str  # one of ACTIVITY_TYPES


@dataclass(frozen=True)
class Event:
    key: str  # unique and stable, e.g. "quiz-attempt/42": the statement id derives from it
    email: str
    name: str
    verb: str  # one of VERBS
    activity: Activity
    at: datetime  # UTC; a naive datetime is read as UTC
    score: Score | None = None
    success: bool | None = None
    completion: bool | None = None


def statements(events: list[Event], base_url: str, grouping: tuple[Activity, ...] = ()) -> list[dict[str, Any]]:
    """Build one statement per event; raise InvalidInput naming every faulty event at once."""
    errors = _base_url_errors(base_url)
    for i, event in enumerate(events):
        errors.update({f"events[{i}].{k}": v for k, v in event_errors(event).items()})
    if errors:
        raise InvalidInput(errors)
    return [statement(e, base_url, grouping) for e in events]


def statement(event: Event, base_url: str, grouping: tuple[Activity, ...] = ()) -> dict[str, Any]:
    """Build the statement for one event that is known to be valid."""
    built: dict[str, Any] = {
        "id": statement_id(base_url, event.key),
        "actor": {"objectType": "Agent", "name": event.name, "mbox": f"mailto:{event.email}"},
        "verb": {"id": VERB_BASE + event.verb, "display": {LANGUAGE: event.verb}},
        "object": activity_object(event.activity, base_url),
        "timestamp": timestamp(event.at),
        "context": {"platform": "Pipeline Academy", "language": LANGUAGE},
    }
    if grouping:
        built["context"]["contextActivities"] = {"grouping": [activity_object(a, base_url) for a in grouping]}
    result = _result(event)
    if result:
        built["result"] = result
    return built


def statement_id(base_url: str, key: str) -> str:
    """Name the statement with a UUID v5: the same site and event always give the same id."""
    site = uuid.uuid5(uuid.NAMESPACE_URL, base_url.rstrip("/"))
    return str(uuid.uuid5(site, key))


def activity_object(activity: Activity, base_url: str) -> dict[str, Any]:
    return {"objectType": "Activity", "id": activity_id(base_url, activity.path),
            "definition": {"name": {LANGUAGE: activity.name}, "type": ACTIVITY_BASE + activity.type}}


def activity_id(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + quote(path.strip("/"), safe="/")


def timestamp(at: datetime) -> str:
    """Write an ISO 8601 UTC time with milliseconds, as LRSs store them: 2025-03-04T09:30:00.000Z."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _result(event: Event) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if event.score is not None:
        s = event.score
        result["score"] = {"scaled": round(s.scaled, 4), "raw": _number(s.raw), "min": _number(s.min),
                           "max": _number(s.max)}
    if event.success is not None:
        result["success"] = event.success
    if event.completion is not None:
        result["completion"] = event.completion
    return result


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def event_errors(event: Event) -> dict[str, str]:
    """Say what is wrong with one event (empty when nothing is)."""
    errors: dict[str, str] = {}
    if not event.key:
        errors["key"] = "Give every event a key: the statement id is made from it."
    if event.email.count("@") != 1 or " " in event.email or event.email.startswith("mailto:"):
        errors["email"] = f"{event.email!r} is not an email address."
    if event.verb not in VERBS:
        errors["verb"] = f"{event.verb!r} is not one of {', '.join(VERBS)}."
    if event.activity.type not in ACTIVITY_TYPES:
        errors["activity"] = f"{event.activity.type!r} is not one of {', '.join(ACTIVITY_TYPES)}."
    if not event.activity.path.strip("/"):
        errors["activity"] = "The activity needs a path below the base URL."
    if event.score is not None and (err := _score_error(event.score)):
        errors["score"] = err
    return errors


def _score_error(score: Score) -> str:
    if not score.min < score.max:
        return f"The score's minimum ({score.min}) must be below its maximum ({score.max})."
    if not score.min <= score.raw <= score.max:
        return f"The raw score {score.raw} is outside {score.min}..{score.max}."
    return ""


def _base_url_errors(base_url: str) -> dict[str, str]:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return {"base_url": f"{base_url!r} is not an absolute http(s) URL without a query."}
    return {}
