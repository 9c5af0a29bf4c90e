"""Calendar export: checked by parsing the output with the icalendar library."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from course.pipeline.cadence import MEETING_TYPES, CadencePlan, Meeting, default_plan
from course.pipeline.errors import InvalidInput
from course.pipeline.ical import nth_weekday, plan_to_ics

TEAM = ["Priya Raman", "Marcus Webb", "Lena Hoffmann", "Tom Alvarez", "Aisha Bello", "Jonas Berg"]
MONDAY = date(2025, 1, 6)
NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


def export(plan: CadencePlan, names: list[str] | None = None, **kwargs: Any) -> str:
    kwargs.setdefault("now", NOW)
    return plan_to_ics(plan, MONDAY, TEAM[: plan.sellers] if names is None else names, **kwargs)


def events(text: str) -> list[Any]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def by_summary(text: str) -> dict[str, Any]:
    return {str(e["SUMMARY"]): e for e in events(text)}


def occurrences(event: Any, months: int = 12) -> list[tuple[datetime, datetime]]:
    """Expand an event's RRULE over the given months, as (start, end) in UTC."""
    begin, end = event.decoded("DTSTART"), event.decoded("DTEND")
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=begin)
    until = begin + timedelta(days=31 * months)
    return [(s.astimezone(UTC), (s + (end - begin)).astimezone(UTC))
            for s in rule.between(begin, until, inc=True)]


def assert_no_overlaps(text: str, months: int = 12) -> None:
    spans = sorted(span for e in events(text) for span in occurrences(e, months))
    for (_, first_end), (second_start, _) in zip(spans, spans[1:], strict=False):
        assert first_end <= second_start


# ---------------------------------------------------------------- structure


def test_one_event_per_group_meeting_and_per_seller_for_one_on_ones() -> None:
    # default plan: 4 one-on-one kinds x 6 sellers + 2 group meetings = 26 events
    assert len(events(export(default_plan()))) == 26


def test_calendar_header_and_stamp() -> None:
    cal = icalendar.Calendar.from_ical(export(default_plan(), prodid="-//Brightline//EN"))
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//Brightline//EN"
    assert {e.decoded("DTSTAMP") for e in cal.walk("VEVENT")} == {NOW}


