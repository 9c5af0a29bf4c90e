"""Size a sales team seller by seller: read the table (typed or CSV), size, total, write CSV.

Pure: plain values in, plain values out; no Flask. Each seller is sized by
`course.pipeline.sizing`, exactly; rounding happens only when the results are written.

Rules a person sees on the page:
- Win rates are in percent: "20" and "20%" both mean 20%. A value between 0 and 1 is refused
  with "did you mean 20%?", because 0.2 would otherwise silently mean 0.2%.
- If any row has a fault, no seller is imported: every fault is listed with its row and column.
- Rows are numbered as a spreadsheet shows them: in a CSV the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from course.pipeline.currency import is_known_currency, round_half_up, round_money
from course.pipeline.errors import InvalidInput
from course.pipeline.sizing import SizerInput, SizerResult, parse_sizer_input, size_pipeline

MAX_ROWS = 500
MAX_BYTES = 200 * 1024
MAX_NAME = 100
DEFAULT_PERIOD = 365
ZERO = Fraction(0)


@dataclass(frozen=True)
class Column:
    """One column of the team table: its CSV header, its label for people, and its kind."""

    name: str
    label: str
    kind: str  # "text", "money", "percent", "days" or "whole"
    required: bool = False


COLUMNS = (
    Column("name", "Name", "text", required=True),
    Column("goal", "Goal", "money", required=True),
    Column("win_rate", "Win rate", "percent", required=True),
    Column("deal_size", "Deal size", "money", required=True),
    Column("cycle_days", "Sales cycle", "days", required=True),
    Column("current_pipeline", "Current pipeline", "money"),
    Column("booked", "Booked", "money"),
    Column("period_days", "Period", "whole"),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED = tuple(column.name for column in COLUMNS if column.required)

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_FIELD_KEY = re.compile(r"rows-(\d{1,3})-([a-z_]+)")


# ---------------------------------------------------------------------------------------------
# Values in and out


@dataclass(frozen=True)
class RowText:
    """One seller as typed: the row number people see and the text of each column."""

    row: int
    values: Mapping[str, str] = field(hash=False)

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def is_blank(self) -> bool:
        return not any(text.strip() for text in self.values.values())


@dataclass(frozen=True)
class Fault:
    """One thing wrong: where (row and column, None for the whole table) and why."""

    row: int | None
    column: str | None
    message: str
    value: str = ""

    def key(self) -> str:
        if self.row is None:
            return self.column or "table"
        return f"row {self.row}: {self.column}" if self.column else f"row {self.row}"


class TeamInputError(InvalidInput):
    """A team table with faults; `faults` lists every one, in table order."""

    def __init__(self, faults: Sequence[Fault]) -> None:
        ordered = sorted(faults, key=_fault_order)
        super().__init__({fault.key(): fault.message for fault in ordered})
        self.faults = tuple(ordered)


def _fault_order(fault: Fault) -> tuple[int, int]:
    column = COLUMN_NAMES.index(fault.column) if fault.column in COLUMN_NAMES else -1
    return (fault.row or 0, column)


@dataclass(frozen=True)
class Seller:
    """One seller, read and checked: the sizer's input plus who it is."""

    row: int
    name: str
    sizer: SizerInput


@dataclass(frozen=True)
class SellerResult:
    """One seller sized."""

    row: int
    name: str
    inp: SizerInput
    res: SizerResult

    @property
    def current_pipeline(self) -> Fraction | None:
        return None if self.res.current is None else self.res.current.pipeline

    @property
    def coverage(self) -> Fraction | None:
        return None if self.res.current is None else self.res.current.coverage

    @property
    def shortfall(self) -> Fraction | None:
        return None if self.res.current is None else self.res.current.shortfall


@dataclass(frozen=True)
class TeamTotal:
    """The team added up, exactly. Current pipeline counts only sellers who gave one."""

    sellers: int
    goal: Fraction
    booked: Fraction
    gap: Fraction
    required_pipeline: Fraction
    current_pipeline: Fraction | None
    coverage: Fraction | None
    shortfall: Fraction
    per_week: Fraction
    opportunities_per_week: Fraction
    opportunities_per_week_target: int
    wins_needed: int
    opportunities_needed: int


@dataclass(frozen=True)
class TeamResult:
    """Every seller sized, in table order, and the team total."""

    currency: str
    sellers: tuple[SellerResult, ...]
    total: TeamTotal


# ---------------------------------------------------------------------------------------------
# Reading a CSV file


