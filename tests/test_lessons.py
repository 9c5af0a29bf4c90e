"""The course map, lesson pages, marking complete and the progress page."""

import sqlalchemy as sa

from course.extensions import db
from course.models import LessonProgress


def test_course_map_is_public_and_invites_sign_in(client):
    page = client.get("/course").get_data(as_text=True)
    assert "First steps" in page and "Second steps" in page
    assert "create a free account" in page


def test_lesson_needs_sign_in(client):
    response = client.get("/lessons/first-steps")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_lesson_page_shows_body_toc_objectives_and_next(client, make_user, login):
    login(make_user())
    page = client.get("/lessons/first-steps").get_data(as_text=True)
    assert "<h1>First steps</h1>" in page
    assert "Know what a pipeline is" in page
    assert 'href="#what-a-pipeline-is"' in page and "On this page" in page
    assert 'rel="next" href="/lessons/second-steps"' in page
    assert "alert(" not in page


def test_unknown_lesson_is_a_404_page(client, make_user, login):
    login(make_user())
    response = client.get("/lessons/no-such-lesson")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_opening_a_lesson_records_a_view_once(client, make_user, login):
    user = make_user()
    login(user)
    client.get("/lessons/first-steps")
    client.get("/lessons/first-steps")
    rows = db.session.scalars(sa.select(LessonProgress).where(LessonProgress.user_id == user.id)).all()
    assert [(r.lesson_slug, r.completed_at) for r in rows] == [("first-steps", None)]
    assert "In progress" in client.get("/course").get_data(as_text=True)


def test_mark_complete_leads_to_the_quiz_then_the_map_counts_it(client, make_user, login):
    login(make_user())
    response = client.post("/lessons/first-steps/complete")
    assert response.headers["Location"] == "/quizzes/first-steps"
    # lesson read but quiz not passed: module not complete yet
    assert "0 of 2 modules complete" in client.get("/course").get_data(as_text=True)
    response = client.post("/lessons/second-steps/complete")
    assert response.headers["Location"] == "/course"  # last module, no quiz
    assert "1 of 2 modules complete" in client.get("/course").get_data(as_text=True)


def test_continue_where_you_left_off(client, make_user, login):
    login(make_user())
    assert "Continue where you left off: First steps" in client.get("/course").get_data(as_text=True)
    client.get("/lessons/second-steps")
    assert "Continue where you left off: Second steps" in client.get("/course").get_data(as_text=True)


def test_progress_is_personal(client, make_user, login):
    other = make_user()
    login(other)
    client.post("/lessons/second-steps/complete")
    client.post("/logout")
    login(make_user())
    assert "0 of 2 modules complete" in client.get("/progress").get_data(as_text=True)


def test_complete_needs_post_and_sign_in(client):
    assert client.get("/lessons/first-steps/complete").status_code == 405
    assert client.post("/lessons/first-steps/complete").status_code == 302
