"""The catalog loads good content and names every mistake with its file and line."""

from pathlib import Path

import pytest

from course.catalog import ContentError, Directive, load_catalog

FIXTURES = Path(__file__).parent / "fixtures"

GOOD_LESSON = """---
slug: intro
title: Intro
minutes: 5
summary: A test lesson.
objectives: [Learn one thing]
{extra}---
## Hello

Body text.
{body}"""

GOOD_QUIZ = """title: Intro quiz
pass_mark: 70
questions:
  - id: q1
    kind: single
    prompt: Pick A
    options:
      - text: A
        correct: true
      - text: B
        feedback: Not B.
    explanation: Because A.
"""


def write(tmp_path: Path, lesson: str, quiz: str | None = None, name: str = "01-intro.md") -> tuple[Path, Path]:
    content, quizzes = tmp_path / "content", tmp_path / "quizzes"
    content.mkdir(exist_ok=True)
    quizzes.mkdir(exist_ok=True)
    (content / name).write_text(lesson)
    if quiz is not None:
        (quizzes / "intro.yml").write_text(quiz)
    return content, quizzes


def problems(tmp_path: Path, lesson: str, quiz: str | None = None, name: str = "01-intro.md") -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_catalog(*write(tmp_path, lesson, quiz, name))
    return [str(p) for p in caught.value.problems]


def test_fixture_course_loads_in_order_with_toc_and_quiz():
    catalog = load_catalog(FIXTURES / "content", FIXTURES / "quizzes")
    assert [le.slug for le in catalog.lessons] == ["first-steps", "second-steps"]
    first = catalog.lessons[0]
    assert first.objectives == ("Know what a pipeline is", "Read a table")
    assert [(t.id, t.level) for t in first.toc] == [("what-a-pipeline-is", 2), ("a-table", 3)]
    html = first.parts[0]
    assert "<table>" in html and 'class="admonition tip"' in html
    assert 'href="https://example.com/source"' in html  # bare URLs in sources become links
    assert "<script>" not in html  # raw HTML is stripped
    assert catalog.quizzes["first-steps"].pass_mark == 75
    assert catalog.neighbours("second-steps") == (first, None)


def test_exercise_directive_splits_the_lesson_where_it_stands(tmp_path):
    lesson = GOOD_LESSON.format(extra="exercises: [sizer]\n",
                                body="\n[[exercise sizer goal=1000000 win_rate=0.2]]\n\n## After\n\nMore.\n")
    catalog = load_catalog(*write(tmp_path, lesson))
    parts = catalog.lessons[0].parts
    assert parts[1] == Directive("sizer", (("goal", "1000000"), ("win_rate", "0.2")))
    assert "Body text" in parts[0] and "After" in parts[2]


@pytest.mark.parametrize(("extra", "body", "expected"), [
    ("exercises: [teleport]\n", "", "01-intro.md:7: unknown exercise kind 'teleport'"),
    ("", "\n[[exercise teleport]]\n", "01-intro.md:12: unknown exercise kind 'teleport'"),
    ("", "\n[[exercise sizer\n", "01-intro.md:12: an exercise line looks like"),
    ("exercises: [sizer]\n", "\n[[exercise sizer colour=red]]\n", "the sizer exercise has no option 'colour'"),
    ("exercises: [sizer]\n", "", "'exercises' lists ['sizer'] but the body embeds none"),
    ("", "\n[[exercise sizer]]\n", "'exercises' lists none but the body embeds ['sizer']"),
    ("quiz: missing-quiz\n", "", "the quiz 'missing-quiz' does not exist"),
    ("colour: red\n", "", "01-intro.md:7: unknown front matter field 'colour'"),
    ("minutes: lots\n", "", "'minutes' must be a whole number"),
])
def test_lesson_mistakes_are_named_with_their_line(tmp_path, extra, body, expected):
    lesson = GOOD_LESSON.format(extra=extra, body=body)
    if extra.startswith("minutes"):
        lesson = lesson.replace("minutes: 5\n", "")
    assert any(expected in p for p in problems(tmp_path, lesson)), problems(tmp_path, lesson)


@pytest.mark.parametrize(("lesson", "expected"), [
    ("no front matter", "01-intro.md:1: a lesson starts with front matter"),
    ("---\ntitle: x\n", "the front matter has no closing '---' line"),
    ("---\ntitle: [unclosed\n---\nbody", "01-intro.md:3: this is not valid YAML"),
    ("---\nslug: other\ntitle: T\nminutes: 1\nsummary: S\nobjectives: [o]\n---\nb",
     "01-intro.md:2: 'slug' is 'other' but the file name says 'intro'"),
    ("---\ntitle: T\n---\nb", "the front matter needs 'slug'"),
    ("---\nslug: intro\ntitle: T\nminutes: 1\nsummary: S\nobjectives: []\n---\nb", "'objectives' must be a list"),
])
def test_front_matter_mistakes(tmp_path, lesson, expected):
    found = problems(tmp_path, lesson)
    assert any(expected in p for p in found), found


