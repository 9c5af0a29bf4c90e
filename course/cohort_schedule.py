"""A cohort's schedule: when each module opens and is due, read from the trainer's form, stored,
and merged over every cohort a person is in (what the learner's course map and lesson pages use)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from .catalog import Lesson
from .extensions import db
from .models import Cohort, Enrolment, ModuleSchedule, utcnow


def long_date(day: date | None) -> str:
    """Write a date the way people read it: 4 March 2025."""
    return f"{day.day} {day:%B %Y}" if day else ""


def today() -> date:
    return utcnow().date()


@dataclass(frozen=True)
class Plan:
    """A module's dates for a cohort; None means no constraint."""

    opens_on: date | None = None
    due_on: date | None = None

    def locked(self, on: date) -> bool:
        return self.opens_on is not None and self.opens_on > on


OPEN = Plan()


def schedule_of(cohort_id: int) -> dict[str, Plan]:
    """Read one cohort's dates, by module slug (modules without dates are absent: open, never due)."""
    return {slug: Plan(opens, due) for slug, opens, due in db.session.execute(
        sa.select(ModuleSchedule.lesson_slug, ModuleSchedule.opens_on, ModuleSchedule.due_on)
        .where(ModuleSchedule.cohort_id == cohort_id))}


def weekly_plan(start: date, slugs: Sequence[str], every_days: int = 7) -> dict[str, Plan]:
    """Open one module per period from `start`, each due when the next one opens."""
    step = timedelta(days=every_days)
    return {slug: Plan(start + i * step, start + (i + 1) * step - timedelta(days=1)) for i, slug in enumerate(slugs)}


def merge_plans(per_cohort: Sequence[dict[str, Plan]]) -> dict[str, Plan]:
    """Combine the schedules of every cohort a person is in: a module opens at the earliest
    opening any of them gives it (no date in one cohort means open), and is due at the earliest due date."""
    slugs = {slug for plans in per_cohort for slug in plans}
    merged = {}
    for slug in slugs:
        plans = [p.get(slug, OPEN) for p in per_cohort]
        opens = None if any(p.opens_on is None for p in plans) else min(p.opens_on for p in plans if p.opens_on)
        dues = [p.due_on for p in plans if p.due_on]
        merged[slug] = Plan(opens, min(dues) if dues else None)
    return merged


# Built once: the lesson page runs this on every request, and building costs more than running.
_PLANS_OF_PERSON = (sa.select(Enrolment.cohort_id, ModuleSchedule.lesson_slug, ModuleSchedule.opens_on,
                              ModuleSchedule.due_on)
                    .outerjoin(ModuleSchedule, ModuleSchedule.cohort_id == Enrolment.cohort_id)
                    .where(Enrolment.user_id == sa.bindparam("user_id")))


def plans_for(user_id: int) -> dict[str, Plan]:
    """Read the merged schedule of every cohort one person is in (one query)."""
    per_cohort: dict[int, dict[str, Plan]] = {}
    rows = db.session.connection().execute(_PLANS_OF_PERSON, {"user_id": user_id})  # plain rows: no ORM set-up
    for cohort_id, slug, opens, due in rows:
        plans = per_cohort.setdefault(cohort_id, {})
        if slug is not None:
            plans[slug] = Plan(opens, due)
    return merge_plans(list(per_cohort.values()))


def as_text(plans: dict[str, Plan]) -> dict[str, tuple[str, str]]:
    """Write the plans as the schedule form shows them: ISO dates, "" for none."""
    return {slug: (p.opens_on.isoformat() if p.opens_on else "", p.due_on.isoformat() if p.due_on else "")
            for slug, p in plans.items()}


def read_schedule(typed: dict[str, tuple[str, str]]) -> tuple[dict[str, Plan], dict[str, str]]:
    """Read the dates typed per module; return the plans and every mistake, keyed by field name."""
    plans: dict[str, Plan] = {}
    errors: dict[str, str] = {}
    for slug, (opens_text, due_text) in typed.items():
        opens, due = read_date(opens_text, f"opens-{slug}", errors), read_date(due_text, f"due-{slug}", errors)
        if opens and due and due < opens:
            errors[f"due-{slug}"] = f"The due date is before the module opens ({long_date(opens)})."
        plans[slug] = Plan(opens, due)
    return plans, errors


def read_date(text: str, field: str, errors: dict[str, str]) -> date | None:
    """Read an ISO date ("" is no date); note a message under `field` in `errors` when it is not one."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = f"“{text}” is not a date. Use the date picker or type it like 2025-03-04."
        return None


def save_schedule(cohort: Cohort, plans: dict[str, Plan]) -> None:
    """Store the plans: one row per module with a date, none for a module without."""
    rows = {r.lesson_slug: r for r in db.session.scalars(
        sa.select(ModuleSchedule).where(ModuleSchedule.cohort_id == cohort.id))}
    for slug, plan in plans.items():
        row = rows.get(slug)
        if plan == Plan() and row is not None:
            db.session.delete(row)
        elif plan != Plan():
            row = row or ModuleSchedule(cohort_id=cohort.id, lesson_slug=slug)
            row.opens_on, row.due_on = plan.opens_on, plan.due_on
            db.session.add(row)
    db.session.commit()


def locked_page(lesson: Lesson):  # type: ignore[no-untyped-def]
    """The "opens on" page when the person's cohort has not opened this module yet, else None."""
    opening = opens_on(current_user.id, lesson.slug)
    if opening is None:
        return None
    return render_template("cohorts/locked_lesson.html", lesson=lesson, opens_on=opening), 403


def opens_on(user_id: int, slug: str) -> date | None:
    """Return the date a module opens for this person, while it is still locked; None when it is open."""
    plan = plans_for(user_id).get(slug)
    return plan.opens_on if plan and plan.locked(today()) else None
