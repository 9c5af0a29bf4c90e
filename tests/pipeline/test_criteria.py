"""Stage criteria checker: rules C1-C17, the API shape, the score and request parsing."""

import json
from pathlib import Path

import pytest

from course.pipeline.criteria import (
    WORDS_FILE,
    CheckRequest,
    StageInput,
    check_criterion,
    check_process,
    load_word_lists,
    parse_check_request,
    result_to_json,
)
from course.pipeline.errors import InvalidInput

# The running case: Brightline Fleet selling to Carver Freight. Ruth Carver (VP Operations)
# holds the budget, Sam Ortiz (maintenance manager) is the mobilizer, Kofi Mensah is the IT
# lead, Elena Petrova the finance controller.
Q1 = "Maintenance manager named the economic buyer in an email"
Q2 = "Maintenance manager stated the breakdown problem and its cost in an email"
QX1 = "VP Operations agreed in writing that breakdowns are a priority this year"
QX2 = "VP Operations accepted a calendar invite for a discovery session"
DX1 = "Maintenance manager shared 12 months of breakdown data"
DX2 = "VP Operations approved the written recap of the cost of breakdowns"
DX3 = "VP Operations accepted a calendar invite for the next step"
RX1 = "IT lead documented the integration requirements in a shared document"
RX2 = "Buying committee approved the written requirements list"
RX3 = "Buying committee accepted a calendar invite for the next step"
PX1 = "IT lead confirmed in writing that the pilot met the integration requirements"
PX2 = "Finance controller approved the business case figures in writing"
PX3 = "Finance controller accepted a calendar invite for the next step"
OX1 = "VP Operations requested contract terms by email"
OX2 = "Procurement shared its vendor onboarding checklist by email"
OX3 = "Procurement accepted a calendar invite for the next step"
CX1 = "VP Operations signed the order form"
CX2 = "Procurement issued a purchase order"
DROP = ("Deal leaves the pipeline if the sponsor misses two agreed next steps",)
GARTNER = ("Problem identification", "Solution exploration", "Requirements building",
           "Supplier selection")  # fmt: skip


def stage(name, entry, exit, drop_out=DROP, max_days=30):
    """Build a stage with a drop-out condition and a time limit unless told otherwise."""
    return StageInput(name, tuple(entry), tuple(exit), tuple(drop_out), max_days)


def brightline(**replace):
    """Return Brightline's good six-stage process, with named stages swapped out."""
    stages = {
        "Qualify": stage("Qualify", [Q1, Q2], [QX1, QX2]),
        "Discover": stage("Discover", [QX1, QX2], [DX1, DX2, DX3]),
        "Define requirements": stage("Define requirements", [DX1, DX2, DX3], [RX1, RX2, RX3]),
        "Prove": stage("Prove", [RX1, RX2, RX3], [PX1, PX2, PX3]),
        "Propose": stage("Propose", [PX1, PX2, PX3], [OX1, OX2, OX3]),
        "Commit": stage("Commit", [OX1, OX2, OX3], [CX1, CX2]),
    }
    stages.update(replace)
    return CheckRequest(tuple(stages.values()), GARTNER)


def rules(text):
    """Return the ids of the rules a single criterion breaks."""
    return {f.rule for f in check_criterion(text)}


def stage_rules(req, index):
    """Return the ids of the stage-level rules that stage `index` breaks."""
    return {f.rule for f in check_process(req).stages[index].findings}


def process_rules(req):
    """Return the ids of the process-wide rules the process breaks."""
    return {f.rule for f in check_process(req).findings}


def all_findings(res):
    """List every finding of a result, wherever it sits."""
    found = list(res.findings)
    for s in res.stages:
        found += s.findings
        found += [f for c in s.entry + s.exit for f in c.findings]
    return found


# --------------------------------------------------------------------------- C1-C9


@pytest.mark.parametrize(
    "text",
    [
        "Proposal sent",
        "We sent the proposal to the CFO",
        "Demo delivered to the buying committee",
        "Rep confirmed budget with the CFO",
        "Followed up with the sponsor by email",
        "CFO was sent the pricing",
        "Quote emailed to procurement",
        "Sending the proposal to the CFO",
        "PROPOSAL SENT!!!",
    ],
)
def test_c1_fires_on_seller_activity(text):
    assert "C1" in rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Economic buyer reviewed the proposal and asked for contract terms by email",
        "Discovery call booked by sponsor",
        "Email from the CFO confirmed the budget",
        "Customer signed the quote we sent",
        # "demonstrated" is a different word from "demo"; the champion acts here
        "Champion demonstrated the prototype to their CFO",
        "Sponsor emailed the requirements list",
    ],
)
def test_c1_quiet_when_the_buyer_acts(text):
    assert "C1" not in rules(text)


