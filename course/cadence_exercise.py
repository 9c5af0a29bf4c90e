"""The coaching-cadence exercise: form fields to cadence JSON, row buttons, the report, the .ics.

The draft is stored in the domain's JSON shape (`cadence_to_json`), with numbers that are not
whole numbers kept as typed so the person sees them again beside a message. Form fields use
indexed names (`meetings-2-minutes`) that are also the ids of the inputs, so a problem keyed by
id links straight to the input at fault.

The blueprint `bp` serves the calendar file: GET exports the saved draft; POST (the editor's
download button, which sits inside the exercise form) exports the plan as it stands on screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from fractions import Fraction
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response as BaseResponse

from .exercise_kinds import Data, ExerciseKind, register
from .exercises import Conflict, save_draft, work_for
from .pipeline.cadence import (
    FORMATS,
    FREQUENCIES,
    MAX_MEETINGS,
    MEETING_TYPES,
    WORKING_MONTH_HOURS,
    CadencePlan,
    CadenceReport,
    MeetingType,
    cadence_to_json,
    default_plan,
    evaluate,
    hours_text,
    parse_cadence,
)
from .pipeline.errors import InvalidInput
from .pipeline.ical import plan_to_ics

KIND = "cadence"
FORM = Mapping[str, list[str]]
Row = dict[str, Any]

FORMAT_LABELS = {"one_on_one": "One-on-one", "group": "Group"}
FORMAT_HINTS = {"one_on_one": "with each seller in turn", "group": "the whole team at once"}
FREQUENCY_LABELS = {"weekly": "Every week", "biweekly": "Every two weeks",
                    "monthly": "Every month", "quarterly": "Every quarter"}
FIELD_LABELS = {"kind": "type", "format": "format", "frequency": "how often",
                "minutes": "minutes", "title": "title", "agenda": "agenda"}
FIELD_ORDER = ("", "kind", "format", "frequency", "minutes", "title", "agenda")
MEETING_KEY = re.compile(r"^meetings-(\d{1,3})-")
DOMAIN_KEY = re.compile(r"^meetings\[(?P<i>\d+)\](?:\.(?P<field>\w+)(?:\[(?P<item>\d+)\])?)?$")
WHOLE = re.compile(r"\d{1,6}")

# A dozen common zones for the export form; the calendar link accepts any IANA name.
TIME_ZONES = ("UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York",
              "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
              "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney")
NAME_LIMIT = 60
FIRST_YEAR, LAST_YEAR = 2000, 2099
EXPORT_LABELS = {"start": "Start date", "tz": "Time zone", "names": "Seller names",
                 "seller_names": "Seller names", "meetings": "Meetings", "plan": "Plan"}
EXPORT_FIELDS = ("start", "tz", "names")
FILENAME = "coaching-cadence.ics"


def start() -> Data:
    """Return the default plan: one meeting of every type for six sellers."""
    return cadence_to_json(default_plan(6))


# ---------------------------------------------------------------- form


def _first(form: FORM, name: str) -> str:
    values = form.get(name) or [""]
    return values[0]


def _number(text: str) -> int | str:
    """Return a whole number as an int, anything else as typed (the domain says what is wrong)."""
    text = text.strip()
    return int(text) if WHOLE.fullmatch(text) else text


def meeting_type(kind: object) -> MeetingType | None:
    """Return the meeting type with this id, or None for anything else that was posted."""
    return next((t for t in MEETING_TYPES.values() if t.id == kind), None)


def _row(form: FORM, i: int) -> Row:
    prefix = f"meetings-{i}"
    kind = _first(form, f"{prefix}-kind")
    base = meeting_type(kind)
    agenda = _first(form, f"{prefix}-agenda").replace("\r\n", "\n").split("\n")
    return {
        "kind": kind,
        # an unticked radio sends nothing; the type's usual format stands in for it
        "format": _first(form, f"{prefix}-format") or (base.format if base else FORMATS[0]),
        "frequency": _first(form, f"{prefix}-frequency"),
        "minutes": _number(_first(form, f"{prefix}-minutes")),
        "agenda": [line.strip() for line in agenda if line.strip()],
        "title": _first(form, f"{prefix}-title").strip(),
    }


def from_form(form: FORM) -> tuple[Data, str]:
    """Rebuild the plan from the posted fields and apply the row button that was pressed."""
    indices = sorted({int(m.group(1)) for key in form if (m := MEETING_KEY.match(key))})
    rows = [_row(form, i) for i in indices]
    rows, message = apply_action(rows, _first(form, "action"), _first(form, "add-kind"))
    return {"sellers": _number(_first(form, "sellers")), "meetings": rows}, message


# ---------------------------------------------------------------- row buttons


def new_row(kind: str) -> Row:
    """Return a meeting of this type with its usual format, rhythm, length and agenda."""
    t = meeting_type(kind) or MEETING_TYPES["pipeline"]
    return {"kind": t.id, "format": t.format, "frequency": t.frequency, "minutes": t.minutes,
            "agenda": list(t.agenda), "title": ""}


def row_label(rows: list[Row], i: int) -> str:
    """Name a meeting the way its legend does, e.g. Meeting 3 “Forecast call”."""
    row = rows[i]
    base = meeting_type(row.get("kind"))
    name = row.get("title") or (base.label if base else "")
    return f"Meeting {i + 1} “{name}”" if name else f"Meeting {i + 1}"


def _add(rows: list[Row], kind: str) -> tuple[list[Row], str]:
    if len(rows) >= MAX_MEETINGS:
        return rows, f"A plan holds at most {MAX_MEETINGS} meetings: remove one to add another."
    rows = [*rows, new_row(kind)]
    return rows, f"{row_label(rows, len(rows) - 1)} added."


def _remove(rows: list[Row], i: int) -> tuple[list[Row], str]:
    return rows[:i] + rows[i + 1:], f"{row_label(rows, i)} removed."


def _up(rows: list[Row], i: int) -> tuple[list[Row], str]:
    if i == 0:
        return rows, f"{row_label(rows, i)} is already the first meeting."
    moved = rows[:i - 1] + [rows[i], rows[i - 1]] + rows[i + 1:]
    return moved, f"{row_label(rows, i)} moved up: it is now meeting {i}."


def _down(rows: list[Row], i: int) -> tuple[list[Row], str]:
    if i == len(rows) - 1:
        return rows, f"{row_label(rows, i)} is already the last meeting."
    moved = rows[:i] + [rows[i + 1], rows[i]] + rows[i + 2:]
    return moved, f"{row_label(rows, i)} moved down: it is now meeting {i + 2}."


ROW_ACTIONS: dict[str, Callable[[list[Row], int], tuple[list[Row], str]]] = {
    "remove-meeting": _remove, "up-meeting": _up, "down-meeting": _down,
}


def apply_action(rows: list[Row], action: str, add_kind: str = "") -> tuple[list[Row], str]:
    """Apply a row button ("add-meeting", "up-meeting:2" ...) and say what happened.

    "" or "save" is a plain save. A button with a stale index leaves the rows as they are and
    says so, so what the person typed is still saved.
    """
    verb, _, number = action.partition(":")
    if verb == "add-meeting":
        return _add(rows, add_kind)
    if verb not in ROW_ACTIONS or not re.fullmatch(r"\d{1,3}", number):
        return rows, ""
    i = int(number)
    if i >= len(rows):
        return rows, f"There is no meeting {i + 1} any more; nothing was moved or removed."
    return ROW_ACTIONS[verb](rows, i)


# ---------------------------------------------------------------- problems


def _field(key: str) -> tuple[str, tuple[int, int, int], str]:
    """Return (input id, position on the page, prefix for the message) for a domain error key."""
    if key in ("sellers", "plan"):
        return "sellers", (-2, 0, 0), ""
    match = DOMAIN_KEY.match(key)
    if not match:  # "meetings": the list as a whole
        return "meetings", (-1, 0, 0), ""
    i, field, item = int(match.group("i")), match.group("field") or "", match.group("item")
    order = FIELD_ORDER.index(field) if field in FIELD_ORDER else len(FIELD_ORDER)
    where = f"Meeting {i + 1}"
    if item is not None:  # one line of the agenda: the whole textarea is the input
        where += f", agenda item {int(item) + 1}"
    elif field:
        where += f", {FIELD_LABELS.get(field, field)}"
    suffix = f"-{field}" if field else ""
    return f"meetings-{i}{suffix}", (i, order, int(item or 0)), f"{where}: "


def field_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """Key domain errors by input id, in page order, merging messages for one input."""
    found = sorted(((_field(key), message) for key, message in errors.items()),
                   key=lambda pair: pair[0][1])
    merged: dict[str, str] = {}
    for (field_id, _, where), message in found:
        text = where + message
        merged[field_id] = f"{merged[field_id]} {text}" if field_id in merged else text
    return merged


def _has_pipeline_coaching(data: Data) -> bool:
    meetings = data.get("meetings") if isinstance(data, Mapping) else None
    rows = meetings if isinstance(meetings, list) else []
    return any(isinstance(m, Mapping) and m.get("kind") == "pipeline" for m in rows)


def problems(data: Data) -> dict[str, str]:
    """List what blocks submission, keyed by the id of the input at fault."""
    try:
        parse_cadence(data)
        faults: dict[str, str] = {}
    except InvalidInput as error:
        faults = dict(error.errors)
    if not _has_pipeline_coaching(data):
        need = ("Add a pipeline-coaching meeting: coaching each seller on their whole pipeline "
                "is what the cadence is for.")
        faults["meetings"] = f"{faults['meetings']} {need}" if "meetings" in faults else need
    return field_errors(faults)


# ---------------------------------------------------------------- report for the page


def _hours(minutes: Fraction) -> str:
    return f"{float(minutes / 60):.1f}"


def _times(per_month: Fraction) -> str:
    return f"{float(per_month):.2f}".rstrip("0").rstrip(".")


def _source(text: str) -> dict[str, str]:
    title, _, url = text.rpartition(" — ")
    return {"title": title, "url": url} if url.startswith("http") else {"title": text, "url": ""}


def report_view(plan: CadencePlan, report: CadenceReport) -> dict[str, Any]:
    """Word the report for the page: hours to one decimal, sources as links, warnings by meeting."""
    warnings = [{"code": w.code, "message": w.message, "hint": w.hint, "meeting": w.meeting}
                for w in report.warnings]
    by_meeting: dict[int, list[dict[str, Any]]] = {}
    for w, shown in zip(report.warnings, warnings, strict=True):
        if w.meeting is not None:
            by_meeting.setdefault(w.meeting, []).append(shown)
    rows = [{
        "number": load.index + 1, "label": load.label,
        "format": FORMAT_LABELS[meeting.format], "frequency": FREQUENCY_LABELS[meeting.frequency],
        "minutes": meeting.minutes, "times": _times(load.per_month),
        "seller": _hours(load.seller_minutes), "manager": _hours(load.manager_minutes),
    } for meeting, load in zip(plan.meetings, report.meetings, strict=True)]
    return {
        "sellers": report.sellers,
        "pipeline": hours_text(report.pipeline_hours),
        "seller": hours_text(report.seller_hours),
        "one_on_one": hours_text(report.seller_one_on_one_hours),
        "group": hours_text(report.seller_group_hours),
        "manager": hours_text(report.manager_hours),
        "share": round(float(report.manager_share) * 100),  # rounded as the overload warning is
        "working_month": f"{float(WORKING_MONTH_HOURS):.0f}",
        "standing": report.standing,
        "benchmarks": [{"hours": b.hours, "met": b.met, "finding": b.finding,
                        "sources": [_source(s) for s in b.sources]} for b in report.benchmarks],
        "rows": rows,
        "total_seller": f"{float(report.seller_hours):.1f}",
        "total_manager": f"{float(report.manager_hours):.1f}",
        "warnings": warnings,
        "by_meeting": by_meeting,
    }


def next_monday(today: date) -> date:
    """Return the first Monday after today (a week on if today is a Monday)."""
    return today + timedelta(days=7 - today.weekday())


def _export_url() -> str:
    """Return where the download button posts, or "" when the blueprint is not registered (yet)."""
    try:
        return url_for("cadence.calendar_from_form")
    except (BuildError, RuntimeError):  # RuntimeError: rendered outside a request
        return ""


def extras(data: Data, user_id: int) -> dict[str, Any]:
    """Give the editor and viewer the choices, the report (if the plan parses) and export form."""
    view: dict[str, Any] = {
        "types": [(t.id, t.label) for t in MEETING_TYPES.values()],
        "type_labels": {t.id: t.label for t in MEETING_TYPES.values()},
        "format_labels": FORMAT_LABELS,
        "frequency_labels": FREQUENCY_LABELS,
        "purposes": {t.id: t.purpose for t in MEETING_TYPES.values()},
        "formats": [(f, FORMAT_LABELS[f], FORMAT_HINTS[f]) for f in FORMATS],
        "frequencies": [(f, FREQUENCY_LABELS[f]) for f in FREQUENCIES],
        "max_meetings": MAX_MEETINGS,
        "report": None,
        "errors": {},
        "export": {"start": next_monday(date.today()).isoformat(), "zones": TIME_ZONES,
                   "url": _export_url()},
    }
    try:
        plan = parse_cadence(data)
    except InvalidInput as error:
        view["errors"] = field_errors(error.errors)
        return {"cadence": view}
    view["report"] = report_view(plan, evaluate(plan))
    return {"cadence": view}


# ---------------------------------------------------------------- calendar export


def seller_names(text: str) -> list[str]:
    """Split a comma list of names; blanks stay (they become "Seller n"), trailing blanks go."""
    names = [name.strip() for name in text.split(",")]
    while names and not names[-1]:
        names.pop()
    return names


@cache
def zone_names() -> frozenset[str]:
    """Return the IANA zone names this machine knows (asked once: it reads the zone files)."""
    return frozenset(available_timezones()) | {"UTC"}


def export_settings(values: Mapping[str, str], today: date) -> tuple[date, str, list[str]]:
    """Read start date, time zone and seller names, or raise InvalidInput naming every bad one."""
    errors: dict[str, str] = {}
    start_text = (values.get("start") or "").strip()
    first = next_monday(today)
    if start_text:
        try:
            first = date.fromisoformat(start_text)
            if not FIRST_YEAR <= first.year <= LAST_YEAR:
                errors["start"] = f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}."
        except ValueError:
            errors["start"] = "Enter the date as year-month-day, for example 2025-03-03."
    tz = (values.get("tz") or "").strip() or "UTC"
    if tz not in zone_names():
        errors["tz"] = "Use a time zone name such as Europe/Berlin or America/New_York."
    names = seller_names(values.get("names") or "")
    if any(len(name) > NAME_LIMIT for name in names):
        errors["names"] = f"Keep each name to {NAME_LIMIT} characters."
    if errors:
        raise InvalidInput(errors)
    return first, tz, names


def calendar_text(data: Data, values: Mapping[str, str], user_id: int, today: date) -> str:
    """Return the plan as iCalendar text, or raise InvalidInput naming the fields at fault."""
    first, tz, names = export_settings(values, today)
    try:
        plan = parse_cadence(data)
    except InvalidInput:
        raise InvalidInput({"plan": "some fields need fixing first; they are marked on the "
                                    "page."}) from None
    return plan_to_ics(plan, first, names, tz, uid_scope=str(user_id))


bp = Blueprint("cadence", __name__, url_prefix="/exercises/cadence")


def _attachment(text: str) -> BaseResponse:
    response = Response(text, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    response.headers["Cache-Control"] = "private, no-store"  # a personal plan with names in it
    return response


def _back_to_editor(error: InvalidInput, values: Mapping[str, str]) -> BaseResponse:
    """Say which export field is wrong and reopen the editor with what was typed in the form."""
    for key, message in error.errors.items():
        flash(f"Calendar not downloaded. {EXPORT_LABELS.get(key, key)}: {message}", "error")
    kept: dict[str, Any] = {name: values[name] for name in EXPORT_FIELDS if values.get(name)}
    return redirect(url_for("exercises.edit", kind=KIND, _anchor="export", **kept))


@bp.get("/calendar.ics")
@login_required
def calendar():  # type: ignore[no-untyped-def]
    """Download the signed-in person's saved plan (never anyone else's) as an .ics file."""
    work = work_for(current_user.id, KIND)
    data = work.data if work else start()
    try:
        return _attachment(calendar_text(data, request.args, current_user.id, date.today()))
    except InvalidInput as error:
        return _back_to_editor(error, request.args)


@bp.post("/calendar.ics")
@login_required
def calendar_from_form():  # type: ignore[no-untyped-def]
    """Download the plan as it stands in the editor's form, saved or not.

    A successful download leaves the draft alone: the page stays open, and saving here would
    make its version stale. When something is wrong the page is reopened, so the draft is saved
    first and nothing typed is lost.
    """
    data, _ = from_form(request.form.to_dict(flat=False))
    values = request.form.to_dict()
    try:
        return _attachment(calendar_text(data, values, current_user.id, date.today()))
    except InvalidInput as error:
        work = work_for(current_user.id, KIND)
        if work:
            try:
                save_draft(work, data, request.form.get("version", type=int) or 0)
            except Conflict:
                flash("This exercise was changed in another tab or device, so the form shows "
                      "that version; your last changes here were not saved.", "warning")
        return _back_to_editor(error, values)


CADENCE = register(ExerciseKind(
    kind=KIND, title="Coaching cadence", lesson="coaching-the-pipeline",
    editor="exercises/cadence_editor.html", viewer="exercises/cadence_viewer.html",
    start=start, from_form=from_form, problems=problems, extras=extras))
