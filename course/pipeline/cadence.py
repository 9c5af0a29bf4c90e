"""Coaching cadence: the manager's meeting plan, its hours, and what to watch out for.

A plan lists recurring meetings for a team of sellers. `evaluate` turns it into hours per
seller and for the manager per month (exact fractions), sets it against the published research
figures (which disagree: 3 or 4 hours per rep per month) and warns about the common mistakes:
forecasting mixed into pipeline coaching, group status read-outs, months without pipeline
coaching, and a manager with no time left for anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, cast

from course.pipeline.errors import InvalidInput

Kind = Literal["pipeline", "deal", "prospecting", "large_account", "forecast", "team"]
Format = Literal["one_on_one", "group"]
Frequency = Literal["weekly", "biweekly", "monthly", "quarterly"]

FORMATS: tuple[Format, ...] = ("one_on_one", "group")
FREQUENCIES: tuple[Frequency, ...] = ("weekly", "biweekly", "monthly", "quarterly")

# Exact meetings per month: a year has 52 weeks and 12 months.
PER_MONTH: Mapping[Frequency, Fraction] = {
    "weekly": Fraction(52, 12),
    "biweekly": Fraction(26, 12),
    "monthly": Fraction(1),
    "quarterly": Fraction(1, 3),
}

MIN_SELLERS, MAX_SELLERS = 1, 50
MIN_MINUTES, MAX_MINUTES = 5, 480
MAX_MEETINGS, MAX_AGENDA = 20, 15
AGENDA_LIMIT, TITLE_LIMIT = 200, 80


@dataclass(frozen=True)
class MeetingType:
    """A kind of meeting with its default format, rhythm, length and agenda."""

    id: Kind
    label: str
    purpose: str
    format: Format
    frequency: Frequency
    minutes: int
    agenda: tuple[str, ...]


MEETING_TYPES: Mapping[Kind, MeetingType] = {
    t.id: t
    for t in (
        MeetingType(
            "pipeline", "Pipeline coaching",
            "Work through one seller's whole pipeline, early-stage deals first, to qualify, "
            "disqualify and keep every deal in the stage the buyer has reached.",
            "one_on_one", "biweekly", 60,
            (
                "New and early-stage deals: who really decides, and by when? "
                "Disqualify a deal when nobody knows",
                "Stalled deals: longer in their stage than this seller's average",
                "Misaligned deals: the stage does not match what the buyer has done",
                "Buyer verifiers: which exit criteria has the buyer confirmed?",
                "New pipeline created since last time, against the creation target",
            ),
        ),
        MeetingType(
            "deal", "Deal coaching",
            "Plan how to win one important deal, usually late in the buying journey.",
            "one_on_one", "biweekly", 45,
            (
                "One must-win deal closing in the next 60 days, prepared by the seller beforehand",
                "The buyer's last action, and when it happened",
                "Who else in the buying group is involved (multi-threading)",
                "Next step, with a date the buyer agreed to",
                "Deal age compared with the average sales cycle",
            ),
        ),
        MeetingType(
            "prospecting", "Prospecting coaching",
            "Help the seller create enough new, qualified opportunities.",
            "one_on_one", "monthly", 30,
            (
                "New opportunities created this month, against the creation target",
                "Target accounts contacted, and what the buyers said",
                "Are the new opportunities qualified: decision-maker and timeline known?",
                "Prospecting plan for the next month",
            ),
        ),
        MeetingType(
            "large_account", "Large-account coaching",
            "Keep and grow a few large customers with a plan for each.",
            "one_on_one", "quarterly", 60,
            (
                "Retention and growth in the account since last quarter",
                "Buying-group map: mobilizers, talkers, blockers and the economic buyer",
                "Open opportunities in the account and the buyer actions behind their stages",
                "Account plan: next steps and who owns them",
            ),
        ),
        MeetingType(
            "forecast", "Forecast call",
            "Estimate where the period will land. A different job from coaching, so it gets "
            "its own meeting.",
            "group", "weekly", 30,
            (
                "Worst, probable and best case for the period",
                "The assumptions behind each case",
                "What changed since the last call, and why",
            ),
        ),
        MeetingType(
            "team", "Team meeting",
            "Learn together and share news; not a place to review individual deals.",
            "group", "monthly", 60,
            (
                "Wins and losses: what the buyers told us",
                "Skill practice on one topic",
                "News and changes that affect the team",
            ),
        ),
    )
}


@dataclass(frozen=True)
class Meeting:
    """One recurring meeting in the plan; one-on-ones repeat for every seller."""

    kind: Kind
    format: Format
    frequency: Frequency
    minutes: int
    agenda: tuple[str, ...] = ()
    title: str = ""

    @property
    def label(self) -> str:
        """Return the title if the manager gave one, else the meeting type's label."""
        return self.title or MEETING_TYPES[self.kind].label