def parse_csv(data: bytes | str) -> tuple[RowText, ...]:
    """Split a CSV file into rows of text; raise TeamInputError if the file itself is wrong.

    Values are not checked here (read_team does that). Blank lines are skipped but counted,
    so row numbers match a spreadsheet's: the header is row 1.
    """
    rows, faults = _split_csv(data)
    if faults:
        raise TeamInputError(faults)
    return rows


def read_csv(data: bytes | str, currency: str = "USD") -> tuple[Seller, ...]:
    """Read and check a CSV file; raise TeamInputError listing every fault of every row."""
    rows, faults = _split_csv(data)
    try:
        sellers = read_team(rows, currency)
    except TeamInputError as bad:
        # A column missing from the header is reported once, not once for every row.
        missing = {f.column for f in faults if f.row == 1 and f.message.startswith("is missing")}
        faults += [f for f in bad.faults if f.column not in missing or f.row is None]
        raise TeamInputError(faults) from None
    if faults:
        raise TeamInputError(faults)
    return sellers


def _split_csv(data: bytes | str) -> tuple[tuple[RowText, ...], list[Fault]]:
    """Return the rows and the faults of the header and row shapes; raise if unreadable."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise TeamInputError([Fault(None, "file", f"is larger than {MAX_BYTES // 1024} KB: "
                                                  f"split the team into smaller files")])
    try:
        text = raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError:
        raise TeamInputError([Fault(None, "file", "is not UTF-8 text: save it as "
                                                  "\"CSV UTF-8\" and upload it again")]) from None
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as error:
        raise TeamInputError([Fault(None, "file", f"cannot be read as CSV: {error}")]) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise TeamInputError([Fault(None, "file", "is empty: the first row must name the "
                                                  f"columns, such as {', '.join(REQUIRED)}")])
    header = [_header_name(cell) for cell in records[0]]
    faults = _header_faults(header)
    rows: list[RowText] = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if any(cell.strip() for cell in cells[len(header):]):
            faults.append(Fault(number, None, f"has {len(cells)} cells but the header names "
                                              f"{len(header)} columns"))
        rows.append(RowText(number, {name: cell for name, cell in zip(header, cells, strict=False)
                                     if name in BY_NAME}))
    if len(rows) > MAX_ROWS:
        raise TeamInputError([Fault(None, "file", f"has {len(rows)} sellers: "
                                                  f"at most {MAX_ROWS} at once")])
    return tuple(rows), faults


def _delimiter(text: str) -> str:
    """Take ";" when the header uses it and no comma (spreadsheets in many locales save so)."""
    first = text.split("\n", 1)[0]
    return ";" if ";" in first and "," not in first else ","


def _header_name(cell: str) -> str:
    """Read a header cell case-insensitively: "Win Rate" and "win-rate" mean win_rate."""
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def _header_faults(header: list[str]) -> list[Fault]:
    faults: list[Fault] = []
    known = ", ".join(COLUMN_NAMES)
    for index, name in enumerate(header, start=1):
        if not name:
            faults.append(Fault(1, f"column {index}", "has no name in the header row"))
        elif name not in BY_NAME:
            faults.append(Fault(1, name, f"is not a column this page knows: use {known}", name))
        elif header.index(name) != index - 1:
            faults.append(Fault(1, name, "appears twice in the header row", name))
    for name in REQUIRED:
        if name not in header:
            faults.append(Fault(1, name, "is missing from the header row: it is required", ""))
    return faults


# ---------------------------------------------------------------------------------------------
# Reading the typed table (form fields or a query string)


def rows_from_fields(fields: Mapping[str, str], limit: int = MAX_ROWS) -> list[RowText]:
    """Collect rows-<i>-<column> fields into rows, filled rows first, numbered from 1.

    Blank rows are dropped so the numbers people see match the rows that are kept.
    """
    typed: dict[int, dict[str, str]] = {}
    for key, value in fields.items():
        match = _FIELD_KEY.fullmatch(key)
        if match and match.group(2) in BY_NAME and int(match.group(1)) < limit:
            typed.setdefault(int(match.group(1)), {})[match.group(2)] = value
    kept = [values for _, values in sorted(typed.items())
            if any(text.strip() for text in values.values())]
    return [RowText(number, values) for number, values in enumerate(kept, start=1)]


def field_name(row: int, column: str) -> str:
    """Name the form field of a row (numbered from 1) and column: rows-0-name for row 1."""
    return f"rows-{row - 1}-{column}"


def fields_from_rows(rows: Iterable[RowText]) -> list[tuple[str, str]]:
    """Write rows back as form fields, leaving out blank cells (the query stays short)."""
    return [(field_name(number, name), row.get(name))
            for number, row in enumerate(rows, start=1)
            for name in COLUMN_NAMES if row.get(name).strip()]


# ---------------------------------------------------------------------------------------------
# Checking the values


def read_team(rows: Sequence[RowText], currency: str = "USD") -> tuple[Seller, ...]:
    """Check every row; return the sellers, or raise TeamInputError listing every fault."""
    faults: list[Fault] = []
    if not is_known_currency(currency):
        faults.append(Fault(None, "currency", "is not a known ISO 4217 code, such as USD"))
    filled = [row for row in rows if not row.is_blank()]
    if not filled:
        faults.append(Fault(None, "table", "has no sellers: add at least one row"))
    if len(filled) > MAX_ROWS:
        faults.append(Fault(None, "table", f"has {len(filled)} sellers: at most {MAX_ROWS}"))
    sellers: list[Seller] = []
    for row in filled:
        seller, row_faults = _read_row(row, currency if is_known_currency(currency) else "USD")
        faults.extend(row_faults)
        if seller is not None:
            sellers.append(seller)
    if faults:
        raise TeamInputError(faults)
    return tuple(sellers)


def _read_row(row: RowText, currency: str) -> tuple[Seller | None, list[Fault]]:
    faults: list[Fault] = []
    name = " ".join(row.get("name").split())
    if not name:
        faults.append(Fault(row.row, "name", "is required"))
    elif len(name) > MAX_NAME:
        faults.append(Fault(row.row, "name", f"is longer than {MAX_NAME} characters", name))
    data: dict[str, object] = {"currency": currency}
    for column in COLUMNS[1:]:
        raw = row.get(column.name)
        text, message = domain_text(column, raw)
        if message:
            faults.append(Fault(row.row, column.name, message, raw.strip()))
        else:
            data[column.name] = text
    try:
        inp = parse_sizer_input(data)
    except InvalidInput as bad:
        seen = {fault.column for fault in faults}
        faults.extend(Fault(row.row, key, _words(key, message), row.get(key).strip())
                      for key, message in bad.errors.items() if key not in seen)
        return None, faults
    return (Seller(row.row, name, inp), faults) if not faults else (None, faults)


def clean_number(raw: str) -> str:
    """Drop what people type around numbers: spaces, a currency sign, %, thousands commas."""
    text = raw.strip().strip("$€£¥₹%").strip()
    return text.replace(",", "") if _THOUSANDS.fullmatch(text) else text


def domain_text(column: Column, raw: str) -> tuple[str, str | None]:
    """Turn one cell into the sizer's text (percent becomes a fraction), or give a message."""
    text = clean_number(raw)
    if column.kind != "percent" or not text or len(text) > 40:
        return text, None  # the sizer says what is wrong with a blank or an overlong value
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text, None  # the sizer says what is wrong with it
    if not number.is_finite():
        return text, None
    if 0 < number < 1:
        guess = format((number * 100).normalize(), "f")
        return "", f"did you mean {guess}%? Win rates are in percent: write {guess} for {guess}%"
    if number > 100:
        return "", "must be at most 100%"
    return format(number.scaleb(-2), "f"), None


