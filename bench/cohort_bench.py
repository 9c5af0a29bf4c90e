"""Benchmark the cohort progress matrix and the progress CSV for 20 and 2,000 learners.

Seeds two cohorts (bulk inserts: every learner has work in every module), then, through the
Flask test client signed in as their trainer:
- counts the SQL queries of the matrix page and of the CSV export (they must not grow with the cohort);
- times both (median of several runs).
Goal: time(2,000) / time(20) <= 15 for the first page of the matrix.

    .venv/bin/python bench/cohort_bench.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course import create_app  # noqa: E402  (after the path is set)
from course.auth import create_user  # noqa: E402
from course.cohort_schedule import save_schedule, today, weekly_plan  # noqa: E402
from course.cohorts import bp as cohorts_bp  # noqa: E402
from course.extensions import db  # noqa: E402
from course.models import (  # noqa: E402
    Cohort,
    Enrolment,
    ExerciseWork,
    LessonProgress,
    QuizAttempt,
    Submission,
    User,
)

PASSWORD = "bench-password"
SIZES = (20, 2000)
GOAL = 15
STATUSES = ("draft", "submitted", "needs_revision", "resubmitted", "approved")


def make_app(database_url: str):  # type: ignore[no-untyped-def]
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SQLALCHEMY_DATABASE_URI": database_url,
                      "CONTENT_DIR": str(ROOT / "content"), "QUIZ_DIR": str(ROOT / "quizzes")})
    if "cohorts" not in app.blueprints:  # until the app factory registers it
        app.register_blueprint(cohorts_bp)
    return app


def seed_cohort(app, trainer_id: int, size: int) -> int:  # type: ignore[no-untyped-def]
    """Create a cohort of `size` learners, each with a lesson row, a quiz attempt and exercise work per module."""
    catalog = app.extensions["catalog"]
    start = today() - timedelta(days=35)
    cohort = Cohort(trainer_id=trainer_id, name=f"Bench {size}", start_date=start, join_code=f"BENCH{size}")
    db.session.add(cohort)
    db.session.flush()
    save_schedule(cohort, weekly_plan(start, [le.slug for le in catalog.lessons]))
    db.session.execute(sa.insert(User), [{"email": f"b{size}-{i:05d}@example.com", "name": f"Learner {i:05d}",
                                          "password_hash": "x", "role": "learner"} for i in range(size)])
    ids = db.session.scalars(sa.select(User.id).where(User.email.like(f"b{size}-%"))).all()
    db.session.execute(sa.insert(Enrolment), [{"cohort_id": cohort.id, "user_id": uid} for uid in ids])
    _seed_work(catalog, ids)
    db.session.commit()
    return cohort.id


def _seed_work(catalog, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2025, 3, 1)
    lessons, attempts, works = [], [], []
    for n, uid in enumerate(ids):
        for i, lesson in enumerate(catalog.lessons):
            done = (n + i) % 3 != 0  # varied progress: two thirds of the modules read
            lessons.append({"user_id": uid, "lesson_slug": lesson.slug, "first_viewed_at": now,
                            "last_viewed_at": now + timedelta(hours=i), "completed_at": now if done else None})
            if lesson.quiz:
                points = (n + i) % 5
                attempts.append({"user_id": uid, "quiz_slug": lesson.quiz, "answers": {}, "points": points,
                                 "max_points": 4, "passed": points >= 3, "created_at": now})
        for j, kind in enumerate(sorted({k for le in catalog.lessons for k in le.exercises})):
            works.append({"user_id": uid, "kind": kind, "data": {}, "version": 1,
                          "status": STATUSES[(n + j) % len(STATUSES)], "created_at": now, "updated_at": now})
    db.session.execute(sa.insert(LessonProgress), lessons)
    db.session.execute(sa.insert(QuizAttempt), attempts)
    db.session.execute(sa.insert(ExerciseWork), works)
    submitted = db.session.execute(sa.select(ExerciseWork.id).where(
        ExerciseWork.user_id.in_(ids), ExerciseWork.status != "draft")).scalars().all()
    if submitted:
        db.session.execute(sa.insert(Submission), [{"work_id": w, "number": 1, "data": {}, "submitted_at": now}
                                                   for w in submitted])


def count_queries(client, engine, url: str) -> int:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(*args) -> None:  # type: ignore[no-untyped-def]
        statements.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
        assert response.status_code == 200 and response.get_data(), url
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def median_seconds(client, url: str, runs: int) -> float:  # type: ignore[no-untyped-def]
    client.get(url).get_data()  # warm-up: templates compiled, caches filled
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        response.get_data()  # a streamed export does its work while it is read
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed repetitions per page (median is reported)")
    parser.add_argument("--database-url", help="an EMPTY scratch database (default: a temporary SQLite file); "
                                               "its tables are dropped at the end")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}")
        with app.app_context():
            db.create_all()
            trainer = create_user("bench-trainer@example.com", "Bench Trainer", PASSWORD, "trainer")
            db.session.commit()
            started = time.perf_counter()
            cohorts = {size: seed_cohort(app, trainer.id, size) for size in SIZES}
            print(f"seeded {' and '.join(map(str, SIZES))} learners x {len(app.extensions['catalog'].lessons)} "
                  f"modules in {time.perf_counter() - started:.1f} s")
        # requests run outside that app context, as in production: each gets a fresh session
        client = app.test_client()
        client.post("/login", data={"email": "bench-trainer@example.com", "password": PASSWORD})
        with app.app_context():
            engine = db.engine
        try:
            return report(client, engine, cohorts, args.runs)
        finally:
            with app.app_context():
                db.drop_all()


def report(client, engine, cohorts: dict[int, int], runs: int) -> int:  # type: ignore[no-untyped-def]
    pages = {"matrix (first page)": "/cohorts/{}", "progress.csv": "/cohorts/{}/progress.csv"}
    ok = True
    print(f"{'page':<22}{'learners':>9}{'queries':>9}{'median ms':>11}")
    for label, pattern in pages.items():
        queries, times = {}, {}
        for size, cohort_id in cohorts.items():
            url = pattern.format(cohort_id)
            queries[size] = count_queries(client, engine, url)
            times[size] = median_seconds(client, url, runs)
            print(f"{label:<22}{size:>9}{queries[size]:>9}{times[size] * 1000:>11.1f}")
        small, large = SIZES
        ratio = times[large] / times[small]
        same = queries[small] == queries[large]
        ok &= same
        print(f"{'':<22}queries equal: {'yes' if same else 'NO'}; time ratio {large}/{small}: {ratio:.1f}")
        if label.startswith("matrix"):
            ok &= ratio <= GOAL
            print(f"{'':<22}goal ratio <= {GOAL}: {'met' if ratio <= GOAL else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
