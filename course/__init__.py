"""Pipeline Academy: a course platform for B2B sales pipeline management."""

from __future__ import annotations

from typing import Any

from flask import Flask

from . import config
from .catalog import load_catalog
from .errors import register_error_pages
from .extensions import csrf, db, login_manager, migrate

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, the course catalog, blueprints, CLI, error pages."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    register_extensions(app)
    app.extensions["catalog"] = load_catalog(app.config["CONTENT_DIR"], app.config["QUIZ_DIR"])
    register_blueprints(app)
    register_error_pages(app)
    register_security_headers(app)
    from .cli import register_cli
    from .templating import register_template_helpers

    register_template_helpers(app)

    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (models must be known before migrations run)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"


def register_blueprints(app: Flask) -> None:
    from . import (  # noqa: F401  (importing registers the kinds)
        api,
        auth,
        cadence_exercise,
        cohorts,
        criteria_exercise,
        exercises,
        invitations,
        journey_exercise,
        lessons,
        playbook,
        quizzes,
        review,
        scenarios,
        sizer,
        team_sizer,
    )

    blueprints = (auth, lessons, quizzes, api, sizer, scenarios, team_sizer, exercises, cadence_exercise,
                  playbook, cohorts, invitations, review)
    for module in blueprints:
        app.register_blueprint(module.bp)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response):  # type: ignore[no-untyped-def]
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