def test_c1_hint_rewrites_a_sent_proposal_as_a_buyer_outcome():
    (c1,) = [f for f in check_criterion("We sent the proposal to the CFO") if f.rule == "C1"]
    assert c1.severity == "error"
    assert "'We'" in c1.message
    assert "Try: 'CFO reviewed the proposal and asked for contract terms by email'" in c1.hint


@pytest.mark.parametrize("text", ["Budget range confirmed in writing", "Pricing agreed by email",
                                  "They signed the contract"])  # fmt: skip
def test_c2_fires_when_no_buyer_role_acts(text):
    assert "C2" in rules(text)


def test_c2_hint_puts_a_buyer_role_in_front():
    (c2,) = [f for f in check_criterion("Budget range confirmed in writing") if f.rule == "C2"]
    assert "Try: 'Economic buyer confirmed budget range in writing'" in c2.hint
    (c2,) = [f for f in check_criterion("They signed the contract") if f.rule == "C2"]
    assert "Try: 'Economic buyer signed the contract'" in c2.hint


@pytest.mark.parametrize(
    "text",
    ["Economic buyer confirmed the budget range in writing", "Decision-maker named by sponsor"],
)
def test_c2_quiet_with_a_buyer_role(text):
    assert "C2" not in rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Prospect is interested",
        "Sponsor seems keen",
        "Good fit for our platform",
        "CFO is bought in",
        "Verbal yes from the economic buyer",
        "Champion likes the product",
    ],
)
def test_c3_fires_on_moods_and_opinions(text):
    assert "C3" in rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Economic buyer booked a discovery meeting by calendar invite",
        # "like" the preposition is not "likes"
        "IT lead shared criteria like uptime and cost in writing",
    ],
)
def test_c3_quiet_on_observable_acts(text):
    assert "C3" not in rules(text)


def test_c3_hint_suggests_an_act_by_the_named_role():
    (c3,) = [f for f in check_criterion("Prospect is interested") if f.rule == "C3"]
    assert c3.severity == "error"
    assert "Try: 'Prospect booked a discovery meeting with their team'" in c3.hint


@pytest.mark.parametrize(
    "text",
    [
        "Most stakeholders attended the workshop",
        "Sponsor shared some requirements by email",
        "CFO confirmed a budget of around 50k in writing",
        "Economic buyer signed, 80% sure",
    ],
)
def test_c4_fires_on_hedges(text):
    assert "C4" in rules(text)


def test_c4_quiet_on_a_yes_no_fact():
    assert "C4" not in rules("VP Operations, IT lead and finance controller attended the workshop")


def test_c5_fires_without_evidence_and_suggests_some():
    (c5,) = [f for f in check_criterion("Economic buyer agreed to the pilot") if f.rule == "C5"]
    assert c5.severity == "warning"
    assert "Try: 'Economic buyer agreed to the pilot, confirmed by email'" in c5.hint
    assert "C5" not in rules("Economic buyer agreed to the pilot by email")


@pytest.mark.parametrize(
    "text",
    [
        "CFO will approve the budget",
        "Procurement plans to issue a PO",
        "Sponsor is going to introduce us to the CFO",
    ],
)
def test_c6_fires_on_intentions(text):
    assert "C6" in rules(text)


def test_c6_quiet_on_completed_events_and_hints_past_tense():
    assert "C6" not in rules("CFO has approved the budget in writing")
    # "plan" the noun is not "plans to"
    assert "C6" not in rules("Sponsor shared the rollout plan to the depots by email")
    (c6,) = [f for f in check_criterion("CFO will approve the budget") if f.rule == "C6"]
    assert "Try: 'CFO has committed in writing to approve the budget'" in c6.hint


@pytest.mark.parametrize(
    "text",
    ["Deal moved to best case", "Forecast category is upside", "60% chance to close this quarter"],
)
def test_c7_fires_on_forecast_categories(text):
    assert "C7" in rules(text)


def test_c7_quiet_on_a_percentage_that_is_a_fact():
    assert "C7" not in rules("Finance controller confirmed in writing that 20% of budget is free")


