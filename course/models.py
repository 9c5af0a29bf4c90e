"""Database models: thin rows with a few small invariants."""

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db

ROLES = ("learner", "trainer", "manager", "admin")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16), default="learner")
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    manager: Mapped["User | None"] = relationship(remote_side=[id])

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class LessonProgress(db.Model):  # type: ignore[name-defined,misc]
    """One row per person and lesson: when it was first opened and when marked complete."""

    __tablename__ = "lesson_progress"
    __table_args__ = (sa.UniqueConstraint("user_id", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    lesson_slug: Mapped[str] = mapped_column(sa.String(100))
    first_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class QuizAttempt(db.Model):  # type: ignore[name-defined,misc]
    """A submitted quiz: the answers exactly as given and the score they earned."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (sa.Index("ix_quiz_attempts_user_quiz", "user_id", "quiz_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    quiz_slug: Mapped[str] = mapped_column(sa.String(100))
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    points: Mapped[int]
    max_points: Mapped[int]
    passed: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.max_points) if self.max_points else 0


class LoginFailure(db.Model):  # type: ignore[name-defined,misc]
    """A failed sign-in, kept in the database so every app process sees the same count."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


WORK_STATUSES = ("draft", "submitted", "needs_revision", "resubmitted", "approved")


class ExerciseWork(db.Model):  # type: ignore[name-defined,misc]
    """One person's work on one exercise: the current draft, and its submitted versions.

    `version` rises on every save, so two tabs cannot overwrite each other unseen.
    """

    __tablename__ = "exercise_work"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind"), sa.Index("ix_exercise_work_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    submissions: Mapped[list["Submission"]] = relationship(
        back_populates="work", order_by="Submission.number", cascade="all, delete-orphan")


class Submission(db.Model):  # type: ignore[name-defined,misc]
    """A frozen version of an exercise, as it was when submitted for review. Never changed."""

    __tablename__ = "submissions"
    __table_args__ = (sa.UniqueConstraint("work_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(sa.ForeignKey("exercise_work.id"), index=True)
    number: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    work: Mapped[ExerciseWork] = relationship(back_populates="submissions")


class SizerScenario(db.Model):  # type: ignore[name-defined,misc]
    """A named set of sizer inputs a person saved, exactly as typed into the form."""

    __tablename__ = "sizer_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    inputs: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Cohort(db.Model):  # type: ignore[name-defined,misc]
    """A group of people a trainer takes through the course together, on a schedule."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    start_date: Mapped[date]
    join_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    trainer: Mapped[User] = relationship()


class Enrolment(db.Model):  # type: ignore[name-defined,misc]
    """A person's place in a cohort. Their work belongs to them, not to this row."""

    __tablename__ = "enrolments"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class ModuleSchedule(db.Model):  # type: ignore[name-defined,misc]
    """When a module opens for a cohort and when it is due; no date means no constraint."""

    __tablename__ = "module_schedules"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"))
    lesson_slug: Mapped[str] = mapped_column(sa.String(100))
    opens_on: Mapped[date | None]
    due_on: Mapped[date | None]


class OutboxMessage(db.Model):  # type: ignore[name-defined,misc]
    """Every email the site sent or tried to send, with what happened to it."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(20), default="message")
    backend: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10))  # "sent" or "failed"
    error: Mapped[str] = mapped_column(sa.Text, default="")
    cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Review(db.Model):  # type: ignore[name-defined,misc]
    """A reviewer's verdict on one submitted version, with an overall comment. Never changed:
    a second look is a new review, so the learner keeps every word they were given."""

    __tablename__ = "reviews"
    __table_args__ = (sa.CheckConstraint("verdict IN ('approved', 'needs_revision')", name="verdict"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    verdict: Mapped[str] = mapped_column(sa.String(20))
    overall_comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship()
    reviewer: Mapped[User] = relationship()
    scores: Mapped[list["ReviewScore"]] = relationship()


class ReviewScore(db.Model):  # type: ignore[name-defined,misc]
    """One rubric line of a review: its score and comment. `line_id` names the rubric line."""

    __tablename__ = "review_scores"
    __table_args__ = (sa.CheckConstraint("score >= 1", name="score"),)

    review_id: Mapped[int] = mapped_column(sa.ForeignKey("reviews.id"), primary_key=True)
    line_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")


@sa.event.listens_for(Review, "before_update")
@sa.event.listens_for(ReviewScore, "before_update")
def _reviews_are_never_changed(mapper: Any, connection: Any, target: Any) -> None:
    """Refuse to change a review row: feedback a learner was given stays as it was given."""
    session = sa.orm.object_session(target)
    if session is not None and session.is_modified(target, include_collections=False):
        raise ValueError("Reviews are never changed; add a new review instead.")


@sa.event.listens_for(Review, "before_delete")
@sa.event.listens_for(ReviewScore, "before_delete")
def _reviews_are_never_deleted(mapper: Any, connection: Any, target: Any) -> None:
    raise ValueError("Reviews are never deleted; add a new review instead.")
