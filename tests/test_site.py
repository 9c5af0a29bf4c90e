"""Health check, security headers, error pages that never leak a stack trace, CLI commands."""

import sqlalchemy as sa

from course.extensions import db
from course.models import LessonProgress, QuizAttempt, User


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_healthz_reports_a_database_that_does_not_answer(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "unavailable"}


def test_security_headers_on_every_page(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_an_unexpected_error_shows_a_friendly_500_without_a_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_404_and_405_pages_are_styled(client):
    assert "Page not found" in client.get("/nowhere").get_data(as_text=True)
    response = client.post("/course")
    assert response.status_code == 405 and "Method not allowed" in response.get_data(as_text=True)


def test_create_user_command(runner):
    result = runner.invoke(args=["create-user", "--email", "Coach@Example.com", "--name", "Coach",
                                 "--role", "manager", "--password", "long enough pass"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "coach@example.com"))
    assert user.role == "manager" and user.check_password("long enough pass")
    again = runner.invoke(args=["create-user", "--email", "coach@example.com", "--name", "C",
                                "--password", "long enough pass"])
    assert again.exit_code == 1 and "exists already" in again.output


def test_create_user_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-user", "--email", "a@example.com", "--name", "A",
                                 "--password", "short"])
    assert result.exit_code == 1 and "at least 10 characters" in result.output


def test_seed_demo_is_idempotent_and_gives_every_dashboard_data(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(t))
              for t in (User, LessonProgress, QuizAttempt)]
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts == [db.session.scalar(sa.select(sa.func.count()).select_from(t))
                      for t in (User, LessonProgress, QuizAttempt)]
    emails = set(db.session.scalars(sa.select(User.email)))
    assert {"admin@example.com", "trainer@example.com", "manager@example.com",
            "learner@example.com"} <= emails
    manager = db.session.scalar(sa.select(User).where(User.email == "manager@example.com"))
    team = db.session.scalars(sa.select(User).where(User.manager_id == manager.id)).all()
    assert len(team) >= 5 and all(u.check_password("pipeline-demo") for u in team[:1])
    assert counts[2] > 0  # some learners passed quizzes


def test_seed_demo_if_empty_leaves_a_used_database_alone(runner, make_user):
    make_user()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "left as it is" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_an_expired_form_can_be_sent_again_without_losing_what_was_typed(make_user):
    from course import create_app
    from tests.conftest import PASSWORD, app_settings

    app = create_app(app_settings(WTF_CSRF_ENABLED=True))
    with app.app_context():
        db.create_all()
        client = app.test_client()
        response = client.post("/quizzes/first-steps", data={"csrf_token": "stale", "coverage-20": "5",
                                                             "good-criteria": ["0", "1"]})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "This page had expired" in page
        assert 'name="coverage-20" value="5"' in page and page.count('name="good-criteria"') == 2
        assert 'action="/quizzes/first-steps"' in page
        login = client.post("/login", data={"csrf_token": "stale", "email": "a@example.com",
                                            "password": PASSWORD})
        assert PASSWORD not in login.get_data(as_text=True)  # passwords are never echoed
        db.session.remove()
        db.drop_all()


def test_a_405_keeps_its_allow_header_and_other_errors_are_styled(client):
    response = client.post("/course")
    assert "GET" in response.headers["Allow"]
    big = client.post("/api/v1/sizer", data=b"x" * 70_000, content_type="application/json")
    assert big.status_code == 413 and "errors" in big.get_json()


def test_connections_are_tested_before_use_only_on_a_server_database():
    """PostgreSQL may drop an idle connection (then a page would fail); a SQLite file cannot,
    and testing it would cost one more query on every request."""
    from course.config import engine_options

    assert engine_options("postgresql+psycopg://u@h/db") == {"pool_pre_ping": True}
    assert engine_options("sqlite:////tmp/academy.db") == {"pool_pre_ping": False}
