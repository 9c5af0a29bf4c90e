"""Cohorts: trainers create them, enrol people, set the schedule, watch progress and export it.

A trainer sees only their own cohorts (an admin sees all); anyone else's cohort is a 404.
Learners join with the cohort's link; the schedule can lock a module until a date.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask import stream_with_context as streamed
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from . import cohort_exports, cohort_roster
from .auth import find_user, role_required
from .cohort_progress import (
    FILTERS,
    SORTS,
    LearnerRow,
    choose,
    cohort_rows,
    completion_rates,
    paginate,
    rows_for,
    summaries,
)
from .cohort_roster import ENROLLABLE, Imported, ImportRefused, Planned
from .cohort_schedule import (
    Plan,
    as_text,
    long_date,
    plans_for,
    read_date,
    read_schedule,
    save_schedule,
    schedule_of,
    today,
    weekly_plan,
)
from .extensions import current_catalog as catalog
from .extensions import db
from .invitations import awaiting, invitation_url
from .mail import MailError, send, send_all
from .models import Cohort, Enrolment, ExerciseWork, OutboxMessage, Review, Submission, User
from .quizzes import attempts_of
from .xapi import VERSION as XAPI_VERSION

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")
bp.add_app_template_filter(long_date, "long_date")
STAFF = ("trainer", "admin")
DEMO_NAME = "Brightline pipeline programme"
MAX_UPLOAD = 1_000_000  # bytes: 2,000 people of a CSV list fit in a tenth of this


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


class CohortForm(FlaskForm):
    name = StringField("Name", filters=[_strip],
                       validators=[DataRequired("Give the cohort a name."), Length(max=120)])
    description = TextAreaField(
        "Description", filters=[_strip], validators=[Optional(), Length(max=2000)],
        description="Who the group is and what they work towards. Learners see it when they join.")
    start_date = DateField("Start date", validators=[InputRequired("Enter the date the cohort starts.")])


class PersonForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired("Enter their email address.")])
    name = StringField("Name", validators=[Length(max=120)], description=(
        "Needed only for someone without an account: they get an invitation to choose a password."))
    manager_email = EmailField("Manager's email (optional)")


class ImportForm(FlaskForm):
    file = FileField("CSV file")
    text = TextAreaField("Or paste the list",
                         description="One person per line: email, name, manager's email (optional).")


# --- access ---------------------------------------------------------------------------------------

def visible_cohorts() -> sa.Select[Cohort]:
    """Select the cohorts the signed-in person runs (an admin: all of them)."""
    query = sa.select(Cohort).order_by(Cohort.start_date.desc(), Cohort.id.desc())
    return query if current_user.role == "admin" else query.where(Cohort.trainer_id == current_user.id)


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not (current_user.role == "admin" or cohort.trainer_id == current_user.id):
        abort(404)  # someone else's cohort: the same answer as no cohort, so nothing leaks
    return cohort


def _member(cohort: Cohort, user_id: int) -> Enrolment:
    return cohort_roster.enrolment_of(cohort.id, user_id) or abort(404)


# --- cohorts --------------------------------------------------------------------------------------

@bp.get("/")
@role_required(*STAFF)
def index():  # type: ignore[no-untyped-def]
    cohorts = db.session.scalars(visible_cohorts()).all()
    counts = dict(db.session.execute(sa.select(Enrolment.cohort_id, sa.func.count()).group_by(Enrolment.cohort_id)
                                     .where(Enrolment.cohort_id.in_([c.id for c in cohorts]))).all())
    return render_template("cohorts/index.html", cohorts=cohorts, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():  # type: ignore[no-untyped-def]
    form = CohortForm()
    if form.validate_on_submit():
        cohort = Cohort(trainer_id=current_user.id, join_code=cohort_roster.new_join_code())
        form.populate_obj(cohort)
        db.session.add(cohort)
        db.session.commit()
        flash(f"Cohort “{cohort.name}” created. Now add people and set the schedule.", "success")
        return redirect(url_for("cohorts.people", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=None), 422 if form.errors else 200


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    form = CohortForm(obj=cohort)
    if form.validate_on_submit():
        form.populate_obj(cohort)
        db.session.commit()
        flash("Cohort details saved.", "success")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort), 422 if form.errors else 200


@bp.post("/<int:cohort_id>/join-code")
@role_required(*STAFF)
def new_code(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    cohort.join_code = cohort_roster.new_join_code()
    db.session.commit()
    flash("New join link made. The old link no longer works.", "success")
    return redirect(url_for("cohorts.people", cohort_id=cohort.id))


# --- progress -------------------------------------------------------------------------------------

@bp.get("/<int:cohort_id>")
@role_required(*STAFF)
def show(cohort_id: int):  # type: ignore[no-untyped-def]
    """The progress matrix: learners × modules, filtered, sorted and paged."""
    cohort = _cohort(cohort_id)
    plans, on = schedule_of(cohort.id), today()
    everyone = summaries(cohort.id, catalog(), plans, on)
    which, sort = request.args.get("show", "all"), request.args.get("sort", "name")
    page = paginate(choose(everyone, which, sort), request.args.get("page", 1, type=int))
    counts = {key: sum(1 for s in everyone if keep(s)) for key, (_, keep) in FILTERS.items()}
    return render_template("cohorts/matrix.html", cohort=cohort, page=page, lessons=catalog().lessons,
                           rows=rows_for(cohort.id, catalog(), on, page.rows, plans),
                           rates=completion_rates(everyone, catalog().lessons), counts=counts, which=which,
                           sort=sort, filters=FILTERS, sorts=SORTS, plans=plans, today=on,
                           last_reminder=_last_reminder(cohort))


@bp.get("/<int:cohort_id>/learners/<int:user_id>")
@role_required(*STAFF)
def learner(cohort_id: int, user_id: int):  # type: ignore[no-untyped-def]
    """One learner in detail: every module, quiz attempt and submission."""
    cohort = _cohort(cohort_id)
    [row] = cohort_rows(cohort.id, catalog(), today(), [user_id]) or abort(404)
    submissions = db.session.execute(
        sa.select(Submission.id, ExerciseWork.kind, ExerciseWork.status, Submission.number, Submission.submitted_at)
        .join(Submission, Submission.work_id == ExerciseWork.id).where(ExerciseWork.user_id == user_id)
        .order_by(ExerciseWork.kind, Submission.number)).all()
    return render_template("cohorts/learner.html", cohort=cohort, row=row, attempts=attempts_of(user_id),
                           submissions=submissions, reviews=reviews_of(user_id),
                           user=db.session.get(User, user_id), today=today())


def reviews_of(user_id: int) -> dict[int, list[sa.Row[Any]]]:
    """Map each of a person's submissions to its reviews, oldest first (one query)."""
    found: dict[int, list[sa.Row[Any]]] = {}
    for row in db.session.execute(
            sa.select(Review.submission_id, Review.verdict, Review.overall_comment, Review.created_at,
                      User.name.label("reviewer"))
            .join(User, User.id == Review.reviewer_id).join(Submission, Submission.id == Review.submission_id)
            .join(ExerciseWork, ExerciseWork.id == Submission.work_id).where(ExerciseWork.user_id == user_id)
            .order_by(Review.created_at, Review.id)):
        found.setdefault(row.submission_id, []).append(row)
    return found


