"""Accounts: register, sign in (throttled), sign out, and the role check every view uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from .extensions import db, login_manager
from .models import LoginFailure, User, utcnow

bp = Blueprint("auth", __name__)

MIN_PASSWORD = 10
PASSWORD_RULE = f"At least {MIN_PASSWORD} characters. A short sentence is easy to remember and hard to guess."


RESUME = "resume:"  # prefix of the fields a sign-in carries for a form posted while signed out
SECRET_FIELDS = {"password", "confirm", "csrf_token"}


@dataclass(frozen=True)
class SignedIn(UserMixin):
    """The person behind a session, as plain values: what every page needs (the menu, the
    role checks, whose rows to read), read in one small query. Not a session-bound User: loading
    an ORM object costs about three times the whole query on every signed-in request, and
    nothing should change an account through `current_user` by accident."""

    id: int
    name: str
    email: str
    role: str

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


_PERSON = sa.select(User.id, User.name, User.email, User.role).where(User.id == sa.bindparam("id"))


@login_manager.user_loader
def load_user(user_id: str) -> SignedIn | None:
    row = db.session.connection().execute(_PERSON, {"id": int(user_id)}).first()
    return SignedIn(*row) if row else None


@login_manager.unauthorized_handler
def unauthorized():  # type: ignore[no-untyped-def]
    """Send people to sign in; a form posted by someone signed out rides along, so nothing is lost."""
    if request.accept_mimetypes.best == "application/json":
        return {"error": "signed_out", "message": "Sign in again to save."}, 401
    if request.method == "POST" and request.form:
        fields = [(RESUME + k, v) for k, values in request.form.lists() if k not in SECRET_FIELDS
                  for v in values]
        flash("Your session ended. Sign in again and what you sent will not be lost.", "info")
        return render_template("auth/login.html", form=LoginForm(formdata=None), resume=fields,
                               next=request.path), 401
    flash(login_manager.login_message, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def role_required(*roles: str):  # type: ignore[no-untyped-def]
    """Let a view through only for signed-in people with one of `roles`; others get 403."""
    def decorator(view):  # type: ignore[no-untyped-def]
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(email: str, name: str, password: str, role: str = "learner",
                manager: User | None = None) -> User:
    """Add a user to the session (the caller commits)."""
    user = User(email=normalise_email(email), name=name.strip(), role=role, manager=manager)
    user.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])
    db.session.add(user)
    return user


def new_password(label: str) -> PasswordField:
    """The password someone chooses (registering or accepting an invitation), with the rule shown."""
    return PasswordField(label, description=PASSWORD_RULE, validators=[
        InputRequired("Choose a password."),
        Length(min=MIN_PASSWORD, max=200, message=f"Use at least {MIN_PASSWORD} characters (and at most 200).")])


def password_again() -> PasswordField:
    """The same password typed a second time; it must match the field named "password"."""
    return PasswordField("Repeat the password", validators=[
        InputRequired("Type the password again."),
        EqualTo("password", message="The two passwords differ.")])


class RegisterForm(FlaskForm):
    name = StringField("Your name", validators=[InputRequired("Enter your name."), Length(max=120)])
    email = EmailField("Email", validators=[InputRequired("Enter your email address."),
                                            Email("Enter an email address like name@company.com."),
                                            Length(max=254)])
    password = new_password("Password")
    confirm = password_again()

    def validate_email(self, field: EmailField) -> None:
        if find_user(field.data or ""):
            raise ValidationError("An account with this email exists already. Sign in instead.")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired("Enter your email address."),
                                            Length(max=254, message="An email address has at most 254 characters.")])
    password = PasswordField("Password", validators=[InputRequired("Enter your password.")])
    remember = BooleanField("Keep me signed in on this device")


@bp.route("/register", methods=["GET", "POST"])
def register():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("lessons.course_map"))
    form = RegisterForm()
    if form.validate_on_submit():
        user = create_user(form.email.data or "", form.name.data or "", form.password.data or "")
        db.session.commit()
        login_user(user)
        flash(f"Welcome, {user.name}! Start with the first module.", "success")
        return redirect(_safe_next() or url_for("lessons.course_map"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("lessons.course_map"))
    form = LoginForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data or "")
        if _locked_out(email):
            minutes = current_app.config["LOGIN_LOCK_MINUTES"]
            form.email.errors.append(f"Too many failed sign-ins for this account. "
                                     f"Wait {minutes} minutes and try again.")
            return render_template("auth/login.html", form=form), 429
        user = find_user(email)
        if user and user.check_password(form.password.data or ""):
            db.session.execute(sa.delete(LoginFailure).where(LoginFailure.email == email))
            db.session.commit()
            login_user(user, remember=form.remember.data)
            resume = [(k.removeprefix(RESUME), v) for k, vs in request.form.lists() if k.startswith(RESUME)
                      for v in vs]
            if resume and _safe_next():
                return render_template("expired_form.html", action=_safe_next(), fields=resume,
                                       signed_in_again=True)
            return redirect(_safe_next() or url_for("lessons.course_map"))
        db.session.add(LoginFailure(email=email))
        db.session.commit()
        form.password.errors.append("That email and password do not match an account.")
    resume = [(k, v) for k, vs in request.form.lists() if k.startswith(RESUME) for v in vs]
    return render_template("auth/login.html", form=form, resume=resume)


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("lessons.home"))


def _locked_out(email: str) -> bool:
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    failures = db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure)
                                 .where(LoginFailure.email == email, LoginFailure.at >= since))
    return (failures or 0) >= current_app.config["LOGIN_MAX_FAILURES"]


def _safe_next() -> str | None:
    """Return the `next` address only when it stays on this site (no open redirect)."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme:
        return target
    return None
