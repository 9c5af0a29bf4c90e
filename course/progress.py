"""Each person's progress: lessons opened and completed, best quiz scores, module status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .catalog import Catalog, Lesson
from .exercises import submitted_kinds
from .extensions import db
from .models import LessonProgress, QuizAttempt, utcnow


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
        return self.lesson_done and self.quiz_passed is not False and not self.exercises_missing

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


def course_progress(user_id: int, catalog: Catalog) -> CourseProgress:
    """Read one person's progress in three queries, whatever the size of the course."""
    submitted = submitted_kinds(user_id)
    rows = {r.lesson_slug: r for r in db.session.scalars(
        sa.select(LessonProgress).where(LessonProgress.user_id == user_id))}
    best = {slug: (percent, bool(passed)) for slug, percent, passed in db.session.execute(
        sa.select(QuizAttempt.quiz_slug,
                  sa.func.max(QuizAttempt.points * 100.0 / QuizAttempt.max_points),
                  sa.func.max(sa.case((QuizAttempt.passed, 1), else_=0)))
        .where(QuizAttempt.user_id == user_id).group_by(QuizAttempt.quiz_slug))}
    return CourseProgress(tuple(_status(lesson, rows.get(lesson.slug), best, submitted)
                                for lesson in catalog.lessons))


def _status(lesson: Lesson, row: LessonProgress | None, best: dict[str, tuple[int, bool]],
            submitted: frozenset[str]) -> ModuleStatus:
    percent, passed = best.get(lesson.quiz or "", (None, False))
    return ModuleStatus(
        lesson=lesson,
        viewed=row is not None,
        lesson_done=bool(row and row.completed_at),
        best_percent=round(percent) if percent is not None else None,
        quiz_passed=passed if lesson.quiz else None,
        exercises_missing=tuple(k for k in lesson.exercises if k not in submitted),
        last_viewed_at=row.last_viewed_at if row else None,
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
