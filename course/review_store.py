"""Reading and writing reviews: who may review whom, the queue, the team, the learner's feedback,
recording a review (insert-only; refused when the version was superseded meanwhile), the CSV.

Every list reads in a fixed number of queries, whatever the number of people or reviews.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from .catalog import Catalog
from .cohort_exports import csv_line
from .extensions import db
from .models import Cohort, Enrolment, ExerciseWork, Review, ReviewScore, Submission, User, utcnow
from .progress import CourseProgress, best_scores, build_progress, lesson_dates, submitted, work_statuses
from .rubrics import Rubric, Rubrics
from .sizer import compute, read_form
from .sizer_exercise import stored_inputs

WAITING = ("submitted", "resubmitted")  # submitted work nobody has reviewed yet
PAGE_SIZE = 50
VERDICT_WORDS = {"approved": "approved", "needs_revision": "revision requested"}


@dataclass(frozen=True)
class Viewer:
    """The person looking: their id and role decide whose work they may review."""

    id: int
    role: str


# ---------------------------------------------------------------------------------------------
# Scope


def scope_of(viewer: Viewer) -> sa.ColumnElement[bool]:
    """Return a condition on User: people whose work `viewer` may review. Their team (they are the
    manager), the people enrolled in cohorts they train, everyone for an admin; never themselves."""
    if viewer.role == "admin":
        return User.id != viewer.id
    trained = (sa.select(Enrolment.user_id).join(Cohort, Cohort.id == Enrolment.cohort_id)
               .where(Cohort.trainer_id == viewer.id))
    return sa.and_(sa.or_(User.manager_id == viewer.id, User.id.in_(trained)), User.id != viewer.id)


def in_scope(viewer: Viewer, user_id: int) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(User.id == user_id, scope_of(viewer)))))


def is_latest() -> sa.ColumnElement[bool]:
    """Condition: the Submission row is the newest version of its work."""
    newer = aliased(Submission)
    return ~sa.exists().where(newer.work_id == Submission.work_id, newer.number > Submission.number)


# ---------------------------------------------------------------------------------------------
# The queue: the latest version of each piece of work waiting for review, oldest first


@dataclass(frozen=True)
class Waiting:
    submission_id: int
    number: int
    submitted_at: datetime
    kind: str
    status: str
    user_id: int
    name: str
    email: str

    def age(self, now: datetime) -> str:
        return age_text(now - self.submitted_at)


def age_text(age: timedelta) -> str:
    """Say how long something has waited, in the largest whole unit: "3 days", "5 hours"."""
    minutes = max(int(age.total_seconds() // 60), 0)
    for size, unit in ((24 * 60, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size:
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "under a minute"


def waiting_query(viewer: Viewer, kind: str | None = None,
                  user_id: int | None = None) -> sa.Select[*tuple[Any, ...]]:
    query = (sa.select(Submission.id.label("submission_id"), Submission.number, Submission.submitted_at,
                       ExerciseWork.kind, ExerciseWork.status, User.id.label("user_id"), User.name, User.email)
             .join(ExerciseWork, ExerciseWork.id == Submission.work_id)
             .join(User, User.id == ExerciseWork.user_id)
             .where(ExerciseWork.status.in_(WAITING), is_latest(), scope_of(viewer))
             .order_by(Submission.submitted_at, Submission.id))
    if kind:
        query = query.where(ExerciseWork.kind == kind)
    if user_id:
        query = query.where(User.id == user_id)
    return query


@dataclass(frozen=True)
class Page:
    rows: tuple[Any, ...]
    number: int
    pages: int
    total: int


def page_of(rows: Sequence[Any], number: int, size: int = PAGE_SIZE) -> Page:
    """Cut one page out of the rows; a page number out of range gives the nearest page."""
    pages = max(1, -(-len(rows) // size))
    number = min(max(number, 1), pages)
    return Page(tuple(rows[(number - 1) * size:number * size]), number, pages, len(rows))


def queue_page(viewer: Viewer, kind: str | None, user_id: int | None, number: int,
               size: int = PAGE_SIZE) -> Page:
    """Read one page of the queue in two queries (count, rows); a page out of range gives the last."""
    query = waiting_query(viewer, kind, user_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // size))
    number = min(max(number, 1), pages)
    rows = db.session.execute(query.limit(size).offset((number - 1) * size))
    return Page(tuple(Waiting(*row) for row in rows), number, pages, total)


def waiting_people(viewer: Viewer) -> list[tuple[int, str]]:
    """List (id, name) of the people who have work waiting for this viewer, by name (for the filter)."""
    waiting = waiting_query(viewer).order_by(None).subquery()
    return [(uid, name) for uid, name in db.session.execute(
        sa.select(waiting.c.user_id, waiting.c.name).distinct().order_by(waiting.c.name, waiting.c.user_id))]


# ---------------------------------------------------------------------------------------------
# The team: progress, what waits for review and the latest sizer result of each person


@dataclass(frozen=True)
class SizerFigures:
    """The pipeline a seller needs against what they have, from their latest submitted sizer."""

    number: int
    scenario: str
    currency: str
    required: Fraction
    coverage_required: Fraction
    current: Fraction | None  # None when they did not enter their open pipeline
    coverage_now: Fraction | None
    shortfall: Fraction | None

    @property
    def surplus(self) -> Fraction | None:
        return None if self.current is None else max(self.current - self.required, Fraction(0))


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    email: str
    progress: CourseProgress
    work: dict[str, str]  # exercise kind -> status
    waiting: tuple[Waiting, ...]
    sizer: SizerFigures | None


def team_people(manager_id: int) -> list[tuple[int, str, str]]:
    """List (id, name, email) of the people this manager manages, by name."""
    return [tuple(row) for row in db.session.execute(  # type: ignore[misc]
        sa.select(User.id, User.name, User.email).where(User.manager_id == manager_id, User.id != manager_id)
        .order_by(User.name, User.id))]


def members(viewer: Viewer, people: Sequence[tuple[int, str, str]], catalog: Catalog) -> list[Member]:
    """Read everything the team page shows about `people` in five queries, whatever their number."""
    ids = [uid for uid, _, _ in people]
    lessons, best, work = lesson_dates(ids), best_scores(ids), work_statuses(ids)
    waiting: dict[int, list[Waiting]] = {}
    for row in db.session.execute(waiting_query(viewer).where(User.id.in_(ids))):
        waiting.setdefault(row.user_id, []).append(Waiting(*row))
    sizers = latest_sizers(ids)
    return [Member(uid, name, email,
                   build_progress(catalog, lessons.get(uid, {}), best.get(uid, {}), submitted(work.get(uid, {}))),
                   work.get(uid, {}), tuple(waiting.get(uid, ())), sizers.get(uid))
            for uid, name, email in people]


def latest_sizers(ids: Sequence[int]) -> dict[int, SizerFigures]:
    """Size the latest submitted sizer version of each person, in one query."""
    found = {}
    for user_id, number, data in db.session.execute(
            sa.select(ExerciseWork.user_id, Submission.number, Submission.data)
            .join(ExerciseWork, ExerciseWork.id == Submission.work_id)
            .where(ExerciseWork.kind == "sizer", ExerciseWork.user_id.in_(ids), is_latest())):
        figures = sizer_figures(number, data)
        if figures:
            found[user_id] = figures
    return found


def sizer_figures(number: int, data: dict[str, Any]) -> SizerFigures | None:
    """Compute the headline figures of a sizer version; None when its inputs do not compute."""
    result = compute(read_form(stored_inputs(data)))
    if result is None:
        return None
    _, res = result
    current = res.current
    return SizerFigures(number=number, scenario=str(data.get("scenario") or ""), currency=res.currency,
                        required=res.required_pipeline, coverage_required=res.coverage_required,
                        current=current.pipeline if current else None,
                        coverage_now=current.coverage if current else None,
                        shortfall=current.shortfall if current else None)


@dataclass(frozen=True)
class Version:
    submission_id: int
    kind: str
    number: int
    submitted_at: datetime
    status: str  # of the work now
    reviews: int
    latest: bool


def versions_of(user_id: int) -> list[Version]:
    """Every submitted version of one person's exercises, by exercise then version, in one query."""
    reviews = (sa.select(sa.func.count()).select_from(Review).where(Review.submission_id == Submission.id)
               .correlate(Submission).scalar_subquery())
    rows = db.session.execute(
        sa.select(Submission.id, ExerciseWork.kind, Submission.number, Submission.submitted_at, ExerciseWork.status,
                  reviews, is_latest())
        .join(ExerciseWork, ExerciseWork.id == Submission.work_id).where(ExerciseWork.user_id == user_id)
        .order_by(ExerciseWork.kind, Submission.number.desc()))
    return [Version(*row) for row in rows]


