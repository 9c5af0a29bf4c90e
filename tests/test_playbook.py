"""The playbook page and download, and exercises counting toward module completion."""


from course.catalog import EXERCISE_KINDS
from course.exercise_kinds import REGISTRY
from course.extensions import db
from course.models import ExerciseWork, Submission
from tests.conftest import counted_queries

JOURNEY = {"template": "gartner", "phases": [
    {"name": "Problem identification", "buyer_goal": "Agree what breakdowns cost", "questions": ["How much?"],
     "roles": [{"title": "VP Operations", "kind": "other", "economic_buyer": True}],
     "commitment": "VP signs the problem statement", "sales_stage": "Qualify", "notes": ""}]}
CRITERIA = {"stages": [{"name": "Qualify", "entry": ["Sponsor named the economic buyer"],
                        "exit": ["Economic buyer approved the problem statement by email"],
                        "drop_out": [], "max_days": 15, "verified_by": "Manager"}]}


def add_work(user, kind, data, submitted=False):
    work = ExerciseWork(user_id=user.id, kind=kind, data=data, status="submitted" if submitted else "draft")
    db.session.add(work)
    if submitted:
        db.session.add(Submission(work=work, number=1, data=data))
    db.session.commit()


def test_playbook_gathers_drafts_and_submitted_versions(client, make_user, login):
    user = make_user(name="Priya Raman")
    add_work(user, "journey", JOURNEY)
    add_work(user, "criteria", CRITERIA, submitted=True)
    login(user)
    page = client.get("/playbook").get_data(as_text=True)
    assert "Problem identification" in page and "VP signs the problem statement" in page
    assert "Economic buyer approved the problem statement by email" in page
    assert "Submitted version 1" in page and "Draft" in page
    assert page.count("Start the exercise") == 2  # sizer and cadence not started


def test_playbook_downloads_as_markdown(client, make_user, login):
    user = make_user(name="Priya Raman")
    add_work(user, "journey", JOURNEY)
    login(user)
    response = client.get("/playbook.md")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/markdown"
    assert 'filename="pipeline-playbook.md"' in response.headers["Content-Disposition"]
    assert text.startswith("# Pipeline playbook — Priya Raman")
    assert "### 1. Problem identification" in text and "Not started yet." in text


def test_the_playbook_is_personal(client, make_user, login):
    add_work(make_user(), "journey", JOURNEY)
    login(make_user())
    assert "Problem identification" not in client.get("/playbook").get_data(as_text=True)


PRACTICE = ("---\nslug: practice\ntitle: Practice\nminutes: 5\nsummary: S.\nobjectives: [Do it]\n"
            "exercises: [note]\n---\n## Try it\n\n[[exercise note]]\n")


def test_a_module_completes_only_once_its_exercise_is_submitted(lesson_reader, monkeypatch):
    assert "note" in REGISTRY  # the test-only kind
    monkeypatch.setitem(EXERCISE_KINDS, "note", frozenset())
    client = lesson_reader("01-practice.md", PRACTICE)
    lesson = client.get("/lessons/practice").get_data(as_text=True)
    assert "Exercise: Test note" in lesson and "Start the exercise" in lesson
    client.post("/lessons/practice/complete")
    assert "0 of 1 modules complete" in client.get("/course").get_data(as_text=True)
    client.get("/exercises/note")
    client.post("/exercises/note", data={"version": "1", "title": "Done", "submit": "1"})
    assert "1 of 1 modules complete" in client.get("/course").get_data(as_text=True)
    assert "Continue the exercise" in client.get("/lessons/practice").get_data(as_text=True)


def test_the_playbook_reads_all_four_exercises_in_a_fixed_number_of_queries(client, make_user, login):
    def queries(user) -> int:  # type: ignore[no-untyped-def]
        login(user)
        with counted_queries() as statements:
            assert client.get("/playbook").status_code == 200
        client.post("/logout")
        return len(statements)

    some, everything = make_user(), make_user()
    for user in (some, everything):
        for kind, data in (("journey", JOURNEY), ("criteria", CRITERIA)):
            add_work(user, kind, data, submitted=True)
    for kind in ("sizer", "cadence"):
        add_work(everything, kind, REGISTRY[kind].start())
    assert queries(everything) == queries(some)


CAPSTONE = ("---\nslug: capstone\ntitle: Capstone\nminutes: 5\nsummary: S.\nobjectives: [Do it]\n"
            "exercises: [note, journey]\n---\n## Two\n\n[[exercise note]]\n\n[[exercise journey]]\n")


def test_a_lesson_reads_its_exercises_in_one_query_however_many_it_embeds(lesson_reader, monkeypatch):
    monkeypatch.setitem(EXERCISE_KINDS, "note", frozenset())
    client = lesson_reader("01-capstone.md", CAPSTONE)
    client.get("/lessons/capstone")  # the first view is written down; count a re-read
    with counted_queries() as statements:
        lesson = client.get("/lessons/capstone").get_data(as_text=True)
    assert lesson.count("Start the exercise") == 2
    work_reads = [s for s in statements if "FROM exercise_work" in s]
    assert len(work_reads) == 2  # exercise statuses for progress, then the embeds' work: one query for both
