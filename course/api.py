"""Machine-facing routes: the health check and the JSON API under /api/v1."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint

from .extensions import csrf, db

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # JSON endpoints take no cookies-based action; they compute and store nothing


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable"}, 503
    return {"status": "ok"}
