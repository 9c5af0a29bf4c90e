"""The registry of exercise kinds: what each one needs from the shared exercise pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Data = dict[str, Any]


def _no_extras(data: Data, user_id: int) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class ExerciseKind:
    """An exercise kind. `from_form` turns posted fields into data and says which button was used
    (add / remove / move rows need no JavaScript); `problems` lists what blocks a submission."""

    kind: str
    title: str
    lesson: str  # the module that teaches it
    editor: str  # template with the editable fields (inside the shared form)
    viewer: str  # template showing the data read-only (versions, reviews, playbook)
    start: Callable[[], Data]
    from_form: Callable[[Mapping[str, list[str]]], tuple[Data, str]]
    problems: Callable[[Data], dict[str, str]]
    extras: Callable[[Data, int], dict[str, Any]] = field(default=_no_extras)


REGISTRY: dict[str, ExerciseKind] = {}


def register(kind: ExerciseKind) -> ExerciseKind:
    REGISTRY[kind.kind] = kind
    return kind
