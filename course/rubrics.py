"""Review rubrics: load and validate `rubrics.yml` once, at start-up, into frozen dataclasses.

A rubric is a few lines a reviewer scores on one shared scale (1 Not yet ... 4 Fully), each with
a comment. Each exercise kind has its own rubric; kinds without one use the default rubric.
A mistake in the file raises `ContentError` listing every problem with its line.
Pure Python: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .catalog import ContentError, Problem
from .yaml_lines import LineIndex, load_with_lines

PATH = Path(__file__).with_name("rubrics.yml")
LINE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KIND = re.compile(r"^[a-z][a-z0-9_-]*$")
MIN_LINES, MAX_LINES = 3, 5
MIN_LEVELS, MAX_LEVELS = 2, 7
MAX_ID, MAX_TITLE, MAX_LABEL, MAX_TEXT = 40, 80, 30, 400
TOP_KEYS = {"scale", "kinds", "default"}
Report = Callable[[tuple[Any, ...], str], None]  # note a problem at a path of the YAML
LINE_KEYS = {"id", "title", "guidance"}
LEVEL_KEYS = {"score", "label", "meaning"}


@dataclass(frozen=True)
class Level:
    score: int
    label: str
    meaning: str


@dataclass(frozen=True)
class Line:
    id: str
    title: str
    guidance: str


@dataclass(frozen=True)
class Rubric:
    kind: str  # "default" for the fallback rubric
    lines: tuple[Line, ...]

    def line(self, line_id: str) -> Line | None:
        return next((line for line in self.lines if line.id == line_id), None)


@dataclass(frozen=True)
class Rubrics:
    scale: tuple[Level, ...]
    kinds: Mapping[str, Rubric] = field(hash=False)
    default: Rubric

    def for_kind(self, kind: str) -> Rubric:
        return self.kinds.get(kind, self.default)

    def label(self, score: int) -> str:
        return next((level.label for level in self.scale if level.score == score), str(score))

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(level.score for level in self.scale)


def load_rubrics(path: str | Path = PATH) -> Rubrics:
    """Read the rubrics file, or raise ContentError naming every mistake."""
    where = str(path)
    try:
        data, lines = load_with_lines(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ContentError([Problem(where, None, f"cannot read the rubrics file: {error.strerror}")]) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ContentError([Problem(where, line, f"this is not valid YAML: {error}")]) from error
    return parse_rubrics(data, lines, where)


def parse_rubrics(data: Any, lines: LineIndex, where: str) -> Rubrics:
    """Check the parsed YAML and build the rubrics, or raise ContentError with every problem."""
    problems: list[Problem] = []

    def problem(path: tuple[Any, ...], message: str) -> None:
        problems.append(Problem(where, lines.line(*path), message))

    if not isinstance(data, dict):
        raise ContentError([Problem(where, 1, "the file must hold 'scale', 'kinds' and 'default'")])
    for key in sorted(set(data) - TOP_KEYS, key=str):
        problem((key,), f"unknown key '{key}': use 'scale', 'kinds' and 'default' only")
    scale = _scale(data.get("scale"), problem)
    default = Rubric("default", _lines(data.get("default"), ("default",), problem))
    kinds = _kinds(data.get("kinds"), problem)
    if problems:
        raise ContentError(problems)
    return Rubrics(scale=scale, kinds=kinds, default=default)


def _scale(raw: Any, problem: Report) -> tuple[Level, ...]:
    if not isinstance(raw, list) or not MIN_LEVELS <= len(raw) <= MAX_LEVELS:
        problem(("scale",), f"'scale' must list {MIN_LEVELS} to {MAX_LEVELS} levels (score, label, meaning)")
        return ()
    levels = []
    for i, item in enumerate(raw):
        path = ("scale", i)
        if not _is_mapping(item, path, LEVEL_KEYS, problem):
            continue
        score = item.get("score")
        if score != i + 1 or isinstance(score, bool):
            problem((*path, "score"), f"level {i + 1} must have score {i + 1}: scores count up from 1")
        label = _text(item, "label", MAX_LABEL, path, problem)
        meaning = _text(item, "meaning", MAX_TEXT, path, problem)
        levels.append(Level(i + 1, label, meaning))
    return tuple(levels)


def _kinds(raw: Any, problem: Report) -> dict[str, Rubric]:
    if not isinstance(raw, dict) or not raw:
        problem(("kinds",), "'kinds' must map each exercise kind (journey, criteria...) to its lines")
        return {}
    kinds = {}
    for kind, items in raw.items():
        if not isinstance(kind, str) or not KIND.match(kind):
            problem(("kinds", kind), f"'{kind}' is not an exercise kind name (lower-case letters)")
            continue
        kinds[kind] = Rubric(kind, _lines(items, ("kinds", kind), problem))
    return kinds


def _lines(raw: Any, path: tuple[Any, ...], problem: Report) -> tuple[Line, ...]:
    name = " ".join(str(p) for p in path)
    if not isinstance(raw, list) or not MIN_LINES <= len(raw) <= MAX_LINES:
        problem(path, f"'{name}' must list {MIN_LINES} to {MAX_LINES} rubric lines")
        return ()
    found: list[Line] = []
    for i, item in enumerate(raw):
        if not _is_mapping(item, (*path, i), LINE_KEYS, problem):
            continue
        line_id = item.get("id")
        if not isinstance(line_id, str) or not LINE_ID.match(line_id) or len(line_id) > MAX_ID:
            problem((*path, i, "id"), f"line {i + 1} of '{name}' needs an id like 'evidence-named' "
                                      f"(lower-case words joined by '-', at most {MAX_ID} characters)")
            line_id = ""
        elif any(line.id == line_id for line in found):
            problem((*path, i, "id"), f"the id '{line_id}' is used twice in '{name}'")
        found.append(Line(line_id, _text(item, "title", MAX_TITLE, (*path, i), problem),
                          _text(item, "guidance", MAX_TEXT, (*path, i), problem)))
    return tuple(found)


def _is_mapping(item: Any, path: tuple[Any, ...], keys: set[str], problem: Report) -> bool:
    if not isinstance(item, dict):
        problem(path, f"expected {', '.join(sorted(keys))} here")
        return False
    for key in sorted(set(item) - keys, key=str):
        problem((*path, key), f"unknown key '{key}': use {', '.join(sorted(keys))}")
    return True


def _text(item: dict[str, Any], key: str, limit: int, path: tuple[Any, ...], problem: Report) -> str:
    value = item.get(key)
    if isinstance(value, bool):  # YAML reads a bare Yes, No, On or Off as true or false
        problem((*path, key), f"'{key}' was read as {str(value).lower()}: put the text in quotes")
        return ""
    if not isinstance(value, str) or not value.strip():
        problem((*path, key) if key in item else path, f"'{key}' must be some text")
        return ""
    if len(value) > limit:
        problem((*path, key), f"'{key}' is {len(value)} characters long; keep it to {limit}")
    return " ".join(value.split())
