"""The coaching-cadence exercise: typing, row buttons, the report and its warnings, submit, the .ics."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import icalendar
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from course.cadence_exercise import (
    MAX_MEETINGS,
    apply_action,
    export_settings,
    from_form,
    new_row,
    next_monday,
    problems,
    start,
)
from course.extensions import db
from course.models import ExerciseWork
from course.pipeline.cadence import (
    FORMATS,
    FREQUENCIES,
    MEETING_TYPES,
    CadencePlan,
    Meeting,
    cadence_to_json,
    evaluate,
    parse_cadence,
)
from course.pipeline.errors import InvalidInput
from tests.form_page import FormPage

URL = "/exercises/cadence"
ICS = "/exercises/cadence/calendar.ics"


# ---------------------------------------------------------------- helpers: the page as a browser sees it


def flat(html: str) -> str:
    """Collapse whitespace so sentences split over template lines read as one."""
    return re.sub(r"\s+", " ", html)


def open_editor(client) -> FormPage:  # type: ignore[no-untyped-def]
    response = client.get(URL)
    assert response.status_code == 200
    return FormPage(response.get_data(as_text=True))


def post(client, fields: dict[str, list[str]], **changes: str):  # type: ignore[no-untyped-def]
    """Send the form as a browser would, with some fields changed (action = the button pressed)."""
    sent = {name: list(values) for name, values in fields.items()}
    for name, value in changes.items():
        sent[name.replace("__", "-")] = [value]
    return client.post(URL, data=sent)


def meeting_card(html: str, i: int) -> str:
    """Return the HTML of meeting i's fieldset in the editor."""
    match = re.search(rf'<fieldset class="row-card cadence-meeting" id="meetings-{i}">(.*?)\n</fieldset>',
                      html, re.S)
    assert match, f"no card for meeting {i}"
    return match.group(1)


def saved(user) -> ExerciseWork:  # type: ignore[no-untyped-def]
    work = db.session.scalar(sa.select(ExerciseWork).where(ExerciseWork.user_id == user.id))
    db.session.refresh(work)
    return work


def events(text: str) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(text).walk("VEVENT")


# ---------------------------------------------------------------- the numbers


def test_the_default_plan_gives_4_3_hours_per_seller_and_30_9_for_the_manager():
    report = evaluate(parse_cadence(start()))
    # A month is 1/12 of a year: weekly = 52/12, every two weeks = 26/12 meetings a month.
    # Pipeline-management time per seller (pipeline, deal, prospecting coaching):
    #   pipeline 60 min x 26/12 = 130, deal 45 x 26/12 = 97.5, prospecting 30 x 1 = 30
    #   = 257.5 min = 257.5/60 h = 103/24 h = 4.29 h
    assert report.pipeline_hours == Fraction(103, 24)
    # All one-on-ones per seller: 257.5 + large account 60 x 1/3 = 20 -> 277.5 min
    # Group meetings: forecast 30 x 52/12 = 130, team 60 x 1 = 60 -> 190 min
    # Manager: 277.5 x 6 sellers + 190 = 1665 + 190 = 1855 min = 371/12 h = 30.92 h
    assert report.manager_hours == Fraction(371, 12)
    # Each seller sits in 277.5 + 190 = 467.5 min = 187/24 h = 7.79 h of meetings
    assert report.seller_hours == Fraction(187, 24)
    # share of a 40 x 52 / 12 = 520/3 h working month: (371/12) / (520/3) = 0.178 -> 18%
    assert round(float(report.manager_share) * 100) == 18
    assert report.warnings == ()


