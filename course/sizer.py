"""The public pipeline sizer page: a GET form, so every result is a link and needs no CSRF."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup, escape

from . import sizer_chart as fmt
from .pipeline.errors import InvalidInput
from .pipeline.sizing import SizerInput, SizerResult, parse_and_size

bp = Blueprint("sizer", __name__)

CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "INR", "CNY", "SEK", "NOK", "DKK",
              "NZD", "SGD", "HKD", "BRL", "MXN", "ZAR")
DEFAULTS = {"currency": "USD", "period_days": "365", "naive_multiple": "3"}
BRIGHTLINE = {"currency": "USD", "goal": "1000000", "period_days": "365", "deal_size": "50000",
              "win_rate": "20", "cycle_days": "120", "naive_multiple": "3"}
BRIGHTLINE_QUERY = urlencode(BRIGHTLINE)
MIN_ROWS = 3
PERCENT = frozenset({"win_rate", "slippage", "create_and_close", "win_probability"})
# Below 1% a win rate is almost surely a fraction typed by mistake; we ask, never guess.
WIN_RATES = frozenset({"win_rate", "win_probability"})
STAGE_KEY = re.compile(r"stages-(\d{1,3})-([a-z_]+)")
DOMAIN_STAGE_KEY = re.compile(r"stages\[(\d+)\]\.(\w+)")
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


@dataclass(frozen=True)
class Field:
    """One input of the form: its name (the domain's), label, unit and hint."""

    name: str
    label: str
    unit: str = ""  # "money" is written as the chosen currency code
    hint: str = ""
    optional: bool = False
    mode: str = "decimal"


GROUPS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    ("Goal and period", (
        Field("goal", "Revenue goal for the period", "money", "For example 1000000."),
        Field("period_days", "Length of the period", "days", "365 a year, 91 a quarter.",
              mode="numeric"),
        Field("days_elapsed", "Days of the period already gone", "days",
              "0 or blank at the start of the period.", optional=True, mode="numeric"),
        Field("booked", "Booked so far this period", "money", "Closed-won revenue already in.",
              optional=True),
    )),
    ("Your deals", (
        Field("deal_size", "Average won deal", "money", "The average value of a deal you win."),
        Field("win_rate", "Win rate", "%", "Share of pipeline value you win: 20 for 20%."),
        Field("cycle_days", "Sales cycle", "days", "From entering the pipeline to closing."),
    )),
    ("Adjustments", (
        Field("slippage", "Slippage", "%",
              "Share of pipeline value expected to slip past the period's end.", optional=True),
        Field("create_and_close", "Create-and-close", "%",
              "Share of bookings from deals not yet in the pipeline.", optional=True),
        Field("naive_multiple", "Rule-of-thumb multiple", "x",
              "The coverage rule to compare with: 3 for 3x."),
        Field("current_pipeline", "Pipeline open now", "money",
              "Ignored when the stage table below is filled in.", optional=True),
    )),
)
FIELDS = {f.name: f for _, group in GROUPS for f in group}
TOP_NAMES = ("currency", *FIELDS)
STAGE_COLUMNS = (
    Field("name", "Stage name", mode="text"),
    Field("win_probability", "Win probability", "%"),
    Field("days_in_stage", "Days in stage", "days", optional=True),
    Field("open_value", "Open value", "money", optional=True),
    Field("open_count", "Open deals", "count", optional=True, mode="numeric"),
)
STAGE_NAMES = tuple(column.name for column in STAGE_COLUMNS)
CURRENCY = Field("currency", "Currency", mode="text")  # a select, not a text input


@dataclass
class SizerForm:
    """What the person typed, exactly, plus a message per input name that needs fixing."""

    values: dict[str, str]
    rows: list[dict[str, str]]
    errors: dict[str, str] = field(default_factory=dict)
    new_row: int | None = None  # the row added by "Add a stage row", to focus it

    def stage_input(self, index: int, column: str) -> str:
        return f"stages-{index}-{column}"

    def is_filled(self, index: int) -> bool:
        return _filled(self.rows[index])

    def currency(self) -> str:
        return self.values.get("currency") or "USD"

    def currencies(self) -> tuple[str, ...]:
        chosen = self.currency()  # keep a code from a link even if it is not in the list
        return CURRENCIES if chosen in CURRENCIES else (*CURRENCIES, chosen)

    def unit(self, f: Field) -> str:
        return self.currency() if f.unit == "money" else f.unit

    # What _form.html writes for each input, worked out here: the template loops over these
    # instead of calling a macro per input (see the note at the top of _form.html).

    def top_inputs(self, fields: Iterable[Field], prefix: str) -> list[Input]:
        return [Input(f, prefix + f.name, f.name, f.label, self.unit(f),
                      self.values.get(f.name, ""), self.errors.get(f.name), hint=bool(f.hint))
                for f in fields]

    def currency_input(self, prefix: str) -> Input:
        return Input(CURRENCY, prefix + "currency", "currency", CURRENCY.label, "",
                     self.currency(), self.errors.get("currency"))

    def stage_rows(self, columns: Iterable[Field], prefix: str) -> list[StageRow]:
        units = [(column, self.unit(column), column.label.lower()) for column in columns]
        rows = []
        for index, row in enumerate(self.rows):
            cells = []
            for column, unit, label in units:
                name = self.stage_input(index, column.name)
                cells.append(Input(column, prefix + name, name, f"Stage {index + 1} {label}", unit,
                                   row.get(column.name, ""), self.errors.get(name),
                                   autofocus=column.name == "name" and self.new_row == index))
            rows.append(StageRow(index, _filled(row), tuple(cells)))
        return rows


