"""Each person's progress: lessons opened and completed, best quiz scores, module status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .catalog import Catalog, Lesson
from .extensions import db
from .models import ExerciseWork, LessonProgress, QuizAttempt, utcnow


def is_complete(lesson_done: bool, quiz_passed: bool | None, exercises_missing: Sequence[str]) -> bool:
    """A module is complete when its lesson is read, its quiz (if any) passed and every exercise submitted."""
    return lesson_done and quiz_passed is not False and not exercises_missing


@dataclass(frozen=True)
class ModuleStatus:
    lesson: Lesson
    viewed: bool
    lesson_done: bool
    best_percent: int | None  # None when never attempted
    quiz_passed: bool | None  # None when the module has no quiz
    exercises_missing: tuple[str, ...]
    last_viewed_at: datetime | None

    @property
    def complete(self) -> bool:
        return is_complete(self.lesson_done, self.quiz_passed, self.exercises_missing)

    @property
    def label(self) -> str:
        if self.complete:
            return "Complete"
        return "In progress" if self.viewed else "Not started"


@dataclass(frozen=True)
class CourseProgress:
    modules: tuple[ModuleStatus, ...]

    @property
    def completed(self) -> int:
        return sum(m.complete for m in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / len(self.modules)) if self.modules else 0

    def resume(self) -> ModuleStatus | None:
        """Pick the module to continue: the last one opened that is not complete, else the first open one."""
        open_ = [m for m in self.modules if not m.complete]
        viewed = [m for m in open_ if m.last_viewed_at]
        if viewed:
            return max(viewed, key=lambda m: m.last_viewed_at or datetime.min)
        return open_[0] if open_ else None

    def of(self, slug: str) -> ModuleStatus:
        return next(m for m in self.modules if m.lesson.slug == slug)


# Whose rows to read: a list of user ids, or a SELECT of user ids (so a cohort of thousands
# needs no giant IN list).
Scope = Sequence[int] | sa.Select[int]
LessonDates = tuple[datetime, datetime | None]  # last viewed, completed


def course_progress(user_id: int, catalog: Catalog) -> CourseProgress:
    """Read one person's progress in three queries, whatever the size of the course."""
    return progress_of_many([user_id], catalog)[user_id]


def progress_of_many(user_ids: Sequence[int], catalog: Catalog) -> dict[int, CourseProgress]:
    """Read the progress of many people in three queries, whatever their number."""
    lessons, best, work = lesson_dates(user_ids), best_scores(user_ids), work_statuses(user_ids)
    return {uid: build_progress(catalog, lessons.get(uid, {}), best.get(uid, {}), submitted(work.get(uid, {})))
            for uid in user_ids}


class PerPerson(NamedTuple):
    """A SELECT over people's rows, plus its form for a list of ids, built once: building a
    SELECT costs more than SQLite takes to answer it, and the lesson page runs three per request."""

    query: sa.Select[Any]
    user_column: Any
    for_ids: sa.Select[Any]

    @classmethod
    def of(cls, query: sa.Select[Any], user_column: Any) -> PerPerson:
        return cls(query, user_column, query.where(user_column.in_(sa.bindparam("ids", expanding=True))))

    def rows(self, scope: Scope) -> sa.Result[Any]:
        if isinstance(scope, sa.Select):
            return db.session.execute(self.query.where(self.user_column.in_(scope)))
        # Plain rows, not objects: the session's connection skips the ORM's per-statement set-up.
        return db.session.connection().execute(self.for_ids, {"ids": list(scope)})


_LESSON_DATES = PerPerson.of(sa.select(LessonProgress.user_id, LessonProgress.lesson_slug,
                                       LessonProgress.last_viewed_at, LessonProgress.completed_at),
                             LessonProgress.user_id)
_BEST_SCORES = PerPerson.of(sa.select(QuizAttempt.user_id, QuizAttempt.quiz_slug,
                                      sa.func.max(QuizAttempt.points * 100.0 / QuizAttempt.max_points),
                                      sa.func.max(sa.case((QuizAttempt.passed, 1), else_=0)))
                            .group_by(QuizAttempt.user_id, QuizAttempt.quiz_slug),
                            QuizAttempt.user_id)
_WORK_STATUSES = PerPerson.of(sa.select(ExerciseWork.user_id, ExerciseWork.kind, ExerciseWork.status),
                              ExerciseWork.user_id)


def lesson_dates(scope: Scope) -> dict[int, dict[str, LessonDates]]:
    """Map each person to {lesson slug: (last viewed, completed)} for the lessons they opened."""
    found: dict[int, dict[str, LessonDates]] = {}
    for uid, slug, viewed, done in _LESSON_DATES.rows(scope):
        found.setdefault(uid, {})[slug] = (viewed, done)
    return found


def best_scores(scope: Scope) -> dict[int, dict[str, tuple[float, bool]]]:
    """Map each person to {quiz slug: (best percent, passed at least once)}."""
    found: dict[int, dict[str, tuple[float, bool]]] = {}
    for uid, slug, percent, passed in _BEST_SCORES.rows(scope):
        found.setdefault(uid, {})[slug] = (percent, bool(passed))
    return found


def work_statuses(scope: Scope) -> dict[int, dict[str, str]]:
    """Map each person to {exercise kind: status of their work} (draft, submitted, approved...)."""
    found: dict[int, dict[str, str]] = {}
    for uid, kind, status in _WORK_STATUSES.rows(scope):
        found.setdefault(uid, {})[kind] = status
    return found


def submitted(statuses: dict[str, str]) -> frozenset[str]:
    """Kinds of exercise submitted at least once (anything past a draft counts for completion)."""
    return frozenset(kind for kind, status in statuses.items() if status != "draft")


def build_progress(catalog: Catalog, lessons: dict[str, LessonDates], best: dict[str, tuple[float, bool]],
                   done_kinds: frozenset[str]) -> CourseProgress:
    return CourseProgress(tuple(_status(lesson, lessons.get(lesson.slug), best, done_kinds)
                                for lesson in catalog.lessons))


def _status(lesson: Lesson, dates: LessonDates | None, best: dict[str, tuple[float, bool]],
            submitted: frozenset[str]) -> ModuleStatus:
    percent, passed = best.get(lesson.quiz or "", (None, False))
    return ModuleStatus(
        lesson=lesson,
        viewed=dates is not None,
        lesson_done=bool(dates and dates[1]),
        best_percent=round(percent) if percent is not None else None,
        quiz_passed=passed if lesson.quiz else None,
        exercises_missing=tuple(k for k in lesson.exercises if k not in submitted),
        last_viewed_at=dates[0] if dates else None,
    )


def record_view(user_id: int, slug: str, complete: bool = False) -> None:
    """Note that a person opened (or finished) a lesson; safe when two tabs race."""
    for _ in range(2):
        row = db.session.scalar(sa.select(LessonProgress).where(
            LessonProgress.user_id == user_id, LessonProgress.lesson_slug == slug))
        now = utcnow()
        if row is None:
            row = LessonProgress(user_id=user_id, lesson_slug=slug, first_viewed_at=now)
            db.session.add(row)
        row.last_viewed_at = now
        if complete and not row.completed_at:
            row.completed_at = now
        try:
            db.session.commit()
            return
        except IntegrityError:  # the other tab inserted first: update its row instead
            db.session.rollback()
