"""Mail: every message lands in the outbox table; SMTP when configured; failures are shown, never lost."""

import smtplib
import socket

import pytest

from course.auth import find_user
from course.mail import Mail, MailError, send, send_all
from tests.cohort_support import make_cohort, outbox


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what a real server would have been asked to do."""

    sessions: list["FakeSMTP"] = []
    refuse: set[str] = set()

    def __init__(self, host, port, timeout):
        self.address, self.timeout, self.calls, self.sent = (host, port), timeout, [], []
        FakeSMTP.sessions.append(self)

    def starttls(self):
        self.calls.append("starttls")

    def login(self, user, password):
        self.calls.append(f"login {user}:{password}")

    def send_message(self, message):
        if message["To"] in self.refuse:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"No such user")})
        self.sent.append(message)

    def quit(self):
        self.calls.append("quit")

    def close(self):
        self.calls.append("close")


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.sessions, FakeSMTP.refuse = [], set()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_BACKEND="smtp", MAIL_HOST="mail.example.com", MAIL_PORT="2525", MAIL_USE_TLS="yes",
                      MAIL_USERNAME="academy", MAIL_PASSWORD="s3cret", MAIL_FROM="Academy <academy@example.com>")
    return FakeSMTP


def closed_port():
    """A local port with nothing listening, so a real connection attempt fails at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_by_default_messages_are_kept_in_the_outbox_only(app, monkeypatch):
    monkeypatch.delenv("MAIL_BACKEND", raising=False)
    row = send("ada@example.com", "Hello", "Body text")
    [stored] = outbox()
    assert stored.id == row.id
    assert (stored.to_address, stored.subject, stored.body) == ("ada@example.com", "Hello", "Body text")
    assert (stored.backend, stored.status, stored.error) == ("outbox", "sent", "")


def test_the_environment_chooses_the_backend(app, monkeypatch):
    monkeypatch.setenv("MAIL_BACKEND", "carrier-pigeon")
    with pytest.raises(MailError, match="use one of outbox, smtp"):
        send("ada@example.com", "Hello", "Body")
    assert [(m.status, m.backend) for m in outbox()] == [("failed", "carrier-pi")]


def test_smtp_sends_with_tls_and_sign_in_and_records_it(smtp):
    send("ada@example.com", "Welcome", "Choose your password", kind="invitation")
    [session] = smtp.sessions
    assert session.address == ("mail.example.com", 2525)
    assert session.calls == ["starttls", "login academy:s3cret", "quit"]
    [message] = session.sent
    assert (message["From"], message["To"], message["Subject"]) == (
        "Academy <academy@example.com>", "ada@example.com", "Welcome")
    assert message.get_content().strip() == "Choose your password"
    assert [(m.status, m.backend, m.kind) for m in outbox()] == [("sent", "smtp", "invitation")]


def test_a_line_break_in_a_subject_cannot_add_headers(smtp):
    send("bo@example.com", "Spring\r\nBcc: everyone@example.com", "Body")  # a cohort name posted with a break
    [message] = smtp.sessions[0].sent
    assert message["Subject"] == "Spring Bcc: everyone@example.com" and message["Bcc"] is None


def test_several_messages_share_one_connection_and_a_refused_one_fails_alone(smtp):
    smtp.refuse = {"ghost@example.com"}
    rows = send_all([Mail("a@example.com", "S", "B"), Mail("ghost@example.com", "S", "B"),
                     Mail("c@example.com", "S", "B")])
    assert len(smtp.sessions) == 1 and len(smtp.sessions[0].sent) == 2
    assert [r.status for r in rows] == ["sent", "failed", "sent"]
    assert "SMTPRecipientsRefused" in rows[1].error and "No such user" in rows[1].error


def test_a_server_that_cannot_be_reached_fails_every_message_and_says_why(app):
    app.config.update(MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=str(closed_port()),
                      MAIL_USE_TLS="false", MAIL_TIMEOUT="2")
    with pytest.raises(MailError) as raised:
        send("ada@example.com", "Hello", "Body")
    assert "The email to ada@example.com could not be sent: ConnectionRefusedError" in str(raised.value)
    rows = send_all([Mail("a@example.com", "S", "B"), Mail("b@example.com", "S", "B")])
    assert [r.status for r in rows] == ["failed", "failed"]
    assert len(outbox()) == 3 and all("ConnectionRefusedError" in m.error for m in outbox())


def test_a_failed_invitation_is_shown_to_the_trainer_and_listed_as_not_sent(app, client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    app.config.update(MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=str(closed_port()),
                      MAIL_USE_TLS="false", MAIL_TIMEOUT="2")
    page = client.post(f"/cohorts/{cohort.id}/people", data={"email": "new@example.com", "name": "New Person"},
                       follow_redirects=True).get_data(as_text=True)
    assert "New Person added." in page  # the enrolment stands; only the email failed
    assert "1 email could not be sent: new@example.com (ConnectionRefusedError" in page
    messages = client.get(f"/cohorts/{cohort.id}/outbox").get_data(as_text=True)
    assert "Not sent" in messages and "ConnectionRefusedError" in messages
    newcomer = find_user("new@example.com")
    resend = client.post(f"/cohorts/{cohort.id}/people/{newcomer.id}/invite", follow_redirects=True)
    assert "The email to new@example.com could not be sent" in resend.get_data(as_text=True)


def test_the_outbox_page_shows_what_was_kept_for_the_cohort(client, make_user, login):
    trainer = make_user("trainer")
    cohort, other = make_cohort(trainer, "Mine"), make_cohort(trainer, "Other")
    send("ada@example.com", "For mine", "Body one", kind="reminder", cohort_id=cohort.id)
    send("bo@example.com", "For other", "Body two", cohort_id=other.id)
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}/outbox").get_data(as_text=True)
    assert "For mine" in page and "Body one" in page and "Kept here" in page and "For other" not in page