@pytest.mark.parametrize(
    "text",
    [
        "Economic buyer approved the budget and signed the order form",
        "IT lead approved the security review; procurement issued the PO",
    ],
)
def test_c8_fires_on_two_outcomes(text):
    (c8,) = [f for f in check_criterion(text) if f.rule == "C8"]
    assert c8.severity == "info"


def test_c8_quiet_when_and_joins_people_not_outcomes():
    assert "C8" not in rules("VP Operations, IT lead and finance controller attended the workshop")
    assert "C8" not in rules(Q2)  # "problem and its cost": one outcome


def test_c9_fires_on_a_general_buyer_word_and_names_a_role():
    (c9,) = [f for f in check_criterion("Customer signed the order form") if f.rule == "C9"]
    assert "Try: 'Economic buyer signed the order form'" in c9.hint
    assert "C9" in rules("Client approved the proposal in writing")
    assert "C9" not in rules("Economic buyer signed the order form")


def test_matching_is_case_and_punctuation_blind():
    assert rules("proposal sent") == rules("PROPOSAL, SENT.")
    assert "C2" not in rules("decision maker approved it by email")
    assert "C2" not in rules("Decision-Maker approved it by email")


# --------------------------------------------------------------------------- stage rules


@pytest.mark.parametrize("name", ["Demo", "Demos", "Product demo", "Proposal sent",
                                  "Discovery call", "Follow-up"])  # fmt: skip
def test_c10_fires_on_stages_named_after_seller_activities(name):
    req = brightline(Prove=stage(name, [RX1, RX2, RX3], [PX1, PX2, PX3]))
    (c10,) = [f for f in check_process(req).stages[3].findings if f.rule == "C10"]
    assert c10.severity == "warning"


@pytest.mark.parametrize("name", ["Prove", "Options evaluated", "Value demonstrated"])
def test_c10_quiet_on_buyer_phase_names(name):
    req = brightline(Prove=stage(name, [RX1, RX2, RX3], [PX1, PX2, PX3]))
    assert "C10" not in stage_rules(req, 3)


def two_stage(n=2):
    """Return a clean process of n stages (n >= 2) whose handoffs are explicit."""
    exits = [f"VP Operations signed order form number {i}" for i in range(n)]
    first = stage("Qualify", [Q1, Q2], [exits[0]])
    rest = [stage(f"Step {i}", [exits[i - 1]], [exits[i]]) for i in range(1, n)]
    return CheckRequest((first, *rest))


@pytest.mark.parametrize(("n", "fires"), [(2, True), (3, False), (8, False), (9, True)])
def test_c11_stage_count_between_3_and_8(n, fires):
    assert ("C11" in process_rules(two_stage(n))) is fires


def test_c12_fires_on_a_stage_without_exit_criteria():
    req = brightline(Prove=stage("Prove", [RX1, RX2, RX3], []))
    (c12,) = [f for f in check_process(req).stages[3].findings if f.rule == "C12"]
    assert c12.severity == "error"
    assert "no exit criteria" in c12.message


def test_c12_fires_when_an_exit_is_not_the_next_entry():
    req = brightline(Propose=stage("Propose", [PX1, PX3], [OX1, OX2, OX3]))
    (c12,) = [f for f in check_process(req).stages[3].findings if f.rule == "C12"]
    assert "'Propose'" in c12.message
    assert "Finance controller approved the business case figures" in c12.message


def test_c12_quiet_when_the_handoff_differs_only_in_case_and_punctuation():
    req = brightline(Propose=stage("Propose", [PX1, PX2.upper() + ".", PX3], [OX1, OX2, OX3]))
    assert "C12" not in stage_rules(req, 3)


@pytest.mark.parametrize(
    ("drop_out", "max_days", "missing"),
    [((), 30, "drop-out"), (DROP, None, "time limit"), ((), None, "drop-out")],
)
def test_c13_fires_without_a_way_out(drop_out, max_days, missing):
    req = brightline(Prove=stage("Prove", [RX1, RX2, RX3], [PX1, PX2, PX3], drop_out, max_days))
    (c13,) = [f for f in check_process(req).stages[3].findings if f.rule == "C13"]
    assert missing in c13.message


def test_c14_fires_when_a_stage_goes_back_in_the_journey():
    req = CheckRequest(brightline().stages[2:3] + brightline().stages[0:1], GARTNER)
    (c14,) = [f for f in check_process(req).stages[1].findings if f.rule == "C14"]
    assert "'Qualify' matches 'Problem identification'" in c14.message
    assert "already reached 'Requirements building'" in c14.message


