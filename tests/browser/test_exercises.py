"""Exercises in a real browser, keyboard only: map a journey, turn it into stages, draft criteria,
see the critique, submit and find the frozen version; autosave survives a reload."""

import re

from playwright.sync_api import expect

from course.seed_work import CRITERIA  # buyer-verified; each exit is the next stage's entry (C12)
from tests.browser.conftest import assert_accessible


def sign_up(page, email):  # type: ignore[no-untyped-def]
    page.goto("/register")
    page.get_by_label("Your name").fill("Kim Keyboard")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Repeat the password").fill("a long enough passphrase")
    page.get_by_label("Repeat the password").press("Enter")
    expect(page.get_by_role("heading", name="Course map")).to_be_visible()


def press(page, name):  # type: ignore[no-untyped-def]
    """Reach a button with the keyboard (focus, then Enter), never the mouse."""
    button = page.get_by_role("button", name=name).first
    button.focus()
    page.keyboard.press("Enter")


def test_journey_to_stages_to_criteria_with_the_keyboard(page):
    sign_up(page, "kim@example.com")
    page.goto("/exercises/journey")
    assert_accessible(page)
    press(page, "Start from this template")
    expect(page.get_by_role("group", name=re.compile("^Phase 1"))).to_be_visible()
    assert_accessible(page)
    press(page, re.compile(r"^Move down\W+phase 1 "))
    expect(page.get_by_role("group", name=re.compile("^Phase 2: Problem identification"))).to_be_visible()
    press(page, re.compile(r"^Move up\W+phase 2 "))
    expect(page.get_by_role("group", name=re.compile("^Phase 1: Problem identification"))).to_be_visible()

    page.goto("/exercises/criteria")
    press(page, "Take the stages from my journey map")
    stages = page.locator("fieldset[data-stage]")
    expect(stages).to_have_count(len(CRITERIA))
    assert_accessible(page)

    # a weak criterion gets critique beside it, as it is typed
    exit_box = page.locator("#stages-0-exit")
    exit_box.focus()
    page.keyboard.type("Proposal sent")
    expect(page.locator("#stages-0-exit-feedback, [id^='stages-0-exit-0']").first).to_contain_text("C1", timeout=5000)

    for i, (entry, exit_) in enumerate(CRITERIA):
        for kind, text in (("entry", entry), ("exit", exit_)):
            box = page.locator(f"#stages-{i}-{kind}")
            box.focus()
            page.keyboard.press("Control+A")
            page.keyboard.type(text)
        days = page.locator(f"#stages-{i}-max_days")
        days.focus()
        page.keyboard.type("30")
    press(page, "Save and submit for review")
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1")
    expect(page.get_by_text("Buying committee approved the written requirements list").first).to_be_visible()
    assert_accessible(page)


def test_autosave_keeps_a_draft_across_a_reload(page):
    sign_up(page, "autosave@example.com")
    page.goto("/exercises/cadence")
    sellers = page.get_by_label("Number of sellers", exact=False).first
    sellers.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("8")
    expect(page.locator("[data-save-state]")).to_contain_text("Saved", timeout=8000)
    page.reload()
    expect(page.get_by_label("Number of sellers", exact=False).first).to_have_value("8")
    assert_accessible(page)
