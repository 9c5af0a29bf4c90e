"""Shared fixtures: an app on a clean database per test, clients, users and sign-in."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient

from course import create_app
from course.extensions import db
from course.models import User
from tests import note_kind  # noqa: F401  (registers the test-only "note" exercise kind)

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "correct horse battery"


def app_settings(**extra: object) -> dict[str, object]:
    settings: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # cheap hashing keeps the suite fast
        "CONTENT_DIR": str(FIXTURES / "content"),
        "QUIZ_DIR": str(FIXTURES / "quizzes"),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or "sqlite://",
    }
    if settings["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
        from sqlalchemy.pool import StaticPool

        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": StaticPool,
                                                 "connect_args": {"check_same_thread": False}}
    settings.update(extra)
    return settings


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


class FreshRequestClient(FlaskClient):
    """Run each request in its own app context, with its own `g` and database session, as in
    production, although the test holds one context open for its own set-up and checks.
    Sharing them would hide bugs: a person cached in `g`, objects carried from one request to
    the next in the session's identity map."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["buffered"] = True  # a streamed body runs inside the request's own context too
        outer = _cv_app.set(None)  # no app context: the request pushes its own
        try:
            response = super().open(*args, **kwargs)
        finally:
            _cv_app.reset(outer)
        db.session.expire_all()  # the test's next read sees what the request wrote
        return response


def make_app(**settings: object) -> Flask:
    """The real app on the test settings, whose test clients run each request afresh."""
    app = create_app(app_settings(**settings))
    app.test_client_class = FreshRequestClient
    add_test_templates(app)
    return app


@pytest.fixture
def app() -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()  # an open transaction would block DROP on PostgreSQL
        db.drop_all()


def add_test_templates(app: Flask) -> None:
    from jinja2 import ChoiceLoader, FileSystemLoader

    app.jinja_loader  # noqa: B018  (creates the default loader before it is wrapped)
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, FileSystemLoader(FIXTURES / "templates")])


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    numbers = count(1)

    def make(role: str = "learner", email: str | None = None, name: str | None = None,
             manager: User | None = None, password: str = PASSWORD) -> User:
        from course.auth import create_user

        n = next(numbers)
        user = create_user(email or f"{role}{n}@example.com", name or f"{role.title()} {n}",
                           password, role, manager)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], FlaskClient]:
    def sign_in(user: User, password: str = PASSWORD) -> FlaskClient:
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, "sign-in failed in a fixture"
        return client

    return sign_in


@pytest.fixture
def lesson_reader(tmp_path: Path) -> Iterator[Callable[[str, str], FlaskClient]]:
    """Make an app whose course is the one lesson given, and return a signed-in reader's client."""
    contexts = []

    def make(filename: str, text: str) -> FlaskClient:
        from course.auth import create_user

        content = tmp_path / "content"
        content.mkdir()
        (content / filename).write_text(text)
        app = make_app(CONTENT_DIR=str(content), QUIZ_DIR=str(tmp_path))
        context = app.app_context()
        context.push()
        contexts.append(context)
        db.create_all()
        create_user("reader@example.com", "Reader", PASSWORD)
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": "reader@example.com", "password": PASSWORD})
        return client

    yield make
    for context in contexts:
        db.session.remove()
        db.drop_all()
        context.pop()
