"""The glossary and the list of sources: two optional YAML files beside the lessons."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .content_render import render_inline
from .yaml_lines import load_with_lines

Adder = Any  # catalog._adder: records a problem at a path of the file


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    definition: str  # safe HTML
    lesson: str | None


@dataclass(frozen=True)
class Reference:
    id: str
    title: str
    url: str
    note: str
    author: str = ""
    publisher: str = ""
    year: int | None = None


def load_entries(path: Path, make_adder: Any, problems: list[Any], kind: str) -> tuple[Any, ...]:
    """Read glossary.yml (kind 'term') or references.yml (kind 'reference'); missing file → none."""
    if not path.exists():
        return ()
    data, lines = load_with_lines(path.read_text(encoding="utf-8"))
    add = make_adder(str(path), lines, problems)
    if not isinstance(data, list):
        add((), f"the file must be a list of {kind} entries")
        return ()
    entries = [_term(i, e, add) if kind == "term" else _reference(i, e, add) for i, e in enumerate(data)]
    ids = [e.id for e in entries if e]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        add((), f"two entries share the id '{dup}'")
    return tuple(e for e in entries if e)


def _term(i: int, entry: Any, add: Adder) -> Term | None:
    if not _has(entry, ("id", "term", "definition"), i, add):
        return None
    return Term(entry["id"], entry["term"], render_inline(str(entry["definition"])), entry.get("lesson"))


def _reference(i: int, entry: Any, add: Adder) -> Reference | None:
    if not _has(entry, ("id", "title", "url", "note"), i, add):
        return None
    if not str(entry["url"]).startswith(("http://", "https://")):
        add((i, "url"), f"entry {i + 1}: 'url' must start with http:// or https://")
        return None
    year = entry.get("year")
    return Reference(entry["id"], str(entry["title"]), str(entry["url"]), str(entry["note"]),
                     str(entry.get("author", "")), str(entry.get("publisher", "")),
                     year if isinstance(year, int) else None)


def _has(entry: Any, keys: tuple[str, ...], i: int, add: Adder) -> bool:
    if not isinstance(entry, dict):
        add((i,), f"entry {i + 1} must be a set of 'key: value' lines")
        return False
    missing = [k for k in keys if not str(entry.get(k) or "").strip()]
    for key in missing:
        add((i,), f"entry {i + 1} needs '{key}'")
    return not missing
