"""Quiz grading, on the fixture quiz (4 questions, pass mark 75%)."""

from pathlib import Path

import pytest

from course.catalog import load_catalog
from course.grading import grade, parse_number, read_answers

FIXTURES = Path(__file__).parent / "fixtures"
QUIZ = load_catalog(FIXTURES / "content", FIXTURES / "quizzes").quizzes["first-steps"]
RIGHT = {"buyer-decides": "0", "good-criteria": ["0", "1"], "bigger-better": "false", "coverage-20": "5"}


def test_all_right_passes_with_full_marks():
    result = grade(QUIZ, RIGHT)
    assert (result.points, result.max_points, result.percent, result.passed) == (4, 4, 100, True)


def test_three_of_four_meets_a_75_percent_pass_mark():
    result = grade(QUIZ, {**RIGHT, "coverage-20": "3"})
    assert (result.points, result.passed) == (3, True)
    assert [r.correct for r in result.results] == [True, True, True, False]


def test_two_of_four_fails():
    assert not grade(QUIZ, {**RIGHT, "buyer-decides": "1", "coverage-20": "3"}).passed


def test_multiple_choice_needs_exactly_the_right_set():
    assert not grade(QUIZ, {**RIGHT, "good-criteria": ["0"]}).results[1].correct
    assert not grade(QUIZ, {**RIGHT, "good-criteria": ["0", "1", "2"]}).results[1].correct


def test_feedback_of_chosen_options_is_returned():
    result = grade(QUIZ, {**RIGHT, "buyer-decides": "1", "good-criteria": ["0", "2"]})
    assert result.results[0].feedback == ("The seller can only help the buyer decide.",)
    assert result.results[1].feedback == ("Nobody else can check a feeling.",)
    assert result.results[2].feedback == ()  # the right answer "false" carries no feedback


@pytest.mark.parametrize(("typed", "right"), [("5", True), ("5.04", True), ("4.95", True),
                                               ("5.06", False), ("4.9", False), ("5.0x", False)])
def test_numeric_tolerance(typed, right):
    assert grade(QUIZ, {**RIGHT, "coverage-20": typed}).results[3].correct is right


@pytest.mark.parametrize(("text", "value"), [("1,643,835.62", 1643835.62), ("$5", 5.0), ("20%", 20.0),
                                              (" .5 ", 0.5), ("-3", -3.0), ("five", None), ("", None),
                                              ("1e400", None), ("nan", None)])
def test_parse_number_reads_what_people_type(text, value):
    assert parse_number(text) == value


def test_read_answers_reports_every_missing_or_invalid_answer():
    form = {"buyer-decides": ["7"], "good-criteria": [], "coverage-20": ["five"]}
    answers, errors = read_answers(QUIZ, form)
    assert errors == {"buyer-decides": "Choose one answer.", "good-criteria": "Tick at least one option.",
                      "bigger-better": "Choose one answer.",
                      "coverage-20": "Enter a number, like 5 or 1643835.62 (no letters)."}
    assert answers["coverage-20"] == "five"  # kept, so the form shows what was typed


def test_read_answers_accepts_a_complete_form():
    form = {"buyer-decides": ["0"], "good-criteria": ["0", "1"], "bigger-better": ["false"],
            "coverage-20": ["5"]}
    answers, errors = read_answers(QUIZ, form)
    assert errors == {} and answers == RIGHT