def test_opening_the_exercise_shows_the_default_plan_and_its_hours(client, make_user, login):
    login(make_user())
    html = client.get(URL).get_data(as_text=True)
    text = flat(html)
    legends = re.findall(r"<legend>(Meeting \d+: [^<]+)</legend>", html)
    assert legends == ["Meeting 1: Pipeline coaching", "Meeting 2: Deal coaching",
                       "Meeting 3: Prospecting coaching", "Meeting 4: Large-account coaching",
                       "Meeting 5: Forecast call", "Meeting 6: Team meeting"]
    assert ("Each seller gets <strong>4.3 hours</strong> of pipeline coaching a month" in text)
    assert "spends <strong>7.8 hours</strong> in all the meetings together" in text
    assert ("you spend <strong>30.9 hours</strong> a month in them with 6 sellers "
            "(<strong>18%</strong> of a 173-hour working month)") in text
    # per seller: 277.5 min = 4.6 h one-on-one, 190 min = 3.2 h in groups
    assert "Per seller, 4.6 hours of it is one-on-one and 3.2 hours in group meetings." in text
    # the dispute, in plain words, with its sources as links
    assert "That meets both the 3-hour and the 4-hour figure." in text
    assert "a summary in Harvard Business Review gives 3 hours, while Salesforce" in text
    assert ('<a href="https://www.salesforce.com/blog/2014/05/the-3-reasons-your-sales-pipeline-is-'
            'unmanageable.html" rel="noopener">') in html
    # the load table: pipeline coaching 130 min = 2.2 h per seller, x 6 = 780 min = 13.0 h for you
    assert ('<th scope="row">1. Pipeline coaching</th><td>One-on-one</td><td>Every two weeks</td> '
            '<td class="num">60</td><td class="num">2.17</td><td class="num">2.2</td>'
            '<td class="num">13.0</td>') in text
    assert "What to look at" not in html  # the default plan has nothing to warn about
    page = FormPage(html)
    assert page.fields["meetings-0-kind"] == ["pipeline"] and page.fields["meetings-4-format"] == ["group"]
    assert page.fields["meetings-1-minutes"] == ["45"] and page.fields["sellers"] == ["6"]
    assert page.fields["meetings-0-agenda"][0].startswith("New and early-stage deals")


# ---------------------------------------------------------------- typing and row buttons


def test_typing_and_saving_without_javascript_keeps_the_plan_and_recomputes(client, make_user, login):
    user = make_user()
    login(user)
    page = open_editor(client)
    response = post(client, page.fields, sellers="4", meetings__0__minutes="40",
                    meetings__0__title="Pipeline one-on-one",
                    meetings__0__agenda="Early-stage deals first\r\n\r\n  Stalled deals  \r\n", action="save")
    assert response.status_code == 302
    first = saved(user).data["meetings"][0]
    assert saved(user).data["sellers"] == 4
    assert first == {"kind": "pipeline", "format": "one_on_one", "frequency": "biweekly", "minutes": 40,
                     "agenda": ["Early-stage deals first", "Stalled deals"], "title": "Pipeline one-on-one"}
    text = flat(client.get(URL).get_data(as_text=True))
    assert "Draft saved." in text and "<legend>Meeting 1: Pipeline one-on-one</legend>" in text
    # pipeline 40 x 26/12 = 86.67, deal 97.5, prospecting 30 -> 214.17 min = 3.57 h
    assert "Each seller gets <strong>3.6 hours</strong> of pipeline coaching" in text
    assert "That meets the 3-hour figure but not the 4-hour one." in text
    # manager: (86.67 + 97.5 + 30 + 20) x 4 + 190 = 936.67 + 190 = 1126.67 min = 18.8 h, 18.78 / 173.33 = 11%
    assert "you spend <strong>18.8 hours</strong> a month in them with 4 sellers (<strong>11%</strong>" in text


def test_text_typed_where_a_number_belongs_is_kept_and_questioned(client, make_user, login):
    user = make_user()
    login(user)
    page = open_editor(client)
    post(client, page.fields, sellers="six", meetings__1__minutes="45.5", action="save")
    assert saved(user).data["sellers"] == "six" and saved(user).data["meetings"][1]["minutes"] == "45.5"
    html = client.get(URL).get_data(as_text=True)
    again = FormPage(html)
    assert again.fields["sellers"] == ["six"] and again.fields["meetings-1-minutes"] == ["45.5"]
    # a gentle note beside each field before any submit, not a red error
    assert ('<p class="finding finding-info" id="meetings-1-minutes-error">Meeting 2, minutes: Enter a whole '
            'number of minutes from 5 to 480.</p>') in html
    assert '<p class="finding finding-info" id="sellers-error">Enter a whole number of sellers' in html
    assert 'class="error"' not in html
    assert "The hours appear once every field is filled in correctly" in html


