"""Review rubrics are data (course/rubrics.yml), checked once at start-up with every mistake named."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from course import create_app
from course.catalog import ContentError, load_catalog
from course.config import ROOT
from course.rubrics import load_rubrics
from tests.conftest import app_settings

GOOD_SCALE = [{"score": 1, "label": "No", "meaning": "Not there."}, {"score": 2, "label": "Yes", "meaning": "There."}]


def line(n: int) -> dict[str, str]:
    return {"id": f"line-{n}", "title": f"Line {n}", "guidance": f"Is line {n} there?"}


def write(tmp_path, data) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "rubrics.yml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return str(path)


def test_the_course_rubrics_cover_every_exercise_the_course_asks_for():
    rubrics = load_rubrics()
    asked = {kind for lesson in load_catalog(ROOT / "content", ROOT / "quizzes").lessons for kind in lesson.exercises}
    assert asked and asked <= set(rubrics.kinds)
    assert [level.label for level in rubrics.scale] == ["Not yet", "Partly", "Mostly", "Fully"]
    for rubric in [*rubrics.kinds.values(), rubrics.default]:
        assert 3 <= len(rubric.lines) <= 5 and all(line.title and line.guidance for line in rubric.lines)
    criteria = [line.title for line in rubrics.for_kind("criteria").lines]
    assert criteria[:4] == ["Buyer-verifiable", "Yes or no", "Evidence named", "Aligned with the journey"]


def test_a_kind_without_a_rubric_gets_the_default_one():
    rubrics = load_rubrics()
    assert rubrics.for_kind("note") is rubrics.default and rubrics.default.kind == "default"
    assert rubrics.label(2) == "Partly" and rubrics.label(9) == "9"


def test_every_mistake_is_named_at_once_with_its_line(tmp_path):
    path = write(tmp_path, """\
scale:
  - {score: 1, label: No, meaning: Not there.}
  - {score: 3, label: Yes, meaning: There.}
kinds:
  criteria:
    - {id: same, title: One, guidance: first}
    - {id: same, title: Two, guidance: second}
    - {id: Bad Id, title: Three, guidance: third}
  journey:
    - {id: a, title: A, guidance: a}
    - {id: b, title: B}
default:
  - {id: x, title: X, guidance: x, colour: red}
extra: true
""")
    with pytest.raises(ContentError) as caught:
        load_rubrics(path)
    found = [(p.line, p.message) for p in caught.value.problems]
    assert (14, "unknown key 'extra': use 'scale', 'kinds' and 'default' only") in found
    assert (3, "level 2 must have score 2: scores count up from 1") in found
    assert (7, "the id 'same' is used twice in 'kinds criteria'") in found
    assert any(line == 8 and "needs an id like 'evidence-named'" in message for line, message in found)
    assert (9, "'kinds journey' must list 3 to 5 rubric lines") in found
    assert (12, "'default' must list 3 to 5 rubric lines") in found
    assert (2, "'label' was read as false: put the text in quotes") in found  # YAML's bare No
    assert (3, "'label' was read as true: put the text in quotes") in found
    assert len(found) == 8
    assert f"{path}:14:" in str(caught.value)


def test_a_file_that_is_not_yaml_or_is_missing_is_named(tmp_path):
    with pytest.raises(ContentError, match=r"rubrics.yml:\d+: this is not valid YAML"):
        load_rubrics(write(tmp_path, "scale:\n  - [unclosed\n"))
    with pytest.raises(ContentError, match="cannot read the rubrics file"):
        load_rubrics(tmp_path / "nowhere.yml")


def test_the_app_does_not_start_with_a_broken_rubrics_file(tmp_path):
    from course import review

    broken = write(tmp_path, {"scale": GOOD_SCALE, "kinds": {"criteria": [line(1)]}, "default": [line(1)]})
    with pytest.raises(ContentError, match="must list 3 to 5 rubric lines"):
        app = create_app(app_settings(RUBRICS_FILE=broken))
        if "review" not in app.blueprints:  # until the app factory registers it
            app.register_blueprint(review.bp)


@given(count=st.integers(min_value=0, max_value=8), duplicate=st.booleans(),
       title=st.text(alphabet="ab \n", min_size=1, max_size=30).filter(str.strip))
def test_a_rubric_loads_exactly_when_it_has_3_to_5_distinct_lines(tmp_path_factory, count, duplicate, title):
    lines = [dict(line(n), title=title) for n in range(count)]
    if duplicate and count >= 2:
        lines[-1]["id"] = lines[0]["id"]
    path = write(tmp_path_factory.mktemp("r"), {"scale": GOOD_SCALE, "kinds": {"sizer": lines},
                                                "default": [line(n) for n in range(3)]})
    valid = 3 <= count <= 5 and not (duplicate and count >= 2)
    if not valid:
        with pytest.raises(ContentError):
            load_rubrics(path)
        return
    rubric = load_rubrics(path).for_kind("sizer")
    assert [line.id for line in rubric.lines] == [f"line-{n}" for n in range(count)]
    assert all(line.title == " ".join(title.split()) for line in rubric.lines)  # spaces tidied, text kept