@bp.post("/<int:cohort_id>/reminders")
@role_required(*STAFF)
def remind(cohort_id: int):  # type: ignore[no-untyped-def]
    """Email everyone behind schedule the modules they have overdue."""
    cohort = _cohort(cohort_id)
    behind = [r for r in cohort_rows(cohort.id, catalog(), today()) if r.overdue]
    if not behind:
        flash("Nobody is behind schedule: no reminder sent.", "info")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    links = _links(behind)
    sent = send_all(cohort_roster.reminder_mail(
        cohort, r.name, r.email, [(c.status.lesson.title, long_date(c.plan.due_on)) for c in r.overdue],
        links[r.user_id]) for r in behind)
    _report(sent, "Reminder sent to {n} {people} behind schedule.")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


def _links(rows: list[LearnerRow]) -> dict[int, str]:
    """Give each person the link that gets them back in: a fresh invitation if they never set a password."""
    course = url_for("lessons.course_map", _external=True)
    invited = [r.user_id for r in rows if r.invited]
    users: list[User] = list(db.session.scalars(sa.select(User).where(User.id.in_(invited)))) if invited else []
    return {r.user_id: course for r in rows} | {u.id: invitation_url(u) for u in users}


def _last_reminder(cohort: Cohort) -> OutboxMessage | None:
    return db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.cohort_id == cohort.id, OutboxMessage.kind == "reminder")
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(1))


# --- schedule -------------------------------------------------------------------------------------

