"""The sizer exercise: size the pipeline for your own numbers, name the scenario, submit it.

The draft is {"scenario": name, "inputs": {sizer form fields as typed}}, the same inputs a saved
scenario keeps, so a scenario can be copied in and reopened in the sizer unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from flask_login import current_user

from . import sizer_chart as fmt
from .exercise_kinds import Data, ExerciseKind, register
from .extensions import db
from .models import SizerScenario
from .sizer import GROUPS, STAGE_COLUMNS, TOP_NAMES, SizerForm, compute, read_form, words

MAX_NAME = 120
# Longer than any number the domain accepts (40 characters), so a capped value stays wrong.
MAX_VALUE = 100


def form_inputs(form: SizerForm) -> dict[str, str]:
    """Keep what was typed: every top field, and the filled cells of the filled stage rows."""
    inputs = {name: form.values.get(name, "")[:MAX_VALUE] for name in TOP_NAMES}
    filled = [row for index, row in enumerate(form.rows) if form.is_filled(index)]
    for index, row in enumerate(filled):  # renumbered from 0, as the page shows them
        for column, value in row.items():
            if value.strip():
                inputs[form.stage_input(index, column)] = value[:MAX_VALUE]
    return inputs


def inputs_from(args: Mapping[str, str]) -> dict[str, str]:
    """Read sizer fields (a query string or a posted form) into the inputs we store."""
    return form_inputs(read_form(args))


def stored_inputs(data: Mapping[str, Any]) -> dict[str, str]:
    """Read the inputs of a draft or scenario, whatever an old or odd row holds."""
    inputs = data.get("inputs")
    if not isinstance(inputs, Mapping):
        return {}
    return {str(key): str(value) for key, value in inputs.items() if value is not None}


def sized(inputs: Mapping[str, str]) -> dict[str, Any]:
    """Compute the sizer from stored inputs: the form (with its errors) and, if it computes,
    the result, its sentences and charts, ready for sizer/_result.html."""
    form = read_form(inputs)
    result = compute(form)
    context: dict[str, Any] = {"form": form, "res": None, "fmt": fmt}
    if result is not None:
        inp, res = result
        context.update(inp=inp, res=res, words=words(res, inp), charts=fmt.charts(res))
    return context


def sized_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Compute the sizer from a draft or a frozen version (for the viewer)."""
    return sized(stored_inputs(data))


def input_rows(form: SizerForm) -> list[tuple[str, str, str]]:
    """List the inputs as (input name, label with unit, value as typed), in the form's order."""
    rows = [("currency", "Currency", form.currency())]
    for _, fields in GROUPS:
        for f in fields:
            unit = form.unit(f)
            rows.append((f.name, f"{f.label} ({unit})" if unit else f.label, form.values.get(f.name, "")))
    for index in range(len(form.rows)):
        if not form.is_filled(index):
            continue
        for column in STAGE_COLUMNS:
            unit = form.unit(column)
            label = f"Stage {index + 1} {column.label.lower()}" + (f" ({unit})" if unit else "")
            rows.append((form.stage_input(index, column.name), label, form.rows[index][column.name]))
    return rows


def my_scenarios(user_id: int) -> list[SizerScenario]:
    """Return this person's saved scenarios, the most recently saved first."""
    return list(db.session.scalars(
        sa.select(SizerScenario).where(SizerScenario.user_id == user_id)
        .order_by(SizerScenario.updated_at.desc(), SizerScenario.id.desc())))


def my_scenario(scenario_id: object, user_id: int) -> SizerScenario | None:
    """Return the scenario only if it is this person's; anything else is as if it did not exist."""
    try:
        number = int(str(scenario_id))
    except ValueError:
        return None
    if not 0 < number < 2**31:  # a bigger id overflows the database's integer: it cannot exist
        return None
    scenario = db.session.get(SizerScenario, number)
    return scenario if scenario is not None and scenario.user_id == user_id else None


# ---------------------------------------------------------------------------------------------
# The exercise kind


def start() -> Data:
    return {"scenario": "", "inputs": {}}


def _first_values(form: Mapping[str, list[str]]) -> dict[str, str]:
    return {key: values[0] for key, values in form.items() if values}


def _load(choice: str, typed: Data) -> tuple[Data, str]:
    """Replace the typed inputs with one of the person's saved scenarios."""
    scenario = my_scenario(choice, current_user.id) if current_user.is_authenticated else None
    if scenario is None:
        return typed, "That saved scenario was not found; your inputs are unchanged."
    data = {"scenario": scenario.name, "inputs": stored_inputs({"inputs": scenario.inputs})}
    return data, f"Loaded “{scenario.name}”: its inputs replace the ones that were in the form."


def from_form(form: Mapping[str, list[str]]) -> tuple[Data, str]:
    """Read the name and the sizer fields as typed; a Load button swaps in a saved scenario."""
    args = _first_values(form)
    typed: Data = {"scenario": args.get("scenario", "")[:MAX_NAME], "inputs": inputs_from(args)}
    action = args.get("action", "")
    if action == "load" or action.startswith("load:"):
        return _load(action.partition(":")[2] or args.get("load", ""), typed)
    # inputs_from has already dropped the rows whose Remove box was ticked; say how many
    removed = [key for key, value in args.items() if key.endswith("-remove") and value]
    if removed:
        return typed, "Stage row removed." if len(removed) == 1 else f"{len(removed)} stage rows removed."
    return typed, ""


def problems(data: Data) -> dict[str, str]:
    """Name the scenario, and make every input compute, before submitting."""
    found: dict[str, str] = {}
    if not str(data.get("scenario", "")).strip():
        found["scenario"] = "Give the scenario a name."
    form = read_form(stored_inputs(data))
    if compute(form) is None:
        found.update(form.errors)
    return found


def extras(data: Data, user_id: int) -> dict[str, Any]:
    """Give the editor the computed result, a form without red errors, and the saved scenarios."""
    context = sized_data(data)
    return {"sizer": context, "quiet_form": replace(context["form"], errors={}),
            "scenarios": my_scenarios(user_id)}


SIZER = register(ExerciseKind(
    kind="sizer", title="Pipeline sizing for your own numbers", lesson="coverage-and-the-3x-trap",
    editor="exercises/sizer_editor.html", viewer="exercises/sizer_viewer.html",
    start=start, from_form=from_form, problems=problems, extras=extras))