def test_add_a_meeting_of_the_chosen_type(client, make_user, login):
    user = make_user()
    login(user)
    page = open_editor(client)
    post(client, page.fields, **{"add-kind": "forecast"}, action="add-meeting")
    kinds = [m["kind"] for m in saved(user).data["meetings"]]
    assert kinds == ["pipeline", "deal", "prospecting", "large_account", "forecast", "team", "forecast"]
    assert saved(user).data["meetings"][6] == new_row("forecast")
    html = client.get(URL).get_data(as_text=True)
    assert "Meeting 7 “Forecast call” added." in html and "<legend>Meeting 7: Forecast call</legend>" in html


def test_move_and_remove_buttons_reorder_the_meetings(client, make_user, login):
    user = make_user()
    login(user)
    post(client, open_editor(client).fields, action="up-meeting:1")
    kinds = [m["kind"] for m in saved(user).data["meetings"]]
    assert kinds[:2] == ["deal", "pipeline"]
    assert "Meeting 2 “Deal coaching” moved up: it is now meeting 1." in client.get(URL).get_data(as_text=True)
    post(client, open_editor(client).fields, action="down-meeting:0")
    assert [m["kind"] for m in saved(user).data["meetings"]][:2] == ["pipeline", "deal"]
    post(client, open_editor(client).fields, action="remove-meeting:4")
    kinds = [m["kind"] for m in saved(user).data["meetings"]]
    assert kinds == ["pipeline", "deal", "prospecting", "large_account", "team"]
    html = client.get(URL).get_data(as_text=True)
    assert "Meeting 5 “Forecast call” removed." in html
    # every row button says which meeting it acts on; the first has no "up", the last no "down"
    assert ('<button type="submit" class="button secondary" name="action" value="remove-meeting:4">Remove'
            '<span class="visually-hidden"> meeting 5 “Team meeting”</span></button>') in html
    assert 'value="up-meeting:0"' not in html and 'value="down-meeting:4"' not in html


def test_row_buttons_with_stale_or_odd_values_change_nothing():
    rows = start()["meetings"]
    assert apply_action(rows, "remove-meeting:9") == (
        rows, "There is no meeting 10 any more; nothing was moved or removed.")
    assert apply_action(rows, "up-meeting:0") == (rows, "Meeting 1 “Pipeline coaching” is already the first meeting.")
    assert apply_action(rows, "down-meeting:5") == (rows, "Meeting 6 “Team meeting” is already the last meeting.")
    assert apply_action(rows, "explode:1") == (rows, "")
    assert apply_action(rows, "up-meeting:-1") == (rows, "")
    full = [new_row("deal")] * MAX_MEETINGS
    assert apply_action(full, "add-meeting", "deal") == (
        full, "A plan holds at most 20 meetings: remove one to add another.")
    assert apply_action([], "add-meeting", "nonsense")[0] == [new_row("pipeline")]


# ---------------------------------------------------------------- warnings beside their meeting


def test_a_group_read_out_is_warned_about_beside_its_own_meeting(client, make_user, login):
    user = make_user()
    login(user)
    page = open_editor(client)
    post(client, page.fields, meetings__2__kind="pipeline", meetings__2__format="group",
         meetings__2__agenda="Walk through every deal", action="save")
    html = client.get(URL).get_data(as_text=True)
    card = flat(meeting_card(html, 2))
    assert "“Pipeline coaching” looks like a status read-out: it reviews deals in a group (pipeline coaching)" in card
    assert "its agenda asks for a read-out (“walk through”, “every deal”)" in card
    assert "<strong>What to do:</strong> Coach one seller at a time on a few chosen deals" in card
    for other in (0, 1, 3, 4, 5):
        assert "read-out" not in meeting_card(html, other)
    top = flat(html.split('<h2 id="meetings"')[0])  # the warning is listed at the top too, with a link
    assert "What to look at (1)" in top
    assert '<a href="#meetings-2">What to do: see meeting 3</a>' in top
    # group coaching counts as attended time, and the report says so
    assert "a seller waiting for their turn in a group gets less coaching" in flat(html)


