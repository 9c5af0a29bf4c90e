"""A tiny exercise kind used only by the tests of the shared exercise mechanism."""

from course.exercise_kinds import ExerciseKind, register


def from_form(form):  # type: ignore[no-untyped-def]
    lines = [line for line in form.get("line", []) if line.strip()]
    action = (form.get("action") or [""])[0]
    message = ""
    if action == "add-line":
        lines.append("")
        message = "Line added."
    return {"title": (form.get("title") or [""])[0], "lines": lines}, message


def problems(data):  # type: ignore[no-untyped-def]
    return {} if data.get("title", "").strip() else {"title": "Give the note a title."}


NOTE = register(ExerciseKind(
    kind="note", title="Test note", lesson="first-steps", editor="note_editor.html", viewer="note_viewer.html",
    start=lambda: {"title": "", "lines": []}, from_form=from_form, problems=problems))
