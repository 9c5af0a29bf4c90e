"""Load, validate and render the course content once, at start-up.

Lessons live in `content/NN-slug.md` (YAML front matter + Markdown), quizzes in
`quizzes/slug.yml`. Everything is checked before the site serves a page: a mistake raises
`ContentError` listing every problem with its file and, where possible, its line.
Pure Python: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .content_render import render_markdown
from .glossary import Reference, Term, load_entries
from .yaml_lines import LineIndex, load_with_lines

LESSON_NAME = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DIRECTIVE = re.compile(r"^\[\[exercise\s+(?P<kind>[a-z-]+)(?P<opts>(?:\s+[a-z_]+=\S+)*)\s*\]\]\s*$")
SLOT = "EXERCISESLOT"
SLOT_HTML = re.compile(r"<p>EXERCISESLOT(\d+)</p>")
QUESTION_KINDS = ("single", "multiple", "true_false", "numeric")

# Exercise kinds a lesson may embed, with the preset options each accepts. The exercise
# issues add their kind here when its page exists; anything else is a content error.
EXERCISE_KINDS: dict[str, frozenset[str]] = {
    "cadence": frozenset(),
    "criteria": frozenset(),
    "journey": frozenset(),
    "sizer": frozenset({
        "currency", "goal", "period_days", "days_elapsed", "booked", "deal_size", "win_rate",
        "cycle_days", "slippage", "create_and_close", "naive_multiple", "current_pipeline",
    }),
}


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ContentError(ValueError):
    """The content has mistakes; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Directive:
    kind: str
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TocEntry:
    id: str
    title: str
    level: int


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str
    title: str
    minutes: int
    summary: str
    objectives: tuple[str, ...]
    quiz: str | None
    exercises: tuple[str, ...]
    parts: tuple[str | Directive, ...]  # rendered HTML with the exercises in their places
    toc: tuple[TocEntry, ...]
    source: str = ""  # the file it came from, for error messages


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    prompt: str
    explanation: str
    options: tuple[Option, ...] = ()
    answer: float | None = None
    tolerance: float = 0.0
    unit: str = ""


@dataclass(frozen=True)
class Quiz:
    slug: str
    title: str
    pass_mark: int
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Catalog:
    lessons: tuple[Lesson, ...]
    quizzes: dict[str, Quiz] = field(default_factory=dict)
    glossary: tuple[Term, ...] = ()
    references: tuple[Reference, ...] = ()

    def lesson(self, slug: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.slug == slug), None)

    def neighbours(self, slug: str) -> tuple[Lesson | None, Lesson | None]:
        """Return the lessons before and after `slug` in course order."""
        slugs = [lesson.slug for lesson in self.lessons]
        i = slugs.index(slug)
        before = self.lessons[i - 1] if i > 0 else None
        after = self.lessons[i + 1] if i + 1 < len(self.lessons) else None
        return before, after

    def lesson_for_quiz(self, quiz_slug: str) -> Lesson | None:
        return next((le for le in self.lessons if le.quiz == quiz_slug), None)


def load_catalog(content_dir: str | Path, quiz_dir: str | Path) -> Catalog:
    """Read every lesson and quiz, or raise ContentError naming every mistake."""
    problems: list[Problem] = []
    quizzes = _load_quizzes(Path(quiz_dir), problems)
    lessons = _load_lessons(Path(content_dir), problems)
    glossary = load_entries(Path(content_dir) / "glossary.yml", _adder, problems, "term")
    references = load_entries(Path(content_dir) / "references.yml", _adder, problems, "reference")
    _check_lessons(lessons, quizzes, problems)
    _check_links(lessons, glossary, problems)
    if problems:
        raise ContentError(problems)
    return Catalog(lessons=tuple(sorted(lessons, key=lambda le: le.number)), quizzes=quizzes,
                   glossary=tuple(sorted(glossary, key=lambda t: t.term.lower())),
                   references=references)


# --- lessons -------------------------------------------------------------------------------

def _load_lessons(folder: Path, problems: list[Problem]) -> list[Lesson]:
    lessons = []
    if not folder.is_dir():
        problems.append(Problem(str(folder), None, "the content folder does not exist"))
        return []
    for path in sorted(folder.glob("*.md")):
        lesson = _load_lesson(path, problems)
        if lesson:
            lessons.append(lesson)
    if not lessons and not problems:
        problems.append(Problem(str(folder), None, "there are no lessons (NN-slug.md files)"))
    return lessons