def _words(column: str, message: str) -> str:
    """Reword the sizer's messages about fractions for a column typed in percent."""
    percent = column in BY_NAME and BY_NAME[column].kind == "percent"
    if percent and message.startswith("must be a number"):
        return "must be a number of percent, such as 20"
    return message


# ---------------------------------------------------------------------------------------------
# Sizing


def size_team(sellers: Sequence[Seller], currency: str = "USD") -> TeamResult:
    """Size each seller and add up the team, exactly."""
    results = tuple(SellerResult(s.row, s.name, s.sizer, size_pipeline(s.sizer)) for s in sellers)
    return TeamResult(currency, results, _total(results))


def _total(sellers: Sequence[SellerResult]) -> TeamTotal:
    def total(values: Iterable[Fraction]) -> Fraction:
        return sum(values, ZERO)

    gap = total(s.res.gap for s in sellers)
    known = [s for s in sellers if s.res.current is not None]
    current = total(s.current_pipeline or ZERO for s in known) if known else None
    known_gap = total(s.res.gap for s in known)
    return TeamTotal(
        sellers=len(sellers),
        goal=total(s.inp.goal for s in sellers),
        booked=total(s.inp.booked for s in sellers),
        gap=gap,
        required_pipeline=total(s.res.required_pipeline for s in sellers),
        current_pipeline=current,
        coverage=current / known_gap if current is not None and known_gap else None,
        # Per seller, then added: one seller's surplus does not close another's shortfall.
        shortfall=total(s.shortfall or ZERO for s in known),
        per_week=total(s.res.creation.per_week for s in sellers),
        opportunities_per_week=total(s.res.creation.opportunities_per_week for s in sellers),
        opportunities_per_week_target=sum(
            s.res.creation.opportunities_per_week_target for s in sellers),
        wins_needed=sum(s.res.wins_needed for s in sellers),
        opportunities_needed=sum(s.res.opportunities_needed for s in sellers),
    )


