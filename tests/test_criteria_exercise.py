"""The stage-criteria exercise: stages from the journey map or typed, feedback beside each
criterion, the process score, row buttons without JavaScript, and submission gated on errors."""

import re

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

import course.criteria_exercise as ce  # registers the "criteria" kind
from course.extensions import db
from course.models import ExerciseWork

URL = "/exercises/criteria"

QUALIFIED = {"name": "Problem agreed",
             "entry": "Sponsor named the economic buyer by email\n\n"
                      "  Economic buyer stated the problem and a target date in writing  ",
             "exit": "Economic buyer approved the business case by email",
             "drop_out": "Sponsor missed two agreed next steps", "max_days": "30",
             "verified_by": "Sales manager"}
CHOSEN = {"name": "Solution chosen", "entry": "Economic buyer approved the business case by email",
          "exit": "Economic buyer signed the contract", "drop_out": "Economic buyer chose another supplier",
          "max_days": "45", "verified_by": "Sales manager"}
WEAK_CHOSEN = CHOSEN | {"exit": "Economic buyer signed the contract\nProposal sent"}

JOURNEY = {"template": "blank", "phases": [
    {"name": name, "buyer_goal": "", "questions": [], "roles": [], "commitment": "", "sales_stage": stage,
     "notes": ""}
    for name, stage in (("Problem identification", "Qualify"), ("Solution exploration", "Qualify"),
                        ("Supplier selection", "Evaluate"))]}


def fields(*stages, **extra):
    """Post the stages as the editor's fields are named: stages-<i>-<field>."""
    form = {f"stages-{i}-{key}": value for i, stage in enumerate(stages) for key, value in stage.items()}
    return form | extra


def work(user, kind="criteria"):
    return db.session.scalar(sa.select(ExerciseWork).where(ExerciseWork.user_id == user.id,
                                                           ExerciseWork.kind == kind))


def save(client, *stages, **extra):
    version = re.search(r'name="version" value="(\d+)"', client.get(URL).get_data(as_text=True)).group(1)
    return client.post(URL, data=fields(*stages, version=version, **extra))


def between(html, start, end):
    """The part of the page from the first `start` to the next `end`."""
    begin = html.index(start)
    return html[begin:html.index(end, begin + len(start))]


@pytest.fixture
def me(client, make_user, login):
    user = make_user()
    login(user)
    return user


def add_journey(user, data=JOURNEY):
    db.session.add(ExerciseWork(user_id=user.id, kind="journey", data=data, version=1, status="draft"))
    db.session.commit()


# ---------------------------------------------------------------------------- starting


def test_a_new_exercise_has_no_stages_and_offers_to_type_them(client, me):
    page = client.get(URL).get_data(as_text=True)
    assert "Stage criteria" in page and "Type my own stages" in page
    assert "Take the stages from my journey map" not in page  # no journey map yet
    assert "names no sales" in page and 'href="/exercises/journey"' in page
    assert work(me).data == {"stages": []}
    response = client.post(URL, data={"version": "1", "action": "add-stage"})
    assert response.status_code == 302
    assert work(me).data["stages"] == [ce.blank_stage()]
    page = client.get(URL).get_data(as_text=True)
    assert "Stage 1 added." in page and '<legend>Stage 1</legend>' in page
    for field in ("name", "entry", "exit", "drop_out", "max_days", "verified_by"):
        assert f'<label for="stages-0-{field}">' in page and f'id="stages-0-{field}"' in page


def test_stages_come_from_the_journey_map(client, me):
    add_journey(me)
    page = client.get(URL).get_data(as_text=True)
    # The map has three phases but two distinct sales stages, in phase order.
    assert "names 2 sales" in page and "Qualify, Evaluate" in page
    assert page.count('name="journey-stage"') == 2
    assert 'value="from-journey">Take the stages from my journey map</button>' in page
    names = re.findall(r'name="journey-stage" value="([^"]*)"', page)
    client.post(URL, data={"version": "1", "action": "from-journey", "journey-stage": names})
    assert [s["name"] for s in work(me).data["stages"]] == ["Qualify", "Evaluate"]
    page = client.get(URL).get_data(as_text=True)
    assert "2 stages taken from your journey map." in page
    assert "<legend>Stage 2: Evaluate</legend>" in page
    assert 'name="journey-stage"' not in page  # offered only while there are no stages


