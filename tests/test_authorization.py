"""Every route is classified here, and each class is checked: anonymous, wrong role, other's object.

Adding a route without adding it to ROUTES fails `test_every_route_is_classified`, so no page can
ship without an authorization test.
"""

import pytest

PUBLIC, SIGNED_IN, MANAGERS, TRAINERS, REVIEWERS = (
    "public", "signed-in", "manager-or-admin", "trainer-or-admin", "reviewer")
# A valid body for each public POST route, so the probe tests access, not validation.
BODIES = {
    "/api/v1/sizer": {"goal": 1000000, "deal_size": 50000, "win_rate": 0.2, "cycle_days": 120},
    "/api/v1/criteria/check": {"stages": [{"name": "Qualify", "entry": ["Sponsor named the economic buyer"],
                                           "exit": ["Economic buyer approved the problem statement"]}]},
}

# rule -> (methods to probe, who may use it, example URL)
ROUTES = {
    "/": ("GET", PUBLIC, "/"),
    "/course": ("GET", PUBLIC, "/course"),
    "/register": ("GET", PUBLIC, "/register"),
    "/login": ("GET", PUBLIC, "/login"),
    "/healthz": ("GET", PUBLIC, "/healthz"),
    "/api/v1/openapi.json": ("GET", PUBLIC, "/api/v1/openapi.json"),
    "/api/v1/sizer": ("POST", PUBLIC, "/api/v1/sizer"),
    "/api/v1/criteria/check": ("POST", PUBLIC, "/api/v1/criteria/check"),
    "/glossary": ("GET", PUBLIC, "/glossary"),
    "/sizer": ("GET", PUBLIC, "/sizer"),
    "/references": ("GET", PUBLIC, "/references"),
    "/static/<path:filename>": ("GET", PUBLIC, "/static/site.css"),
    "/logout": ("POST", SIGNED_IN, "/logout"),
    "/progress": ("GET", SIGNED_IN, "/progress"),
    "/lessons/<slug>": ("GET", SIGNED_IN, "/lessons/first-steps"),
    "/lessons/<slug>/complete": ("POST", SIGNED_IN, "/lessons/first-steps/complete"),
    "/quizzes/<slug>": ("GET", SIGNED_IN, "/quizzes/first-steps"),
    "/quizzes/<slug>/attempts": ("GET", SIGNED_IN, "/quizzes/first-steps/attempts"),
    # exercise work is always the signed-in person's own: no id in the address, nobody else's to reach
    "/exercises/<kind>": ("GET", SIGNED_IN, "/exercises/note"),
    "/exercises/<kind>/submit": ("POST", SIGNED_IN, "/exercises/note/submit"),
    "/exercises/<kind>/versions/<int:number>": ("GET", SIGNED_IN, None),  # test_exercises.py
    "/exercises/<kind>/compare": ("GET", SIGNED_IN, None),  # test_exercises.py
    "/playbook": ("GET", SIGNED_IN, "/playbook"),
    "/team": ("GET", MANAGERS, "/team"),
    "/reviews": ("GET", REVIEWERS, "/reviews"),
    "/reviews.csv": ("GET", REVIEWERS, "/reviews.csv"),
    # someone else's learner is a 404, one's own submission a 403: tests/test_review.py
    "/team/<int:user_id>": ("GET", MANAGERS, None),
    "/reviews/<int:submission_id>": ("GET", REVIEWERS, None),
    "/cohorts/": ("GET", TRAINERS, "/cohorts/"),
    "/cohorts/new": ("GET", TRAINERS, "/cohorts/new"),
    # every id-based cohort route is probed for anonymous, learner, manager, another trainer (404),
    # owner and admin in tests/test_cohorts.py, which fails if a /cohorts/ route is missing there
    **{f"/cohorts/<int:cohort_id>{tail}": ("GET", TRAINERS, None) for tail in (
        "", "/edit", "/learners/<int:user_id>", "/schedule", "/people", "/import", "/outbox",
        "/progress.csv", "/quiz-results.csv", "/xapi.json")},
    **{f"/cohorts/<int:cohort_id>{tail}": ("POST", TRAINERS, None) for tail in (
        "/join-code", "/reminders", "/people/<int:user_id>/remove", "/people/<int:user_id>/move",
        "/people/<int:user_id>/invite")},
    "/cohorts/join/<code>": ("GET", PUBLIC, None),  # tests/test_cohorts.py
    "/invitations/<token>": ("GET", PUBLIC, None),  # tests/test_invitations.py
    "/sizer/team": ("GET", MANAGERS, "/sizer/team"),
    "/sizer/team.csv": ("GET", MANAGERS, "/sizer/team.csv?rows-0-name=A&rows-0-goal=1&rows-0-win_rate=20"
                                         "&rows-0-deal_size=1&rows-0-cycle_days=1"),
    "/sizer/team/template.csv": ("GET", MANAGERS, "/sizer/team/template.csv"),
    # always the signed-in person's own plan: no id in the address
    "/exercises/cadence/calendar.ics": ("GET", SIGNED_IN, "/exercises/cadence/calendar.ics"),
    "/sizer/scenarios": ("GET", SIGNED_IN, "/sizer/scenarios"),
    "/sizer/scenarios/compare": ("GET", SIGNED_IN, "/sizer/scenarios/compare"),
    # someone else's scenario is a 404: tests/test_scenarios.py::test_someone_elses_scenario_is_a_404_everywhere
    "/sizer/scenarios/<int:scenario_id>": ("GET", SIGNED_IN, None),
    "/sizer/scenarios/<int:scenario_id>/delete": ("GET", SIGNED_IN, None),
    "/sizer/scenarios/<int:scenario_id>/use": ("POST", SIGNED_IN, None),
    "/playbook.md": ("GET", SIGNED_IN, "/playbook.md"),
    # someone else's attempt is a 404: tests/test_quizzes.py::test_someone_elses_attempt_is_a_404
    "/quizzes/<slug>/attempts/<int:attempt_id>": ("GET", SIGNED_IN, None),
}


