"""Extensions, created unbound; the app factory binds them."""

import sqlite3

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints let Alembic alter them later, on SQLite (batch mode) as on PostgreSQL.
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s"})


db = SQLAlchemy(model_class=Base)


@event.listens_for(Engine, "connect")
def _sqlite_settings(dbapi_connection, _record):  # type: ignore[no-untyped-def]
    """SQLite: write-ahead log, so readers never wait for a writer, and fewer fsyncs per commit."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


def current_catalog():  # type: ignore[no-untyped-def]
    """Return the course catalog loaded at start-up (see course.catalog)."""
    from flask import current_app

    return current_app.extensions["catalog"]
