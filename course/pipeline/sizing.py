"""The pipeline sizer of SIZER.md: read the raw input, size the pipeline exactly, shape the API.

Every figure is computed with `Fraction`; rounding happens only in `result_to_json` (money
half-up to the currency's minor unit, ratios half-up to 4 decimals, counts of deals up).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from course.pipeline.currency import format_money, is_known_currency, round_half_up, round_money
from course.pipeline.errors import InvalidInput

ZERO = Fraction(0)

# Sanity bounds on any number, so that no input can make exact arithmetic slow.
MAX_MAGNITUDE = 10**15
MAX_PLACES = 20
MAX_TEXT = 40

TOP_FIELDS = (
    "currency", "goal", "period_days", "days_elapsed", "booked", "deal_size", "win_rate",
    "cycle_days", "slippage", "create_and_close", "naive_multiple", "current_pipeline", "stages",
)
STAGE_FIELDS = ("name", "win_probability", "days_in_stage", "open_value", "open_count")

# The flags, always listed in this order.
GOAL_MET = "goal_met"
CYCLE_LONGER_THAN_PERIOD = "cycle_longer_than_period"
PAST_CREATION_DEADLINE = "past_creation_deadline"
WIN_RATE_CERTAIN = "win_rate_certain"
WIN_RATE_NOT_FIRST_STAGE = "win_rate_not_first_stage"
FLAG_ORDER = (
    GOAL_MET, CYCLE_LONGER_THAN_PERIOD, PAST_CREATION_DEADLINE, WIN_RATE_CERTAIN,
    WIN_RATE_NOT_FIRST_STAGE,
)


# ---------------------------------------------------------------------------------------------
# Values in and out


@dataclass(frozen=True, kw_only=True)
class StageInput:
    """One pipeline stage as given: its win probability, and optionally time and open deals."""

    name: str
    win_probability: Fraction
    days_in_stage: Fraction | None = None
    open_value: Fraction | None = None
    open_count: int | None = None


@dataclass(frozen=True, kw_only=True)
class SizerInput:
    """The sizer's inputs after defaults, as exact values (see SIZER.md, Inputs)."""

    currency: str = "USD"
    goal: Fraction
    period_days: int = 365
    days_elapsed: int = 0
    booked: Fraction = ZERO
    deal_size: Fraction
    win_rate: Fraction
    cycle_days: Fraction
    slippage: Fraction = ZERO
    create_and_close: Fraction = ZERO
    naive_multiple: Fraction = Fraction(3)
    current_pipeline: Fraction | None = None
    stages: tuple[StageInput, ...] = ()


@dataclass(frozen=True)
class NaiveComparison:
    """The rule-of-thumb pipeline (multiple × gap) held against the required one."""

    multiple: Fraction
    pipeline: Fraction
    difference: Fraction
    verdict: str
    implied_win_rate: Fraction


@dataclass(frozen=True)
class Creation:
    """The pace at which new pipeline must be created to keep the standing pipeline full."""

    per_day: Fraction
    per_week: Fraction
    per_month: Fraction
    opportunities_per_week: Fraction
    opportunities_per_week_target: int


@dataclass(frozen=True)
class CurrentPosition:
    """How the pipeline open now compares with what is required."""

    pipeline: Fraction
    coverage: Fraction | None
    shortfall: Fraction
    expected_value: Fraction
    expected_gap: Fraction
    new_first_stage_pipeline: Fraction
    new_opportunities: int


@dataclass(frozen=True)
class StageResult:
    """What one stage must hold: the whole gap's value, and a steady-state count if timed."""

    name: str
    whole_gap_value: Fraction
    target_count: Fraction | None
    target_count_ceil: int | None
    target_value: Fraction | None


@dataclass(frozen=True)
class SizerResult:
    """Every output of SIZER.md, exact; counts of deals are already whole (rounded up)."""

    currency: str
    gap: Fraction
    coverage_required: Fraction
    required_pipeline: Fraction
    wins_needed: int
    opportunities_needed: int
    naive: NaiveComparison
    standing_pipeline: Fraction
    standing_multiple: Fraction | None
    standing_opportunities: int
    creation: Creation
    last_creation_day: Fraction
    current: CurrentPosition | None
    stages: tuple[StageResult, ...]
    flags: tuple[str, ...]
    warnings: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Rules: one message per broken rule, in plain words


_Rule = Callable[[Fraction], str | None]


def _money_rule(value: Fraction) -> str | None:
    return "must be 0 or more" if value < 0 else None


