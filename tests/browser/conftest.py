"""Real headless Chromium (Debian's) driven by Playwright against a live server.

One browser is shared by every browser test; each test gets a fresh context (cookies, storage).
The server runs the real content on a migrated SQLite file with the demo data seeded.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from course import create_app
from course.config import ROOT
from tests.conftest import app_settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def missing(reason: str) -> None:
    """Skip on a developer machine without the tool; in CI a skipped browser test is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must install it: see .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from course.cli import seed_demo

    folder = tmp_path_factory.mktemp("live")
    app = create_app(app_settings(
        TESTING=False, WTF_CSRF_ENABLED=True, SECRET_KEY="browser-tests",
        CONTENT_DIR=os.environ.get("BROWSER_CONTENT_DIR", str(ROOT / "content")),
        QUIZ_DIR=os.environ.get("BROWSER_QUIZ_DIR", str(ROOT / "quizzes")),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'live.db'}", SQLALCHEMY_ENGINE_OPTIONS={}))
    with app.app_context():
        upgrade()  # the real migrations, not create_all
        seed_demo()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        missing("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def catalog(live_server):  # type: ignore[no-untyped-def]
    return live_server.extensions["catalog"]


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    # bypass_csp lets the test inject axe-core; the app itself allows no inline script
    context = browser.new_context(base_url=live_server.config["LIVE_URL"], bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def assert_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """Run axe-core on the current page; fail listing every violation (WCAG 2.1 AA and best practice)."""
    if not AXE.exists():
        missing("axe-core is not installed (npm ci)")
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                   "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]
    assert violations == [], f"axe found on {page.url}:\n{json.dumps(violations, indent=1)}"
