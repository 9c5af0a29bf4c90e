"""Buying-journey maps: templates, parsing, submit checks and list edits.

A journey map lists the buyer's phases in order. Each phase says what the buyer wants, what
they ask, who takes part, the buyer commitment that ends the phase (a verifiable outcome) and
the sales stage aligned to it. Everything here is pure: plain values in, plain values out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

from course.pipeline.errors import InvalidInput

RoleKind = Literal["mobilizer", "talker", "blocker", "other"]
ROLE_KINDS: tuple[RoleKind, ...] = ("mobilizer", "talker", "blocker", "other")

MIN_PHASES, MAX_PHASES = 2, 12
MAX_QUESTIONS, MAX_ROLES = 10, 10
TEXT_LIMITS = {"name": 80, "buyer_goal": 300, "commitment": 300, "sales_stage": 60, "notes": 600}
QUESTION_LIMIT, ROLE_TITLE_LIMIT = 200, 80


@dataclass(frozen=True)
class Role:
    """A member of the buying group as the seller sees them.

    `kind` follows CEB's Challenger Customer types (mobilizer, talker, blocker, or other);
    `economic_buyer` marks the person who controls the money (Miller Heiman's economic buying
    influence), a separate question from how that person behaves in the group.
    """

    title: str
    kind: RoleKind = "other"
    economic_buyer: bool = False


@dataclass(frozen=True)
class Phase:
    """One phase of the buyer's journey and the sales stage aligned to it."""

    name: str
    buyer_goal: str
    questions: tuple[str, ...]
    roles: tuple[Role, ...]
    commitment: str
    sales_stage: str
    notes: str = ""


@dataclass(frozen=True)
class JourneyMap:
    """A learner's journey map: the template it started from and its phases in order."""

    template: str
    phases: tuple[Phase, ...]


@dataclass(frozen=True)
class Template:
    """A starting point for a journey map, with where the model comes from."""

    name: str
    label: str
    description: str
    source: str
    phases: tuple[Phase, ...]


BLANK_PHASE = Phase("", "", (), (), "", "")

_THROUGHOUT = "Validation and consensus creation run through this phase, as through every other: "

GARTNER = Template(
    name="gartner",
    label="Gartner's buying jobs",
    description=(
        "Four buying jobs the group must complete: problem identification, solution "
        "exploration, requirements building and supplier selection. Two more jobs, validation "
        "and consensus creation, never finish: the group keeps checking what it learns and "
        "keeps re-aligning its members, so every phase carries a note about them. Buyers loop "
        "back to earlier jobs, so treat the order as typical, not fixed."
    ),
    source=(
        "Gartner press release, 9 October 2018 — https://www.gartner.com/en/newsroom/"
        "press-releases/2018-10-09-gartner-says-the-marketing-to-sales-handoff-should-no-longer-exist"
    ),
    phases=(
        Phase(
            name="Problem identification",
            buyer_goal="Agree that there is a problem worth fixing and what it costs.",
            questions=(
                "What is going wrong, and what does it cost us each month?",
                "Is this worth fixing now, or can it wait?",
                "Who else in the company feels this problem?",
            ),
            roles=(
                Role("Manager who lives with the problem", "mobilizer"),
                Role("Colleague who agrees but has no sway", "talker"),
            ),
            commitment="The buying group agrees a written problem statement with its cost.",
            sales_stage="Qualify",
            notes=_THROUGHOUT + "members test the cost against their own figures and must agree "
            "it is one shared problem. New members often send the group back here.",
        ),
        Phase(
            name="Solution exploration",
            buyer_goal="Find out which kinds of solution could fix the problem.",
            questions=(
                "What are the ways to solve this: a new tool, a new process, more staff?",
                "What have companies like ours done?",
                "Roughly what does each approach cost?",
            ),
            roles=(
                Role("Manager who lives with the problem", "mobilizer"),
                Role("IT lead", "other"),
            ),
            commitment="The buyer shares which kinds of solution are in scope and which are out.",
            sales_stage="Discover",
            notes=_THROUGHOUT + "buyers check vendor claims with peers and independent sources "
            "and agree which kinds of solution to look at.",
        ),
        Phase(
            name="Requirements building",
            buyer_goal="Write down what the solution must do, for every function involved.",
            questions=(
                "What must the solution do, and what would be nice to have?",
                "What does IT need for integration and security?",
                "How will we measure success?",
            ),
            roles=(
                Role("Manager who lives with the problem", "mobilizer"),
                Role("IT lead", "blocker"),
                Role("Finance controller", "other"),
            ),
            commitment="The buying group signs off a requirements list and shares it with us.",
            sales_stage="Define requirements",
            notes=_THROUGHOUT + "each requirement is checked against the problem statement, "
            "and operations, IT and finance each accept the list.",
        ),
        Phase(
            name="Supplier selection",
            buyer_goal="Choose the supplier whose offer best meets the requirements.",
            questions=(
                "Which supplier meets our requirements at an acceptable risk?",
                "Can we talk to customers like us?",
                "Does the business case pay back in time?",
            ),
            roles=(
                Role("Head of operations (budget owner)", "other", economic_buyer=True),
                Role("Finance controller", "other"),
            ),
            commitment="Finance signs off the business case and the buyer signs the contract.",
            sales_stage="Propose",
            notes=_THROUGHOUT + "references, trials and the business case confirm the choice, "
            "and the whole group, not only the mobilizer, backs it.",
        ),
    ),
)

