"""The playbook as Markdown: each exercise's data (in its domain JSON shape) written as text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Data = dict[str, Any]


def _lines(items: Iterable[str], bullet: str = "- ") -> list[str]:
    return [f"{bullet}{item}" for item in items if str(item).strip()]


def journey_md(data: Data) -> list[str]:
    out: list[str] = []
    for i, phase in enumerate(data.get("phases", []), start=1):
        out += [f"### {i}. {phase.get('name') or 'Unnamed phase'}", ""]
        out += [f"**Buyer's goal:** {phase.get('buyer_goal', '')}", ""]
        if phase.get("questions"):
            out += ["**Questions the buyer asks:**", *_lines(phase["questions"]), ""]
        people = [f"{r.get('title', '')} ({r.get('kind', 'other')}"
                  f"{', economic buyer' if r.get('economic_buyer') else ''})" for r in phase.get("roles", [])]
        if people:
            out += ["**Who is involved:**", *_lines(people), ""]
        out += [f"**Ends when:** {phase.get('commitment', '')}", "",
                f"**Sales stage:** {phase.get('sales_stage', '')}", ""]
    return out


def criteria_md(data: Data) -> list[str]:
    out: list[str] = []
    for i, stage in enumerate(data.get("stages", []), start=1):
        out += [f"### {i}. {stage.get('name') or 'Unnamed stage'}", ""]
        for key, title in (("entry", "Entry criteria"), ("exit", "Exit criteria"),
                           ("drop_out", "Drop-out conditions")):
            if stage.get(key):
                out += [f"**{title}:**", *_lines(stage[key]), ""]
        if stage.get("max_days"):
            out += [f"**Maximum days in stage:** {stage['max_days']}", ""]
        if stage.get("verified_by"):
            out += [f"**Verified by:** {stage['verified_by']}", ""]
    return out


def cadence_md(data: Data) -> list[str]:
    out = [f"For {data.get('sellers', '?')} sellers.", ""]
    for meeting in data.get("meetings", []):
        name = meeting.get("title") or str(meeting.get("kind", "meeting")).replace("_", " ").capitalize()
        out += [f"### {name}", "",
                f"{str(meeting.get('format', '')).replace('_', '-')}, {meeting.get('frequency', '')}, "
                f"{meeting.get('minutes', '?')} minutes", ""]
        if meeting.get("agenda"):
            out += ["Agenda:", *_lines(meeting["agenda"], "1. "), ""]
    return out


def sizer_md(data: Data, sentences: Iterable[str]) -> list[str]:
    out = [f"Scenario: **{data.get('scenario') or 'unnamed'}**", ""]
    out += _lines(sentences)
    inputs = {k: v for k, v in data.get("inputs", {}).items() if str(v).strip()}
    if inputs:
        out += ["", "| input | value |", "|---|---|", *[f"| {k} | {v} |" for k, v in inputs.items()]]
    return out + [""]


def playbook_md(name: str, parts: list[tuple[str, str, list[str] | None]]) -> str:
    """Join the parts: (title, status line, lines or None when not started)."""
    out = [f"# Pipeline playbook — {name}", ""]
    for title, status, lines in parts:
        out += [f"## {title}", "", f"_{status}_", ""]
        out += lines if lines is not None else ["Not started yet.", ""]
    return "\n".join(out).rstrip() + "\n"
