"""Taking quizzes: validation that keeps answers, stored attempts, results, history."""

import sqlalchemy as sa

from course.extensions import db
from course.models import QuizAttempt

RIGHT = {"buyer-decides": "0", "good-criteria": ["0", "1"], "bigger-better": "false", "coverage-20": "5"}


def attempts(user):
    return db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.user_id == user.id)).all()


def test_quiz_form_is_built_from_the_file(client, make_user, login):
    login(make_user())
    page = client.get("/quizzes/first-steps").get_data(as_text=True)
    assert "Who makes the buying decision?" in page
    assert 'type="checkbox" name="good-criteria"' in page
    assert 'name="bigger-better" value="true"' in page
    assert 'id="a-coverage-20"' in page and "(in x)" in page


def test_missing_answers_rerender_with_messages_and_keep_the_rest(client, make_user, login):
    user = make_user()
    login(user)
    response = client.post("/quizzes/first-steps", data={"buyer-decides": "0", "coverage-20": "five"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "3 questions still need an answer" in page
    assert "Tick at least one option." in page and "Enter a number" in page
    assert 'name="buyer-decides" value="0" checked' in page and 'value="five"' in page
    assert attempts(user) == []


def test_passing_attempt_is_stored_and_shown_with_explanations(client, make_user, login):
    user = make_user()
    login(user)
    response = client.post("/quizzes/first-steps", data=RIGHT)
    [attempt] = attempts(user)
    assert response.headers["Location"] == f"/quizzes/first-steps/attempts/{attempt.id}"
    assert (attempt.points, attempt.max_points, attempt.passed) == (4, 4, True)
    assert attempt.answers == RIGHT
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "passed" in page and "4 of 4" in page
    assert "Selling is helping the buyer decide." in page  # explanation
    assert "Next module: Second steps" in page


def test_failing_attempt_shows_chosen_feedback_and_the_right_answer(client, make_user, login):
    login(make_user())
    response = client.post("/quizzes/first-steps", data={**RIGHT, "buyer-decides": "1", "coverage-20": "3"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "not passed yet" in page and "2 of 4" in page
    assert "The seller can only help the buyer decide." in page
    assert "The answer: <strong>5</strong> x (± 0.05)" in page


def test_retakes_are_kept_and_the_best_score_counts(client, make_user, login):
    user = make_user()
    login(user)
    client.post("/quizzes/first-steps", data=RIGHT)
    client.post("/quizzes/first-steps", data={**RIGHT, "buyer-decides": "1", "coverage-20": "1"})
    assert len(attempts(user)) == 2
    client.post("/lessons/first-steps/complete")
    page = client.get("/course").get_data(as_text=True)
    assert "Best quiz score 100%" in page and "1 of 2 modules complete" in page
    history = client.get("/quizzes/first-steps/attempts").get_data(as_text=True)
    assert history.count("see answers") == 2
    assert "2 / 4 (50%)" in client.get("/progress").get_data(as_text=True)


def test_someone_elses_attempt_is_a_404(client, make_user, login):
    owner = make_user()
    login(owner)
    client.post("/quizzes/first-steps", data=RIGHT)
    [attempt] = attempts(owner)
    client.post("/logout")
    login(make_user())
    assert client.get(f"/quizzes/first-steps/attempts/{attempt.id}").status_code == 404
    assert client.get(f"/quizzes/other/attempts/{attempt.id}").status_code == 404


def test_unknown_quiz_is_a_404(client, make_user, login):
    login(make_user())
    assert client.get("/quizzes/nope").status_code == 404
