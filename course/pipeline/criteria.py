"""Stage entry/exit criteria checker: rules C1-C17 of domain.md section 4.

A learner describes a sales process as stages, each with entry and exit criteria. The checker
reads every criterion as plain words and reports what a sales manager would push back on:
seller activity instead of buyer progress, no buyer named, moods instead of facts, no evidence,
and so on. The word lists live in `criteria_words.yml` next to this module, so a course author
can tune them without touching code.

Public API (used by the JSON endpoint and the exercise page):
    parse_check_request(data) -> CheckRequest     validate a decoded JSON body
    check_process(req) -> CheckResult             run the rules
    result_to_json(res) -> dict                   the response shape fixed in DESIGN.md
    load_word_lists(path=None) -> WordLists       the word lists (cached per file)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

import yaml

from course.pipeline.errors import InvalidInput

Severity = Literal["error", "warning", "info"]

MAX_STAGES = 30
MAX_CRITERIA_PER_STAGE = 50  # entry + exit + drop_out of one stage
MAX_CRITERIA_TOTAL = 400  # keeps the pairwise duplicate check (C17) cheap on a public endpoint
MAX_CRITERION_CHARS = 500
MAX_NAME_CHARS = 100
MAX_PHASES = 20
MAX_DAYS = 3650
MIN_GOOD_STAGES, MAX_GOOD_STAGES = 3, 8  # C11
SIMILAR = 0.8  # C12 and C17: share of shared words above which two criteria say the same thing

WORDS_FILE = Path(__file__).with_name("criteria_words.yml")


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class StageInput:
    """One stage as the learner wrote it."""

    name: str
    entry: tuple[str, ...]
    exit: tuple[str, ...]
    drop_out: tuple[str, ...] = ()
    max_days: int | None = None


@dataclass(frozen=True)
class CheckRequest:
    """A process to check: stages in order and, optionally, the buyer phases of the journey."""

    stages: tuple[StageInput, ...]
    journey: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One piece of feedback: which rule, how serious, what is wrong and how to fix it."""

    rule: str
    severity: Severity
    message: str
    hint: str


@dataclass(frozen=True)
class CriterionResult:
    """A criterion's text and what the rules found in it."""

    text: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class StageResult:
    """A stage's own findings and those of each of its entry and exit criteria."""

    name: str
    findings: tuple[Finding, ...]
    entry: tuple[CriterionResult, ...]
    exit: tuple[CriterionResult, ...]


@dataclass(frozen=True)
class CheckResult:
    """The whole report: score, process-wide findings and one result per stage."""

    score: float
    findings: tuple[Finding, ...]
    stages: tuple[StageResult, ...]


# --------------------------------------------------------------------------- words


class Token(NamedTuple):
    """A word of a text: as written, lower-cased, and reduced to its stem."""

    text: str
    low: str
    stem: str