def test_c14_fires_when_a_stage_matches_no_phase():
    odd = stage("Stage X", [DX1, DX2, DX3], [RX1, RX2, RX3])
    req = brightline(**{"Define requirements": odd})
    req = CheckRequest(req.stages, ("Awareness", "Consideration", "Decision"))
    (c14,) = [f for f in check_process(req).stages[2].findings if f.rule == "C14"]
    assert "does not match any phase" in c14.message


def test_c14_fires_on_a_stage_that_adds_no_new_commitment():
    repeat = stage("Pilot", [PX1, PX2, PX3], [PX1, PX2, PX3])
    req = CheckRequest(brightline().stages[:4] + (repeat,), GARTNER)
    assert "C14" in stage_rules(req, 4)


def test_c14_quiet_without_a_journey_and_on_the_running_case():
    res = check_process(brightline())
    assert not [f for f in all_findings(res) if f.rule == "C14"]
    backwards = CheckRequest(brightline().stages[2:3] + brightline().stages[0:1])
    assert "C14" not in stage_rules(backwards, 1)


def test_c15_asks_for_a_dated_next_step_from_the_second_stage_on():
    req = brightline(Discover=stage("Discover", [QX1, QX2], [DX1, DX2]))
    (c15,) = [f for f in check_process(req).stages[1].findings if f.rule == "C15"]
    assert c15.severity == "info"
    assert "C15" not in stage_rules(brightline(), 1)
    # the first stage is exempt even without a next step
    assert "C15" not in stage_rules(brightline(Qualify=stage("Qualify", [Q1, Q2], [QX1])), 0)


def test_c16_fires_on_a_weak_pipeline_entry():
    req = brightline(Qualify=stage("Qualify", ["Prospect is interested"], [QX1, QX2]))
    (c16,) = [f for f in check_process(req).stages[0].findings if f.rule == "C16"]
    assert "who makes the decision" in c16.message
    assert "problem or timeline" in c16.message


def test_c16_names_only_what_is_missing():
    req = brightline(Qualify=stage("Qualify", [Q2], [QX1, QX2]))
    (c16,) = [f for f in check_process(req).stages[0].findings if f.rule == "C16"]
    assert "who makes the decision" in c16.message
    assert "problem or timeline" not in c16.message
    assert "C16" not in stage_rules(brightline(), 0)


def test_c17_flags_a_criterion_repeated_in_a_later_stage():
    req = brightline(Commit=stage("Commit", [OX1, OX2, OX3], [CX1, CX2, DX2.lower() + "."]))
    (c17,) = check_process(req).findings
    assert (c17.rule, c17.severity) == ("C17", "info")
    assert "exit criterion 3 of 'Commit'" in c17.message
    assert "exit criterion 2 of 'Discover'" in c17.message


def test_c17_ignores_the_handoff_copy_but_not_a_duplicate_in_one_list():
    assert "C17" not in process_rules(brightline())
    req = brightline(Commit=stage("Commit", [OX1, OX2, OX3], [CX1, CX1]))
    assert "C17" in process_rules(req)


# --------------------------------------------------------------------------- whole process


def test_brightline_running_case_is_clean_and_scores_one():
    res = check_process(brightline())
    assert res.score == 1.0
    assert [f for f in all_findings(res) if f.severity != "info"] == []


def test_weak_process_scores_zero():
    req = CheckRequest(
        (
            StageInput("Prospecting", (), ("Prospect is interested",)),
            StageInput("Demo", ("Prospect is interested",), ("Demo delivered",)),
            StageInput("Proposal sent", ("Demo delivered",), ("Proposal sent",)),
        )
    )
    res = check_process(req)
    # every criterion has an error (C3 or C1/C2) and every stage a warning (C10, C13):
    # 0.75 x 0/5 + 0.25 x 0/3 - 0.1 x 0 = 0
    assert res.score == 0.0
    by_stage = [{f.rule for f in s.findings} for s in res.stages]
    assert all({"C10", "C13"} <= r for r in by_stage)


def test_empty_criteria_lists_score_zero():
    req = CheckRequest(tuple(StageInput(n, (), (), DROP, 30) for n in ("A", "B", "C")))
    # no criteria: C = 0; every stage lacks exit criteria (C12 error): S = 0
    assert check_process(req).score == 0.0