def size_csv(data: bytes | str, currency: str = "USD") -> TeamResult:
    """Read, check and size a CSV file in one call; raise TeamInputError listing every fault."""
    return size_team(read_csv(data, currency), currency)


# ---------------------------------------------------------------------------------------------
# Writing CSV


RESULT_HEADER = (
    "row", "name", "currency", "goal", "booked", "win_rate_percent", "deal_size", "cycle_days",
    "period_days", "gap", "required_pipeline", "coverage_required", "current_pipeline",
    "current_coverage", "shortfall", "new_pipeline_per_week", "opportunities_per_week",
    "opportunities_per_week_target", "wins_needed", "opportunities_needed",
)
# A cell starting with one of these is a formula to a spreadsheet; a quote keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def ratio(value: Fraction | None) -> str:
    """Write a ratio half-up to 4 decimals, without trailing zeros ("" when there is none)."""
    if value is None:
        return ""
    text = str(round_half_up(value, 4))
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def results_csv(team: TeamResult) -> str:
    """Write one row per seller and a TOTAL row; money as plain decimals in the minor unit."""
    def money(value: Fraction | None) -> str:
        return "" if value is None else str(round_money(value, team.currency))

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RESULT_HEADER)
    for s in team.sellers:
        creation = s.res.creation
        writer.writerow([
            s.row, _cell(s.name), team.currency, money(s.inp.goal), money(s.inp.booked),
            ratio(s.inp.win_rate * 100), money(s.inp.deal_size), ratio(s.inp.cycle_days),
            s.inp.period_days, money(s.res.gap), money(s.res.required_pipeline),
            ratio(s.res.coverage_required), money(s.current_pipeline), ratio(s.coverage),
            money(s.shortfall), money(creation.per_week), ratio(creation.opportunities_per_week),
            creation.opportunities_per_week_target, s.res.wins_needed, s.res.opportunities_needed,
        ])
    t = team.total
    writer.writerow([
        "", "TOTAL", team.currency, money(t.goal), money(t.booked), "", "", "", "",
        money(t.gap), money(t.required_pipeline),
        ratio(t.required_pipeline / t.gap) if t.gap else "", money(t.current_pipeline),
        ratio(t.coverage), money(t.shortfall if t.current_pipeline is not None else None),
        money(t.per_week), ratio(t.opportunities_per_week), t.opportunities_per_week_target,
        t.wins_needed, t.opportunities_needed,
    ])
    return out.getvalue()


def input_csv(rows: Iterable[RowText]) -> str:
    """Write rows back as an input CSV (every column), so they can be sent again or edited."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    for row in rows:
        writer.writerow([row.get(name) for name in COLUMN_NAMES])
    return out.getvalue()


# The Brightline team of the course's running case: six AEs on the same plan, with the
# pipeline each has open today (made up for the example).
BRIGHTLINE_TEAM = (
    ("Priya Raman", "5200000"),
    ("Marcus Webb", "3100000"),
    ("Lena Hoffmann", "4600000"),
    ("Tom Alvarez", "1800000"),
    ("Aisha Bello", "2400000"),
    ("Jonas Berg", "5000000"),
)


def brightline_rows() -> tuple[RowText, ...]:
    """Return the Brightline team as typed rows: $1,000,000 goal, 20%, $50,000, 120 days."""
    return tuple(
        RowText(number, {"name": name, "goal": "1000000", "win_rate": "20", "deal_size": "50000",
                         "cycle_days": "120", "current_pipeline": current})
        for number, (name, current) in enumerate(BRIGHTLINE_TEAM, start=1))


def template_csv() -> str:
    """Return the CSV template to fill in: the header and the Brightline team as an example."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = ("name", "goal", "win_rate", "deal_size", "cycle_days", "current_pipeline")
    writer.writerow(names)
    for row in brightline_rows():
        writer.writerow([row.get(name) for name in names])
    return out.getvalue()
