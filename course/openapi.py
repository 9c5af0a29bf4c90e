"""The OpenAPI 3.1 description of the JSON API, as a plain dict served at /api/v1/openapi.json.

A new endpoint adds its path to `paths()` and its schemas to `SCHEMAS`. The examples are
written out, not computed, so they document the contract; tests/test_api.py posts every
request example and checks that the endpoint answers exactly the response example of the
same name, so the document cannot drift from the code.
"""

from __future__ import annotations

import copy
from typing import Any

JSON = "application/json"


def ref(name: str) -> dict[str, str]:
    """Point at a schema in components."""
    return {"$ref": f"#/components/schemas/{name}"}


def number(description: str, **rules: Any) -> dict[str, Any]:
    """Describe a number that may also arrive as a decimal string, read exactly either way."""
    return {"type": ["number", "string"], "description": description, **rules}


def money_out(description: str) -> dict[str, Any]:
    """Describe money in a result: a decimal string rounded to the currency's minor unit."""
    return {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$", "description": description}


def ratio(description: str, nullable: bool = False) -> dict[str, Any]:
    """Describe a ratio in a result: a JSON number rounded to 4 decimal places."""
    return {"type": ["number", "null"] if nullable else "number", "description": description}


def texts(description: str, **rules: Any) -> dict[str, Any]:
    """Describe a list of texts."""
    items = {"type": "string", "minLength": 1}
    return {"type": "array", "items": items, "description": description, **rules}


def array_of(name: str, description: str = "") -> dict[str, Any]:
    """Describe a list of one component."""
    schema: dict[str, Any] = {"type": "array", "items": ref(name)}
    return {**schema, "description": description} if description else schema


SIZER_FLAGS = ["goal_met", "cycle_longer_than_period", "past_creation_deadline",
               "win_rate_certain", "win_rate_not_first_stage"]

SCHEMAS: dict[str, dict[str, Any]] = {
    "Errors": {
        "type": "object",
        "description": "Every fault at once: field name (`stages[1].win_probability`) -> what is "
                       "wrong, in plain words. A body that is not JSON is reported as `body`.",
        "required": ["errors"],
        "properties": {"errors": {"type": "object", "additionalProperties": {"type": "string"}}},
    },
    "SizerInput": {
        "type": "object",
        "description": "What the sizer needs (SIZER.md, Inputs). Money may be a number or a "
                       "decimal string; rates are fractions (20% is 0.2).",
        "required": ["goal", "deal_size", "win_rate", "cycle_days"],
        "properties": {
            "currency": {"type": "string", "default": "USD", "description": "ISO 4217 code"},
            "goal": number("Revenue goal for the period", minimum=0),
            "period_days": number("Length of the period in days (whole)", minimum=1, default=365),
            "days_elapsed": number("Days of the period gone (whole)", minimum=0, default=0),
            "booked": number("Closed-won so far in the period", minimum=0, default=0),
            "deal_size": number("Average won deal value", exclusiveMinimum=0),
            "win_rate": number("Share of pipeline value won", exclusiveMinimum=0, maximum=1),
            "cycle_days": number("Days from pipeline entry to close", exclusiveMinimum=0),
            "slippage": number("Share of pipeline value expected to slip out of the period",
                               minimum=0, exclusiveMaximum=1, default=0),
            "create_and_close": number("Share of bookings from deals not yet in the pipeline",
                                       minimum=0, exclusiveMaximum=1, default=0),
            "naive_multiple": number("The rule of thumb to compare with", exclusiveMinimum=0,
                                     default=3),
            "current_pipeline": number("Open pipeline value now (ignored when stages are given)",
                                       minimum=0),
            "stages": array_of("SizerStage", "Stages in order; win probabilities never fall"),
        },
    },
    "SizerStage": {
        "type": "object",
        "required": ["name", "win_probability"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "win_probability": number("Chance a deal in this stage is won",
                                      exclusiveMinimum=0, maximum=1),
            "days_in_stage": number("Average days a deal spends in the stage",
                                    exclusiveMinimum=0),
            "open_value": number("Open pipeline value in the stage now", minimum=0),
            "open_count": number("Open deals in the stage now (whole)", minimum=0),
        },
    },
    "SizerResult": {
        "type": "object",
        "description": "The pipeline needed (SIZER.md, Outputs).",
        "required": ["currency", "gap", "coverage_required", "required_pipeline", "wins_needed",
                     "opportunities_needed", "naive", "standing_pipeline", "standing_multiple",
                     "standing_opportunities", "creation", "last_creation_day", "flags",
                     "warnings"],
        "properties": {
            "currency": {"type": "string"},
            "gap": money_out("Goal less bookings, never below 0"),
            "coverage_required": ratio("Pipeline needed per unit of gap"),
            "required_pipeline": money_out("Pipeline needed to close the gap"),
            "wins_needed": {"type": "integer", "minimum": 0},
            "opportunities_needed": {"type": "integer", "minimum": 0},
            "naive": {
                "type": "object",
                "description": "The rule of thumb (multiple x gap) held against the real need",
                "required": ["multiple", "pipeline", "difference", "verdict", "implied_win_rate"],
                "properties": {
                    "multiple": ratio("The rule of thumb"),
                    "pipeline": money_out("multiple x gap"),
                    "difference": money_out("Naive less required pipeline; negative: too little"),
                    "verdict": {"enum": ["under-covered", "over-covered", "equal"]},
                    "implied_win_rate": ratio("The win rate the rule of thumb assumes"),
                },
            },
            "standing_pipeline": money_out("Pipeline open at any time in steady state"),
            "standing_multiple": ratio("Standing pipeline / goal (null when the goal is 0)",
                                       nullable=True),
            "standing_opportunities": {"type": "integer", "minimum": 0},
            "creation": {
                "type": "object",
                "description": "New pipeline to create, and how fast",
                "required": ["per_day", "per_week", "per_month", "opportunities_per_week",
                             "opportunities_per_week_target"],
                "properties": {
                    "per_day": money_out("Value per day"),
                    "per_week": money_out("Value per week"),
                    "per_month": money_out("Value per month"),
                    "opportunities_per_week": ratio("Deals per week"),
                    "opportunities_per_week_target": {"type": "integer", "minimum": 0},
                },
            },
            "last_creation_day": {"type": "number", "description": "Period length less cycle"},
            "current": ref("SizerCurrent"),
            "stages": array_of("SizerStageResult"),
            "flags": {"type": "array", "items": {"enum": SIZER_FLAGS}},
            "warnings": {"type": "array", "items": {"type": "string"},
                         "description": "The flags in plain words"},
        },
    },
    "SizerCurrent": {
        "type": "object",
        "description": "Where the pipeline stands now (present when current_pipeline or stages "
                       "are given)",
        "required": ["pipeline", "coverage", "shortfall", "expected_value", "expected_gap",
                     "new_first_stage_pipeline", "new_opportunities"],
        "properties": {
            "pipeline": money_out("Open pipeline value"),
            "coverage": ratio("Pipeline / gap (null when the gap is 0)", nullable=True),
            "shortfall": money_out("Required pipeline not yet there"),
            "expected_value": money_out("What the open pipeline is expected to win"),
            "expected_gap": money_out("Gap left after the expected wins"),
            "new_first_stage_pipeline": money_out("New pipeline needed to fill it"),
            "new_opportunities": {"type": "integer", "minimum": 0},
        },
    },
    "SizerStageResult": {
        "type": "object",
        "required": ["name", "whole_gap_value", "target_count", "target_count_ceil",
                     "target_value"],
        "properties": {
            "name": {"type": "string"},
            "whole_gap_value": money_out("Gap / the stage's win probability"),
            "target_count": ratio("Deals to hold in the stage (needs days_in_stage)",
                                  nullable=True),
            "target_count_ceil": {"type": ["integer", "null"]},
            "target_value": {"type": ["string", "null"]},
        },
    },
    "CriteriaRequest": {
        "type": "object",
        "description": "A sales process to check against rules C1-C17.",
        "required": ["stages"],
        "additionalProperties": False,
        "properties": {
            "stages": {"type": "array", "items": ref("Stage"), "minItems": 1, "maxItems": 30},
            "journey": texts("The buyer phases of the learner's journey map (for C14)",
                             maxItems=20),
        },
    },
    "Stage": {
        "type": "object",
        "required": ["name", "entry", "exit"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "entry": texts("What must be true for a deal to enter the stage"),
            "exit": texts("What must be true for a deal to leave it forward"),
            "drop_out": texts("When a deal leaves the pipeline from this stage"),
            "max_days": {"type": "integer", "minimum": 1, "maximum": 3650},
        },
    },
    "Finding": {
        "type": "object",
        "required": ["rule", "severity", "message", "hint"],
        "properties": {
            "rule": {"type": "string", "pattern": "^C[0-9]+$"},
            "severity": {"enum": ["error", "warning", "info"]},
            "message": {"type": "string", "description": "What is wrong"},
            "hint": {"type": "string", "description": "How to fix it"},
        },
    },
    "CriterionReport": {
        "type": "object",
        "required": ["text", "findings"],
        "properties": {"text": {"type": "string"}, "findings": array_of("Finding")},
    },
    "StageReport": {
        "type": "object",
        "required": ["name", "findings", "entry", "exit"],
        "properties": {
            "name": {"type": "string"},
            "findings": array_of("Finding", "Stage-level findings (C10, C12-C16)"),
            "entry": array_of("CriterionReport"),
            "exit": array_of("CriterionReport"),
        },
    },
    "CriteriaResult": {
        "type": "object",
        "required": ["score", "findings", "stages"],
        "properties": {
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "findings": array_of("Finding", "Process-wide findings (C11, C17)"),
            "stages": array_of("StageReport"),
        },
    },
}

# SIZER.md worked example 2: the 3x rule under-covers the gap yet over-fills the standing pipeline.
SIZER_EXAMPLE = {
    "goal": "1000000", "deal_size": "50000", "win_rate": "0.20", "cycle_days": 120,
}
SIZER_EXAMPLE_RESULT = {
    "currency": "USD",
    "gap": "1000000.00",
    "coverage_required": 5.0,
    "required_pipeline": "5000000.00",
    "wins_needed": 20,
    "opportunities_needed": 100,
    "naive": {"multiple": 3.0, "pipeline": "3000000.00", "difference": "-2000000.00",
              "verdict": "under-covered", "implied_win_rate": 0.3333},
    "standing_pipeline": "1643835.62",
    "standing_multiple": 1.6438,
    "standing_opportunities": 33,
    "creation": {"per_day": "13698.63", "per_week": "95890.41", "per_month": "416666.67",
                 "opportunities_per_week": 1.9178, "opportunities_per_week_target": 2},
    "last_creation_day": 245,
    "flags": [],
    "warnings": [],
}
SIZER_INVALID = {
    "goal": "-5", "deal_size": 50000, "win_rate": 0, "cycle_days": "soon",
    "stages": [{"name": "Discovery", "win_probability": 0.3},
               {"name": "Proposal", "win_probability": 0.2}],
}
SIZER_INVALID_ERRORS = {"errors": {
    "goal": "must be 0 or more",
    "win_rate": "must be greater than 0: with no wins the pipeline needed is unbounded",
    "cycle_days": "must be a number such as 1250 or 0.25",
    "stages[1].win_probability": "must be at least the previous stage's (0.3): the chance of "
                                 "winning rises, or stays the same, as a deal moves down the "
                                 "stages",
}}

# Brightline Fleet's last three stages (content/10): clean but for one intention in Commit.
CRITERIA_EXAMPLE = {
    "journey": ["Problem agreed", "Requirements agreed", "Contract signed"],
    "stages": [
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
         "exit": ["CFO will sign the contract"],
         "drop_out": ["Procurement has chosen another supplier"], "max_days": 30},
    ],
}
NEXT_STEP_HINT = "Add a criterion such as 'Sponsor accepted a calendar invite for the next step'."
CRITERIA_EXAMPLE_RESULT = {
    "score": 1.0,
    "findings": [],
    "stages": [
        {"name": "Qualify",
         "findings": [],
         "entry": [{"text": "Sponsor has named the economic buyer by email", "findings": []},
                   {"text": "Economic buyer has stated a target date in writing",
                    "findings": []}],
         "exit": [{"text": "Economic buyer has approved a written problem statement by email",
                   "findings": []}]},
        {"name": "Define requirements",
         "findings": [{"rule": "C15", "severity": "info",
                       "message": "Nothing in 'Define requirements' asks for an agreed next "
                                  "step with a date. Deals without one tend to stall unnoticed.",
                       "hint": NEXT_STEP_HINT}],
         "entry": [{"text": "Economic buyer has approved a written problem statement by email",
                    "findings": []}],
         "exit": [{"text": "Evaluation committee has approved the written requirements list",
                   "findings": []}]},
        {"name": "Commit",
         "findings": [{"rule": "C15", "severity": "info",
                       "message": "Nothing in 'Commit' asks for an agreed next step with a "
                                  "date. Deals without one tend to stall unnoticed.",
                       "hint": NEXT_STEP_HINT}],
         "entry": [{"text": "Evaluation committee has approved the written requirements list",
                    "findings": []}],
         "exit": [{"text": "CFO will sign the contract",
                   "findings": [{"rule": "C6", "severity": "warning",
                                 "message": "'will' describes an intention, not something "
                                            "that has happened. Plans change; a stage should "
                                            "record what the buyer already did.",
                                 "hint": "Write what has already happened. Try: 'CFO has "
                                         "committed in writing to sign the contract'."}]}]},
    ],
}
CRITERIA_INVALID = {
    "owner": "Priya",
    "stages": [{"name": "", "entry": "Budget confirmed", "exit": ["Customer is keen", 42],
                "max_days": 0}],
}
CRITERIA_INVALID_ERRORS = {"errors": {
    "owner": 'Unknown field: send "stages" and, optionally, "journey".',
    "stages[0].name": "Give the stage a name.",
    "stages[0].entry": "Send the criteria as a list of texts.",
    "stages[0].exit[1]": "Write this criterion as text.",
    "stages[0].max_days": "Give a limit between 1 and 3650 days.",
}}

