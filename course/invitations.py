"""Invitations: a signed link that lets a person someone else enrolled choose their password.

An invited account starts with an unusable password (INVITED + random text, which no password
matches). The link carries the account id and a fingerprint of the current password hash, signed
with the app's secret key: it expires after seven days and works once, because choosing a
password changes the hash.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import login_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .auth import new_password, password_again
from .extensions import db
from .models import User

bp = Blueprint("invitations", __name__, url_prefix="/invitations")

INVITED = "!invited:"  # prefix of the password hash of accounts waiting for their first password
MAX_AGE = 7 * 24 * 3600  # seconds
SALT = "invite"


class InvitationError(Exception):
    """The link cannot be used; the text says why in plain words, `status` is the HTTP status."""

    def __init__(self, reason: str, status: int = 404) -> None:
        super().__init__(reason)
        self.status = status


def unusable_password() -> str:
    """Return a password hash that no password matches (werkzeug rejects hashes without '$')."""
    return INVITED + secrets.token_hex(16)


def awaiting(user: User) -> bool:
    return user.password_hash.startswith(INVITED)


def invitation_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "hash": _fingerprint(user.password_hash)})


def invitation_url(user: User) -> str:
    return url_for("invitations.accept", token=invitation_token(user), _external=True)


def invited_user(token: str) -> User:
    """Return the account a link invites, or raise InvitationError saying why it cannot be used."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except SignatureExpired:
        raise InvitationError("This invitation link has expired: links work for seven days. "
                              "Ask your trainer to send a new one.", 410) from None
    except BadSignature:
        raise InvitationError("This invitation link is not valid. Check that you copied all of it.") from None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None:
        raise InvitationError("This invitation link is not valid. Check that you copied all of it.")
    if data.get("hash") != _fingerprint(user.password_hash):
        raise InvitationError("This invitation link was used already. Sign in with the password you chose.", 410)
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(password_hash: str) -> str:
    # a digest, not the hash itself: the token is signed, not encrypted, so anyone can read it
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]


class PasswordForm(FlaskForm):
    password = new_password("Choose a password")
    confirm = password_again()


@bp.route("/<token>", methods=["GET", "POST"])
def accept(token: str):  # type: ignore[no-untyped-def]
    try:
        user = invited_user(token)
    except InvitationError as error:
        return render_template("invitations/invalid.html", reason=str(error)), error.status
    form = PasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data or "", current_app.config["PASSWORD_HASH_METHOD"])
        db.session.commit()
        login_user(user)
        flash(f"Welcome, {user.name}! Your password is set. Start with the first module.", "success")
        return redirect(url_for("lessons.course_map"))
    return render_template("invitations/accept.html", form=form, user=user), 422 if form.errors else 200
