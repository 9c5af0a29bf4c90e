"""A trainer creates a cohort, a newcomer joins through its link, the trainer sees them in the matrix."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_trainer_creates_a_cohort_a_learner_joins_and_appears_in_the_matrix(browser, live_server, page):
    page.goto("/login")
    page.get_by_label("Email").fill("trainer@example.com")
    page.get_by_label("Password").fill("pipeline-demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts").click()
    assert_accessible(page)
    page.goto("/cohorts/new")
    assert_accessible(page)
    page.get_by_label("Name").fill("Autumn sellers")
    page.get_by_label("Start date").fill("2026-12-01")
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Autumn sellers")  # on its People page
    assert_accessible(page)
    join_url = page.locator("#join-url").input_value()

    newcomer = browser.new_context(base_url=live_server.config["LIVE_URL"], bypass_csp=True)
    learner = newcomer.new_page()
    learner.goto(join_url)
    expect(learner.get_by_role("heading", name="Autumn sellers")).to_be_visible()
    assert_accessible(learner)
    learner.get_by_role("link", name="Create an account").click()
    learner.get_by_label("Your name").fill("Noor Newcomer")
    learner.get_by_label("Email").fill("noor@example.com")
    learner.get_by_label("Password", exact=True).fill("a long enough passphrase")
    learner.get_by_label("Repeat the password").fill("a long enough passphrase")
    learner.get_by_role("button", name="Create account").click()
    learner.get_by_role("button", name="Join Autumn sellers").click()
    expect(learner.get_by_text("Autumn sellers").first).to_be_visible()
    newcomer.close()

    page.reload()
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_text("Noor Newcomer").first).to_be_visible()
    assert_accessible(page)