def test_one_failing_criterion_costs_its_share():
    req = brightline(Commit=stage("Commit", [OX1, OX2, OX3], [CX1, "Proposal sent"]))
    # 4 + 5 + 6 + 6 + 6 + 5 = 32 criteria, 31 pass; all 6 stages clean:
    # 0.75 x 31/32 + 0.25 x 6/6 = 0.7265625 + 0.25 = 0.9765625
    assert check_process(req).score == 0.9766


def test_a_criterion_with_one_warning_still_passes():
    req = brightline(Commit=stage("Commit", [OX1, OX2, OX3], [CX1, "Customer signed the PO"]))
    # "Customer" (C9) is the only warning: all 32 criteria pass
    assert check_process(req).score == 1.0


def test_a_stage_warning_costs_a_quarter_of_its_share():
    req = brightline(Prove=stage("Prove", [RX1, RX2, RX3], [PX1, PX2, PX3], max_days=None))
    # C13 on one stage of six: 0.75 x 1 + 0.25 x 5/6 = 0.958333
    assert check_process(req).score == 0.9583


def test_a_process_warning_costs_a_tenth():
    # 2 stages (C11), everything else clean: 0.75 + 0.25 - 0.1 = 0.9
    assert check_process(two_stage(2)).score == 0.9


def test_result_json_has_the_documented_shape():
    req = brightline(Prove=stage("Demo", [RX1, RX2, RX3], [PX1, "Proposal sent", PX3], ()))
    data = result_to_json(check_process(req))
    json.dumps(data)
    assert set(data) == {"score", "findings", "stages"}
    assert isinstance(data["score"], float) and 0 <= data["score"] <= 1
    assert len(data["stages"]) == 6
    for s in data["stages"]:
        assert set(s) == {"name", "findings", "entry", "exit"}
        for c in s["entry"] + s["exit"]:
            assert set(c) == {"text", "findings"}
    demo = data["stages"][3]
    assert demo["name"] == "Demo"
    assert [c["text"] for c in demo["exit"]] == [PX1, "Proposal sent", PX3]
    assert {f["rule"] for f in demo["findings"]} == {"C10", "C12", "C13"}
    sent = demo["exit"][1]["findings"]
    assert {f["rule"]: f["severity"] for f in sent} == {"C1": "error", "C2": "error",
                                                         "C5": "warning"}  # fmt: skip
    for f in sent + demo["findings"]:
        assert set(f) == {"rule", "severity", "message", "hint"}
        assert f["message"] and f["hint"]


def test_process_wide_findings_sit_at_the_top():
    data = result_to_json(check_process(two_stage(2)))
    assert [f["rule"] for f in data["findings"]] == ["C11"]
    assert all(f["rule"] != "C11" for s in data["stages"] for f in s["findings"])


# --------------------------------------------------------------------------- parsing


def body(**stage_fields):
    """Return a valid one-stage request body with some fields replaced."""
    raw = {"name": "Qualify", "entry": [Q1], "exit": [QX1]}
    raw.update(stage_fields)
    return {"stages": [raw]}


def errors_of(data):
    """Return the field errors parse_check_request reports for `data`."""
    with pytest.raises(InvalidInput) as caught:
        parse_check_request(data)
    return caught.value.errors


def test_parse_accepts_a_full_request_and_trims_text():
    req = parse_check_request(
        {
            "stages": [{"name": " Qualify ", "entry": [Q1 + "  "], "exit": [QX1],
                        "drop_out": list(DROP), "max_days": 3650}],
            "journey": ["Problem identification"],
        }
    )  # fmt: skip
    assert req == CheckRequest(
        (StageInput("Qualify", (Q1,), (QX1,), DROP, 3650),), ("Problem identification",)
    )


def test_parse_treats_null_optional_fields_as_missing():
    req = parse_check_request(body(drop_out=None, max_days=None) | {"journey": None})
    assert req.stages[0].drop_out == () and req.stages[0].max_days is None
    assert req.journey == ()


