"""The real course: it loads, every page renders, every link leads somewhere, quizzes are complete."""

import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from course.catalog import load_catalog
from course.config import ROOT
from course.extensions import db
from course.seed import right_answers
from tests.conftest import make_app

CATALOG = load_catalog(ROOT / "content", ROOT / "quizzes")


@pytest.fixture
def real_client(make_user):
    app = make_app(CONTENT_DIR=str(ROOT / "content"), QUIZ_DIR=str(ROOT / "quizzes"))
    with app.app_context():
        db.create_all()
        client = app.test_client()
        from course.auth import create_user

        create_user("reader@example.com", "Reader", "correct horse battery")
        db.session.commit()
        client.post("/login", data={"email": "reader@example.com", "password": "correct horse battery"})
        yield client
        db.session.remove()
        db.drop_all()


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])


def parse(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def test_the_course_has_at_least_nine_modules_each_with_a_quiz():
    assert len(CATALOG.lessons) >= 9
    assert all(lesson.quiz for lesson in CATALOG.lessons)


@pytest.mark.parametrize("lesson", CATALOG.lessons, ids=lambda le: le.slug)
def test_every_lesson_page_renders_and_its_links_resolve(real_client, lesson):
    page = real_client.get(f"/lessons/{lesson.slug}")
    assert page.status_code == 200
    found = parse(page.get_data(as_text=True))
    glossary_ids = {t.id for t in CATALOG.glossary}
    for href in found.hrefs:
        path, _, anchor = href.partition("#")
        if not path:  # an anchor on the same page: the table of contents, footnotes
            assert anchor in found.ids, f"{lesson.slug}: #{anchor} is not on the page"
        elif path.startswith("/") and not path.startswith("//"):
            assert real_client.get(path).status_code == 200, f"{lesson.slug}: {href} is broken"
            if path == "/glossary" and anchor:
                assert anchor in glossary_ids, f"{lesson.slug}: no glossary term {anchor}"


@pytest.mark.parametrize("lesson", CATALOG.lessons, ids=lambda le: le.slug)
def test_module_length_is_within_the_course_standard(lesson):
    text = re.sub(r"<[^>]+>", " ", " ".join(p for p in lesson.parts if isinstance(p, str)))
    words = len(text.split())
    assert 1200 <= words <= 2700, f"{lesson.slug} has {words} words"  # 2,500 of prose + its sources


@pytest.mark.parametrize("slug", sorted(CATALOG.quizzes))
def test_every_quiz_has_6_to_10_explained_questions_with_feedback_on_wrong_options(slug):
    quiz = CATALOG.quizzes[slug]
    assert 6 <= len(quiz.questions) <= 10
    for q in quiz.questions:
        assert q.explanation
        if q.kind in ("single", "multiple"):
            assert all(o.feedback for o in q.options if not o.correct), f"{slug}/{q.id}"


@pytest.mark.parametrize("slug", sorted(CATALOG.quizzes))
def test_every_quiz_can_be_passed_through_the_site(real_client, slug):
    quiz = CATALOG.quizzes[slug]
    response = real_client.post(f"/quizzes/{slug}", data=right_answers(quiz))
    assert response.status_code == 302
    assert "passed" in real_client.get(response.headers["Location"]).get_data(as_text=True)


def test_glossary_and_references_pages(real_client):
    glossary = parse(real_client.get("/glossary").get_data(as_text=True))
    assert {t.id for t in CATALOG.glossary} <= glossary.ids
    references = real_client.get("/references").get_data(as_text=True)
    assert all(str(escape(r.url)) in references for r in CATALOG.references)
