"""The buying-journey map exercise: form fields to journey JSON, row buttons, submit checks.

The draft is stored in the domain's JSON shape (`journey_to_json`). Form fields use indexed
names (`phases-2-name`, `phases-2-roles-0-title`) that are also the ids of the inputs, so a
problem keyed by id links straight to the input at fault.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .exercise_kinds import REGISTRY, Data, ExerciseKind, register
from .pipeline.errors import InvalidInput
from .pipeline.journey import (
    MAX_PHASES,
    MAX_ROLES,
    MIN_PHASES,
    ROLE_KINDS,
    TEMPLATES,
    JourneyMap,
    Phase,
    Role,
    RoleKind,
    add_phase,
    from_template,
    journey_to_json,
    move_phase,
    parse_journey,
    remove_phase,
    stage_list,
    validate_for_submit,
)

FORM = Mapping[str, list[str]]
# Field order on the page, so problems are listed top to bottom.
FIELD_ORDER = ("", "name", "buyer_goal", "questions", "roles", "commitment", "sales_stage", "notes")
FIELD_LABELS = {"name": "name", "buyer_goal": "buyer's goal", "questions": "questions",
                "roles": "people", "commitment": "commitment", "sales_stage": "sales stage",
                "notes": "notes"}
PHASE_KEY = re.compile(r"^phases-(\d{1,3})-")
ROLE_KEY = re.compile(r"^phases-(\d{1,3})-roles-(\d{1,3})-title$")
DOMAIN_KEY = re.compile(
    r"^phases\[(?P<phase>\d+)\](?:\.(?P<field>\w+)(?:\[(?P<item>\d+)\](?:\.(?P<part>\w+))?)?)?$")


# ---------------------------------------------------------------- start and form


def start() -> Data:
    """Return an empty map: the editor offers the templates until one is chosen."""
    return {"template": "", "phases": []}


def _first(form: FORM, name: str) -> str:
    values = form.get(name) or [""]
    return values[0]


def _text(form: FORM, name: str) -> str:
    """Return a posted text as typed, minus outer spaces and with plain line ends."""
    return _first(form, name).replace("\r\n", "\n").strip()


def _indices(form: FORM, pattern: re.Pattern[str]) -> list[int]:
    return sorted({int(m.group(1)) for key in form if (m := pattern.match(key))})


def _role(form: FORM, prefix: str) -> Role:
    kind = _first(form, f"{prefix}-kind")
    return Role(title=_text(form, f"{prefix}-title"),
                kind=_role_kind(kind),
                economic_buyer=bool(_first(form, f"{prefix}-economic_buyer")))


def _role_kind(value: object) -> RoleKind:
    for kind in ROLE_KINDS:
        if value == kind:
            return kind
    return "other"


def _phase(form: FORM, i: int) -> Phase:
    prefix = f"phases-{i}"
    rows = sorted({int(m.group(2)) for key in form
                   if (m := ROLE_KEY.match(key)) and int(m.group(1)) == i})
    roles = (_role(form, f"{prefix}-roles-{j}") for j in rows)
    questions = (line.strip() for line in _text(form, f"{prefix}-questions").split("\n"))
    return Phase(name=_text(form, f"{prefix}-name"),
                 buyer_goal=_text(form, f"{prefix}-buyer_goal"),
                 questions=tuple(q for q in questions if q),
                 roles=tuple(r for r in roles if r.title),
                 commitment=_text(form, f"{prefix}-commitment"),
                 sales_stage=_text(form, f"{prefix}-sales_stage"),
                 notes=_text(form, f"{prefix}-notes"))


def from_form(form: FORM) -> tuple[Data, str]:
    """Rebuild the journey from the posted fields and apply the row button that was pressed."""
    journey = JourneyMap(template=_first(form, "template"),
                         phases=tuple(_phase(form, i) for i in _indices(form, PHASE_KEY)))
    journey, message = apply_action(journey, _first(form, "action"), _first(form, "start_template"))
    return journey_to_json(journey), message


# ---------------------------------------------------------------- row buttons


def _phase_label(journey: JourneyMap, i: int) -> str:
    name = journey.phases[i].name
    return f"Phase {i + 1} “{name}”" if name else f"Phase {i + 1}"


def _use_template(journey: JourneyMap, name: str) -> tuple[JourneyMap, str]:
    if name not in TEMPLATES:
        return journey, "Choose a template first, then press the button again."
    chosen = from_template(name)
    if name == "blank":
        return chosen, f"Started from scratch with {len(chosen.phases)} empty phases."
    return chosen, f"Started from “{TEMPLATES[name].label}”: {len(chosen.phases)} phases to adapt."


def _add(journey: JourneyMap, after: int) -> tuple[JourneyMap, str]:
    return add_phase(journey, after), f"Phase {after + 2} added: give it a name."


def _remove(journey: JourneyMap, i: int) -> tuple[JourneyMap, str]:
    label = _phase_label(journey, i)
    return remove_phase(journey, i), f"{label} removed."


def _up(journey: JourneyMap, i: int) -> tuple[JourneyMap, str]:
    label = _phase_label(journey, i)
    if i == 0:
        return journey, f"{label} is already the first phase."
    return move_phase(journey, i, -1), f"{label} moved up: it is now phase {i}."


def _down(journey: JourneyMap, i: int) -> tuple[JourneyMap, str]:
    label = _phase_label(journey, i)
    if i == len(journey.phases) - 1:
        return journey, f"{label} is already the last phase."
    return move_phase(journey, i, 1), f"{label} moved down: it is now phase {i + 2}."


def _add_person(journey: JourneyMap, i: int) -> tuple[JourneyMap, str]:
    phase = journey.phases[i]  # the typed rows are in already; the page shows a new empty row
    people = len(phase.roles)
    return journey, f"Phase {i + 1} lists {people} {'person' if people == 1 else 'people'}."


def _remove_person(journey: JourneyMap, i: int, j: int) -> tuple[JourneyMap, str]:
    phase = journey.phases[i]
    if not 0 <= j < len(phase.roles):
        return journey, f"Phase {i + 1} has no person at row {j + 1}."
    roles = phase.roles[:j] + phase.roles[j + 1:]
    phases = list(journey.phases)
    phases[i] = Phase(phase.name, phase.buyer_goal, phase.questions, roles, phase.commitment,
                      phase.sales_stage, phase.notes)
    return (JourneyMap(journey.template, tuple(phases)),
            f"“{phase.roles[j].title}” removed from phase {i + 1}.")


PHASE_ACTIONS: dict[str, Callable[[JourneyMap, int], tuple[JourneyMap, str]]] = {
    "add-phase": _add, "remove-phase": _remove, "up-phase": _up, "down-phase": _down,
    "add-person": _add_person,
}


def apply_action(journey: JourneyMap, action: str, chosen: str = "") -> tuple[JourneyMap, str]:
    """Apply a row button (e.g. "up-phase:2") and say what happened; "" means a plain save.

    A button that cannot apply (a stale index, too few phases) leaves the journey as it was
    and says why, so what the person typed is still saved.
    """
    verb, _, rest = action.partition(":")
    if verb == "template":
        return _use_template(journey, rest or chosen)
    numbers = rest.split(":")
    if not all(re.fullmatch(r"-?\d{1,3}", n) for n in numbers):
        return journey, ""
    args = [int(n) for n in numbers]
    try:
        if verb in PHASE_ACTIONS and len(args) == 1:
            if verb != "add-phase" and not 0 <= args[0] < len(journey.phases):
                raise InvalidInput({"index": f"There is no phase {args[0] + 1}."})
            return PHASE_ACTIONS[verb](journey, args[0])
        if verb == "remove-person" and len(args) == 2 and 0 <= args[0] < len(journey.phases):
            return _remove_person(journey, args[0], args[1])
    except InvalidInput as error:
        return journey, " ".join(error.errors.values())
    return journey, ""


# ---------------------------------------------------------------- reading stored data


def _str(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _lenient_role(value: object) -> Role:
    if not isinstance(value, Mapping):
        return Role("")
    return Role(_str(value.get("title")), _role_kind(value.get("kind")),
                value.get("economic_buyer") is True)


def _lenient_phase(value: object) -> Phase:
    if not isinstance(value, Mapping):
        return Phase("", "", (), (), "", "")
    questions = (_str(q) for q in _list(value.get("questions")))
    roles = (_lenient_role(r) for r in _list(value.get("roles")))
    return Phase(name=_str(value.get("name")), buyer_goal=_str(value.get("buyer_goal")),
                 questions=tuple(q for q in questions if q),
                 roles=tuple(r for r in roles if r.title),
                 commitment=_str(value.get("commitment")),
                 sales_stage=_str(value.get("sales_stage")), notes=_str(value.get("notes")))


def lenient_journey(data: object) -> JourneyMap:
    """Read whatever is stored as a journey, never raising: junk becomes blanks."""
    if not isinstance(data, Mapping):
        return JourneyMap("blank", ())
    phases = data.get("phases")
    return JourneyMap(template=_str(data.get("template")) or "blank",
                      phases=tuple(_lenient_phase(p) for p in _list(phases)))


# ---------------------------------------------------------------- problems


def _field_id(key: str) -> tuple[str, tuple[int, int, int], str]:
    """Return (input id, position on the page, label) for a domain error key."""
    match = DOMAIN_KEY.match(key)
    if not match:  # "phases" or "template": the phase list as a whole
        return "phases", (-1, 0, 0), ""
    phase, field, item, part = match.group("phase", "field", "item", "part")
    i = int(phase)
    field = field or ""
    order = FIELD_ORDER.index(field) if field in FIELD_ORDER else len(FIELD_ORDER)
    if field == "roles" and item is not None:
        return (f"phases-{i}-roles-{item}-{part or 'title'}", (i, order, int(item)),
                f"person {int(item) + 1}")
    label = FIELD_LABELS.get(field, field)
    if field == "questions" and item is not None:
        label = f"question {int(item) + 1}"
    suffix = f"-{field}" if field else ""
    return f"phases-{i}{suffix}", (i, order, int(item or 0)), label


def problems(data: Data) -> dict[str, str]:
    """List what blocks submission, keyed by the id of the input at fault, in page order.

    The strict parse (lengths, counts) and the submit rules are both checked, so every
    fault shows at once, not one kind after the other.
    """
    stored = dict(data) if isinstance(data, Mapping) else {}
    stored["template"] = stored.get("template") or "blank"  # a map not started from a template
    try:
        faults = validate_for_submit(parse_journey(stored))
    except InvalidInput as error:
        faults = {**validate_for_submit(lenient_journey(stored)), **error.errors}
    found: list[tuple[tuple[int, int, int], str, str]] = []
    for key, message in faults.items():
        field_id, position, label = _field_id(key)
        where = f"Phase {position[0] + 1}, {label}: " if label else (
            f"Phase {position[0] + 1}: " if position[0] >= 0 else "")
        found.append((position, field_id, where + message))
    merged: dict[str, str] = {}
    for _, field_id, message in sorted(found):
        merged[field_id] = f"{merged[field_id]} {message}" if field_id in merged else message
    return merged


# ---------------------------------------------------------------- page context


def extras(data: Data, user_id: int) -> dict[str, Any]:
    """Give the editor the templates, the stage list and which phases still lack a stage."""
    journey = lenient_journey(data)
    return {
        "templates": list(TEMPLATES.values()),
        "stages": stage_list(journey),
        "unstaged": [i + 1 for i, p in enumerate(journey.phases) if not p.sales_stage],
        "criteria_ready": "criteria" in REGISTRY,
        "role_kinds": ROLE_KINDS,
        "min_phases": MIN_PHASES,
        "max_phases": MAX_PHASES,
        "max_roles": MAX_ROLES,
    }


JOURNEY = register(ExerciseKind(
    kind="journey", title="Buying-journey map", lesson="mapping-the-buying-journey",
    editor="exercises/journey_editor.html", viewer="exercises/journey_viewer.html",
    start=start, from_form=from_form, problems=problems, extras=extras))