@dataclass(frozen=True)
class CadencePlan:
    """A manager's coaching cadence for a team of `sellers`."""

    sellers: int
    meetings: tuple[Meeting, ...]


def default_plan(sellers: int = 6) -> CadencePlan:
    """Return a plan with one meeting of every type at its default settings."""
    if not MIN_SELLERS <= sellers <= MAX_SELLERS:
        raise InvalidInput({"sellers": _sellers_message()})
    meetings = tuple(
        Meeting(t.id, t.format, t.frequency, t.minutes, t.agenda) for t in MEETING_TYPES.values()
    )
    return CadencePlan(sellers, meetings)


# ---------------------------------------------------------------- parsing


def parse_cadence(data: object) -> CadencePlan:
    """Build a plan from decoded JSON, or raise InvalidInput listing every fault.

    A meeting that leaves out format, frequency, minutes or agenda gets its type's default;
    blank agenda items are dropped.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput({"plan": "Send the plan as an object with sellers and meetings."})
    errors: dict[str, str] = {}
    sellers = _parse_sellers(data.get("sellers"), errors)
    meetings = _parse_meetings(data.get("meetings"), errors)
    if errors:
        raise InvalidInput(errors)
    return CadencePlan(sellers, meetings)


def _sellers_message() -> str:
    return f"Enter a whole number of sellers from {MIN_SELLERS} to {MAX_SELLERS}."


def _is_int(value: object) -> bool:
    # JSON true/false arrive as bool, which Python counts as int; they are not numbers here.
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_sellers(value: object, errors: dict[str, str]) -> int:
    if _is_int(value) and MIN_SELLERS <= cast(int, value) <= MAX_SELLERS:
        return cast(int, value)
    errors["sellers"] = _sellers_message()
    return MIN_SELLERS


def _parse_meetings(value: object, errors: dict[str, str]) -> tuple[Meeting, ...]:
    if not isinstance(value, list):
        errors["meetings"] = "Send the meetings as a list."
        return ()
    if not 1 <= len(value) <= MAX_MEETINGS:
        errors["meetings"] = f"Plan 1 to {MAX_MEETINGS} meetings; this plan has {len(value)}."
    return tuple(_parse_meeting(item, f"meetings[{i}]", errors) for i, item in enumerate(value))


def _choice(value: object, options: tuple[str, ...], where: str, errors: dict[str, str]) -> str:
    if isinstance(value, str) and value in options:
        return value
    errors[where] = f"Choose one of: {', '.join(options)}."
    return options[0]


def _parse_meeting(value: object, where: str, errors: dict[str, str]) -> Meeting:
    if not isinstance(value, Mapping):
        errors[where] = "Send each meeting as an object."
        return default_plan().meetings[0]
    kind = cast(Kind, _choice(value.get("kind"), tuple(MEETING_TYPES), f"{where}.kind", errors))
    base = MEETING_TYPES[kind]
    fmt = value.get("format", base.format)
    freq = value.get("frequency", base.frequency)
    return Meeting(
        kind=kind,
        format=cast(Format, _choice(fmt, FORMATS, f"{where}.format", errors)),
        frequency=cast(Frequency, _choice(freq, FREQUENCIES, f"{where}.frequency", errors)),
        minutes=_parse_minutes(value.get("minutes", base.minutes), f"{where}.minutes", errors),
        agenda=_parse_agenda(value.get("agenda", base.agenda), f"{where}.agenda", errors),
        title=_parse_title(value.get("title"), f"{where}.title", errors),
    )


def _parse_minutes(value: object, where: str, errors: dict[str, str]) -> int:
    if _is_int(value) and MIN_MINUTES <= cast(int, value) <= MAX_MINUTES:
        return cast(int, value)
    errors[where] = f"Enter a whole number of minutes from {MIN_MINUTES} to {MAX_MINUTES}."
    return MIN_MINUTES


def _parse_agenda(value: object, where: str, errors: dict[str, str]) -> tuple[str, ...]:
    if isinstance(value, tuple):
        value = list(value)  # a type's default agenda
    if not isinstance(value, list):
        errors[where] = "Send the agenda as a list of items."
        return ()
    items = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            errors[f"{where}[{i}]"] = "Write each agenda item as text."
        elif len(item.strip()) > AGENDA_LIMIT:
            errors[f"{where}[{i}]"] = f"Keep each agenda item to {AGENDA_LIMIT} characters."
        elif item.strip():
            items.append(item.strip())
    if len(items) > MAX_AGENDA:
        errors[where] = f"Keep the agenda to {MAX_AGENDA} items; it has {len(items)}."
    return tuple(items)


def _parse_title(value: object, where: str, errors: dict[str, str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[where] = "Write the title as text."
        return ""
    if len(value.strip()) > TITLE_LIMIT:
        errors[where] = f"Keep the title to {TITLE_LIMIT} characters."
    return value.strip()


def cadence_to_json(plan: CadencePlan) -> dict[str, object]:
    """Return the plan as plain JSON data that parse_cadence reads back unchanged."""
    return {
        "sellers": plan.sellers,
        "meetings": [
            {
                "kind": m.kind,
                "format": m.format,
                "frequency": m.frequency,
                "minutes": m.minutes,
                "agenda": list(m.agenda),
                "title": m.title,
            }
            for m in plan.meetings
        ],
    }


# ---------------------------------------------------------------- research figures


@dataclass(frozen=True)
class Benchmark:
    """A published threshold of pipeline-management hours per seller per month."""

    hours: int
    finding: str
    sources: tuple[str, ...]
    met: bool = False


BENCHMARKS = (
    Benchmark(
        3,
        "About 3 hours a month per rep on pipeline management went with faster revenue growth "
        "(Vantage Point Performance / Sales Management Association study of 62 B2B companies, "
        "as summarised from Harvard Business Review, 2015).",
        (
            "The rationale and research behind SalesPath, part 1 — "
            "https://www.advancedsales.ai/insights/the-rationale-and-research-behind-salespath-part-1",
        ),
    ),
    Benchmark(
        4,
        "At least 4 hours a month per rep went with 14% more growth than under 1 hour "
        "(the same Vantage Point / Sales Management Association study, as reported in 2014).",
        (
            "The 3 reasons your sales pipeline is unmanageable (Salesforce, May 2014) — "
            "https://www.salesforce.com/blog/2014/05/the-3-reasons-your-sales-pipeline-is-"
            "unmanageable.html",
            "Training sales reps in pipeline management (Rapid Learning Institute) — "
            "https://rapidlearninginstitute.com/blog/training-sales-reps-pipeline-management/",
        ),
    ),
)

# The study measured time spent managing the pipeline. These kinds work on the pipeline's deals
# or on filling it; forecasting is a different job (Jordan), the team meeting is general, and
# large-account coaching is account management, so they are left out of the comparison.
PIPELINE_KINDS: tuple[Kind, ...] = ("pipeline", "deal", "prospecting")

# A working month: 40 hours a week, 52 weeks, 12 months = 173 1/3 hours.
WORKING_MONTH_HOURS = Fraction(40 * 52, 12)
# Our assumption, not a research figure: high-impact managers give coaching about a day a week,
# 20% of their work (Sales Readiness Group / Selling Power 2017 survey, reported at
# https://salesfuel.com/high-impact-sales-managers-devote-one-day-week-coaching/). We allow
# meetings up to 30% (a day and a half a week) so forecast and team meetings fit on top; beyond
# that the manager has too little time left to prepare, follow up, hire and run the business.
MANAGER_SHARE_LIMIT = Fraction(3, 10)


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class MeetingLoad:
    """What one meeting of the plan costs per month."""

    index: int
    label: str
    per_month: Fraction
    seller_minutes: Fraction
    manager_minutes: Fraction


@dataclass(frozen=True)
class CadenceWarning:
    """A problem with the plan, in plain words, with a hint on what to do about it."""

    code: str
    message: str
    hint: str
    meeting: int | None = None


@dataclass(frozen=True)
class CadenceReport:
    """The plan's monthly hours, its standing against the research, and its warnings."""

    sellers: int
    meetings: tuple[MeetingLoad, ...]
    seller_hours: Fraction
    seller_one_on_one_hours: Fraction
    seller_group_hours: Fraction
    pipeline_hours: Fraction
    manager_hours: Fraction
    manager_share: Fraction
    benchmarks: tuple[Benchmark, ...]
    standing: str
    warnings: tuple[CadenceWarning, ...]


