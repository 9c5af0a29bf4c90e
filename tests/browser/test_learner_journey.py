"""A newcomer registers, reads the first module, passes its quiz and sees progress move."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def answer_quiz_correctly(page, quiz) -> None:  # type: ignore[no-untyped-def]
    for q in quiz.questions:
        block = page.locator(f"#q-{q.id}")
        if q.kind == "numeric":
            block.get_by_label("Your answer").fill(f"{q.answer:f}".rstrip("0").rstrip("."))
            continue
        for option in q.options:
            if option.correct:
                block.get_by_label(option.text, exact=True).check()


def test_register_read_pass_quiz_and_progress(page, catalog):
    first = catalog.lessons[0]
    quiz = catalog.quizzes[first.quiz]
    total = len(catalog.lessons)

    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Start the course").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    assert_accessible(page)

    # a mistake first: the message sits beside the field and nothing typed is lost
    page.get_by_label("Your name").fill("Riley Newcomer")
    page.get_by_label("Email").fill("riley@example.com")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat the password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Use at least 10 characters").first).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Riley Newcomer")
    assert_accessible(page)

    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Repeat the password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Course map")).to_be_visible()
    expect(page.get_by_text(f"0 of {total} modules complete")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=first.title, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=first.title)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mark as read").click()

    expect(page.get_by_role("heading", level=1, name=quiz.title)).to_be_visible()
    assert_accessible(page)
    answer_quiz_correctly(page, quiz)
    page.get_by_role("button", name="Submit answers").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("passed")
    expect(page.get_by_text(f"{len(quiz.questions)} of {len(quiz.questions)}")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Course").click()
    expect(page.get_by_text(f"1 of {total} modules complete")).to_be_visible()
    expect(page.locator(".module-card").first.get_by_text("Complete")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My progress").click()
    expect(page.get_by_text("Passed — see answers")).to_be_visible()
    assert_accessible(page)


def test_demo_learner_signs_in_and_sees_their_progress(page, catalog):
    page.goto("/login")
    assert_accessible(page)
    page.get_by_label("Email").fill("learner@example.com")
    page.get_by_label("Password").fill("pipeline-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"1 of {len(catalog.lessons)} modules complete")).to_be_visible()


def test_error_pages_are_styled_and_accessible(page):
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page)
