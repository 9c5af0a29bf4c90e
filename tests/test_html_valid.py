"""Every kind of page is valid HTML, checked by the Nu HTML Checker (vnu) in one JVM run."""

import os
import shutil
import subprocess

import pytest

from course.config import ROOT
from tests.conftest import PASSWORD

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
RIGHT = {"buyer-decides": "0", "good-criteria": ["0", "1"], "bigger-better": "false", "coverage-20": "5"}


def tools_or_skip() -> str:
    java = shutil.which("java")
    if java and VNU.exists():
        return java
    if os.environ.get("CI"):
        pytest.fail("java and node_modules/vnu-jar are needed (see .ci/run)")
    pytest.skip("java or vnu-jar missing (npm ci)")


def test_pages_are_valid_html(client, make_user, tmp_path):
    java = tools_or_skip()
    pages = {"home": "/", "course-anonymous": "/course", "login": "/login", "register": "/register",
             "glossary": "/glossary", "references": "/references", "missing": "/nowhere"}
    for name, url in pages.items():
        (tmp_path / f"{name}.html").write_bytes(client.get(url).data)
    (tmp_path / "register-errors.html").write_bytes(client.post("/register", data={"email": "x"}).data)
    user = make_user()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    signed_in = {"course": "/course", "lesson": "/lessons/first-steps", "progress": "/progress",
                 "quiz": "/quizzes/first-steps", "history": "/quizzes/first-steps/attempts"}
    for name, url in signed_in.items():
        (tmp_path / f"{name}.html").write_bytes(client.get(url).data)
    (tmp_path / "quiz-errors.html").write_bytes(client.post("/quizzes/first-steps", data={}).data)
    result = client.post("/quizzes/first-steps", data=RIGHT, follow_redirects=True)
    (tmp_path / "quiz-result.html").write_bytes(result.data)
    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--skip-non-html", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr or run.stdout
