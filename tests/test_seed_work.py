"""The demo work is complete enough to submit, so the demo queue shows real, reviewable work."""

import pytest

from course.exercise_kinds import REGISTRY
from course.seed_work import demo_work


@pytest.mark.parametrize(("kind", "data"), demo_work(), ids=[k for k, _ in demo_work()])
def test_every_demo_exercise_has_no_problems_blocking_submission(app, kind, data):
    with app.test_request_context():
        assert REGISTRY[kind].problems(data) == {}
