"""References marked once in the model (`Ref`), and every reference of a loaded portfolio derived from them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest
from pydantic import BaseModel

from generator.load.check import check
from generator.model.entities import Id, Journey
from generator.model.reference import model_classes
from generator.model.refs import Ref, iter_references, reference_fields, references_of, resolves

ROOT = Path(__file__).resolve().parent.parent

# The documentation of the marks: every model's own reference fields and what they refer to. A new id field
# that is not marked, or a mark on the wrong kind, fails here.
MARKED = {
    "Journey": {"personas[]": "personas", "replaces": "journeys", "next": "journeys", "metrics[]": "metrics"},
    "Owner": {"department": "departments"},
    "StepRef": {"journey": "journeys", "step": "steps (of the journey named by `journey`)"},
    "Phase": {},
    "Step": {
        "owner": "departments",
        "personas[]": "personas",
        "insights[]": "insights",
        "opportunities[]": "opportunities",
        "solutions[]": "solutions",
        "metrics[]": "metrics",
    },
    "Touchpoint": {"channel": "channels", "department": "departments"},
    "PainPoint": {"insight": "insights"},
    "Verbatim": {"persona": "personas"},
    "Catalogue": {},
    "Organisation": {},
    "Persona": {},
    "Department": {},
    "Channel": {},
    "MetricDefinition": {},
    "Insight": {},
    "Opportunity": {"insights[]": "insights"},
    "Link": {},
    "Solution": {"owner": "departments", "opportunities[]": "opportunities"},
    "GlossaryEntry": {},
    "LaneDefinition": {},
    "View": {},  # its query names ids too, checked as a whole by the named-view check (invalid-view)
}


def _own(model: type[BaseModel]) -> dict[str, str]:
    out = {}
    for f in reference_fields(model):
        if f.model is model:
            out[str(f)] = f"{f.kind} (of the journey named by `{f.within}`)" if f.within else f.kind
    return out


def test_the_marked_fields_of_every_model():
    assert {m.__name__: _own(m) for m in model_classes()} == MARKED


def test_reference_fields_reach_into_nested_models_lists_and_mappings():
    from generator.model.entities import Catalogue

    assert [(str(f), f.kind, f.many) for f in reference_fields(Journey)] == [
        ("owner.department", "departments", False),
        ("personas[]", "personas", True),
        ("parent.journey", "journeys", False),
        ("parent.step", "steps", False),
        ("replaces", "journeys", False),
        ("next", "journeys", False),
        ("metrics[]", "metrics", True),
        ("phases[].steps[].owner", "departments", False),
        ("phases[].steps[].personas[]", "personas", True),
        ("phases[].steps[].touchpoints[].channel", "channels", False),
        ("phases[].steps[].touchpoints[].department", "departments", False),
        ("phases[].steps[].pain_points[].insight", "insights", False),
        ("phases[].steps[].verbatims[].persona", "personas", False),
        ("phases[].steps[].insights[]", "insights", True),
        ("phases[].steps[].opportunities[]", "opportunities", True),
        ("phases[].steps[].solutions[]", "solutions", True),
        ("phases[].steps[].metrics[]", "metrics", True),
    ]
    assert [str(f) for f in reference_fields(Catalogue)] == [
        "opportunities{}.insights[]",
        "solutions{}.owner",
        "solutions{}.opportunities[]",
    ]
    step_field = next(f for f in reference_fields(Journey) if f.kind == "steps")
    assert (step_field.field, step_field.name, step_field.within) == ("parent.step", "step", "journey")


def test_a_mark_names_a_known_kind_and_only_steps_name_their_journey():
    with pytest.raises(ValueError, match="unknown reference kind 'persona'"):
        Ref("persona")
    with pytest.raises(ValueError, match="names the field of its journey"):
        Ref("steps")
    with pytest.raises(ValueError, match="names the field of its journey"):
        Ref("insights", within="journey")

    class Holder(BaseModel):
        a: Annotated[Id, Ref("personas")] | None = None
        b: list[Annotated[Id, Ref("metrics")]] | None = None
        c: dict[str, list[Annotated[Id, Ref("insights")]]] = {}
        plain: Id = "x"

    assert [(str(f), f.kind) for f in reference_fields(Holder)] == [
        ("a", "personas"),
        ("b[]", "metrics"),
        ("c{}[]", "insights"),
    ]
    with pytest.raises(TypeError, match=r"Holder.c: a mark must be on an id or a list of ids"):
        references_of("x", "y", Holder())

    class Inner(BaseModel):
        x: Annotated[Id, Ref("channels")]

    class Flat(BaseModel):
        a: Annotated[Id, Ref("personas")] | None = None
        b: list[Annotated[Id, Ref("metrics")]] | None = None
        by_id: dict[str, Inner] = {}

    found = references_of("x", "y", Flat(a="p", b=["m", "n"], by_id={"k": {"x": "web"}}))
    assert [(r.path, str(r.field), r.kind, r.target) for r in found] == [
        (("a",), "a", "personas", "p"),
        (("b", 0), "b[]", "metrics", "m"),
        (("b", 1), "b[]", "metrics", "n"),
        (("by_id", "k", "x"), "by_id{}.x", "channels", "web"),
    ]
    assert references_of("x", "y", Flat()) == []


def test_references_of_one_journey_with_list_indexes_and_step_targets():
    journey = Journey.model_validate(
        {
            "title": "T",
            "description": "D",
            "owner": {"person": "P", "department": "sales"},
            "personas": ["a", "b"],
            "parent": {"journey": "life", "step": "buy"},
            "next": None,
            "phases": [
                {
                    "id": "p",
                    "name": "P",
                    "steps": [
                        {"id": "s1", "name": "S1", "touchpoints": [{"name": "T", "channel": "web"}], "insights": ["i"]},
                        {"id": "s2", "name": "S2", "personas": [], "owner": "ops"},
                    ],
                }
            ],
        }
    )
    found = [(r.path, r.kind, r.target, r.journey) for r in references_of("journeys", "buy", journey)]
    assert found == [
        (("owner", "department"), "departments", "sales", None),
        (("personas", 0), "personas", "a", None),
        (("personas", 1), "personas", "b", None),
        (("parent", "journey"), "journeys", "life", None),
        (("parent", "step"), "steps", "buy", "life"),
        (("phases", 0, "steps", 0, "touchpoints", 0, "channel"), "channels", "web", None),
        (("phases", 0, "steps", 0, "insights", 0), "insights", "i", None),
        (("phases", 0, "steps", 1, "owner"), "departments", "ops", None),
    ]
    step_ref = references_of("journeys", "buy", journey)[4]
    assert step_ref.key == ("steps", "life/buy") and step_ref.source_id == "buy" and step_ref.file is None
    assert str(step_ref.field) == "parent.step"
    channel = references_of("journeys", "buy", journey)[5]
    assert str(channel.field) == "phases[].steps[].touchpoints[].channel"
    assert channel.field.model.__name__ == "Touchpoint"
    assert {r.field for r in references_of("journeys", "buy", journey)} <= set(reference_fields(Journey))


def test_every_reference_of_the_example_resolves_and_points_at_its_text():
    portfolio, report = check(ROOT / "journeys")
    assert report.errors == []
    refs = list(iter_references(portfolio))
    assert len(refs) > 500
    assert [r for r in refs if not resolves(portfolio, r)] == []
    kinds = {r.kind for r in refs}
    assert kinds == {
        "personas",
        "departments",
        "channels",
        "metrics",
        "insights",
        "opportunities",
        "solutions",
        "journeys",
        "steps",
    }
    for r in refs:  # the position is where the id is written: the line holds it at that column
        line = Path(ROOT / r.file).read_text(encoding="utf-8").splitlines()[r.line - 1]
        assert line[r.col - 1 :].lstrip("'\"").startswith(r.target), (r, line)
    catalogue = next(r for r in refs if r.source_kind == "solutions" and r.kind == "opportunities")
    assert catalogue.loc[:2] == ("solutions", catalogue.source_id) and catalogue.file.endswith("backlog.yaml")
    parents = [r for r in refs if r.kind == "steps"]
    assert parents and all(r.field.field == "parent.step" and r.journey for r in parents)


def test_an_unresolved_reference_is_found_and_a_step_needs_its_journey(portfolio):
    from conftest import JOURNEY

    root = portfolio({"maps/buy.yaml": JOURNEY})
    loaded, _ = check(root)
    refs = list(iter_references(loaded))
    assert refs and all(resolves(loaded, r) for r in refs)
    broken = next(r for r in refs if r.kind != "steps")
    assert not resolves(loaded, broken._replace(target="nowhere"))
    step = broken._replace(kind="steps", target=loaded.journeys["buy"].steps()[0].id, journey="buy")
    assert resolves(loaded, step) and not resolves(loaded, step._replace(journey="elsewhere"))


def test_the_reference_page_lists_every_mark():
    from generator.model.reference import _anchor, reference_markdown

    text = reference_markdown()
    table = text[text.index("\n## References\n") :]
    rows = [line for line in table.splitlines() if line.startswith("| [")]
    expected = [(m, f) for m in model_classes() for f in reference_fields(m) if f.model is m]
    assert len(rows) == len(expected) == sum(len(v) for v in MARKED.values())
    for row, (model, f) in zip(rows, expected, strict=True):
        assert row.startswith(f"| [{model.__name__}](#{_anchor(model)}) | `{f}` | ")
    assert "| [StepRef](#stepref) | `step` | a step of the journey named by `journey` |" in rows