@bp.route("/<int:cohort_id>/schedule", methods=["GET", "POST"])
@role_required(*STAFF)
def schedule(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    slugs = [le.slug for le in catalog().lessons]
    if request.method == "POST" and request.form.get("action") == "weekly":
        flash("A weekly plan is filled in below. Check the dates, then save.", "info")
        return _schedule_page(cohort, as_text(weekly_plan(cohort.start_date, slugs)), {})
    if request.method == "GET":
        return _schedule_page(cohort, as_text(schedule_of(cohort.id)), {})
    typed = {slug: (request.form.get(f"opens-{slug}", "").strip(), request.form.get(f"due-{slug}", "").strip())
             for slug in slugs}
    plans, errors = read_schedule(typed)
    if errors:
        return _schedule_page(cohort, typed, errors, 422)
    save_schedule(cohort, plans)
    flash("Schedule saved. Learners see the new dates on their course map.", "success")
    return redirect(url_for("cohorts.schedule", cohort_id=cohort.id))


def _schedule_page(cohort: Cohort, typed: dict[str, tuple[str, str]], errors: dict[str, str],
                   status: int = 200):  # type: ignore[no-untyped-def]
    # a value that is not a date shows in a text box: a date box would drop what was typed
    unreadable = {f"{prefix}-{slug}" for slug, values in typed.items()
                  for prefix, text in zip(("opens", "due"), values, strict=True)
                  if text and read_date(text, "", {}) is None}
    return render_template("cohorts/schedule.html", cohort=cohort, lessons=catalog().lessons, typed=typed,
                           errors=errors, unreadable=unreadable), status


# --- people ---------------------------------------------------------------------------------------

@bp.route("/<int:cohort_id>/people", methods=["GET", "POST"])
@role_required(*STAFF)
def people(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    form = PersonForm()
    if form.validate_on_submit():
        row = cohort_roster.parse_roster_row(1, [form.email.data or "", form.name.data or "",
                                                 form.manager_email.data or ""])
        [planned] = cohort_roster.plan_import(cohort, [row])
        for name, message in planned.errors.items():
            getattr(form, name, form.email).errors.append(message)
        if not planned.errors:
            _add_person(cohort, planned)
            return redirect(url_for("cohorts.people", cohort_id=cohort.id))
    return _people_page(cohort, form, 422 if form.errors else 200)


def _add_person(cohort: Cohort, planned: Planned) -> None:
    if planned.action == "skip":
        flash(f"{planned.user.name} is in this cohort already.", "info")  # type: ignore[union-attr]
        return
    imported = cohort_roster.apply_import(cohort, [planned])
    person = (imported.invited or imported.enrolled)[0]
    what = "They get an invitation to choose a password." if imported.invited else "They get an email saying so."
    flash(f"{person.name} added. {what}", "success")
    _report(_notify(cohort, imported), None)


def _people_page(cohort: Cohort, form: PersonForm, status: int = 200):  # type: ignore[no-untyped-def]
    query = (sa.select(User, Enrolment.enrolled_at).join(Enrolment, Enrolment.user_id == User.id)
             .where(Enrolment.cohort_id == cohort.id).order_by(User.name, User.id))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    page = paginate_query(query, request.args.get("page", 1, type=int), total)
    others = [c for c in db.session.scalars(visible_cohorts()) if c.id != cohort.id]
    return render_template("cohorts/people.html", cohort=cohort, form=form, people=page, others=others,
                           join_url=url_for("cohorts.join", code=cohort.join_code, _external=True),
                           awaiting=awaiting), status


def paginate_query(query: sa.Select, number: int, total: int, size: int = 50) -> dict:  # type: ignore[type-arg]
    """Read one page of a query (LIMIT/OFFSET); a page number out of range gives the nearest page."""
    pages = max(1, -(-total // size))
    number = min(max(number, 1), pages)
    rows = db.session.execute(query.limit(size).offset((number - 1) * size)).all()
    return {"rows": rows, "number": number, "pages": pages, "total": total}


@bp.post("/<int:cohort_id>/people/<int:user_id>/remove")
@role_required(*STAFF)
def remove(cohort_id: int, user_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    enrolment = _member(cohort, user_id)
    name = enrolment.user.name
    cohort_roster.remove(enrolment)
    flash(f"{name} is no longer in {cohort.name}. Their account and work are kept.", "success")
    return redirect(url_for("cohorts.people", cohort_id=cohort.id))


@bp.post("/<int:cohort_id>/people/<int:user_id>/move")
@role_required(*STAFF)
def move(cohort_id: int, user_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    enrolment = _member(cohort, user_id)
    target = _cohort(request.form.get("to", 0, type=int))
    name = enrolment.user.name
    if cohort_roster.move(enrolment, target):
        flash(f"{name} moved to {target.name}, with all their work.", "success")
    else:
        flash(f"{name} is in {target.name} already.", "error")
    return redirect(url_for("cohorts.people", cohort_id=cohort.id))


@bp.post("/<int:cohort_id>/people/<int:user_id>/invite")
@role_required(*STAFF)
def reinvite(cohort_id: int, user_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    user = _member(cohort, user_id).user
    if not awaiting(user):
        flash(f"{user.name} has set a password already: no invitation needed.", "info")
    else:
        mail = cohort_roster.invitation_mail(cohort, user, invitation_url(user))
        try:
            send(mail.to, mail.subject, mail.body, kind=mail.kind, cohort_id=cohort.id)
            flash(f"A new invitation is on its way to {user.email}.", "success")
        except MailError as error:
            flash(str(error), "error")
    return redirect(url_for("cohorts.people", cohort_id=cohort.id))


@bp.route("/<int:cohort_id>/import", methods=["GET", "POST"])
@role_required(*STAFF)
def import_list(cohort_id: int):  # type: ignore[no-untyped-def]
    """Enrol a CSV list: upload or paste, see the plan with every row's problems, then confirm."""
    cohort = _cohort(cohort_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("cohorts/import.html", cohort=cohort, form=form, plan=None, text="")
    text, problem = _uploaded_text(form)
    form.text.data = text  # an uploaded file lands in the box, so a mistake can be fixed right there
    rows, problem = cohort_roster.parse_roster(text) if not problem else ([], problem)
    plan = cohort_roster.plan_import(cohort, rows) if rows else []
    if problem or any(p.errors for p in plan) or request.form.get("confirm") != "1":
        return render_template("cohorts/import.html", cohort=cohort, form=form, plan=plan, text=text,
                               problem=problem), 422 if problem or any(p.errors for p in plan) else 200
    try:
        imported = cohort_roster.apply_import(cohort, plan)
    except ImportRefused as error:
        flash(str(error), "error")
        return render_template("cohorts/import.html", cohort=cohort, form=form, plan=plan, text=text), 409
    flash(f"Imported: {len(imported.invited)} invited, {len(imported.enrolled)} existing accounts enrolled, "
          f"{imported.skipped} in the cohort already.", "success")
    _report(_notify(cohort, imported), None)
    return redirect(url_for("cohorts.people", cohort_id=cohort.id))


def _uploaded_text(form: ImportForm) -> tuple[str, str]:
    """Return the list's text from the file (or the pasted text) and a problem reading it ("" if none)."""
    upload = form.file.data
    raw = upload.read(MAX_UPLOAD + 1) if upload and getattr(upload, "filename", "") else None
    if raw is None:
        return form.text.data or "", ""
    if len(raw) > MAX_UPLOAD:
        return "", "The file is larger than 1 MB. Import the list in parts of at most 2,000 people."
    for encoding in ("utf-8-sig", "cp1252"):  # Excel saves "CSV" as Windows-1252 unless told UTF-8
        try:
            return raw.decode(encoding), ""
        except UnicodeDecodeError:
            continue
    return "", "This file is not text we can read. Save it from your spreadsheet as “CSV UTF-8”."


def _notify(cohort: Cohort, imported: Imported) -> list[OutboxMessage]:
    course = url_for("lessons.course_map", _external=True)
    return send_all([cohort_roster.invitation_mail(cohort, u, invitation_url(u)) for u in imported.invited]
                    + [cohort_roster.enrolment_mail(cohort, u, course) for u in imported.enrolled])


def _report(sent: list[OutboxMessage], success: str | None) -> None:
    """Flash how the sending went; every failure is named, none is swallowed."""
    failed = [m for m in sent if m.status == "failed"]
    ok = len(sent) - len(failed)
    if success and ok:
        flash(success.format(n=ok, people="person" if ok == 1 else "people"), "success")
    if failed:
        names = ", ".join(f"{m.to_address} ({m.error})" for m in failed[:5])
        more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""
        flash(f"{len(failed)} email{'s' if len(failed) != 1 else ''} could not be sent: {names}{more}. "
              "They are listed as failed under Messages.", "error")


@bp.get("/<int:cohort_id>/outbox")
@role_required(*STAFF)
def outbox(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    query = (sa.select(OutboxMessage).where(OutboxMessage.cohort_id == cohort.id)
             .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    page = paginate_query(query, request.args.get("page", 1, type=int), total)
    return render_template("cohorts/outbox.html", cohort=cohort, messages=page)


# --- exports --------------------------------------------------------------------------------------

@bp.get("/<int:cohort_id>/progress.csv")
@role_required(*STAFF)
def progress_csv(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    return _download(cohort_exports.progress_csv(cohort, catalog(), today()), cohort, "progress.csv", "text/csv")


@bp.get("/<int:cohort_id>/quiz-results.csv")
@role_required(*STAFF)
def quiz_results_csv(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    return _download(cohort_exports.quiz_results_csv(cohort, catalog()), cohort, "quiz-results.csv", "text/csv")


@bp.get("/<int:cohort_id>/xapi.json")
@role_required(*STAFF)
def xapi_statements(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    base = current_app.config.get("XAPI_BASE_URL") or request.url_root + "xapi"
    response = _download(cohort_exports.xapi_json(cohort, catalog(), base), cohort, "xapi-statements.json",
                         "application/json")
    response.headers["X-Experience-API-Version"] = XAPI_VERSION
    return response


def _download(chunks, cohort: Cohort, name: str, mimetype: str) -> Response:  # type: ignore[no-untyped-def]
    filename = f"cohort-{cohort.id}-{name}"
    return Response(streamed(chunks), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- joining with the link ------------------------------------------------------------------------

@bp.route("/join/<code>", methods=["GET", "POST"])
def join(code: str):  # type: ignore[no-untyped-def]
    """The cohort's join link: explain it, ask to sign in or register, then enrol with one button."""
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.join_code == code.strip().upper())) or abort(404)
    if not current_user.is_authenticated:
        if request.method == "POST":
            return redirect(url_for("auth.login", next=request.path))
        return render_template("cohorts/join.html", cohort=cohort, member=False)
    member = cohort_roster.enrolment_of(cohort.id, current_user.id) is not None
    if request.method == "POST" and current_user.role in ENROLLABLE:
        if cohort_roster.enrol(cohort, current_user.id):
            flash(f"Welcome to {cohort.name}! The course map shows when each module opens and is due.", "success")
        else:
            flash(f"You are in {cohort.name} already.", "info")
        return redirect(url_for("lessons.course_map"))
    return render_template("cohorts/join.html", cohort=cohort, member=member, can_join=current_user.role in ENROLLABLE)


# --- what learners see of the schedule ------------------------------------------------------------

@bp.app_template_global()
def module_plans() -> dict[str, Plan]:
    """The signed-in person's schedule ({} for anyone not in a cohort), for the course map."""
    return plans_for(current_user.id) if current_user.is_authenticated else {}


@bp.app_template_global("cohort_today")
def cohort_today() -> date:
    return today()


# --- demo data ------------------------------------------------------------------------------------

def seed_cohort(emails: list[str] | None = None) -> Cohort | None:
    """Create the demo cohort for trainer@example.com with the demo learners and a weekly schedule.

    Idempotent: an existing demo cohort only gets the learners it misses. `emails` defaults to the
    people managed by manager@example.com (the demo team)."""
    trainer = find_user("trainer@example.com")
    if trainer is None:
        return None
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.trainer_id == trainer.id, Cohort.name == DEMO_NAME))
    if cohort is None:
        start = today() - timedelta(days=14)  # two modules past due: some of the team are behind
        cohort = Cohort(trainer_id=trainer.id, name=DEMO_NAME, start_date=start, join_code=_demo_code(),
                        description="Dana Okafor's Brightline sales team works through the course together, "
                                    "one module a week.")
        db.session.add(cohort)
        db.session.flush()
        save_schedule(cohort, weekly_plan(start, [le.slug for le in catalog().lessons]))
    for user in _demo_learners(emails):
        cohort_roster.enrol(cohort, user.id)
    db.session.commit()
    return cohort


def _demo_code() -> str:
    taken = db.session.scalar(sa.select(Cohort.id).where(Cohort.join_code == "BRIGHTLINE"))
    return cohort_roster.new_join_code() if taken else "BRIGHTLINE"


def _demo_learners(emails: list[str] | None) -> list[User]:
    if emails is not None:
        return [u for u in (find_user(e) for e in emails) if u]
    manager = find_user("manager@example.com")
    return list(db.session.scalars(sa.select(User).where(User.manager_id == manager.id))) if manager else []
