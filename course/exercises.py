"""Exercise work shared by every kind: drafts that autosave, version checks, submit, versions, diffs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .diffing import diff
from .exercise_kinds import REGISTRY, Data, ExerciseKind
from .extensions import db
from .models import ExerciseWork, Submission, utcnow

bp = Blueprint("exercises", __name__, url_prefix="/exercises")

NEXT_STATUS = {"draft": "submitted", "needs_revision": "resubmitted", "approved": "resubmitted"}


class Conflict(Exception):
    """The draft changed since the page was opened (another tab or device saved first)."""


class NotSubmittable(ValueError):
    """The work cannot be submitted as it is; `problems` says why."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def work_for(user_id: int, kind: str) -> ExerciseWork | None:
    return db.session.scalar(sa.select(ExerciseWork).where(
        ExerciseWork.user_id == user_id, ExerciseWork.kind == kind))


def works_of(user_id: int, *options: Any) -> dict[str, ExerciseWork]:
    """Every exercise one person has started, by kind, in one query (`options` such as a
    selectinload of the submissions)."""
    return {work.kind: work for work in db.session.scalars(
        sa.select(ExerciseWork).where(ExerciseWork.user_id == user_id).options(*options))}


def start_work(user_id: int, spec: ExerciseKind) -> ExerciseWork:
    work = ExerciseWork(user_id=user_id, kind=spec.kind, data=spec.start(), version=1, status="draft")
    db.session.add(work)
    db.session.commit()
    return work


def save_draft(work: ExerciseWork, data: Data, base_version: int) -> None:
    """Store a new draft only if nobody saved since `base_version` (compare-and-set in one UPDATE)."""
    result = db.session.execute(
        sa.update(ExerciseWork)
        .where(ExerciseWork.id == work.id, ExerciseWork.version == base_version)
        .values(data=data, version=ExerciseWork.version + 1, updated_at=utcnow()))
    db.session.commit()
    db.session.refresh(work)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict()


def submit_work(work: ExerciseWork, spec: ExerciseKind) -> Submission:
    """Freeze the current draft as the next submitted version."""
    # Lock the row and re-read it: a review saved since the page loaded changes the next status.
    db.session.flush()
    db.session.refresh(work, with_for_update=True)
    problems = spec.problems(work.data)
    last = work.submissions[-1] if work.submissions else None
    if last and last.data == work.data and work.status in ("submitted", "resubmitted"):
        problems = {"submit": "This version is submitted already: change something before submitting again."}
    if problems:
        raise NotSubmittable(problems)
    submission = Submission(work=work, number=(last.number + 1) if last else 1, data=work.data)
    work.status = NEXT_STATUS.get(work.status, work.status)
    db.session.add(submission)
    db.session.commit()
    return submission


def submitted_kinds(user_id: int) -> frozenset[str]:
    """Kinds of exercise this person has submitted at least once (for module completion)."""
    return frozenset(db.session.scalars(
        sa.select(ExerciseWork.kind).where(ExerciseWork.user_id == user_id, ExerciseWork.status != "draft")))


def _spec(kind: str) -> ExerciseKind:
    return REGISTRY.get(kind) or abort(404)


def _my_work(spec: ExerciseKind) -> ExerciseWork:
    return work_for(current_user.id, spec.kind) or start_work(current_user.id, spec)


def _render(spec: ExerciseKind, work: ExerciseWork, data: Data, version: int, status: int = 200,
            **context: Any):  # type: ignore[no-untyped-def]
    return render_template("exercises/page.html", spec=spec, work=work, data=data, version=version,
                           problems=spec.problems(data), extras=spec.extras(data, current_user.id),
                           **context), status


@bp.get("/<kind>")
@login_required
def edit(kind: str):  # type: ignore[no-untyped-def]
    spec = _spec(kind)
    work = _my_work(spec)
    return _render(spec, work, work.data, work.version)


@bp.post("/<kind>")
@login_required
def save(kind: str):  # type: ignore[no-untyped-def]
    """Save the draft: from the plain Save button, a row button, or the autosave script (JSON reply)."""
    spec = _spec(kind)
    work = _my_work(spec)
    data, action = spec.from_form(request.form.to_dict(flat=False))
    wants_json = request.accept_mimetypes.best == "application/json"
    base = request.form.get("version", type=int) or 0
    try:
        save_draft(work, data, base)
    except Conflict:
        if wants_json:
            return {"error": "conflict", "version": work.version,
                    "message": "This exercise was changed in another tab or device."}, 409
        return _render(spec, work, data, work.version, 409, conflict=work.data)
    if wants_json:
        return {"version": work.version, "saved_at": work.updated_at.isoformat() + "Z"}
    if request.form.get("submit") == "1":
        return submit(kind)
    flash(action or "Draft saved.", "success")
    return redirect(url_for("exercises.edit", kind=kind, _anchor=request.form.get("anchor") or None))


@bp.post("/<kind>/submit")
@login_required
def submit(kind: str):  # type: ignore[no-untyped-def]
    spec = _spec(kind)
    work = work_for(current_user.id, spec.kind) or abort(404)
    try:
        submission = submit_work(work, spec)
    except NotSubmittable as error:
        return _render(spec, work, work.data, work.version, 422, submit_problems=error.problems)
    flash(f"Version {submission.number} submitted for review. You can keep improving the draft.", "success")
    return redirect(url_for("exercises.version", kind=kind, number=submission.number))


@bp.get("/<kind>/versions/<int:number>")
@login_required
def version(kind: str, number: int):  # type: ignore[no-untyped-def]
    spec = _spec(kind)
    work = work_for(current_user.id, spec.kind) or abort(404)
    submission = next((s for s in work.submissions if s.number == number), None) or abort(404)
    return render_template("exercises/version.html", spec=spec, work=work, submission=submission)


@bp.get("/<kind>/compare")
@login_required
def compare(kind: str):  # type: ignore[no-untyped-def]
    """Show what changed between two submitted versions, or between the last one and the draft."""
    spec = _spec(kind)
    work = work_for(current_user.id, spec.kind) or abort(404)
    versions = {str(s.number): s.data for s in work.submissions} | {"draft": work.data}
    first = request.args.get("a", "1")
    second = request.args.get("b", "draft")
    if first not in versions or second not in versions:
        abort(404)
    return render_template("exercises/compare.html", spec=spec, work=work, first=first, second=second,
                           changes=diff(versions[first], versions[second]))
