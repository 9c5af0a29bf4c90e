"""Reviews: managers see their team and review submitted exercises; trainers review their cohorts.

A reviewer sees only the people their relation covers (course.review_store.scope_of): someone
else's learner is a 404, their own submission a 403. A review is insert-only: the verdict,
every rubric score and comment stay as given; a new look is a new review.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask import stream_with_context as streamed
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from . import review_store as store
from . import sizer_chart
from .auth import role_required
from .diffing import diff
from .exercise_kinds import REGISTRY
from .extensions import current_catalog, db
from .mail import MailError, send
from .models import ExerciseWork, Submission, User, utcnow
from .rubrics import PATH, Rubric, Rubrics, load_rubrics
from .templating import exercise_label

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms before 3.3 takes plain (value, label) pairs, later ones warn about them
    def SelectChoice(value: object, label: str) -> tuple[object, str]:  # type: ignore[no-redef]  # the fallback
        return value, label

bp = Blueprint("review", __name__)

REVIEWERS = ("manager", "trainer", "admin")
TEAM_LEADS = ("manager", "admin")  # an admin can be someone's manager too
MAX_COMMENT, MAX_OVERALL = 2000, 5000
VERDICTS = [SelectChoice("approved", "Approve this version"), SelectChoice("needs_revision", "Ask for a revision")]


@bp.record_once
def load_rubrics_once(state: BlueprintSetupState) -> None:
    """Read and check the rubrics at start-up, like the catalog: a mistake stops the app."""
    state.app.extensions["rubrics"] = load_rubrics(state.app.config.get("RUBRICS_FILE") or PATH)


def rubrics() -> Rubrics:
    loaded: Rubrics = current_app.extensions["rubrics"]
    return loaded


def viewer() -> store.Viewer:
    return store.Viewer(current_user.id, current_user.role)


@bp.app_template_global("work_feedback")
def work_feedback(work: ExerciseWork | None) -> list[store.Feedback] | None:
    """Give an exercise page the reviews of the signed-in person's own work; None for anyone else's."""
    if work is None or work.id is None or not current_user.is_authenticated or work.user_id != current_user.id:
        return None
    return store.feedback_for(work.id, work.kind, rubrics())


# ---------------------------------------------------------------------------------------------
# The form: a verdict, an overall comment, and a score and comment per rubric line


class ReviewForm(FlaskForm):
    verdict = RadioField("Your verdict", choices=VERDICTS,
                         validators=[InputRequired("Choose: approve this version, or ask for a revision.")])
    overall_comment = TextAreaField(
        "Overall comment", validators=[Length(max=MAX_OVERALL)],
        description="Needed when you ask for a revision: say what to change first.")

    def validate_overall_comment(self, field: TextAreaField) -> None:
        if self.verdict.data == "needs_revision" and not (field.data or "").strip():
            raise ValidationError("Say what to change: asking for a revision needs an overall comment.")

    def line_fields(self, rubric: Rubric) -> list[tuple[Any, Any, Any]]:
        """Pair each rubric line with its score and comment fields, in rubric order."""
        return [(line, self[f"score-{line.id}"], self[f"comment-{line.id}"]) for line in rubric.lines]

    def scores(self, rubric: Rubric) -> list[tuple[str, int, str]]:
        return [(line.id, int(score.data), (comment.data or "").strip())
                for line, score, comment in self.line_fields(rubric)]


def review_form(rubric: Rubric, rubrics: Rubrics) -> ReviewForm:
    """Build the form for this rubric (its lines are data, so the fields are added here)."""
    class Form(ReviewForm):
        pass

    top = rubrics.scores[-1]
    levels = [SelectChoice(level.score, f"{level.score} {level.label}") for level in rubrics.scale]
    for line in rubric.lines:
        setattr(Form, f"score-{line.id}", RadioField(
            line.title, coerce=int, choices=levels,
            validators=[InputRequired(f"Score “{line.title}” from 1 to {top}.")]))
        setattr(Form, f"comment-{line.id}", TextAreaField(
            f"Comment on “{line.title}” (optional)", validators=[Length(max=MAX_COMMENT)]))
    return Form()


# ---------------------------------------------------------------------------------------------
# Team


@bp.get("/team")
@role_required(*TEAM_LEADS)
def team():  # type: ignore[no-untyped-def]
    people = store.team_people(current_user.id)
    page = store.page_of(people, request.args.get("page", 1, type=int))
    return render_template("review/team.html", members=store.members(viewer(), page.rows, current_catalog()),
                           page=page, now=utcnow(), fmt=sizer_chart)


@bp.get("/team/<int:user_id>")
@role_required(*TEAM_LEADS)
def member(user_id: int):  # type: ignore[no-untyped-def]
    person = db.session.get(User, user_id) if 0 < user_id < 2**31 else None  # a bigger id overflows the column
    if person is None or person.manager_id != current_user.id or person.id == current_user.id:
        abort(404)  # not on this manager's team: the same answer as nobody, so nothing leaks
    [row] = store.members(viewer(), [(person.id, person.name, person.email)], current_catalog())
    return render_template("review/member.html", member=row, versions=store.versions_of(person.id),
                           now=utcnow(), fmt=sizer_chart)


# ---------------------------------------------------------------------------------------------
# Queue


@bp.get("/reviews")
@role_required(*REVIEWERS)
def queue():  # type: ignore[no-untyped-def]
    kind = request.args.get("exercise") or None
    kind = kind if kind in REGISTRY else None
    person = request.args.get("person", type=int)
    page = store.queue_page(viewer(), kind, person, request.args.get("page", 1, type=int))
    return render_template("review/queue.html", page=page, kind=kind, person=person, now=utcnow(),
                           people=store.waiting_people(viewer()), kinds=sorted(REGISTRY))


# ---------------------------------------------------------------------------------------------
# Reviewing one version


def _reviewable(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id) if 0 < submission_id < 2**31 else None  # see member
    if submission is None:
        abort(404)
    if submission.work.user_id == current_user.id:
        abort(403)  # nobody reviews their own work, whatever their role
    if not store.in_scope(viewer(), submission.work.user_id):
        abort(404)
    return submission


def _state(work: ExerciseWork, submission: Submission) -> str:
    """Say why this version cannot be reviewed now, or "" when it waits for review."""
    latest = work.submissions[-1].number
    if latest > submission.number:
        return f"Version {latest} has replaced this version: review the latest one."
    if work.status not in store.WAITING:
        return f"This version has been reviewed ({store.VERDICT_WORDS.get(work.status, work.status)})."
    return ""


@bp.route("/reviews/<int:submission_id>", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def review(submission_id: int):  # type: ignore[no-untyped-def]
    submission = _reviewable(submission_id)
    work = submission.work
    rubric = rubrics().for_kind(work.kind)
    form = review_form(rubric, rubrics())
    status, conflict = 200, ""
    if request.method == "POST":
        if not form.validate():
            status = 422
        else:
            try:
                saved = store.record_review(submission, current_user.id, form.verdict.data or "",
                                            (form.overall_comment.data or "").strip(), form.scores(rubric))
            except store.Superseded as error:
                status, conflict = 409, str(error)
            else:
                return _after_review(submission_id, saved.id)
    return _render_review(submission, rubric, form, conflict), status


def _render_review(submission: Submission, rubric: Rubric, form: ReviewForm, conflict: str) -> str:
    work = submission.work
    spec = REGISTRY.get(work.kind) or abort(404)
    earlier = next((s for s in work.submissions if s.number == submission.number - 1), None)
    extras = spec.extras(submission.data, work.user_id)
    return render_template(
        "review/review.html", spec=spec, work=work, submission=submission, data=submission.data,
        learner=db.session.get(User, work.user_id), rubric=rubric, scale=rubrics().scale, form=form,
        state=_state(work, submission), conflict=conflict, now=utcnow(), age=store.age_text,
        extras=extras, counts=finding_counts(extras.get("check")), problems=spec.problems(submission.data),
        earlier=earlier, changes=diff(earlier.data, submission.data) if earlier else None,
        feedback=store.feedback_for(work.id, work.kind, rubrics()))


def finding_counts(check: dict[str, Any] | None) -> tuple[Counter[str], list[Counter[str]]]:
    """Count the criteria checker's findings by severity: in all, and stage by stage."""
    if not check:
        return Counter(), []
    per_stage = [Counter(f["severity"] for f in [*stage["findings"],
                                                  *(f for c in stage["entry"] + stage["exit"] for f in c["findings"])])
                 for stage in check["stages"]]
    total = Counter(f["severity"] for f in check["findings"])
    for counter in per_stage:
        total.update(counter)
    return total, per_stage


