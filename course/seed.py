"""Demo data: the four demo accounts and a team of learners at varied progress."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from .auth import create_user, find_user
from .catalog import Catalog, Quiz
from .cohorts import seed_cohort
from .extensions import db
from .grading import Answer, grade
from .models import LessonProgress, QuizAttempt, User, utcnow
from .seed_work import add_demo_work

PASSWORD = "pipeline-demo"
STAFF = [("admin@example.com", "Avery Admin", "admin"),
         ("trainer@example.com", "Theo Trainer", "trainer"),
         ("manager@example.com", "Dana Okafor", "manager")]
# (email, name, modules read, exercises submitted, exercises drafted): the Brightline team of the
# course's running case, at varied progress so every dashboard and the review queue show something
LEARNERS = [("learner@example.com", "Lee Learner", 1, 0, 0),
            ("priya@example.com", "Priya Raman", 5, 2, 1),
            ("marcus@example.com", "Marcus Webb", 3, 1, 0),
            ("lena@example.com", "Lena Hoffmann", 8, 3, 0),
            ("tom@example.com", "Tom Alvarez", 0, 0, 0),
            ("aisha@example.com", "Aisha Bello", 2, 0, 1),
            ("jonas@example.com", "Jonas Berg", 10, 4, 0)]


def seed_demo() -> int:
    """Create whatever demo data is missing; return how many accounts were new."""
    catalog: Catalog = current_app.extensions["catalog"]
    created = 0
    for email, name, role in STAFF:
        created += _ensure(email, name, role) is not None
    manager = find_user("manager@example.com")
    for email, name, modules, submitted, drafted in LEARNERS:
        user = _ensure(email, name, "learner", manager)
        if user:
            created += 1
            db.session.flush()
            _fake_progress(user, catalog, modules)
            add_demo_work(user, submitted, drafted, utcnow() - timedelta(days=10 - submitted))
    db.session.commit()
    seed_cohort()
    return created


def _ensure(email: str, name: str, role: str, manager: User | None = None) -> User | None:
    if find_user(email):
        return None
    return create_user(email, name, PASSWORD, role, manager)


def _fake_progress(user: User, catalog: Catalog, modules: int) -> None:
    start = utcnow() - timedelta(days=30)
    for i, lesson in enumerate(catalog.lessons[:modules + 1]):
        done = i < modules
        at = start + timedelta(days=2 * i)
        db.session.add(LessonProgress(user_id=user.id, lesson_slug=lesson.slug, first_viewed_at=at,
                                      last_viewed_at=at, completed_at=at if done else None))
        if done and lesson.quiz:
            quiz = catalog.quizzes[lesson.quiz]
            answers = right_answers(quiz)
            result = grade(quiz, answers)
            db.session.add(QuizAttempt(user_id=user.id, quiz_slug=quiz.slug, answers=answers,
                                       points=result.points, max_points=result.max_points,
                                       passed=result.passed, created_at=at))


def right_answers(quiz: Quiz) -> dict[str, Answer]:
    """Answer every question of `quiz` correctly (for demo data and tests)."""
    answers: dict[str, Answer] = {}
    for q in quiz.questions:
        right = [o.key for o in q.options if o.correct]
        if q.kind == "numeric":
            answers[q.id] = f"{q.answer:f}".rstrip("0").rstrip(".")
        else:
            answers[q.id] = right if q.kind == "multiple" else right[0]
    return answers
