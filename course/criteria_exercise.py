"""The stage-criteria exercise: entry, exit and drop-out criteria for each stage, checked as typed.

The draft is plain JSON: {"stages": [{"name", "entry", "exit", "drop_out", "max_days",
"verified_by"}]}, each criterion list holding one criterion per line as typed. The checker of
course/pipeline/criteria.py (rules C1-C17) reads the same stages; its findings show beside the
criterion they concern, and its errors block a submission.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .exercise_kinds import Data, ExerciseKind, register
from .exercises import work_for
from .pipeline import criteria as checker
from .pipeline.errors import InvalidInput
from .pipeline.journey import JourneyMap, stage_list

KIND = "criteria"
LISTS = ("entry", "exit", "drop_out")
CHECKED = ("entry", "exit")  # the checker reads drop-out conditions only as present or absent
LIST_WORDS = {"entry": ("entry criterion", "entry criteria"),
              "exit": ("exit criterion", "exit criteria"),
              "drop_out": ("drop-out condition", "drop-out conditions")}
FIELD_KEY = re.compile(r"stages-([0-9]{1,3})-(name|entry|exit|drop_out|max_days|verified_by)")
WHOLE = re.compile(r"[0-9]{1,6}")  # ASCII digits only: int() would also accept other scripts
ROW_ACTION = re.compile(r"(add|remove|up|down)-stage(?::([0-9]{1,3}))?")
CHECK_KEY = re.compile(r"stages\[([0-9]+)\](?:\.(\w+)(?:\[([0-9]+)\])?)?")
MAX_TYPED_DAYS = 40  # what was typed in the days box is kept, within reason


# ---------------------------------------------------------------------------- the draft


def blank_stage(name: str = "") -> dict[str, Any]:
    """Return a stage with nothing filled in but its name."""
    return {"name": name, "entry": [], "exit": [], "drop_out": [], "max_days": None, "verified_by": ""}


def start() -> Data:
    """Start with no stages: the editor offers the journey map's stages or typing one's own."""
    return {"stages": []}


def _text(value: object, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _criteria(value: object) -> list[str]:
    """Keep the non-blank texts of a list, trimmed and capped as the checker caps them."""
    items = value if isinstance(value, list) else []
    texts = [_text(item, checker.MAX_CRITERION_CHARS) for item in items]
    return [t for t in texts if t][: checker.MAX_CRITERIA_PER_STAGE]


def _days(value: object) -> int | str | None:
    """Read the maximum days: a whole number, nothing, or the text as typed (problems() says so)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = _text(value, MAX_TYPED_DAYS)
    if not text:
        return None
    return int(text) if WHOLE.fullmatch(text) else text


def normal_stage(raw: object) -> dict[str, Any]:
    """Return a stage in the draft shape whatever was stored (a bad field reads as blank)."""
    stage = raw if isinstance(raw, Mapping) else {}
    return {
        "name": _text(stage.get("name"), checker.MAX_NAME_CHARS),
        **{key: _criteria(stage.get(key)) for key in LISTS},
        "max_days": _days(stage.get("max_days")),
        "verified_by": _text(stage.get("verified_by"), checker.MAX_NAME_CHARS),
    }