def test_forecasting_mixed_into_coaching_is_warned_about_beside_that_meeting(client, make_user, login):
    user = make_user()
    login(user)
    page = open_editor(client)
    post(client, page.fields, meetings__0__agenda="Early-stage deals\nUpdate the forecast: best case and worst case",
         action="save")
    html = client.get(URL).get_data(as_text=True)
    assert "“Pipeline coaching” mixes forecasting with pipeline coaching." in flat(meeting_card(html, 0))
    assert "Hold the forecast call on its own" in flat(meeting_card(html, 0))
    assert "mixes forecasting" not in meeting_card(html, 4)  # the forecast call itself is fine


# ---------------------------------------------------------------- submit and versions


def test_submit_is_refused_with_each_message_beside_its_field(client, make_user, login):
    user = make_user()
    login(user)
    page = open_editor(client)
    response = post(client, page.fields, meetings__0__kind="deal", meetings__1__minutes="abc", submit="1")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Not ready to submit yet" in html
    message = "Meeting 2, minutes: Enter a whole number of minutes from 5 to 480."
    assert f'<li><a href="#meetings-1-minutes">{message}</a></li>' in html
    assert f'<p class="error" id="meetings-1-minutes-error">{message}</p>' in html
    assert 'aria-describedby="meetings-1-minutes-hint meetings-1-minutes-error" aria-invalid="true"' in html
    need = "Add a pipeline-coaching meeting: coaching each seller on their whole pipeline is what the cadence is for."
    assert f'<li><a href="#meetings">{need}</a></li>' in html
    assert f'<p class="error" id="meetings-error">{need}</p>' in html
    ids = FormPage(html).ids
    assert "meetings-1-minutes" in ids and "meetings" in ids
    assert saved(user).status == "draft" and saved(user).data["meetings"][1]["minutes"] == "abc"


def test_problems_are_keyed_by_input_id_in_page_order():
    data = {"sellers": 0, "meetings": [
        {"kind": "team", "format": "group", "frequency": "daily", "minutes": 3, "agenda": ["ok", "x" * 201],
         "title": "t" * 81},
    ]}
    assert problems(data) == {
        "sellers": "Enter a whole number of sellers from 1 to 50.",
        "meetings": "Add a pipeline-coaching meeting: coaching each seller on their whole pipeline is what "
                    "the cadence is for.",
        "meetings-0-frequency": "Meeting 1, how often: Choose one of: weekly, biweekly, monthly, quarterly.",
        "meetings-0-minutes": "Meeting 1, minutes: Enter a whole number of minutes from 5 to 480.",
        "meetings-0-title": "Meeting 1, title: Keep the title to 80 characters.",
        "meetings-0-agenda": "Meeting 1, agenda item 2: Keep each agenda item to 200 characters.",
    }
    assert list(problems(data)) == ["sellers", "meetings", "meetings-0-frequency", "meetings-0-minutes",
                                    "meetings-0-title", "meetings-0-agenda"]
    assert problems(start()) == {}


def test_submitting_freezes_the_plan_and_its_report(client, make_user, login):
    user = make_user()
    login(user)
    page = open_editor(client)
    response = post(client, page.fields, meetings__0__title="Pipeline one-on-one", submit="1")
    assert response.headers["Location"] == "/exercises/cadence/versions/1"
    assert saved(user).status == "submitted"
    post(client, open_editor(client).fields, meetings__0__title="Renamed later", action="save")
    frozen = flat(client.get("/exercises/cadence/versions/1").get_data(as_text=True))
    assert "Meeting 1: Pipeline one-on-one" in frozen and "Renamed later" not in frozen
    assert "Pipeline coaching · One-on-one · Every two weeks · 60 minutes" in frozen
    assert "<li>Stalled deals: longer in their stage than this seller&#39;s average</li>" in frozen
    assert "the manager spends <strong>30.9 hours</strong> a month" in frozen
    assert "Against the research" in frozen and "Hours a month, meeting by meeting" in frozen


