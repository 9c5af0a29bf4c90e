"""The public sizer page: a GET form that keeps what was typed and answers in plain words."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

# SIZER.md worked example 2 (Brightline), as typed into the form: win rate in percent.
EXAMPLE_2 = {"currency": "USD", "goal": "1000000", "period_days": "365", "deal_size": "50000",
             "win_rate": "20", "cycle_days": "120", "naive_multiple": "3"}


def get(client, **params: str) -> str:
    response = client.get("/sizer?" + urlencode(params))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text(html: str) -> str:
    """Collapse whitespace so sentences split over template lines read as one."""
    return re.sub(r"\s+", " ", html)


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    return unescape(match.group(1)) if match else None


def error_of(html: str, field_id: str) -> str | None:
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">([^<]*)</p>', html)
    return unescape(match.group(1)) if match else None


def test_first_visit_shows_the_form_with_defaults_and_the_example(client):
    html = get(client)
    assert input_value(html, "period_days") == "365"
    assert input_value(html, "naive_multiple") == "3"
    assert input_value(html, "goal") == ""
    assert "<option selected>USD</option>" in html
    assert "Try Brightline's numbers" in html
    assert "win_rate=20" in html and "cycle_days=120" in html and "deal_size=50000" in html
    assert "What you need" not in html and 'class="error"' not in html
    # labels carry units and the period has its hint
    assert '<label for="win_rate">Win rate <span class="unit">(%)</span>' in html
    assert "365 a year, 91 a quarter." in html


def test_worked_example_2_shows_both_sides_of_the_trap(client):
    page = text(get(client, **EXAMPLE_2))
    # gap 1,000,000; R* = 1 / 0.2 = 5 -> required 5,000,000; naive 3 x 1,000,000 = 3,000,000
    assert "$5,000,000.00" in page and "5.0x" in page
    assert "You need $5.0M of pipeline to close the $1.0M still to go: 5.0x, not 3x." in page
    assert "A fixed 3x ($3.0M) would leave you $2.0M short: under-covered." in page
    assert "-$2,000,000.00 (under-covered)" in page
    # standing = (1,000,000 / 365) x 120 / 0.2 = 1,643,835.616... -> 1.6438x the goal
    assert "$1,643,835.62" in page
    assert ("As a standing pipeline you need $1.64M open at any time (1.64x your goal): "
            "a fixed 3x would over-fill it.") in page
    # wins 1,000,000 / 50,000 = 20; opportunities 20 x 5 = 100
    assert "That is 20 wins of $50K on average, from 100 opportunities." in page
    # per week 7 x 1,000,000 / 365 / 0.2 = 95,890.41; per month 1,000,000 / 0.2 / 12 = 416,666.67
    # opportunities a week 95,890.41 / 50,000 = 1.9178 -> aim for 2; last day 365 - 120 = 245
    assert "create $95.9K of new pipeline a week ($417K a month)" in page
    assert "1.92 new opportunities a week, so aim for 2." in page
    assert "$416,666.67" in page
    assert "is day 245 of 365." in page
    assert input_value(page, "win_rate") == "20"  # the form keeps the percent as typed


def test_a_fraction_typed_as_win_rate_is_questioned_not_guessed(client):
    html = get(client, **{**EXAMPLE_2, "win_rate": "0.25"})
    assert error_of(html, "win_rate") == "Did you mean 25%? Enter 25 for 25%."
    assert input_value(html, "win_rate") == "0.25"
    assert 'aria-describedby="win_rate-hint win_rate-error" aria-invalid="true"' in html
    assert "What you need" not in html and "$5,000,000.00" not in html


def test_every_error_sits_beside_its_field_and_every_value_is_kept(client):
    typed = {**EXAMPLE_2, "goal": "", "deal_size": "lots", "win_rate": "150",
             "cycle_days": "-5", "slippage": "100", "days_elapsed": "400"}
    html = get(client, **typed)
    assert error_of(html, "goal") == "Revenue goal for the period is required."
    assert error_of(html, "deal_size") == (
        "Average won deal must be a number such as 1250 or 0.25.")
    assert error_of(html, "win_rate") == "Win rate must be at most 100%."
    assert error_of(html, "cycle_days").startswith("Sales cycle must be greater than 0")
    assert error_of(html, "slippage") == (
        "Slippage must be less than 100%: if all pipeline value slips out of the period, "
        "no amount of pipeline is enough.")
    assert error_of(html, "days_elapsed").startswith(
        "Days of the period already gone must not be more than the length of the period (365)")
    for name, value in typed.items():
        if name != "currency":
            assert input_value(html, name) == value
    # the summary at the top links to each field, in the order of the form
    summary = html[html.index('class="error-summary"'):html.index("<form")]
    links = re.findall(r'href="#([a-z_]+)"', summary)
    assert links == ["goal", "days_elapsed", "deal_size", "win_rate", "cycle_days", "slippage"]
    assert "What you need" not in html


def test_money_with_thousands_commas_is_read_and_kept_as_typed(client):
    html = get(client, **{**EXAMPLE_2, "goal": "1,000,000", "deal_size": "$50,000"})
    assert "$5,000,000.00" in html
    assert input_value(html, "goal") == "1,000,000"


STAGES = {"stages-0-name": "Discovery", "stages-0-win_probability": "30",
          "stages-0-open_value": "800000",
          "stages-1-name": "Proposal", "stages-1-win_probability": "30",
          "stages-1-open_value": "500000",
          "stages-2-name": "Negotiation", "stages-2-win_probability": "30",
          "stages-2-open_value": "300000"}
EXAMPLE_3 = {"currency": "USD", "goal": "1000000", "period_days": "365", "deal_size": "40000",
             "win_rate": "30", "cycle_days": "90", "naive_multiple": "3", **STAGES}


def row_names(html: str) -> list[str]:
    return re.findall(r'name="stages-(\d+)-name"', html)


def test_add_stage_adds_a_row_keeps_the_values_and_computes_nothing(client):
    typed = {**EXAMPLE_2, "stages-0-name": "Discovery", "stages-0-win_probability": "20",
             "stages-1-name": "", "stages-2-name": "", "add_stage": "1"}
    html = get(client, **typed)
    assert row_names(html) == ["0", "1", "2", "3"]  # three rows shown, one more added
    assert input_value(html, "stages-0-name") == "Discovery"
    assert input_value(html, "stages-0-win_probability") == "20"
    assert input_value(html, "goal") == "1000000"
    assert re.search(r'name="stages-3-name"[^>]*autofocus', html)
    assert "What you need" not in html and 'class="error"' not in html


def test_first_visit_shows_three_rows_and_filled_rows_get_one_blank_after(client):
    assert row_names(get(client)) == ["0", "1", "2"]
    four = {f"stages-{i}-name": f"S{i}" for i in range(4)}
    four.update({f"stages-{i}-win_probability": str(20 + i) for i in range(4)})
    assert row_names(get(client, **EXAMPLE_2, **four)) == ["0", "1", "2", "3", "4"]


def test_a_ticked_row_is_removed_and_the_rest_move_up(client):
    html = get(client, **EXAMPLE_3, **{"stages-1-remove": "1"})
    assert input_value(html, "stages-0-name") == "Discovery"
    assert input_value(html, "stages-1-name") == "Negotiation"
    assert input_value(html, "stages-1-open_value") == "300000"
    assert "Proposal" not in html
    assert row_names(html) == ["0", "1", "2"]  # two kept and one blank
    # sized without it: 800,000 + 300,000 = 1,100,000 open
    assert "$1,100,000.00" in html


def test_stages_example_3_shows_current_coverage_and_shortfall(client):
    page = text(get(client, **EXAMPLE_3))
    # open 800,000 + 500,000 + 300,000 = 1,600,000; coverage 1.6 of the 1,000,000 gap
    # required 1,000,000 / 0.3 = 3,333,333.33; shortfall 3,333,333.33 - 1,600,000
    assert "$1,600,000.00" in page and "$3,333,333.33" in page and "$1,733,333.33" in page
    assert ("Your current pipeline of $1.6M covers 1.6x the $1.0M still to go. "
            "You are $1.73M short of the $3.33M you need.") in page
    # expected 0.3 x 1,600,000 = 480,000; still to find 520,000 -> 520,000 / 0.3 new pipeline
    # = 1,733,333.33, i.e. 43.3 deals of 40,000 -> 44
    assert "$480,000.00" in page
    assert ("to close the other $520K, create $1.73M of new pipeline (about 44 opportunities)."
            in page)
    assert "Targets by stage" in page and 'id="chart-stages-title"' in page


def test_example_4_current_pipeline_covers_what_is_needed(client):
    page = text(get(client, currency="USD", goal="450000", current_pipeline="1260000",
                    win_rate="38", deal_size="30000", cycle_days="60", naive_multiple="3"))
    # 1,260,000 / 450,000 = 2.8; required 450,000 / 0.38 = 1,184,210.53 < 1,260,000
    assert "covers 2.8x the $450K still to go. That is all the pipeline you need." in page
    assert "$1,184,210.53" in page and "$0.00" in page


def test_a_stage_error_sits_in_its_cell_and_talks_in_percent(client):
    typed = {**EXAMPLE_2, "stages-0-name": "Discovery", "stages-0-win_probability": "30",
             "stages-1-name": "Proposal", "stages-1-win_probability": "25",
             "stages-2-name": "", "stages-2-win_probability": "60"}
    html = get(client, **typed)
    assert error_of(html, "stages-1-win_probability").startswith(
        "Stage 2 win probability must be at least the previous stage's (30%)")
    assert error_of(html, "stages-2-name") == "Stage 3 stage name is required."
    assert input_value(html, "stages-2-win_probability") == "60"
    assert 'href="#stages-1-win_probability"' in html


def test_warnings_of_the_result_are_shown(client):
    page = text(get(client, **{**EXAMPLE_2, "days_elapsed": "300"}))
    # 300 > 365 - 120 = 245: new deals now close after the period
    assert "Check these" in page
    assert "New deals created now are expected to close after the period ends" in page


def test_partial_returns_only_the_result_fragment(client):
    html = get(client, partial="1", **EXAMPLE_2)
    assert "<html" not in html and "<form" not in html and "<h1" not in html
    assert 'data-headline="You need $5.0M of pipeline' in html
    assert "$5,000,000.00" in html


def test_partial_with_errors_lists_them_for_the_live_result(client):
    html = get(client, partial="1", **{**EXAMPLE_2, "win_rate": "0.2"})
    assert "<form" not in html and "No result yet" in html
    assert '<a href="#win_rate">Did you mean 20%? Enter 20 for 20%.</a>' in html


def test_the_page_obeys_the_content_security_policy(client):
    html = get(client, **EXAMPLE_3)
    assert "style=" not in html and "<style" not in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all("src=" in tag for tag in scripts)
    assert "sizer.css" in html and "sizer.js" in html


LESSON = """---
slug: sizing-the-pipeline
title: Sizing the pipeline
minutes: 10
summary: How much pipeline you need.
objectives: [Size a pipeline]
exercises: [sizer]
---
## Try it

[[exercise sizer goal=1000000 win_rate=0.2 cycle_days=120 deal_size=50000]]

## After
"""




def test_the_lesson_embeds_the_sizer_prefilled_from_its_options(lesson_reader):
    client = lesson_reader("01-sizing-the-pipeline.md", LESSON)
    html = client.get("/lessons/sizing-the-pipeline").get_data(as_text=True)
    assert 'action="/sizer"' in html and 'method="get"' in html
    assert input_value(html, "goal") == "1000000"
    assert input_value(html, "win_rate") == "20"  # the preset 0.2 is shown as 20 percent
    assert input_value(html, "cycle_days") == "120"
    assert input_value(html, "period_days") == "365"
    assert 'id="sizer-goal"' in html and '<label for="sizer-goal">' in html
    assert "Open the full sizer" in html
    link = re.search(r'<a href="(/sizer\?[^"]+)">Open the full sizer', html).group(1)
    assert "win_rate=20" in link
    assert "style=" not in html
