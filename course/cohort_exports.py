"""A cohort's data for other tools: progress CSV, per-question quiz results CSV, xAPI statements.

Each export reads the cohort in a fixed number of queries and yields its text piece by piece,
so the view can stream it.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date

import sqlalchemy as sa

from . import xapi
from .catalog import Catalog, Question, Quiz
from .cohort_progress import Cell, LearnerRow, cohort_rows, enrolled_ids
from .extensions import db
from .grading import grade
from .models import Cohort, ExerciseWork, LessonProgress, QuizAttempt, Submission, User
from .templating import exercise_label

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as formulas


def csv_line(values: Iterable[object]) -> str:
    """Write one CSV line; text that a spreadsheet would take for a formula is quoted with '."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
                                 for v in values])
    return buffer.getvalue()


# --- progress: one row per learner, one column group per module --------------------------------

MODULE_COLUMNS = ("read", "best quiz %", "exercises", "due", "status")


def progress_csv(cohort: Cohort, catalog: Catalog, on: date) -> Iterator[str]:
    rows = sorted(cohort_rows(cohort.id, catalog, on), key=lambda r: (r.name.casefold(), r.email))
    yield csv_line(["name", "email", "enrolled on", "invitation pending", "modules complete", "percent complete",
                    "overdue modules"] + [f"{le.slug} {c}" for le in catalog.lessons for c in MODULE_COLUMNS])
    for row in rows:
        yield csv_line(_learner_values(row) + [v for cell in row.cells for v in _cell_values(cell)])


def _learner_values(row: LearnerRow) -> list[object]:
    return [row.name, row.email, row.enrolled_at.date().isoformat(), "yes" if row.invited else "no",
            row.progress.completed, row.progress.percent, len(row.overdue)]


def _cell_values(cell: Cell) -> list[object]:
    m = cell.status
    read = "yes" if m.lesson_done else ("opened" if m.viewed else "no")
    best = "" if m.best_percent is None else m.best_percent
    work = "; ".join(f"{kind}: {status}" for kind, status in cell.work)
    due = cell.plan.due_on.isoformat() if cell.plan.due_on else ""
    return [read, best, work, due, cell_state(cell)]


def cell_state(cell: Cell) -> str:
    if cell.status.complete:
        return "complete"
    if cell.locked and cell.plan.opens_on:
        return f"opens {cell.plan.opens_on.isoformat()}"
    if cell.overdue:
        return "overdue"
    return "in progress" if cell.status.viewed else "not started"


# --- quizzes: one row per question of every attempt ---------------------------------------------

QUIZ_COLUMNS = ["name", "email", "quiz", "attempt", "attempted at (UTC)", "attempt score %", "attempt passed",
                "question", "question text", "answer", "correct"]


def quiz_results_csv(cohort: Cohort, catalog: Catalog) -> Iterator[str]:
    yield csv_line(QUIZ_COLUMNS)
    attempts = db.session.execute(
        sa.select(User.id, User.name, User.email, QuizAttempt.quiz_slug, QuizAttempt.answers, QuizAttempt.points,
                  QuizAttempt.max_points, QuizAttempt.passed, QuizAttempt.created_at)
        .join(User, User.id == QuizAttempt.user_id).where(QuizAttempt.user_id.in_(enrolled_ids(cohort.id)))
        .order_by(User.name, User.id, QuizAttempt.quiz_slug, QuizAttempt.created_at, QuizAttempt.id)
        .execution_options(yield_per=500))
    number, last = 0, None
    for uid, name, email, slug, answers, points, max_points, passed, at in attempts:
        number = number + 1 if (uid, slug) == last else 1
        last = (uid, slug)
        head = [name, email, slug, number, at.isoformat(timespec="seconds"),
                round(100 * points / max_points) if max_points else 0, "yes" if passed else "no"]
        quiz = catalog.quizzes.get(slug)
        if quiz is None:  # the quiz left the course; keep its attempts visible all the same
            yield csv_line(head + ["", "(this quiz is no longer in the course)", "", ""])
            continue
        for question, result in zip(quiz.questions, grade(quiz, answers).results, strict=True):
            yield csv_line(head + [question.id, question.prompt, answer_text(question, result.answer),
                                   "yes" if result.correct else "no"])


