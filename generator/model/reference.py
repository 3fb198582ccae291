"""The portfolio reference (docs/reference.md), generated from the pydantic models.

Every model reachable from the two file kinds (`Journey`, `Catalogue`) gets a section: its docstring, a
table of every field with its type, allowed values, default and description, and an example that is
validated against the model while the page is generated, so an example can never show a stale field. A last
section lists the reference fields, from the model's `Ref` marks.
`journeys reference` prints the page; a test fails when the shipped docs/reference.md differs.
"""

from __future__ import annotations

import datetime as _dt
import inspect
import types
import typing
from dataclasses import dataclass
from enum import Enum

import annotated_types
import yaml
from pydantic import BaseModel, StringConstraints
from pydantic.fields import FieldInfo

from generator.model.entities import (
    ID_PATTERN,
    Catalogue,
    Channel,
    Department,
    GlossaryEntry,
    Insight,
    Journey,
    LaneDefinition,
    Link,
    MetricDefinition,
    Opportunity,
    Organisation,
    Owner,
    PainPoint,
    Persona,
    Phase,
    Solution,
    Step,
    StepRef,
    Touchpoint,
    Verbatim,
    View,
)
from generator.model.refs import reference_fields

ROOTS: tuple[type[BaseModel], ...] = (Journey, Catalogue)

# One example per model, as it is written in a file. Validated against the model when the page is built.
EXAMPLES: dict[type[BaseModel], str] = {
    Journey: """\
# yaml-language-server: $schema=../../schemas/journey.schema.json
title: I make a claim
description: From the moment something goes wrong at home to the claim being accepted.
goal: Get the damage repaired and paid for quickly.
type: customer
level: micro
status: as-is
lifecycle: live
owner: {person: Priya Shah, department: claims}
personas: [first-time-buyer]
tags: [claims]
parent: {journey: home-insurance-lifecycle, step: make-a-claim}
next: claim-settlement
metrics: [claims-csat]
phases:
  - id: report
    name: Report the damage
    steps:
      - id: upload-photos
        name: Upload photos of the damage
""",
    Owner: "person: Priya Shah\ndepartment: claims\n",
    StepRef: "journey: home-insurance-lifecycle\nstep: make-a-claim\n",
    Phase: """\
id: report
name: Report the damage
description: The customer tells us what happened.
steps:
  - id: upload-photos
    name: Upload photos of the damage
""",
    Step: """\
id: upload-photos
name: Upload photos of the damage
description: The customer sends photos so an assessor can judge the damage.
owner: claims
does: Takes photos with their phone and uploads them.
thinks: Will these be good enough?
feels: Anxious
emotion: 2
personas: [first-time-buyer]
touchpoints:
  - {name: Claim upload page, channel: mobile-app, department: digital}
pain_points:
  - The upload fails on a slow connection
  - text: Nobody says which photos are needed
    severity: 4
    evidence: 7 of 12 claimants sent photos twice
    insight: photos-are-hard
verbatims:
  - quote: I took twenty photos and still got a letter asking for more.
    persona: first-time-buyer
    source: Claims interview 7
    date: 2026-04-02
highlights: [The app shows which photos are needed]
moment_of_truth: true
backstage: [An assessor is assigned]
systems: [ClaimsHub]
insights: [photos-are-hard]
opportunities: [instant-claim-updates]
solutions: [resumable-upload]
metrics: [claims-csat]
lanes:
  regulation: [The claim must be acknowledged within 5 working days]
""",
    PainPoint: """\
text: Nobody says which photos are needed
severity: 4
evidence: 7 of 12 claimants sent photos twice
insight: photos-are-hard
""",
    Verbatim: """\
quote: I took twenty photos and still got a letter asking for more.
persona: first-time-buyer
source: Claims interview 7
date: 2026-04-02
""",
    Link: "url: https://harbour.atlassian.net/browse/CLM-142\ntitle: CLM-142\nkind: jira\n",
    LaneDefinition: """\
name: Regulation
kind: list
after: backstage
description: Rules the step must follow.
""",
    Touchpoint: """\
name: Claim upload page
channel: mobile-app
department: digital
assumed_importance: 3
validated_importance: 5
""",
    Catalogue: """\
# yaml-language-server: $schema=../schemas/catalogue.schema.json
personas:
  first-time-buyer:
    name: First-time buyer
departments:
  claims:
    name: Claims
""",
    Organisation: """\
name: Harbour Home Insurance
description: Home insurance for people who would rather be doing something else.
period: quarter
min_responses: 30
views:
  - name: "Claims: off target"
    query: kind=step&department=claims&health=off-target
""",
    View: """\
name: "Claims: off target"
description: Steps Claims owns whose metrics are off target.
query: kind=step&department=claims&health=off-target
""",
    Persona: """\
name: First-time buyer
description: Bought their first home this year and never needed home insurance before.
segment: New homeowners
goals: [Understand what is covered]
frustrations: [Jargon in the policy documents]
quote: I just want to know I'm covered if something goes wrong.
""",
    Department: "name: Claims\ndescription: Handles claims from first report to settlement.\nlead: Priya Shah\n",
    Channel: "name: Mobile app\ndigital: true\ndescription: The iOS and Android app.\n",
    MetricDefinition: """\
name: Claims CSAT
kind: csat
unit: "%"
direction: higher-is-better
target: 85
warning: 75
description: Share of satisfied answers in the post-claim survey.
""",
    Insight: """\
statement: Customers find it hard to take usable photos of damage.
evidence: 4 of 12 interviewees retook photos at least twice.
source: Claims interviews, spring
date: 2026-04-15
""",
    Opportunity: """\
title: How might we keep claimants informed without them calling?
description: Claimants call to ask where their claim is.
impact: 4
effort: 2
reach: 3
status: exploring
insights: [photos-are-hard]
links:
  - {url: "https://dev.azure.com/harbour/claims/_workitems/edit/311", title: Epic 311, kind: azure-devops}
""",
    Solution: """\
title: Resumable photo upload
description: Uploads continue where they stopped after a dropped connection.
owner: digital
status: planned
opportunities: [instant-claim-updates]
links:
  - {url: "https://github.com/harbour/claims-app/issues/88", title: claims-app#88, kind: github}
""",
    GlossaryEntry: "term: Excess\ndefinition: The part of a claim the customer pays themselves.\n",
}