def evaluate(plan: CadencePlan) -> CadenceReport:
    """Work out the plan's hours per month, its research standing and its warnings.

    Hours per seller count every meeting the seller sits in: a one-on-one counts fully for each
    seller, and a group meeting counts its length once for each seller as attended time. The
    manager sits in every one-on-one with every seller (one-on-one time x sellers) and in each
    group meeting once. Monthly counts are exact: weekly = 52/12, biweekly = 26/12, monthly = 1,
    quarterly = 1/3 meetings a month.
    """
    loads = tuple(_load(i, m, plan.sellers) for i, m in enumerate(plan.meetings))
    one_on_one = _seller_hours(plan, loads, lambda m: m.format == "one_on_one")
    group = _seller_hours(plan, loads, lambda m: m.format == "group")
    pipeline = _seller_hours(plan, loads, lambda m: m.kind in PIPELINE_KINDS)
    manager = sum((ld.manager_minutes for ld in loads), Fraction(0)) / 60
    benchmarks = tuple(
        Benchmark(b.hours, b.finding, b.sources, pipeline >= b.hours) for b in BENCHMARKS
    )
    return CadenceReport(
        sellers=plan.sellers,
        meetings=loads,
        seller_hours=one_on_one + group,
        seller_one_on_one_hours=one_on_one,
        seller_group_hours=group,
        pipeline_hours=pipeline,
        manager_hours=manager,
        manager_share=manager / WORKING_MONTH_HOURS,
        benchmarks=benchmarks,
        standing=_standing(pipeline, plan),
        warnings=_warnings(plan, manager),
    )


