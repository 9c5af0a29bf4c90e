"""Reviews: the team page, the queue, reviewing a version, the learner's feedback, the CSV, access."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import render_template
from flask_login import login_user
from hypothesis import given
from hypothesis import strategies as st

from course.exercise_kinds import REGISTRY
from course.exercises import submit_work
from course.extensions import db
from course.models import Cohort, Enrolment, ExerciseWork, OutboxMessage, Review, ReviewScore, Submission, utcnow
from course.review_store import Superseded, age_text, record_review
from tests.conftest import counted_queries
from tests.test_html_valid import VNU, tools_or_skip

NOTE_LINES = ("complete", "applies-course", "usable")  # the default rubric of rubrics.yml
SIZER_DATA = {"scenario": "Next year", "inputs": {
    "currency": "USD", "goal": "1000000", "period_days": "365", "deal_size": "50000", "win_rate": "20",
    "cycle_days": "120", "naive_multiple": "3", "current_pipeline": "1600000"}}


@pytest.fixture
def team(make_user):  # type: ignore[no-untyped-def]
    """A manager with two learners, and another manager with one learner of their own."""
    manager = make_user("manager", name="Dana Manager")
    other = make_user("manager", name="Olu Other")
    return {"manager": manager, "other": other,
            "ana": make_user(name="Ana Alvarez", manager=manager),
            "ben": make_user(name="Ben Brooks", manager=manager),
            "zed": make_user(name="Zed Zimmer", manager=other)}


def submit(user, title: str = "Plan", kind: str = "note", data: dict | None = None,  # type: ignore[no-untyped-def]
           days_ago: float = 0) -> Submission:
    """Submit a version through the shared mechanism, dated `days_ago`."""
    work = db.session.scalar(sa.select(ExerciseWork).where(ExerciseWork.user_id == user.id, ExerciseWork.kind == kind))
    if work is None:
        work = ExerciseWork(user_id=user.id, kind=kind, data={}, status="draft")
        db.session.add(work)
    work.data = data if data is not None else {"title": title, "lines": [f"{title} line"]}
    submission = submit_work(work, REGISTRY[kind])
    submission.submitted_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return submission


def scores(value: int = 3, **comments: str) -> dict[str, str]:
    form = {f"score-{line}": str(value) for line in NOTE_LINES}
    form.update({f"comment-{line}": text for line, text in comments.items()})
    return form


def status_of(submission: Submission) -> str:
    return db.session.scalar(sa.select(ExerciseWork.status).where(ExerciseWork.id == submission.work_id))


def review_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Review))


# ---------------------------------------------------------------------------------------------
# The team page


def test_team_page_shows_progress_waiting_work_and_sizer_figures(client, login, team):
    submit(team["ana"], "Ana's plan", days_ago=2)
    submit(team["ana"], kind="sizer", data=SIZER_DATA, days_ago=1)
    submit(team["zed"], "Zed's plan")
    login(team["manager"])
    page = client.get("/team").get_data(as_text=True)
    assert "Ana Alvarez" in page and "Ben Brooks" in page and "Zed Zimmer" not in page
    assert "0 of 2 modules" in page  # the fixture course has two modules; nobody finished one
    assert "Note, version 1" in page and "for 2 days" in page
    # gap 1,000,000 at a 20% win rate: 1,000,000 / 0.2 = 5,000,000 needed (5.0x);
    # 1,600,000 open, so 5,000,000 - 1,600,000 = 3,400,000 short
    assert "$5,000,000.00" in page and "5.0x" in page and "short $3,400,000.00" in page
    assert "No sizer version that computes submitted yet" in page  # Ben


def test_team_member_page_and_someone_elses_learner(client, login, team):
    submit(team["ana"], "Ana's plan")
    login(team["manager"])
    page = client.get(f"/team/{team['ana'].id}").get_data(as_text=True)
    assert "Ana Alvarez" in page and "Note, version 1" in page and "Modules" in page
    assert client.get(f"/team/{team['zed'].id}").status_code == 404
    assert client.get(f"/team/{team['manager'].id}").status_code == 404
    assert client.get("/team/999999").status_code == 404
    assert client.get(f"/team/{2**40}").status_code == 404


# ---------------------------------------------------------------------------------------------
# The queue


def test_queue_lists_the_latest_waiting_version_oldest_first_with_its_age(client, login, team):
    submit(team["ben"], "Ben v1", days_ago=5)
    ana1 = submit(team["ana"], "Ana v1", days_ago=9)
    ana2 = submit(team["ana"], "Ana v2", days_ago=3)  # replaces v1 before anyone reviewed it
    submit(team["zed"], "Zed v1", days_ago=20)  # someone else's team
    login(team["manager"])
    page = client.get("/reviews").get_data(as_text=True)
    table = page.split("<tbody>")[1]
    assert f"/reviews/{ana1.id}\"" not in table and f"/reviews/{ana2.id}\"" in table
    assert table.index("Ben Brooks") < table.index("Ana Alvarez")  # 5 days waiting before 3 days
    assert "5 days" in table and "3 days" in table and "Zed" not in page.split("<h1>")[1]


def test_queue_filters_by_exercise_and_person(client, login, team):
    submit(team["ana"], "Ana note")
    submit(team["ana"], kind="sizer", data=SIZER_DATA)
    submit(team["ben"], "Ben note")
    login(team["manager"])
    sizers = client.get("/reviews?exercise=sizer").get_data(as_text=True)
    assert "Pipeline sizing, version 1" in sizers and "Note, version 1" not in sizers
    bens = client.get(f"/reviews?person={team['ben'].id}").get_data(as_text=True)
    table = bens.split("<tbody>")[1]
    assert "Ben Brooks" in table and "Ana Alvarez" not in table
    assert "Nothing waiting matches these filters" in client.get(
        f"/reviews?person={team['ben'].id}&exercise=sizer").get_data(as_text=True)


def test_trainers_review_their_cohorts_and_admins_everyone_but_themselves(client, login, make_user, team):
    trainer = make_user("trainer")
    cohort = Cohort(trainer_id=trainer.id, name="Spring", start_date=date.today(), join_code="SPRING1")
    db.session.add(cohort)
    db.session.flush()
    db.session.add_all([Enrolment(cohort_id=cohort.id, user_id=team["zed"].id),
                        Enrolment(cohort_id=cohort.id, user_id=trainer.id)])  # the trainer enrolled too
    db.session.commit()
    zed, ana, own = submit(team["zed"], "Zed"), submit(team["ana"], "Ana"), submit(trainer, "Mine")
    login(trainer)
    page = client.get("/reviews").get_data(as_text=True)
    assert f"/reviews/{zed.id}\"" in page and f"/reviews/{ana.id}\"" not in page and f"/reviews/{own.id}\"" not in page
    assert client.get(f"/reviews/{ana.id}").status_code == 404
    assert client.get(f"/reviews/{own.id}").status_code == 403
    assert client.post(f"/reviews/{own.id}", data={**scores(4), "verdict": "approved"}).status_code == 403
    client.post("/logout")
    admin = make_user("admin")
    mine = submit(admin, "Admin's own")
    login(admin)
    page = client.get("/reviews").get_data(as_text=True)
    assert all(f"/reviews/{s.id}\"" in page for s in (zed, ana, own)) and f"/reviews/{mine.id}\"" not in page
    assert client.get(f"/reviews/{mine.id}").status_code == 403
    assert review_count() == 0


@pytest.mark.parametrize("url", ["/team", "/reviews", "/reviews.csv", "/reviews/1", "/team/1"])
def test_learners_get_403_and_anonymous_people_are_sent_to_sign_in(client, login, team, url):
    submit(team["ana"])
    assert client.get(url).headers["Location"].startswith("/login?next=")
    login(team["ben"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(("url", "allowed"), [("/team", ("manager", "admin")),
                                              ("/reviews", ("manager", "trainer", "admin")),
                                              ("/reviews.csv", ("manager", "trainer", "admin"))])
def test_each_role_gets_the_pages_it_may_use(client, login, make_user, url, allowed):
    for role in ("learner", "trainer", "manager", "admin"):
        login(make_user(role))
        assert client.get(url).status_code == (200 if role in allowed else 403), role
        client.post("/logout")


def test_trainers_have_no_team_page_and_an_admin_sees_the_people_they_manage(client, login, make_user):
    login(make_user("trainer"))
    assert client.get("/team").status_code == 403
    client.post("/logout")
    admin = make_user("admin")
    make_user(name="Rita Report", manager=admin)
    login(admin)
    assert "Rita Report" in client.get("/team").get_data(as_text=True)


# ---------------------------------------------------------------------------------------------
# The review page


def test_review_page_shows_the_version_critique_changes_and_rubric(client, login, team):
    submit(team["ana"], "First try")
    second = submit(team["ana"], "Second try")
    login(team["manager"])
    page = client.get(f"/reviews/{second.id}").get_data(as_text=True)
    assert "Ana Alvarez: Test note, version 2" in page
    assert "<h2>Second try</h2>" in page  # the kind's viewer, read-only
    assert "What changed since version 1" in page and "First try" in page  # the diff
    assert "Usable on Monday" in page and "Could the learner put this to work" in page  # rubrics.yml default
    assert page.count('type="radio"') == 3 * 4 + 2  # 3 lines × 4 levels, and 2 verdicts


def test_review_page_of_a_criteria_version_shows_the_checker_beside_it(client, login, team):
    data = {"stages": [{"name": "Proposal sent", "entry": ["We sent the proposal"], "exit": ["Prospect is interested"],
                        "drop_out": [], "max_days": None, "verified_by": ""}]}
    work = ExerciseWork(user_id=team["ana"].id, kind="criteria", data=data, status="submitted")
    work.submissions.append(Submission(number=1, data=data))
    db.session.add(work)
    db.session.commit()
    login(team["manager"])
    page = client.get(f"/reviews/{work.submissions[0].id}").get_data(as_text=True)
    assert "Automatic critique" in page and "Process score" in page
    assert "C1" in page and "C3" in page  # seller activity; vague wording
    assert "Buyer-verifiable" in page and "Evidence named" in page


def test_a_sizer_version_shows_its_figures(client, login, team):
    sub = submit(team["ana"], kind="sizer", data=SIZER_DATA)
    login(team["manager"])
    page = client.get(f"/reviews/{sub.id}").get_data(as_text=True)
    # 1,000,000 / 0.20 = 5,000,000; standing 1,000,000/365 × 120 / 0.2 = 1,643,835.62
    assert "$5,000,000.00" in page and "$1,643,835.62" in page and "$3,400,000.00" in page
    assert "Inputs are measured, not hoped" in page


def test_missing_scores_and_verdict_are_shown_beside_the_fields_and_nothing_typed_is_lost(client, login, team):
    sub = submit(team["ana"])
    login(team["manager"])
    response = client.post(f"/reviews/{sub.id}", data={"comment-complete": "Half the lines are empty",
                                                       "overall_comment": "Keep going"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Score “Complete” from 1 to 4." in page and 'id="score-complete-error"' in page
    assert "Choose: approve this version, or ask for a revision." in page
    assert "Half the lines are empty</textarea>" in page and "Keep going</textarea>" in page
    assert review_count() == 0 and status_of(sub) == "submitted"


def test_a_revision_needs_an_overall_comment(client, login, team):
    sub = submit(team["ana"])
    login(team["manager"])
    response = client.post(f"/reviews/{sub.id}", data={**scores(2), "verdict": "needs_revision",
                                                       "overall_comment": "   "})
    assert response.status_code == 422
    assert "asking for a revision needs an overall comment" in response.get_data(as_text=True)
    assert 'checked id="verdict-1"' in response.get_data(as_text=True)  # the choice is kept
    assert review_count() == 0


def test_a_score_outside_the_scale_is_refused(client, login, team):
    sub = submit(team["ana"])
    login(team["manager"])
    response = client.post(f"/reviews/{sub.id}", data={**scores(9), "verdict": "approved"})
    assert response.status_code == 422 and review_count() == 0


def test_approving_saves_the_review_tells_the_learner_and_empties_the_queue(client, login, team):
    sub = submit(team["ana"])
    login(team["manager"])
    response = client.post(f"/reviews/{sub.id}", data={**scores(4, usable="Use it on the Acme deal"),
                                                       "verdict": "approved", "overall_comment": "Clear."})
    assert response.status_code == 302 and response.headers["Location"] == "/reviews"
    assert status_of(sub) == "approved"
    review = db.session.scalar(sa.select(Review))
    assert (review.verdict, review.reviewer_id, review.overall_comment) == ("approved", team["manager"].id, "Clear.")
    saved = {s.line_id: (s.score, s.comment) for s in review.scores}
    assert saved == {"complete": (4, ""), "applies-course": (4, ""), "usable": (4, "Use it on the Acme deal")}
    mail = db.session.scalar(sa.select(OutboxMessage))
    assert mail.to_address == team["ana"].email and mail.subject == "Note, version 1: approved"
    assert "Use it on the Acme deal" in mail.body and "/exercises/note/versions/1" in mail.body
    queue = client.get("/reviews").get_data(as_text=True)
    assert "Review saved" in queue and "Nothing is waiting for review" in queue


def test_a_mail_failure_keeps_the_review_and_says_so(app, client, login, team):
    app.config.update(MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT="1", MAIL_USE_TLS="false",
                      MAIL_TIMEOUT="2")
    sub = submit(team["ana"])
    login(team["manager"])
    client.post(f"/reviews/{sub.id}", data={**scores(3), "verdict": "approved"})
    page = client.get("/reviews").get_data(as_text=True)
    assert "the email did not go out" in page and review_count() == 1 and status_of(sub) == "approved"


def test_the_revision_loop_keeps_every_version_score_and_comment(app, client, login, team):
    first = submit(team["ana"], "Rough")
    login(team["manager"])
    client.post(f"/reviews/{first.id}", data={**scores(2, complete="Add the buyer's side"),
                                              "verdict": "needs_revision", "overall_comment": "Add more lines."})
    assert status_of(first) == "needs_revision"
    second = submit(team["ana"], "Better")  # the learner revises and submits again
    assert status_of(second) == "resubmitted" and second.number == 2
    page = client.get("/reviews").get_data(as_text=True)
    assert f"/reviews/{second.id}\"" in page and "A revision" in page
    review_page = client.get(f"/reviews/{second.id}").get_data(as_text=True)
    assert "Add more lines." in review_page and "Add the buyer&#39;s side" in review_page  # earlier feedback
    client.post(f"/reviews/{second.id}", data={**scores(4), "verdict": "approved"})
    assert status_of(second) == "approved"
    reviews = db.session.execute(sa.select(Review.submission_id, Review.verdict, Review.overall_comment)
                                 .order_by(Review.id)).all()
    assert reviews == [(first.id, "needs_revision", "Add more lines."), (second.id, "approved", "")]
    assert db.session.scalar(sa.select(Submission.data).where(Submission.id == first.id))["title"] == "Rough"


def test_a_version_replaced_while_it_was_being_reviewed_is_refused_with_409(client, login, team):
    first = submit(team["ana"], "v1")
    login(team["manager"])
    client.get(f"/reviews/{first.id}")  # the reviewer opens version 1 ...
    submit(team["ana"], "v2")  # ... and the learner submits version 2 meanwhile
    response = client.post(f"/reviews/{first.id}", data={**scores(3, complete="Typed with care"),
                                                          "verdict": "approved"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "replaced by version 2 while you were reviewing it" in page and "Nothing was saved" in page
    assert "Typed with care</textarea>" in page
    assert review_count() == 0 and status_of(first) == "submitted"


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                    reason="row locks between two transactions: run against PostgreSQL (SQLite has one writer)")
def test_a_version_submitted_during_the_review_transaction_is_never_lost(app, team):
    first = submit(team["ana"], "v1")
    submission_id, work_id, manager_id = first.id, first.work_id, team["manager"].id
    learner = db.engine.connect()  # the learner's submit, still in flight: its transaction is open
    in_flight = learner.begin()
    learner.execute(sa.insert(Submission).values(work_id=work_id, number=2, data={"title": "v2", "lines": []},
                                                 submitted_at=utcnow()))
    outcome: dict[str, str] = {}

    def reviewer() -> None:
        with app.app_context():
            try:
                record_review(db.session.get(Submission, submission_id), manager_id, "approved", "", [])
                outcome["saved"] = "yes"
            except Superseded as error:
                outcome["refused"] = str(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=reviewer)
    try:
        thread.start()
        thread.join(timeout=1)
        waited = thread.is_alive()  # the reviewer waits for the learner's transaction ...
        in_flight.commit()
    finally:
        if in_flight.is_active:
            in_flight.rollback()
        learner.close()
    thread.join(timeout=10)
    assert waited
    assert "replaced by version 2" in outcome["refused"]  # ... then sees version 2 and saves nothing
    assert review_count() == 0


def test_two_reviewers_cannot_both_review_the_same_version(client, login, make_user, team):
    trainer = make_user("trainer", name="Theo Trainer")
    cohort = Cohort(trainer_id=trainer.id, name="Spring", start_date=date.today(), join_code="SPRING2")
    db.session.add(cohort)
    db.session.flush()
    db.session.add(Enrolment(cohort_id=cohort.id, user_id=team["ana"].id))
    db.session.commit()
    sub = submit(team["ana"])
    login(trainer)
    client.post(f"/reviews/{sub.id}", data={**scores(4), "verdict": "approved"})
    client.post("/logout")
    login(team["manager"])
    page = client.get(f"/reviews/{sub.id}").get_data(as_text=True)
    assert "This version has been reviewed (approved)" in page and "Save the review" not in page
    late = client.post(f"/reviews/{sub.id}", data={**scores(1), "verdict": "needs_revision",
                                                   "overall_comment": "Redo"})
    assert late.status_code == 409 and "Theo Trainer reviewed version 1 meanwhile" in late.get_data(as_text=True)
    assert review_count() == 1 and status_of(sub) == "approved"


def test_reviews_are_never_changed_or_deleted(team, make_user):
    sub = submit(team["ana"])
    review = Review(submission_id=sub.id, reviewer_id=team["manager"].id, verdict="approved", overall_comment="Good")
    review.scores = [ReviewScore(line_id="complete", score=4, comment="")]
    db.session.add(review)
    db.session.commit()
    review.overall_comment = "Changed my mind"
    with pytest.raises(ValueError, match="never changed"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(review.scores[0])
    with pytest.raises(ValueError, match="never deleted"):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(Review.overall_comment)) == "Good"


def test_unknown_and_out_of_range_submissions_are_404(client, login, team):
    login(team["manager"])
    assert client.get("/reviews/999999").status_code == 404
    assert client.get(f"/reviews/{2**40}").status_code == 404


# ---------------------------------------------------------------------------------------------
# The learner's feedback


def test_the_learner_sees_every_review_of_every_version_and_only_their_own(app, client, login, team):
    first = submit(team["ana"], "Rough")
    login(team["manager"])
    client.post(f"/reviews/{first.id}", data={**scores(2, usable="Name the deal"), "verdict": "needs_revision",
                                              "overall_comment": "Add the buyer's side."})
    second = submit(team["ana"], "Better")
    client.post(f"/reviews/{second.id}", data={**scores(4), "verdict": "approved", "overall_comment": "Well done."})
    work = db.session.get(ExerciseWork, first.work_id)
    with app.test_request_context():
        login_user(team["ana"])
        html = render_template("exercises/_feedback.html", work=work, submission=first)
        login_user(team["ben"])
        someone_else = render_template("exercises/_feedback.html", work=work)
    assert html.index("Version 2: Approved") < html.index("Version 1: Revision requested")  # newest first
    assert "Well done." in html and "Add the buyer&#39;s side." in html and "Name the deal" in html
    assert "2 Partly" in html and "4 Fully" in html and "this version" in html
    assert "/exercises/note/versions/2" in html
    assert "Feedback" not in someone_else


def test_the_exercise_and_version_pages_include_the_feedback(app, client, login, team):
    first = submit(team["ana"], "Rough")
    login(team["manager"])
    client.post(f"/reviews/{first.id}", data={**scores(2), "verdict": "needs_revision", "overall_comment": "More."})
    client.post("/logout")
    login(team["ana"])
    for url in ("/exercises/note", "/exercises/note/versions/1"):
        page = client.get(url).get_data(as_text=True)
        assert "Feedback" in page and "Version 1: Revision requested" in page and "More." in page, url


# ---------------------------------------------------------------------------------------------
# The CSV export


def test_the_csv_has_a_score_and_comment_column_per_rubric_line_for_the_reviewers_scope(client, login, team):
    ana, zed = submit(team["ana"], "Ana"), submit(team["zed"], "Zed")
    login(team["other"])
    client.post(f"/reviews/{zed.id}", data={**scores(1), "verdict": "needs_revision", "overall_comment": "Zed: redo"})
    client.post("/logout")
    login(team["manager"])
    client.post(f"/reviews/{ana.id}", data={**scores(3, complete="=HYPERLINK(1)"), "verdict": "needs_revision",
                                            "overall_comment": "Line one\nLine two"})
    response = client.get("/reviews.csv")
    # streamed: no Content-Length, so the download starts before the last row is written
    assert "Content-Length" not in response.headers and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1  # Zed's review is the other manager's business
    row = rows[0]
    assert row["learner"] == "Ana Alvarez" and row["verdict"] == "revision requested" and row["version"] == "1"
    assert row["Other exercises: Complete (score)"] == "3"
    assert row["Other exercises: Complete (comment)"] == "'=HYPERLINK(1)"  # a spreadsheet will not run it
    assert row["Other exercises: Usable on Monday (score)"] == "3"
    assert row["Stage criteria: Buyer-verifiable (score)"] == ""  # another kind's line
    assert row["overall comment"] == "Line one\nLine two"
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert header[-2:] == ["overall comment", "scores on retired rubric lines"]
    narrowed = next(csv.reader(io.StringIO(client.get("/reviews.csv?exercise=sizer").get_data(as_text=True))))
    assert [h for h in narrowed if h.endswith("(score)")] == [f"Pipeline sizing: {title} (score)" for title in (
        "Inputs are measured, not hoped", "Coverage follows from the numbers",
        "What is open now is counted honestly", "The creation pace is feasible")]


def test_review_pages_are_valid_html(client, login, team, tmp_path):
    java = tools_or_skip()
    first = submit(team["ana"], "Rough")
    submit(team["ana"], kind="sizer", data=SIZER_DATA)
    login(team["manager"])
    client.post(f"/reviews/{first.id}", data={**scores(2, complete="More"), "verdict": "needs_revision",
                                              "overall_comment": "Add lines."})
    second = submit(team["ana"], "Better")
    pages = {"team": client.get("/team"), "member": client.get(f"/team/{team['ana'].id}"),
             "queue": client.get("/reviews?exercise=note"), "review": client.get(f"/reviews/{second.id}"),
             "reviewed": client.get(f"/reviews/{first.id}"), "errors": client.post(f"/reviews/{second.id}", data={})}
    for name, response in pages.items():
        (tmp_path / f"{name}.html").write_bytes(response.data)
    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--skip-non-html", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr or run.stdout


# ---------------------------------------------------------------------------------------------
# A fixed number of queries, whatever the size of the team


def queries_for(client, make_user, login, size: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    manager = make_user("manager")
    for n in range(size):
        learner = make_user(manager=manager)
        submit(learner, f"Plan {n}", days_ago=n)
        sizer = submit(learner, kind="sizer", data=SIZER_DATA)
        review = Review(submission_id=sizer.id, reviewer_id=manager.id, verdict="approved", overall_comment="Fine")
        review.scores = [ReviewScore(line_id="measured-inputs", score=3),
                         ReviewScore(line_id="honest-pipeline", score=4)]
        db.session.add(review)
        sizer.work.status = "approved"
    db.session.commit()
    login(manager)
    counts = {}
    for url in ("/team", "/reviews", "/reviews.csv"):
        db.session.expire_all()  # nothing cached from the set-up: every row is read as a visitor's would be
        with counted_queries() as statements:
            response = client.get(url)
            response.get_data()
        assert response.status_code == 200 and response.get_data(as_text=True).count(learner.email) == 1, url
        counts[url] = len(statements)
    return counts


def test_the_team_page_queue_and_export_use_a_fixed_number_of_queries(app, client, make_user, login):
    small = queries_for(client, make_user, login, 3)
    client.post("/logout")
    large = queries_for(client, make_user, login, 30)
    print("queries for 3 and 30 learners:", small, large)
    assert small == large


# ---------------------------------------------------------------------------------------------
# Pure helpers


def test_ages_are_said_in_the_largest_whole_unit():
    assert age_text(timedelta(seconds=30)) == "under a minute"
    assert age_text(timedelta(minutes=1)) == "1 minute"
    assert age_text(timedelta(hours=5, minutes=59)) == "5 hours"
    assert age_text(timedelta(days=3, hours=23)) == "3 days"


@given(st.integers(min_value=0, max_value=10**7))
def test_an_age_never_overstates_and_is_off_by_less_than_one_unit(seconds: int):
    number, unit = (age_text(timedelta(seconds=seconds)).split() + [""])[:2]
    if number == "under":
        assert seconds < 60
        return
    size = {"minute": 60, "hour": 3600, "day": 86400}[unit.rstrip("s")]
    assert int(number) * size <= seconds < (int(number) + 1) * size
