"""A cohort's progress at a glance: every learner × every module, in a fixed number of queries.

Two levels, so a page of the matrix costs about the same for 20 learners as for 2,000:
- `summaries`: one compact line per learner (which modules are complete, overdue count, waiting
  for review, started), read in ONE query that lets the database group the rows; enough to
  filter, sort, count and page the whole cohort;
- `cohort_rows`: the full detail (course.progress's ModuleStatus, with the cohort's dates and
  exercise review states) for the learners actually shown, or exported.
Both use course.progress's completion rule (`is_complete`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from .catalog import Catalog, Lesson
from .cohort_schedule import OPEN, Plan, schedule_of
from .extensions import db
from .invitations import INVITED
from .models import Enrolment, ExerciseWork, LessonProgress, QuizAttempt, User
from .progress import (
    CourseProgress,
    LessonDates,
    ModuleStatus,
    Scope,
    best_scores,
    build_progress,
    is_complete,
    lesson_dates,
    submitted,
    work_statuses,
)

WAITING = ("submitted", "resubmitted")  # submitted work a reviewer has not answered yet
PAGE_SIZE = 50


@dataclass(frozen=True)
class Cell:
    """One learner's state in one module, as the matrix shows it."""

    status: ModuleStatus
    plan: Plan
    work: tuple[tuple[str, str], ...]  # (exercise kind, status); "none" when never started
    locked: bool
    overdue: bool

    @property
    def waiting(self) -> bool:
        return any(status in WAITING for _, status in self.work)


@dataclass(frozen=True)
class LearnerRow:
    user_id: int
    name: str
    email: str
    enrolled_at: datetime
    invited: bool  # has not set a password from their invitation yet
    progress: CourseProgress
    cells: tuple[Cell, ...]

    @property
    def overdue(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.overdue)

    @property
    def started(self) -> bool:
        return any(c.status.viewed for c in self.cells)

    @property
    def waiting(self) -> bool:
        return any(c.waiting for c in self.cells)


@dataclass(frozen=True)
class Summary:
    """What the whole-cohort view needs of one learner: enough to filter, sort, count and page."""

    user_id: int
    name: str
    email: str
    enrolled_at: datetime
    done: tuple[bool, ...]  # per module, in course order: complete?
    started: bool  # opened at least one lesson
    waiting: bool  # has work waiting for review
    overdue: int  # modules past their due date and not complete

    @property
    def completed(self) -> int:
        return sum(self.done)


@dataclass(frozen=True)
class Rate:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass(frozen=True)
class Page:
    rows: tuple[Summary, ...]
    number: int
    pages: int
    total: int


FILTERS: dict[str, tuple[str, Callable[[Summary], bool]]] = {
    "all": ("Everyone", lambda s: True),
    "overdue": ("Overdue work", lambda s: s.overdue > 0),
    "not-started": ("Not started", lambda s: not s.started),
    "waiting": ("Waiting for review", lambda s: s.waiting),
}
SORTS: dict[str, tuple[str, Callable[[Summary], Any]]] = {
    "name": ("Name", lambda s: (s.name.casefold(), s.email)),
    "progress": ("Least progress first", lambda s: (s.completed, s.name.casefold(), s.email)),
    "overdue": ("Most overdue first", lambda s: (-s.overdue, s.name.casefold(), s.email)),
    "enrolled": ("Newest enrolment first", lambda s: (-s.enrolled_at.timestamp(), s.name.casefold(), s.email)),
}


def enrolled_ids(cohort_id: int) -> sa.Select[int]:
    """Select the ids of a cohort's people (a subquery: no IN list of thousands)."""
    return sa.select(Enrolment.user_id).where(Enrolment.cohort_id == cohort_id)


def cohort_rows(cohort_id: int, catalog: Catalog, on: date, user_ids: Sequence[int] | None = None,
                plans: dict[str, Plan] | None = None) -> list[LearnerRow]:
    """Read a cohort's learners in detail (all of them, or those of `user_ids`) in five queries
    whatever their number; four when the caller has the schedule already."""
    scope = enrolled_ids(cohort_id)
    if user_ids is not None:
        scope = scope.where(Enrolment.user_id.in_(user_ids))
    people = db.session.execute(scope.with_only_columns(
        User.id, User.name, User.email, Enrolment.enrolled_at, User.password_hash.startswith(INVITED))
        .select_from(Enrolment).join(User, User.id == Enrolment.user_id)).all()
    plans = schedule_of(cohort_id) if plans is None else plans
    lessons, best, work = lesson_dates(scope), best_scores(scope), work_statuses(scope)
    return [_row(catalog, plans, on, person, lessons.get(person[0], {}), best.get(person[0], {}),
                 work.get(person[0], {})) for person in people]


def rows_for(cohort_id: int, catalog: Catalog, on: date, shown: Sequence[Summary],
             plans: dict[str, Plan]) -> list[LearnerRow]:
    """Read the detail of the learners on one page, in the page's order (four queries)."""
    found = {r.user_id: r for r in cohort_rows(cohort_id, catalog, on, [s.user_id for s in shown], plans)}
    return [found[s.user_id] for s in shown if s.user_id in found]