def _load(index: int, meeting: Meeting, sellers: int) -> MeetingLoad:
    per_month = PER_MONTH[meeting.frequency]
    minutes = meeting.minutes * per_month
    copies = sellers if meeting.format == "one_on_one" else 1
    return MeetingLoad(index, meeting.label, per_month, minutes, minutes * copies)


def _seller_hours(
    plan: CadencePlan, loads: tuple[MeetingLoad, ...], counts: Callable[[Meeting], bool]
) -> Fraction:
    minutes = sum(
        (ld.seller_minutes for m, ld in zip(plan.meetings, loads, strict=True) if counts(m)),
        Fraction(0),
    )
    return minutes / 60


def hours_text(hours: Fraction) -> str:
    """Return hours the way the report words them, to one decimal place."""
    return f"{float(hours):.1f} hours"


def _standing(pipeline: Fraction, plan: CadencePlan) -> str:
    low, high = (b.hours for b in BENCHMARKS)
    if pipeline >= high:
        verdict = f"That meets both the {low}-hour and the {high}-hour figure."
    elif pipeline >= low:
        verdict = f"That meets the {low}-hour figure but not the {high}-hour one."
    else:
        verdict = f"That is below both the {low}-hour and the {high}-hour figure."
    text = (
        f"Your plan gives each seller {hours_text(pipeline)} of pipeline-management time a "
        f"month (pipeline, deal and prospecting coaching). {verdict} The sources disagree: a "
        f"summary in Harvard Business Review gives {low} hours, while Salesforce and the Rapid "
        f"Learning Institute report {high} hours, both from the same Vantage Point / Sales "
        "Management Association study. It found these hours went with faster growth; it does "
        "not prove that adding hours causes growth."
    )
    if any(m.kind in PIPELINE_KINDS and m.format == "group" for m in plan.meetings):
        text += (
            " Some of these hours are group meetings, counted as time each seller attends; "
            "a seller waiting for their turn in a group gets less coaching than the hours suggest."
        )
    return text


# ---------------------------------------------------------------- warnings

FORECAST_WORDS = ("forecast", "best case", "worst case", "probable case")
COACHING_WORDS = ("pipeline", "coach", "early-stage", "early stage")
READOUT_PHRASES = (
    "walk me through", "walk through", "update on every deal", "every deal", "each deal",
    "read crm", "read the crm", "read out", "read-out", "readout", "status update",
    "go round", "go around", "round the table", "around the table", "round robin", "round-robin",
)


def _text_of(meeting: Meeting) -> str:
    return " ".join((meeting.title, *meeting.agenda)).lower()


def _mentions(meeting: Meeting, words: tuple[str, ...]) -> list[str]:
    text = _text_of(meeting)
    return [w for w in words if w in text]


def _warnings(plan: CadencePlan, manager_hours: Fraction) -> tuple[CadenceWarning, ...]:
    found: list[CadenceWarning] = []
    for i, meeting in enumerate(plan.meetings):
        found.extend(_mixed_forecast(i, meeting))
        found.extend(_status_readout(i, meeting))
    found.extend(_no_pipeline_coaching(plan))
    found.extend(_manager_overload(plan, manager_hours))
    return tuple(found)