def _deal_size_rule(value: Fraction) -> str | None:
    if value <= 0:
        return "must be greater than 0: it is the average value of a won deal"
    return None


def _probability_rule(value: Fraction) -> str | None:
    if value <= 0:
        return "must be greater than 0: with no wins the pipeline needed is unbounded"
    if value > 1:
        return "must be at most 1: it is a fraction, so write 20% as 0.2"
    return None


def _cycle_rule(value: Fraction) -> str | None:
    if value <= 0:
        return "must be greater than 0: a deal takes some days from entering the pipeline to close"
    return None


def _slippage_rule(value: Fraction) -> str | None:
    if value < 0:
        return "must be 0 or more"
    if value >= 1:
        return (
            "must be less than 1: if all pipeline value slips out of the period, no amount of "
            "pipeline is enough (write 10% as 0.1)"
        )
    return None


def _create_and_close_rule(value: Fraction) -> str | None:
    if value < 0:
        return "must be 0 or more"
    if value >= 1:
        return (
            "must be less than 1: it is the share of bookings from deals not yet in the "
            "pipeline (write 25% as 0.25)"
        )
    return None


def _positive_rule(value: Fraction) -> str | None:
    return "must be greater than 0" if value <= 0 else None


def _period_rule(value: Fraction) -> str | None:
    return "must be at least 1 day" if value < 1 else None


def _days_in_stage_rule(value: Fraction) -> str | None:
    return "must be greater than 0 days" if value <= 0 else None


_TOP_RULES: dict[str, _Rule] = {
    "goal": _money_rule,
    "period_days": _period_rule,
    "days_elapsed": _money_rule,
    "booked": _money_rule,
    "deal_size": _deal_size_rule,
    "win_rate": _probability_rule,
    "cycle_days": _cycle_rule,
    "slippage": _slippage_rule,
    "create_and_close": _create_and_close_rule,
    "naive_multiple": _positive_rule,
    "current_pipeline": _money_rule,
}
_STAGE_RULES: dict[str, _Rule] = {
    "win_probability": _probability_rule,
    "days_in_stage": _days_in_stage_rule,
    "open_value": _money_rule,
    "open_count": _money_rule,
}


def _rule_errors(
    top: Mapping[str, Fraction], stages: Sequence[Mapping[str, Fraction]]
) -> dict[str, str]:
    """Check every rule whose values are known; return field -> message for each broken one."""
    errors: dict[str, str] = {}
    for field, rule in _TOP_RULES.items():
        message = rule(top[field]) if field in top else None
        if message:
            errors[field] = message
    period, elapsed = top.get("period_days"), top.get("days_elapsed")
    both_valid = not {"period_days", "days_elapsed"} & errors.keys()
    if period is not None and elapsed is not None and both_valid and elapsed > period:
        errors["days_elapsed"] = (
            f"must not be more than period_days ({period}): the days elapsed lie inside the period"
        )
    errors.update(_stage_rule_errors(stages))
    return errors