def _row(catalog: Catalog, plans: dict[str, Plan], on: date, person: tuple[int, str, str, datetime, bool],
         lessons: dict[str, LessonDates], best: dict[str, tuple[float, bool]], work: dict[str, str]) -> LearnerRow:
    uid, name, email, enrolled_at, invited = person
    progress = build_progress(catalog, lessons, best, submitted(work))
    cells = tuple(_cell(m, plans.get(m.lesson.slug, OPEN), work, on) for m in progress.modules)
    return LearnerRow(uid, name, email, enrolled_at, bool(invited), progress, cells)


def _cell(status: ModuleStatus, plan: Plan, work: dict[str, str], on: date) -> Cell:
    overdue = plan.due_on is not None and plan.due_on < on and not status.complete
    return Cell(status, plan, tuple((k, work.get(k, "none")) for k in status.lesson.exercises),
                plan.locked(on), overdue)


def summaries(cohort_id: int, catalog: Catalog, plans: dict[str, Plan], on: date) -> list[Summary]:
    """Sum up every learner of a cohort in ONE query: the database groups each person's rows into a
    few short strings (lessons read, quizzes passed, exercise states), so Python reads one line each."""
    scope = enrolled_ids(cohort_id)
    read = _grouped(LessonProgress.user_id, scope, sa.func.count().label("opened"), sa.func.aggregate_strings(
        sa.case((LessonProgress.completed_at.is_not(None), LessonProgress.lesson_slug)), ",").label("read"))
    passed = _grouped(QuizAttempt.user_id, scope, sa.func.aggregate_strings(QuizAttempt.quiz_slug, ",")
                      .label("passed"), where=QuizAttempt.passed.is_(True))
    work = _grouped(ExerciseWork.user_id, scope, sa.func.aggregate_strings(
        ExerciseWork.kind + ":" + ExerciseWork.status, ",").label("work"))
    lines = db.session.execute(
        sa.select(User.id, User.name, User.email, Enrolment.enrolled_at, read.c.opened, read.c.read,
                  passed.c.passed, work.c.work)
        .select_from(Enrolment).join(User, User.id == Enrolment.user_id)
        .outerjoin(read, read.c.user_id == Enrolment.user_id).outerjoin(passed, passed.c.user_id == Enrolment.user_id)
        .outerjoin(work, work.c.user_id == Enrolment.user_id).where(Enrolment.cohort_id == cohort_id)).all()
    late = [i for i, le in enumerate(catalog.lessons) if (due := plans.get(le.slug, OPEN).due_on) and due < on]
    kinds = {k for le in catalog.lessons for k in le.exercises}
    return [_summary(catalog.lessons, late, kinds, *line) for line in lines]


def _grouped(user_id: InstrumentedAttribute[int], scope: Scope, *columns: sa.ColumnElement[Any],
             where: sa.ColumnElement[bool] | None = None) -> sa.Subquery:
    query = sa.select(user_id.label("user_id"), *columns).where(user_id.in_(scope)).group_by(user_id)
    return (query.where(where) if where is not None else query).subquery()


def _summary(lessons: Sequence[Lesson], late: list[int], kinds: set[str], uid: int, name: str, email: str,
             enrolled_at: datetime, opened: int | None, read: str | None, passed: str | None,
             work: str | None) -> Summary:
    read_slugs = set(read.split(",")) if read else set()
    passed_quizzes = set(passed.split(",")) if passed else set()
    states = dict(item.split(":", 1) for item in work.split(",")) if work else {}
    done_kinds = submitted(states)
    done = tuple(is_complete(le.slug in read_slugs, (le.quiz in passed_quizzes) if le.quiz else None,
                             [k for k in le.exercises if k not in done_kinds]) for le in lessons)
    waiting = any(status in WAITING for kind, status in states.items() if kind in kinds)
    return Summary(uid, name, email, enrolled_at, done, bool(opened), waiting, sum(not done[i] for i in late))


def completion_rates(everyone: Sequence[Summary], lessons: Sequence[Lesson]) -> list[Rate]:
    """Count, per module, how many of the learners completed it."""
    return [Rate(sum(s.done[i] for s in everyone), len(everyone)) for i in range(len(lessons))]


def choose(everyone: Sequence[Summary], which: str, sort: str) -> list[Summary]:
    """Keep the learners the filter lets through, in the chosen order (unknown names fall back)."""
    keep = FILTERS.get(which, FILTERS["all"])[1]
    key = SORTS.get(sort, SORTS["name"])[1]
    return sorted((s for s in everyone if keep(s)), key=key)


def paginate(rows: Sequence[Summary], number: int, size: int = PAGE_SIZE) -> Page:
    """Cut one page out of the rows; a page number out of range gives the nearest page."""
    pages = max(1, -(-len(rows) // size))
    number = min(max(number, 1), pages)
    return Page(tuple(rows[(number - 1) * size:number * size]), number, pages, len(rows))


