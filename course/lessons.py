"""The course map, lesson pages and marking a lesson complete."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .cohort_schedule import locked_page
from .extensions import current_catalog as catalog
from .models import utcnow
from .progress import course_progress, record_view
from .quizzes import attempts_of

bp = Blueprint("lessons", __name__)

# A re-read within this time is not written again: reading a page should not cost a database write.
VIEW_RESOLUTION = timedelta(minutes=5)


def my_progress():  # type: ignore[no-untyped-def]
    return course_progress(current_user.id, catalog())


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    progress = my_progress() if current_user.is_authenticated else None
    return render_template("lessons/home.html", lessons=catalog().lessons, progress=progress)


@bp.get("/course")
def course_map():  # type: ignore[no-untyped-def]
    progress = my_progress() if current_user.is_authenticated else None
    return render_template("lessons/course_map.html", lessons=catalog().lessons, progress=progress)


@bp.get("/lessons/<slug>")
@login_required
def lesson(slug: str):  # type: ignore[no-untyped-def]
    found = catalog().lesson(slug) or abort(404)
    if locked := locked_page(found):  # locked by the cohort's schedule: not a view
        return locked
    status = my_progress().of(slug)
    if not status.last_viewed_at or utcnow() - status.last_viewed_at > VIEW_RESOLUTION:
        record_view(current_user.id, slug)
    before, after = catalog().neighbours(slug)
    return render_template("lessons/lesson.html", lesson=found, before=before, after=after, status=status)


@bp.post("/lessons/<slug>/complete")
@login_required
def complete(slug: str):  # type: ignore[no-untyped-def]
    found = catalog().lesson(slug) or abort(404)
    if locked := locked_page(found):
        return locked
    record_view(current_user.id, slug, complete=True)
    if found.quiz and not my_progress().of(slug).quiz_passed:
        flash("Lesson marked as read. Now check what stuck with the quiz.", "success")
        return redirect(url_for("quizzes.take", slug=found.quiz))
    flash(f"“{found.title}” marked as read.", "success")
    _, after = catalog().neighbours(slug)
    return redirect(url_for("lessons.lesson", slug=after.slug) if after else url_for("lessons.course_map"))


@bp.get("/progress")
@login_required
def my_progress_page():  # type: ignore[no-untyped-def]
    return render_template("lessons/progress.html", progress=my_progress(),
                           attempts=attempts_of(current_user.id))


@bp.get("/glossary")
def glossary():  # type: ignore[no-untyped-def]
    return render_template("lessons/glossary.html", terms=catalog().glossary,
                           lessons={le.slug: le for le in catalog().lessons})


@bp.get("/references")
def references():  # type: ignore[no-untyped-def]
    return render_template("lessons/references.html", references=catalog().references)
