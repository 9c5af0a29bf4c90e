"""The playbook's Markdown, from each exercise's data."""

from course.playbook_markdown import cadence_md, criteria_md, journey_md, playbook_md, sizer_md


def test_journey_phases_become_sections():
    data = {"phases": [{"name": "Problem identification", "buyer_goal": "Agree the problem",
                        "questions": ["What do breakdowns cost us?"],
                        "roles": [{"title": "VP Operations", "kind": "other", "economic_buyer": True}],
                        "commitment": "VP signs the problem statement", "sales_stage": "Qualify"}]}
    text = "\n".join(journey_md(data))
    assert "### 1. Problem identification" in text
    assert "- What do breakdowns cost us?" in text
    assert "- VP Operations (other, economic buyer)" in text
    assert "**Ends when:** VP signs the problem statement" in text


def test_criteria_lists_entry_exit_and_limits():
    text = "\n".join(criteria_md({"stages": [{"name": "Discover", "entry": ["A"], "exit": ["B"],
                                              "drop_out": [], "max_days": 30, "verified_by": "Manager"}]}))
    assert "**Entry criteria:**\n- A" in text and "**Exit criteria:**\n- B" in text
    assert "Drop-out" not in text and "**Maximum days in stage:** 30" in text


def test_cadence_and_sizer_and_the_whole():
    cadence = "\n".join(cadence_md({"sellers": 6, "meetings": [{"kind": "pipeline", "format": "one_on_one",
                                                                 "frequency": "biweekly", "minutes": 60,
                                                                 "agenda": ["New deals"], "title": ""}]}))
    assert "For 6 sellers." in cadence and "one-on-one, biweekly, 60 minutes" in cadence and "1. New deals" in cadence
    sizer = "\n".join(sizer_md({"scenario": "FY", "inputs": {"goal": "1000000", "booked": ""}}, ["You need $5.0M."]))
    assert "Scenario: **FY**" in sizer and "- You need $5.0M." in sizer and "| goal | 1000000 |" in sizer
    assert "booked" not in sizer
    whole = playbook_md("Priya", [("Journey", "Draft", None), ("Sizer", "Submitted version 2", ["x"])])
    assert whole.startswith("# Pipeline playbook — Priya")
    assert "## Journey\n\n_Draft_\n\nNot started yet." in whole and "_Submitted version 2_\n\nx" in whole
