"""Check quiz answers and grade them. Pure Python: no Flask, no database."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .catalog import Question, Quiz

Answer = str | list[str]
NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)$")


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answer: Answer
    correct: bool
    feedback: tuple[str, ...]  # feedback of the options the person chose


@dataclass(frozen=True)
class Grade:
    points: int
    max_points: int
    passed: bool
    results: tuple[QuestionResult, ...]

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.max_points)


def read_answers(quiz: Quiz, form: Mapping[str, Sequence[str]]) -> tuple[dict[str, Answer], dict[str, str]]:
    """Pick each question's answer out of submitted form values; say what is missing or invalid.

    `form` maps a question id to the list of values sent for it.
    """
    answers: dict[str, Answer] = {}
    errors: dict[str, str] = {}
    for q in quiz.questions:
        values = [v.strip() for v in form.get(q.id, []) if v.strip()]
        keys = {o.key for o in q.options}
        if q.kind == "multiple":
            answers[q.id] = [v for v in values if v in keys]
            if not answers[q.id]:
                errors[q.id] = "Tick at least one option."
        elif q.kind == "numeric":
            answers[q.id] = values[0] if values else ""
            if not values:
                errors[q.id] = "Enter a number."
            elif parse_number(values[0]) is None:
                errors[q.id] = "Enter a number, like 5 or 1643835.62 (no letters)."
        else:
            answers[q.id] = values[0] if values and values[0] in keys else ""
            if not answers[q.id]:
                errors[q.id] = "Choose one answer."
    return answers, errors


def parse_number(text: str) -> float | None:
    """Read a number as people type it: thousands commas, a $ or % sign are ignored."""
    cleaned = text.replace(",", "").replace("$", "").replace("%", "").replace(" ", "")
    if not NUMBER.match(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def grade(quiz: Quiz, answers: Mapping[str, Answer]) -> Grade:
    """Score one point per fully right question; `passed` when the percent reaches the pass mark."""
    results = tuple(_grade_question(q, answers.get(q.id, "")) for q in quiz.questions)
    points = sum(r.correct for r in results)
    total = len(results)
    return Grade(points, total, 100 * points >= quiz.pass_mark * total, results)


def _grade_question(q: Question, answer: Answer) -> QuestionResult:
    chosen = set(answer) if isinstance(answer, list) else {answer}
    if q.kind == "numeric":
        value = parse_number(answer if isinstance(answer, str) else "")
        assert q.answer is not None
        # A little slack on top of the tolerance so 0.1 + 0.2 style float noise never fails a learner.
        correct = value is not None and abs(value - q.answer) <= q.tolerance + 1e-9
        return QuestionResult(q, answer, correct, ())
    right = {o.key for o in q.options if o.correct}
    feedback = tuple(o.feedback for o in q.options if o.key in chosen and o.feedback)
    return QuestionResult(q, answer, chosen == right, feedback)
