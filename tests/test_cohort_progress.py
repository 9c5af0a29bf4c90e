"""The progress matrix, the learner drill-down, the CSV exports, and their fixed number of queries."""

import csv
import io
from dataclasses import replace
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from course.cohort_progress import cohort_rows, paginate, summaries
from course.cohort_schedule import OPEN, Plan, merge_plans, schedule_of, weekly_plan
from course.extensions import db
from course.models import Enrolment, ExerciseWork, LessonProgress, QuizAttempt, Review, Submission, User
from course.progress import course_progress, progress_of_many
from tests.cohort_support import days, enrol, make_cohort, plan
from tests.conftest import counted_queries

RIGHT = {"buyer-decides": "0", "good-criteria": ["0", "1"], "bigger-better": "false", "coverage-20": "5"}
HALF = {"buyer-decides": "1", "good-criteria": ["0", "1"], "bigger-better": "true", "coverage-20": "5"}


@pytest.fixture(autouse=True)
def first_module_asks_for_a_note(app):
    """Give the fixture's first module an exercise (the test-only "note" kind), as real modules have."""
    catalog = app.extensions["catalog"]
    first, second = catalog.lessons
    app.extensions["catalog"] = replace(catalog, lessons=(replace(first, exercises=("note",)), second))


def read(user, slug, done=True):
    db.session.add(LessonProgress(user_id=user.id, lesson_slug=slug,
                                  completed_at=datetime(2025, 3, 1) if done else None))


def quiz(user, answers, points, passed, at=datetime(2025, 3, 2)):
    db.session.add(QuizAttempt(user_id=user.id, quiz_slug="first-steps", answers=answers, points=points, max_points=4,
                               passed=passed, created_at=at))


def note(user, status):
    work = ExerciseWork(user_id=user.id, kind="note", data={"title": "Plan"}, status=status)
    db.session.add(work)
    if status != "draft":
        db.session.add(Submission(work=work, number=1, data={"title": "Plan"}, submitted_at=datetime(2025, 3, 3)))


@pytest.fixture
def class_of_three(make_user):
    """Ann finished everything; Ben read module 1, half-passed its quiz and awaits review; Cat did nothing.
    Module 1 was due yesterday."""
    trainer = make_user("trainer")
    ann, ben, cat = (make_user(name=n, email=f"{n.split()[0].lower()}@example.com")
                     for n in ("Ann Archer", "Ben Brook", "Cat Cole"))
    cohort = make_cohort(trainer, "Spring")
    enrol(cohort, ann, ben, cat)
    plan(cohort, "first-steps", due=days(-1))
    plan(cohort, "second-steps", opens=days(-7), due=days(7))
    read(ann, "first-steps"), read(ann, "second-steps"), quiz(ann, RIGHT, 4, True), note(ann, "approved")
    read(ben, "first-steps", done=False), quiz(ben, HALF, 2, False), note(ben, "submitted")
    db.session.commit()
    return trainer, cohort, (ann, ben, cat)


def order(page, *names):
    """The names in the order the page shows them."""
    return sorted(names, key=page.index)


def test_matrix_shows_each_learner_in_each_module(client, login, class_of_three):
    trainer, cohort, _ = class_of_three
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Ann Archer" in page and "2/2 done" in page
    assert "Quiz 100% ✓" in page and "Note: approved" in page  # Ann
    assert "Opened" in page and "Quiz 50%" in page and "Note: waiting for review" in page  # Ben: 2 of 4
    assert page.count("Not opened") == 3  # Ben and Cat never opened module 2; Cat never opened module 1
    assert page.count('class="status status-overdue">Overdue') == 2  # Ben and Cat, module 1
    # completion per module: 1 of 3 for each (only Ann) = 33%
    assert page.count("33% <span class=\"meta\">(1/3)</span>") == 2
    assert f"due {days(-1):%d %b}" in page and f"due {days(7):%d %b}" in page