def _load_lesson(path: Path, problems: list[Problem]) -> Lesson | None:
    where = str(path)
    name = LESSON_NAME.match(path.name)
    if not name:
        problems.append(Problem(where, None,
                                "a lesson file is named NN-slug.md, e.g. 03-mapping-the-buying-journey.md"))
        return None
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        problems.append(Problem(where, 1, "a lesson starts with front matter between two '---' lines"))
        return None
    end = text.find("\n---\n", 4)
    if end < 0:
        problems.append(Problem(where, 1, "the front matter has no closing '---' line"))
        return None
    head, body = text[4:end + 1], text[end + 5:]
    body_first_line = head.count("\n") + 3
    meta, lines = _parse_yaml(head, where, problems, first_line=2)
    if meta is None:
        return None
    before = len(problems)
    fields = _lesson_fields(meta, name.group(2), where, lines, problems)
    parts, toc = _lesson_body(body, where, body_first_line, problems)
    if len(problems) > before or fields is None:
        return None
    directives = {p.kind for p in parts if isinstance(p, Directive)}
    if directives != set(fields["exercises"]):
        problems.append(Problem(where, lines.line("exercises"), (
            f"'exercises' lists {sorted(fields['exercises']) or 'none'} but the body embeds "
            f"{sorted(directives) or 'none'}: each required exercise needs its [[exercise ...]] line")))
        return None
    return Lesson(number=int(name.group(1)), parts=parts, toc=toc, source=where, **fields)


def _lesson_fields(meta: Any, file_slug: str, where: str, lines: LineIndex,
                   problems: list[Problem]) -> dict[str, Any] | None:
    if not isinstance(meta, dict):
        problems.append(Problem(where, 2, "the front matter must be a set of 'key: value' lines"))
        return None
    add = _adder(where, lines, problems)
    for key in ("slug", "title", "minutes", "summary", "objectives"):
        if key not in meta:
            add((), f"the front matter needs '{key}'")
    unknown = set(meta) - {"slug", "title", "minutes", "summary", "objectives", "quiz", "exercises"}
    for key in sorted(unknown):
        add((key,), f"unknown front matter field '{key}'")
    slug = meta.get("slug")
    if "slug" in meta and (not isinstance(slug, str) or not SLUG.match(slug)):
        add(("slug",), "'slug' must be lower-case words joined by hyphens")
    elif isinstance(slug, str) and slug != file_slug:
        add(("slug",), f"'slug' is '{slug}' but the file name says '{file_slug}'")
    for key in ("title", "summary"):
        if key in meta and not _text(meta[key]):
            add((key,), f"'{key}' must be non-empty text")
    minutes = meta.get("minutes")
    if "minutes" in meta and (type(minutes) is not int or not 1 <= minutes <= 600):
        add(("minutes",), "'minutes' must be a whole number of minutes from 1 to 600")
    objectives = meta.get("objectives")
    if "objectives" in meta and (not isinstance(objectives, list) or not objectives
                                 or not all(_text(o) for o in objectives)):
        add(("objectives",), "'objectives' must be a list of at least one line of text")
    quiz = meta.get("quiz")
    if quiz is not None and (not isinstance(quiz, str) or not SLUG.match(quiz)):
        add(("quiz",), "'quiz' must name a quiz file in quizzes/ (its slug, without .yml)")
    exercises = meta.get("exercises") or []
    if not isinstance(exercises, list) or not all(isinstance(e, str) for e in exercises):
        add(("exercises",), "'exercises' must be a list of exercise kinds, e.g. [journey]")
        exercises = []
    for kind in exercises:
        if kind not in EXERCISE_KINDS:
            add(("exercises",), f"unknown exercise kind '{kind}' (known: {', '.join(sorted(EXERCISE_KINDS))})")
    if any(p.path == where for p in problems):
        return None
    return {"slug": slug, "title": meta["title"].strip(), "minutes": minutes,
            "summary": meta["summary"].strip(), "objectives": tuple(o.strip() for o in objectives or ()),
            "quiz": quiz, "exercises": tuple(exercises)}


