"""Send email, and keep every message in the outbox table with what happened to it.

The backend comes from the environment (or the app config, which tests set):
MAIL_BACKEND=outbox (the default: development and tests; messages are stored, not emailed)
or MAIL_BACKEND=smtp with MAIL_HOST, MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS and
MAIL_FROM. Nothing is lost silently: a message that could not be sent is stored as "failed"
with the reason, and `send` raises MailError so the page can say so.
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app

from .extensions import db
from .models import OutboxMessage

BACKENDS = ("outbox", "smtp")
TRUE = ("1", "true", "yes", "on")


class MailError(Exception):
    """A message could not be sent; the text says to whom and why."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    kind: str = "message"  # invitation, enrolment, reminder: lets people filter the outbox
    cohort_id: int | None = None


def setting(name: str, default: str = "") -> str:
    """Read a mail setting from the app config, else the environment."""
    value = current_app.config.get(name)
    return str(value) if value is not None else os.environ.get(name, default)


def send(to: str, subject: str, body: str, *, kind: str = "message",
         cohort_id: int | None = None) -> OutboxMessage:
    """Send one message and record it; raise MailError when it could not be sent.

    Commits the session: callers commit their own changes before sending.
    """
    [row] = send_all([Mail(to, subject, body, kind, cohort_id)])
    if row.status == "failed":
        raise MailError(f"The email to {to} could not be sent: {row.error}")
    return row


def send_all(mails: Iterable[Mail]) -> list[OutboxMessage]:
    """Send several messages over one connection; record each as sent or failed (never raises)."""
    mails = list(mails)
    backend = setting("MAIL_BACKEND", "outbox").strip().lower() or "outbox"
    rows = [OutboxMessage(to_address=m.to, subject=m.subject[:200], body=m.body, kind=m.kind,
                          cohort_id=m.cohort_id, backend=backend[:10], status="sent", error="")
            for m in mails]
    if mails and backend != "outbox":
        _deliver(backend, mails, rows)
    db.session.add_all(rows)
    db.session.flush()
    ids = [row.id for row in rows]
    db.session.commit()
    for start in range(0, len(ids), 500):  # reload what the commit expired, a few queries for many messages
        db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids[start:start + 500]))).all()
    return rows


def _deliver(backend: str, mails: list[Mail], rows: list[OutboxMessage]) -> None:
    if backend not in BACKENDS:
        _fail_all(rows, f"MAIL_BACKEND is {backend!r}; use one of {', '.join(BACKENDS)}.")
        return
    try:
        server = _connect()
    except (OSError, smtplib.SMTPException) as error:  # no connection or sign-in: nothing went out
        _fail_all(rows, _reason(error))
        return
    try:
        for mail, row in zip(mails, rows, strict=True):
            try:
                server.send_message(_message(mail))
            except (OSError, smtplib.SMTPException) as error:  # this one only: try the rest
                _fail(row, error)
    finally:
        _close(server)


def _connect() -> smtplib.SMTP:
    host = setting("MAIL_HOST", "localhost")
    use_tls = setting("MAIL_USE_TLS", "true").strip().lower() in TRUE
    port = int(setting("MAIL_PORT", "587" if use_tls else "25") or 25)
    server = smtplib.SMTP(host, port, timeout=float(setting("MAIL_TIMEOUT", "10")))
    try:
        if use_tls:
            server.starttls()
        if setting("MAIL_USERNAME"):
            server.login(setting("MAIL_USERNAME"), setting("MAIL_PASSWORD"))
    except BaseException:
        server.close()
        raise
    return server


def _close(server: smtplib.SMTP) -> None:
    try:
        server.quit()
    except (OSError, smtplib.SMTPException):  # the messages are out already; only the goodbye failed
        server.close()


def _message(mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = setting("MAIL_FROM", "Pipeline Academy <no-reply@localhost>")
    message["To"] = mail.to
    message["Subject"] = " ".join(mail.subject.split())  # a line break in a header would be refused
    message["Message-ID"] = make_msgid(domain="pipeline-academy")
    message.set_content(mail.body)
    return message


def _fail(row: OutboxMessage, error: Exception) -> None:
    row.status, row.error = "failed", _reason(error)


def _fail_all(rows: list[OutboxMessage], reason: str) -> None:
    for row in rows:
        row.status, row.error = "failed", reason


def _reason(error: Exception) -> str:
    """Say what went wrong in a line a trainer can pass on to whoever runs the mail server."""
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