def _stage_rule_errors(stages: Sequence[Mapping[str, Fraction]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    previous: Fraction | None = None
    for index, stage in enumerate(stages):
        for field, rule in _STAGE_RULES.items():
            message = rule(stage[field]) if field in stage else None
            if message:
                errors[f"stages[{index}].{field}"] = message
        key = f"stages[{index}].win_probability"
        probability = stage.get("win_probability")
        if probability is None or key in errors:
            continue
        if previous is not None and probability < previous:
            errors[key] = (
                f"must be at least the previous stage's ({_plain(previous)}): the chance of "
                "winning rises, or stays the same, as a deal moves down the stages"
            )
        previous = probability
    return errors


def _error_order(key: str) -> tuple[int, int, int]:
    """Sort errors in the order of the form: top fields, then stages by index and field."""
    match = re.fullmatch(r"stages\[(\d+)\](?:\.(\w+))?", key)
    if match is None:
        return (TOP_FIELDS.index(key) if key in TOP_FIELDS else -1, 0, 0)
    field = match.group(2)
    position = STAGE_FIELDS.index(field) if field in STAGE_FIELDS else -1
    return (TOP_FIELDS.index("stages"), int(match.group(1)), position)


def _ordered(errors: dict[str, str]) -> dict[str, str]:
    return {key: errors[key] for key in sorted(errors, key=_error_order)}


def validate_sizer_input(inp: SizerInput) -> dict[str, str]:
    """Return field -> message for every rule of SIZER.md that `inp` breaks (empty if none)."""
    errors: dict[str, str] = {}
    if not is_known_currency(inp.currency):
        errors["currency"] = _UNKNOWN_CURRENCY
    top = {
        field: Fraction(value)
        for field in _TOP_RULES
        if (value := getattr(inp, field)) is not None
    }
    stages = [_stage_values(stage) for stage in inp.stages]
    for index, stage in enumerate(inp.stages):
        if not stage.name.strip():
            errors[f"stages[{index}].name"] = "is required"
    errors.update(_rule_errors(top, stages))
    return _ordered(errors)


def _stage_values(stage: StageInput) -> dict[str, Fraction]:
    return {
        field: Fraction(value)
        for field in _STAGE_RULES
        if (value := getattr(stage, field)) is not None
    }


# ---------------------------------------------------------------------------------------------
# Reading the raw JSON object


_TOO_LARGE = f"is too large: at most {MAX_MAGNITUDE:,}"
_UNKNOWN_CURRENCY = "is not a known ISO 4217 currency code, such as USD, EUR or JPY"
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")


class _Bad(Exception):
    """One field's value cannot be read; the message says why."""


def _is_blank(value: object) -> bool:
    """Tell whether a value means "not given": JSON null or an empty form field."""
    return value is None or (isinstance(value, str) and not value.strip())


def _to_fraction(value: object) -> Fraction:
    """Read a JSON number or decimal string exactly: 0.2 becomes 1/5, never a binary float."""
    if isinstance(value, bool):
        raise _Bad("must be a number, not true or false")
    if isinstance(value, int):
        if abs(value) > MAX_MAGNITUDE:
            raise _Bad(_TOO_LARGE)
        return _bounded(Fraction(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Bad("must be a finite number")
        # str() gives the shortest decimal that reads back as this float: 0.2 -> "0.2".
        return _bounded(Fraction(Decimal(str(value))))
    if isinstance(value, str):
        text = value.strip()
        # A length cap first: a megabyte of digits would make exact arithmetic crawl.
        if len(text) > MAX_TEXT or not _NUMBER_TEXT.fullmatch(text):
            raise _Bad("must be a number such as 1250 or 0.25")
        return _bounded(Fraction(Decimal(text)))
    raise _Bad("must be a number")



def _bounded(value: Fraction) -> Fraction:
    if abs(value) > MAX_MAGNITUDE:
        raise _Bad(_TOO_LARGE)
    if 10**MAX_PLACES % value.denominator:
        raise _Bad(f"has too many decimal places: at most {MAX_PLACES}")
    return value


def _to_whole(value: object) -> Fraction:
    number = _to_fraction(value)
    if number.denominator != 1:
        raise _Bad("must be a whole number")
    return number


class _Reader:
    """Read fields from one JSON object, collecting every fault instead of stopping at one."""

    def __init__(self, data: Mapping[str, object], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix
        self.errors: dict[str, str] = {}
        self.values: dict[str, Fraction] = {}

    def number(
        self, field: str, *, default: Fraction | None = None, whole: bool = False,
        required: bool = False,
    ) -> None:
        """Store the field's exact value (or its default); record a message if it is bad."""
        raw = self.data.get(field)
        if _is_blank(raw):
            if required:
                self.errors[self.prefix + field] = "is required"
            elif default is not None:
                self.values[field] = default
            return
        try:
            self.values[field] = _to_whole(raw) if whole else _to_fraction(raw)
        except _Bad as bad:
            self.errors[self.prefix + field] = str(bad)


def _read_currency(data: Mapping[str, object], errors: dict[str, str]) -> str:
    raw = data.get("currency")
    if _is_blank(raw):
        return "USD"
    if not isinstance(raw, str):
        errors["currency"] = "must be a currency code such as USD"
        return "USD"
    code = raw.strip().upper()
    if not is_known_currency(code):
        errors["currency"] = _UNKNOWN_CURRENCY
    return code


def _read_top(data: Mapping[str, object]) -> _Reader:
    reader = _Reader(data)
    reader.number("goal", required=True)
    reader.number("period_days", default=Fraction(365), whole=True)
    reader.number("days_elapsed", default=ZERO, whole=True)
    reader.number("booked", default=ZERO)
    reader.number("deal_size", required=True)
    reader.number("win_rate", required=True)
    reader.number("cycle_days", required=True)
    reader.number("slippage", default=ZERO)
    reader.number("create_and_close", default=ZERO)
    reader.number("naive_multiple", default=Fraction(3))
    reader.number("current_pipeline")
    return reader


def _read_stage(item: object, index: int, errors: dict[str, str]) -> tuple[str, _Reader] | None:
    prefix = f"stages[{index}]."
    if not isinstance(item, Mapping):
        errors[f"stages[{index}]"] = "must be an object with a name and a win_probability"
        return None
    name = item.get("name")
    if _is_blank(name):
        errors[prefix + "name"] = "is required"
    elif not isinstance(name, str):
        errors[prefix + "name"] = "must be text"
    reader = _Reader(item, prefix)
    reader.number("win_probability", required=True)
    reader.number("days_in_stage")
    reader.number("open_value")
    reader.number("open_count", whole=True)
    errors.update(reader.errors)
    return (name.strip() if isinstance(name, str) else "", reader)


def _read_stages(raw: object, errors: dict[str, str]) -> list[tuple[str, _Reader] | None]:
    if _is_blank(raw):
        return []
    if not isinstance(raw, (list, tuple)):
        errors["stages"] = (
            "must be a list of stages, each an object with a name and a win_probability"
        )
        return []
    return [_read_stage(item, index, errors) for index, item in enumerate(raw)]


def parse_sizer_input(data: Mapping[str, object]) -> SizerInput:
    """Read the raw JSON object into a SizerInput; raise InvalidInput listing every fault."""
    if not isinstance(data, Mapping):
        raise InvalidInput({"input": "must be a JSON object of named fields"})
    errors: dict[str, str] = {}
    currency = _read_currency(data, errors)
    top = _read_top(data)
    errors.update(top.errors)
    stages = _read_stages(data.get("stages"), errors)
    stage_values = [stage[1].values if stage else {} for stage in stages]
    errors.update(_rule_errors(top.values, stage_values))
    if errors:
        raise InvalidInput(_ordered(errors))
    return _build_input(currency, top.values, stages)


def _build_input(
    currency: str, values: Mapping[str, Fraction], stages: list[tuple[str, _Reader] | None]
) -> SizerInput:
    return SizerInput(
        currency=currency,
        goal=values["goal"],
        period_days=int(values["period_days"]),
        days_elapsed=int(values["days_elapsed"]),
        booked=values["booked"],
        deal_size=values["deal_size"],
        win_rate=values["win_rate"],
        cycle_days=values["cycle_days"],
        slippage=values["slippage"],
        create_and_close=values["create_and_close"],
        naive_multiple=values["naive_multiple"],
        current_pipeline=values.get("current_pipeline"),
        stages=tuple(_build_stage(stage) for stage in stages if stage is not None),
    )


def _build_stage(stage: tuple[str, _Reader]) -> StageInput:
    name, reader = stage
    count = reader.values.get("open_count")
    return StageInput(
        name=name,
        win_probability=reader.values["win_probability"],
        days_in_stage=reader.values.get("days_in_stage"),
        open_value=reader.values.get("open_value"),
        open_count=None if count is None else int(count),
    )


# ---------------------------------------------------------------------------------------------
# Sizing


def size_pipeline(inp: SizerInput) -> SizerResult:
    """Size the pipeline exactly as SIZER.md says; raise InvalidInput if `inp` breaks a rule."""
    errors = validate_sizer_input(inp)
    if errors:
        raise InvalidInput(errors)
    return _size_valid(inp)


def parse_and_size(data: Mapping[str, object]) -> tuple[SizerInput, SizerResult]:
    """Read the raw JSON object and size it; raise InvalidInput listing every fault.

    The same as size_pipeline(parse_sizer_input(data)), but the rules are checked once:
    parse_sizer_input has already checked every rule that validate_sizer_input would.
    """
    inp = parse_sizer_input(data)
    return inp, _size_valid(inp)


def _size_valid(inp: SizerInput) -> SizerResult:
    """Size an input that breaks no rule of SIZER.md."""
    gap = max(inp.goal - inp.booked, ZERO)
    coverage = (1 - inp.create_and_close) / (inp.win_rate * (1 - inp.slippage))
    required = gap * coverage
    wins = math.ceil(gap / inp.deal_size)
    # Won value needed per day, in steady state (Little's law: stock = flow x time).
    won_per_day = inp.goal / inp.period_days
    standing = won_per_day * inp.cycle_days / inp.win_rate
    flags = _flags(inp, gap)
    return SizerResult(
        currency=inp.currency,
        gap=gap,
        coverage_required=coverage,
        required_pipeline=required,
        wins_needed=wins,
        # Whole wins first: 3 wins at 30% is exactly 10 opportunities.
        opportunities_needed=math.ceil(wins * coverage),
        naive=_naive(inp.naive_multiple, gap, required),
        standing_pipeline=standing,
        standing_multiple=standing / inp.goal if inp.goal else None,
        standing_opportunities=math.ceil(standing / inp.deal_size),
        creation=_creation(won_per_day / inp.win_rate, inp.deal_size),
        last_creation_day=inp.period_days - inp.cycle_days,
        current=_current(inp, gap, required),
        stages=tuple(_stage_result(stage, gap, won_per_day / inp.deal_size, inp.deal_size)
                     for stage in inp.stages),
        flags=flags,
        warnings=tuple(_warning(flag, inp) for flag in flags),
    )


def _naive(multiple: Fraction, gap: Fraction, required: Fraction) -> NaiveComparison:
    pipeline = multiple * gap
    if pipeline < required:
        verdict = "under-covered"
    elif pipeline > required:
        verdict = "over-covered"
    else:
        verdict = "equal"
    return NaiveComparison(
        multiple=multiple,
        pipeline=pipeline,
        difference=pipeline - required,
        verdict=verdict,
        implied_win_rate=1 / multiple,
    )


def _creation(per_day: Fraction, deal_size: Fraction) -> Creation:
    per_week = 7 * per_day
    return Creation(
        per_day=per_day,
        per_week=per_week,
        per_month=per_day * 365 / 12,
        opportunities_per_week=per_week / deal_size,
        opportunities_per_week_target=math.ceil(per_week / deal_size),
    )


def _current(inp: SizerInput, gap: Fraction, required: Fraction) -> CurrentPosition | None:
    if inp.stages:
        pipeline = sum((stage.open_value or ZERO for stage in inp.stages), ZERO)
        weighted = sum(
            ((stage.open_value or ZERO) * stage.win_probability for stage in inp.stages), ZERO
        )
    elif inp.current_pipeline is not None:
        pipeline = inp.current_pipeline
        weighted = pipeline * inp.win_rate
    else:
        return None
    expected = (1 - inp.slippage) * weighted
    expected_gap = max(gap - expected, ZERO)
    new_pipeline = expected_gap / inp.win_rate
    return CurrentPosition(
        pipeline=pipeline,
        coverage=pipeline / gap if gap else None,
        shortfall=max(required - pipeline, ZERO),
        expected_value=expected,
        expected_gap=expected_gap,
        new_first_stage_pipeline=new_pipeline,
        new_opportunities=math.ceil(new_pipeline / inp.deal_size),
    )


def _stage_result(
    stage: StageInput, gap: Fraction, wins_per_day: Fraction, deal_size: Fraction
) -> StageResult:
    probability = stage.win_probability
    if stage.days_in_stage is None:  # noqa: SIM108  (the comment below needs the else branch)
        count = None
    else:
        # Little's law per stage: deals entering per day (wins / p) times days spent there.
        count = wins_per_day * stage.days_in_stage / probability
    return StageResult(
        name=stage.name,
        whole_gap_value=gap / probability,
        target_count=count,
        target_count_ceil=None if count is None else math.ceil(count),
        target_value=None if count is None else count * deal_size,
    )


def _flags(inp: SizerInput, gap: Fraction) -> tuple[str, ...]:
    raised = {
        GOAL_MET: gap == 0,
        CYCLE_LONGER_THAN_PERIOD: inp.cycle_days >= inp.period_days,
        PAST_CREATION_DEADLINE: inp.days_elapsed > inp.period_days - inp.cycle_days,
        WIN_RATE_CERTAIN: inp.win_rate == 1,
        WIN_RATE_NOT_FIRST_STAGE: bool(inp.stages)
        and inp.stages[0].win_probability != inp.win_rate,
    }
    return tuple(flag for flag in FLAG_ORDER if raised[flag])


# ---------------------------------------------------------------------------------------------
# Words for people


def _plain(value: Fraction, places: int = 4) -> str:
    """Write a number briefly: 120, 0.3, 33.3333 (half-up, no trailing zeros)."""
    text = str(round_half_up(value, places))
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(value: Fraction) -> str:
    return f"{_plain(value * 100, 2)}%"


def _warning(flag: str, inp: SizerInput) -> str:
    def money(value: Fraction) -> str:
        return format_money(round_money(value, inp.currency), inp.currency)

    cycle, period = _plain(inp.cycle_days), inp.period_days
    last_day = inp.period_days - inp.cycle_days
    if flag == GOAL_MET:
        return (
            f"The goal is already met: {money(inp.booked)} booked covers the goal of "
            f"{money(inp.goal)}, so no new pipeline is needed to close the gap this period."
        )
    if flag == CYCLE_LONGER_THAN_PERIOD:
        return (
            f"The sales cycle ({cycle} days) is at least as long as the period ({period} days): "
            "deals created during the period are not expected to close within it, so this "
            "period's result rests on pipeline that is already open."
        )
    if flag == PAST_CREATION_DEADLINE:
        when = (
            f"the last day to create one was day {_plain(last_day)} of {period}, and today is "
            f"day {inp.days_elapsed}"
            if last_day > 0
            else f"no day of this {period}-day period was early enough to create one"
        )
        return (
            "New deals created now are expected to close after the period ends: with a "
            f"{cycle}-day cycle, {when}. New pipeline now counts toward the next period."
        )
    if flag == WIN_RATE_CERTAIN:
        return (
            "A win rate of 100% assumes every deal in the pipeline is won. Real pipelines lose "
            "deals, so check the rate against your closed-won and closed-lost history."
        )
    first = inp.stages[0]
    return (
        f"The first stage, {first.name}, has a win probability of "
        f"{_percent(first.win_probability)}, but the win rate is {_percent(inp.win_rate)}. "
        "The win rate should be the share of first-stage pipeline that is won, so one of the "
        "two needs a second look."
    )


# ---------------------------------------------------------------------------------------------
# The API shape


def _ratio(value: Fraction) -> float:
    """Round half-up to 4 decimals exactly, then hand over as a JSON number."""
    return float(round_half_up(value, 4))


def _day(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else _ratio(value)


def result_to_json(res: SizerResult) -> dict[str, object]:
    """Shape a result for the API: money as rounded decimal strings, ratios as floats."""
    def money(value: Fraction) -> str:
        return str(round_money(value, res.currency))

    out: dict[str, object] = {
        "currency": res.currency,
        "gap": money(res.gap),
        "coverage_required": _ratio(res.coverage_required),
        "required_pipeline": money(res.required_pipeline),
        "wins_needed": res.wins_needed,
        "opportunities_needed": res.opportunities_needed,
        "naive": {
            "multiple": _ratio(res.naive.multiple),
            "pipeline": money(res.naive.pipeline),
            "difference": money(res.naive.difference),
            "verdict": res.naive.verdict,
            "implied_win_rate": _ratio(res.naive.implied_win_rate),
        },
        "standing_pipeline": money(res.standing_pipeline),
        "standing_multiple": (
            None if res.standing_multiple is None else _ratio(res.standing_multiple)
        ),
        "standing_opportunities": res.standing_opportunities,
        "creation": {
            "per_day": money(res.creation.per_day),
            "per_week": money(res.creation.per_week),
            "per_month": money(res.creation.per_month),
            "opportunities_per_week": _ratio(res.creation.opportunities_per_week),
            "opportunities_per_week_target": res.creation.opportunities_per_week_target,
        },
        "last_creation_day": _day(res.last_creation_day),
    }
    if res.current is not None:
        out["current"] = _current_json(res.current, money)
    if res.stages:
        out["stages"] = [_stage_json(stage, money) for stage in res.stages]
    out["flags"] = list(res.flags)
    out["warnings"] = list(res.warnings)
    return out


def _current_json(current: CurrentPosition, money: Callable[[Fraction], str]) -> dict[str, object]:
    return {
        "pipeline": money(current.pipeline),
        "coverage": None if current.coverage is None else _ratio(current.coverage),
        "shortfall": money(current.shortfall),
        "expected_value": money(current.expected_value),
        "expected_gap": money(current.expected_gap),
        "new_first_stage_pipeline": money(current.new_first_stage_pipeline),
        "new_opportunities": current.new_opportunities,
    }


def _stage_json(stage: StageResult, money: Callable[[Fraction], str]) -> dict[str, object]:
    return {
        "name": stage.name,
        "whole_gap_value": money(stage.whole_gap_value),
        "target_count": None if stage.target_count is None else _ratio(stage.target_count),
        "target_count_ceil": stage.target_count_ceil,
        "target_value": None if stage.target_value is None else money(stage.target_value),
    }


def size_from_json(data: Mapping[str, object]) -> dict[str, object]:
    """Read, size and shape in one call; raise InvalidInput listing every fault."""
    return result_to_json(parse_and_size(data)[1])
