"""Machine-facing routes: the health check and the JSON API under /api/v1."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from .extensions import csrf, db
from .openapi import openapi_document
from .pipeline import criteria, sizing
from .pipeline.errors import InvalidInput

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # JSON endpoints take no cookies-based action; they compute and store nothing

MAX_BODY = 64 * 1024  # far above any real process or sizer input; keeps exact arithmetic cheap


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable"}, 503
    return {"status": "ok"}


@bp.post("/api/v1/sizer")
def sizer() -> Response:
    """Size the pipeline for a goal (SIZER.md)."""
    return compute(sizing.size_from_json)


@bp.post("/api/v1/criteria/check")
def criteria_check() -> Response:
    """Check a process's stage criteria against rules C1-C17."""
    return compute(check_criteria)


@bp.get("/api/v1/openapi.json")
def openapi() -> Response:
    """Describe the API as an OpenAPI 3.1 document."""
    return json_response(openapi_document())


def check_criteria(data: object) -> dict[str, object]:
    """Read, check and shape a process in one call; raise InvalidInput listing every fault."""
    return criteria.result_to_json(criteria.check_process(criteria.parse_check_request(data)))


def compute(domain: Callable[[Any], Mapping[str, object]]) -> Response:
    """Answer a JSON request with the domain's result, or 422 with every fault it found."""
    data = read_json_body()  # any JSON value: the domain names what is wrong with a non-object
    try:
        result = domain(data)
    except InvalidInput as invalid:
        return json_response({"errors": invalid.errors}, 422)
    return json_response(result)


def read_json_body() -> object:
    """Return the decoded JSON body; answer 413 or 400 when it is too large or not JSON."""
    request.max_content_length = MAX_BODY  # this route only: the app-wide limit stays as it is
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        fail(413, f"is too large: send at most {MAX_BODY // 1024} KB of JSON")
    if not request.is_json:
        fail(400, "must be JSON, sent with the header Content-Type: application/json")
    if not raw.strip():
        fail(400, "is empty: send a JSON object")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # the JSON parser gives up on deep nesting instead of failing cleanly
        fail(400, "nests too deeply to read")
    if data is None and raw.strip() != b"null":  # None is also what a literal null decodes to
        fail(400, "is not valid JSON: check quotes, commas and brackets")
    return data


def fail(status: int, message: str) -> NoReturn:
    """Stop the request with the API's error shape, naming the body as the faulty field."""
    abort(json_response({"errors": {"body": message}}, status))


def json_response(body: Mapping[str, object], status: int = 200) -> Response:
    """Return JSON that keeps the domain's key order (errors in form order) and is never cached."""
    text = current_app.json.dumps(body, sort_keys=False)
    response = current_app.response_class(text + "\n", status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