def _after_review(submission_id: int, review_id: int):  # type: ignore[no-untyped-def]
    """Tell the learner, then go back to the queue for the next one."""
    submission = db.session.get(Submission, submission_id) or abort(404)
    learner = db.session.get(User, submission.work.user_id) or abort(404)
    feedback = store.feedback_for(submission.work_id, submission.work.kind, rubrics())
    given = next(f for f in feedback if f.review_id == review_id)
    title = exercise_label(submission.work.kind)
    flash(f"Review saved: {learner.name}'s {title}, version {submission.number}, {given.verdict_text}.", "success")
    try:
        send(learner.email, f"{title}, version {submission.number}: {given.verdict_text}",
             render_template("review/mail.txt", learner=learner, feedback=given, title=title, top=rubrics().scores[-1],
                             url=url_for("exercises.version", kind=submission.work.kind,
                                         number=submission.number, _external=True)),
             kind="review")
    except MailError as error:
        flash(f"The review is saved and {learner.name} sees it beside their work, "
              f"but the email did not go out: {error}", "warning")
    return redirect(url_for("review.queue"))


# ---------------------------------------------------------------------------------------------
# Export


@bp.get("/reviews.csv")
@role_required(*REVIEWERS)
def export():  # type: ignore[no-untyped-def]
    kind = request.args.get("exercise") or None
    kind = kind if kind in REGISTRY else None
    chunks = store.reviews_csv(viewer(), rubrics(), kind, exercise_label)
    name = f"reviews-{kind}.csv" if kind else "reviews.csv"
    return Response(streamed(chunks), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
