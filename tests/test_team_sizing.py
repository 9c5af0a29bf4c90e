"""Team sizing, pure: reading a team table (typed or CSV), sizing each seller, totals, CSV out."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.team_sizing import (
    MAX_BYTES,
    MAX_ROWS,
    RESULT_HEADER,
    RowText,
    TeamInputError,
    brightline_rows,
    fields_from_rows,
    input_csv,
    parse_csv,
    read_csv,
    read_team,
    results_csv,
    rows_from_fields,
    size_csv,
    size_team,
    template_csv,
)

HEADER = "name,goal,win_rate,deal_size,cycle_days,current_pipeline\n"


def faults_of(call, *args) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(TeamInputError) as caught:
        call(*args)
    return [(f.row, f.column, f.message) for f in caught.value.faults]


def one(row: str, header: str = HEADER):
    return size_csv(header + row).sellers[0]


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------------------------------------
# The Brightline template


def test_the_brightline_template_sizes_each_ae_and_the_team():
    team = size_csv(template_csv())
    assert [s.name for s in team.sellers] == ["Priya Raman", "Marcus Webb", "Lena Hoffmann",
                                              "Tom Alvarez", "Aisha Bello", "Jonas Berg"]
    # each: gap 1,000,000; required = 1,000,000 / 0.2 = 5,000,000
    assert {s.res.required_pipeline for s in team.sellers} == {Fraction(5_000_000)}
    # shortfalls 5.0M - current: 0 (5.2M), 1.9M, 0.4M, 3.2M, 2.6M, 0 (5.0M)
    assert [s.shortfall for s in team.sellers] == [0, 1_900_000, 400_000, 3_200_000, 2_600_000, 0]
    t = team.total
    assert (t.sellers, t.goal, t.gap, t.required_pipeline) == (6, 6_000_000, 6_000_000, 30_000_000)
    # current 5.2 + 3.1 + 4.6 + 1.8 + 2.4 + 5.0 = 22.1M; coverage 22.1 / 6 = 3.68333...
    assert t.current_pipeline == 22_100_000 and t.coverage == Fraction(221, 60)
    assert t.shortfall == 8_100_000  # 1.9 + 0.4 + 3.2 + 2.6
    # a week each: 7 x 1,000,000 / 365 / 0.2 = 7,000,000 / 73; six of them 42,000,000 / 73
    assert t.per_week == Fraction(42_000_000, 73)
    assert t.opportunities_per_week_target == 12  # ceil(1.9178) = 2 each


def test_the_results_csv_has_one_row_per_seller_a_total_and_plain_money():
    text = results_csv(size_csv(template_csv()))
    rows = table(text)
    assert text.splitlines()[0] == ",".join(RESULT_HEADER)
    assert len(rows) == 7 and rows[-1]["name"] == "TOTAL"
    marcus = rows[1]
    assert marcus["name"] == "Marcus Webb" and marcus["required_pipeline"] == "5000000.00"
    assert marcus["gap"] == "1000000.00" and marcus["shortfall"] == "1900000.00"
    assert marcus["current_coverage"] == "3.1" and marcus["win_rate_percent"] == "20"
    # 7,000,000 / 73 = 95,890.4109... ; / 50,000 = 1.91781 -> 1.9178
    assert marcus["new_pipeline_per_week"] == "95890.41"
    assert marcus["opportunities_per_week"] == "1.9178"
    assert marcus["opportunities_per_week_target"] == "2"
    total = rows[-1]
    # exact 42,000,000 / 73 = 575,342.4657... -> .47, while six rounded rows add to .46
    assert total["new_pipeline_per_week"] == "575342.47"
    assert total["required_pipeline"] == "30000000.00" and total["shortfall"] == "8100000.00"
    assert total["current_coverage"] == "3.6833" and total["wins_needed"] == "120"
    assert total["win_rate_percent"] == ""


# ---------------------------------------------------------------------------------------------
# Win rate: percent, one rule


@pytest.mark.parametrize("typed", ["20", "20%", " 20 % ", "20.0"])
def test_a_win_rate_is_read_as_percent(typed):
    seller = one(f"Ann,1000000,{typed},50000,120,\n")
    assert seller.inp.win_rate == Fraction(1, 5)
    assert seller.res.required_pipeline == 5_000_000  # 1,000,000 / 0.2


def test_one_means_one_percent_not_a_hundred():
    # 10,000 / 0.01 = 1,000,000
    assert one("Ann,10000,1,5000,30,\n").res.required_pipeline == 1_000_000


@pytest.mark.parametrize(("typed", "guess"), [("0.2", "20"), ("0.05", "5"), (".333", "33.3")])
def test_a_fraction_typed_as_win_rate_is_questioned_not_guessed(typed, guess):
    faults = faults_of(size_csv, HEADER + f"Ann,1000000,{typed},50000,120,\n")
    message = f"did you mean {guess}%? Win rates are in percent: write {guess} for {guess}%"
    assert faults == [(2, "win_rate", message)]


def test_win_rates_out_of_range_are_refused_in_percent_words():
    faults = faults_of(size_csv, HEADER + "A,1,150,1,1,\nB,1,0,1,1,\nC,1,lots,1,1,\n")
    assert faults == [
        (2, "win_rate", "must be at most 100%"),
        (3, "win_rate", "must be greater than 0: with no wins the pipeline needed is unbounded"),
        (4, "win_rate", "must be a number of percent, such as 20"),
    ]


# ---------------------------------------------------------------------------------------------
# Every fault at once, nothing half-imported


def test_every_fault_of_every_row_is_listed_with_its_row_and_column():
    text = HEADER + ("Ann,1000000,20,50000,120,\n"      # row 2: fine
                     ",1000000,20,50000,120,\n"         # row 3: no name
                     "Bo,-5,20,0,x,\n"                  # row 4: three faults
                     "\n"                               # row 5: blank, skipped but counted
                     "Cy,1000,20,50000,120,-1\n")       # row 6: negative pipeline
    with pytest.raises(TeamInputError) as caught:
        size_csv(text)
    faults = [(f.row, f.column, f.message, f.value) for f in caught.value.faults]
    assert faults == [
        (3, "name", "is required", ""),
        (4, "goal", "must be 0 or more", "-5"),
        (4, "deal_size", "must be greater than 0: it is the average value of a won deal", "0"),
        (4, "cycle_days", "must be a number such as 1250 or 0.25", "x"),
        (6, "current_pipeline", "must be 0 or more", "-1"),
    ]
    assert caught.value.errors["row 4: goal"] == "must be 0 or more"


def test_header_names_are_case_insensitive_and_any_order():
    team = size_csv("Cycle Days,WIN_RATE,Name,deal-size,GOAL\n120,20,Ann,50000,1000000\n")
    assert team.sellers[0].res.required_pipeline == 5_000_000


def test_header_faults_are_listed_with_the_row_faults_and_a_missing_column_once():
    text = "name,goal,win_rate,cycle_days,cycle_days,colour\nAnn,1,0.5,1,1,red\nBo,1,20,1,1,\n"
    assert faults_of(size_csv, text) == [
        (1, "colour", "is not a column this page knows: use name, goal, win_rate, deal_size, "
                      "cycle_days, current_pipeline, booked, period_days"),
        (1, "deal_size", "is missing from the header row: it is required"),
        (1, "cycle_days", "appears twice in the header row"),
        (2, "win_rate", "did you mean 50%? Win rates are in percent: write 50 for 50%"),
    ]


def test_a_row_with_more_cells_than_the_header_is_a_fault():
    faults = faults_of(size_csv, HEADER + "Ann,1000000,20,50000,120,0,surprise\n")
    assert faults == [(2, None, "has 7 cells but the header names 6 columns")]


def test_a_file_with_no_sellers_or_no_header_says_so():
    assert faults_of(size_csv, HEADER) == [(None, "table", "has no sellers: add at least one row")]
    assert faults_of(size_csv, "\n\n")[0][:2] == (None, "file")


def test_money_may_carry_a_sign_and_thousands_commas_in_quotes():
    seller = one('Ann,"$1,000,000",20,"50,000",120,"$4,000,000"\n')
    assert seller.inp.goal == 1_000_000 and seller.current_pipeline == 4_000_000
    assert seller.shortfall == 1_000_000  # 5,000,000 - 4,000,000


def test_excel_byte_order_mark_and_semicolons_are_read():
    text = "\ufeffname;goal;win_rate;deal_size;cycle_days\nAnn;1000000;20;50000;120\n"
    assert size_csv(text.encode("utf-8")).sellers[0].name == "Ann"


def test_a_file_that_is_not_utf8_is_refused_in_plain_words():
    data = (HEADER + "Jürgen,1000000,20,50000,120,\n").encode("latin-1")
    assert faults_of(size_csv, data) == [
        (None, "file", 'is not UTF-8 text: save it as "CSV UTF-8" and upload it again')]


# ---------------------------------------------------------------------------------------------
# Limits


def test_five_hundred_sellers_are_fine_and_one_more_is_refused():
    row = "Ann,1000000,20,50000,120,\n"
    assert size_csv(HEADER + row * MAX_ROWS).total.sellers == 500
    assert faults_of(size_csv, HEADER + row * (MAX_ROWS + 1)) == [
        (None, "file", "has 501 sellers: at most 500 at once")]


def test_a_file_over_200_kb_is_refused():
    data = (HEADER + "A" * MAX_BYTES).encode()
    assert faults_of(parse_csv, data) == [
        (None, "file", "is larger than 200 KB: split the team into smaller files")]


# ---------------------------------------------------------------------------------------------
# Optional columns


def test_a_quarter_with_booked_revenue_uses_period_and_booked():
    header = "name,goal,win_rate,deal_size,cycle_days,period_days,booked,current_pipeline\n"
    s = one("Q,250000,25,25000,45,91,50000,600000\n", header)
    # gap 250,000 - 50,000 = 200,000; required 200,000 / 0.25 = 800,000; short 800 - 600 = 200K
    assert (s.res.gap, s.res.required_pipeline, s.shortfall) == (200_000, 800_000, 200_000)
    assert s.coverage == 3  # 600,000 / 200,000
    # a week: 7 x 250,000 / 91 / 0.25 = 7,000,000 / 91 = 76,923.08; / 25,000 = 3.0769 -> aim 4
    assert s.res.creation.per_week == Fraction(7_000_000, 91)
    row = table(results_csv(size_csv(header + "Q,250000,25,25000,45,91,50000,600000\n")))[0]
    assert (row["new_pipeline_per_week"], row["opportunities_per_week"]) == ("76923.08", "3.0769")
    assert (row["period_days"], row["booked"], row["opportunities_per_week_target"]) == (
        "91", "50000.00", "4")


def test_sellers_without_a_current_pipeline_are_left_out_of_the_current_totals():
    team = size_csv(HEADER + "Ann,1000000,20,50000,120,3000000\nBo,500000,25,50000,90,\n")
    bo = team.sellers[1]
    assert bo.current_pipeline is None and bo.shortfall is None and bo.coverage is None
    t = team.total
    # required 5,000,000 + 500,000 / 0.25 = 7,000,000; current and coverage only Ann's
    assert t.required_pipeline == 7_000_000
    assert (t.current_pipeline, t.shortfall, t.coverage) == (3_000_000, 2_000_000, 3)
    total = table(results_csv(team))[-1]
    assert (total["current_pipeline"], total["shortfall"]) == ("3000000.00", "2000000.00")
    assert table(results_csv(team))[1]["shortfall"] == ""


def test_no_current_pipeline_anywhere_leaves_the_total_blank():
    team = size_csv(HEADER + "Ann,1000000,20,50000,120,\n")
    assert team.total.current_pipeline is None and team.total.coverage is None
    total = table(results_csv(team))[-1]
    assert total["current_pipeline"] == total["current_coverage"] == total["shortfall"] == ""


def test_money_is_rounded_to_the_currency_minor_unit():
    row = table(results_csv(size_csv(HEADER + "Ann,1000000,30,100000,90,\n", "JPY")))[0]
    # 1,000,000 / 0.3 = 3,333,333.33 -> 3333333 yen; 7,000,000 / 365 / 0.3 = 63,926.94 -> 63927
    assert (row["currency"], row["required_pipeline"], row["new_pipeline_per_week"]) == (
        "JPY", "3333333", "63927")


def test_an_unknown_currency_is_a_fault():
    assert faults_of(size_csv, HEADER + "Ann,1,20,1,1,\n", "XYZ") == [
        (None, "currency", "is not a known ISO 4217 code, such as USD")]


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    row = table(results_csv(size_csv(HEADER + "=HYPERLINK(1),1000,20,50,30,\n")))[0]
    assert row["name"] == "'=HYPERLINK(1)"


# ---------------------------------------------------------------------------------------------
# The typed table


def test_typed_fields_become_rows_blank_rows_dropped_and_renumbered():
    fields = {"rows-0-name": "Ann", "rows-0-goal": "1", "rows-1-name": " ", "rows-1-goal": "",
              "rows-4-name": "Bo", "rows-4-win_rate": "20", "rows-2-colour": "red",
              "other": "x"}
    rows = rows_from_fields(fields)
    assert [(r.row, r.get("name")) for r in rows] == [(1, "Ann"), (2, "Bo")]
    assert fields_from_rows(rows) == [("rows-0-name", "Ann"), ("rows-0-goal", "1"),
                                      ("rows-1-name", "Bo"), ("rows-1-win_rate", "20")]


def test_typed_rows_beyond_the_limit_are_not_read():
    assert rows_from_fields({"rows-5-name": "Ann"}, limit=5) == []


# ---------------------------------------------------------------------------------------------
# Properties


seller_rows = st.lists(
    st.fixed_dictionaries(
        {"name": st.text("abcdefgh ", min_size=1, max_size=12).filter(str.strip),
         "goal": st.integers(0, 10**9).map(str),
         "win_rate": st.integers(1, 100).map(str),
         "deal_size": st.integers(1, 10**7).map(str),
         "cycle_days": st.integers(1, 730).map(str)},
        optional={"current_pipeline": st.integers(0, 10**10).map(str),
                  "booked": st.integers(0, 10**9).map(str),
                  "period_days": st.integers(1, 730).map(str)}),
    min_size=1, max_size=8,
).map(lambda rows: [RowText(n, values) for n, values in enumerate(rows, start=1)])


@settings(max_examples=60, deadline=None)
@given(seller_rows)
def test_totals_are_exact_sums_and_shortfall_never_nets_surpluses(rows):
    team = size_team(read_team(rows))
    t = team.total
    assert t.required_pipeline == sum(s.res.required_pipeline for s in team.sellers)
    assert t.gap == sum(s.res.gap for s in team.sellers)
    assert t.per_week == sum(s.res.creation.per_week for s in team.sellers)
    if t.current_pipeline is not None:
        known = [s for s in team.sellers if s.current_pipeline is not None]
        net = sum(s.res.required_pipeline for s in known) - t.current_pipeline
        assert t.shortfall >= max(net, 0)
    out = table(results_csv(team))
    assert len(out) == len(rows) + 1 and out[-1]["name"] == "TOTAL"
    # the TOTAL row is the exact sum rounded once, within a cent a seller of the rounded rows
    rounded = sum(Decimal(r["required_pipeline"]) for r in out[:-1])
    assert abs(Decimal(out[-1]["required_pipeline"]) - rounded) <= Decimal("0.01") * len(rows)


@settings(max_examples=60, deadline=None)
@given(seller_rows)
def test_a_team_written_as_csv_reads_back_the_same(rows):
    assert [s.sizer for s in read_csv(input_csv(rows))] == [s.sizer for s in read_team(rows)]
    assert rows_from_fields(dict(fields_from_rows(rows))) == [
        RowText(r.row, {k: v for k, v in r.values.items() if v.strip()}) for r in rows]


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("0.999"), places=3))
def test_every_win_rate_between_zero_and_one_is_questioned(value):
    rows = [RowText(1, {"name": "A", "goal": "1", "win_rate": str(value), "deal_size": "1",
                        "cycle_days": "1"})]
    with pytest.raises(TeamInputError) as caught:
        read_team(rows)
    assert caught.value.faults[0].message.startswith("did you mean")


def test_brightline_rows_and_template_agree():
    assert [s.sizer for s in read_csv(template_csv())] == [
        s.sizer for s in read_team(brightline_rows())]