def test_every_route_is_classified(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert rules - set(ROUTES) == set(), "classify the new route in ROUTES"
    assert set(ROUTES) - rules == set(), "ROUTES names a route that no longer exists"


@pytest.mark.parametrize("rule", [r for r, (_, who, url) in ROUTES.items() if who == SIGNED_IN and url])
def test_anonymous_people_are_sent_to_sign_in(client, rule):
    method, _, url = ROUTES[rule]
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("rule", [r for r, (_, who, url) in ROUTES.items() if who == PUBLIC and url])
def test_public_pages_open_without_an_account(client, rule):
    method, _, url = ROUTES[rule]
    assert client.open(url, method=method, json=BODIES.get(url)).status_code == 200


@pytest.mark.parametrize("role", ["learner", "trainer", "manager", "admin"])
def test_every_role_can_learn(client, make_user, login, role):
    login(make_user(role))
    for rule, (method, who, url) in ROUTES.items():
        if who == SIGNED_IN and url and method == "GET":
            assert client.get(url).status_code == 200, rule


ALLOWED = {MANAGERS: ("manager", "admin"), TRAINERS: ("trainer", "admin"),
           REVIEWERS: ("manager", "trainer", "admin")}


@pytest.mark.parametrize("rule", [r for r, (_, who, url) in ROUTES.items() if who in ALLOWED and url])
def test_staff_pages_need_their_role(client, make_user, login, rule):
    method, who, url = ROUTES[rule]
    assert client.open(url, method=method).status_code == 302  # anonymous: sign in first
    for role in ("learner", "trainer", "manager", "admin"):
        expected = 200 if role in ALLOWED[who] else 403
        login(make_user(role))
        assert client.open(url, method=method).status_code == expected, role
        client.post("/logout")
