"""The sizer exercise: the sizer's fields in the shared exercise form, a name, saved scenarios to load."""

import re
from html import unescape

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from course.exercises import submitted_kinds
from course.extensions import db
from course.models import ExerciseWork, SizerScenario
from course.sizer import TOP_NAMES
from course.sizer_exercise import from_form, inputs_from, problems
from tests.test_scenarios import STORED_2
from tests.test_sizer_page import EXAMPLE_2, error_of, input_value, text


def work(user):
    return db.session.scalar(sa.select(ExerciseWork).where(ExerciseWork.user_id == user.id))


def post(client, version, **fields):
    return client.post("/exercises/sizer", data={"version": str(version), **fields})


def test_opening_shows_the_name_and_the_sizer_fields_with_gentle_hints(client, make_user, login):
    login(make_user())
    html = client.get("/exercises/sizer").get_data(as_text=True)
    assert "<h1>Pipeline sizing for your own numbers</h1>" in html
    assert '<label for="scenario">Scenario name</label>' in html
    assert '<label for="goal">Revenue goal for the period <span class="unit">(USD)</span>' in html
    assert input_value(html, "period_days") == "365" and input_value(html, "naive_multiple") == "3"
    assert 'name="stages-2-name"' in html  # three blank stage rows, as on the sizer page
    assert "You have no saved scenarios yet." in html
    assert 'class="error"' not in html and "<form method=\"get\"" not in html  # no form in the form
    ready = text(html[html.index("Before you submit"):])
    assert "<li>Give the scenario a name.</li>" in ready
    assert "<li>Revenue goal for the period is required.</li>" in ready
    assert "style=" not in html


def test_saving_without_javascript_keeps_what_was_typed_and_shows_the_figures(client, make_user, login):
    user = make_user()
    login(user)
    client.get("/exercises/sizer")
    response = post(client, 1, scenario="Our team", **EXAMPLE_2, **{
        "stages-0-name": "Discovery", "stages-0-win_probability": "20", "stages-1-name": ""})
    assert response.status_code == 302
    assert work(user).data == {"scenario": "Our team", "inputs": {
        **STORED_2, "stages-0-name": "Discovery", "stages-0-win_probability": "20"}}
    html = text(client.get("/exercises/sizer").get_data(as_text=True))
    assert input_value(html, "scenario") == "Our team" and input_value(html, "stages-0-name") == "Discovery"
    # gap 1,000,000 / win rate 0.2 = 5,000,000 required; 20 wins of 50,000
    assert "You need $5.0M of pipeline to close the $1.0M still to go: 5.0x, not 3x." in html
    assert "That is 20 wins of $50K on average, from 100 opportunities." in html
    assert "Before you submit" not in html


def test_the_remove_box_drops_a_stage_row(client, make_user, login):
    user = make_user()
    login(user)
    client.get("/exercises/sizer")
    post(client, 1, scenario="Our team", **EXAMPLE_2, **{
        "stages-0-name": "Discovery", "stages-0-win_probability": "20", "stages-0-remove": "1",
        "stages-1-name": "Proposal", "stages-1-win_probability": "40"})
    inputs = work(user).data["inputs"]
    assert inputs["stages-0-name"] == "Proposal" and "stages-1-name" not in inputs
    assert "Stage row removed." in client.get("/exercises/sizer").get_data(as_text=True)


def test_loading_a_saved_scenario_replaces_the_inputs(client, make_user, login):
    user = make_user()
    login(user)
    scenario = SizerScenario(user_id=user.id, name="Win a quarter", inputs={**STORED_2, "win_rate": "25"})
    db.session.add(scenario)
    db.session.commit()
    html = client.get("/exercises/sizer").get_data(as_text=True)
    assert '<label for="load">Load one of my saved scenarios</label>' in html
    assert f'<option value="{scenario.id}">Win a quarter</option>' in html
    response = post(client, 1, scenario="Typed", goal="5", action="load", load=str(scenario.id))
    assert response.status_code == 302
    assert work(user).data == {"scenario": "Win a quarter", "inputs": {**STORED_2, "win_rate": "25"}}
    page = text(client.get("/exercises/sizer").get_data(as_text=True))
    assert "Loaded “Win a quarter”: its inputs replace the ones that were in the form." in page
    assert "$4,000,000.00" in page  # 1,000,000 / 0.25
    post(client, 2, scenario="Typed", goal="5", action=f"load:{scenario.id}")  # one button per scenario
    assert work(user).data["scenario"] == "Win a quarter"