def _lesson_body(body: str, where: str, first_line: int,
                 problems: list[Problem]) -> tuple[tuple[str | Directive, ...], tuple[TocEntry, ...]]:
    """Render the Markdown once, then cut the HTML where each exercise directive stood."""
    directives: list[Directive] = []
    lines = []
    for number, line in enumerate(body.splitlines(), start=first_line):
        if line.startswith("[[exercise"):
            directive = _parse_directive(line, where, number, problems)
            if directive:
                lines.append(f"\n{SLOT}{len(directives)}\n")
                directives.append(directive)
            continue
        lines.append(line)
    html, entries = render_markdown("\n".join(lines))
    parts: list[str | Directive] = []
    for i, piece in enumerate(SLOT_HTML.split(html)):
        if i % 2:
            parts.append(directives[int(piece)])
        elif piece.strip():
            parts.append(piece)
    return tuple(parts), tuple(TocEntry(*e) for e in entries)


def _parse_directive(line: str, where: str, number: int, problems: list[Problem]) -> Directive | None:
    match = DIRECTIVE.match(line)
    if not match:
        problems.append(Problem(where, number, "an exercise line looks like [[exercise KIND key=value ...]]"))
        return None
    kind = match.group("kind")
    if kind not in EXERCISE_KINDS:
        known = ", ".join(sorted(EXERCISE_KINDS))
        problems.append(Problem(where, number, f"unknown exercise kind '{kind}' (known: {known})"))
        return None
    options = tuple((key, value) for key, _, value in (o.partition("=") for o in match.group("opts").split()))
    for key, _ in options:
        if key not in EXERCISE_KINDS[kind]:
            problems.append(Problem(where, number, f"the {kind} exercise has no option '{key}'"))
    return Directive(kind, options)