def test_badly_named_lesson_file(tmp_path):
    assert any("named NN-slug.md" in p for p in problems(tmp_path, GOOD_LESSON.format(extra="", body=""),
                                                          name="intro.md"))


def test_duplicate_numbers(tmp_path):
    write(tmp_path, GOOD_LESSON.format(extra="", body=""), name="01-intro.md")
    other = GOOD_LESSON.format(extra="", body="").replace("slug: intro", "slug: other")
    found = problems(tmp_path, other, name="01-other.md")
    assert any("01-other.md: two lessons share the number 01" in p for p in found), found


def test_empty_content_folder(tmp_path):
    (tmp_path / "content").mkdir()
    with pytest.raises(ContentError, match="there are no lessons"):
        load_catalog(tmp_path / "content", tmp_path / "quizzes")


QUIZ_MISTAKES = [
    (GOOD_QUIZ.replace("pass_mark: 70", "pass_mark: 170"), "intro.yml:2: 'pass_mark' must be a whole percent"),
    (GOOD_QUIZ.replace("kind: single", "kind: essay"), "intro.yml:5: question 1: 'kind' must be one of"),
    (GOOD_QUIZ.replace("        correct: true\n", ""), "exactly one option must be correct (found 0)"),
    (GOOD_QUIZ.replace("kind: single", "kind: multiple").replace("        correct: true\n", ""),
     "'multiple' so at least one option must be correct"),
    (GOOD_QUIZ.replace("    explanation: Because A.\n", ""), "question 1 needs a 'explanation'"),
    (GOOD_QUIZ.replace("feedback: Not B.", "feedback: no"),
     "intro.yml:11: question 1, option 2: 'feedback' must be text"),
    (GOOD_QUIZ.replace("  - id: q1", "  - id: Q 1"), "needs an 'id' of lower-case words"),
    (GOOD_QUIZ + GOOD_QUIZ.split("questions:\n")[1], "two questions share the id 'q1'"),
    ("title: T\npass_mark: 50\nquestions:\n  - id: n\n    kind: numeric\n    prompt: P\n    explanation: E\n"
     "    answer: five\n    tolerance: -1\n", "a numeric 'answer' must be a number"),
    ("title: T\npass_mark: 50\nquestions:\n  - id: n\n    kind: numeric\n    prompt: P\n    explanation: E\n"
     "    answer: 5\n    tolerance: -1\n", "intro.yml:9: question 1: 'tolerance' must be a number of 0 or more"),
    ("title: T\npass_mark: 50\nquestions:\n  - id: t\n    kind: true_false\n    prompt: P\n    explanation: E\n"
     "    answer: maybe\n", "a true_false 'answer' is true or false"),
    ("title: T\npass_mark: 50\nquestions: []\n", "the quiz needs a list of 'questions'"),
    ("just text", "a quiz is a set of 'key: value' lines"),
]


@pytest.mark.parametrize(("quiz", "expected"), QUIZ_MISTAKES)
def test_quiz_mistakes(tmp_path, quiz, expected):
    lesson = GOOD_LESSON.format(extra="quiz: intro\n", body="")
    found = problems(tmp_path, lesson, quiz)
    assert any(expected in p for p in found), found


def test_every_problem_is_reported_at_once(tmp_path):
    bad_quiz = GOOD_QUIZ.replace("pass_mark: 70", "pass_mark: 0").replace("kind: single", "kind: essay")
    lesson = GOOD_LESSON.format(extra="colour: red\n", body="\n[[exercise teleport]]\n")
    assert len(problems(tmp_path, lesson, bad_quiz)) >= 4


def test_check_content_command_lists_problems(tmp_path, app):
    content, quizzes = write(tmp_path, GOOD_LESSON.format(extra="quiz: nope\n", body=""))
    app.config.update(CONTENT_DIR=str(content), QUIZ_DIR=str(quizzes))
    result = app.test_cli_runner().invoke(args=["check-content"])
    assert result.exit_code == 1
    assert "the quiz 'nope' does not exist" in result.output


def test_check_content_command_passes_on_good_content(runner):
    result = runner.invoke(args=["check-content"])
    assert result.exit_code == 0
    assert "Content is valid: 2 lessons, 1 quizzes." in result.output