def stages_of(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the draft's stages in the draft shape."""
    raw = data.get("stages")
    return [normal_stage(s) for s in raw[: checker.MAX_STAGES]] if isinstance(raw, list) else []


def days_ok(days: object) -> bool:
    """Tell whether a maximum-days value is one the checker accepts."""
    return isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= checker.MAX_DAYS


# ---------------------------------------------------------------------------- the form


def _typed_rows(form: Mapping[str, list[str]]) -> list[dict[str, str]]:
    """Collect the posted stage fields by index, in index order."""
    rows: dict[int, dict[str, str]] = {}
    for key, values in form.items():
        match = FIELD_KEY.fullmatch(key)
        if match and values:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = values[0]
    return [rows[i] for i in sorted(rows)]


def _stage_from_row(row: Mapping[str, str]) -> dict[str, Any]:
    """Turn one stage's fields into a stage; each non-blank line of a box is one criterion."""
    return normal_stage({
        "name": row.get("name", ""),
        **{key: row.get(key, "").splitlines() for key in LISTS},
        "max_days": row.get("max_days", ""),
        "verified_by": row.get("verified_by", ""),
    })


def stage_label(index: int, stage: Mapping[str, Any]) -> str:
    """Name a stage in a message: Stage 2 “Solution exploration”."""
    return f"Stage {index + 1} “{stage['name']}”" if stage.get("name") else f"Stage {index + 1}"


def from_form(form: Mapping[str, list[str]]) -> tuple[Data, str]:
    """Read the posted form into a draft, applying the row button that was pressed, if any."""
    stages = [_stage_from_row(row) for row in _typed_rows(form)][: checker.MAX_STAGES]
    action = (form.get("action") or [""])[0]
    if action == "from-journey":
        stages, message = _from_journey(stages, form.get("journey-stage", []))
    else:
        stages, message = _row_action(stages, action)
    return {"stages": stages}, message


def _from_journey(stages: list[dict[str, Any]], names: Sequence[str]) -> tuple[list[dict[str, Any]], str]:
    """Start the stages from the journey map's sales stages, unless there are stages already."""
    if stages:
        return stages, "You already have stages, so none were taken from the journey map."
    taken = [n for n in (_text(name, checker.MAX_NAME_CHARS) for name in names) if n]
    if not taken:
        return stages, ("Your journey map names no sales stages yet. Fill in the sales stage of "
                        "its phases, or type your own stages.")
    taken = taken[: checker.MAX_STAGES]
    count = f"{len(taken)} stage" if len(taken) == 1 else f"{len(taken)} stages"
    return [blank_stage(n) for n in taken], f"{count} taken from your journey map."


def _row_action(stages: list[dict[str, Any]], action: str) -> tuple[list[dict[str, Any]], str]:
    """Apply add-stage[:i], remove-stage:i, up-stage:i or down-stage:i; ignore anything else."""
    match = ROW_ACTION.fullmatch(action)
    if not match:
        return stages, ""
    verb, index = match.group(1), int(match.group(2)) if match.group(2) else None
    if verb == "add":
        return _add(stages, len(stages) - 1 if index is None else index)
    if index is None or not 0 <= index < len(stages):
        return stages, ""
    label = stage_label(index, stages[index])
    if verb == "remove":
        return stages[:index] + stages[index + 1:], f"{label} removed."
    other = index - 1 if verb == "up" else index + 1
    if not 0 <= other < len(stages):
        return stages, ""
    stages[index], stages[other] = stages[other], stages[index]
    return stages, f"{label} moved {verb}: it is now stage {other + 1}."


def _add(stages: list[dict[str, Any]], after: int) -> tuple[list[dict[str, Any]], str]:
    if len(stages) >= checker.MAX_STAGES:
        return stages, f"A process can have at most {checker.MAX_STAGES} stages."
    at = min(max(after + 1, 0), len(stages))
    return stages[:at] + [blank_stage()] + stages[at:], f"Stage {at + 1} added."


# ---------------------------------------------------------------------------- the checker


def check_request(stages: Sequence[Mapping[str, Any]], journey: Sequence[str] = ()) -> dict[str, Any]:
    """Build the checker's JSON request from draft stages (criteria.js builds the same one).

    An unnamed stage is checked as "Stage N" and a maximum-days value the checker would refuse
    as none, so half-typed work still gets feedback; problems() reports both.
    """
    request: dict[str, Any] = {"stages": [
        {"name": s["name"] or f"Stage {i + 1}", **{key: list(s[key]) for key in LISTS},
         "max_days": s["max_days"] if days_ok(s["max_days"]) else None}
        for i, s in enumerate(stages)]}
    if journey:
        request["journey"] = list(journey)
    return request


def where(key: str) -> str:
    """Say in words where a checker input error is: stages[2].entry[3] -> Stage 3 entry criterion 4."""
    match = CHECK_KEY.fullmatch(key)
    if not match:
        return "Your journey map" if key.startswith("journey") else "Your process"
    stage, field, item = match.groups()
    words = f"Stage {int(stage) + 1}"
    if field in LIST_WORDS:
        one, many = LIST_WORDS[field]
        return f"{words} {one} {int(item) + 1}" if item is not None else f"{words} {many}"
    return f"{words} {field.replace('_', ' ')}" if field else words


def input_id(key: str) -> str:
    """Name the input a checker input error belongs to: stages[2].entry[3] -> stages-2-entry."""
    match = CHECK_KEY.fullmatch(key)
    if not match:
        return "stages"
    return f"stages-{match.group(1)}-{match.group(2) or 'name'}"


def critique(stages: Sequence[Mapping[str, Any]], journey: Sequence[str] = ()) -> dict[str, Any]:
    """Run the checker on draft stages.

    Returns {"result": result_to_json output plus "percent", or None, "errors": {key: message}};
    errors are the checker's complaints about its input, when it could not run.
    """
    if not stages:
        return {"result": None, "errors": {}}
    try:
        request = checker.parse_check_request(check_request(stages, journey))
    except InvalidInput as invalid:
        return {"result": None, "errors": invalid.errors}
    result = checker.result_to_json(checker.check_process(request))
    result["percent"] = percent(result["score"])
    return {"result": result, "errors": {}}


def percent(score: float) -> int:
    """Show a 0-1 score as a whole percentage, halves up (criteria.js uses Math.round alike)."""
    return int(score * 100 + 0.5)


# ---------------------------------------------------------------------------- submission


def problems(data: Data) -> dict[str, str]:
    """List what blocks a submission, keyed by the id of the input (or finding) at fault."""
    stages = stages_of(data)
    if not stages:
        return {"stages": "Add at least one stage: take them from your journey map or type your own."}
    found: dict[str, str] = {}
    for i, stage in enumerate(stages):
        found |= _stage_problems(i, stage)
    checked = critique(stages)
    for key, message in checked["errors"].items():
        field = input_id(key)
        found[field] = f"{found[field]} {message}" if field in found else f"{where(key)}: {message}"
    if checked["result"]:
        found |= error_findings(stages, checked["result"])
    return found


def _stage_problems(i: int, stage: Mapping[str, Any]) -> dict[str, str]:
    found = {}
    label = stage_label(i, stage)
    if not stage["name"]:
        found[f"stages-{i}-name"] = f"{label}: give the stage a name."
    if not stage["exit"]:
        found[f"stages-{i}-exit"] = (f"{label}: add at least one exit criterion, the buyer "
                                     "commitment that ends the stage.")
    days = stage["max_days"]
    if days is not None and not days_ok(days):
        found[f"stages-{i}-max_days"] = (f"{label}: give the maximum days in the stage as a whole "
                                         f"number from 1 to {checker.MAX_DAYS} (it says “{days}”).")
    return found


def error_findings(stages: Sequence[Mapping[str, Any]], result: Mapping[str, Any]) -> dict[str, str]:
    """List the checker's errors, keyed by the id of the finding shown beside the criterion."""
    found = {f"process-{n}": f["message"] for n, f in enumerate(result["findings"])
             if f["severity"] == "error"}
    for i, checked in enumerate(result["stages"]):
        for f in checked["findings"]:
            if f["severity"] == "error" and stages[i]["exit"]:  # else "add an exit" says it already
                found[f"stages-{i}-{f['rule']}"] = f"Stage {i + 1}: {f['message']}"
        for kind in CHECKED:
            for j, criterion in enumerate(checked[kind]):
                for f in criterion["findings"]:
                    if f["severity"] == "error":
                        found[f"stages-{i}-{kind}-{j}-{f['rule']}"] = (
                            f"Stage {i + 1} {LIST_WORDS[kind][0]} {j + 1}: {f['message']}")
    return found


# ---------------------------------------------------------------------------- page context


def journey_of(user_id: int) -> JourneyMap | None:
    """Return the person's journey map draft, or None when there is none or it cannot be read."""
    work = work_for(user_id, "journey")
    if work is None:
        return None
    from .journey_exercise import lenient_journey

    return lenient_journey(work.data)


def extras(data: Data, user_id: int) -> dict[str, Any]:
    """Give the templates the stages, the journey's stages and phases, and the critique."""
    journey = journey_of(user_id)
    phases = [p.name for p in journey.phases if p.name][: checker.MAX_PHASES] if journey else []
    stages = stages_of(data)
    checked = critique(stages, phases)
    return {
        "stages": stages,
        "journey_stages": stage_list(journey) if journey else [],
        "journey": phases,
        "check": checked["result"],
        "check_errors": [f"{where(k)}: {v}" for k, v in checked["errors"].items()],
    }


CRITERIA = register(ExerciseKind(
    kind=KIND, title="Stage criteria", lesson="entry-and-exit-criteria",
    editor="exercises/criteria_editor.html", viewer="exercises/criteria_viewer.html",
    start=start, from_form=from_form, problems=problems, extras=extras))
