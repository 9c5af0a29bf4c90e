"""The sizer in a real browser: live results with JavaScript, the same results without it."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_exercises import sign_up

BRIGHTLINE = {"Revenue goal for the period": "1000000", "Average won deal": "50000",
              "Win rate": "20", "Sales cycle": "120"}


def fill(page, values) -> None:  # type: ignore[no-untyped-def]
    for label, value in values.items():
        page.get_by_label(label, exact=False).first.fill(value)


def test_result_and_chart_update_as_the_person_types(page):
    page.goto("/sizer")
    assert_accessible(page)
    fill(page, BRIGHTLINE)
    result = page.locator("#sizer-result")
    expect(result).to_contain_text("5.0x, not 3x")  # arrived without pressing the button
    expect(result.locator("svg[role=img]").first).to_be_visible()
    page.get_by_label("Win rate").fill("25")
    expect(result).to_contain_text("4.0x, not 3x")  # 1 / 0.25
    assert_accessible(page)


def test_the_sizer_works_with_javascript_turned_off(browser, live_server):
    context = browser.new_context(base_url=live_server.config["LIVE_URL"], java_script_enabled=False,
                                  bypass_csp=True)
    page = context.new_page()
    page.goto("/sizer")
    fill(page, BRIGHTLINE)
    page.get_by_label("Win rate").fill("0.25")
    page.get_by_role("button", name="Size my pipeline").click()
    expect(page.get_by_text("Did you mean 25%?").first).to_be_visible()
    expect(page.get_by_label("Revenue goal for the period")).to_have_value("1000000")
    page.get_by_label("Win rate").fill("20")
    page.get_by_role("button", name="Size my pipeline").click()
    expect(page.locator("#sizer-result")).to_contain_text("5.0x, not 3x")
    page.get_by_role("button", name="Add a stage row").click()
    expect(page.get_by_label("Revenue goal for the period")).to_have_value("1000000")
    context.close()


def test_the_sizer_embedded_in_a_lesson_is_preset(page, catalog):
    lesson = next(le for le in catalog.lessons if "sizer" in le.exercises)
    sign_up(page, "sizer-reader@example.com")  # in no cohort, so no module is locked by a schedule
    page.goto(f"/lessons/{lesson.slug}")
    assert_accessible(page)
    expect(page.locator("form[action='/sizer']").first).to_be_visible()
