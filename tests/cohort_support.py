"""Helpers shared by the cohort tests: routes, cohorts, schedules and a SQL query counter."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from course.cohort_schedule import today
from course.extensions import db
from course.models import Cohort, Enrolment, ModuleSchedule, OutboxMessage, User


def days(n: int) -> date:
    """The date n days from today (negative: in the past)."""
    return today() + timedelta(days=n)


def make_cohort(trainer: User, name: str = "Spring cohort", code: str | None = None, **fields: object) -> Cohort:
    cohort = Cohort(trainer_id=trainer.id, name=name, start_date=fields.pop("start_date", days(0)),
                    join_code=code or f"CODE{trainer.id}{name[:4].upper()}", **fields)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def enrol(cohort: Cohort, *users: User) -> None:
    db.session.add_all(Enrolment(cohort_id=cohort.id, user_id=u.id) for u in users)
    db.session.commit()


def plan(cohort: Cohort, slug: str, opens: date | None = None, due: date | None = None) -> None:
    db.session.add(ModuleSchedule(cohort_id=cohort.id, lesson_slug=slug, opens_on=opens, due_on=due))
    db.session.commit()


def members(cohort: Cohort) -> list[str]:
    return sorted(db.session.scalars(sa.select(User.email).join(Enrolment, Enrolment.user_id == User.id)
                                     .where(Enrolment.cohort_id == cohort.id)))


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    return list(db.session.scalars(query.where(OutboxMessage.kind == kind) if kind else query))