def test_the_journey_never_replaces_typed_stages_and_autosave_ignores_it(client, me):
    add_journey(me)
    save(client, {"name": "Mine"})
    save(client, {"name": "Mine"}, **{"journey-stage": ["Qualify", "Evaluate"]})  # autosave sends no action
    assert [s["name"] for s in work(me).data["stages"]] == ["Mine"]
    save(client, {"name": "Mine"}, action="from-journey", **{"journey-stage": ["Qualify"]})
    assert [s["name"] for s in work(me).data["stages"]] == ["Mine"]
    assert "none were taken from the journey map" in client.get(URL).get_data(as_text=True)


def test_the_journey_phases_reach_the_checker(client, me):
    stages = ({"name": "Solution explored"}, {"name": "Problem identified"})
    save(client, *stages)
    assert "C14" not in client.get(URL).get_data(as_text=True)  # no map, no journey check
    add_journey(me)
    page = client.get(URL).get_data(as_text=True)
    # Stage 2 matches the journey's first phase after stage 1 reached its second: out of order.
    stage_2 = between(page, 'id="stage-1"', "</fieldset>")
    assert 'id="stages-1-C14"' in stage_2 and "Stages should follow the journey in order." in stage_2
    assert "data-journey='[\"Problem identification\", \"Solution exploration\", \"Supplier selection\"]'" in page


# ---------------------------------------------------------------------------- typing and saving


def test_typing_saves_one_criterion_per_line_without_javascript(client, me):
    response = save(client, QUALIFIED | {"max_days": " 30 "})
    assert response.status_code == 302 and response.headers["Location"] == URL
    assert work(me).data == {"stages": [{
        "name": "Problem agreed",
        "entry": ["Sponsor named the economic buyer by email",
                  "Economic buyer stated the problem and a target date in writing"],  # blank line dropped, trimmed
        "exit": ["Economic buyer approved the business case by email"],
        "drop_out": ["Sponsor missed two agreed next steps"],
        "max_days": 30, "verified_by": "Sales manager"}]}
    page = client.get(URL).get_data(as_text=True)
    assert ("Sponsor named the economic buyer by email\nEconomic buyer stated the problem and a target date "
            "in writing</textarea>") in page
    assert re.search(r'id="stages-0-max_days"[^>]*value="30"', page)


def test_days_that_are_not_a_whole_number_are_kept_as_typed_and_block_submission(client, me):
    save(client, QUALIFIED | {"max_days": "about a month"}, CHOSEN | {"max_days": "0"})
    assert [s["max_days"] for s in work(me).data["stages"]] == ["about a month", 0]
    page = client.get(URL).get_data(as_text=True)
    assert 'value="about a month"' in page
    refused = client.post(URL + "/submit")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Stage 1 “Problem agreed”: give the maximum days in the stage as a whole number from 1 to 3650 " \
           "(it says “about a month”)." in text
    assert "(it says “0”)" in text and 'href="#stages-1-max_days"' in text
    assert 'aria-invalid="true"' in between(text, 'id="stages-0-max_days"', ">")


def test_row_buttons_add_move_and_remove_stages(client, me):
    save(client, {"name": "A"}, {"name": "B"}, {"name": "C"})
    page = client.get(URL).get_data(as_text=True)
    # Each button says which stage it acts on; the first cannot move up, the last not down.
    assert 'value="up-stage:1">Move up<span class="visually-hidden"> stage 2 “B”</span>' in page
    assert 'value="down-stage:1">Move down<span class="visually-hidden"> stage 2 “B”</span>' in page
    assert 'value="remove-stage:2">Remove<span class="visually-hidden"> stage 3 “C”</span>' in page
    assert 'value="add-stage:0">Add a stage after<span class="visually-hidden"> stage 1 “A”</span>' in page
    assert "up-stage:0" not in page and "down-stage:2" not in page

    def names():
        return [s["name"] for s in work(me).data["stages"]]

    save(client, {"name": "A"}, {"name": "B"}, {"name": "C"}, action="up-stage:1")
    assert names() == ["B", "A", "C"]
    assert "Stage 2 “B” moved up: it is now stage 1." in client.get(URL).get_data(as_text=True)
    save(client, {"name": "B"}, {"name": "A"}, {"name": "C"}, action="down-stage:1")
    assert names() == ["B", "C", "A"]
    save(client, {"name": "B"}, {"name": "C"}, {"name": "A"}, action="add-stage:0")
    assert names() == ["B", "", "C", "A"]
    assert "Stage 2 added." in client.get(URL).get_data(as_text=True)
    save(client, {"name": "B"}, {"name": ""}, {"name": "C"}, {"name": "A"}, action="remove-stage:2")
    assert names() == ["B", "", "A"]
    assert "Stage 3 “C” removed." in client.get(URL).get_data(as_text=True)


