"""The app under benchmark: the real `create_app` plus two reference routes, on a seeded SQLite file.

`/bench/hello` (hello-world) and `/bench/me` (a signed-in hello that loads the person) live in
the SAME app, so they pay for the same middleware, session handling and after-request hooks as
the routes they are compared with.

    BENCH_DB=/tmp/x/bench.db python -m bench.bench_app prepare   # migrate and seed, once
    BENCH_DB=/tmp/x/bench.db gunicorn bench.bench_app:app        # serve
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from flask import Flask
from flask_login import current_user, login_required

from course import create_app

# Fixed on purpose: the script signs in once and replays the session cookie from every
# worker, so every worker must sign cookies with the same key. Never used outside a benchmark.
SECRET_KEY = "bench-only-secret-key-not-for-any-real-deployment"


def db_path() -> Path:
    return Path(os.environ.get("BENCH_DB") or Path(tempfile.gettempdir()) / "bench-academy.db")


def make_app() -> Flask:
    """Build the real app on the benchmark database and add GET /bench/hello."""
    app = create_app({"SECRET_KEY": SECRET_KEY,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path()}"})

    @app.get("/bench/hello")
    def bench_hello() -> str:
        return "Hello, world!"

    # The floor of every signed-in page: the session cookie is read and the person loaded
    # (one query), and nothing else. No page that shows someone their own work can cost less.
    @app.get("/bench/me")
    @login_required
    def bench_me() -> str:
        return f"Hello, {current_user.name}!"

    return app


app = make_app()


def prepare() -> None:
    """Create the schema with the migrations and add the demo accounts (idempotent)."""
    from flask_migrate import upgrade

    from course.seed import seed_demo

    with app.app_context():
        upgrade()
        seed_demo()


if __name__ == "__main__":
    if sys.argv[1:] != ["prepare"]:
        sys.exit("usage: BENCH_DB=path python -m bench.bench_app prepare")
    prepare()
    print(f"prepared {db_path()}")