def test_nobody_sees_another_persons_cadence(client, make_user, login):
    owner = make_user()
    login(owner)
    post(client, open_editor(client).fields, meetings__0__title="Secret pipeline review", submit="1")
    client.post("/logout")
    login(make_user())
    assert "Secret pipeline review" not in client.get(URL).get_data(as_text=True)
    assert client.get("/exercises/cadence/versions/1").status_code == 404
    calendar = client.get(f"{ICS}?user_id={owner.id}&start=2025-03-03").get_data(as_text=True)
    assert "Secret" not in calendar and "Pipeline coaching: Seller 1" in calendar


# ---------------------------------------------------------------- the calendar file


def test_the_calendar_file_imports_with_one_event_per_one_on_one_and_seller(client, make_user, login):
    user = make_user()
    login(user)
    post(client, open_editor(client).fields, sellers="3", action="save")
    response = client.get(f"{ICS}?start=2025-03-03&tz=Europe/Berlin&names=Priya,%20Marcus")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="coaching-cadence.ics"'
    found = events(response.get_data(as_text=True))
    # 4 one-on-one meetings x 3 sellers + 2 group meetings = 14 events
    assert len(found) == 14
    summaries = sorted(str(e["SUMMARY"]) for e in found)
    assert summaries[:3] == ["Deal coaching: Marcus", "Deal coaching: Priya", "Deal coaching: Seller 3"]
    assert "Forecast call (team)" in summaries and "Team meeting (team)" in summaries
    rules = {str(e["SUMMARY"]): e["RRULE"] for e in found}
    assert rules["Pipeline coaching: Priya"] == {"FREQ": ["WEEKLY"], "INTERVAL": [2]}
    assert rules["Forecast call (team)"] == {"FREQ": ["WEEKLY"]}
    assert rules["Prospecting coaching: Seller 3"]["FREQ"] == ["MONTHLY"]
    assert rules["Large-account coaching: Marcus"]["FREQ"] == ["MONTHLY"]
    assert rules["Large-account coaching: Marcus"]["INTERVAL"] == [3]
    by_summary = {str(e["SUMMARY"]): e for e in found}
    forecast = by_summary["Forecast call (team)"]
    # group meetings take the first slot of the week: Monday 3 March 2025, 09:00 Berlin time, 30 minutes
    assert forecast["DTSTART"].dt.isoformat() == "2025-03-03T09:00:00+01:00"
    assert forecast["DTEND"].dt - forecast["DTSTART"].dt == timedelta(minutes=30)
    assert str(forecast["DTSTART"].dt.tzinfo) == "Europe/Berlin"
    assert all(e["DTSTART"].dt.date() >= date(2025, 3, 3) for e in found)
    assert "Stalled deals" in str(by_summary["Pipeline coaching: Priya"]["DESCRIPTION"])


def test_the_calendar_defaults_to_next_monday_utc_and_numbered_sellers(client, make_user, login):
    login(make_user())
    found = events(client.get(ICS).get_data(as_text=True))
    assert len(found) == 4 * 6 + 2  # the default plan for 6 sellers
    forecast = next(e for e in found if str(e["SUMMARY"]) == "Forecast call (team)")
    monday = next_monday(date.today())
    assert forecast["DTSTART"].dt.isoformat() == f"{monday.isoformat()}T09:00:00+00:00"
    names = {str(e["SUMMARY"]).split(": ")[1] for e in found if ": " in str(e["SUMMARY"])}
    assert names == {f"Seller {n}" for n in range(1, 7)}


def test_each_person_gets_their_own_event_ids(client, make_user, login):
    login(make_user())
    first = {str(e["UID"]) for e in events(client.get(f"{ICS}?start=2025-03-03").get_data(as_text=True))}
    again = {str(e["UID"]) for e in events(client.get(f"{ICS}?start=2025-03-10").get_data(as_text=True))}
    assert first == again  # re-importing updates the same events
    client.post("/logout")
    login(make_user())
    other = {str(e["UID"]) for e in events(client.get(f"{ICS}?start=2025-03-03").get_data(as_text=True))}
    assert len(first) == 26 and not first & other


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(f"{ICS}?start=2025-03-03")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "text/calendar" not in response.headers["Content-Type"]
    assert client.post(ICS, data={"sellers": "6"}).status_code == 401  # the sign-in page, keeping the form