CLASSIC = Template(
    name="classic",
    label="Awareness, consideration, decision",
    description=(
        "The three-step buyer's journey used in content marketing. Simple and familiar, but it "
        "hides the buying group and the loops back that complex purchases go through."
    ),
    source="HubSpot-style buyer's journey, as described in common marketing glossaries",
    phases=(
        Phase(
            name="Awareness",
            buyer_goal="Notice and name a problem or an opportunity.",
            questions=("Why does this keep happening?", "Is this normal in our industry?"),
            roles=(Role("Manager who notices the problem", "mobilizer"),),
            commitment="The buyer books a discovery meeting and names who else is affected.",
            sales_stage="Qualify",
        ),
        Phase(
            name="Consideration",
            buyer_goal="Compare the ways of solving the problem.",
            questions=("What are our options?", "What do companies like us choose?"),
            roles=(Role("Manager who notices the problem", "mobilizer"), Role("IT lead")),
            commitment="The buyer shares its evaluation criteria.",
            sales_stage="Discover",
        ),
        Phase(
            name="Decision",
            buyer_goal="Choose a supplier and commit to it.",
            questions=("Which supplier fits us best?", "What could go wrong, and who pays?"),
            roles=(Role("Budget owner", economic_buyer=True), Role("Procurement")),
            commitment="The buyer approves the terms and starts its internal approval.",
            sales_stage="Propose",
        ),
    ),
)

DECISION_GATES = Template(
    name="decision-gates",
    label="Phases separated by decision gates",
    description=(
        "The buyer's journey as phases with a decision gate between each pair. A deal passes a "
        "gate only when the buyer commits to something you can verify, such as a signed-off "
        "problem statement or a shortlist."
    ),
    source=(
        "Forrester, The B2B Buying Decision Process Framework — https://www.forrester.com/report/"
        "the-b2b-buying-decision-process-framework/RES173279; Bob Apollo, Inflexion-Point — "
        "https://customerthink.com/the_buyers_journey_revisited_part_one/"
    ),
    phases=(
        Phase(
            name="Recognise the need for change",
            buyer_goal="Decide that the way things are done today is no longer good enough.",
            questions=("What does doing nothing cost us?", "Why change now?"),
            roles=(Role("Manager who wants change", "mobilizer"),),
            commitment="The sponsor signs off a written problem statement.",
            sales_stage="Qualify",
        ),
        Phase(
            name="Define requirements",
            buyer_goal="Agree what a solution must do.",
            questions=("What must it do?", "Who must agree to the list?"),
            roles=(Role("Manager who wants change", "mobilizer"), Role("IT lead", "blocker")),
            commitment="The buying group agrees a requirements list.",
            sales_stage="Define requirements",
        ),
        Phase(
            name="Evaluate options",
            buyer_goal="Narrow the suppliers down to a shortlist.",
            questions=("Who meets our requirements?", "How do they prove it?"),
            roles=(Role("Manager who wants change", "mobilizer"), Role("IT lead")),
            commitment="The buyer names a shortlist that includes us.",
            sales_stage="Prove",
        ),
        Phase(
            name="Build the business case",
            buyer_goal="Show that the chosen option pays back.",
            questions=("What is the payback period?", "What are the risks?"),
            roles=(Role("Finance controller"), Role("Budget owner", economic_buyer=True)),
            commitment="Finance signs off the business case.",
            sales_stage="Propose",
        ),
        Phase(
            name="Decide and contract",
            buyer_goal="Approve the purchase and agree the contract.",
            questions=("Are the terms acceptable?", "Who signs, and when?"),
            roles=(Role("Budget owner", economic_buyer=True), Role("Procurement")),
            commitment="The buyer signs the contract or issues a purchase order.",
            sales_stage="Commit",
        ),
    ),
)

BLANK = Template(
    name="blank",
    label="Start from scratch",
    description="Three empty phases to fill in with your own buyer's journey.",
    source="",
    phases=(BLANK_PHASE, BLANK_PHASE, BLANK_PHASE),
)