# ---------------------------------------------------------------------------------------------
# Feedback: every review of every version of one piece of work


@dataclass(frozen=True)
class LineScore:
    line_id: str
    title: str
    score: int
    label: str
    comment: str


@dataclass(frozen=True)
class Feedback:
    review_id: int
    submission_id: int
    number: int
    verdict: str
    reviewer: str
    created_at: datetime
    overall_comment: str
    scores: tuple[LineScore, ...]

    @property
    def verdict_text(self) -> str:
        return VERDICT_WORDS.get(self.verdict, self.verdict)


def feedback_for(work_id: int, kind: str, rubrics: Rubrics) -> list[Feedback]:
    """Every review of every version of the work, newest first, in two queries."""
    rows = db.session.execute(
        sa.select(Review.id, Review.submission_id, Submission.number, Review.verdict, User.name,
                  Review.created_at, Review.overall_comment)
        .join(Submission, Submission.id == Review.submission_id).join(User, User.id == Review.reviewer_id)
        .where(Submission.work_id == work_id).order_by(Review.created_at.desc(), Review.id.desc())).all()
    scores: dict[int, list[ReviewScore]] = {}
    for score in db.session.scalars(sa.select(ReviewScore).where(ReviewScore.review_id.in_([r[0] for r in rows]))):
        scores.setdefault(score.review_id, []).append(score)
    rubric = rubrics.for_kind(kind)
    return [Feedback(*row[:7], scores=line_scores(scores.get(row[0], []), rubric, rubrics)) for row in rows]