@pytest.mark.parametrize("data", [None, [], "stages", 3])
def test_parse_rejects_a_body_that_is_not_an_object(data):
    assert set(errors_of(data)) == {"body"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "stages"),
        ({"stages": "Qualify"}, "stages"),
        ({"stages": []}, "stages"),
        ({"stages": [body()["stages"][0]] * 31}, "stages"),
        ({"stages": ["Qualify"]}, "stages[0]"),
        (body(name=None), "stages[0].name"),
        (body(name="   "), "stages[0].name"),
        (body(name=3), "stages[0].name"),
        (body(name="x" * 101), "stages[0].name"),
        (body(entry=None), "stages[0].entry"),
        (body(exit="VP signed"), "stages[0].exit"),
        (body(entry=[Q1, 7]), "stages[0].entry[1]"),
        (body(entry=[Q1, " "]), "stages[0].entry[1]"),
        (body(exit=["x" * 501]), "stages[0].exit[0]"),
        (body(entry=[Q1] * 51), "stages[0].entry"),
        (body(entry=[Q1] * 30, exit=[QX1] * 21), "stages[0]"),
        (body(drop_out="none"), "stages[0].drop_out"),
        (body(drop_out=[None]), "stages[0].drop_out[0]"),
        (body(max_days=True), "stages[0].max_days"),
        (body(max_days=0), "stages[0].max_days"),
        (body(max_days=3651), "stages[0].max_days"),
        (body(max_days=30.5), "stages[0].max_days"),
        (body(max_days="30"), "stages[0].max_days"),
        (body(dropout=[]), "stages[0].dropout"),
        (body() | {"journy": []}, "journy"),
        (body() | {"journey": "Gartner"}, "journey"),
        (body() | {"journey": ["Awareness"] * 21}, "journey"),
        (body() | {"journey": ["Awareness", ""]}, "journey[1]"),
        (body() | {"journey": ["x" * 101]}, "journey[0]"),
    ],
)
def test_parse_names_the_faulty_field(data, field):
    assert field in errors_of(data)


def test_parse_limits_the_whole_process():
    raw = {"name": "S", "entry": [Q1] * 25, "exit": [QX1] * 20}
    # 9 stages x 45 criteria = 405 > 400
    assert "at most 400" in errors_of({"stages": [raw] * 9})["stages"]
    assert len(parse_check_request({"stages": [raw] * 8}).stages) == 8  # 360 is fine


def test_parse_reports_every_fault_at_once():
    data = {
        "stages": [
            {"name": "", "entry": [1], "exit": None, "max_days": False},
            "Discover",
        ],
        "journey": [""],
        "extra": 1,
    }
    assert set(errors_of(data)) == {
        "stages[0].name", "stages[0].entry[0]", "stages[0].exit", "stages[0].max_days",
        "stages[1]", "journey[0]", "extra",
    }  # fmt: skip


def test_parse_messages_are_plain_words():
    errors = errors_of(body(max_days=True, entry=[""]))
    assert errors["stages[0].max_days"] == "Give the limit as a whole number of days."
    assert errors["stages[0].entry[0]"] == "This criterion is empty: write it or remove it."


# --------------------------------------------------------------------------- word lists


def test_default_word_lists_load_once():
    assert load_word_lists() is load_word_lists(WORDS_FILE)


def test_a_custom_word_file_changes_what_is_flagged(tmp_path):
    custom = tmp_path / "words.yml"
    text = WORDS_FILE.read_text(encoding="utf-8")
    custom.write_text(
        text.replace("vague_words:\n", "vague_words:\n  stoked: signed the order form\n"),
        encoding="utf-8",
    )
    req = brightline(Commit=stage("Commit", [OX1, OX2, OX3], [CX1, "CFO is stoked, by email"]))
    rules_with = {f.rule for f in check_process(req, words=load_word_lists(custom)).stages[5]
                  .exit[1].findings}  # fmt: skip
    assert rules_with == {"C3"}
    assert {f.rule for f in check_process(req).stages[5].exit[1].findings} == set()


def test_a_broken_word_file_names_every_fault(tmp_path):
    broken = tmp_path / "broken.yml"
    text = WORDS_FILE.read_text(encoding="utf-8")
    text = text.replace("hedge_words:", "hedge_wordz:")
    text = text.replace('  - "on"\n', "  - on\n")  # YAML reads a bare on as true
    text = text.replace('default: "{role} confirmed', 'default: "{buyer} confirmed')
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_word_lists(broken)
    faults = {k.split(": ", 1)[1] for k in caught.value.errors}
    assert {"hedge_wordz", "hedge_words", "seller_rewrites.default"} <= faults
    assert any(k.startswith("stopwords[") for k in faults)


def test_a_file_that_is_not_yaml_is_reported(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("vague_words: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidInput):
        load_word_lists(bad)
    with pytest.raises(InvalidInput):
        load_word_lists(Path(tmp_path / "missing.yml"))