# Not frozen: a frozen dataclass sets each field through object.__setattr__, and a page makes
# 27 Inputs or more.
@dataclass(slots=True)
class Input:
    """One input as _form.html writes it: its ids, label, unit, value as typed and error."""

    field: Field
    id: str
    name: str
    label: str  # the field's label; for a stage cell, "Stage 2 win probability"
    unit: str
    value: str
    error: str | None
    hint: bool = False  # the field has a hint paragraph, which aria-describedby names
    autofocus: bool = False

    @property
    def aria(self) -> Markup:
        """aria-describedby (the hint, then the error) and aria-invalid, each after a space."""
        ids = [f"{self.id}-hint"] if self.hint else []
        if self.error:
            ids.append(f"{self.id}-error")
        if not ids:
            return Markup("")
        invalid = ' aria-invalid="true"' if self.error else ""
        return Markup(f' aria-describedby="{escape(" ".join(ids))}"{invalid}')


@dataclass(slots=True)
class StageRow:
    """One row of the stage table: its index from 0, whether anything is typed in it, its cells."""

    index: int
    filled: bool
    cells: tuple[Input, ...]


def _filled(row: Mapping[str, str]) -> bool:
    return any(row.get(name, "").strip() for name in STAGE_NAMES)


def _typed_rows(args: Mapping[str, str]) -> dict[int, dict[str, str]]:
    rows: dict[int, dict[str, str]] = {}
    for key, value in args.items():
        match = STAGE_KEY.fullmatch(key)
        if match:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return rows


def read_form(args: Mapping[str, str]) -> SizerForm:
    """Read the query: typed values, filled stage rows kept in order, then blank rows."""
    submitted = any(name in args for name in TOP_NAMES)
    values = {name: args.get(name, "") for name in TOP_NAMES} if submitted else dict(DEFAULTS)
    typed = _typed_rows(args)
    kept = [{name: row.get(name, "") for name in STAGE_NAMES}
            for _, row in sorted(typed.items()) if _filled(row) and not row.get("remove")]
    count = max(len(kept) + 1, MIN_ROWS)
    new_row = None
    if "add_stage" in args:
        count = max(count, len(kept) + 1, len(typed) + 1)
        new_row = count - 1
    blanks = [dict.fromkeys(STAGE_NAMES, "") for _ in range(count - len(kept))]
    return SizerForm(values, kept + blanks, new_row=new_row)


# ---------------------------------------------------------------------------------------------
# From the form to the domain and back


def _clean(raw: str) -> str:
    """Drop what people type around numbers: spaces, a currency sign, %, thousands commas."""
    text = raw.strip().strip("$€£¥₹%").strip()
    return text.replace(",", "") if THOUSANDS.fullmatch(text) else text


