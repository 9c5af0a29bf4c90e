"""Team sizing for managers: each seller's required pipeline, gap and pace, and the team total.

The team comes from a typed table (POST, with CSRF) or an uploaded CSV. Nothing is stored: the
download link carries the figures in its address and is recomputed on every request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from . import sizer_chart as fmt
from .auth import role_required
from .sizer import CURRENCIES
from .team_sizing import (
    BY_NAME,
    COLUMNS,
    MAX_BYTES,
    Fault,
    RowText,
    TeamInputError,
    TeamResult,
    brightline_rows,
    field_name,
    fields_from_rows,
    input_csv,
    parse_csv,
    read_csv,
    read_team,
    results_csv,
    rows_from_fields,
    size_csv,
    size_team,
    template_csv,
)

bp = Blueprint("team_sizer", __name__)

SHOWN = COLUMNS[:6]  # name, goal, win rate, deal size, cycle, current pipeline
UNITS = {"money": "money", "percent": "%", "days": "days"}
HINTS = {"win_rate": "in percent: 20 for 20%", "current_pipeline": "optional"}
SPARE_ROWS = 2
ADD_ROWS = 5
MIN_ROWS = 3
MAX_TYPED = 100  # Flask refuses a form of more than 1,000 fields; a CSV takes larger teams
MAX_LINK = 2000  # longer addresses get a POST form: gunicorn refuses request lines over 4 KB
SUBJECTS = {"file": "The file", "table": "The table", "currency": "The currency"}


@dataclass
class TeamForm:
    """The typed table as shown: what was typed, blank rows after, and every fault."""

    rows: list[RowText]
    currency: str = "USD"
    spare: int = SPARE_ROWS
    faults: Sequence[Fault] = ()
    upload: bool = False  # the faults come from an uploaded file
    cell_errors: dict[str, str] = field(default_factory=dict)

    def shown_rows(self) -> list[RowText]:
        count = max(len(self.rows) + self.spare, MIN_ROWS)
        blanks = [RowText(n, {}) for n in range(len(self.rows) + 1, count + 1)]
        return [*self.rows, *blanks]

    def input_name(self, row: int, column: str) -> str:
        return field_name(row, column)

    def hidden(self, row: RowText) -> list[tuple[str, str]]:
        """Keep columns a CSV or link gave that the table does not show (booked, period)."""
        return [(field_name(row.row, c.name), row.get(c.name))
                for c in COLUMNS[len(SHOWN):] if row.get(c.name).strip()]

    def currencies(self) -> tuple[str, ...]:
        return CURRENCIES if self.currency in CURRENCIES else (*CURRENCIES, self.currency)

    def unit(self, kind: str) -> str:
        unit = UNITS.get(kind, "")
        return self.currency if unit == "money" else unit


def label(column: str) -> str:
    return BY_NAME[column].label if column in BY_NAME else column


def fault_text(fault: Fault, upload: bool) -> str:
    """Say one fault as a sentence, naming its row and column."""
    if fault.row is None:
        return f"{SUBJECTS.get(fault.column or '', 'The table')} {fault.message}."
    if fault.column is None:
        return f"Row {fault.row} {fault.message}."
    column = fault.column if upload else label(fault.column).lower()
    found = f" (found “{fault.value}”)" if upload and fault.value else ""
    return f"Row {fault.row}, {column}: {fault.message}{found}."


def cell_text(fault: Fault) -> str:
    """Say a fault beside its cell, where the row is already plain to see."""
    if fault.message.startswith("did you mean"):
        return fault.message[0].upper() + fault.message[1:] + "."
    return f"{label(fault.column or '')} {fault.message}."


def _cell_errors(faults: Sequence[Fault]) -> dict[str, str]:
    shown = {c.name for c in SHOWN}
    return {field_name(f.row, f.column): cell_text(f) for f in faults
            if f.row is not None and f.column in shown}


def summary(form: TeamForm) -> list[tuple[str, str | None]]:
    """List each fault with the id of its cell to jump to (None when it has no cell)."""
    errors = form.cell_errors
    items = []
    for fault in form.faults:
        target = None
        if not form.upload and fault.row is not None and fault.column:
            name = field_name(fault.row, fault.column)
            target = name if name in errors else None
        items.append((fault_text(fault, form.upload), target))
    return items


# ---------------------------------------------------------------------------------------------
# Downloads: a link while it is short, else a form that sends the figures back


def download_query(rows: Sequence[RowText], currency: str) -> str:
    return urlencode([("currency", currency), *fields_from_rows(rows)])


def _results_context(rows: Sequence[RowText], team: TeamResult) -> dict[str, object]:
    query = download_query(rows, team.currency)
    short = len(query) <= MAX_LINK
    return {
        "team": team, "words": team_words(team),
        "download_url": url_for("team_sizer.download") + "?" + query if short else None,
        "edit_url": url_for("team_sizer.page") + "?" + query if short else None,
        "download_csv": None if short else input_csv(rows),
    }


def team_words(team: TeamResult) -> list[str]:
    """Say what the team's figures mean, one plain sentence at a time."""
    t, code = team.total, team.currency

    def money(value: Fraction) -> str:
        return fmt.money(value, code)

    sellers = "1 seller" if t.sellers == 1 else f"{t.sellers} sellers"
    lines = [f"Your team of {sellers} needs {money(t.required_pipeline)} of pipeline to close "
             f"the {money(t.gap)} still to go."]
    if t.current_pipeline is not None:
        short = sum(1 for s in team.sellers if s.shortfall)
        line = (f"{money(t.current_pipeline)} is open now. Seller by seller, "
                f"{short} of {t.sellers} {'is' if short == 1 else 'are'} short, "
                f"{money(t.shortfall)} in all.")
        missing = sum(1 for s in team.sellers if s.current_pipeline is None)
        if missing:
            verb = "is" if missing == 1 else "are"
            line += f" {missing} gave no current pipeline and {verb} left out of this."
        lines.append(line)
    if t.per_week:
        lines.append(f"To keep every pipeline full, the team must create {money(t.per_week)} of "
                     f"new pipeline a week: {fmt.plain(t.opportunities_per_week)} opportunities, "
                     f"so aim for {t.opportunities_per_week_target} (each seller's target, "
                     "rounded up, added).")
    return lines