def test_enter_in_a_one_line_field_saves_instead_of_pressing_a_row_button(client, me):
    save(client, {"name": "A"})
    form = between(client.get(URL).get_data(as_text=True), "class=\"exercise-form\"", "</form>")
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'type="submit"' in first_button and 'value="save"' in first_button and "hidden" in first_button


# ---------------------------------------------------------------------------- feedback


def test_findings_show_beside_the_criterion_they_concern(client, me):
    save(client, QUALIFIED, WEAK_CHOSEN)
    page = client.get(URL).get_data(as_text=True)
    exits = between(page, 'id="stages-1-exit-feedback"', "</textarea>")
    # "Proposal sent" (exit criterion 2 of stage 2): a seller's act (C1) with no buyer named (C2).
    weak = between(exits, "Exit criterion 2: “Proposal sent”", "</ul>")
    for rule in ("C1", "C2"):
        assert f'<li class="finding finding-error" id="stages-1-exit-1-{rule}"' in weak
    assert "C1 · error" in weak and "C2 · error" in weak and "How to fix: Rewrite it as" in weak
    assert "Exit criterion 1" not in exits and 'id="stages-1-exit-0-' not in page  # the good one has none
    assert not re.search(r'id="stages-0-(entry|exit)-\d', page)  # nor stage 1's
    # Stage 1's exit is stage 2's entry, so no handoff complaint (C12) anywhere.
    assert "C12" not in page


def test_the_process_score_is_shown(client, me):
    save(client, QUALIFIED, CHOSEN)
    page = client.get(URL).get_data(as_text=True)
    # All 5 entry/exit criteria are clean: C = 1; both stages have no stage error or warning
    # (stage 2's missing dated next step, C15, is info): S = 1; one process warning (2 stages,
    # C11): P = 1. Score = 0.75 x 1 + 0.25 x 1 - 0.1 x 1 = 0.9 -> 90%.
    assert 'Process score</span> <strong data-score-text>90%</strong>' in page
    assert 'value="90"' in between(page, "<meter", ">")
    assert "C11 · warning" in between(page, 'id="process-feedback"', "</ul>")
    save(client, QUALIFIED, WEAK_CHOSEN)
    # 6 criteria, "Proposal sent" fails: C = 5/6; S = 1; P = 1.
    # 0.75 x 5/6 + 0.25 - 0.1 = 0.775 -> 78% (score rounded to 0.775 first, halves up).
    assert "<strong data-score-text>78%</strong>" in client.get(URL).get_data(as_text=True)


def test_the_page_and_the_live_checker_agree(client, me):
    save(client, QUALIFIED, WEAK_CHOSEN)
    stages = ce.stages_of(work(me).data)
    answer = client.post("/api/v1/criteria/check", json=ce.check_request(stages)).get_json()
    shown = ce.critique(stages)["result"]
    assert answer["score"] == 0.775 and shown["percent"] == 78
    assert {k: v for k, v in shown.items() if k != "percent"} == answer


def test_unnamed_stages_and_odd_days_still_get_feedback(client, me):
    save(client, {"name": "", "exit": "Proposal sent", "max_days": "soon"})
    page = client.get(URL).get_data(as_text=True)
    assert 'id="stages-0-exit-0-C1"' in page  # checked as "Stage 1" with no time limit
    assert "&#39;Stage 1&#39; has no drop-out condition and no time limit" in page


# ---------------------------------------------------------------------------- submitting


def test_submit_needs_stages_names_and_exits(client, me):
    client.get(URL)
    refused = client.post(URL + "/submit")
    assert refused.status_code == 422
    assert "Add at least one stage: take them from your journey map or type your own." in refused.get_data(
        as_text=True)
    save(client, {"name": "", "entry": "Sponsor named the economic buyer by email"})
    text = client.post(URL + "/submit").get_data(as_text=True)
    assert 'href="#stages-0-name">Stage 1: give the stage a name.</a>' in text
    assert 'href="#stages-0-exit">Stage 1: add at least one exit criterion' in text
    summary = between(text, 'class="error-summary"', "</div>")
    assert "has no exit criteria" not in summary  # the checker's C12 says the same: listed once
    assert 'id="stages-0-C12"' in text  # but still shown beside the stage
    assert 'class="error" id="stages-0-name-problem"' in text


