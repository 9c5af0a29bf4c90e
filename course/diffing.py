"""What changed between two versions of a piece of work (plain JSON values). Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MISSING = object()


@dataclass(frozen=True)
class Change:
    path: str  # e.g. "phases[2].commitment"
    before: Any  # MISSING when added
    after: Any  # MISSING when removed

    @property
    def kind(self) -> str:
        if self.before is MISSING:
            return "added"
        return "removed" if self.after is MISSING else "changed"


def diff(before: Any, after: Any, path: str = "") -> list[Change]:
    """List every leaf that differs, in document order, with a readable path."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[Change] = []
        for key in list(before) + [k for k in after if k not in before]:
            changes += diff(before.get(key, MISSING), after.get(key, MISSING), f"{path}.{key}" if path else key)
        return changes
    if isinstance(before, list) and isinstance(after, list):
        changes = []
        for i in range(max(len(before), len(after))):
            changes += diff(before[i] if i < len(before) else MISSING,
                            after[i] if i < len(after) else MISSING, f"{path}[{i}]")
        return changes
    return [] if before == after else [Change(path, before, after)]