TEMPLATES: Mapping[str, Template] = {t.name: t for t in (GARTNER, CLASSIC, DECISION_GATES, BLANK)}


def template_names() -> list[str]:
    """Return the template names in the order the exercise offers them."""
    return list(TEMPLATES)


def from_template(name: str) -> JourneyMap:
    """Return a new journey map prefilled from the named template."""
    if name not in TEMPLATES:
        raise InvalidInput({"template": f"Choose one of: {', '.join(TEMPLATES)}."})
    return JourneyMap(template=name, phases=TEMPLATES[name].phases)


# ---------------------------------------------------------------- parsing


def parse_journey(data: object) -> JourneyMap:
    """Build a journey map from decoded JSON, or raise InvalidInput listing every fault.

    Missing text fields become empty strings (a draft may be half done); blank questions and
    roles with a blank title are dropped, so empty form rows cost nothing.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput({"journey": "Send the journey as an object with a list of phases."})
    errors: dict[str, str] = {}
    template = _parse_template(data.get("template", "blank"), errors)
    phases = _parse_phases(data.get("phases"), errors)
    if errors:
        raise InvalidInput(errors)
    return JourneyMap(template=template, phases=phases)


def _parse_template(value: object, errors: dict[str, str]) -> str:
    if value is None:
        return "blank"
    if isinstance(value, str) and value in TEMPLATES:
        return value
    errors["template"] = f"Choose one of: {', '.join(TEMPLATES)}."
    return "blank"


def _parse_phases(value: object, errors: dict[str, str]) -> tuple[Phase, ...]:
    if not isinstance(value, list):
        errors["phases"] = "Send the phases as a list."
        return ()
    if not MIN_PHASES <= len(value) <= MAX_PHASES:
        errors["phases"] = (
            f"A journey needs {MIN_PHASES} to {MAX_PHASES} phases; this one has {len(value)}."
        )
    return tuple(_parse_phase(item, f"phases[{i}]", errors) for i, item in enumerate(value))


def _parse_phase(value: object, where: str, errors: dict[str, str]) -> Phase:
    if not isinstance(value, Mapping):
        errors[where] = "Send each phase as an object."
        return BLANK_PHASE
    text = {key: _text(value.get(key), f"{where}.{key}", limit, errors)
            for key, limit in TEXT_LIMITS.items()}
    return Phase(
        name=text["name"],
        buyer_goal=text["buyer_goal"],
        questions=_parse_questions(value.get("questions"), f"{where}.questions", errors),
        roles=_parse_roles(value.get("roles"), f"{where}.roles", errors),
        commitment=text["commitment"],
        sales_stage=text["sales_stage"],
        notes=text["notes"],
    )


def _text(value: object, where: str, limit: int, errors: dict[str, str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[where] = "Write this as text."
        return ""
    value = value.strip()
    if len(value) > limit:
        errors[where] = f"This is {len(value)} characters long; keep it to {limit} at most."
    return value


def _items(value: object, where: str, errors: dict[str, str]) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors[where] = "Send these as a list."
        return []
    return value


def _parse_questions(value: object, where: str, errors: dict[str, str]) -> tuple[str, ...]:
    texts = [_text(item, f"{where}[{i}]", QUESTION_LIMIT, errors)
             for i, item in enumerate(_items(value, where, errors))]
    kept = tuple(t for t in texts if t)
    if len(kept) > MAX_QUESTIONS:
        errors[where] = f"List at most {MAX_QUESTIONS} questions; this phase has {len(kept)}."
    return kept


def _parse_roles(value: object, where: str, errors: dict[str, str]) -> tuple[Role, ...]:
    roles = [_parse_role(item, f"{where}[{i}]", errors)
             for i, item in enumerate(_items(value, where, errors))]
    kept = tuple(r for r in roles if r.title)
    if len(kept) > MAX_ROLES:
        errors[where] = f"List at most {MAX_ROLES} people; this phase has {len(kept)}."
    return kept


def _parse_role(value: object, where: str, errors: dict[str, str]) -> Role:
    if not isinstance(value, Mapping):
        errors[where] = "Send each person as an object with a title and a kind."
        return Role("")
    title = _text(value.get("title"), f"{where}.title", ROLE_TITLE_LIMIT, errors)
    kind = value.get("kind", "other")
    if kind not in ROLE_KINDS:
        errors[f"{where}.kind"] = f"Choose one of: {', '.join(ROLE_KINDS)}."
        kind = "other"
    economic = value.get("economic_buyer", False)
    if not isinstance(economic, bool):
        errors[f"{where}.economic_buyer"] = "Say true or false."
        economic = False
    return Role(title=title, kind=cast(RoleKind, kind), economic_buyer=economic)


# ---------------------------------------------------------------- submit check

# First words that show a commitment describes the seller's work, not the buyer's.
_SELLER_OPENERS = (
    "we", "i", "our", "rep", "reps", "seller", "sellers", "salesperson", "ae",
    "send", "sent", "demo", "demonstrate", "present", "pitch", "call", "phone", "email",
    "follow", "deliver", "prepare", "prospect", "contact", "reach", "qualify", "close",
)


def is_seller_activity(text: str) -> bool:
    """Return True when a commitment plainly describes something the seller does."""
    words = text.lower().replace("-", " ").split()
    return bool(words) and words[0].strip(".,:;!") in _SELLER_OPENERS


def validate_for_submit(journey: JourneyMap) -> dict[str, str]:
    """Return the faults that stop a journey map being submitted; an empty dict means ready."""
    errors: dict[str, str] = {}
    count = len(journey.phases)
    if not MIN_PHASES <= count <= MAX_PHASES:
        errors["phases"] = f"A journey needs {MIN_PHASES} to {MAX_PHASES} phases; this has {count}."
    seen: set[str] = set()
    for i, phase in enumerate(journey.phases):
        errors.update(_phase_faults(phase, f"phases[{i}]", seen))
    return errors


def _phase_faults(phase: Phase, where: str, seen: set[str]) -> dict[str, str]:
    faults: dict[str, str] = {}
    key = phase.name.casefold()
    if not phase.name:
        faults[f"{where}.name"] = "Name this phase in the buyer's words."
    elif key in seen:
        faults[f"{where}.name"] = "Another phase already has this name; give each its own."
    seen.add(key)
    if not phase.buyer_goal:
        faults[f"{where}.buyer_goal"] = "Say what the buyer wants to achieve in this phase."
    if not phase.commitment:
        faults[f"{where}.commitment"] = (
            "Say what the buyer does or agrees to that shows this phase is done."
        )
    elif is_seller_activity(phase.commitment):
        faults[f"{where}.commitment"] = (
            "This reads like something the seller does. Write what the buyer does instead, "
            "for example “The buying group signs off the requirements list”."
        )
    return faults


# ---------------------------------------------------------------- JSON and stages


def journey_to_json(journey: JourneyMap) -> dict[str, object]:
    """Return the journey as plain JSON data that parse_journey reads back unchanged."""
    return {
        "template": journey.template,
        "phases": [_phase_to_json(p) for p in journey.phases],
    }


def _phase_to_json(phase: Phase) -> dict[str, object]:
    return {
        "name": phase.name,
        "buyer_goal": phase.buyer_goal,
        "questions": list(phase.questions),
        "roles": [
            {"title": r.title, "kind": r.kind, "economic_buyer": r.economic_buyer}
            for r in phase.roles
        ],
        "commitment": phase.commitment,
        "sales_stage": phase.sales_stage,
        "notes": phase.notes,
    }


def stage_list(journey: JourneyMap) -> list[str]:
    """Return the distinct sales stages in phase order, first spelling kept, blanks skipped."""
    stages: list[str] = []
    seen: set[str] = set()
    for phase in journey.phases:
        key = phase.sales_stage.strip().casefold()
        if key and key not in seen:
            seen.add(key)
            stages.append(phase.sales_stage.strip())
    return stages


# ---------------------------------------------------------------- list edits


def _check_index(journey: JourneyMap, index: int) -> None:
    if not 0 <= index < len(journey.phases):
        raise InvalidInput({"index": f"There is no phase at position {index}."})


def move_phase(journey: JourneyMap, index: int, delta: int) -> JourneyMap:
    """Move one phase by delta places (negative = earlier), stopping at either end."""
    _check_index(journey, index)
    phases = list(journey.phases)
    target = max(0, min(len(phases) - 1, index + delta))
    phases.insert(target, phases.pop(index))
    return JourneyMap(journey.template, tuple(phases))


def add_phase(journey: JourneyMap, after: int) -> JourneyMap:
    """Insert an empty phase after position `after` (-1 puts it first)."""
    if not -1 <= after < len(journey.phases):
        raise InvalidInput({"index": f"There is no phase at position {after}."})
    if len(journey.phases) >= MAX_PHASES:
        raise InvalidInput({"phases": f"A journey can have at most {MAX_PHASES} phases."})
    phases = list(journey.phases)
    phases.insert(after + 1, BLANK_PHASE)
    return JourneyMap(journey.template, tuple(phases))


def remove_phase(journey: JourneyMap, index: int) -> JourneyMap:
    """Remove the phase at `index`, keeping at least the minimum number of phases."""
    _check_index(journey, index)
    if len(journey.phases) <= MIN_PHASES:
        raise InvalidInput({"phases": f"A journey needs at least {MIN_PHASES} phases."})
    phases = journey.phases[:index] + journey.phases[index + 1:]
    return JourneyMap(journey.template, phases)