def _mixed_forecast(index: int, meeting: Meeting) -> list[CadenceWarning]:
    forecasts = meeting.kind == "forecast" or bool(_mentions(meeting, FORECAST_WORDS))
    coaches = meeting.kind in PIPELINE_KINDS or bool(_mentions(meeting, COACHING_WORDS))
    if not (forecasts and coaches):
        return []
    return [CadenceWarning(
        "mixed_forecast",
        f"“{meeting.label}” mixes forecasting with pipeline coaching. Forecasting estimates "
        "where the period will land; pipeline coaching works on the deals to get there. When "
        "they share a meeting, the number tends to crowd out the coaching.",
        "Hold the forecast call on its own, and keep pipeline and deal coaching about the "
        "buyer's progress, not the number.",
        index,
    )]


def _status_readout(index: int, meeting: Meeting) -> list[CadenceWarning]:
    phrases = _mentions(meeting, READOUT_PHRASES)
    group_review = meeting.format == "group" and meeting.kind in ("pipeline", "deal")
    if not (phrases or group_review):
        return []
    reasons = []
    if group_review:
        reasons.append(f"it reviews deals in a group ({MEETING_TYPES[meeting.kind].label.lower()})")
    if phrases:
        reasons.append("its agenda asks for a read-out (“" + "”, “".join(phrases) + "”)")
    return [CadenceWarning(
        "status_readout",
        f"“{meeting.label}” looks like a status read-out: " + " and ".join(reasons) + ". "
        "Sellers reading deal updates aloud one after another learn little, and everyone else "
        "waits.",
        "Coach one seller at a time on a few chosen deals, early-stage ones first, and read the "
        "CRM before the meeting. If you keep a group session, pick the deals in advance and "
        "coach them; the room is not the problem, the read-out is.",
        index,
    )]


def _no_pipeline_coaching(plan: CadencePlan) -> list[CadenceWarning]:
    kinds = [m for m in plan.meetings if m.kind == "pipeline"]
    if any(PER_MONTH[m.frequency] >= 1 for m in kinds):
        return []
    why = "has no pipeline coaching" if not kinds else "has pipeline coaching only quarterly"
    return [CadenceWarning(
        "no_pipeline_coaching",
        f"The plan {why}, so in most months a seller's pipeline gets no coaching at all. "
        "Deals stall, and unqualified ones stay in the pipeline, between reviews.",
        "Add pipeline coaching for each seller at least monthly; every two weeks is common.",
    )]


def _manager_overload(plan: CadencePlan, manager_hours: Fraction) -> list[CadenceWarning]:
    limit = MANAGER_SHARE_LIMIT * WORKING_MONTH_HOURS
    if manager_hours <= limit:
        return []
    share = round(float(manager_hours / WORKING_MONTH_HOURS) * 100)
    return [CadenceWarning(
        "manager_overload",
        f"These meetings take {hours_text(manager_hours)} of the manager's month, about "
        f"{share}% of a {float(WORKING_MONTH_HOURS):.0f}-hour working month. Above "
        f"{float(MANAGER_SHARE_LIMIT) * 100:.0f}% there is little time left to prepare, follow up, "
        "hire and do the rest of the job.",
        f"With {plan.sellers} sellers, shorten the one-on-ones, meet less often where a "
        "meeting can wait, or share the coaching with a team lead.",
    )]


def report_to_json(report: CadenceReport) -> dict[str, object]:
    """Return the report as JSON data, hours rounded to two decimals for display."""
    return {
        "sellers": report.sellers,
        "meetings": [
            {
                "index": ld.index,
                "label": ld.label,
                "per_month": _round(ld.per_month),
                "seller_minutes": _round(ld.seller_minutes),
                "manager_minutes": _round(ld.manager_minutes),
            }
            for ld in report.meetings
        ],
        "seller_hours": _round(report.seller_hours),
        "seller_one_on_one_hours": _round(report.seller_one_on_one_hours),
        "seller_group_hours": _round(report.seller_group_hours),
        "pipeline_hours": _round(report.pipeline_hours),
        "manager_hours": _round(report.manager_hours),
        "manager_share": _round(report.manager_share),
        "benchmarks": [
            {"hours": b.hours, "finding": b.finding, "sources": list(b.sources), "met": b.met}
            for b in report.benchmarks
        ],
        "standing": report.standing,
        "warnings": [
            {"code": w.code, "message": w.message, "hint": w.hint, "meeting": w.meeting}
            for w in report.warnings
        ],
    }


def _round(value: Fraction) -> float:
    return round(float(value), 2)
