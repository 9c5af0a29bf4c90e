"""Demo exercise work: what the Brightline team has drafted and submitted, for the dashboards."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .extensions import db
from .models import ExerciseWork, Submission, User
from .pipeline.cadence import cadence_to_json, default_plan
from .pipeline.journey import from_template, journey_to_json

# Buyer-verified criteria for the Gartner template's stages; each exit is the next stage's entry.
CRITERIA = [
    ("Maintenance manager named the economic buyer in an email",
     "VP Operations agreed in writing that breakdowns are a priority this year"),
    ("VP Operations agreed in writing that breakdowns are a priority this year",
     "VP Operations approved the written recap of the cost of breakdowns"),
    ("VP Operations approved the written recap of the cost of breakdowns",
     "Buying committee approved the written requirements list"),
    ("Buying committee approved the written requirements list", "Economic buyer signed the order form"),
]
SIZER_INPUTS = {"currency": "USD", "goal": "1000000", "period_days": "365", "deal_size": "50000",
                "win_rate": "20", "cycle_days": "120", "naive_multiple": "3", "current_pipeline": "1600000"}


def demo_work() -> list[tuple[str, dict[str, Any]]]:
    """Each exercise kind with a complete piece of work, in course order."""
    journey = journey_to_json(from_template("gartner"))
    stages = [{"name": name, "entry": [entry], "exit": [exit_], "drop_out": ["Economic buyer stopped replying"],
               "max_days": 30, "verified_by": "Sales manager"}
              for name, (entry, exit_) in zip(_stage_names(journey), CRITERIA, strict=False)]
    return [("journey", journey), ("criteria", {"stages": stages}),
            ("sizer", {"scenario": "My year at Brightline", "inputs": SIZER_INPUTS}),
            ("cadence", cadence_to_json(default_plan(6)))]


def add_demo_work(user: User, submitted: int, drafted: int, at: datetime) -> None:
    """Submit the first `submitted` exercises and leave the next `drafted` as drafts."""
    for i, (kind, data) in enumerate(demo_work()[:submitted + drafted]):
        work = ExerciseWork(user_id=user.id, kind=kind, data=data, created_at=at, updated_at=at,
                            status="submitted" if i < submitted else "draft")
        db.session.add(work)
        if i < submitted:
            db.session.add(Submission(work=work, number=1, data=data, submitted_at=at + timedelta(hours=i)))


def _stage_names(journey: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for phase in journey["phases"]:
        if phase["sales_stage"] and phase["sales_stage"] not in names:
            names.append(phase["sales_stage"])
    return names
