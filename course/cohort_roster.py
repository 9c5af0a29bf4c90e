"""Who is in a cohort: read a CSV list, plan an import, enrol, move, remove, and the emails it sends.

An import is planned before anything is written: every row is checked (the file's own mistakes,
then against the accounts that exist), the trainer sees the plan, and only a plan without a single
error is applied, in one transaction, so a list is never half imported.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError

from .auth import normalise_email
from .extensions import db
from .invitations import unusable_password
from .mail import Mail
from .models import Cohort, Enrolment, User

ENROLLABLE = ("learner", "manager")  # trainers and admins run cohorts; they do not sit in them
MAX_ROWS = 2000
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and typed
HEADER_WORDS = {"email", "e-mail", "mail", "email address", "e-mail address"}


class ImportRefused(ValueError):
    """The plan has errors (or the accounts changed meanwhile): nothing was written."""


@dataclass(frozen=True)
class RosterRow:
    line: int
    email: str
    name: str = ""
    manager_email: str = ""
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Planned:
    row: RosterRow
    action: str  # "invite" (new account), "enrol" (existing account), "skip" (in the cohort already)
    errors: dict[str, str]
    user: User | None = None
    manager: User | None = None
    note: str = ""


@dataclass(frozen=True)
class Imported:
    invited: list[User]
    enrolled: list[User]
    skipped: int


# --- reading the list (no database) -----------------------------------------------------------

def parse_roster(text: str) -> tuple[list[RosterRow], str]:
    """Read `email, name, manager email` rows; return them with their own mistakes, and a
    problem with the file as a whole ("" when there is none)."""
    try:
        lines = list(_csv_rows(text))
    except csv.Error as error:
        return [], f"This is not a CSV file we can read ({error}). Save it as “CSV UTF-8” and try again."
    if lines and _is_header(lines[0][1]):
        lines = lines[1:]
    lines = [(n, cells) for n, cells in lines if any(c.strip() for c in cells)]
    if not lines:
        return [], "The list is empty. Put one person per line: email, name, manager's email (optional)."
    if len(lines) > MAX_ROWS:
        return [], f"The list has {len(lines)} people; import at most {MAX_ROWS} at a time."
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    for number, cells in lines:
        row = parse_roster_row(number, cells)
        if row.email in seen and "email" not in row.errors:
            row.errors["email"] = f"This email is on line {seen[row.email]} already."
        seen.setdefault(row.email, number)
        rows.append(row)
    return rows, ""


def _csv_rows(text: str) -> Iterable[tuple[int, list[str]]]:
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel writes ';' where ',' is the decimal mark
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for cells in reader:
        yield reader.line_num, cells


def _is_header(cells: list[str]) -> bool:
    return bool(cells) and cells[0].strip().lower() in HEADER_WORDS


def parse_roster_row(number: int, cells: list[str]) -> RosterRow:
    cells = [c.strip() for c in cells] + ["", "", ""]
    email, name, manager = normalise_email(cells[0]), " ".join(cells[1].split()), normalise_email(cells[2])
    errors = {}
    if any(cells[3:]):
        errors["line"] = "This line has more than three columns: email, name, manager's email."
    if problem := email_problem(email):
        errors["email"] = problem
    if len(name) > 120:
        errors["name"] = "Shorten the name to 120 characters."
    if manager and (problem := email_problem(manager)):
        errors["manager_email"] = "Manager: " + problem[0].lower() + problem[1:]
    elif manager and manager == email:
        errors["manager_email"] = "A person cannot be their own manager."
    return RosterRow(number, email, name, manager, errors)


def email_problem(email: str) -> str:
    """Say what is wrong with an email address ("" when nothing is)."""
    if not email:
        return "Enter an email address."
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return f"“{email}” is not an email address like name@company.com."
    return ""


# --- planning against the accounts that exist ---------------------------------------------------

def plan_import(cohort: Cohort, rows: Sequence[RosterRow]) -> list[Planned]:
    """Decide what happens to each row and find what would go wrong, without writing anything."""
    accounts = users_by_email([r.email for r in rows] + [r.manager_email for r in rows if r.manager_email])
    enrolled = set(db.session.scalars(sa.select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)))
    return [_plan(row, accounts, enrolled) for row in rows]


def _plan(row: RosterRow, accounts: dict[str, User], enrolled: set[int]) -> Planned:
    errors = dict(row.errors)
    user = accounts.get(row.email)
    manager = accounts.get(row.manager_email) if row.manager_email else None
    if row.manager_email and "manager_email" not in errors:
        if manager is None:
            errors["manager_email"] = f"There is no account for the manager {row.manager_email}."
        elif manager.role != "manager":
            errors["manager_email"] = f"{row.manager_email} is a {manager.role} account, not a manager."
    if user is None:
        if not row.name and "email" not in errors:
            errors["name"] = "Enter a name: there is no account with this email yet."
        return Planned(row, "invite", errors, None, manager)
    if user.role not in ENROLLABLE:
        errors["email"] = f"This is a {user.role} account: only learners and managers join a cohort."
    note = ""
    if manager is not None and user.manager_id != manager.id:
        note = f"Manager becomes {manager.name}."
    action = "skip" if user.id in enrolled else "enrol"
    return Planned(row, action, errors, user, manager, note)


def users_by_email(emails: Iterable[str]) -> dict[str, User]:
    """Load the accounts with these emails (in chunks, so even a long list stays a few queries)."""
    wanted = sorted({e for e in emails if e})
    found: dict[str, User] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        found.update((u.email, u) for u in db.session.scalars(sa.select(User).where(User.email.in_(chunk))))
    return found


def apply_import(cohort: Cohort, plan: Sequence[Planned]) -> Imported:
    """Create the new accounts and enrol everyone in one transaction; refuse a plan with errors."""
    if any(p.errors for p in plan):
        raise ImportRefused("Some rows have errors: nothing was imported.")
    invited, enrolled = [], []
    for p in plan:
        user = p.user
        if user is None:
            user = User(email=p.row.email, name=p.row.name, role="learner", password_hash=unusable_password())
            db.session.add(user)
            invited.append(user)
        if p.manager is not None:
            user.manager = p.manager
        if p.action != "skip":
            db.session.add(Enrolment(cohort_id=cohort.id, user=user))
            if p.user is not None:
                enrolled.append(user)
    try:
        db.session.flush()
        ids = [u.id for u in invited + enrolled]
        db.session.commit()
    except IntegrityError:  # someone registered or enrolled one of these people meanwhile
        db.session.rollback()
        raise ImportRefused("Some of these people were added meanwhile. Check the list again.") from None
    _reload(ids)
    return Imported(invited, enrolled, sum(p.action == "skip" for p in plan))


def _reload(ids: list[int]) -> None:
    """Refresh the accounts the commit expired in a few queries, not one per person."""
    for start in range(0, len(ids), 500):
        db.session.scalars(sa.select(User).where(User.id.in_(ids[start:start + 500]))).all()


# --- enrol, move, remove ------------------------------------------------------------------------

def enrol(cohort: Cohort, user_id: int) -> bool:
    """Put a person in a cohort; return False when they were in it already."""
    if enrolment_of(cohort.id, user_id):
        return False
    db.session.add(Enrolment(cohort_id=cohort.id, user_id=user_id))
    try:
        db.session.commit()
    except IntegrityError:  # the same link followed twice at once
        db.session.rollback()
        return False
    return True


def enrolment_of(cohort_id: int, user_id: int) -> Enrolment | None:
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.cohort_id == cohort_id,
                                                        Enrolment.user_id == user_id))


def move(enrolment: Enrolment, target: Cohort) -> bool:
    """Move a person to another cohort (their work is theirs and stays); False if they are in it already."""
    if enrolment_of(target.id, enrolment.user_id):
        return False
    enrolment.cohort_id = target.id
    db.session.commit()
    return True


def remove(enrolment: Enrolment) -> None:
    """Take a person out of a cohort; their account, progress and work stay as they are."""
    db.session.delete(enrolment)
    db.session.commit()


def new_join_code() -> str:
    """Make a join code no other cohort uses."""
    while True:
        code = "".join(secrets.choice(CODE_LETTERS) for _ in range(8))
        if not db.session.scalar(sa.select(Cohort.id).where(Cohort.join_code == code)):
            return code


# --- the emails ---------------------------------------------------------------------------------

def invitation_mail(cohort: Cohort, user: User, link: str) -> Mail:
    return Mail(user.email, f"You are invited to {cohort.name} on Pipeline Academy", (
        f"Hello {user.name},\n\n"
        f"{cohort.trainer.name} has enrolled you in “{cohort.name}”, a course on building a sales "
        f"pipeline that forecasts honestly.\n\n"
        f"Choose your password to start (the link works once, for seven days):\n{link}\n\n"
        f"— Pipeline Academy\n"), "invitation", cohort.id)


def enrolment_mail(cohort: Cohort, user: User, link: str) -> Mail:
    return Mail(user.email, f"You are enrolled in {cohort.name}", (
        f"Hello {user.name},\n\n"
        f"{cohort.trainer.name} has enrolled you in “{cohort.name}”. Sign in with your usual "
        f"password to see the modules and when they are due:\n{link}\n\n"
        f"— Pipeline Academy\n"), "enrolment", cohort.id)


def reminder_mail(cohort: Cohort, name: str, email: str, overdue: Sequence[tuple[str, str]], link: str) -> Mail:
    """Remind one person of their overdue modules, given as (title, due date as text)."""
    lines = "\n".join(f"- {title} (due {due})" for title, due in overdue)
    count = f"{len(overdue)} module{'s' if len(overdue) != 1 else ''}"
    return Mail(email, f"Reminder: {count} overdue in {cohort.name}", (
        f"Hello {name},\n\n"
        f"A friendly reminder from {cohort.trainer.name}: in “{cohort.name}” these modules are past "
        f"their due date:\n{lines}\n\nPick up where you left off:\n{link}\n\n— Pipeline Academy\n"),
        "reminder", cohort.id)
