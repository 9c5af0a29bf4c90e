"""The shared exercise mechanism, through the test-only "note" kind: drafts, conflicts, submit, versions."""

import sqlalchemy as sa

from course.extensions import db
from course.models import ExerciseWork, Submission


def work(user):
    return db.session.scalar(sa.select(ExerciseWork).where(ExerciseWork.user_id == user.id))


def test_opening_an_exercise_starts_a_draft(client, make_user, login):
    user = make_user()
    login(user)
    page = client.get("/exercises/note").get_data(as_text=True)
    assert "Test note" in page and "Draft" in page and 'name="version" value="1"' in page
    assert work(user).status == "draft"


def test_save_button_saves_and_row_buttons_work_without_javascript(client, make_user, login):
    user = make_user()
    login(user)
    client.get("/exercises/note")
    response = client.post("/exercises/note", data={"version": "1", "title": "Plan", "line": ["one", ""],
                                                     "action": "add-line"})
    assert response.status_code == 302
    assert work(user).data == {"title": "Plan", "lines": ["one", ""]} and work(user).version == 2
    page = client.get("/exercises/note").get_data(as_text=True)
    assert "Line added." in page and page.count('name="line"') == 3


def test_autosave_answers_json(client, make_user, login):
    user = make_user()
    login(user)
    client.get("/exercises/note")
    response = client.post("/exercises/note", data={"version": "1", "title": "Auto"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.get_json()["version"] == 2
    assert work(user).data["title"] == "Auto"


def test_two_tabs_never_overwrite_each_other_silently(client, make_user, login):
    user = make_user()
    login(user)
    client.get("/exercises/note")
    client.post("/exercises/note", data={"version": "1", "title": "From tab A"})
    stale = client.post("/exercises/note", data={"version": "1", "title": "From tab B"},
                        headers={"Accept": "application/json"})
    assert stale.status_code == 409 and stale.get_json()["version"] == 2
    assert work(user).data["title"] == "From tab A"
    page = client.post("/exercises/note", data={"version": "1", "title": "From tab B"})
    text = page.get_data(as_text=True)
    assert page.status_code == 409 and "changed in another tab" in text
    assert 'value="From tab B"' in text and "From tab A" in text  # theirs kept in the form, the other shown
    assert 'name="version" value="2"' in text  # saving again now keeps theirs, knowingly
    client.post("/exercises/note", data={"version": "2", "title": "From tab B"})
    assert work(user).data["title"] == "From tab B"


def test_submit_freezes_a_version_and_needs_the_work_to_be_ready(client, make_user, login):
    user = make_user()
    login(user)
    client.get("/exercises/note")
    refused = client.post("/exercises/note/submit")
    assert refused.status_code == 422 and "Give the note a title." in refused.get_data(as_text=True)
    response = client.post("/exercises/note", data={"version": "1", "title": "First", "submit": "1"})
    assert response.headers["Location"] == "/exercises/note/versions/1"
    assert work(user).status == "submitted"
    client.post("/exercises/note", data={"version": "2", "title": "Second"})
    frozen = client.get("/exercises/note/versions/1").get_data(as_text=True)
    assert "First" in frozen and "Second" not in frozen


def test_resubmitting_unchanged_work_is_refused_and_every_version_is_kept(client, make_user, login):
    user = make_user()
    login(user)
    client.get("/exercises/note")
    client.post("/exercises/note", data={"version": "1", "title": "First", "submit": "1"})
    again = client.post("/exercises/note/submit")
    assert again.status_code == 422 and "submitted already" in again.get_data(as_text=True)
    mine = work(user)
    mine.status = "needs_revision"  # what a reviewer's verdict does (issue 7)
    db.session.commit()
    client.post("/exercises/note", data={"version": "2", "title": "Better", "line": ["added"], "submit": "1"})
    assert work(user).status == "resubmitted"
    numbers = db.session.scalars(sa.select(Submission.number).order_by(Submission.number)).all()
    assert numbers == [1, 2]
    changes = client.get("/exercises/note/compare?a=1&b=2").get_data(as_text=True)
    assert "First" in changes and "Better" in changes and "lines[0]" in changes


def test_nobody_reaches_another_persons_work(client, make_user, login):
    owner = make_user()
    login(owner)
    client.get("/exercises/note")
    client.post("/exercises/note", data={"version": "1", "title": "Secret plan", "submit": "1"})
    client.post("/logout")
    login(make_user())
    assert "Secret plan" not in client.get("/exercises/note").get_data(as_text=True)
    assert client.get("/exercises/note/versions/1").status_code == 404
    assert client.get("/exercises/note/compare?a=1").status_code == 404


def test_unknown_kinds_and_versions_are_404(client, make_user, login):
    login(make_user())
    assert client.get("/exercises/teleport").status_code == 404
    client.get("/exercises/note")
    assert client.get("/exercises/note/versions/9").status_code == 404
    assert client.get("/exercises/note/compare?a=9&b=draft").status_code == 404


def test_a_draft_posted_after_the_session_ended_survives_signing_in_again(client, make_user):
    user = make_user()
    response = client.post("/exercises/note", data={"version": "1", "title": "Typed while signed out",
                                                     "line": ["kept"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and "Sign in" in page
    assert 'name="resume:title" value="Typed while signed out"' in page
    login = client.post("/login?next=/exercises/note", data={
        "email": user.email, "password": "correct horse battery",
        "resume:title": "Typed while signed out", "resume:line": "kept", "resume:version": "1"})
    resend = login.get_data(as_text=True)
    assert "Welcome back" in resend and 'action="/exercises/note"' in resend
    assert 'name="title" value="Typed while signed out"' in resend and "correct horse" not in resend
    client.get("/exercises/note")  # the draft exists now, at version 1
    client.post("/exercises/note", data={"version": "1", "title": "Typed while signed out", "line": ["kept"]})
    assert work(user).data == {"title": "Typed while signed out", "lines": ["kept"]}


def test_autosave_while_signed_out_answers_401_json(client):
    response = client.post("/exercises/note", data={"title": "x"}, headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.get_json()["error"] == "signed_out"
