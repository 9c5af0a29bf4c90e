"""Saved sizer scenarios: each person's named sets of inputs, to reopen, compare, delete, or
copy into the sizer exercise. Someone else's scenario is a 404, never a 403: its id tells nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from . import sizer_chart as fmt
from .exercises import Conflict, save_draft, start_work, work_for
from .extensions import db
from .models import SizerScenario, utcnow
from .pipeline.sizing import SizerResult
from .sizer import page_context
from .sizer_exercise import (
    MAX_NAME,
    SIZER,
    form_inputs,
    input_rows,
    inputs_from,
    my_scenario,
    my_scenarios,
    sized,
    sized_data,
    stored_inputs,
)

bp = Blueprint("scenarios", __name__)
bp.add_app_template_global(sized_data, "sizer_sized")
bp.add_app_template_global(form_inputs, "scenario_inputs")


@bp.app_template_global("my_saved_scenario")
def my_saved_scenario(scenario_id: object) -> SizerScenario | None:
    """Give the sizer page the scenario it was reopened from, if it is the viewer's own."""
    if not current_user.is_authenticated or not scenario_id:
        return None
    return my_scenario(scenario_id, current_user.id)


def _mine(scenario_id: int) -> SizerScenario:
    return my_scenario(scenario_id, current_user.id) or abort(404)


def sizer_url(scenario: SizerScenario) -> str:
    """Address of the sizer page showing this scenario's inputs (and naming it, to save over it)."""
    query = {**stored_inputs({"inputs": scenario.inputs}), "scenario": str(scenario.id)}
    return url_for("sizer.page") + "?" + urlencode(query)


# ---------------------------------------------------------------------------------------------
# Saving


def _clean_name(raw: str) -> str:
    return " ".join(raw.split())  # spaces typed twice or around the name never make a new name


def _same_name(name: str) -> SizerScenario | None:
    return next((s for s in my_scenarios(current_user.id) if s.name.casefold() == name.casefold()),
                None)


def _name_error(name: str, existing: SizerScenario | None, replace: bool) -> str | None:
    if not name:
        return "Give the scenario a name, such as “Our team, next year”."
    if len(name) > MAX_NAME:
        return f"Keep the name to {MAX_NAME} characters or fewer; this one has {len(name)}."
    if existing is not None and not replace:
        return (f"You already have a scenario named “{existing.name}”. Tick “Replace the scenario "
                f"with this name” to save over it, or choose another name.")
    return None


@bp.post("/sizer/scenarios")
@login_required
def save():  # type: ignore[no-untyped-def]
    """Save the sizer's inputs under a name; a name in use is only overwritten when asked."""
    inputs = inputs_from(request.form)
    name = _clean_name(request.form.get("name", ""))
    existing = _same_name(name) if name else None
    error = _name_error(name, existing, bool(request.form.get("replace")))
    if error:
        context = page_context(inputs)
        return render_template("sizer/page.html", save_error=error, save_name=request.form.get("name", ""),
                               ask_replace=existing is not None, **context), 422
    if existing is not None:
        existing.name, existing.inputs, existing.updated_at = name, inputs, utcnow()
        scenario = existing
    else:
        scenario = SizerScenario(user_id=current_user.id, name=name, inputs=inputs)
        db.session.add(scenario)
    db.session.commit()
    flash(f"Saved “{scenario.name}”. Find it under My saved scenarios.", "success")
    return redirect(sizer_url(scenario))


# ---------------------------------------------------------------------------------------------
# Listing, reopening, deleting, using


@dataclass(frozen=True)
class Summary:
    """A saved scenario with the figures that identify it at a glance."""

    scenario: SizerScenario
    sized: dict[str, Any]

    @property
    def res(self) -> SizerResult | None:
        result: SizerResult | None = self.sized["res"]
        return result


@bp.get("/sizer/scenarios")
@login_required
def index():  # type: ignore[no-untyped-def]
    summaries = [Summary(s, sized(stored_inputs({"inputs": s.inputs})))
                 for s in my_scenarios(current_user.id)]
    return render_template("scenarios/list.html", summaries=summaries, fmt=fmt)


@bp.get("/sizer/scenarios/<int:scenario_id>")
@login_required
def reopen(scenario_id: int):  # type: ignore[no-untyped-def]
    return redirect(sizer_url(_mine(scenario_id)))


@bp.get("/sizer/scenarios/<int:scenario_id>/delete")
@login_required
def confirm_delete(scenario_id: int):  # type: ignore[no-untyped-def]
    return render_template("scenarios/confirm_delete.html", scenario=_mine(scenario_id))


@bp.post("/sizer/scenarios/<int:scenario_id>/delete")
@login_required
def delete(scenario_id: int):  # type: ignore[no-untyped-def]
    scenario = _mine(scenario_id)
    db.session.delete(scenario)
    db.session.commit()
    flash(f"Deleted “{scenario.name}”.", "success")
    return redirect(url_for("scenarios.index"))


@bp.post("/sizer/scenarios/<int:scenario_id>/use")
@login_required
def use(scenario_id: int):  # type: ignore[no-untyped-def]
    """Copy the scenario into the person's sizer exercise draft, then open the exercise."""
    scenario = _mine(scenario_id)
    work = work_for(current_user.id, SIZER.kind) or start_work(current_user.id, SIZER)
    data = {"scenario": scenario.name, "inputs": stored_inputs({"inputs": scenario.inputs})}
    try:
        save_draft(work, data, work.version)
    except Conflict:  # saved from another tab in the same instant: keep that, say so
        flash("Your exercise was saved elsewhere at the same moment; nothing was copied. "
              "Try again.", "error")
        return redirect(url_for("scenarios.index"))
    flash(f"Copied “{scenario.name}” into your exercise. Check it, then submit it for review.",
          "success")
    return redirect(url_for("exercises.edit", kind=SIZER.kind))