def test_submit_is_refused_while_an_error_finding_exists_and_accepted_after_a_rewrite(client, me):
    save(client, QUALIFIED, WEAK_CHOSEN)
    refused = client.post(URL, data=fields(QUALIFIED, WEAK_CHOSEN, version="2", submit="1"))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and work(me).status == "draft"
    assert ('<a href="#stages-1-exit-1-C1">Stage 2 exit criterion 2: &#39;sent&#39; is something the seller '
            "does.") in text
    assert '<a href="#stages-1-exit-1-C2">Stage 2 exit criterion 2: No one on the buyer' in text
    assert 'id="stages-1-exit-1-C1"' in text  # the link leads to the finding beside the criterion
    rewritten = WEAK_CHOSEN | {"exit": "Economic buyer signed the contract\n"
                                       "Economic buyer reviewed the proposal and asked for contract terms by email"}
    accepted = client.post(URL, data=fields(QUALIFIED, rewritten, version="3", submit="1"))
    assert accepted.status_code == 302 and accepted.headers["Location"] == URL + "/versions/1"
    assert work(me).status == "submitted"


def test_warnings_do_not_block_submission(client, me):
    vague = CHOSEN | {"exit": "Economic buyer signed the contract\nEconomic buyer will sign the contract"}
    save(client, QUALIFIED, vague)
    assert "C6 · warning" in client.get(URL).get_data(as_text=True)
    assert client.post(URL + "/submit").status_code == 302


def test_a_frozen_version_shows_the_stages_and_their_findings(client, me):
    save(client, QUALIFIED, CHOSEN, submit="1")
    save(client, QUALIFIED | {"name": "Changed later"}, CHOSEN)
    frozen = client.get(URL + "/versions/1").get_data(as_text=True)
    assert "Stage 1: Problem agreed" in frozen and "Changed later" not in frozen
    assert "<li>Economic buyer signed the contract" in frozen and "Sales manager" in frozen
    assert "Process score <strong>90%</strong>" in frozen
    stage_2 = between(frozen, "Stage 2: Solution chosen", "</section>")
    assert "C15 · info" in stage_2  # no dated next step asked for in stage 2
    assert 'class="frozen"' in frozen and "<textarea" not in frozen


def test_nobody_sees_another_persons_criteria(client, me, make_user, login):
    save(client, QUALIFIED | {"name": "Secret stage"}, CHOSEN, submit="1")
    client.post("/logout")
    login(make_user())
    assert "Secret stage" not in client.get(URL).get_data(as_text=True)
    assert client.get(URL + "/versions/1").status_code == 404


def test_the_page_keeps_to_the_content_security_policy(client, me):
    save(client, QUALIFIED, WEAK_CHOSEN)
    page = client.get(URL).get_data(as_text=True)
    assert "style=" not in page and "<style" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
    assert '/static/criteria.js" defer' in page and "/static/criteria.css" in page


# ---------------------------------------------------------------------------- properties


stored_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=30)
stage_like = st.fixed_dictionaries({}, optional={
    key: stored_values | st.lists(st.text(max_size=30), max_size=4)
    for key in ("name", "entry", "exit", "drop_out", "max_days", "verified_by")})


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.just("stages"), st.lists(stage_like | stored_values, max_size=4)) | stored_values)
def test_any_stored_draft_can_be_checked_and_shown(data):
    if not isinstance(data, dict):
        data = {"stages": data}
    found = ce.problems(data)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in found.items())
    stages = ce.stages_of(data)
    assert (found == {"stages": ce.problems({})["stages"]}) == (not stages)


typed_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({key: typed_text for key in
                                       ("name", "entry", "exit", "drop_out", "max_days", "verified_by")}),
                max_size=4))
def test_saving_what_the_editor_shows_changes_nothing(rows):
    form = {f"stages-{i}-{k}": [v] for i, row in enumerate(rows) for k, v in row.items()}
    data, _ = ce.from_form(form)
    # What the editor puts back in the fields: names and lines as stored, days as text.
    shown = {f"stages-{i}-{k}": ["\n".join(v) if isinstance(v, list) else "" if v is None else str(v)]
             for i, stage in enumerate(data["stages"]) for k, v in stage.items()}
    assert ce.from_form(shown)[0] == data
    assert len(data["stages"]) == len(rows)


# ---------------------------------------------------------------------------- the lesson


LESSON = """---
slug: entry-and-exit-criteria
title: Entry and exit criteria
minutes: 10
summary: Criteria the buyer verifies.
objectives: [Write criteria]
exercises: [criteria]
---
## Try it

[[exercise criteria]]
"""




def test_the_lesson_embeds_the_exercise(lesson_reader):
    client = lesson_reader("05-entry-and-exit-criteria.md", LESSON)
    html = client.get("/lessons/entry-and-exit-criteria").get_data(as_text=True)
    assert "Exercise: Stage criteria" in html and 'href="/exercises/criteria">Start the exercise' in html
