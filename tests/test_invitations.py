"""Invitations: the signed link lets an invited person choose a password, once, within seven days."""

import time

import pytest
from itsdangerous import URLSafeTimedSerializer

from course.extensions import db
from course.invitations import MAX_AGE, awaiting, invitation_token, unusable_password
from course.models import User
from tests.conftest import PASSWORD


@pytest.fixture
def invited(app):
    user = User(email="nia@example.com", name="Nia New", role="learner", password_hash=unusable_password())
    db.session.add(user)
    db.session.commit()
    return user


def test_an_invited_account_cannot_sign_in_before_choosing_a_password(client, invited):
    assert awaiting(invited)
    for guess in (invited.password_hash, invited.password_hash.removeprefix("!invited:")):
        response = client.post("/login", data={"email": invited.email, "password": guess})
        assert response.status_code == 200 and "do not match an account" in response.get_data(as_text=True)


def test_the_link_sets_the_password_signs_in_and_then_stops_working(client, invited):
    link = f"/invitations/{invitation_token(invited)}"
    page = client.get(link).get_data(as_text=True)
    assert "Welcome, Nia New" in page and "nia@example.com" in page
    response = client.post(link, data={"password": "a long new password", "confirm": "a long new password"})
    assert response.headers["Location"] == "/course"
    assert "Nia New" in client.get("/course").get_data(as_text=True)  # signed in
    db.session.refresh(invited)
    assert not awaiting(invited) and invited.check_password("a long new password")
    client.post("/logout")
    used = client.get(link)
    assert used.status_code == 410 and "was used already" in used.get_data(as_text=True)
    assert client.post(link, data={"password": "another password!", "confirm": "another password!"}).status_code == 410


def test_a_short_or_mismatched_password_is_explained_and_nothing_changes(client, invited):
    before = invited.password_hash
    link = f"/invitations/{invitation_token(invited)}"
    response = client.post(link, data={"password": "short", "confirm": "other"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use at least 10 characters" in page and "The two passwords differ." in page
    db.session.refresh(invited)
    assert invited.password_hash == before


def test_a_link_older_than_seven_days_has_expired(client, invited, monkeypatch):
    token = invitation_token(invited)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + MAX_AGE + 60)  # a week and a minute later
    response = client.get(f"/invitations/{token}")
    assert response.status_code == 410 and "has expired" in response.get_data(as_text=True)


def test_a_tampered_or_foreign_link_is_not_valid(app, client, invited):
    token = invitation_token(invited)
    assert client.get(f"/invitations/{token[:-2]}xx").status_code == 404
    other_salt = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="reset").dumps({"user": invited.id})
    assert client.get(f"/invitations/{other_salt}").status_code == 404
    forged = URLSafeTimedSerializer("not the secret", salt="invite").dumps({"user": invited.id, "hash": "x"})
    response = client.get(f"/invitations/{forged}")
    assert response.status_code == 404 and "is not valid" in response.get_data(as_text=True)


def test_a_link_for_an_account_that_has_a_password_does_not_reset_it(client, make_user):
    user = make_user()
    token = URLSafeTimedSerializer("test", salt="invite").dumps({"user": user.id, "hash": "old"})
    assert client.get(f"/invitations/{token}").status_code == 410
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
