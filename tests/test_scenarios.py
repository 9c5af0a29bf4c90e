"""Saved sizer scenarios: save, list, reopen, compare, delete, use for the exercise; only one's own."""

import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from course.exercises import submitted_kinds
from course.extensions import db
from course.models import ExerciseWork, SizerScenario
from course.scenarios import input_lines
from course.sizer import TOP_NAMES
from course.sizer_exercise import inputs_from, sized
from tests.test_sizer_page import EXAMPLE_2, input_value, text

# EXAMPLE_2 as stored: every top field of the form, the ones not typed kept empty
STORED_2 = {**dict.fromkeys(TOP_NAMES, ""), **EXAMPLE_2}
VARIANT_25 = {**EXAMPLE_2, "win_rate": "25"}


def save(client, name, inputs, **extra):
    return client.post("/sizer/scenarios", data={**inputs, "name": name, **extra})


def saved(user):
    return list(db.session.scalars(sa.select(SizerScenario).where(SizerScenario.user_id == user.id)
                                   .order_by(SizerScenario.id)))


def cells(html, label):
    """Return the cells of the table row headed `label`, as text."""
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', html, re.S)
    assert row, f"no row {label}"
    return [unescape(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def name_error(html):
    match = re.search(r'<p class="error" id="scenario-name-error">([^<]*)</p>', html)
    return unescape(match.group(1)) if match else None


def test_saving_keeps_the_inputs_as_typed_and_returns_to_the_sizer(client, make_user, login):
    user = make_user()
    login(user)
    response = save(client, "  Brightline   today ", {**EXAMPLE_2, "stages-0-name": "Discovery",
                                                         "stages-0-win_probability": "20",
                                                         "stages-1-name": "", "add_stage": "1"})
    assert response.status_code == 302
    [scenario] = saved(user)
    assert scenario.name == "Brightline today"  # extra spaces never make a different name
    assert scenario.inputs == {**STORED_2, "stages-0-name": "Discovery", "stages-0-win_probability": "20"}
    location = urlsplit(response.headers["Location"])
    assert location.path == "/sizer" and parse_qs(location.query)["scenario"] == [str(scenario.id)]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved “Brightline today”." in page


def test_the_list_shows_mine_newest_first_with_headline_figures(client, make_user, login):
    login(make_user())
    save(client, "Brightline today", EXAMPLE_2)
    save(client, "Win a quarter", VARIANT_25)
    save(client, "Half done", {**EXAMPLE_2, "goal": ""})
    html = text(client.get("/sizer/scenarios").get_data(as_text=True))
    names = re.findall(r'<th scope="row"><a href="/sizer/scenarios/\d+">([^<]+)</a>', html)
    assert names == ["Half done", "Win a quarter", "Brightline today"]
    # required = gap / win rate: 1,000,000 / 0.25 = 4,000,000 and 1,000,000 / 0.20 = 5,000,000
    quarter = html[html.index("Win a quarter</a>"):html.index("Brightline today</a>")]
    assert "$4,000,000.00" in quarter and "4.0x" in quarter
    # standing = 1,000,000 / 365 x 120 / 0.25 = 1,315,068.49
    assert "$1,315,068.49" in quarter
    assert "You need $4.0M of pipeline to close the $1.0M still to go: 4.0x, not 3x." in quarter
    today = html[html.index("Brightline today</a>"):]
    assert "$5,000,000.00" in today and "$1,643,835.62" in today
    assert "No result yet: 1 input needs fixing." in html


def test_reopening_sends_the_inputs_back_to_the_sizer(client, make_user, login):
    user = make_user()
    login(user)
    save(client, "Brightline today", EXAMPLE_2)
    [scenario] = saved(user)
    response = client.get(f"/sizer/scenarios/{scenario.id}")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/sizer"
    query = {key: values[0] for key, values in parse_qs(location.query, keep_blank_values=True).items()}
    assert query == {**STORED_2, "scenario": str(scenario.id)}
    page = text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert input_value(page, "win_rate") == "20" and "$5,000,000.00" in page
    assert 'id="scenario-name" name="name"' in page and 'value="Brightline today"' in page
    assert "You reopened “Brightline today”." in page


def test_the_sizer_page_offers_saving_to_signed_in_people(client, make_user, login):
    anonymous = text(client.get("/sizer?" + urlencode(EXAMPLE_2)).get_data(as_text=True))
    assert "Sign in</a> to save this scenario" in anonymous and "/sizer/scenarios" not in anonymous
    login(make_user())
    page = client.get("/sizer?" + urlencode(EXAMPLE_2)).get_data(as_text=True)
    form = page[page.index('action="/sizer/scenarios"'):]
    form = form[:form.index("</form>")]
    assert '<input type="hidden" name="win_rate" value="20" data-scenario-input>' in form
    assert '<label for="scenario-name">Scenario name</label>' in form
    assert "Save this scenario" in form and "style=" not in page


def test_a_name_is_required_and_short_and_the_inputs_are_kept(client, make_user, login):
    user = make_user()
    login(user)
    missing = save(client, "   ", EXAMPLE_2)
    html = missing.get_data(as_text=True)
    assert missing.status_code == 422
    assert name_error(html) == "Give the scenario a name, such as “Our team, next year”."
    assert 'aria-describedby="scenario-name-hint scenario-name-error" aria-invalid="true"' in html
    assert input_value(html, "win_rate") == "20" and "$5,000,000.00" in html  # the sizer as it was
    long = save(client, "x" * 121, EXAMPLE_2).get_data(as_text=True)
    assert name_error(long) == "Keep the name to 120 characters or fewer; this one has 121."
    assert input_value(long, "name") == "x" * 121  # the name typed is kept to shorten it
    assert saved(user) == []
    assert save(client, "x" * 120, EXAMPLE_2).status_code == 302


def test_the_same_name_asks_before_replacing(client, make_user, login):
    user = make_user()
    login(user)
    save(client, "Plan", EXAMPLE_2)
    asked = save(client, " plan ", VARIANT_25)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 422
    assert name_error(html) == ("You already have a scenario named “Plan”. Tick “Replace the scenario "
                                "with this name” to save over it, or choose another name.")
    assert 'name="replace" value="1"> Replace the scenario with this name</label>' in html
    assert input_value(html, "win_rate") == "25"
    assert [s.inputs["win_rate"] for s in saved(user)] == ["20"]
    assert save(client, "plan", VARIANT_25, replace="1").status_code == 302
    [scenario] = saved(user)
    assert (scenario.name, scenario.inputs["win_rate"]) == ("plan", "25")


def test_compare_two_side_by_side(client, make_user, login):
    user = make_user()
    login(user)
    save(client, "Brightline today", EXAMPLE_2)
    save(client, "Win a quarter", VARIANT_25)
    first, second = saved(user)
    response = client.get(f"/sizer/scenarios/compare?a={first.id}&b={second.id}")
    html = text(response.get_data(as_text=True))
    assert response.status_code == 200
    # required = 1,000,000 / 0.20 = 5,000,000 and / 0.25 = 4,000,000: 1,000,000 less
    assert cells(html, "Required pipeline") == ["$5,000,000.00", "$4,000,000.00", "-$1,000,000.00"]
    assert cells(html, "Coverage required") == ["5.0x", "4.0x", "-1.0x"]
    # wins 1,000,000 / 50,000 = 20 both; opportunities 20 x 5 = 100 and 20 x 4 = 80
    assert cells(html, "Wins needed") == ["20", "20", "same"]
    assert cells(html, "Opportunities needed") == ["100", "80", "-20"]
    # naive 3 x 1,000,000 = 3,000,000 less required: -2,000,000 and -1,000,000
    assert cells(html, "Rule of thumb less required") == ["-$2,000,000.00", "-$1,000,000.00", "+$1,000,000.00"]
    assert cells(html, "Win rate (%)") == ["20", "25", "+5"]
    assert cells(html, "Revenue goal for the period (USD)") == ["1000000", "1000000", ""]
    assert "You need $5.0M of pipeline to close the $1.0M still to go: 5.0x, not 3x." in html
    assert "You need $4.0M of pipeline to close the $1.0M still to go: 4.0x, not 3x." in html
    assert "<th scope=\"col\">Brightline today</th><th scope=\"col\">Win a quarter</th>" in html


def test_input_differences_read_as_a_person_would_say_them():
    first = sized({**STORED_2, "stages-0-name": "Discovery", "stages-0-win_probability": "20",
                   "currency": "USD"})
    second = sized({**STORED_2, "goal": "1,000,000", "win_rate": "25", "cycle_days": "ninety",
                    "slippage": "10"})
    lines = {line.label: (line.first, line.second, line.difference) for line in input_lines(first, second)}
    assert lines["Revenue goal for the period (USD)"] == ("1000000", "1,000,000", "")  # same number
    assert lines["Win rate (%)"] == ("20", "25", "+5")
    assert lines["Sales cycle (days)"] == ("120", "ninety", "changed")
    assert lines["Slippage (%)"] == ("—", "10", "only in the second")
    assert lines["Stage 1 stage name"] == ("Discovery", "—", "only in the first")


def test_compare_without_a_choice_offers_one(client, make_user, login):
    user = make_user()
    login(user)
    page = client.get("/sizer/scenarios/compare").get_data(as_text=True)
    assert "Save at least two scenarios to compare them." in page
    save(client, "One", EXAMPLE_2)
    save(client, "Two", VARIANT_25)
    one, two = saved(user)
    page = client.get("/sizer/scenarios/compare").get_data(as_text=True)
    # the older one first, the newer second, so the difference reads as "what changed since"
    assert f'<option value="{one.id}" selected>One</option>' in page.split('name="b"')[0]
    assert f'<option value="{two.id}" selected>Two</option>' in page.split('name="b"')[1]


def test_delete_asks_first(client, make_user, login):
    user = make_user()
    login(user)
    save(client, "Old plan", EXAMPLE_2)
    [scenario] = saved(user)
    confirm = client.get(f"/sizer/scenarios/{scenario.id}/delete").get_data(as_text=True)
    assert "<h1>Delete “Old plan”?</h1>" in confirm
    assert f'<form method="post" action="/sizer/scenarios/{scenario.id}/delete">' in confirm
    assert len(saved(user)) == 1  # opening the question deletes nothing
    response = client.post(f"/sizer/scenarios/{scenario.id}/delete")
    assert response.headers["Location"] == "/sizer/scenarios"
    assert saved(user) == []
    page = client.get("/sizer/scenarios").get_data(as_text=True)
    assert "Deleted “Old plan”." in page and "no saved scenarios yet" in page


def test_use_for_the_exercise_then_submit(client, make_user, login):
    user = make_user()
    login(user)
    save(client, "Brightline today", EXAMPLE_2)
    [scenario] = saved(user)
    response = client.post(f"/sizer/scenarios/{scenario.id}/use")
    assert response.headers["Location"] == "/exercises/sizer"
    work = db.session.scalar(sa.select(ExerciseWork).where(ExerciseWork.user_id == user.id))
    assert work.kind == "sizer" and work.data == {"scenario": "Brightline today", "inputs": STORED_2}
    editor = text(client.get("/exercises/sizer").get_data(as_text=True))
    assert "Copied “Brightline today” into your exercise." in editor
    assert input_value(editor, "scenario") == "Brightline today" and input_value(editor, "win_rate") == "20"
    assert "$5,000,000.00" in editor
    submitted = client.post("/exercises/sizer/submit")
    assert submitted.headers["Location"] == "/exercises/sizer/versions/1"
    db.session.refresh(work)
    assert work.status == "submitted" and "sizer" in submitted_kinds(user.id)
    frozen = text(client.get("/exercises/sizer/versions/1").get_data(as_text=True))
    assert "Brightline today" in frozen and "$5,000,000.00" in frozen
    assert "You need $5.0M of pipeline to close the $1.0M still to go: 5.0x, not 3x." in frozen


def test_using_a_scenario_that_does_not_compute_cannot_be_submitted(client, make_user, login):
    user = make_user()
    login(user)
    save(client, "Half done", {**EXAMPLE_2, "win_rate": "0.2"})
    [scenario] = saved(user)
    client.post(f"/sizer/scenarios/{scenario.id}/use")
    refused = client.post("/exercises/sizer/submit")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert '<a href="#win_rate">Did you mean 20%? Enter 20 for 20%.</a>' in html
    assert '<p class="error" id="win_rate-error">Did you mean 20%? Enter 20 for 20%.</p>' in html
    work = db.session.scalar(sa.select(ExerciseWork).where(ExerciseWork.user_id == user.id))
    assert work.status == "draft" and work.submissions == []


def test_someone_elses_scenario_is_a_404_everywhere(client, make_user, login):
    owner, other = make_user(), make_user()
    login(owner)
    save(client, "Secret plan", EXAMPLE_2)
    [theirs] = saved(owner)
    client.post("/logout")
    login(other)
    save(client, "Mine", VARIANT_25)
    [mine] = saved(other)
    for method, url in [("GET", f"/sizer/scenarios/{theirs.id}"),
                        ("GET", f"/sizer/scenarios/{theirs.id}/delete"),
                        ("POST", f"/sizer/scenarios/{theirs.id}/delete"),
                        ("POST", f"/sizer/scenarios/{theirs.id}/use"),
                        ("GET", f"/sizer/scenarios/compare?a={theirs.id}&b={mine.id}"),
                        ("GET", f"/sizer/scenarios/compare?a={mine.id}&b={theirs.id}"),
                        ("GET", f"/sizer/scenarios/compare?a={mine.id}&b=99999999999999999999"),
                        ("GET", "/sizer/scenarios/99999999999999999999")]:
        assert client.open(url, method=method).status_code == 404, url
    assert "Secret plan" not in client.get("/sizer/scenarios").get_data(as_text=True)
    reopened = client.get(f"/sizer?{urlencode(EXAMPLE_2)}&scenario={theirs.id}").get_data(as_text=True)
    assert "Secret plan" not in reopened and "You reopened" not in reopened
    assert saved(owner)[0].name == "Secret plan"  # still there, untouched
    assert db.session.scalar(sa.select(ExerciseWork).where(ExerciseWork.user_id == other.id)) is None


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/sizer/scenarios"), ("POST", "/sizer/scenarios"), ("GET", "/sizer/scenarios/1"),
    ("GET", "/sizer/scenarios/1/delete"), ("POST", "/sizer/scenarios/1/delete"),
    ("POST", "/sizer/scenarios/1/use"), ("GET", "/sizer/scenarios/compare?a=1&b=2"),
])
def test_anonymous_people_are_sent_to_sign_in(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


TYPED = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
FIELD = st.sampled_from([*TOP_NAMES, "stages-0-name", "stages-0-win_probability", "stages-1-open_value",
                         "stages-4-days_in_stage", "stages-2-remove", "add_stage", "scenario"])


@given(st.dictionaries(FIELD, TYPED))
def test_reopening_gives_back_exactly_what_was_saved(typed):
    inputs = inputs_from(typed)
    query = parse_qs(urlencode(inputs), keep_blank_values=True)
    assert inputs_from({key: values[0] for key, values in query.items()}) == inputs
    assert set(TOP_NAMES) <= set(inputs)  # every top field is kept, so the page shows no defaults
