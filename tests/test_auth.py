"""Register, sign in (with throttling), sign out, and safe redirects."""

import sqlalchemy as sa

from course.extensions import db
from course.models import User
from tests.conftest import PASSWORD, app_settings


def register(client, **fields):
    data = {"name": "Priya Raman", "email": "Priya@Example.com", "password": PASSWORD,
            "confirm": PASSWORD, **fields}
    return client.post("/register", data=data)


def test_register_signs_in_and_stores_a_hashed_password(client):
    response = register(client)
    assert response.status_code == 302 and response.headers["Location"] == "/course"
    user = db.session.scalar(sa.select(User))
    assert user.email == "priya@example.com" and user.role == "learner"
    assert PASSWORD not in user.password_hash and user.check_password(PASSWORD)
    assert "Priya Raman" in client.get("/course").get_data(as_text=True)


def test_register_errors_sit_beside_fields_and_keep_what_was_typed(client):
    response = register(client, email="not-an-email", password="short", confirm="other")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter an email address like name@company.com." in page
    assert "Use at least 10 characters" in page
    assert 'value="Priya Raman"' in page and 'value="not-an-email"' in page
    assert 'aria-invalid="true"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_register_refuses_a_taken_email_whatever_its_case(client, make_user):
    make_user(email="priya@example.com")
    page = register(client, email="PRIYA@example.com").get_data(as_text=True)
    assert "An account with this email exists already" in page


def test_sign_in_and_out(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert user.name in client.get("/course").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/progress").status_code == 302  # back to the sign-in page


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, make_user):
    user = make_user()
    page = client.post("/login", data={"email": user.email, "password": "wrong password"}).get_data(as_text=True)
    assert "That email and password do not match an account." in page
    assert f'value="{user.email}"' in page


def test_sign_in_is_throttled_after_repeated_failures(client, make_user):
    user = make_user()
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong password"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_success_clears_earlier_failures(client, make_user):
    user = make_user()
    for _ in range(4):
        client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    client.post("/logout")
    for _ in range(4):
        client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_next_goes_back_to_the_page_asked_for_but_never_off_site(client, make_user):
    user = make_user()
    ok = client.post("/login?next=/lessons/first-steps", data={"email": user.email, "password": PASSWORD})
    assert ok.headers["Location"] == "/lessons/first-steps"
    client.post("/logout")
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(f"/login?next={target}", data={"email": user.email, "password": PASSWORD})
        assert response.headers["Location"] == "/course"
        client.post("/logout")


def test_remember_me_sets_a_lasting_http_only_cookie(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "Expires=" in cookie


def test_remember_me_signs_the_person_back_in_when_the_browser_session_has_ended(client, make_user):
    user = make_user(name="Rosa Remembered")
    client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    client.delete_cookie("session")  # the browser was closed: only the lasting cookie is left
    page = client.get("/progress")
    assert page.status_code == 200 and "Rosa Remembered" in page.text


def test_forms_need_a_csrf_token():
    from course import create_app

    app = create_app(app_settings(WTF_CSRF_ENABLED=True))
    with app.app_context():
        db.create_all()
        response = app.test_client().post("/register", data={"name": "x", "email": "x@example.com",
                                                              "password": PASSWORD, "confirm": PASSWORD})
        assert response.status_code == 400
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
        db.session.remove()
        db.drop_all()


def test_signed_in_people_skip_the_sign_in_and_register_pages(client, make_user, login):
    login(make_user())
    assert client.get("/login").status_code == 302
    assert client.get("/register").status_code == 302


def test_an_overlong_email_is_refused_beside_the_field(client):
    # the database column holds 254 characters: PostgreSQL would refuse a longer failure row
    page = client.post("/login", data={"email": "x" * 300 + "@example.com", "password": "whatever"})
    assert page.status_code == 200
    assert "An email address has at most 254 characters." in page.get_data(as_text=True)




def test_a_changed_role_or_removed_account_counts_from_the_next_request(client, make_user, login):
    """The person is read afresh on every request: no worker keeps an account's role or name."""
    trainer = make_user("trainer", name="Tara Trainer")
    login(trainer)
    assert "Cohorts" in client.get("/course").text

    db.session.execute(sa.update(User).where(User.id == trainer.id).values(role="learner", name="Tara Learner"))
    db.session.commit()
    page = client.get("/course").text
    assert "Cohorts" not in page and "Tara Learner" in page
    assert client.get("/cohorts/").status_code == 403

    db.session.execute(sa.delete(User).where(User.id == trainer.id))
    db.session.commit()
    gone = client.get("/progress")
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]