def line_scores(scores: Sequence[ReviewScore], rubric: Rubric, rubrics: Rubrics) -> tuple[LineScore, ...]:
    """Put a review's scores in rubric order; a line since removed from the rubric comes last, by id."""
    order = {line.id: i for i, line in enumerate(rubric.lines)}
    ranked = sorted(scores, key=lambda s: (order.get(s.line_id, len(order)), s.line_id))
    return tuple(LineScore(s.line_id, line.title if (line := rubric.line(s.line_id)) else s.line_id,
                           s.score, rubrics.label(s.score), s.comment) for s in ranked)


# ---------------------------------------------------------------------------------------------
# Recording a review


class Superseded(Exception):
    """The version no longer waits for review (a newer one came, or someone reviewed it); nothing saved."""


def record_review(submission: Submission, reviewer_id: int, verdict: str, overall_comment: str,
                  scores: Sequence[tuple[str, int, str]]) -> Review:
    """Save a review and move the work on, in one transaction, only if this version is still the
    latest of its work and still waiting; otherwise save nothing and raise Superseded."""
    work_id, number = submission.work_id, submission.number
    # Lock the work row first (PostgreSQL): a learner submitting a new version at this moment
    # waits for us, or we wait for them and then see their version. SQLite has one writer anyway.
    db.session.execute(sa.select(ExerciseWork.id).where(ExerciseWork.id == work_id).with_for_update())
    newer = aliased(Submission)
    moved = db.session.execute(
        sa.update(ExerciseWork)
        .where(ExerciseWork.id == work_id, ExerciseWork.status.in_(WAITING),
               ~sa.exists().where(newer.work_id == work_id, newer.number > number))
        .values(status=verdict).execution_options(synchronize_session=False))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Superseded(why_not_waiting(work_id, number))
    review = Review(submission_id=submission.id, reviewer_id=reviewer_id, verdict=verdict,
                    overall_comment=overall_comment, created_at=utcnow())
    review.scores = [ReviewScore(line_id=line_id, score=score, comment=comment)
                     for line_id, score, comment in scores]
    db.session.add(review)
    db.session.commit()
    return review