@pytest.mark.parametrize(("show", "sort", "expected"), [
    ("overdue", "name", ["Ben Brook", "Cat Cole"]),
    ("not-started", "name", ["Cat Cole"]),
    ("waiting", "name", ["Ben Brook"]),
    ("all", "progress", ["Ben Brook", "Cat Cole", "Ann Archer"]),  # 0, 0, then 2 modules complete
    ("all", "bogus", ["Ann Archer", "Ben Brook", "Cat Cole"]),  # an unknown sort falls back to names
])
def test_matrix_filters_and_sorts(client, login, class_of_three, show, sort, expected):
    trainer, cohort, _ = class_of_three
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}?show={show}&sort={sort}").get_data(as_text=True)
    shown = [n for n in ("Ann Archer", "Ben Brook", "Cat Cole") if f">{n}</a>" in page]
    assert order(page, *shown) == expected


def test_filter_labels_count_the_people_they_would_show(client, login, class_of_three):
    trainer, cohort, _ = class_of_three
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    for label in ("Everyone (3)", "Overdue work (2)", "Not started (1)", "Waiting for review (1)"):
        assert label in page


def test_locked_modules_show_when_they_open(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    enrol(cohort, make_user())
    plan(cohort, "second-steps", opens=days(5))
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert f"opens {days(5):%d %b}" in page and ">Locked<" in page


def bulk_learners(cohort, count, progress=True):
    """Insert `count` learners (with a row of work in every module) in a few statements."""
    db.session.execute(sa.insert(User), [
        {"email": f"c{cohort.id}-{i:04d}@example.com", "name": f"Learner {i:04d}", "password_hash": "x",
         "role": "learner"} for i in range(count)])
    ids = db.session.scalars(sa.select(User.id).where(User.email.like(f"c{cohort.id}-%"))).all()
    db.session.execute(sa.insert(Enrolment),
                       [{"cohort_id": cohort.id, "user_id": uid, "enrolled_at": datetime(2025, 3, 1)} for uid in ids])
    if progress:
        now = datetime(2025, 3, 2)
        db.session.execute(sa.insert(LessonProgress), [
            {"user_id": uid, "lesson_slug": slug, "first_viewed_at": now, "last_viewed_at": now, "completed_at": now}
            for uid in ids for slug in ("first-steps", "second-steps")])
        db.session.execute(sa.insert(QuizAttempt), [
            {"user_id": uid, "quiz_slug": "first-steps", "answers": RIGHT, "points": 3, "max_points": 4,
             "passed": True, "created_at": now} for uid in ids])
        db.session.execute(sa.insert(ExerciseWork), [
            {"user_id": uid, "kind": "note", "data": {}, "status": "submitted", "version": 1, "created_at": now,
             "updated_at": now} for uid in ids])
    db.session.commit()
    return ids


def test_more_than_a_page_of_learners_is_paged(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    bulk_learners(cohort, 55, progress=False)
    login(trainer)
    first = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    second = client.get(f"/cohorts/{cohort.id}?page=2").get_data(as_text=True)
    assert first.count('<th scope="row">\n        <a href=') == 50 and "Learner 0049" in first
    assert second.count('<th scope="row">\n        <a href=') == 5 and "Learner 0050" in second
    assert "Page 2 of 2 (55 people)" in second
    assert "Learner 0054" in client.get(f"/cohorts/{cohort.id}?page=99").get_data(as_text=True)  # the last page


def queries_of(client, url):
    with counted_queries() as statements:
        response = client.get(url)
        body = response.get_data()  # a streamed export runs its queries while it is read
    assert response.status_code == 200 and body
    return len(statements)


def test_matrix_and_csv_use_the_same_number_of_queries_for_3_and_30_learners(client, make_user, login):
    trainer = make_user("trainer")
    small, large = make_cohort(trainer, "Small"), make_cohort(trainer, "Large")
    bulk_learners(small, 3)
    bulk_learners(large, 30)
    for cohort in (small, large):
        plan(cohort, "first-steps", due=days(-1))
    login(trainer)
    for path in ("", "/progress.csv", "/quiz-results.csv", "/xapi.json"):
        counts = [queries_of(client, f"/cohorts/{c.id}{path}") for c in (small, large)]
        assert counts[0] == counts[1], (path, counts)
    assert queries_of(client, f"/cohorts/{large.id}") <= 10


def test_drill_down_shows_attempts_submissions_and_reviews(client, make_user, login, class_of_three):
    trainer, cohort, (ann, ben, _) = class_of_three
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}/learners/{ben.id}").get_data(as_text=True)
    assert "Ben Brook" in page and "ben@example.com" in page
    assert "2 / 4 (50%)" in page and "Not passed" in page
    assert "Note" in page and "03 Mar 2025" in page and "Waiting for review" in page
    assert "1 overdue" in page
    [submission] = db.session.scalars(sa.select(Submission).join(ExerciseWork).where(ExerciseWork.user_id == ann.id))
    db.session.add(Review(submission_id=submission.id, reviewer_id=make_user("manager", name="Dana Okafor").id,
                          verdict="approved", overall_comment="Clear buyer phases."))
    db.session.commit()
    page = client.get(f"/cohorts/{cohort.id}/learners/{ann.id}").get_data(as_text=True)
    assert "<strong>Approved</strong> by Dana Okafor" in page and "“Clear buyer phases.”" in page


def rows_of(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_progress_csv_has_a_row_per_learner_and_a_column_group_per_module(client, login, class_of_three):
    trainer, cohort, _ = class_of_three
    login(trainer)
    response = client.get(f"/cohorts/{cohort.id}/progress.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="cohort-{cohort.id}-progress.csv"'
    header, ann, ben, cat = rows_of(response)
    assert header[:7] == ["name", "email", "enrolled on", "invitation pending", "modules complete",
                          "percent complete", "overdue modules"]
    assert header[7:12] == ["first-steps read", "first-steps best quiz %", "first-steps exercises",
                            "first-steps due", "first-steps status"]
    assert ann[4:7] == ["2", "100", "0"] and ann[7:12] == ["yes", "100", "note: approved", days(-1).isoformat(),
                                                           "complete"]
    assert ben[0] == "Ben Brook" and ben[7:12] == ["opened", "50", "note: submitted", days(-1).isoformat(), "overdue"]
    assert cat[6] == "1" and cat[12:17] == ["no", "", "", days(7).isoformat(), "not started"]


def test_quiz_results_csv_has_a_row_per_question_of_every_attempt(client, login, class_of_three):
    trainer, cohort, (ann, _, _) = class_of_three
    quiz(ann, HALF, 2, False, at=datetime(2025, 3, 5))  # a later, worse retake
    db.session.commit()
    login(trainer)
    header, *rows = rows_of(client.get(f"/cohorts/{cohort.id}/quiz-results.csv"))
    assert header[3] == "attempt" and header[-3:] == ["question text", "answer", "correct"]
    assert len(rows) == 12  # Ann 2 attempts + Ben 1 attempt, 4 questions each
    first = rows[:4]
    assert [r[3] for r in first] == ["1"] * 4 and first[0][4] == "2025-03-02T00:00:00"
    assert [(r[7], r[9], r[10]) for r in first] == [
        ("buyer-decides", "The buyer", "yes"),
        ("good-criteria", "Buyer signed the mutual plan; Finance approved the budget in writing", "yes"),
        ("bigger-better", "False", "yes"), ("coverage-20", "5", "yes")]
    assert [r[3] for r in rows[4:8]] == ["2"] * 4 and rows[4][5:7] == ["50", "no"]


def test_exports_neutralise_spreadsheet_formulas_in_names(client, make_user, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    enrol(cohort, make_user(name='=HYPERLINK("http://evil.example","click")'))
    login(trainer)
    _, row = rows_of(client.get(f"/cohorts/{cohort.id}/progress.csv"))
    assert row[0] == '\'=HYPERLINK("http://evil.example","click")'


# --- the batch progress keeps each person's own progress exactly -----------------------------------

def test_batch_progress_equals_each_persons_own(app, class_of_three):
    _, _, people = class_of_three
    catalog = app.extensions["catalog"]
    batch = progress_of_many([p.id for p in people], catalog)
    assert all(batch[p.id] == course_progress(p.id, catalog) for p in people)
    assert [batch[p.id].completed for p in people] == [2, 0, 0]


# --- the pure parts -------------------------------------------------------------------------------

@given(st.integers(0, 130), st.integers(1, 40))
def test_pages_cover_every_row_once_in_order(count, size):
    rows = list(range(count))
    first = paginate(rows, 1, size)  # type: ignore[arg-type]
    pages = [paginate(rows, n, size) for n in range(1, first.pages + 1)]  # type: ignore[arg-type]
    assert [r for p in pages for r in p.rows] == rows
    assert first.pages == max(1, -(-count // size)) and all(p.total == count for p in pages)
    assert paginate(rows, first.pages + 5, size).number == first.pages  # type: ignore[arg-type]


def test_weekly_plan_opens_a_module_a_week_each_due_before_the_next():
    plans = weekly_plan(date(2025, 3, 3), ["a", "b", "c"])
    assert plans == {"a": Plan(date(2025, 3, 3), date(2025, 3, 9)), "b": Plan(date(2025, 3, 10), date(2025, 3, 16)),
                     "c": Plan(date(2025, 3, 17), date(2025, 3, 23))}


dates = st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2025, 12, 31)))


@given(st.lists(st.dictionaries(st.sampled_from("abc"), st.builds(Plan, dates, dates), max_size=3), min_size=1,
                max_size=4))
def test_merged_plans_open_no_later_than_any_cohort_opens(per_cohort):
    merged = merge_plans(per_cohort)
    for slug, plan_ in merged.items():
        openings = [p.get(slug, OPEN).opens_on for p in per_cohort]
        if None in openings:
            assert plan_.opens_on is None
        else:
            assert plan_.opens_on == min(openings)
        dues = [p.get(slug, OPEN).due_on for p in per_cohort if p.get(slug, OPEN).due_on]
        assert plan_.due_on == (min(dues) if dues else None)


def test_a_module_is_locked_only_before_its_opening_day():
    opens = Plan(opens_on=date(2025, 3, 10))
    assert opens.locked(date(2025, 3, 9)) and not opens.locked(date(2025, 3, 10))
    assert not OPEN.locked(date(2025, 3, 9)) and not Plan(due_on=date(2025, 1, 1)).locked(date(2025, 3, 9))


def test_the_whole_cohort_summary_agrees_with_the_detail_of_every_learner(app, make_user):
    """The one-query summary (filters, sorting, rates) and the detailed rows (the cells shown) must
    never disagree: mix every state a module can be in and compare them learner by learner."""
    catalog = app.extensions["catalog"]
    cohort = make_cohort(make_user("trainer"))
    plan(cohort, "first-steps", due=days(-1))
    ids = bulk_learners(cohort, 14, progress=False)
    statuses = ("draft", "submitted", "needs_revision", "resubmitted", "approved")
    for n, uid in enumerate(ids):  # n picks a different combination for each learner
        if n % 4:
            db.session.add(LessonProgress(user_id=uid, lesson_slug="first-steps",
                                          completed_at=datetime(2025, 3, 1) if n % 3 else None))
        if n % 2:
            db.session.add(LessonProgress(user_id=uid, lesson_slug="second-steps", completed_at=datetime(2025, 3, 1)))
        if n % 5:
            db.session.add(QuizAttempt(user_id=uid, quiz_slug="first-steps", answers={}, points=n % 5, max_points=4,
                                       passed=n % 5 >= 3))
        if n % 6:
            db.session.add(ExerciseWork(user_id=uid, kind="note", data={}, status=statuses[n % 5]))
    db.session.commit()
    plans = schedule_of(cohort.id)
    summary = {s.user_id: s for s in summaries(cohort.id, catalog, plans, days(0))}
    detail = {r.user_id: r for r in cohort_rows(cohort.id, catalog, days(0))}
    assert summary.keys() == detail.keys() == set(ids)
    for uid, row in detail.items():
        s = summary[uid]
        assert s.done == tuple(c.status.complete for c in row.cells), uid
        assert (s.started, s.waiting, s.overdue) == (row.started, row.waiting, len(row.overdue)), uid
    assert {s.completed for s in summary.values()} == {0, 1, 2}  # the mix reaches every level (n=13: both)
