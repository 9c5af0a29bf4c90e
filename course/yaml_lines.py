"""Parse YAML and remember the line of every key and list item, for error messages."""

from __future__ import annotations

from typing import Any

import yaml


class LineIndex:
    """Map a path of keys and list indexes to the line it starts on."""

    def __init__(self, lines: dict[tuple[Any, ...], int], first_line: int) -> None:
        self._lines = lines
        self._first = first_line

    def line(self, *path: Any) -> int:
        """Return the line of `path`, or of its nearest ancestor that exists."""
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return self._first


def load_with_lines(text: str, first_line: int = 1) -> tuple[Any, LineIndex]:
    """Return the data of a YAML document and the line index of its nodes."""
    data = yaml.safe_load(text)
    lines: dict[tuple[Any, ...], int] = {}
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is not None:
        _walk(node, (), lines, first_line)
    return data, LineIndex(lines, first_line)


def _walk(node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int], offset: int) -> None:
    lines[path] = node.start_mark.line + offset
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            _walk(value, child, lines, offset)
            lines[child] = key.start_mark.line + offset
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, offset)
