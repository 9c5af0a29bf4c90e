"""Reviewing in a real browser, keyboard only: the manager goes from the team page to the queue to
the review page, scores and comments every rubric line, asks for a revision; the learner then finds
the feedback beside their work. axe-core checks every page on the way."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import expect

from course.extensions import db
from course.models import ExerciseWork, Submission, User
from tests.browser.conftest import assert_accessible

# Marcus's stage criteria: the first stage is weak on purpose, so the critique has something to say.
STAGES = [
    {"name": "Proposal sent", "entry": ["We sent the proposal"], "exit": ["Prospect is interested"],
     "drop_out": [], "max_days": None, "verified_by": ""},
    {"name": "Problem agreed", "entry": ["Prospect is interested"],
     "exit": ["VP Operations approved the written recap of the cost of breakdowns"],
     "drop_out": ["Economic buyer declined a second meeting"], "max_days": 30, "verified_by": "manager"},
]
COMMENTS = ["Write what the buyer did, not what we sent.", "Interested is a mood: name the act.",
            "Name the email or document for each.", "Stage 1 maps to no phase of your journey.",
            "Add a drop-out condition and days to stage 1."]


def submitted_criteria(app: Flask, email: str) -> int:
    """Give a demo learner a submitted version of the stage criteria; return its id."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        work = ExerciseWork(user_id=user.id, kind="criteria", data={"stages": STAGES}, status="submitted")
        work.submissions.append(Submission(number=1, data={"stages": STAGES}))
        db.session.add(work)
        db.session.commit()
        return work.submissions[0].id


def sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("pipeline-demo")
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Course map")).to_be_visible()


def press_link(page, name, within=None) -> None:  # type: ignore[no-untyped-def]
    link = (within or page).get_by_role("link", name=name).first
    link.focus()
    page.keyboard.press("Enter")


def test_a_manager_reviews_with_the_keyboard_and_the_learner_sees_the_feedback(page, live_server):
    submitted_criteria(live_server, "marcus@example.com")
    sign_in(page, "manager@example.com")

    press_link(page, "My team")
    expect(page.get_by_role("heading", level=1)).to_have_text("My team")
    expect(page.get_by_role("row", name=re.compile("Marcus Webb"))).to_contain_text("Stage criteria, version 1")
    assert_accessible(page)

    press_link(page, "Reviews")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews")
    assert_accessible(page)
    press_link(page, "Stage criteria, version 1", within=page.get_by_role("row", name=re.compile("Marcus Webb")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Marcus Webb: Stage criteria, version 1")
    expect(page.get_by_role("region", name="Automatic critique")).to_contain_text("Process score")
    assert_accessible(page)

    # Each line: Space picks score 1, the right arrow moves it to 2, Tab goes to the comment.
    page.locator("input[name^='score-']").first.focus()
    for comment in COMMENTS:
        page.keyboard.press("Space")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
        page.keyboard.type(comment)
        page.keyboard.press("Tab")
    # the overall comment is skipped on purpose: a revision needs one, and the page must say so
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # from "Approve this version" to "Ask for a revision"
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Save the review")
    page.keyboard.press("Enter")

    expect(page.locator("#overall_comment-error")).to_contain_text("needs an overall comment")
    expect(page.get_by_label(re.compile("Comment on “Buyer-verifiable”"))).to_have_value(COMMENTS[0])
    expect(page.get_by_role("radio", name="Ask for a revision")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("needs an overall comment")).focus()
    page.keyboard.press("Enter")  # the error summary's link takes focus to the field
    expect(page.get_by_label("Overall comment")).to_be_focused()
    page.keyboard.type("Rewrite stage 1 around what the buyer does; the rest is close.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Save the review")
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("Review saved: Marcus Webb's Stage criteria"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    sign_in(page, "marcus@example.com")
    for url in ("/exercises/criteria", "/exercises/criteria/versions/1"):
        page.goto(url)
        feedback = page.get_by_role("region", name="Feedback", exact=True)
        expect(feedback).to_contain_text("Version 1: Revision requested")
        expect(feedback).to_contain_text("Rewrite stage 1 around what the buyer does")
        expect(feedback).to_contain_text("2 Partly")
        expect(feedback).to_contain_text(COMMENTS[2])
        assert_accessible(page)