def test_someone_elses_scenario_cannot_be_loaded(client, make_user, login):
    owner, user = make_user(), make_user()
    theirs = SizerScenario(user_id=owner.id, name="Secret", inputs=STORED_2)
    db.session.add(theirs)
    db.session.commit()
    login(user)
    client.get("/exercises/sizer")
    post(client, 1, scenario="Mine", goal="7", action="load", load=str(theirs.id))
    assert work(user).data["scenario"] == "Mine" and work(user).data["inputs"]["goal"] == "7"
    page = client.get("/exercises/sizer").get_data(as_text=True)
    assert "That saved scenario was not found; your inputs are unchanged." in page
    assert "Secret" not in page


def test_submit_is_refused_with_each_message_beside_its_field(client, make_user, login):
    user = make_user()
    login(user)
    client.get("/exercises/sizer")
    refused = post(client, 1, scenario=" ", **{**EXAMPLE_2, "goal": "", "win_rate": "0.25"}, submit="1")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Not ready to submit yet" in html
    summary = html[html.index('class="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert re.findall(r'href="#([a-z_]+)"', summary) == ["scenario", "goal", "win_rate"]
    assert unescape(re.search(r'id="scenario-error">([^<]*)<', html).group(1)) == "Give the scenario a name."
    assert error_of(html, "goal") == "Revenue goal for the period is required."
    assert error_of(html, "win_rate") == "Did you mean 25%? Enter 25 for 25%."
    assert input_value(html, "win_rate") == "0.25"  # kept as typed
    assert work(user).status == "draft" and work(user).submissions == []


def test_submitting_freezes_the_inputs_and_the_figures(client, make_user, login):
    user = make_user()
    login(user)
    client.get("/exercises/sizer")
    response = post(client, 1, scenario="Brightline today", **EXAMPLE_2, submit="1")
    assert response.headers["Location"] == "/exercises/sizer/versions/1"
    assert work(user).status == "submitted" and "sizer" in submitted_kinds(user.id)
    post(client, 2, scenario="Later", **{**EXAMPLE_2, "win_rate": "25"})
    frozen = text(client.get("/exercises/sizer/versions/1").get_data(as_text=True))
    assert "<h2>Brightline today</h2>" in frozen and "Later" not in frozen
    assert '<th scope="row">Win rate (%)</th><td>20</td>' in frozen
    # recomputed from the frozen inputs: 1,000,000 / 0.2 = 5,000,000, not the draft's 4,000,000
    assert "$5,000,000.00" in frozen and "$4,000,000.00" not in frozen
    assert "A fixed 3x ($3.0M) would leave you $2.0M short: under-covered." in frozen
    assert "<svg" in frozen  # the charts


def test_someone_else_cannot_see_my_exercise(client, make_user, login):
    owner, other = make_user(), make_user()
    login(owner)
    client.get("/exercises/sizer")
    post(client, 1, scenario="Private numbers", **EXAMPLE_2, submit="1")
    client.post("/logout")
    login(other)
    assert client.get("/exercises/sizer/versions/1").status_code == 404
    assert "Private numbers" not in client.get("/exercises/sizer").get_data(as_text=True)


FIELD = st.sampled_from([*TOP_NAMES, "scenario", "stages-0-name", "stages-0-win_probability",
                         "stages-1-open_value", "stages-0-remove", "action", "load"])
TYPED = st.text(st.characters(blacklist_categories=("Cs",)), max_size=45)


@settings(max_examples=60)
@given(st.dictionaries(FIELD, st.lists(TYPED, min_size=1, max_size=2)))
def test_any_form_saves_as_a_draft_and_any_draft_gets_plain_problems(form):
    form.pop("action", None)  # "load" needs a signed-in person; tested above
    data, _ = from_form(form)
    first = {key: values[0] for key, values in form.items()}
    assert data["inputs"] == inputs_from(first) and data["scenario"] == first.get("scenario", "")[:120]
    found = problems(data)
    assert ("scenario" in found) == (not data["scenario"].strip())
    assert all(isinstance(message, str) and message for message in found.values())