def model_classes() -> list[type[BaseModel]]:
    """Every model reachable from the file kinds, in field order, each once."""
    seen: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.append(model)
        for field in model.model_fields.values():
            for inner in _models_in(field.annotation):
                visit(inner)

    for root in ROOTS:
        visit(root)
    return seen


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def _anchor(model: type[BaseModel]) -> str:
    return model.__name__.lower()


def _constraints(metadata: list) -> tuple[str, list[str]]:
    """(a suffix for the type, notes) from pydantic/annotated-types metadata."""
    low = high = None
    notes: list[str] = []
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Le):
            high = item.le
        elif isinstance(item, annotated_types.MinLen):
            notes.append(f"at least {item.min_length}")
        elif isinstance(item, StringConstraints) and item.pattern == ID_PATTERN:
            return "id", []
    if low is not None and high is not None:
        return f"{low} to {high}", notes
    if low is not None:
        return f"at least {low}", notes
    if high is not None:
        return f"at most {high}", notes
    return "", notes


def type_text(annotation: object, metadata: list | None = None) -> str:
    """A reader's name for a field's type, with links to nested models."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        inner_meta = [m for m in extra if not isinstance(m, FieldInfo)]
        for m in extra:
            if isinstance(m, FieldInfo):
                inner_meta.extend(m.metadata)
        return type_text(base, inner_meta + list(metadata or []))
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        kept = [a for a in args if a is not type(None)]
        return " or ".join(type_text(a, metadata) for a in kept)
    if origin is list:
        return f"list of {type_text(args[0])}"
    if origin is dict:
        return f"mapping of {type_text(args[0])} to {type_text(args[1])}"
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    suffix, notes = _constraints(list(metadata or []))
    if suffix == "id":
        return "id"
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{_anchor(annotation)})"
    if inspect.isclass(annotation) and issubclass(annotation, Enum):
        return "one of " + ", ".join(f"`{m.value}`" for m in annotation)
    if annotation is str:
        name = "text"
    elif annotation is bool:
        name = "`true` or `false`"
    elif annotation is int:
        name = "integer"
    elif annotation is float:
        name = "number"
    elif annotation is _dt.date:
        name = "date `YYYY-MM-DD`"
    else:  # pragma: no cover - a new type in the model must be named here
        raise TypeError(f"no reference name for {annotation!r}")
    if suffix:
        name += f", {suffix}"
    if notes:
        name += f" ({', '.join(notes)})"
    return name


def _is_list_min(field: FieldInfo) -> str:
    for item in field.metadata:
        if isinstance(item, annotated_types.MinLen):
            return f" (at least {item.min_length})"
    return ""


def default_text(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
    else:
        value = field.default
    if value is None:
        return "none"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if value == "":
        return '`""`'
    if value == []:
        return "`[]`"
    if value == {}:
        return "`{}`"
    return f"`{value}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _doc(model: type[BaseModel]) -> str:
    return inspect.cleandoc(model.__doc__ or "")


def check_examples() -> None:
    """Every example validates against its model; raises on the first that does not."""
    for model in model_classes():
        data = yaml.safe_load(EXAMPLES[model])
        model.model_validate(data)


def reference_markdown() -> str:
    check_examples()
    out: list[str] = [
        "# Portfolio reference",
        "",
        "<!-- Generated by `journeys reference` from generator/model/entities.py: do not edit by hand. -->",
        "",
        "Every model of the portfolio files, every field with its type, allowed values, default and "
        "description. A **journey file** (`journeys/maps/<id>.yaml`) holds one [Journey](#journey); a "
        "**catalogue file** (any other `journeys/*.yaml`) holds a [Catalogue](#catalogue). See "
        "[the portfolio layout](portfolio-layout.md) for how the files fit together.",
        "",
        "An **id** is a slug: lowercase letters, digits and dashes, starting with a letter or digit, at most "
        "80 characters (`make-a-claim`). **Text** may hold Markdown.",
        "",
        "## Contents",
        "",
    ]
    all_models = model_classes()
    out += [f"- [{m.__name__}](#{_anchor(m)})" for m in all_models]
    out += ["- [References](#references)", ""]
    for model in all_models:
        out += [f"## {model.__name__}", "", _doc(model), ""]
        out += ["| Field | Type | Default | Description |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            typ = type_text(field.annotation, field.metadata) + _is_list_min(field)
            out.append(f"| `{name}` | {_cell(typ)} | {default_text(field)} | {_cell(field.description or '')} |")
        out += ["", "Example:", "", "```yaml", EXAMPLES[model].rstrip("\n"), "```", ""]
    out += references_markdown()
    return "\n".join(out).rstrip("\n") + "\n"


# what an id of each kind names, for the references table
TARGETS = {
    "personas": "a persona (`personas:` of a catalogue file)",
    "departments": "a department (`departments:` of a catalogue file)",
    "channels": "a channel (`channels:` of a catalogue file)",
    "metrics": "a metric (`metrics:` of a catalogue file)",
    "insights": "an insight (`insights:` of a catalogue file)",
    "opportunities": "an opportunity (`opportunities:` of a catalogue file)",
    "solutions": "a solution (`solutions:` of a catalogue file)",
    "journeys": "a journey (its file name in `maps/` without `.yaml`)",
    "steps": "a step of the journey named by `{within}`",
}


def references_markdown() -> list[str]:
    """The fields holding ids of other entries, from the model's `Ref` marks (`refs.py`)."""
    out = [
        "## References",
        "",
        "The fields that hold the id of another entry. `journeys check` reports an id that is not defined "
        "(`unknown-reference`, with the closest id), the site links each to its page and lists the links "
        "back, and `journeys diff` shows them as ids. In the models they are marked once, e.g. "
        '`personas: list[Annotated[Id, Ref("personas")]]`; everything else derives from the marks.',
        "",
        "| Model | Field | An id of |",
        "|---|---|---|",
    ]
    for model in model_classes():
        for f in reference_fields(model):
            if f.model is model:
                what = TARGETS[f.kind].format(within=f.within)
                out.append(f"| [{model.__name__}](#{_anchor(model)}) | `{f}` | {_cell(what)} |")
    out += ["", "A field marked `[]` holds a list of ids.", ""]
    return out