NOT_JSON_ERRORS = {"errors": {"body": "is not valid JSON: check quotes, commas and brackets"}}
TOO_LARGE_ERRORS = {"errors": {"body": "is too large: send at most 64 KB of JSON"}}


def example(summary: str, value: object) -> dict[str, Any]:
    """Wrap a value as a named OpenAPI example."""
    return {"summary": summary, "value": value}


def json_content(schema: str, examples: dict[str, Any]) -> dict[str, Any]:
    """Describe a JSON body of one component, with named examples."""
    return {"content": {JSON: {"schema": ref(schema), "examples": examples}}}


def errors_response(description: str, examples: dict[str, Any]) -> dict[str, Any]:
    """Describe an error answer in the {"errors": {field: message}} shape."""
    return {"description": description, **json_content("Errors", examples)}


def compute_operation(
    *, summary: str, description: str, request: str, result: str, example_in: object,
    example_out: object, invalid_in: object, invalid_out: object,
) -> dict[str, Any]:
    """Describe a POST that computes a result from JSON and stores nothing."""
    return {"post": {
        "summary": summary,
        "description": description + " No sign-in needed; nothing is stored. Answers carry "
                                     "`Cache-Control: no-store`.",
        "security": [],
        "requestBody": {"required": True, **json_content(request, {
            "example": example("A worked example", example_in),
            "invalid": example("Several faults, reported at once", invalid_in),
        })},
        "responses": {
            "200": {"description": "The result",
                    **json_content(result, {"example": example("Its result", example_out)})},
            "400": errors_response("The body is not JSON: bad syntax, empty, nested too deep, "
                                   "or not sent as application/json",
                                   {"not-json": example("Bad syntax", NOT_JSON_ERRORS)}),
            "413": errors_response("The body is larger than 64 KB",
                                   {"too-large": example("Too large", TOO_LARGE_ERRORS)}),
            "422": errors_response("The JSON breaks one or more rules; every fault is named",
                                   {"invalid": example("Every fault at once", invalid_out)}),
        },
    }}


