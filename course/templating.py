"""Helpers every template can call: the menu, exercise slots, names of quizzes."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from .catalog import Directive
from .extensions import current_catalog

ANYONE = ("anonymous", "learner", "trainer", "manager", "admin")
SIGNED_IN = ("learner", "trainer", "manager", "admin")

# (label, endpoint, roles that see it), in menu order
MENU = [
    ("Pipeline sizer", "sizer.page", ANYONE),
    ("Team sizer", "team_sizer.page", ("manager", "admin")),
    ("My progress", "lessons.my_progress_page", SIGNED_IN),
    ("Glossary", "lessons.glossary", ANYONE),
    ("My playbook", "playbook.page", SIGNED_IN),
    ("Cohorts", "cohorts.index", ("trainer", "admin")),
    ("My team", "review.team", ("manager",)),
    ("Reviews", "review.queue", ("manager", "trainer", "admin")),
    ("Accounts", "admin.users", ("admin",)),
]


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    url: str


def nav_items() -> list[NavItem]:
    role = current_user.role if current_user.is_authenticated else "anonymous"
    return [NavItem(label, endpoint, url_for(endpoint)) for label, endpoint, roles in MENU
            if role in roles and endpoint in current_app.view_functions]


EXERCISE_LABELS = {"journey": "Buying-journey map", "criteria": "Stage criteria",
                   "sizer": "Pipeline sizing", "cadence": "Coaching cadence"}


def exercise_label(kind: str) -> str:
    return EXERCISE_LABELS.get(kind, kind.title())


def render_exercise(directive: Directive) -> Markup:
    """Render the exercise a lesson embeds where its [[exercise ...]] line stood."""
    return Markup(render_template(f"exercises/{directive.kind}.html",
                                  directive=directive, options=dict(directive.options)))


def lesson_title(slug: str) -> str:
    lesson = current_catalog().lesson(slug)
    return lesson.title if lesson else slug


def quiz_title(slug: str) -> str:
    quiz = current_catalog().quizzes.get(slug)
    return quiz.title if quiz else slug


def exercise_spec(kind: str):  # type: ignore[no-untyped-def]
    from .exercise_kinds import REGISTRY

    return REGISTRY[kind]


def my_work(kind: str):  # type: ignore[no-untyped-def]
    """The signed-in person's work on one exercise. All of it is read once per request: a lesson
    may embed several exercises, and each embed asks."""
    from .exercises import works_of

    if not current_user.is_authenticated:
        return None
    if "my_works" not in g:
        g.my_works = works_of(current_user.id)
    return g.my_works.get(kind)


def register_template_helpers(app: Flask) -> None:
    from .diffing import diff

    app.jinja_env.globals.update(nav_items=nav_items, exercise_label=exercise_label,
                                 render_exercise=render_exercise, quiz_title=quiz_title, lesson_title=lesson_title,
                                 exercise_spec=exercise_spec, my_work=my_work, diff=diff)