def answer_text(question: Question, answer: str | list[str]) -> str:
    """Show an answer as the person saw it: the option texts, not their keys."""
    texts = {o.key: o.text for o in question.options}
    chosen = answer if isinstance(answer, list) else [answer]
    return "; ".join(texts.get(a, a) for a in chosen if a)


# --- xAPI: the cohort's learning events as statements -------------------------------------------

COURSE = xapi.Activity("course", "Pipeline Academy: B2B pipeline management", "course")


def learning_events(cohort: Cohort, catalog: Catalog) -> list[xapi.Event]:
    """Read the cohort's learning events (three queries), oldest first."""
    scope = enrolled_ids(cohort.id)
    lessons = {le.slug: le.title for le in catalog.lessons}
    return list(heapq.merge(_lesson_events(scope, lessons), _quiz_events(scope, catalog.quizzes),
                            _exercise_events(scope), key=lambda e: e.at))


def _lesson_events(scope: sa.Select, lessons: dict[str, str]) -> list[xapi.Event]:  # type: ignore[type-arg]
    events = []
    for uid, name, email, slug, first, done in db.session.execute(
            sa.select(User.id, User.name, User.email, LessonProgress.lesson_slug, LessonProgress.first_viewed_at,
                      LessonProgress.completed_at).join(User, User.id == LessonProgress.user_id)
            .where(LessonProgress.user_id.in_(scope))):
        activity = xapi.Activity(f"lessons/{slug}", lessons.get(slug, slug), "lesson")
        events.append(xapi.Event(f"lesson-experienced/{uid}/{slug}", email, name, "experienced", activity, first))
        if done:
            events.append(xapi.Event(f"lesson-completed/{uid}/{slug}", email, name, "completed", activity, done,
                                     completion=True))
    return sorted(events, key=lambda e: e.at)


def _quiz_events(scope: sa.Select, quizzes: dict[str, Quiz]) -> list[xapi.Event]:  # type: ignore[type-arg]
    events = []
    for attempt_id, name, email, slug, points, max_points, passed, at in db.session.execute(
            sa.select(QuizAttempt.id, User.name, User.email, QuizAttempt.quiz_slug, QuizAttempt.points,
                      QuizAttempt.max_points, QuizAttempt.passed, QuizAttempt.created_at)
            .join(User, User.id == QuizAttempt.user_id).where(QuizAttempt.user_id.in_(scope))
            .order_by(QuizAttempt.created_at)):
        quiz = quizzes.get(slug)
        activity = xapi.Activity(f"quizzes/{slug}", quiz.title if quiz else slug, "assessment")
        score = xapi.Score(points, max_points) if max_points else None
        events.append(xapi.Event(f"quiz-attempt/{attempt_id}", email, name, "passed" if passed else "failed",
                                 activity, at, score=score, success=bool(passed), completion=True))
    return events


def _exercise_events(scope: sa.Select) -> list[xapi.Event]:  # type: ignore[type-arg]
    return [xapi.Event(f"submission/{submission_id}", email, name, "attempted",
                       xapi.Activity(f"exercises/{kind}", exercise_label(kind), "performance"), at)
            for submission_id, name, email, kind, at in db.session.execute(
                sa.select(Submission.id, User.name, User.email, ExerciseWork.kind, Submission.submitted_at)
                .join(ExerciseWork, ExerciseWork.id == Submission.work_id)
                .join(User, User.id == ExerciseWork.user_id).where(ExerciseWork.user_id.in_(scope))
                .order_by(Submission.submitted_at))]


def xapi_json(cohort: Cohort, catalog: Catalog, base_url: str) -> Iterator[str]:
    """Yield a JSON array of statements, ready to POST to an LRS's /statements resource."""
    grouping = (COURSE, xapi.Activity(f"cohorts/{cohort.id}", cohort.name, "course"))
    events = learning_events(cohort, catalog)
    built = xapi.statements(events, base_url, grouping)  # validates every event first
    yield "["
    for i, statement in enumerate(built):
        yield ("," if i else "") + "\n" + json.dumps(statement, ensure_ascii=False)
    yield "\n]\n"