_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc`]")
_POSSESSIVE = re.compile(r"'s\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=4096)  # the same criterion is read by several rules
def tokenize(text: str) -> tuple[Token, ...]:
    """Split text into words, ignoring case, punctuation and possessive 's."""
    text = _POSSESSIVE.sub("", _APOSTROPHES.sub("'", text)).replace("'", "")
    return tuple(Token(w, w.lower(), stem(w.lower())) for w in _WORD.findall(text))


@functools.lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """Reduce a lower-case word to a stem shared by its simple inflections.

    Crude on purpose: "send", "sends", "sending" share a stem, and so do "quote", "quoted",
    "quotes"; irregular forms ("sent") are listed in the word file. Both the word lists and
    the learner's text go through this, so only consistency matters, not linguistic truth.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"
    word = _strip_suffix(word, ("es", "s"))
    word = _strip_suffix(word, ("ing", "ed"))
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "aeioulsz":
        word = word[:-1]  # "submitted" -> "submitt" -> "submit"
    return word


def _strip_suffix(word: str, suffixes: tuple[str, ...]) -> str:
    """Drop the first matching suffix if at least three letters remain ("business" stays)."""
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word if word.endswith("ss") and suffix == "s" else word[: -len(suffix)]
    return word


@dataclass(frozen=True)
class Phrase:
    """A word-list entry: its words as stems, or as exact lower-case words after '='."""

    text: str
    words: tuple[str, ...]
    exact: bool

    def matches_at(self, tokens: Sequence[Token], start: int) -> bool:
        """Tell whether the phrase occurs in `tokens` starting at `start`."""
        found = tokens[start : start + len(self.words)]
        if len(found) < len(self.words):
            return False
        return all(
            (t.low if self.exact else t.stem) == w for t, w in zip(found, self.words, strict=True)
        )


class Match(NamedTuple):
    """Where a phrase of a word list occurs in a text (token positions, end exclusive)."""

    start: int
    end: int
    phrase: Phrase


def _phrase(entry: str) -> Phrase:
    """Turn a word-file entry into a Phrase (may have no words; the loader rejects that)."""
    exact = entry.startswith("=")
    tokens = tokenize(entry[1:] if exact else entry)
    words = tuple(t.low if exact else t.stem for t in tokens)
    return Phrase(entry[1:] if exact else entry, words, exact)


@dataclass(frozen=True)
class Lexicon:
    """A word list, indexed by first word so finding its phrases in a text is linear."""

    phrases: tuple[Phrase, ...]
    _index: dict[tuple[bool, str], tuple[Phrase, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index: dict[tuple[bool, str], list[Phrase]] = {}
        for p in self.phrases:
            index.setdefault((p.exact, p.words[0]), []).append(p)
        object.__setattr__(self, "_index", {k: tuple(v) for k, v in index.items()})

    @classmethod
    def of(cls, entries: Iterable[str]) -> Lexicon:
        """Build a lexicon from word-file entries."""
        return cls(tuple(_phrase(e) for e in entries))

    def find(self, tokens: Sequence[Token]) -> list[Match]:
        """Return every occurrence of the lexicon's phrases, in text order."""
        found = []
        for i, t in enumerate(tokens):
            for p in self._index.get((False, t.stem), ()) + self._index.get((True, t.low), ()):
                if p.matches_at(tokens, i):
                    found.append(Match(i, i + len(p.words), p))
        return found


@dataclass(frozen=True)
class WordLists:
    """The checker's word lists, ready for matching (see criteria_words.yml for each rule)."""

    seller_actors: Lexicon
    seller_verbs: Lexicon
    buyer_verbs: Lexicon
    buyer_roles: Lexicon
    generic_buyer_roles: Lexicon
    vague_words: Lexicon
    vague_fixes: Mapping[str, str]
    hedge_words: Lexicon
    confidence_words: Lexicon
    evidence_words: Lexicon
    future_words: Lexicon
    forecast_words: Lexicon
    probability_words: Lexicon
    activity_stage_names: Lexicon
    stage_renames: Mapping[str, str]
    next_step_words: Lexicon
    date_words: Lexicon
    decision_maker_words: Lexicon
    timeline_or_problem_words: Lexicon
    journey_words: Lexicon
    journey_groups: Mapping[str, frozenset[int]]
    stopwords: frozenset[str]
    seller_rewrites: tuple[tuple[Phrase, str], ...]
    default_rewrite: str


_LIST_KEYS = (
    "seller_actors", "seller_verbs", "buyer_verbs", "buyer_roles", "generic_buyer_roles",
    "hedge_words", "confidence_words", "evidence_words", "future_words", "forecast_words",
    "probability_words", "next_step_words", "date_words", "decision_maker_words",
    "timeline_or_problem_words", "stopwords",
)  # fmt: skip
_MAP_KEYS = ("vague_words", "activity_stage_names", "seller_rewrites")
_ALL_KEYS = frozenset(_LIST_KEYS + _MAP_KEYS + ("journey_concepts",))


def load_word_lists(path: Path | str | None = None) -> WordLists:
    """Load and check a word file (default: the one next to this module); cached per path."""
    return _load(Path(path) if path is not None else WORDS_FILE)


@functools.cache
def _load(path: Path) -> WordLists:
    """Read, validate and compile one word file; raise InvalidInput naming every fault."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput({path.name: f"cannot read the word file: {exc}"}) from exc
    errors = _word_file_errors(raw)
    if errors:
        raise InvalidInput({f"{path.name}: {k}": v for k, v in errors.items()})
    return _compile(raw)


def _word_file_errors(raw: object) -> dict[str, str]:
    """List every structural fault of a decoded word file."""
    if not isinstance(raw, dict):
        return {"file": "must be a mapping of list names to lists"}
    errors = {k: "unknown list name" for k in raw if k not in _ALL_KEYS}
    errors |= {k: "missing" for k in sorted(_ALL_KEYS - raw.keys())}
    for key in _LIST_KEYS:
        if key in raw:
            errors |= _entries_errors(key, raw[key])
    for key in _MAP_KEYS:
        if key in raw:
            errors |= _mapping_errors(key, raw[key])
    groups = raw.get("journey_concepts")
    if "journey_concepts" in raw and not (isinstance(groups, list) and groups):
        errors["journey_concepts"] = "must be a non-empty list of word lists"
    elif isinstance(groups, list):
        for i, group in enumerate(groups):
            errors |= _entries_errors(f"journey_concepts[{i}]", group)
    if isinstance(raw.get("seller_rewrites"), dict) and "default" not in raw["seller_rewrites"]:
        errors["seller_rewrites.default"] = "missing: the example used when no word matches"
    return errors


def _entries_errors(key: str, entries: object) -> dict[str, str]:
    """Check a list of entries: non-empty, each a string with at least one word."""
    if not isinstance(entries, list) or not entries:
        return {key: "must be a non-empty list of words or phrases"}
    return {
        f"{key}[{i}]": "must be text with at least one word (quote yes/no/on/off)"
        for i, e in enumerate(entries)
        if not isinstance(e, str) or not _phrase(e).words
    }


def _mapping_errors(key: str, mapping: object) -> dict[str, str]:
    """Check a mapping of entries to texts; seller_rewrites values need a {role} slot."""
    if not isinstance(mapping, dict) or not mapping:
        return {key: "must be a non-empty mapping of words to texts"}
    errors = _entries_errors(key, list(mapping))
    for k, v in mapping.items():
        if not isinstance(v, str) or not v.strip():
            errors[f"{key}.{k}"] = "must map to a non-empty text"
        elif key == "seller_rewrites" and not _is_role_template(v):
            errors[f"{key}.{k}"] = "must contain {role} and no other {...} slot"
    return errors


def _is_role_template(text: str) -> bool:
    """Tell whether text formats with a role and uses it."""
    try:
        return "{role}" in text and bool(text.format(role="x"))
    except (KeyError, IndexError, ValueError, AttributeError):
        return False


def _compile(raw: dict[str, Any]) -> WordLists:
    """Build the matching structures from a validated word file."""
    lists = {k: Lexicon.of(raw[k]) for k in _LIST_KEYS if k != "stopwords"}
    entries: list[str] = []
    groups: dict[str, set[int]] = {}
    for i, group in enumerate(raw["journey_concepts"]):
        entries += group
        for entry in group:
            groups.setdefault(_phrase(entry).text, set()).add(i)
    rewrites = {k: v for k, v in raw["seller_rewrites"].items() if k != "default"}
    return WordLists(
        **lists,
        vague_words=Lexicon.of(raw["vague_words"]),
        vague_fixes={_phrase(k).text: v for k, v in raw["vague_words"].items()},
        activity_stage_names=Lexicon.of(raw["activity_stage_names"]),
        stage_renames={_phrase(k).text: v for k, v in raw["activity_stage_names"].items()},
        journey_words=Lexicon.of(entries),
        journey_groups={k: frozenset(v) for k, v in groups.items()},
        stopwords=frozenset(t.stem for w in raw["stopwords"] for t in tokenize(w)),
        seller_rewrites=tuple((_phrase(k), v) for k, v in rewrites.items()),
        default_rewrite=raw["seller_rewrites"]["default"],
    )


# --------------------------------------------------------------------------- parsing


def parse_check_request(data: object) -> CheckRequest:
    """Validate a decoded JSON body; raise InvalidInput naming every fault at once."""
    if not isinstance(data, dict):
        raise InvalidInput({"body": 'Send a JSON object with a "stages" list.'})
    errors: dict[str, str] = {
        _field_name(k): 'Unknown field: send "stages" and, optionally, "journey".'
        for k in data
        if k not in ("stages", "journey")
    }
    stages = _parse_stages(data.get("stages"), errors)
    journey = _parse_journey(data.get("journey"), errors)
    if errors:
        raise InvalidInput(errors)
    return CheckRequest(stages, journey)


def _field_name(key: object, prefix: str = "") -> str:
    """Name a field for an error, shortening absurdly long keys."""
    return f"{prefix}{str(key)[:40]}"


def _parse_stages(value: object, errors: dict[str, str]) -> tuple[StageInput, ...]:
    """Check the stages list and each stage in it."""
    if value is None:
        errors["stages"] = "Add at least one stage."
        return ()
    if not isinstance(value, list):
        errors["stages"] = "Send the stages as a list."
        return ()
    if not value or len(value) > MAX_STAGES:
        errors["stages"] = f"Send between 1 and {MAX_STAGES} stages (you sent {len(value)})."
        return ()
    stages = [_parse_stage(i, raw, errors) for i, raw in enumerate(value)]
    total = sum(len(s.entry) + len(s.exit) + len(s.drop_out) for s in stages if s)
    if total > MAX_CRITERIA_TOTAL:
        errors["stages"] = (
            f"A process can have at most {MAX_CRITERIA_TOTAL} criteria in all (you sent {total})."
        )
    return tuple(s for s in stages if s)


_STAGE_KEYS = ("name", "entry", "exit", "drop_out", "max_days")


def _parse_stage(i: int, raw: object, errors: dict[str, str]) -> StageInput | None:
    """Check one stage object; record faults under stages[i]...."""
    where = f"stages[{i}]"
    if not isinstance(raw, dict):
        errors[where] = "Each stage must be an object with a name, entry and exit criteria."
        return None
    for key in raw:
        if key not in _STAGE_KEYS:
            errors[_field_name(key, f"{where}.")] = (
                "Unknown field: a stage has name, entry, exit, drop_out and max_days."
            )
    name = _parse_name(raw.get("name"), f"{where}.name", errors)
    lists = {
        key: _parse_texts(raw.get(key), f"{where}.{key}", errors, required=key != "drop_out")
        for key in ("entry", "exit", "drop_out")
    }
    count = sum(len(v) for v in lists.values())
    if count > MAX_CRITERIA_PER_STAGE:
        errors[where] = (
            f"A stage can have at most {MAX_CRITERIA_PER_STAGE} criteria in all "
            f"(this one has {count})."
        )
    max_days = _parse_max_days(raw.get("max_days"), f"{where}.max_days", errors)
    return StageInput(name, lists["entry"], lists["exit"], lists["drop_out"], max_days)


def _parse_name(value: object, where: str, errors: dict[str, str]) -> str:
    """Check a stage name: non-blank text of reasonable length."""
    if not isinstance(value, str) or not value.strip():
        errors[where] = "Give the stage a name."
        return ""
    if len(value.strip()) > MAX_NAME_CHARS:
        errors[where] = f"Keep the stage name to {MAX_NAME_CHARS} characters or fewer."
    return value.strip()


def _parse_texts(
    value: object, where: str, errors: dict[str, str], *, required: bool
) -> tuple[str, ...]:
    """Check a list of criteria: a list of non-blank texts, none too long."""
    if value is None:
        if required:
            errors[where] = "Send a list of criteria (it may be empty)."
        return ()
    if not isinstance(value, list):
        errors[where] = "Send the criteria as a list of texts."
        return ()
    if len(value) > MAX_CRITERIA_PER_STAGE:
        errors[where] = f"A list can hold at most {MAX_CRITERIA_PER_STAGE} criteria."
        return ()
    for j, item in enumerate(value):
        fault = _text_fault(item, MAX_CRITERION_CHARS, "criterion")
        if fault:
            errors[f"{where}[{j}]"] = fault
    return tuple(item.strip() for item in value if isinstance(item, str))


def _text_fault(item: object, limit: int, what: str) -> str | None:
    """Say what is wrong with one text item, or None when it is fine."""
    if not isinstance(item, str):
        return f"Write this {what} as text."
    if not item.strip():
        return f"This {what} is empty: write it or remove it."
    if len(item.strip()) > limit:
        return f"Keep each {what} to {limit} characters or fewer (this one has {len(item)})."
    return None


def _parse_max_days(value: object, where: str, errors: dict[str, str]) -> int | None:
    """Check the optional time limit: a whole number of days in a sensible range."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[where] = "Give the limit as a whole number of days."
        return None
    if not 1 <= value <= MAX_DAYS:
        errors[where] = f"Give a limit between 1 and {MAX_DAYS} days."
        return None
    return value


def _parse_journey(value: object, errors: dict[str, str]) -> tuple[str, ...]:
    """Check the optional journey: a short list of phase names."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_PHASES:
        errors["journey"] = f"Send the journey as a list of up to {MAX_PHASES} phase names."
        return ()
    for j, item in enumerate(value):
        fault = _text_fault(item, MAX_NAME_CHARS, "phase name")
        if fault:
            errors[f"journey[{j}]"] = fault
    return tuple(item.strip() for item in value if isinstance(item, str))


# --------------------------------------------------------------------------- one criterion

# Grammar words used to find who acts in a criterion (C1); not course content, so not in YAML.
_ARTICLES = frozenset(
    ("a", "an", "the", "their", "our", "your", "his", "her", "its", "this", "that", "these")
)
_PREPOSITIONS = frozenset(
    ("to", "for", "with", "of", "from", "at", "on", "about", "into", "via", "than", "towards")
)
_PRONOUNS = frozenset(("they", "he", "she", "it", "someone", "somebody", "everyone", "people"))
_AGENT_WORDS = frozenset(("by", "from"))  # "approved by the CFO", "email from the CFO"
_AUXILIARIES = frozenset(("is", "was", "were", "are", "been", "being", "be", "get", "got"))
_IRREGULAR_PAST = frozenset(
    ("sent", "built", "overcame", "chose", "chosen", "wrote", "written", "gave", "given",
     "ran", "set", "met", "held", "paid", "bought", "made", "done", "took", "taken", "led",
     "spoke", "spoken", "told")
)  # fmt: skip
# The look-behind starts a match only at the beginning of a number, which keeps the search
# linear on long runs of digits (a public endpoint must not be slowed down by "0000...").
_PERCENT = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)?\s?(?:%|percent\b|per cent\b)", re.I)
_SPLITTERS = frozenset(("and", "or", "plus", "then"))
_SEPARATORS = re.compile(r"[;,&+/\n\u2022]")


@dataclass(frozen=True)
class _Text:
    """A criterion with the word-list matches several rules share."""

    text: str
    tokens: tuple[Token, ...]
    roles: list[Match]
    generic: list[Match]
    seller_actors: list[Match]
    seller_verbs: list[Match]
    buyer_verbs: list[Match]

    @classmethod
    def read(cls, text: str, w: WordLists) -> _Text:
        """Tokenize a criterion and find its actors and verbs."""
        tokens = tokenize(text)
        return cls(
            text, tokens, w.buyer_roles.find(tokens), w.generic_buyer_roles.find(tokens),
            w.seller_actors.find(tokens), w.seller_verbs.find(tokens), w.buyer_verbs.find(tokens),
        )  # fmt: skip

    def words(self, m: Match) -> str:
        """Return the matched words as the learner wrote them."""
        return " ".join(t.text for t in self.tokens[m.start : m.end])


def _finding(rule: str, severity: Severity, message: str, hint: str) -> Finding:
    """Make a finding (a short alias keeps the rule functions readable)."""
    return Finding(rule, severity, message, hint)


def _quote(text: str, limit: int = 60) -> str:
    """Shorten a learner's text for quoting inside a message."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _count_words(n: int, one: str, many: str) -> str:
    """Say "1 exit criterion" or "3 exit criteria"."""
    return f"{n} {one if n == 1 else many}"


def _capital(text: str) -> str:
    """Capitalise the first letter only ("VP" stays "VP", "sponsor" becomes "Sponsor")."""
    return text[:1].upper() + text[1:]


def _role_name(t: _Text, default: str) -> str:
    """Name the first buyer role in the criterion, or `default`."""
    roles = sorted(t.roles + t.generic, key=lambda m: (m.start, m.start - m.end))
    return _capital(t.words(roles[0])) if roles else default


def _before(tokens: Sequence[Token], start: int) -> str | None:
    """Return the word before position `start`, skipping articles and possessives."""
    for t in reversed(tokens[:start]):
        if t.low not in _ARTICLES:
            return t.low
    return None


def _past_verb(tok: Token) -> bool:
    """Tell whether a word looks like a past form ("sent", "confirmed")."""
    return tok.low.endswith("ed") or tok.low in _IRREGULAR_PAST


def _is_past(t: _Text, m: Match) -> bool:
    """Tell whether a verb match is in a past form."""
    return any(_past_verb(tok) for tok in t.tokens[m.start : m.end])


def _has_verb(tokens: Sequence[Token], w: WordLists) -> bool:
    """Tell whether some past-form word of `tokens` is a buyer or seller verb."""
    verbs = w.buyer_verbs.find(tokens) + w.seller_verbs.find(tokens)
    return any(_past_verb(tokens[i]) for m in verbs for i in range(m.start, m.end))


def _main_verb(t: _Text) -> Match | None:
    """Pick the criterion's main action: the first past-tense verb, else the first verb.

    Criteria are usually written as past events ("Proposal sent", "CFO approved"), while the
    same words as nouns ("email", "call", "document") come in their base form.
    """
    verbs = sorted(t.seller_verbs + t.buyer_verbs, key=lambda m: m.start)
    past = [m for m in verbs if _is_past(t, m)]
    return (past or verbs)[0] if verbs else None


def _subject(t: _Text, before: int | None) -> Match | None:
    """Find who acts: the first actor before the main verb that is not after a preposition."""
    actors = sorted(t.roles + t.generic + t.seller_actors, key=lambda m: (m.start, m.start - m.end))
    for m in actors:
        if before is not None and m.start >= before:
            return None
        if _before(t.tokens, m.start) not in _PREPOSITIONS:
            return m
    return None


def _seller_only(t: _Text, verb: Match) -> bool:
    """Tell whether a verb is in the seller list and not also a buyer verb there."""
    return verb in t.seller_verbs and all(m.start != verb.start for m in t.buyer_verbs)


def _buyer_is_agent(t: _Text, after: int) -> bool:
    """Tell whether a buyer role acts through "by"/"from" after the verb ("booked by CFO")."""
    return any(
        m.start > after and _before(t.tokens, m.start) in _AGENT_WORDS for m in t.roles + t.generic
    )


def _seller_action(t: _Text) -> str | None:
    """Say why this is a seller-only activity (C1), or return None when it is not."""
    verb = _main_verb(t)
    subject = _subject(t, verb.start if verb else None)
    if subject is not None and subject in t.seller_actors:
        return f"'{t.words(subject)}' makes the seller the one acting"
    if verb is None or not _seller_only(t, verb):
        return None
    passive = verb.start > 0 and t.tokens[verb.start - 1].low in _AUXILIARIES
    if (subject is not None and not passive) or _buyer_is_agent(t, verb.start):
        return None
    return f"'{t.words(verb)}' is something the seller does"


def _seller_rewrite(t: _Text, w: WordLists, default_role: str = "Economic buyer") -> str:
    """Suggest a buyer outcome for a seller activity, from the activity's object."""
    role = _role_name(t, default_role)
    for phrase, template in w.seller_rewrites:
        if any(phrase.matches_at(t.tokens, i) for i in range(len(t.tokens))):
            return template.format(role=role)
    return w.default_rewrite.format(role=role)


def c1_seller_activity(t: _Text, w: WordLists) -> Finding | None:
    """C1: the seller does the action, or no-one does and the action is a seller's."""
    why = _seller_action(t)
    if why is None:
        return None
    return _finding(
        "C1",
        "error",
        f"{why}. A deal should move on what the buyer did, which someone outside your team "
        "can check.",
        f"Rewrite it as '[buyer role] has [done something]'. Try: '{_seller_rewrite(t, w)}'.",
    )


def _buyer_first_example(t: _Text, w: WordLists) -> str:
    """Rebuild the criterion with a buyer role as the subject of its main verb."""
    verb = _main_verb(t)
    if verb is None:
        return f" Try: '{w.default_rewrite.format(role='Economic buyer')}'."
    if _seller_only(t, verb):
        return ""  # C1 already suggests a rewrite
    words = [x.text if x.text.isupper() else x.low for x in t.tokens]
    before = [x for x in words[: verb.start] if x not in _PRONOUNS]
    moved = words[verb.start : verb.end] + before + words[verb.end :]
    return f" Try: '{' '.join(['Economic buyer', *moved])}'."


def c2_no_buyer(t: _Text, w: WordLists) -> Finding | None:
    """C2: no buyer role appears at all."""
    if t.roles or t.generic:
        return None
    return _finding(
        "C2",
        "error",
        "No one on the buyer's side is named, so it is unclear whose action proves this.",
        "Start with the buyer role that acted (economic buyer, champion, IT lead, "
        f"procurement...).{_buyer_first_example(t, w)}",
    )


def c3_vague(t: _Text, w: WordLists) -> Finding | None:
    """C3: a mood or opinion word ("interested", "good fit") that nobody can check."""
    found = w.vague_words.find(t.tokens)
    if not found:
        return None
    fix = w.vague_fixes[found[0].phrase.text]
    return _finding(
        "C3",
        "error",
        f"'{t.words(found[0])}' is an opinion about the buyer's mood. Two people can "
        "disagree about it, so it cannot decide whether a deal moves on.",
        f"Replace it with something the buyer did. Try: '{_role_name(t, 'Sponsor')} {fix}'.",
    )


def _percent_with(t: _Text, lexicon: Lexicon) -> str | None:
    """Return "80% likely"-style words: a percentage next to a word of the lexicon."""
    pct = _PERCENT.search(t.text)
    found = lexicon.find(t.tokens) if pct else []
    return f"{pct.group(0)} {t.words(found[0])}" if pct and found else None


def c4_not_binary(t: _Text, w: WordLists) -> Finding | None:
    """C4: a hedge ("some", "most", "around") or a confidence percentage."""
    found = w.hedge_words.find(t.tokens)
    words = t.words(found[0]) if found else _percent_with(t, w.confidence_words)
    if words is None:
        return None
    return _finding(
        "C4",
        "warning",
        f"'{words}' leaves room for argument: a criterion should be clearly met or not met.",
        f"Replace '{words}' with the exact people, documents, numbers or dates, so anyone "
        "can answer yes or no.",
    )


def c5_no_evidence(t: _Text, w: WordLists) -> Finding | None:
    """C5: nothing someone else could look at (an email, invite, signed document...)."""
    if w.evidence_words.find(t.tokens):
        return None
    base = t.text.rstrip(" .;,")
    return _finding(
        "C5",
        "warning",
        "It names no evidence, so your manager has to take your word for it.",
        "Add what proves it: an email, a calendar invite, a signed document, a written "
        f"recap. Try: '{base}, confirmed by email'.",
    )


def c6_future(t: _Text, w: WordLists) -> Finding | None:
    """C6: an intention or a prediction ("will", "plans to") instead of a completed event."""
    found = w.future_words.find(t.tokens)
    if not found:
        return None
    m = found[0]
    example = "Economic buyer has approved the budget"
    subject = " ".join(x.text for x in t.tokens[: m.start])
    rest = " ".join(x.text for x in t.tokens[m.end :])
    if any(r.start < m.start for r in t.roles + t.generic) and rest:
        example = f"{subject} has committed in writing to {rest}"
    hint = f"Write what has already happened. Try: '{example}'."
    return _finding(
        "C6",
        "warning",
        f"'{t.words(m)}' describes an intention, not something that has happened. Plans "
        "change; a stage should record what the buyer already did.",
        hint,
    )


def c7_forecast(t: _Text, w: WordLists) -> Finding | None:
    """C7: a forecast category or win probability mixed into a stage criterion."""
    found = w.forecast_words.find(t.tokens)
    words = t.words(found[0]) if found else _percent_with(t, w.probability_words)
    if words is None:
        return None
    return _finding(
        "C7",
        "warning",
        f"'{words}' is a forecast judgement. A stage should say where the buyer is; how "
        "likely the deal is belongs in the forecast.",
        "Keep the forecast category (commit, best case) and win chances in a separate field, "
        "and describe here what the buyer did, e.g. 'Economic buyer signed the order form'.",
    )


def _parts(t: _Text) -> list[list[Token]]:
    """Split a criterion at "and", "or", commas, semicolons and similar."""
    pieces = _SEPARATORS.split(t.text)
    parts: list[list[Token]] = []
    for piece in pieces:
        current: list[Token] = []
        for tok in tokenize(piece):
            if tok.low in _SPLITTERS:
                parts.append(current)
                current = []
            else:
                current.append(tok)
        parts.append(current)
    return [p for p in parts if p]


def c8_compound(t: _Text, w: WordLists) -> Finding | None:
    """C8: two or more outcomes, each with its own past-tense verb, joined in one criterion.

    Only past forms count, so nouns such as "email" or "document" do not make a part.
    """
    with_verbs = [p for p in _parts(t) if _has_verb(p, w)]
    if len(with_verbs) < 2:
        return None
    shown = " / ".join(f"'{' '.join(x.text for x in p)}'" for p in with_verbs[:3])
    return _finding(
        "C8",
        "info",
        f"This joins {len(with_verbs)} outcomes. If only one of them happens, is the "
        "criterion met?",
        f"Split it into separate criteria that can each be checked: {shown}.",
    )


def c9_generic_role(t: _Text, w: WordLists) -> Finding | None:
    """C9: the only buyer words are general ones ("customer", "client", "buyer")."""
    if t.roles or not t.generic:
        return None
    m = t.generic[0]
    words = [x.text for x in t.tokens]
    role = "Economic buyer" if m.start == 0 else "economic buyer"
    example = " ".join([*words[: m.start], role, *words[m.end :]])
    return _finding(
        "C9",
        "warning",
        f"'{t.words(m)}' does not say which person on the buyer's side did it, so nobody "
        "knows whom to ask.",
        f"Name the role: economic buyer, champion, IT lead, procurement... Try: '{example}'.",
    )


_CRITERION_RULES = (
    c1_seller_activity, c2_no_buyer, c3_vague, c4_not_binary, c5_no_evidence, c6_future,
    c7_forecast, c8_compound, c9_generic_role,
)  # fmt: skip


def check_criterion(text: str, w: WordLists | None = None) -> tuple[Finding, ...]:
    """Run rules C1-C9 on one criterion."""
    w = w or load_word_lists()
    t = _Text.read(text, w)
    return tuple(f for rule in _CRITERION_RULES if (f := rule(t, w)) is not None)


# --------------------------------------------------------------------------- stages


def _key(text: str, w: WordLists) -> frozenset[str]:
    """Reduce a text to its meaningful word stems, for comparing criteria."""
    return frozenset(t.stem for t in tokenize(text) if t.stem not in w.stopwords)


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    """Tell whether two word sets overlap enough to say the same thing (Jaccard)."""
    if not a or not b or min(len(a), len(b)) < SIMILAR * max(len(a), len(b)):
        return False
    return len(a & b) >= SIMILAR * len(a | b)


def c10_activity_name(stage: StageInput, w: WordLists) -> Finding | None:
    """C10: the stage is named after something the seller does ("Demo", "Proposal sent")."""
    tokens = tokenize(stage.name)
    found = w.activity_stage_names.find(tokens)
    if not found:
        return None
    words = " ".join(t.text for t in tokens[found[0].start : found[0].end])
    rename = w.stage_renames[found[0].phrase.text]
    return _finding(
        "C10",
        "warning",
        f"'{stage.name}' names a seller activity ('{words}'), not a step in the buyer's "
        "decision. Deals sit in it because you did something, not because the buyer moved.",
        f"Name the stage after the buyer's progress, e.g. '{rename}'.",
    )


def c12_handoff(i: int, stages: Sequence[StageInput], w: WordLists) -> Finding | None:
    """C12: no exit criteria, or an exit criterion missing from the next stage's entry."""
    stage = stages[i]
    if not stage.exit:
        return _finding(
            "C12",
            "error",
            f"'{stage.name}' has no exit criteria, so nobody can tell when a deal is done "
            "with this stage.",
            "Add the buyer commitment that ends it, e.g. 'Economic buyer approved the "
            "written recap of requirements'.",
        )
    if i + 1 >= len(stages):
        return None
    nxt = stages[i + 1]
    entry_keys = [_key(e, w) for e in nxt.entry]
    missing = [x for x in stage.exit if not any(_similar(_key(x, w), k) for k in entry_keys)]
    if not missing:
        return None
    return _finding(
        "C12",
        "error",
        f"{_count_words(len(missing), 'exit criterion', 'exit criteria')} of '{stage.name}' "
        f"{'is' if len(missing) == 1 else 'are'} not among the entry criteria of '{nxt.name}', "
        f"e.g. '{_quote(missing[0])}'. The handoff between stages is unclear.",
        f"Copy each exit criterion of '{stage.name}' into the entry list of '{nxt.name}', so a "
        "deal leaves one stage exactly when it qualifies for the next.",
    )


def c13_no_way_out(stage: StageInput) -> Finding | None:
    """C13: no drop-out condition, or no maximum number of days in the stage."""
    gaps = [g for g, ok in (("drop-out condition", stage.drop_out),
                            ("time limit", stage.max_days)) if not ok]  # fmt: skip
    if not gaps:
        return None
    return _finding(
        "C13",
        "warning",
        f"'{stage.name}' has no {' and no '.join(gaps)}, so stalled deals can sit in it "
        "forever and inflate the pipeline.",
        "Add when a deal leaves the pipeline, e.g. 'Sponsor missed two agreed next steps', and "
        "a limit such as 'max 30 days in stage'.",
    )


def _mentions(texts: Iterable[str], *lexicons: Lexicon) -> bool:
    """Tell whether one of the texts contains a phrase of every lexicon given."""
    for text in texts:
        tokens = tokenize(text)
        if all(lex.find(tokens) for lex in lexicons):
            return True
    return False


def c15_next_step(stage: StageInput, w: WordLists) -> Finding | None:
    """C15 (from the second stage on): no criterion asks for an agreed, dated next step."""
    if _mentions(stage.entry + stage.exit, w.next_step_words, w.date_words):
        return None
    return _finding(
        "C15",
        "info",
        f"Nothing in '{stage.name}' asks for an agreed next step with a date. Deals without "
        "one tend to stall unnoticed.",
        "Add a criterion such as 'Sponsor accepted a calendar invite for the next step'.",
    )


def c16_weak_entry(stage: StageInput, w: WordLists) -> Finding | None:
    """C16 (first stage): entry lacks the decision-maker, or a buyer timeline or problem."""
    gaps = []
    if not _mentions(stage.entry, w.decision_maker_words):
        gaps.append("who makes the decision")
    if not _mentions(stage.entry, w.timeline_or_problem_words):
        gaps.append("the buyer's problem or timeline")
    if not gaps:
        return None
    return _finding(
        "C16",
        "warning",
        f"The entry criteria of '{stage.name}' do not establish {' or '.join(gaps)}, so "
        "unqualified deals can enter the pipeline.",
        "Add qualification facts before a deal counts, e.g. 'Sponsor named the economic buyer "
        "by email' and 'Economic buyer stated the problem and a target date in writing'.",
    )


# --------------------------------------------------------------------------- journey (C14)


def _concepts(text: str, w: WordLists) -> set[str]:
    """Return a text's meaningful stems and the journey word groups it touches."""
    tokens = tokenize(text)
    found = {f"w:{t.stem}" for t in tokens if t.stem not in w.stopwords}
    for m in w.journey_words.find(tokens):
        found |= {f"g:{g}" for g in w.journey_groups[m.phrase.text]}
    return found


def _phase_of(stage: StageInput, phases: Sequence[set[str]], after: int, w: WordLists) -> int:
    """Map a stage to a journey phase index (-1 when nothing matches).

    The stage name decides; its exit criteria only break a complete silence. Among equally
    good phases, prefer the first one not earlier than the previous stage's.
    """
    for source in ([stage.name], stage.exit):
        concepts: set[str] = set()
        for text in source:
            concepts |= _concepts(text, w)
        scores = [len(concepts & p) for p in phases]
        best = max(scores, default=0)
        if best:
            ties = [i for i, s in enumerate(scores) if s == best]
            return next((i for i in ties if i >= after), ties[0])
    return -1


def c14_journey(req: CheckRequest, w: WordLists) -> list[Finding | None]:
    """C14: a stage fits no journey phase, goes back in the journey, or repeats a phase
    without adding a new buyer commitment. Returns one finding or None per stage."""
    if not req.journey:
        return [None] * len(req.stages)
    phases = [_concepts(p, w) for p in req.journey]
    found: list[Finding | None] = []
    furthest, last, last_exits = 0, -1, list[frozenset[str]]()
    for stage in req.stages:
        at = _phase_of(stage, phases, furthest, w)
        exits = [_key(x, w) for x in stage.exit]
        new = any(not any(_similar(e, p) for p in last_exits) for e in exits)
        found.append(_journey_finding(stage, (at, furthest, last), new, req.journey))
        furthest, last, last_exits = max(furthest, at), at, exits
    return found


def _journey_finding(
    stage: StageInput, phases: tuple[int, int, int], new: bool, journey: Sequence[str]
) -> Finding | None:
    """Explain how a stage fails to line up with the journey, if it does.

    `phases` holds this stage's phase, the furthest phase reached so far, and the previous
    stage's phase (-1 for none or unmatched).
    """
    at, furthest, last = phases
    names = ", ".join(f"'{_quote(p, 40)}'" for p in journey)
    if at < 0:
        message = f"'{stage.name}' does not match any phase of your buying journey ({names})."
        hint = "Name the stage after the buyer phase it belongs to, or add that phase to your map."
    elif at < furthest:
        message = (
            f"'{stage.name}' matches '{journey[at]}', but an earlier stage already reached "
            f"'{journey[furthest]}', which comes later in the buyer's journey. Stages should "
            "follow the journey in order."
        )
        hint = "Move the stage, or re-map it to the phase it really serves."
    elif at == last and not new:
        message = (
            f"'{stage.name}' sits in the same buyer phase as the stage before it "
            f"('{journey[at]}') and adds no new buyer commitment."
        )
        hint = "Merge it with the stage before, or give it an exit the buyer has not yet met."
    else:
        return None
    return _finding("C14", "warning", message, hint)


# --------------------------------------------------------------------------- process


def c11_stage_count(n: int) -> Finding | None:
    """C11: fewer than 3 or more than 8 stages."""
    if MIN_GOOD_STAGES <= n <= MAX_GOOD_STAGES:
        return None
    few = n < MIN_GOOD_STAGES
    return _finding(
        "C11",
        "warning",
        f"Your process has {_count_words(n, 'stage', 'stages')}; most teams work best with "
        f"{MIN_GOOD_STAGES} to {MAX_GOOD_STAGES}.",
        "Split a stage where the buyer makes a separate decision."
        if few
        else "Merge stages where the buyer makes no new commitment.",
    )


class _Place(NamedTuple):
    """Where a criterion sits, for the duplicate check."""

    stage: int
    kind: Literal["entry", "exit"]
    pos: int
    text: str
    key: frozenset[str]


def _places(req: CheckRequest, w: WordLists) -> list[_Place]:
    """List every entry and exit criterion in process order."""
    places = []
    for s, stage in enumerate(req.stages):
        places += [_Place(s, "entry", j, x, _key(x, w)) for j, x in enumerate(stage.entry)]
        places += [_Place(s, "exit", j, x, _key(x, w)) for j, x in enumerate(stage.exit)]
    return places


def _describe(p: _Place, req: CheckRequest) -> str:
    """Say where a criterion is, in words."""
    return f"{p.kind} criterion {p.pos + 1} of '{req.stages[p.stage].name}'"


def _is_handoff(earlier: _Place, later: _Place) -> bool:
    """Tell whether `later` is the next stage's entry copy of exit `earlier` (wanted, C12)."""
    return earlier.kind == "exit" and later.kind == "entry" and later.stage == earlier.stage + 1


def c17_duplicates(req: CheckRequest, w: WordLists) -> list[Finding]:
    """C17: a criterion that repeats an earlier one (the exit-to-entry handoff excepted)."""
    places = _places(req, w)
    found = []
    for i, p in enumerate(places):
        earlier = [q for q in places[:i] if _similar(q.key, p.key)]
        if any(_is_handoff(q, p) for q in earlier):
            continue  # a handoff copy; its original is checked on its own
        if earlier:
            q = earlier[0]
            found.append(
                _finding(
                    "C17",
                    "info",
                    f"'{_quote(p.text)}' ({_describe(p, req)}) repeats '{_quote(q.text)}' "
                    f"({_describe(q, req)}).",
                    "Remove the duplicate, or reword it if it asks for something different.",
                )
            )
    return found


# --------------------------------------------------------------------------- the check


def check_process(req: CheckRequest, *, words: WordLists | None = None) -> CheckResult:
    """Run rules C1-C17 on a process and score it."""
    w = words or load_word_lists()
    journey = c14_journey(req, w)
    stages = tuple(_check_stage(i, req, journey[i], w) for i in range(len(req.stages)))
    findings = tuple(f for f in [c11_stage_count(len(req.stages))] if f)
    findings += tuple(c17_duplicates(req, w))
    return CheckResult(score(stages, findings), findings, stages)


def _check_stage(i: int, req: CheckRequest, c14: Finding | None, w: WordLists) -> StageResult:
    """Run the stage rules and the criterion rules of one stage."""
    stage = req.stages[i]
    checks = (
        c10_activity_name(stage, w),
        c12_handoff(i, req.stages, w),
        c13_no_way_out(stage),
        c14,
        c15_next_step(stage, w) if i >= 1 else None,
        c16_weak_entry(stage, w) if i == 0 else None,
    )
    return StageResult(
        stage.name,
        tuple(f for f in checks if f),
        tuple(CriterionResult(x, check_criterion(x, w)) for x in stage.entry),
        tuple(CriterionResult(x, check_criterion(x, w)) for x in stage.exit),
    )


def _count(findings: Iterable[Finding], severity: Severity) -> int:
    """Count findings of one severity."""
    return sum(f.severity == severity for f in findings)


def score(stages: Sequence[StageResult], process: Sequence[Finding]) -> float:
    """Score a checked process from 0 (weak) to 1 (clean).

    score = 0.75 x C + 0.25 x S - 0.1 x P, clamped to [0, 1] and rounded to 4 places, where
      C = share of entry and exit criteria with no error and at most one warning
          (domain.md section 4); 0 when there are no criteria at all;
      S = share of stages with no stage-level error or warning; 0 when there are no stages;
      P = number of process-level warnings (C11).
    Info findings never lower the score. A clean process scores 1.0.
    """
    criteria = [c for s in stages for c in s.entry + s.exit]
    passed = sum(
        _count(c.findings, "error") == 0 and _count(c.findings, "warning") <= 1 for c in criteria
    )
    share_c = passed / len(criteria) if criteria else 0.0
    clean = sum(_count(s.findings, "error") + _count(s.findings, "warning") == 0 for s in stages)
    share_s = clean / len(stages) if stages else 0.0
    raw = 0.75 * share_c + 0.25 * share_s - 0.1 * _count(process, "warning")
    return round(min(1.0, max(0.0, raw)), 4)


def _finding_json(f: Finding) -> dict[str, str]:
    """Render a finding as the API's F object."""
    return {"rule": f.rule, "severity": f.severity, "message": f.message, "hint": f.hint}


def _criteria_json(items: Iterable[CriterionResult]) -> list[dict[str, Any]]:
    """Render criteria results as the API's list of {text, findings}."""
    return [{"text": c.text, "findings": [_finding_json(f) for f in c.findings]} for c in items]


def result_to_json(res: CheckResult) -> dict[str, Any]:
    """Render a result in the response shape fixed by DESIGN.md."""
    return {
        "score": res.score,
        "findings": [_finding_json(f) for f in res.findings],
        "stages": [
            {
                "name": s.name,
                "findings": [_finding_json(f) for f in s.findings],
                "entry": _criteria_json(s.entry),
                "exit": _criteria_json(s.exit),
            }
            for s in res.stages
        ],
    }


load_word_lists()  # a broken word file stops start-up, not a learner's request
