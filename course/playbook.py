"""My playbook: a person's journey map, stage criteria, sizing and cadence on one page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from . import playbook_markdown as md
from .exercise_kinds import REGISTRY
from .exercises import works_of
from .models import ExerciseWork

bp = Blueprint("playbook", __name__)

ORDER = ("journey", "criteria", "sizer", "cadence")


def _parts(user_id: int) -> list[dict[str, Any]]:
    """Each exercise with its latest submitted version, else its draft."""
    parts = []
    works = works_of(user_id, selectinload(ExerciseWork.submissions))
    for kind in ORDER:
        spec = REGISTRY.get(kind)
        if spec is None:
            continue
        work = works.get(kind)
        last = work.submissions[-1] if work and work.submissions else None
        parts.append({"spec": spec, "work": work, "data": (last.data if last else work.data) if work else None,
                      "source": f"Submitted version {last.number}" if last else ("Draft" if work else "Not started")})
    return parts


@bp.get("/playbook")
@login_required
def page():  # type: ignore[no-untyped-def]
    return render_template("playbook/page.html", parts=_parts(current_user.id))


@bp.get("/playbook.md")
@login_required
def markdown():  # type: ignore[no-untyped-def]
    writers = {"journey": md.journey_md, "criteria": md.criteria_md, "cadence": md.cadence_md,
               "sizer": lambda data: md.sizer_md(data, _sizer_sentences(data))}
    text = md.playbook_md(current_user.name, [
        (p["spec"].title, p["source"], writers[p["spec"].kind](p["data"]) if p["data"] else None)
        for p in _parts(current_user.id)])
    return Response(text, mimetype="text/markdown", headers={
        "Content-Disposition": 'attachment; filename="pipeline-playbook.md"'})


def _sizer_sentences(data: dict[str, Any]) -> list[str]:
    from .sizer import compute, read_form, words

    sized = compute(read_form(data.get("inputs", {})))
    return list(words(sized[1], sized[0]).lines) if sized else ["The inputs do not compute yet."]