def _check_lessons(lessons: list[Lesson], quizzes: dict[str, Quiz], problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for lesson in lessons:
        if lesson.slug in seen:
            problems.append(Problem(lesson.source, 2, f"two lessons share the slug '{lesson.slug}'"))
        if lesson.number in seen.values():
            problems.append(Problem(lesson.source, None, f"two lessons share the number {lesson.number:02d}"))
        seen[lesson.slug] = lesson.number
        if lesson.quiz and lesson.quiz not in quizzes:
            problems.append(Problem(lesson.source, None,
                                    f"the quiz '{lesson.quiz}' does not exist (no quizzes/{lesson.quiz}.yml)"))


LINK = re.compile(r'href="(/[^"]*)"')
PAGES = ("/glossary", "/references", "/course", "/progress", "/sizer", "/playbook")  # grow this as pages are added


def _check_links(lessons: list[Lesson], glossary: tuple[Term, ...], problems: list[Problem]) -> None:
    """Every link to a lesson or a glossary term must lead somewhere."""
    slugs = {lesson.slug for lesson in lessons}
    terms = {t.id for t in glossary}
    for lesson in lessons:
        for part in lesson.parts:
            for target in LINK.findall(part) if isinstance(part, str) else ():
                path, _, anchor = target.partition("#")
                if path.startswith("/lessons/") and path.removeprefix("/lessons/") not in slugs:
                    problems.append(Problem(lesson.source, None, f"the link {target} names no lesson"))
                elif path == "/glossary" and anchor and anchor not in terms:
                    problems.append(Problem(lesson.source, None, f"the link {target} names no glossary term"))
                elif path not in PAGES \
                        and not path.startswith("/lessons/"):
                    problems.append(Problem(lesson.source, None, f"the link {target} leads to no page of the course"))


# --- quizzes -------------------------------------------------------------------------------

def _load_quizzes(folder: Path, problems: list[Problem]) -> dict[str, Quiz]:
    quizzes: dict[str, Quiz] = {}
    if not folder.is_dir():
        return quizzes
    for path in sorted(folder.glob("*.yml")):
        where = str(path)
        if not SLUG.match(path.stem):
            problems.append(Problem(where, None, "a quiz file is named slug.yml with a lower-case hyphenated slug"))
            continue
        data, lines = _parse_yaml(path.read_text(encoding="utf-8"), where, problems)
        if data is not None:
            quiz = _quiz(path.stem, data, _adder(where, lines, problems))
            if quiz:
                quizzes[quiz.slug] = quiz
    return quizzes


def _quiz(slug: str, data: Any, add: Any) -> Quiz | None:
    if not isinstance(data, dict):
        add((), "a quiz is a set of 'key: value' lines: title, pass_mark, questions")
        return None
    if not _text(data.get("title")):
        add(("title",), "the quiz needs a 'title'")
    mark = data.get("pass_mark")
    if type(mark) is not int or not 0 < mark <= 100:
        add(("pass_mark",), "'pass_mark' must be a whole percent from 1 to 100")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        add(("questions",), "the quiz needs a list of 'questions'")
        return None
    questions = [_question(i, q, add) for i, q in enumerate(raw)]
    ids = [q.id for q in questions if q]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        add(("questions",), f"two questions share the id '{dup}'")
    if None in questions or add.count():
        return None
    return Quiz(slug, data["title"].strip(), data["pass_mark"], tuple(q for q in questions if q))


def _question(i: int, q: Any, add: Any) -> Question | None:
    at = ("questions", i)
    if not isinstance(q, dict):
        add(at, f"question {i + 1} must be a set of 'key: value' lines")
        return None
    before = add.count()
    qid, kind = q.get("id"), q.get("kind")
    if not isinstance(qid, str) or not SLUG.match(qid):
        add(at, f"question {i + 1} needs an 'id' of lower-case words joined by hyphens")
    if kind not in QUESTION_KINDS:
        add((*at, "kind"), f"question {i + 1}: 'kind' must be one of {', '.join(QUESTION_KINDS)}")
    for key in ("prompt", "explanation"):
        if not _text(q.get(key)):
            add(at, f"question {i + 1} needs a '{key}'")
    options: tuple[Option, ...] = ()
    answer, tolerance = None, 0.0
    if kind in ("single", "multiple"):
        options = _options(i, q.get("options"), kind, add)
    elif kind == "true_false":
        if type(q.get("answer")) is not bool:
            add((*at, "answer"), f"question {i + 1}: a true_false 'answer' is true or false")
        else:
            options = (Option("true", "True", q["answer"], str(q.get("feedback_true", ""))),
                       Option("false", "False", not q["answer"], str(q.get("feedback_false", ""))))
    elif kind == "numeric":
        answer, tolerance = q.get("answer"), q.get("tolerance", 0)
        if type(answer) not in (int, float):
            add((*at, "answer"), f"question {i + 1}: a numeric 'answer' must be a number")
        if type(tolerance) not in (int, float) or tolerance < 0:
            add((*at, "tolerance"), f"question {i + 1}: 'tolerance' must be a number of 0 or more")
    if add.count() > before:
        return None
    return Question(str(qid), str(kind), q["prompt"].strip(), q["explanation"].strip(), options,
                    float(answer) if answer is not None else None, float(tolerance),
                    str(q.get("unit", "")))


def _options(i: int, raw: Any, kind: str, add: Any) -> tuple[Option, ...]:
    at = ("questions", i, "options")
    if not isinstance(raw, list) or len(raw) < 2:
        add(at, f"question {i + 1} needs at least two 'options'")
        return ()
    options = []
    for j, opt in enumerate(raw):
        if not isinstance(opt, dict) or not _text(opt.get("text")):
            add((*at, j), f"question {i + 1}, option {j + 1} needs a 'text'")
            continue
        if type(opt.get("correct", False)) is not bool:
            add((*at, j), f"question {i + 1}, option {j + 1}: 'correct' is true or false")
            continue
        if not isinstance(opt.get("feedback", ""), str):
            add((*at, j, "feedback"), f"question {i + 1}, option {j + 1}: 'feedback' must be text "
                "(put it in quotes: YAML reads a bare yes or no as true or false)")
            continue
        options.append(Option(str(j), opt["text"].strip(), opt.get("correct", False),
                              str(opt.get("feedback", "")).strip()))
    right = sum(o.correct for o in options)
    if kind == "single" and right != 1:
        add(at, f"question {i + 1} is 'single' so exactly one option must be correct (found {right})")
    if kind == "multiple" and right < 1:
        add(at, f"question {i + 1} is 'multiple' so at least one option must be correct")
    return tuple(options)


# --- helpers -------------------------------------------------------------------------------

def _parse_yaml(text: str, where: str, problems: list[Problem],
                first_line: int = 1) -> tuple[Any, LineIndex]:
    try:
        return load_with_lines(text, first_line)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark else None
        problems.append(Problem(where, line, f"this is not valid YAML ({getattr(exc, 'problem', exc)})"))
        return None, LineIndex({}, first_line)


class _adder:
    """Record problems for one file, finding the line of the field at fault."""

    def __init__(self, where: str, lines: LineIndex, problems: list[Problem]) -> None:
        self.where, self.lines, self.problems, self.n = where, lines, problems, 0

    def __call__(self, at: Iterable[Any], message: str) -> None:
        self.n += 1
        self.problems.append(Problem(self.where, self.lines.line(*at), message))

    def count(self) -> int:
        return self.n


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