@pytest.mark.parametrize(("query", "message"), [
    ("start=2025-02-30", "Start date: Enter the date as year-month-day, for example 2025-03-03."),
    ("start=3025-03-03", "Start date: Choose a date between 2000 and 2099."),
    ("tz=Mars/Olympus", "Time zone: Use a time zone name such as Europe/Berlin or America/New_York."),
    ("tz=Europe", "Time zone: Use a time zone name such as Europe/Berlin or America/New_York."),
    ("names=A,B,C,D,E,F,G", "Seller names: The plan has 6 sellers but 7 names were given."),
    ("names=" + "x" * 61, "Seller names: Keep each name to 60 characters."),
])
def test_bad_export_settings_go_back_to_the_editor_naming_the_field(client, make_user, login, query, message):
    login(make_user())
    client.get(URL)
    response = client.get(f"{ICS}?{query}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/exercises/cadence?") and response.headers["Location"].endswith(
        "#export")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<p class="flash flash-error">Calendar not downloaded. {message}</p>' in html
    name, _, value = query.partition("=")
    assert FormPage(html).fields[name] == [value]  # what was typed is still in the export form


def test_a_plan_with_problems_is_not_exported(client, make_user, login):
    login(make_user())
    post(client, open_editor(client).fields, meetings__0__minutes="lots", action="save")
    response = client.get(f"{ICS}?start=2025-03-03", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Calendar not downloaded. Plan: some fields need fixing first; they are marked on the page." in html
    assert '<p class="finding finding-info" id="meetings-0-minutes-error">' in html


def test_the_download_button_exports_the_plan_on_screen_without_saving_it(client, make_user, login):
    user = make_user()
    login(user)
    page = open_editor(client)
    export = {**page.fields, "sellers": ["2"], "start": ["2025-03-03"], "names": ["Priya"]}
    response = client.post(ICS, data=export)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.get_data(as_text=True))
    assert len(found) == 4 * 2 + 2  # 4 one-on-ones x 2 sellers + 2 group meetings
    assert "Pipeline coaching: Priya" in {str(e["SUMMARY"]) for e in found}
    assert saved(user).version == 1 and saved(user).data["sellers"] == 6  # the open page stays current
    # a bad export setting reopens the page, so the plan on screen is saved first
    response = client.post(ICS, data={**export, "start": ["soon"]})
    assert response.status_code == 302 and saved(user).version == 2 and saved(user).data["sellers"] == 2


def test_the_export_form_sits_on_the_editor_page(client, make_user, login):
    login(make_user())
    html = client.get(URL).get_data(as_text=True)
    assert ('<button type="submit" class="button secondary" formaction="/exercises/cadence/calendar.ics" '
            'formmethod="post">Download the calendar (.ics)</button>') in html
    page = FormPage(html)
    assert page.fields["start"] == [next_monday(date.today()).isoformat()]
    assert page.fields["tz"] == ["UTC"] and page.fields["names"] == [""]
    assert html.count("<option>") + html.count("<option selected>") == 14  # the time zones


def test_export_settings_read_start_zone_and_names():
    monday = date(2025, 3, 3)
    assert next_monday(date(2025, 2, 27)) == monday and next_monday(monday) == date(2025, 3, 10)
    assert export_settings({}, date(2025, 2, 27)) == (monday, "UTC", [])
    assert export_settings({"start": "2025-04-01", "tz": " Asia/Tokyo ", "names": "Ann, ,Bo,,"},
                           monday) == (date(2025, 4, 1), "Asia/Tokyo", ["Ann", "", "Bo"])
    with pytest.raises(InvalidInput) as error:
        export_settings({"start": "tomorrow", "tz": "a" * 300, "names": "y" * 61}, monday)
    assert set(error.value.errors) == {"start", "tz", "names"}  # every fault at once


# ---------------------------------------------------------------- lesson slot


LESSON = """---
slug: coaching-the-pipeline
title: Coaching the pipeline
minutes: 10
summary: Plan a coaching cadence.
objectives: [Plan a cadence]
exercises: [cadence]
---
## Build your cadence

[[exercise cadence]]
"""