def _percent_text(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _domain_value(name: str, raw: str) -> tuple[str, str | None]:
    """Turn one typed value into the domain's text; percents become exact fractions."""
    text = _clean(raw)
    if name not in PERCENT or not text or len(text) > 40:
        return text, None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text, None
    if not number.is_finite():
        return text, None
    if name in WIN_RATES and 0 < number < 1:
        guess = _percent_text(number * 100)
        return "", f"Did you mean {guess}%? Enter {guess} for {guess}%."
    return format(number.scaleb(-2), "f"), None


def to_domain(form: SizerForm) -> tuple[dict[str, object], dict[str, str]]:
    """Build the domain's input from the form, with the form's own messages by input name."""
    data: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name in TOP_NAMES:
        data[name], message = _domain_value(name, form.values.get(name, ""))
        if message:
            errors[name] = message
    stages = []
    for index, row in enumerate(form.rows):
        if not _filled(row):
            continue  # kept rows come first, so the domain's index is the row's index
        stage: dict[str, object] = {}
        for name in STAGE_NAMES:
            stage[name], message = _domain_value(name, row.get(name, ""))
            if message:
                errors[form.stage_input(index, name)] = message
        stages.append(stage)
    if stages:
        data["stages"] = stages
    return data, errors


def _percent_words(message: str) -> str:
    """Reword a domain message about a fraction so it talks in percent."""
    if message.startswith("must be at most 1:"):
        return "must be at most 100%"
    less = re.fullmatch(r"must be less than 1: (.*?)(?: \(write .*\))?", message)
    if less:
        return f"must be less than 100%: {less.group(1)}"
    if message.startswith("must be a number such as"):
        return "must be a number of percent, such as 20"
    return re.sub(r"previous stage's \(([0-9.]+)\)",
                  lambda m: f"previous stage's ({_percent_text(Decimal(m.group(1)) * 100)}%)",
                  message)


def _sentence(label: str, message: str) -> str:
    message = message.replace("period_days", "the length of the period")
    return f"{label} {message}."


def form_errors(domain: Mapping[str, str]) -> dict[str, str]:
    """Map the domain's field names to input names and its messages to the form's words."""
    errors: dict[str, str] = {}
    for key, message in domain.items():
        stage = DOMAIN_STAGE_KEY.fullmatch(key)
        name = stage.group(2) if stage else key
        if name in PERCENT:
            message = _percent_words(message)
        if stage:
            column = next((c.label for c in STAGE_COLUMNS if c.name == name), name)
            label = f"Stage {int(stage.group(1)) + 1} {column.lower()}"
            errors[f"stages-{stage.group(1)}-{name}"] = _sentence(label, message)
        elif key in FIELDS or key == "currency":
            errors[key] = _sentence(FIELDS[key].label if key in FIELDS else "Currency", message)
        else:
            errors["goal"] = _sentence(key, message)  # cannot come from this form; show it
    return errors


def _in_form_order(form: SizerForm, errors: dict[str, str]) -> dict[str, str]:
    order = [*TOP_NAMES] + [form.stage_input(i, name)
                            for i in range(len(form.rows)) for name in STAGE_NAMES]
    return {key: errors[key] for key in sorted(errors, key=order.index)}


def compute(form: SizerForm) -> tuple[SizerInput, SizerResult] | None:
    """Size the pipeline from the form; on any fault, fill form.errors and return None."""
    data, errors = to_domain(form)
    try:
        inp, result = parse_and_size(data)
    except InvalidInput as bad:
        errors = {**form_errors(bad.errors), **errors}
    if errors:
        form.errors = _in_form_order(form, errors)
        return None
    return inp, result


# ---------------------------------------------------------------------------------------------
# The result in words


@dataclass(frozen=True)
class Words:
    """Sentences for people, built from the figures."""

    headline: str
    lines: tuple[str, ...]


def _need_words(res: SizerResult, inp: SizerInput) -> list[str]:
    def c(value: Fraction) -> str:
        return fmt.compact_money(value, res.currency)

    rule = f"{fmt.plain(res.naive.multiple)}x"
    if res.gap == 0:
        return []
    if res.naive.verdict == "equal":
        need = f"{fmt.multiple(res.coverage_required)}, exactly the {rule} rule of thumb."
        verdict = f"A fixed {rule} ({c(res.naive.pipeline)}) is just right here."
    else:
        need = f"{fmt.multiple(res.coverage_required)}, not {rule}."
        if res.naive.verdict == "under-covered":
            verdict = (f"A fixed {rule} ({c(res.naive.pipeline)}) would leave you "
                       f"{c(-res.naive.difference)} short: under-covered.")
        else:
            verdict = (f"A fixed {rule} ({c(res.naive.pipeline)}) would ask for "
                       f"{c(res.naive.difference)} more than you need: over-covered.")
    return [
        f"You need {c(res.required_pipeline)} of pipeline to close the {c(res.gap)} still to "
        f"go: {need}",
        verdict,
        f"That is {res.wins_needed} wins of {c(inp.deal_size)} on average, from "
        f"{res.opportunities_needed} opportunities.",
    ]


def _standing_words(res: SizerResult, inp: SizerInput) -> list[str]:
    if res.standing_multiple is None:
        return []
    rule = f"{fmt.plain(res.naive.multiple)}x"
    if res.standing_multiple < res.naive.multiple:
        compare = f"a fixed {rule} would over-fill it."
    elif res.standing_multiple > res.naive.multiple:
        compare = f"a fixed {rule} would leave it short."
    else:
        compare = f"exactly what a fixed {rule} gives."
    return [
        f"As a standing pipeline you need {fmt.compact_money(res.standing_pipeline, res.currency)}"
        f" open at any time ({fmt.multiple(res.standing_multiple)} your goal): {compare} "
        f"That is about {res.standing_opportunities} open deals.",
    ]


def _pace_words(res: SizerResult, inp: SizerInput) -> list[str]:
    pace = res.creation
    lines = []
    if pace.per_week > 0:
        lines.append(
            f"To keep it full, create {fmt.compact_money(pace.per_week, res.currency)} of new "
            f"pipeline a week ({fmt.compact_money(pace.per_month, res.currency)} a month): "
            f"{fmt.plain(pace.opportunities_per_week)} new opportunities a week, so aim for "
            f"{pace.opportunities_per_week_target}.")
    if res.last_creation_day > 0:
        lines.append(
            f"The last day to create a deal that still closes this period is day "
            f"{fmt.plain(res.last_creation_day)} of {inp.period_days}"
            + (f"; today is day {inp.days_elapsed}." if inp.days_elapsed else "."))
    else:
        lines.append("No deal created during this period is expected to close within it: "
                     "the sales cycle is at least as long as the period.")
    return lines


def _current_words(res: SizerResult) -> list[str]:
    now = res.current
    if now is None:
        return []

    def c(value: Fraction) -> str:
        return fmt.compact_money(value, res.currency)

    if now.coverage is None:
        cover = f"Your current pipeline is {c(now.pipeline)}."
    else:
        cover = (f"Your current pipeline of {c(now.pipeline)} covers "
                 f"{fmt.multiple(now.coverage)} the {c(res.gap)} still to go.")
    if now.shortfall > 0:
        cover += f" You are {c(now.shortfall)} short of the {c(res.required_pipeline)} you need."
    elif res.gap > 0:
        cover += " That is all the pipeline you need."
    expect = f"Weighted by its chances it should bring in {c(now.expected_value)}"
    if now.expected_gap > 0:
        expect += (f"; to close the other {c(now.expected_gap)}, create "
                   f"{c(now.new_first_stage_pipeline)} of new pipeline "
                   f"(about {now.new_opportunities} opportunities).")
    else:
        expect += ": enough to close the gap."
    return [cover, expect]


def words(res: SizerResult, inp: SizerInput) -> Words:
    """Say what the figures mean, one plain sentence at a time."""
    need = _need_words(res, inp)
    lines = (*need, *_standing_words(res, inp), *_current_words(res), *_pace_words(res, inp))
    headline = need[0] if need else (res.warnings[0] if res.warnings else lines[0])
    return Words(headline, tuple(lines))


# ---------------------------------------------------------------------------------------------
# The page


def page_context(args: Mapping[str, str]) -> dict[str, object]:
    form = read_form(args)
    editing = "add_stage" in args  # changing rows is not asking for a result yet
    submitted = any(name in args for name in TOP_NAMES)
    sized = compute(form) if submitted and not editing else None
    page_url = url_for("sizer.page")  # once per request: the form's action and the example link
    context: dict[str, object] = {
        "form": form, "groups": GROUPS, "columns": STAGE_COLUMNS, "submitted": submitted,
        "page_url": page_url, "example_url": f"{page_url}?{BRIGHTLINE_QUERY}", "fmt": fmt,
    }
    if sized is not None:
        inp, res = sized
        context.update(inp=inp, res=res, words=words(res, inp), charts=fmt.charts(res))
    return context


@bp.get("/sizer")
def page():  # type: ignore[no-untyped-def]
    context = page_context(request.args)
    if request.args.get("partial"):
        return render_template("sizer/_result.html", partial=True, **context)
    return render_template("sizer/page.html", **context)


@bp.app_template_global("sizer_preset_form")
def preset_form(options: Mapping[str, str]) -> SizerForm:
    """Build the embedded form from a lesson's presets (fractions, as in the API)."""
    values = dict(DEFAULTS)
    for name, raw in options.items():
        values[name] = raw
        if name in PERCENT:
            # A bad preset shows as typed; the full sizer explains what is wrong with it.
            with suppress(InvalidOperation):
                values[name] = _percent_text(Decimal(raw) * 100)
    return SizerForm(values, [dict.fromkeys(STAGE_NAMES, "") for _ in range(MIN_ROWS)])


@bp.app_template_global("sizer_groups")
def sizer_groups() -> tuple[tuple[tuple[str, tuple[Field, ...]], ...], tuple[Field, ...]]:
    """Give templates outside this blueprint the form's field groups and stage columns."""
    return GROUPS, STAGE_COLUMNS
