"""Settings read from the environment, with safe defaults for development."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):  # Heroku-style URLs name no driver
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{Path(instance_path) / 'academy.db'}"


def from_environment(instance_path: str) -> dict[str, object]:
    """Return the settings for this process; every one can be overridden by a variable."""
    production = os.environ.get("FLASK_ENV_PRODUCTION", "") == "1"
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _dev_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(ROOT / "content")),
        "QUIZ_DIR": os.environ.get("QUIZ_DIR", str(ROOT / "quizzes")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("LOGIN_LOCK_MINUTES", "15")),
        "PASSWORD_HASH_METHOD": "scrypt",
        "MAX_CONTENT_LENGTH": 1024 * 1024,  # uploads (team CSV) are small; refuse big bodies early
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session: drafts outlive hours
    }


def engine_options(database_url: str) -> dict[str, object]:
    """A server database may drop idle connections, so each one is tested before use. A SQLite
    file cannot drop them, and the test would cost one more query on every request."""
    return {"pool_pre_ping": not database_url.startswith("sqlite")}


def _dev_secret(instance_path: str) -> str:
    """Keep one random key per instance folder so sessions survive a restart in development."""
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()