def undocumented_fields() -> list[str]:
    """`Model.field` for every field without a description (a test keeps this empty)."""
    return [
        f"{m.__name__}.{name}"
        for m in model_classes()
        for name, f in m.model_fields.items()
        if not (f.description or "").strip()
    ]


# ----------------------------------------------------------------------------- for templates (the site's page)


@dataclass(frozen=True)
class FieldDoc:
    name: str
    type: str  # Markdown, escaped for a table cell
    required: bool
    default: str  # Markdown; empty when required or when there is no default value
    description: str  # Markdown, escaped for a table cell


@dataclass(frozen=True)
class ModelDoc:
    name: str
    anchor: str
    description: str
    fields: tuple[FieldDoc, ...]
    example: str


def models() -> list[ModelDoc]:
    """The same reference as data, for templates: every model with its fields, in the page's order."""
    out: list[ModelDoc] = []
    for model in model_classes():
        fields = []
        for name, field in model.model_fields.items():
            default = "" if field.is_required() else default_text(field)
            fields.append(
                FieldDoc(
                    name,
                    _cell(type_text(field.annotation, field.metadata) + _is_list_min(field)),
                    field.is_required(),
                    "" if default == "none" else default,
                    _cell(field.description or ""),
                )
            )
        out.append(
            ModelDoc(model.__name__, _anchor(model), " ".join(_doc(model).split()), tuple(fields), EXAMPLES[model])
        )
    return out
