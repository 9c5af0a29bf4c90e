"""Cohorts: create and list, the join link, adding people one by one or from a CSV list,
removing and moving people without losing their work, the schedule, locked modules, reminders."""

import csv
import io
import re
import subprocess
from datetime import date

import pytest
import sqlalchemy as sa
from flask import render_template_string
from hypothesis import given
from hypothesis import strategies as st

from course.cohort_roster import parse_roster
from course.cohort_schedule import opens_on, read_schedule
from course.extensions import db
from course.invitations import awaiting, invitation_token
from course.models import Cohort, LessonProgress, ModuleSchedule, QuizAttempt, User
from tests.cohort_support import days, enrol, make_cohort, members, outbox, plan


def cohort_named(name):
    return db.session.scalar(sa.select(Cohort).where(Cohort.name == name))


def user_named(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


# --- creating and listing --------------------------------------------------------------------------

def test_trainer_creates_a_cohort_with_a_join_code_and_lands_on_people(client, make_user, login):
    trainer = make_user("trainer")
    login(trainer)
    response = client.post("/cohorts/new", data={"name": "Spring 2025", "description": "EMEA reps",
                                                 "start_date": "2025-03-03"})
    cohort = cohort_named("Spring 2025")
    assert response.headers["Location"] == f"/cohorts/{cohort.id}/people"
    assert (cohort.trainer_id, cohort.start_date, cohort.description) == (trainer.id, date(2025, 3, 3), "EMEA reps")
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", cohort.join_code)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/cohorts/join/{cohort.join_code}" in page and "Spring 2025" in page


def test_cohort_form_names_what_is_missing_and_keeps_what_was_typed(client, make_user, login):
    login(make_user("trainer"))
    response = client.post("/cohorts/new", data={"name": "   ", "description": "Keep me", "start_date": "soon"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the cohort a name." in page and "Not a valid date value." in page
    assert "Keep me" in page and db.session.scalar(sa.select(sa.func.count()).select_from(Cohort)) == 0


def test_trainers_see_only_their_own_cohorts_and_admins_see_all(client, make_user, login):
    mine, theirs = make_user("trainer"), make_user("trainer")
    make_cohort(mine, "Mine")
    make_cohort(theirs, "Theirs")
    login(mine)
    page = client.get("/cohorts/").get_data(as_text=True)
    assert "Mine" in page and "Theirs" not in page
    client.post("/logout")
    login(make_user("admin"))
    page = client.get("/cohorts/").get_data(as_text=True)
    assert "Mine" in page and "Theirs" in page


def test_editing_the_details(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    client.post(f"/cohorts/{cohort.id}/edit", data={"name": "Renamed", "description": "", "start_date": "2025-04-07"})
    db.session.refresh(cohort)
    assert (cohort.name, cohort.start_date) == ("Renamed", date(2025, 4, 7))


# --- the join link -----------------------------------------------------------------------------------

def test_a_newcomer_follows_the_link_registers_and_joins(client, make_user):
    cohort = make_cohort(make_user("trainer"), "Autumn", code="JOINME22")
    page = client.get("/cohorts/join/joinme22").get_data(as_text=True)  # codes are read aloud: any case works
    assert "Autumn" in page and "/register?next=/cohorts/join/joinme22" in page
    response = client.post("/register?next=/cohorts/join/joinme22", data={
        "name": "Nia New", "email": "nia@example.com", "password": "long enough pw", "confirm": "long enough pw"})
    assert response.headers["Location"] == "/cohorts/join/joinme22"
    assert "Join Autumn" in client.get("/cohorts/join/joinme22").get_data(as_text=True)
    assert client.post("/cohorts/join/joinme22").headers["Location"] == "/course"
    assert members(cohort) == ["nia@example.com"]
    again = client.post("/cohorts/join/JOINME22", follow_redirects=True).get_data(as_text=True)
    assert "You are in Autumn already." in again and members(cohort) == ["nia@example.com"]


def test_an_unknown_code_is_a_404_and_signed_out_joining_asks_to_sign_in(client, make_user):
    make_cohort(make_user("trainer"), code="REALCODE")
    assert client.get("/cohorts/join/NOPE1234").status_code == 404
    assert client.post("/cohorts/join/REALCODE").headers["Location"] == "/login?next=/cohorts/join/REALCODE"


def test_trainers_cannot_join_a_cohort_as_learners(client, make_user, login):
    cohort = make_cohort(make_user("trainer"), code="TEAMCODE")
    login(make_user("trainer"))
    assert "your account is a trainer account" in client.get("/cohorts/join/TEAMCODE").get_data(as_text=True)
    client.post("/cohorts/join/TEAMCODE")
    assert members(cohort) == []


def test_a_new_join_code_retires_the_old_link(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer, code="OLDCODE1")
    login(trainer)
    client.post(f"/cohorts/{cohort.id}/join-code")
    db.session.refresh(cohort)
    assert cohort.join_code != "OLDCODE1" and client.get("/cohorts/join/OLDCODE1").status_code == 404


# --- adding one person -------------------------------------------------------------------------------

def test_adding_someone_with_an_account_enrols_them_and_tells_them(client, make_user, login):
    trainer, learner = make_user("trainer"), make_user(email="ada@example.com")
    cohort = make_cohort(trainer)
    login(trainer)
    page = client.post(f"/cohorts/{cohort.id}/people", data={"email": " Ada@Example.com "},
                       follow_redirects=True).get_data(as_text=True)
    assert members(cohort) == ["ada@example.com"]
    assert f"{learner.name} added. They get an email saying so." in page
    [mail] = outbox("enrolment")
    assert mail.to_address == "ada@example.com" and "Sign in with your usual password" in mail.body


def test_adding_someone_new_needs_a_name_then_sends_an_invitation(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    refused = client.post(f"/cohorts/{cohort.id}/people", data={"email": "bo@example.com", "name": ""})
    assert refused.status_code == 422
    assert "Enter a name: there is no account with this email yet." in refused.get_data(as_text=True)
    assert 'value="bo@example.com"' in refused.get_data(as_text=True) and members(cohort) == []
    client.post(f"/cohorts/{cohort.id}/people", data={"email": "bo@example.com", "name": "Bo Berg"})
    bo = user_named("bo@example.com")
    assert members(cohort) == ["bo@example.com"] and awaiting(bo) and bo.role == "learner"
    [mail] = outbox("invitation")
    assert mail.to_address == "bo@example.com" and "http://localhost/invitations/" in mail.body


def test_adding_a_trainer_account_or_an_unknown_manager_is_refused(client, make_user, login):
    trainer = make_user("trainer")
    make_user("trainer", email="other@example.com")
    cohort = make_cohort(trainer)
    login(trainer)
    page = client.post(f"/cohorts/{cohort.id}/people", data={"email": "other@example.com"}).get_data(as_text=True)
    assert "This is a trainer account: only learners and managers join a cohort." in page
    page = client.post(f"/cohorts/{cohort.id}/people", data={
        "email": "cy@example.com", "name": "Cy", "manager_email": "boss@example.com"}).get_data(as_text=True)
    assert "There is no account for the manager boss@example.com." in page
    assert members(cohort) == [] and user_named("cy@example.com") is None


# --- importing a list ----------------------------------------------------------------------------

LIST = ("email,name,manager email\n"
        "ada@example.com,,\n"
        "bo@example.com,Bo Berg,dana@example.com\n"
        "cy@example.com,Cy Chen,\n")


def test_import_previews_first_and_writes_nothing_until_confirmed(client, make_user, login):
    trainer = make_user("trainer")
    make_user(email="ada@example.com")
    dana = make_user("manager", email="dana@example.com", name="Dana Okafor")
    cohort = make_cohort(trainer)
    login(trainer)
    preview = client.post(f"/cohorts/{cohort.id}/import", data={"text": LIST})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Ready to import" in page and "Import 3 people" in page
    assert page.count("New account: gets an invitation") == 2 and "Existing account: enrolled" in page
    assert members(cohort) == [] and user_named("bo@example.com") is None
    client.post(f"/cohorts/{cohort.id}/import", data={"text": LIST, "confirm": "1"})
    assert members(cohort) == ["ada@example.com", "bo@example.com", "cy@example.com"]
    assert user_named("bo@example.com").manager_id == dana.id
    assert sorted(m.to_address for m in outbox("invitation")) == ["bo@example.com", "cy@example.com"]
    assert [m.to_address for m in outbox("enrolment")] == ["ada@example.com"]


def test_one_bad_row_stops_the_whole_import_and_every_problem_is_named(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    bad = ("dee@example.com,Dee\n"
           "not-an-email,Someone\n"
           "eve@example.com,\n"
           "dee@example.com,Dee again\n"
           "fay@example.com,Fay,fay@example.com,extra\n")
    response = client.post(f"/cohorts/{cohort.id}/import", data={"text": bad, "confirm": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was imported: 4 rows need a correction" in page
    assert "“not-an-email” is not an email address" in page
    assert "Enter a name: there is no account with this email yet." in page
    assert "This email is on line 1 already." in page
    assert "more than three columns" in page
    assert members(cohort) == [] and user_named("dee@example.com") is None and outbox() == []


def test_a_spreadsheet_file_with_semicolons_and_windows_accents_is_read(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    upload = (io.BytesIO("zoë@example.com;Zoë Kraus\n".encode("cp1252")), "people.csv")
    page = client.post(f"/cohorts/{cohort.id}/import", data={"file": upload},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Zoë Kraus" in page and "Import 1 person" in page


def test_an_empty_list_is_explained(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    response = client.post(f"/cohorts/{cohort.id}/import", data={"text": "email,name\n\n"})
    assert response.status_code == 422 and "The list is empty." in response.get_data(as_text=True)


# --- removing and moving -----------------------------------------------------------------------------

def give_work(user):
    db.session.add(LessonProgress(user_id=user.id, lesson_slug="first-steps"))
    db.session.add(QuizAttempt(user_id=user.id, quiz_slug="first-steps", answers={}, points=3, max_points=4,
                               passed=True))
    db.session.commit()


def work_of(user):
    return (db.session.scalar(sa.select(sa.func.count()).where(LessonProgress.user_id == user.id)),
            db.session.scalar(sa.select(sa.func.count()).where(QuizAttempt.user_id == user.id)))


def test_removing_someone_keeps_their_account_and_work(client, make_user, login):
    trainer, learner = make_user("trainer"), make_user()
    cohort = make_cohort(trainer)
    enrol(cohort, learner)
    give_work(learner)
    login(trainer)
    page = client.post(f"/cohorts/{cohort.id}/people/{learner.id}/remove", follow_redirects=True)
    assert "Their account and work are kept." in page.get_data(as_text=True)
    assert members(cohort) == [] and work_of(learner) == (1, 1)


def test_moving_someone_takes_their_work_along(client, make_user, login):
    trainer, learner = make_user("trainer"), make_user()
    spring, autumn = make_cohort(trainer, "Spring"), make_cohort(trainer, "Autumn")
    enrol(spring, learner)
    give_work(learner)
    login(trainer)
    client.post(f"/cohorts/{spring.id}/people/{learner.id}/move", data={"to": autumn.id})
    assert members(spring) == [] and members(autumn) == [learner.email] and work_of(learner) == (1, 1)
    page = client.get(f"/cohorts/{autumn.id}").get_data(as_text=True)
    assert "Quiz 75%" in page  # 3 of 4 points, as before the move


def test_moving_into_someone_elses_cohort_is_a_404_and_changes_nothing(client, make_user, login):
    trainer, learner = make_user("trainer"), make_user()
    mine, theirs = make_cohort(trainer, "Mine"), make_cohort(make_user("trainer"), "Theirs")
    enrol(mine, learner)
    login(trainer)
    assert client.post(f"/cohorts/{mine.id}/people/{learner.id}/move", data={"to": theirs.id}).status_code == 404
    assert members(mine) == [learner.email] and members(theirs) == []


def test_moving_someone_who_is_in_the_target_already_says_so(client, make_user, login):
    trainer, learner = make_user("trainer"), make_user()
    a, b = make_cohort(trainer, "Alpha"), make_cohort(trainer, "Beta")
    enrol(a, learner)
    enrol(b, learner)
    login(trainer)
    page = client.post(f"/cohorts/{a.id}/people/{learner.id}/move", data={"to": b.id}, follow_redirects=True)
    assert "is in Beta already" in page.get_data(as_text=True) and members(a) == [learner.email]


def test_the_invitation_can_be_sent_again_only_while_it_is_pending(client, make_user, login):
    trainer, learner = make_user("trainer"), make_user()
    cohort = make_cohort(trainer)
    login(trainer)
    client.post(f"/cohorts/{cohort.id}/people", data={"email": "new@example.com", "name": "New Person"})
    newcomer = user_named("new@example.com")
    enrol(cohort, learner)
    client.post(f"/cohorts/{cohort.id}/people/{newcomer.id}/invite")
    page = client.post(f"/cohorts/{cohort.id}/people/{learner.id}/invite", follow_redirects=True)
    assert "has set a password already" in page.get_data(as_text=True)
    assert [m.to_address for m in outbox("invitation")] == ["new@example.com", "new@example.com"]


# --- schedule, locked modules, overdue ------------------------------------------------------------

def test_schedule_saves_dates_and_an_empty_module_has_no_row(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    client.post(f"/cohorts/{cohort.id}/schedule", data={"opens-first-steps": "", "due-first-steps": "2025-03-09",
                                                        "opens-second-steps": "2025-03-10",
                                                        "due-second-steps": "2025-03-16"})
    rows = db.session.execute(sa.select(ModuleSchedule.lesson_slug, ModuleSchedule.opens_on, ModuleSchedule.due_on)
                              .order_by(ModuleSchedule.lesson_slug)).all()
    assert rows == [("first-steps", None, date(2025, 3, 9)), ("second-steps", date(2025, 3, 10), date(2025, 3, 16))]
    client.post(f"/cohorts/{cohort.id}/schedule", data={"opens-second-steps": "2025-03-10"})
    assert db.session.scalars(sa.select(ModuleSchedule.lesson_slug)).all() == ["second-steps"]


def test_schedule_mistakes_are_all_named_and_the_dates_typed_stay(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    response = client.post(f"/cohorts/{cohort.id}/schedule", data={
        "opens-first-steps": "next monday", "opens-second-steps": "2025-03-10", "due-second-steps": "2025-03-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“next monday” is not a date." in page and "The due date is before the module opens (10 March 2025)." in page
    assert 'value="next monday"' in page and 'value="2025-03-01"' in page
    assert db.session.scalars(sa.select(ModuleSchedule)).all() == []


def test_read_schedule_reports_every_fault_at_once():
    plans, errors = read_schedule({"a": ("2025-02-30", ""), "b": ("2025-03-10", "2025-03-09"), "c": ("", "")})
    assert set(errors) == {"opens-a", "due-b"}  # 30 February does not exist; b is due the day before it opens
    assert plans["c"].opens_on is None and plans["b"].due_on == date(2025, 3, 9)


def test_weekly_plan_button_fills_the_form_without_saving(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer, start_date=date(2025, 3, 3))
    login(trainer)
    page = client.post(f"/cohorts/{cohort.id}/schedule", data={"action": "weekly"}).get_data(as_text=True)
    # module 1 opens on the start and is due the day before module 2 opens a week later
    for name, value in [("opens-first-steps", "2025-03-03"), ("due-first-steps", "2025-03-09"),
                        ("opens-second-steps", "2025-03-10"), ("due-second-steps", "2025-03-16")]:
        assert f'name="{name}" value="{value}"' in page
    assert db.session.scalars(sa.select(ModuleSchedule)).all() == []


def test_a_module_opens_for_a_learner_on_their_cohorts_date(app, make_user):
    learner, outsider = make_user(), make_user()
    cohort = make_cohort(make_user("trainer"))
    enrol(cohort, learner)
    plan(cohort, "second-steps", opens=days(3))
    plan(cohort, "first-steps", opens=days(-1))
    assert opens_on(learner.id, "second-steps") == days(3)
    assert opens_on(learner.id, "first-steps") is None  # opened yesterday
    assert opens_on(outsider.id, "second-steps") is None  # not in a cohort: nothing is locked


def test_in_two_cohorts_a_module_is_open_if_either_opened_it(app, make_user):
    learner = make_user()
    trainer = make_user("trainer")
    early, late = make_cohort(trainer, "Early"), make_cohort(trainer, "Late")
    enrol(early, learner)
    enrol(late, learner)
    plan(late, "second-steps", opens=days(5))
    assert opens_on(learner.id, "second-steps") is None  # Early has no date for it: open there
    plan(early, "second-steps", opens=days(2))
    assert opens_on(learner.id, "second-steps") == days(2)


def test_the_course_map_dates_say_locked_due_or_overdue(app, client, make_user, login):
    learner = make_user()
    cohort = make_cohort(make_user("trainer"))
    enrol(cohort, learner)
    plan(cohort, "first-steps", due=days(-2))
    plan(cohort, "second-steps", opens=days(4), due=days(10))
    login(learner)
    lessons = {le.slug: le for le in app.extensions["catalog"].lessons}
    template = ('{% from "cohorts/_dates.html" import module_dates %}'
                '{{ module_dates(module_plans(), lesson, none) }}')
    with app.test_request_context():
        from flask_login import login_user
        login_user(learner)
        first = render_template_string(template, lesson=lessons["first-steps"])
        second = render_template_string(template, lesson=lessons["second-steps"])
    assert "Overdue: due" in first
    assert f"Opens on {days(4).day} {days(4):%B %Y}" in second


def test_a_locked_lesson_page_shows_when_it_opens(app):
    lesson = app.extensions["catalog"].lessons[1]
    with app.test_request_context():
        page = render_template_string('{% include "cohorts/locked_lesson.html" %}', lesson=lesson,
                                      opens_on=date(2025, 3, 10))
    assert "Opens on 10 March 2025." in page and lesson.title in page


# --- reminders ------------------------------------------------------------------------------------

def test_a_reminder_goes_to_everyone_behind_schedule_and_nobody_else(client, make_user, login):
    trainer = make_user("trainer")
    late, done = make_user(name="Lou Late"), make_user(name="Dot Done")
    cohort = make_cohort(trainer, "Spring")
    enrol(cohort, late, done)
    plan(cohort, "second-steps", due=days(-1))  # no quiz: reading it completes it
    db.session.add(LessonProgress(user_id=done.id, lesson_slug="second-steps", completed_at=days(-3)))
    db.session.commit()
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Send a reminder to the 1 person behind schedule" in page
    page = client.post(f"/cohorts/{cohort.id}/reminders", follow_redirects=True).get_data(as_text=True)
    assert "Reminder sent to 1 person behind schedule." in page and "Last reminder:" in page
    [mail] = outbox("reminder")
    assert mail.to_address == late.email and mail.subject == "Reminder: 1 module overdue in Spring"
    assert f"- Second steps (due {days(-1).day} {days(-1):%B %Y})" in mail.body


def test_no_reminder_when_nobody_is_behind(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    enrol(cohort, make_user())
    plan(cohort, "first-steps", due=days(1))  # due tomorrow: not late yet
    login(trainer)
    page = client.post(f"/cohorts/{cohort.id}/reminders", follow_redirects=True).get_data(as_text=True)
    assert "Nobody is behind schedule: no reminder sent." in page and outbox() == []


# --- authorization on every cohort route ----------------------------------------------------------

# rule -> method; every rule under /cohorts/<int:cohort_id> must be listed (see the test below)
COHORT_ROUTES = {
    "/cohorts/<int:cohort_id>": "GET",
    "/cohorts/<int:cohort_id>/edit": "GET",
    "/cohorts/<int:cohort_id>/join-code": "POST",
    "/cohorts/<int:cohort_id>/learners/<int:user_id>": "GET",
    "/cohorts/<int:cohort_id>/reminders": "POST",
    "/cohorts/<int:cohort_id>/schedule": "GET",
    "/cohorts/<int:cohort_id>/people": "GET",
    "/cohorts/<int:cohort_id>/people/<int:user_id>/remove": "POST",
    "/cohorts/<int:cohort_id>/people/<int:user_id>/move": "POST",
    "/cohorts/<int:cohort_id>/people/<int:user_id>/invite": "POST",
    "/cohorts/<int:cohort_id>/import": "GET",
    "/cohorts/<int:cohort_id>/outbox": "GET",
    "/cohorts/<int:cohort_id>/progress.csv": "GET",
    "/cohorts/<int:cohort_id>/quiz-results.csv": "GET",
    "/cohorts/<int:cohort_id>/xapi.json": "GET",
}
STAFF_ONLY = {"/cohorts/": "GET", "/cohorts/new": "GET"}


def test_every_cohort_route_is_in_the_table(app):
    rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/cohorts/")}
    assert rules - {"/cohorts/join/<code>"} == set(COHORT_ROUTES) | set(STAFF_ONLY)


@pytest.fixture
def world(make_user):
    owner, learner = make_user("trainer"), make_user()
    cohort = make_cohort(owner)
    enrol(cohort, learner)
    return owner, learner, cohort


def url(rule, cohort, learner):
    return rule.replace("<int:cohort_id>", str(cohort.id)).replace("<int:user_id>", str(learner.id))


def call(client, rule, method, cohort, learner):
    data = {"to": cohort.id} if rule.endswith("/move") else None
    response = client.open(url(rule, cohort, learner), method=method, data=data)
    response.close()  # finishes a streamed export
    return response


@pytest.mark.parametrize("rule", sorted(COHORT_ROUTES | STAFF_ONLY))
def test_signed_out_people_are_sent_to_sign_in(client, world, rule):
    _, learner, cohort = world
    response = call(client, rule, (COHORT_ROUTES | STAFF_ONLY)[rule], cohort, learner)
    if rule.endswith("/move"):  # a form posted while signed out gets the sign-in page, keeping what was sent
        assert response.status_code == 401 and 'name="resume:to"' in response.get_data(as_text=True)
    else:
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["learner", "manager"])
def test_learners_and_managers_cannot_reach_trainer_pages(client, make_user, login, world, role):
    _, learner, cohort = world
    login(make_user(role))
    for rule, method in (COHORT_ROUTES | STAFF_ONLY).items():
        assert call(client, rule, method, cohort, learner).status_code == 403, rule


def test_another_trainers_cohort_is_a_404_on_every_route(client, make_user, login, world):
    _, learner, cohort = world
    login(make_user("trainer"))
    for rule, method in COHORT_ROUTES.items():
        assert call(client, rule, method, cohort, learner).status_code == 404, rule
    assert members(cohort) == [learner.email]  # the remove and move attempts changed nothing


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_the_owner_and_admins_reach_every_route(client, make_user, login, world, who):
    owner, learner, cohort = world
    login(owner if who == "owner" else make_user("admin"))
    for rule, method in COHORT_ROUTES.items():
        if method == "GET":
            assert call(client, rule, method, cohort, learner).status_code == 200, rule


def test_a_learner_outside_the_cohort_is_a_404_in_it(client, make_user, login, world):
    owner, _, cohort = world
    stranger = make_user()
    login(owner)
    assert client.get(f"/cohorts/{cohort.id}/learners/{stranger.id}").status_code == 404
    assert client.post(f"/cohorts/{cohort.id}/people/{stranger.id}/remove").status_code == 404


# --- demo data ------------------------------------------------------------------------------------

def test_the_demo_cohort_is_seeded_once_with_the_demo_team_and_a_schedule(app):
    from course.cohorts import DEMO_NAME, seed_cohort
    from course.seed import LEARNERS, seed_demo

    seed_demo()
    cohort = seed_cohort()
    assert cohort.name == DEMO_NAME and cohort.trainer.email == "trainer@example.com"
    assert members(cohort) == sorted(learner[0] for learner in LEARNERS)
    slugs = db.session.scalars(sa.select(ModuleSchedule.lesson_slug).where(ModuleSchedule.cohort_id == cohort.id))
    assert sorted(slugs) == sorted(le.slug for le in app.extensions["catalog"].lessons)
    assert seed_cohort().id == cohort.id and len(members(cohort)) == len(LEARNERS)  # running it again adds nothing
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Cohort)) == 1


# --- valid HTML -----------------------------------------------------------------------------------

def test_cohort_pages_are_valid_html(client, make_user, login, tmp_path):
    from tests.test_html_valid import VNU, tools_or_skip

    java = tools_or_skip()
    trainer, learner = make_user("trainer"), make_user()
    cohort, other = make_cohort(trainer, "Spring"), make_cohort(trainer, "Autumn")
    enrol(cohort, learner)
    plan(cohort, "first-steps", due=days(-1))
    plan(cohort, "second-steps", opens=days(3))
    pages = {"index": "/cohorts/", "new": "/cohorts/new", "matrix": f"/cohorts/{cohort.id}",
             "people": f"/cohorts/{cohort.id}/people", "schedule": f"/cohorts/{cohort.id}/schedule",
             "import": f"/cohorts/{cohort.id}/import", "outbox": f"/cohorts/{cohort.id}/outbox",
             "learner": f"/cohorts/{cohort.id}/learners/{learner.id}", "edit": f"/cohorts/{cohort.id}/edit",
             "join": f"/cohorts/join/{other.join_code}"}
    login(trainer)
    client.post(f"/cohorts/{cohort.id}/reminders")
    for name, address in pages.items():
        (tmp_path / f"{name}.html").write_bytes(client.get(address).data)
    posts = {"new-errors": ("/cohorts/new", {"name": ""}),
             "people-errors": (f"/cohorts/{cohort.id}/people", {"email": "x@example.com"}),
             "schedule-errors": (f"/cohorts/{cohort.id}/schedule", {"opens-first-steps": "soon"}),
             "import-preview": (f"/cohorts/{cohort.id}/import", {"text": "a@example.com,A\nb@example.com,B"}),
             "import-errors": (f"/cohorts/{cohort.id}/import", {"text": "nope,A"})}
    for name, (address, data) in posts.items():
        (tmp_path / f"{name}.html").write_bytes(client.post(address, data=data).data)
    client.post(f"/cohorts/{cohort.id}/people", data={"email": "new@example.com", "name": "New Person"})
    link = f"/invitations/{invitation_token(user_named('new@example.com'))}"
    (tmp_path / "invitation.html").write_bytes(client.get(link).data)
    (tmp_path / "invitation-errors.html").write_bytes(client.post(link, data={"password": "short"}).data)
    (tmp_path / "invitation-invalid.html").write_bytes(client.get("/invitations/nonsense").data)
    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--skip-non-html", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr or run.stdout


def test_a_learner_sees_locked_and_overdue_modules_on_the_map_and_the_lesson_page(client, make_user, login):
    learner = make_user()
    cohort = make_cohort(make_user("trainer"))
    enrol(cohort, learner)
    plan(cohort, "first-steps", due=days(-2))
    plan(cohort, "second-steps", opens=days(4))
    login(learner)
    course_map = client.get("/course").get_data(as_text=True)
    assert f"Overdue: due {days(-2).day} {days(-2):%B %Y}" in course_map
    assert f"Opens on {days(4).day} {days(4):%B %Y}" in course_map
    page = client.get("/lessons/second-steps").get_data(as_text=True)
    assert f"Opens on {days(4).day} {days(4):%B %Y}." in page and "Nothing to test here" not in page  # no body
    assert "A pipeline is the set of open deals" in client.get("/lessons/first-steps").get_data(as_text=True)


# any printable name, spaces tidied as the reader tidies them
names = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30).map(
    lambda s: " ".join(s.split()))


@given(st.lists(st.tuples(st.from_regex(r"[a-z]{1,8}\.[a-z]{1,8}", fullmatch=True), names), max_size=8,
                unique_by=lambda row: row[0]))
def test_any_list_a_spreadsheet_writes_is_read_back_row_for_row(people):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["email", "name"])
    writer.writerows([(f"{local}@example.com", name) for local, name in people])
    rows, problem = parse_roster(buffer.getvalue())
    if not people:
        assert problem.startswith("The list is empty")
        return
    assert problem == "" and [(r.email, r.name) for r in rows] == [(f"{p}@example.com", n) for p, n in people]
    assert [r.line for r in rows] == list(range(2, len(people) + 2)) and all(not r.errors for r in rows)


def test_a_locked_module_cannot_be_marked_read_nor_its_quiz_taken(client, make_user, login):
    learner = make_user()
    cohort = make_cohort(make_user("trainer"))
    enrol(cohort, learner)
    plan(cohort, "first-steps", opens=days(3))
    login(learner)
    assert client.post("/lessons/first-steps/complete").status_code == 403
    quiz = client.get("/quizzes/first-steps")
    assert quiz.status_code == 403 and "Opens on" in quiz.get_data(as_text=True)
    assert client.get("/course").status_code == 200