def _render(form: TeamForm, status: int, **context: object) -> tuple[str, int]:
    form.cell_errors = {} if form.upload else _cell_errors(form.faults)
    example = url_for("team_sizer.page") + "?" + download_query(brightline_rows(), "USD")
    page = render_template(
        "team_sizer/page.html", form=form, columns=SHOWN, fmt=fmt, summary=summary(form),
        example_url=example, max_bytes_kb=MAX_BYTES // 1024, **context)
    return page, status


# ---------------------------------------------------------------------------------------------
# Views


@bp.route("/sizer/team", methods=["GET", "POST"])
@role_required("manager", "admin")
def page():  # type: ignore[no-untyped-def]
    posted = request.method == "POST"
    fields = request.form if posted else request.args
    currency = (fields.get("currency") or "USD").strip().upper()
    if posted and fields.get("source") == "upload":
        return _upload(request.files.get("file"), currency)
    rows = rows_from_fields(fields, MAX_TYPED)
    adding = "add_rows" in fields  # changing rows is not asking for a result yet
    form = TeamForm(rows, currency, spare=ADD_ROWS if adding else SPARE_ROWS)
    if adding or not (rows or posted):
        return _render(form, 200)
    try:
        team = size_team(read_team(rows, currency), currency)
    except TeamInputError as bad:
        form.faults = bad.faults
        return _render(form, 422 if posted else 200)
    return _render(form, 200, **_results_context(rows, team))


def _upload(upload: FileStorage | None, currency: str) -> tuple[str, int]:
    form = TeamForm([], currency, upload=True)
    if upload is None or not upload.filename:
        form.faults = [Fault(None, "file", "is missing: choose a CSV file to upload")]
        return _render(form, 422)
    data = upload.stream.read(MAX_BYTES + 1)  # never hold more than the limit in memory
    try:
        sellers = read_csv(data, currency)
    except TeamInputError as bad:
        form.faults = bad.faults
        return _render(form, 422)
    team = size_team(sellers, currency)
    return _render(form, 200, uploaded=upload.filename, **_results_context(parse_csv(data), team))


def _csv(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",  # a team's figures stay off shared caches
    })


@bp.route("/sizer/team.csv", methods=["GET", "POST"])
@role_required("manager", "admin")
def download():  # type: ignore[no-untyped-def]
    """Recompute the results from the figures sent (query, or a posted CSV for long teams)."""
    fields: Mapping[str, str] = request.form if request.method == "POST" else request.args
    currency = (fields.get("currency") or "USD").strip().upper()
    try:
        if request.method == "POST":
            team = size_csv(fields.get("csv", ""), currency)
        else:
            team = size_team(read_team(rows_from_fields(fields), currency), currency)
    except TeamInputError as bad:
        lines = [fault_text(fault, upload=True) for fault in bad.faults]
        return Response("\n".join(lines) + "\n", 422, mimetype="text/plain")
    return _csv(results_csv(team), "team-pipeline.csv")


@bp.get("/sizer/team/template.csv")
@role_required("manager", "admin")
def template():  # type: ignore[no-untyped-def]
    """Give a CSV to fill in, with the Brightline team as the example."""
    return _csv(template_csv(), "team-template.csv")
