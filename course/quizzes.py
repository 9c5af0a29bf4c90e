"""Taking a quiz, its result page and a person's attempt history."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .cohort_schedule import locked_page
from .extensions import current_catalog as catalog
from .extensions import db
from .grading import Grade, grade, read_answers
from .models import QuizAttempt

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")


def _quiz(slug: str):  # type: ignore[no-untyped-def]
    return catalog().quizzes.get(slug) or abort(404)


@bp.route("/<slug>", methods=["GET", "POST"])
@login_required
def take(slug: str):  # type: ignore[no-untyped-def]
    quiz = _quiz(slug)
    lesson = catalog().lesson_for_quiz(slug)
    if lesson and (locked := locked_page(lesson)):
        return locked
    answers: dict[str, object] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers, errors = read_answers(quiz, request.form.to_dict(flat=False))
        if not errors:
            result = grade(quiz, answers)
            attempt = QuizAttempt(user_id=current_user.id, quiz_slug=slug, answers=answers,
                                  points=result.points, max_points=result.max_points,
                                  passed=result.passed)
            db.session.add(attempt)
            db.session.commit()
            return redirect(url_for("quizzes.attempt", slug=slug, attempt_id=attempt.id))
    return render_template("quizzes/take.html", quiz=quiz, answers=answers, errors=errors,
                           lesson=catalog().lesson_for_quiz(slug)), 422 if errors else 200


@bp.get("/<slug>/attempts/<int:attempt_id>")
@login_required
def attempt(slug: str, attempt_id: int):  # type: ignore[no-untyped-def]
    quiz = _quiz(slug)
    row = db.session.get(QuizAttempt, attempt_id)
    if row is None or row.user_id != current_user.id or row.quiz_slug != slug:
        abort(404)
    result: Grade = grade(quiz, row.answers)  # regraded from the stored answers: same file, same verdict
    lesson = catalog().lesson_for_quiz(slug)
    after = catalog().neighbours(lesson.slug)[1] if lesson else None
    return render_template("quizzes/result.html", quiz=quiz, attempt=row, result=result,
                           lesson=lesson, after=after, best=_best(slug))


@bp.get("/<slug>/attempts")
@login_required
def history(slug: str):  # type: ignore[no-untyped-def]
    quiz = _quiz(slug)
    rows = db.session.scalars(sa.select(QuizAttempt).where(
        QuizAttempt.user_id == current_user.id, QuizAttempt.quiz_slug == slug)
        .order_by(QuizAttempt.created_at.desc(), QuizAttempt.id.desc())).all()
    return render_template("quizzes/history.html", quiz=quiz, attempts=rows,
                           lesson=catalog().lesson_for_quiz(slug))


def _best(slug: str) -> QuizAttempt | None:
    return db.session.scalar(sa.select(QuizAttempt).where(
        QuizAttempt.user_id == current_user.id, QuizAttempt.quiz_slug == slug)
        .order_by(QuizAttempt.points.desc(), QuizAttempt.id).limit(1))


def attempts_of(user_id: int) -> list[QuizAttempt]:
    """Every quiz attempt of one person, newest first."""
    return list(db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.user_id == user_id)
                                   .order_by(QuizAttempt.created_at.desc(), QuizAttempt.id.desc())))
