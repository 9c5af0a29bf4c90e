"""Error pages: every HTTP error gets a styled page (JSON under /api/) and no stack trace leaks."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .auth import SECRET_FIELDS
from .extensions import db

TEXTS = {
    400: ("Bad request", "The page could not understand what was sent. Go back and try again."),
    403: ("Not allowed", "Your account cannot open this page."),
    404: ("Page not found", "There is nothing at this address. It may have moved."),
    405: ("Method not allowed", "This address does not accept that request."),
    413: ("Too much at once", "What was sent is larger than this page accepts."),
    500: ("Something went wrong", "We could not finish that. The error has been logged; please try again."),
}


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(CSRFError, expired_form)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected)


def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    code = error.code or 500
    title, text = TEXTS.get(code, (error.name, "That did not work. Please go back and try again."))
    if request.path.startswith("/api/"):
        return {"errors": {"request": title}}, code, _allow(error)
    return render_template("error.html", code=code, title=title, text=text), code, _allow(error)


def expired_form(error: CSRFError):  # type: ignore[no-untyped-def]
    """Offer to send a form again with a fresh token, so an expired page loses nothing typed."""
    if request.path.startswith("/api/") or request.method != "POST":
        return http_error(error)
    fields = [(k, v) for k, values in request.form.lists() if k not in SECRET_FIELDS for v in values]
    return render_template("expired_form.html", action=request.full_path.rstrip("?"), fields=fields), 400


def unexpected(error: Exception):  # type: ignore[no-untyped-def]
    if isinstance(error, HTTPException):
        return http_error(error)
    logging.getLogger(__name__).exception("Unhandled error on %s", request.path)
    db.session.rollback()
    return http_error(InternalServerError())


def _allow(error: HTTPException) -> dict[str, str]:
    """Keep the Allow header a 405 must carry."""
    allowed = getattr(error, "valid_methods", None)
    return {"Allow": ", ".join(allowed)} if allowed else {}