def why_not_waiting(work_id: int, number: int) -> str:
    """Say in plain words why version `number` of the work cannot be reviewed now ("" if it can)."""
    latest = db.session.scalar(sa.select(sa.func.max(Submission.number)).where(Submission.work_id == work_id))
    if latest and latest > number:
        return (f"Version {number} was replaced by version {latest} while you were reviewing it. "
                f"Nothing was saved: review version {latest} instead.")
    status = db.session.scalar(sa.select(ExerciseWork.status).where(ExerciseWork.id == work_id))
    if status in WAITING:
        return ""
    last = db.session.execute(
        sa.select(Review.verdict, User.name).join(User, User.id == Review.reviewer_id)
        .join(Submission, Submission.id == Review.submission_id)
        .where(Submission.work_id == work_id, Submission.number == number)
        .order_by(Review.id.desc()).limit(1)).first()
    if last:
        return (f"{last.name} reviewed version {number} meanwhile ({VERDICT_WORDS.get(last.verdict, last.verdict)}). "
                f"Nothing was saved.")
    return f"Version {number} is not waiting for review. Nothing was saved."


# ---------------------------------------------------------------------------------------------
# CSV export


def review_rows(viewer: Viewer, kind: str | None = None) -> Iterator[tuple[Any, list[Any]]]:
    """Stream the reviews of the viewer's scope, oldest first, each with its score rows, in ONE query
    (reviews joined to their scores, read in chunks)."""
    reviewer = aliased(User)
    query = (sa.select(Review.id, Review.created_at, reviewer.name.label("reviewer"),
                       reviewer.email.label("reviewer_email"), User.name.label("learner"),
                       User.email.label("learner_email"), ExerciseWork.kind, Submission.number,
                       Submission.submitted_at, Review.verdict, Review.overall_comment,
                       ReviewScore.line_id, ReviewScore.score, ReviewScore.comment)
             .join(Submission, Submission.id == Review.submission_id)
             .join(ExerciseWork, ExerciseWork.id == Submission.work_id)
             .join(User, User.id == ExerciseWork.user_id)
             .join(reviewer, reviewer.id == Review.reviewer_id)
             .outerjoin(ReviewScore, ReviewScore.review_id == Review.id)
             .where(scope_of(viewer))
             .order_by(Review.id, ReviewScore.line_id)
             .execution_options(yield_per=500))
    if kind:
        query = query.where(ExerciseWork.kind == kind)
    for _, rows in groupby(db.session.execute(query), key=lambda row: row[0]):
        group = list(rows)
        yield group[0], [row for row in group if row.line_id is not None]


def reviews_csv(viewer: Viewer, rubrics: Rubrics, kind: str | None,
                label: Callable[[str], str]) -> Iterator[str]:
    """Write the reviews as CSV, a line at a time: one score and one comment column per rubric line
    (of `kind`, or of every rubric), then the overall comment. Scores of a line since removed from
    the rubric go to the last column, so nothing given is left out."""
    columns = _rubric_columns(rubrics, kind, label)
    yield csv_line(["review id", "reviewed at (UTC)", "reviewer", "reviewer email", "learner", "learner email",
                    "exercise", "version", "submitted at (UTC)", "verdict"]
                   + [f"{title} ({part})" for _, title in columns for part in ("score", "comment")]
                   + ["overall comment", "scores on retired rubric lines"])
    places = {key: i for i, (key, _) in enumerate(columns)}
    for review, scores in review_rows(viewer, kind):
        cells: list[Any] = [""] * (2 * len(columns))
        retired = []
        rubric_kind = review.kind if review.kind in rubrics.kinds else "default"
        for score in scores:
            place = places.get((rubric_kind, score.line_id))
            if place is None:
                retired.append(f"{score.line_id}: {score.score} {score.comment}".strip())
                continue
            cells[2 * place:2 * place + 2] = [score.score, score.comment]
        yield csv_line([review.id, _stamp(review.created_at), review.reviewer, review.reviewer_email, review.learner,
                        review.learner_email, label(review.kind), review.number, _stamp(review.submitted_at),
                        VERDICT_WORDS.get(review.verdict, review.verdict)]
                       + cells + [review.overall_comment, "; ".join(retired)])


def _rubric_columns(rubrics: Rubrics, kind: str | None,
                    label: Callable[[str], str]) -> list[tuple[tuple[str, str], str]]:
    """List ((rubric kind, line id), column title) for the rubric lines the export shows."""
    chosen = [rubrics.for_kind(kind)] if kind else [*rubrics.kinds.values(), rubrics.default]
    return [((rubric.kind, line.id),
             f"{label(rubric.kind) if rubric.kind != 'default' else 'Other exercises'}: {line.title}")
            for rubric in chosen for line in rubric.lines]


def _stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat(sep=" ")
