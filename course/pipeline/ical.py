"""Export a coaching cadence as an iCalendar file (RFC 5545), written by hand.

Each meeting becomes one recurring event; a one-on-one becomes one event per seller. Meetings
are laid out on a weekly grid of working hours (Monday to Friday, 09:00-17:00) so that none of
them overlap: a weekly meeting owns its slot, two biweekly meetings share a slot on alternate
weeks, four monthly meetings share one as the 1st to 4th such weekday of the month, and twelve
quarterly meetings share one across the three months of a quarter.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from course.pipeline.cadence import MEETING_TYPES, CadencePlan, Frequency, Meeting
from course.pipeline.errors import InvalidInput

PRODID = "-//Pipeline Academy//Coaching cadence//EN"
DAY_START, DAY_END = 9 * 60, 17 * 60  # minutes after midnight
WORKDAYS = 5
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# How many meetings of one frequency can take turns in the same weekly slot without meeting.
SLOT_SHARES: dict[Frequency, int] = {"weekly": 1, "biweekly": 2, "monthly": 4, "quarterly": 12}


@dataclass(frozen=True)
class Series:
    """One recurring calendar event: a meeting, and the seller for a one-on-one."""

    meeting: Meeting
    ordinal: int  # position among the plan's meetings of the same kind, for a stable UID
    seller: int | None
    seller_name: str


@dataclass
class Slot:
    """A block of the weekly grid that meetings of one frequency take turns in."""

    day: int
    start: int
    length: int
    frequency: Frequency
    used: int = 0


@dataclass(frozen=True)
class Placement:
    """When a series first happens and how it repeats."""

    first: date
    start: int
    rrule: str


def plan_to_ics(
    plan: CadencePlan,
    start: date,
    seller_names: list[str],
    tz: str = "UTC",
    prodid: str = PRODID,
    *,
    uid_scope: str = "",
    now: datetime | None = None,
) -> str:
    """Return the plan as an iCalendar text with CRLF line endings.

    Events start on or after `start`, in local time of the IANA zone `tz`. Missing or blank
    seller names become "Seller 1", "Seller 2" ... UIDs depend only on the meeting kind, its
    position among meetings of that kind, the seller's position and `uid_scope` (e.g. the
    learner's id), so re-importing an edited plan updates the same events instead of adding
    copies. `now` sets DTSTAMP (defaults to the current time).
    """
    zone = _zone(tz)
    names = _seller_names(seller_names, plan.sellers)
    series = _series(plan, names)
    placements = _place(series, start)
    stamp = _utc_stamp(now or datetime.now(UTC))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{_escape(prodid)}",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if tz != "UTC":
        lines += _vtimezone(zone, tz, start.year)
    for item, placed in zip(series, placements, strict=True):
        lines += _vevent(item, placed, tz, stamp, uid_scope)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


# ---------------------------------------------------------------- inputs


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder; very long names are OS errors
        raise InvalidInput(
            {"tz": "Use a time zone name such as Europe/Berlin or America/New_York."}
        ) from None


def _seller_names(names: list[str], sellers: int) -> list[str]:
    if len(names) > sellers:
        raise InvalidInput(
            {"seller_names": f"The plan has {sellers} sellers but {len(names)} names were given."}
        )
    padded = [n.strip() for n in names] + [""] * (sellers - len(names))
    return [name or f"Seller {i + 1}" for i, name in enumerate(padded)]


def _series(plan: CadencePlan, names: list[str]) -> list[Series]:
    """List the events, group meetings first so they get the first slots of the week."""
    ordinals: dict[str, int] = {}
    found: list[Series] = []
    for meeting in plan.meetings:
        ordinal = ordinals.get(meeting.kind, 0)
        ordinals[meeting.kind] = ordinal + 1
        if meeting.format == "group":
            found.append(Series(meeting, ordinal, None, ""))
        else:
            found += [Series(meeting, ordinal, i, n) for i, n in enumerate(names)]
    return sorted(found, key=lambda s: s.meeting.format != "group")


# ---------------------------------------------------------------- layout


def _place(series: list[Series], start: date) -> list[Placement]:
    slots: list[Slot] = []
    return [_placement(_slot_for(s.meeting, slots), start) for s in series]


def _slot_for(meeting: Meeting, slots: list[Slot]) -> Slot:
    for slot in slots:
        shares = SLOT_SHARES[slot.frequency]
        fits = slot.length >= meeting.minutes
        if slot.frequency == meeting.frequency and slot.used < shares and fits:
            slot.used += 1
            return slot
    slot = _new_slot(meeting, slots)
    slots.append(slot)
    return slot


def _new_slot(meeting: Meeting, slots: list[Slot]) -> Slot:
    """Open a slot on the least busy weekday that still has room, to spread the week."""
    booked = [sum(s.length for s in slots if s.day == d) for d in range(WORKDAYS)]
    for day in sorted(range(WORKDAYS), key=lambda d: (booked[d], d)):
        begin = DAY_START + booked[day]
        if begin + meeting.minutes <= DAY_END:
            return Slot(day, begin, meeting.minutes, meeting.frequency, used=1)
    raise InvalidInput({"meetings": (
        "These meetings do not fit into a working week (Monday to Friday, 09:00-17:00) "
        "without overlapping. Shorten them, or hold some less often."
    )})


def _placement(slot: Slot, start: date) -> Placement:
    turn = slot.used - 1
    weekday = WEEKDAY_CODES[slot.day]
    first_weekday = start + timedelta(days=(slot.day - start.weekday()) % 7)
    if slot.frequency == "weekly":
        return Placement(first_weekday, slot.start, "FREQ=WEEKLY")
    if slot.frequency == "biweekly":
        first = first_weekday + timedelta(weeks=turn)
        return Placement(first, slot.start, "FREQ=WEEKLY;INTERVAL=2")
    nth = turn % 4 + 1
    if slot.frequency == "monthly":
        first = _first_nth_weekday(start, slot.day, nth, step=1, offset=0)
        return Placement(first, slot.start, f"FREQ=MONTHLY;BYDAY={nth}{weekday}")
    first = _first_nth_weekday(start, slot.day, nth, step=3, offset=turn // 4)
    return Placement(first, slot.start, f"FREQ=MONTHLY;INTERVAL=3;BYDAY={nth}{weekday}")


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """Return the nth (1-4, or -1 for last) given weekday (0 = Monday) of a month."""
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    after = date(year + month // 12, month % 12 + 1, 1)
    last = after - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _first_nth_weekday(start: date, weekday: int, nth: int, step: int, offset: int) -> date:
    """Return the first nth weekday on or after start in months offset, offset+step, ..."""
    month_index = start.year * 12 + start.month - 1 + offset
    while True:
        found = nth_weekday(month_index // 12, month_index % 12 + 1, weekday, nth)
        if found >= start:
            return found
        month_index += step


# ---------------------------------------------------------------- events


def _vevent(item: Series, placed: Placement, tz: str, stamp: str, scope: str) -> list[str]:
    meeting = item.meeting
    begin = datetime.combine(placed.first, datetime.min.time()) + timedelta(minutes=placed.start)
    end = begin + timedelta(minutes=meeting.minutes)
    return [
        "BEGIN:VEVENT",
        f"UID:{_uid(item, scope)}",
        f"DTSTAMP:{stamp}",
        _local("DTSTART", begin, tz),
        _local("DTEND", end, tz),
        f"RRULE:{placed.rrule}",
        f"SUMMARY:{_escape(_summary(item))}",
        f"DESCRIPTION:{_escape(_description(item))}",
        "END:VEVENT",
    ]


def _uid(item: Series, scope: str) -> str:
    seller = "team" if item.seller is None else str(item.seller)
    key = f"{scope}|{item.meeting.kind}|{item.ordinal}|{seller}"
    return hashlib.sha256(key.encode()).hexdigest()[:32] + "@pipeline-academy"


def _summary(item: Series) -> str:
    if item.seller is None:
        return f"{item.meeting.label} (team)"
    return f"{item.meeting.label}: {item.seller_name}"


def _description(item: Series) -> str:
    meeting = item.meeting
    who = "The whole team" if item.seller is None else f"With {item.seller_name}"
    agenda = [f"- {line}" for line in meeting.agenda] or ["No agenda set."]
    return "\n".join([MEETING_TYPES[meeting.kind].purpose, who, "", "Agenda:", *agenda])


def _local(name: str, moment: datetime, tz: str) -> str:
    text = moment.strftime("%Y%m%dT%H%M%S")
    if tz == "UTC":
        return f"{name}:{text}Z"
    return f"{name};TZID={tz}:{text}"


def _utc_stamp(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


# ---------------------------------------------------------------- time zone


def _vtimezone(zone: ZoneInfo, tz: str, year: int) -> list[str]:
    """Describe the zone's offsets as yearly rules taken from its changes in `year`.

    Rules repeat a change on the same weekday of the same week of the month (e.g. the last
    Sunday of March), which is how most zones with daylight saving time work.
    """
    changes = _changes(zone, year)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tz}"]
    if not changes:
        offset = _offset(zone, datetime(year, 1, 1, tzinfo=UTC))
        lines += _observance("STANDARD", "19700101T000000", offset, offset, None)
    for moment, before, after, summer in changes:
        local = moment + before
        nth = _week_of_month(local.date())
        rule = f"FREQ=YEARLY;BYMONTH={local.month};BYDAY={nth}{WEEKDAY_CODES[local.weekday()]}"
        onset = nth_weekday(1970, local.month, local.weekday(), nth)
        text = f"{onset:%Y%m%d}T{local:%H%M%S}"
        lines += _observance("DAYLIGHT" if summer else "STANDARD", text, before, after, rule)
    return [*lines, "END:VTIMEZONE"]


def _observance(
    kind: str, onset: str, before: timedelta, after: timedelta, rule: str | None
) -> list[str]:
    lines = [f"BEGIN:{kind}", f"DTSTART:{onset}",
             f"TZOFFSETFROM:{_offset_text(before)}", f"TZOFFSETTO:{_offset_text(after)}"]
    if rule:
        lines.append(f"RRULE:{rule}")
    return [*lines, f"END:{kind}"]


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    offset = moment.astimezone(zone).utcoffset()
    return offset if offset is not None else timedelta(0)


def _changes(zone: ZoneInfo, year: int) -> list[tuple[datetime, timedelta, timedelta, bool]]:
    """Return each offset change in the year: naive UTC moment, offset before, after, summer?"""
    found: list[tuple[datetime, timedelta, timedelta, bool]] = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    before = _offset(zone, day)
    while day.year == year:
        following = day + timedelta(days=1)
        after = _offset(zone, following)
        if after != before:
            moment = _change_minute(zone, day, before)
            summer = (moment.astimezone(zone).dst() or timedelta(0)) > timedelta(0)
            found.append((moment.replace(tzinfo=None), before, after, summer))
            before = after
        day = following
    return found


def _change_minute(zone: ZoneInfo, day: datetime, before: timedelta) -> datetime:
    """Find the first minute of the day (UTC) at which the offset differs from `before`."""
    low, high = 0, 24 * 60
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(zone, day + timedelta(minutes=middle)) == before:
            low = middle
        else:
            high = middle
    return day + timedelta(minutes=high)


def _week_of_month(day: date) -> int:
    """Return 1-4 for the nth such weekday, or -1 when it is the month's last one."""
    nth = (day.day - 1) // 7 + 1
    last = nth_weekday(day.year, day.month, day.weekday(), -1)
    return -1 if day == last and nth >= 4 else nth


def _offset_text(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


# ---------------------------------------------------------------- text


def _escape(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newline (RFC 5545, 3.3.11)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        text = text.replace(raw, escaped)
    return text


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545, 3.1)."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)