def paths() -> dict[str, Any]:
    """Describe every endpoint of the API."""
    return {
        "/api/v1/sizer": compute_operation(
            summary="Size the pipeline for a goal",
            description="How much pipeline is needed, of what shape, created how fast, to hit "
                        "the goal; and how a fixed multiple such as 3x compares.",
            request="SizerInput", result="SizerResult",
            example_in=SIZER_EXAMPLE, example_out=SIZER_EXAMPLE_RESULT,
            invalid_in=SIZER_INVALID, invalid_out=SIZER_INVALID_ERRORS),
        "/api/v1/criteria/check": compute_operation(
            summary="Check a process's stage criteria",
            description="Score a sales process and give feedback on every stage and criterion "
                        "(rules C1-C17).",
            request="CriteriaRequest", result="CriteriaResult",
            example_in=CRITERIA_EXAMPLE, example_out=CRITERIA_EXAMPLE_RESULT,
            invalid_in=CRITERIA_INVALID, invalid_out=CRITERIA_INVALID_ERRORS),
        "/api/v1/openapi.json": {"get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "The OpenAPI 3.1 description of the API",
                                  "content": {JSON: {"schema": {"type": "object"}}}}},
        }},
        "/healthz": {"get": {
            "summary": "Whether the service and its database answer",
            "security": [],
            "responses": {
                "200": {"description": "Up", "content": {JSON: {"example": {"status": "ok"}}}},
                "503": {"description": "The database does not answer",
                        "content": {JSON: {"example": {"status": "unavailable"}}}},
            },
        }},
    }


def openapi_document() -> dict[str, Any]:
    """Return the whole OpenAPI 3.1 document, a fresh copy the caller may change."""
    return copy.deepcopy({
        "openapi": "3.1.0",
        "info": {
            "title": "Pipeline Academy API",
            "version": "1.0.0",
            "description": "JSON in, JSON out. Errors always take the shape "
                           '{"errors": {"field": "message"}}, naming every fault at once.',
        },
        "paths": paths(),
        "components": {"schemas": SCHEMAS},
    })