def test_stamp_is_written_in_utc() -> None:
    berlin_noon = datetime(2025, 1, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    assert "DTSTAMP:20250101T120000Z\r\n" in export(default_plan(1), now=berlin_noon)


def test_lines_end_in_crlf_and_fit_75_octets() -> None:
    text = export(default_plan())
    assert text.endswith("END:VCALENDAR\r\n")
    assert text.count("\n") == text.count("\r\n")
    assert max(len(line.encode()) for line in text.split("\r\n")) <= 75


def test_rrules_follow_the_frequency() -> None:
    found = by_summary(export(default_plan()))
    forecast = found["Forecast call (team)"]["RRULE"]
    pipeline = found["Pipeline coaching: Priya Raman"]["RRULE"]
    prospecting = found["Prospecting coaching: Priya Raman"]["RRULE"]
    account = found["Large-account coaching: Priya Raman"]["RRULE"]
    assert forecast["FREQ"] == ["WEEKLY"] and "INTERVAL" not in forecast
    assert pipeline["FREQ"] == ["WEEKLY"] and pipeline["INTERVAL"] == [2]
    assert prospecting["FREQ"] == ["MONTHLY"] and "INTERVAL" not in prospecting
    assert account["FREQ"] == ["MONTHLY"] and account["INTERVAL"] == [3]


def test_each_event_lasts_as_long_as_its_meeting() -> None:
    minutes = {t.label: t.minutes for t in MEETING_TYPES.values()}
    for event in events(export(default_plan())):
        label = str(event["SUMMARY"]).split(":")[0].removesuffix(" (team)")
        length = event.decoded("DTEND") - event.decoded("DTSTART")
        assert length == timedelta(minutes=minutes[label])


def test_description_holds_the_agenda() -> None:
    description = str(by_summary(export(default_plan()))["Deal coaching: Lena Hoffmann"]
                      ["DESCRIPTION"])
    assert "With Lena Hoffmann" in description
    assert "\n- Next step, with a date the buyer agreed to\n" in description


def test_meeting_without_agenda_says_so() -> None:
    plan = CadencePlan(1, (Meeting("team", "group", "monthly", 60, ()),))
    assert str(events(export(plan))[0]["DESCRIPTION"]).endswith("Agenda:\nNo agenda set.")


def test_commas_semicolons_and_backslashes_round_trip() -> None:
    title = r"Deals, risks; next steps \ notes"
    plan = CadencePlan(1, (Meeting("deal", "one_on_one", "weekly", 30, ("A, B; C",), title),))
    text = export(plan)
    assert r"SUMMARY:Deals\, risks\; next steps \\ notes: Priya Raman" in text
    event = events(text)[0]
    assert str(event["SUMMARY"]) == f"{title}: Priya Raman"
    assert "\n- A, B; C" in str(event["DESCRIPTION"])


def test_long_agenda_lines_fold_without_breaking_characters() -> None:
    item = "Größe des Pipelines — prüfen, ob Käufer zugestimmt haben; " * 3  # 174 chars
    plan = CadencePlan(1, (Meeting("pipeline", "one_on_one", "weekly", 60, (item.strip(),)),))
    text = export(plan)
    lines = text.split("\r\n")
    assert max(len(line.encode()) for line in lines) <= 75
    assert sum(line.startswith(" ") for line in lines) >= 4  # the description was folded
    assert f"- {item.strip()}" in str(events(text)[0]["DESCRIPTION"])


# ---------------------------------------------------------------- layout


def test_first_events_start_on_or_after_the_start_date_in_working_hours() -> None:
    for event in events(export(default_plan())):
        begin, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert begin.date() >= MONDAY
        assert begin.weekday() < 5
        assert begin.hour >= 9 and (end.hour, end.minute) <= (17, 0)


def test_weekly_and_biweekly_meetings_start_within_two_weeks() -> None:
    for event in events(export(default_plan())):
        if event["RRULE"]["FREQ"] == ["WEEKLY"]:
            assert event.decoded("DTSTART").date() < MONDAY + timedelta(weeks=2)


def test_no_two_meetings_overlap_in_a_year() -> None:
    assert_no_overlaps(export(default_plan()))


def test_biweekly_one_on_ones_alternate_in_a_shared_slot() -> None:
    found = by_summary(export(default_plan()))
    priya = found["Pipeline coaching: Priya Raman"].decoded("DTSTART")
    marcus = found["Pipeline coaching: Marcus Webb"].decoded("DTSTART")
    assert marcus - priya == timedelta(weeks=1)


def test_monthly_meetings_take_the_nth_weekday() -> None:
    plan = CadencePlan(4, (Meeting("prospecting", "one_on_one", "monthly", 30),))
    days = sorted(e["RRULE"]["BYDAY"][0] for e in events(export(plan)))
    # four sellers share Monday 09:00 as the 1st to 4th Monday of the month
    assert days == ["1MO", "2MO", "3MO", "4MO"]


def test_a_week_that_cannot_hold_the_meetings_is_refused() -> None:
    # 11 sellers x 4 h weekly = 44 h > 40 working hours a week
    plan = CadencePlan(11, (Meeting("pipeline", "one_on_one", "weekly", 240),))
    with pytest.raises(InvalidInput) as caught:
        export(plan, names=[])
    assert "working week" in caught.value.errors["meetings"]


def test_a_full_working_week_still_fits() -> None:
    # 10 sellers x 4 h weekly = exactly 40 h
    plan = CadencePlan(10, (Meeting("pipeline", "one_on_one", "weekly", 240),))
    assert_no_overlaps(export(plan, names=[]), months=2)


# ---------------------------------------------------------------- names and UIDs


def test_missing_and_blank_names_get_numbered() -> None:
    summaries = set(by_summary(export(default_plan(3), names=["Priya Raman", " "])))
    assert {"Pipeline coaching: Priya Raman", "Pipeline coaching: Seller 2",
            "Pipeline coaching: Seller 3"} <= summaries


def test_more_names_than_sellers_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        export(default_plan(2), names=TEAM)
    assert "seller_names" in caught.value.errors


def uids(text: str) -> list[str]:
    return [str(e["UID"]) for e in events(text)]


def test_uids_are_unique_and_stable_when_details_change() -> None:
    first = uids(export(default_plan()))
    assert len(set(first)) == 26
    edited = CadencePlan(6, tuple(
        Meeting(m.kind, m.format, "weekly", 15, ("New agenda",)) for m in default_plan().meetings
    ))
    assert set(uids(export(edited))) == set(first)


def test_uid_scope_keeps_two_learners_apart() -> None:
    assert not set(uids(export(default_plan(), uid_scope="learner-1"))) & set(
        uids(export(default_plan(), uid_scope="learner-2"))
    )


# ---------------------------------------------------------------- time zones


def test_utc_times_carry_z() -> None:
    assert "DTSTART:20250106T090000Z\r\n" in export(default_plan())
    assert "VTIMEZONE" not in export(default_plan())


def test_local_times_refer_to_a_vtimezone() -> None:
    text = export(default_plan(), tz="Europe/Berlin")
    assert "DTSTART;TZID=Europe/Berlin:20250106T090000\r\n" in text
    forecast = by_summary(text)["Forecast call (team)"]
    assert forecast.decoded("DTSTART") == datetime(2025, 1, 6, 9, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("zone", "rules"),
    [
        ("Europe/Berlin", ["BYMONTH=3;BYDAY=-1SU", "BYMONTH=10;BYDAY=-1SU"]),
        ("America/New_York", ["BYMONTH=3;BYDAY=2SU", "BYMONTH=11;BYDAY=1SU"]),
        ("Australia/Sydney", ["BYMONTH=4;BYDAY=1SU", "BYMONTH=10;BYDAY=1SU"]),
        ("Asia/Kolkata", []),
    ],
)
def test_vtimezone_matches_the_zone_in_later_years(zone: str, rules: list[str]) -> None:
    text = export(default_plan(1), tz=zone)
    for rule in rules:
        assert f"RRULE:FREQ=YEARLY;{rule}\r\n" in text
    # Rename the zone so icalendar must build it from our VTIMEZONE, not from its own database.
    alias = "Test-" + zone.replace("/", "-")
    vtimezone = icalendar.Calendar.from_ical(text.replace(zone, alias)).walk("VTIMEZONE")[0]
    ours, real = vtimezone.to_tz(), ZoneInfo(zone)
    for year in (2025, 2031):  # every noon of the year, so a rule one week off shows up
        for day in range(365):
            moment = datetime(year, 1, 1, 12) + timedelta(days=day)
            assert moment.replace(tzinfo=ours).utcoffset() == moment.replace(
                tzinfo=real).utcoffset(), moment


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        export(default_plan(), tz="Mars/Olympus")
    assert "Europe/Berlin" in caught.value.errors["tz"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((2025, 3, 6, -1), date(2025, 3, 30)),  # last Sunday of March 2025
        ((2025, 3, 6, 2), date(2025, 3, 9)),    # second Sunday
        ((2025, 1, 1, 1), date(2025, 1, 7)),    # first Tuesday of January
        ((2024, 12, 0, -1), date(2024, 12, 30)),  # last Monday of December
    ],
)
def test_nth_weekday(args: tuple[int, int, int, int], expected: date) -> None:
    assert nth_weekday(*args) == expected


# ---------------------------------------------------------------- property

small_meetings = st.builds(
    Meeting,
    kind=st.sampled_from(list(MEETING_TYPES)),
    format=st.sampled_from(["one_on_one", "group"]),
    frequency=st.sampled_from(["weekly", "biweekly", "monthly", "quarterly"]),
    minutes=st.integers(5, 90),
    agenda=st.lists(st.text(max_size=30), max_size=2).map(tuple),
    title=st.text(max_size=20),
)
small_plans = st.builds(
    CadencePlan, sellers=st.integers(1, 5),
    meetings=st.lists(small_meetings, min_size=1, max_size=4).map(tuple),
)


@settings(max_examples=30, deadline=None)
@given(small_plans)
def test_any_small_plan_exports_a_parseable_calendar_without_overlaps(plan: CadencePlan) -> None:
    text = export(plan, names=[], tz="Europe/Berlin")
    expected = sum(plan.sellers if m.format == "one_on_one" else 1 for m in plan.meetings)
    assert len(events(text)) == expected
    assert max(len(line.encode()) for line in text.split("\r\n")) <= 75
    assert_no_overlaps(text, months=4)