def test_the_lesson_shows_the_exercise_card_and_the_plan_so_far(lesson_reader):
    client = lesson_reader("09-coaching-the-pipeline.md", LESSON)
    html = flat(client.get("/lessons/coaching-the-pipeline").get_data(as_text=True))
    assert "Exercise: Coaching cadence" in html and 'href="/exercises/cadence"' in html
    assert "Start the exercise" in html and "Your plan so far" not in html
    client.get(URL)
    html = flat(client.get("/lessons/coaching-the-pipeline").get_data(as_text=True))
    assert "Continue the exercise" in html
    assert ("Your plan so far: 4.3 hours of pipeline coaching per seller a month, 30.9 hours of meetings "
            "a month for you with 6 sellers.") in html


# ---------------------------------------------------------------- the page itself


def test_the_pages_obey_the_content_security_policy_and_are_valid_html(client, make_user, login, tmp_path):
    login(make_user())
    page = open_editor(client)
    post(client, page.fields, meetings__2__format="group", meetings__2__kind="deal",
         meetings__3__minutes="x", action="save")
    pages = {"editor": client.get(URL).data,
             "refused": post(client, open_editor(client).fields, submit="1").data}
    post(client, open_editor(client).fields, meetings__3__minutes="60", submit="1")
    pages["version"] = client.get("/exercises/cadence/versions/1").data
    for html in pages.values():
        text = html.decode()
        assert "style=" not in text and "<style" not in text
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", text))
    java = shutil.which("java")
    vnu = Path(__file__).parent.parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not (java and vnu.exists()):
        if os.environ.get("CI"):
            pytest.fail("java and node_modules/vnu-jar are needed (see .ci/run)")
        pytest.skip("java or vnu-jar missing (npm ci)")
    for name, html in pages.items():
        (tmp_path / f"{name}.html").write_bytes(html)
    run = subprocess.run([java, "-jar", str(vnu), "--errors-only", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr or run.stdout


# ---------------------------------------------------------------- properties


line = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=40).map(
    str.strip)
meetings = st.builds(
    Meeting,
    kind=st.sampled_from(tuple(MEETING_TYPES)),
    format=st.sampled_from(FORMATS),
    frequency=st.sampled_from(FREQUENCIES),
    minutes=st.integers(5, 480),
    agenda=st.lists(line.filter(bool), max_size=5).map(tuple),
    title=line,
)
plans = st.builds(CadencePlan, sellers=st.integers(1, 50), meetings=st.lists(meetings, min_size=1, max_size=6).map(
    tuple))


def fields_of(data: dict) -> dict[str, list[str]]:  # type: ignore[type-arg]
    """The fields the editor shows for this data, as a browser posts them back."""
    fields = {"sellers": [str(data["sellers"])]}
    for i, m in enumerate(data["meetings"]):
        fields |= {f"meetings-{i}-kind": [m["kind"]], f"meetings-{i}-format": [m["format"]],
                   f"meetings-{i}-frequency": [m["frequency"]], f"meetings-{i}-minutes": [str(m["minutes"])],
                   f"meetings-{i}-title": [m["title"]], f"meetings-{i}-agenda": ["\r\n".join(m["agenda"])]}
    return fields


@settings(max_examples=60, deadline=None)
@given(plans)
def test_a_plan_posted_back_unchanged_is_stored_unchanged(plan):
    data = cadence_to_json(plan)
    assert from_form(fields_of(data)) == (data, "")


FIELD_ID = re.compile(r"^(sellers|meetings(-(\d+)(-(kind|format|frequency|minutes|title|agenda))?)?)$")


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["sellers", "action", "add-kind"] + [f"meetings-{i}-{f}" for i in range(3) for f in
                                                          ("kind", "format", "frequency", "minutes", "title",
                                                           "agenda", "junk")]),
    st.lists(st.text(max_size=12), min_size=1, max_size=2)))
def test_any_post_saves_and_every_problem_points_at_an_input_on_the_page(form):
    data, message = from_form(form)
    assert isinstance(message, str)
    for key in problems(data):
        match = FIELD_ID.match(key)
        assert match, key
        assert match.group(3) is None or int(match.group(3)) < len(data["meetings"])