# ---------------------------------------------------------------------------------------------
# Comparing two side by side


@dataclass(frozen=True)
class Line:
    """One row of the comparison: a label, each scenario's value, and how the second differs."""

    label: str
    first: str
    second: str
    difference: str


def _number(text: str) -> Decimal | None:
    cleaned = text.strip().strip("$€£¥₹%").replace(",", "").strip()
    try:
        number = Decimal(cleaned) if cleaned and len(cleaned) <= 40 else None
    except InvalidOperation:
        return None
    return number if number is not None and number.is_finite() else None


def _typed_difference(first: str, second: str) -> str:
    """Say how a typed input changed: by how much when both are numbers."""
    if first.strip() == second.strip():
        return ""
    if not first.strip() or not second.strip():
        return "only in the second" if first.strip() == "" else "only in the first"
    a, b = _number(first), _number(second)
    if a is None or b is None:
        return "changed"
    change = b - a
    if change == 0:
        return ""
    return ("+" if change > 0 else "-") + format(abs(change).normalize(), "f")


def input_lines(first: dict[str, Any], second: dict[str, Any]) -> list[Line]:
    """Line up both scenarios' inputs by field, stages after the top fields."""
    rows: dict[str, list[str]] = {}
    for name, label, value in input_rows(first["form"]):
        rows[name] = [label, value, ""]
    for name, label, value in input_rows(second["form"]):
        rows.setdefault(name, [label, "", ""])[2] = value
    return [Line(label, a or "—", b or "—", _typed_difference(a, b)) for label, a, b in rows.values()]


Getter = Callable[[SizerResult], Fraction | int | None]
# (label, figure, how to write it), the figures a person compares first
KEY_OUTPUTS: tuple[tuple[str, Getter, str], ...] = (
    ("Still to go", lambda r: r.gap, "money"),
    ("Coverage required", lambda r: r.coverage_required, "multiple"),
    ("Required pipeline", lambda r: r.required_pipeline, "money"),
    ("Wins needed", lambda r: r.wins_needed, "count"),
    ("Opportunities needed", lambda r: r.opportunities_needed, "count"),
    ("Rule-of-thumb pipeline", lambda r: r.naive.pipeline, "money"),
    ("Rule of thumb less required", lambda r: r.naive.difference, "money"),
    ("Standing pipeline (open at any time)", lambda r: r.standing_pipeline, "money"),
    ("Standing pipeline as a multiple of the goal", lambda r: r.standing_multiple, "multiple"),
    ("Open deals at any time", lambda r: r.standing_opportunities, "count"),
    ("New pipeline per week", lambda r: r.creation.per_week, "money"),
    ("New opportunities per week", lambda r: r.creation.opportunities_per_week, "number"),
    ("Last day to create pipeline that closes this period", lambda r: r.last_creation_day, "number"),
    ("Current pipeline", lambda r: r.current.pipeline if r.current else None, "money"),
    ("Shortfall against the required pipeline",
     lambda r: r.current.shortfall if r.current else None, "money"),
)


def _write(value: Fraction | int, how: str, currency: str) -> str:
    if how == "money":
        return fmt.money(Fraction(value), currency)
    if how == "multiple":
        return fmt.multiple(Fraction(value))
    return str(value) if how == "count" else fmt.plain(value)


def _difference(a: Fraction | int | None, b: Fraction | int | None, how: str,
                res_a: SizerResult, res_b: SizerResult) -> str:
    if a is None or b is None:
        return ""
    if how == "money" and res_a.currency != res_b.currency:
        return "different currencies"
    change = Fraction(b) - Fraction(a)
    if change == 0:
        return "same"
    sign = "+" if change > 0 else "-"
    return sign + _write(abs(change) if how != "count" else abs(int(change)), how, res_a.currency)


def output_lines(res_a: SizerResult | None, res_b: SizerResult | None) -> Iterator[Line]:
    """Line up the key figures of both results, with the second less the first."""
    for label, get, how in KEY_OUTPUTS:
        a = get(res_a) if res_a else None
        b = get(res_b) if res_b else None
        if a is None and b is None:
            continue
        first = _write(a, how, res_a.currency) if res_a and a is not None else "—"
        second = _write(b, how, res_b.currency) if res_b and b is not None else "—"
        difference = _difference(a, b, how, res_a, res_b) if res_a and res_b else ""
        yield Line(label, first, second, difference)


@bp.get("/sizer/scenarios/compare")
@login_required
def compare():  # type: ignore[no-untyped-def]
    """Show two scenarios side by side; without both chosen, offer the choice."""
    scenarios = my_scenarios(current_user.id)
    chosen_a, chosen_b = request.args.get("a"), request.args.get("b")
    if not (chosen_a and chosen_b):
        return render_template("scenarios/compare.html", scenarios=scenarios, pair=None,
                               chosen_a=chosen_a, chosen_b=chosen_b)
    first = my_scenario(chosen_a, current_user.id) or abort(404)
    second = my_scenario(chosen_b, current_user.id) or abort(404)
    sized_a = sized(stored_inputs({"inputs": first.inputs}))
    sized_b = sized(stored_inputs({"inputs": second.inputs}))
    return render_template(
        "scenarios/compare.html", scenarios=scenarios, pair=(first, second),
        chosen_a=chosen_a, chosen_b=chosen_b, sized_a=sized_a, sized_b=sized_b,
        inputs=input_lines(sized_a, sized_b), outputs=list(output_lines(sized_a["res"], sized_b["res"])))
