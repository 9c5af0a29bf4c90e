"""The team sizer page for managers: typed table or CSV upload, results, CSV download."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from html import unescape
from urllib.parse import urlencode

import pytest

from course import create_app
from course.config import ROOT
from course.extensions import db
from course.team_sizing import brightline_rows, fields_from_rows, template_csv
from tests.conftest import PASSWORD, app_settings

BRIGHTLINE = dict(fields_from_rows(brightline_rows()))
BAD_FILE = ("name,goal,win_rate,deal_size,cycle_days\n"
            "Priya Raman,1000000,20,50000,120\n"
            "Marcus Webb,1000000,0.2,50000,120\n"
            "Lena Hoffmann,lots,20,50000,-1\n")


@pytest.fixture
def manager(client, make_user, login):
    return login(make_user("manager"))


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    return unescape(match.group(1)) if match else None


def cell_error(html: str, name: str) -> str | None:
    match = re.search(rf'<p class="error" id="{re.escape(name)}-error">([^<]*)</p>', html)
    return unescape(match.group(1)) if match else None


def upload(client, data: bytes | str, filename: str = "team.csv", **extra: str):
    raw = data.encode() if isinstance(data, str) else data
    form = {"source": "upload", "currency": "USD", "file": (io.BytesIO(raw), filename), **extra}
    return client.post("/sizer/team", data=form, content_type="multipart/form-data")


def rows_of(csv_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_text)))


def download_href(html: str) -> str:
    return unescape(re.search(r'<a class="button" href="([^"]+)" download>Download as CSV',
                              html).group(1))


# ---------------------------------------------------------------------------------------------
# Who may use it


URLS = ["/sizer/team", "/sizer/team.csv?" + urlencode(BRIGHTLINE), "/sizer/team/template.csv"]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_people_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["learner", "trainer"])
@pytest.mark.parametrize("url", URLS)
def test_learners_and_trainers_are_refused(client, make_user, login, role, url):
    login(make_user(role))
    assert client.get(url).status_code == 403
    assert client.post("/sizer/team", data=BRIGHTLINE).status_code == 403


@pytest.mark.parametrize("role", ["manager", "admin"])
@pytest.mark.parametrize("url", URLS)
def test_managers_and_admins_may_use_it(client, make_user, login, role, url):
    login(make_user(role))
    assert client.get(url).status_code == 200


# ---------------------------------------------------------------------------------------------
# The typed table


def test_first_visit_shows_an_empty_table_the_upload_and_the_rules(manager):
    html = manager.get("/sizer/team").get_data(as_text=True)
    assert re.findall(r'name="rows-(\d+)-name"', html) == ["0", "1", "2"]
    assert input_value(html, "rows-0-name") == ""
    assert '<input type="file" id="file" name="file" accept=".csv,text/csv"' in html
    assert 'href="/sizer/team/template.csv"' in html
    page = text(html)
    assert "Win rates are in percent: type 20 for 20%" in page
    assert "What each seller needs" not in page and "error-summary" not in html


def test_the_brightline_team_typed_in_gives_each_seller_and_the_total(manager):
    response = manager.post("/sizer/team", data={"currency": "USD", **BRIGHTLINE})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = text(html)
    # 6 x 1,000,000 / 0.2 = 30,000,000 required; 6,000,000 gap; shortfall 1.9+0.4+3.2+2.6 = 8.1M
    assert ("Your team of 6 sellers needs $30,000,000.00 of pipeline to close the "
            "$6,000,000.00 still to go.") in page
    assert "$22,100,000.00 is open now. Seller by seller, 4 of 6 are short, $8,100,000.00 in all." \
        in page
    # Marcus: 5.0M required, 3.1M open -> 3.1x, short 1.9M; 7,000,000 / 73 a week = 95,890.41
    assert ("Marcus Webb $1,000,000.00 $5,000,000.00 $3,100,000.00 3.1x $1,900,000.00 "
            "$95,890.41 1.92 (aim for 2)") in page
    # team: 42,000,000 / 73 = 575,342.47 a week; 6 x 1.91781 = 11.51 opportunities, aim 6 x 2
    assert ("Team total $6,000,000.00 $30,000,000.00 $22,100,000.00 3.68x $8,100,000.00 "
            "$575,342.47 11.51 (aim for 12)") in page
    # the typed values stay in the table, with two blank rows after
    assert input_value(html, "rows-1-name") == "Marcus Webb"
    assert re.findall(r'name="rows-(\d+)-name"', html) == [str(i) for i in range(8)]


def test_the_download_link_recomputes_the_same_results_as_csv(manager):
    html = manager.post("/sizer/team", data={"currency": "USD", **BRIGHTLINE}).get_data(
        as_text=True)
    href = download_href(html)
    assert href.startswith("/sizer/team.csv?currency=USD&rows-0-name=Priya+Raman")
    response = manager.get(href)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="team-pipeline.csv"'
    rows = rows_of(response.get_data(as_text=True))
    assert [r["name"] for r in rows] == [
        "Priya Raman", "Marcus Webb", "Lena Hoffmann", "Tom Alvarez", "Aisha Bello", "Jonas Berg",
        "TOTAL"]
    assert rows[-1]["required_pipeline"] == "30000000.00"
    assert rows[-1]["shortfall"] == "8100000.00"
    assert rows[-1]["new_pipeline_per_week"] == "575342.47"


def test_errors_sit_beside_their_cells_and_every_value_is_kept(manager):
    typed = {"rows-0-name": "Priya", "rows-0-goal": "1000000", "rows-0-win_rate": "0.2",
             "rows-0-deal_size": "50000", "rows-0-cycle_days": "120",
             "rows-1-name": "Marcus", "rows-1-goal": "-5", "rows-1-win_rate": "20",
             "rows-1-deal_size": "lots", "rows-1-cycle_days": ""}
    response = manager.post("/sizer/team", data=typed)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert cell_error(html, "rows-0-win_rate") == (
        "Did you mean 20%? Win rates are in percent: write 20 for 20%.")
    assert cell_error(html, "rows-1-goal") == "Goal must be 0 or more."
    assert cell_error(html, "rows-1-deal_size") == (
        "Deal size must be a number such as 1250 or 0.25.")
    assert cell_error(html, "rows-1-cycle_days") == "Sales cycle is required."
    assert 'aria-describedby="rows-0-win_rate-error" aria-invalid="true"' in html
    for name, value in typed.items():
        assert input_value(html, name) == value
    start = html.index('class="error-summary"')
    summary = html[start:html.index("</ul>", start)]
    assert re.findall(r'href="#([a-z_0-9-]+)"', summary) == [
        "rows-0-win_rate", "rows-1-goal", "rows-1-deal_size", "rows-1-cycle_days"]
    assert "Row 2, goal: must be 0 or more." in text(summary)
    assert "What each seller needs" not in html


def test_sizing_an_empty_table_asks_for_a_seller(manager):
    response = manager.post("/sizer/team", data={"rows-0-name": " "})
    assert response.status_code == 422
    page = text(response.get_data(as_text=True))
    assert "The table has no sellers: add at least one row." in page


def test_add_rows_keeps_the_values_adds_five_blank_rows_and_sizes_nothing(manager):
    typed = {"rows-0-name": "Priya", "rows-0-win_rate": "0.2", "add_rows": "1"}
    html = manager.post("/sizer/team", data=typed).get_data(as_text=True)
    assert re.findall(r'name="rows-(\d+)-name"', html) == [str(i) for i in range(6)]
    assert input_value(html, "rows-0-win_rate") == "0.2"
    assert "error-summary" not in html and "What each seller needs" not in html


def test_a_cleared_row_drops_out_and_the_rest_move_up(manager):
    typed = {**BRIGHTLINE, **{k: "" for k in BRIGHTLINE if k.startswith("rows-0-")}}
    html = manager.post("/sizer/team", data=typed).get_data(as_text=True)
    assert input_value(html, "rows-0-name") == "Marcus Webb"
    assert "Your team of 5 sellers needs $25,000,000.00" in text(html)


def test_the_example_link_fills_the_table_and_shows_the_results(manager):
    html = manager.get("/sizer/team").get_data(as_text=True)
    example = unescape(re.search(r'<a href="([^"]+)">Try the Brightline team</a>', html).group(1))
    shown = manager.get(example).get_data(as_text=True)
    assert input_value(shown, "rows-5-name") == "Jonas Berg"
    assert "Your team of 6 sellers needs $30,000,000.00" in text(shown)


def test_booked_and_period_from_a_link_are_kept_and_used(manager):
    query = {**{k: v for k, v in BRIGHTLINE.items() if k.startswith("rows-0-")},
             "rows-0-booked": "400000", "rows-0-period_days": "365"}
    html = manager.get("/sizer/team?" + urlencode(query)).get_data(as_text=True)
    assert '<input type="hidden" name="rows-0-booked" value="400000">' in html
    # gap 1,000,000 - 400,000 = 600,000; required 600,000 / 0.2 = 3,000,000 < 5,200,000 open
    assert ("Priya Raman $600,000.00 $3,000,000.00 $5,200,000.00 8.67x $0.00") in text(html)
    assert "rows-0-booked=400000" in download_href(html)


# ---------------------------------------------------------------------------------------------
# Upload


def test_the_template_downloads_and_uploads_back_to_the_brightline_results(manager):
    response = manager.get("/sizer/team/template.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="team-template.csv"'
    template = response.get_data(as_text=True)
    assert template == template_csv()
    assert template.splitlines()[0] == "name,goal,win_rate,deal_size,cycle_days,current_pipeline"
    assert len(rows_of(template)) == 6
    result = upload(manager, template, "brightline.csv")
    assert result.status_code == 200
    page = text(result.get_data(as_text=True))
    assert "From brightline.csv. The file was read and sized, not stored." in page
    assert "Team total $6,000,000.00 $30,000,000.00 $22,100,000.00 3.68x $8,100,000.00" in page


def test_an_upload_with_faults_imports_nothing_and_lists_each_row_and_column(manager):
    response = upload(manager, BAD_FILE)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = text(html)
    assert "Nothing was imported: please correct these in the file" in page
    # the header is row 1, so Marcus is row 3 and Lena row 4
    assert ("Row 3, win_rate: did you mean 20%? Win rates are in percent: write 20 for 20% "
            "(found “0.2”).") in page
    assert "Row 4, goal: must be a number such as 1250 or 0.25 (found “lots”)." in page
    assert "Row 4, cycle_days: must be greater than 0" in page
    assert "What each seller needs" not in page and "Priya Raman $" not in page


def test_an_upload_without_a_file_says_so(manager):
    response = manager.post("/sizer/team", data={"source": "upload", "currency": "USD"})
    assert response.status_code == 422
    assert "The file is missing: choose a CSV file to upload." in text(
        response.get_data(as_text=True))


def test_an_upload_in_the_chosen_currency_is_sized_in_it(manager):
    html = upload(manager, template_csv(), currency="EUR").get_data(as_text=True)
    assert "€30,000,000.00" in text(html)
    assert download_href(html).startswith("/sizer/team.csv?currency=EUR&")


def test_a_large_team_downloads_through_a_form_not_a_long_link(manager):
    rows = "".join(f"Seller {n},1000000,20,50000,120,{n * 100000}\n" for n in range(60))
    html = upload(manager, "name,goal,win_rate,deal_size,cycle_days,current_pipeline\n" + rows
                  ).get_data(as_text=True)
    assert "Download as CSV" in html and 'class="button" href="/sizer/team.csv' not in html
    form = html[html.index('<form method="post" action="/sizer/team.csv">'):]
    posted = unescape(re.search(r'name="csv" value="([^"]*)"', form).group(1))
    response = manager.post("/sizer/team.csv", data={"currency": "USD", "csv": posted})
    assert response.status_code == 200
    out = rows_of(response.get_data(as_text=True))
    assert len(out) == 61 and out[-1]["required_pipeline"] == "300000000.00"  # 60 x 5,000,000


def test_a_download_of_bad_figures_lists_the_faults(manager):
    response = manager.get("/sizer/team.csv?" + urlencode({**BRIGHTLINE, "rows-1-win_rate": "0.2"}))
    assert response.status_code == 422 and response.mimetype == "text/plain"
    assert "Row 2, win_rate: did you mean 20%?" in response.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------
# CSRF and valid HTML


def test_a_post_without_the_csrf_token_is_refused():
    app = create_app(app_settings(WTF_CSRF_ENABLED=True))
    with app.app_context():
        db.create_all()
        from course.auth import create_user

        create_user("boss@example.com", "Boss", PASSWORD, "manager")
        db.session.commit()
        client = app.test_client()
        login_page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
        token = token or re.search(r'name="csrf_token" value="([^"]+)"', login_page)
        client.post("/login", data={"email": "boss@example.com", "password": PASSWORD,
                                    "csrf_token": token.group(1)})
        page = client.get("/sizer/team").get_data(as_text=True)
        assert page.count('name="csrf_token"') >= 2  # the typed form and the upload form
        assert client.post("/sizer/team", data=BRIGHTLINE).status_code == 400
        token = input_value(page, "csrf_token")
        assert client.post("/sizer/team", data={**BRIGHTLINE, "csrf_token": token}
                           ).status_code == 200
        db.session.remove()
        db.drop_all()


def test_the_pages_are_valid_html(manager, tmp_path):
    java = shutil.which("java")
    vnu = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not java or not vnu.exists():
        pytest.skip("java or vnu-jar missing (npm ci)")
    pages = {
        "empty": manager.get("/sizer/team"),
        "results": manager.post("/sizer/team", data=BRIGHTLINE),
        "typed-errors": manager.post("/sizer/team", data={"rows-0-name": "A",
                                                          "rows-0-win_rate": "0.2"}),
        "upload-errors": upload(manager, BAD_FILE),
        "large": upload(manager, "name,goal,win_rate,deal_size,cycle_days\n"
                        + "Seller,1000000,20,50000,120\n" * 60),
    }
    for name, response in pages.items():
        (tmp_path / f"{name}.html").write_bytes(response.data)
    run = subprocess.run([java, "-jar", str(vnu), "--errors-only", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr or run.stdout
