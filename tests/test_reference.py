"""The portfolio reference is generated from the models: the shipped page cannot drift, no field is undocumented."""

from __future__ import annotations

import pytest
from conftest import ROOT, run_cli
from pydantic import BaseModel, Field

from generator.model import reference
from generator.model.entities import COLLECTIONS, Catalogue, Journey, Step


def test_shipped_reference_is_the_generated_one():
    shipped = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert shipped == reference.reference_markdown(), (
        "docs/reference.md is stale: run `journeys reference > docs/reference.md`"
    )


def test_cli_prints_the_reference(tmp_path):
    result = run_cli("reference", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == reference.reference_markdown()


def test_every_model_field_has_a_description():
    assert reference.undocumented_fields() == []


def test_undocumented_field_is_caught(monkeypatch):
    class Bare(BaseModel):
        documented: str = Field(description="yes")
        naked: int = 0

    monkeypatch.setattr(reference, "ROOTS", (Bare,))
    assert reference.undocumented_fields() == ["Bare.naked"]


def test_every_model_and_field_is_in_the_page():
    text = reference.reference_markdown()
    for model in reference.model_classes():
        assert f"\n## {model.__name__}\n" in text
        for name in model.model_fields:
            assert f"| `{name}` |" in text
    for name in COLLECTIONS:
        assert f"| `{name}` | mapping of id to [" in text


def test_rows_show_type_allowed_values_and_default():
    text = reference.reference_markdown()
    assert (
        "| `emotion` | integer, 1 to 5 | none | How the person feels, 1 (very negative) to 5 (very "
        "positive); 3 is neutral. |"
    ) in text
    assert "| `status` | one of `as-is`, `to-be`, `research` | `as-is` |" in text
    assert "| `phases` | list of [Phase](#phase) (at least 1) | **required** |" in text
    assert "| `moment_of_truth` | `true` or `false` | `false` |" in text


def test_every_model_has_a_valid_example():
    assert set(reference.EXAMPLES) == set(reference.model_classes())
    reference.check_examples()


def test_a_stale_example_fails_generation(monkeypatch):
    monkeypatch.setitem(reference.EXAMPLES, Step, "id: a\nname: A\nemotoin: 3\n")
    with pytest.raises(Exception, match="emotoin"):
        reference.reference_markdown()


def test_roots_are_the_two_file_kinds():
    assert reference.model_classes()[0] is Journey and Catalogue in reference.model_classes()


def test_models_as_data_for_templates_match_the_page():
    docs = reference.models()
    assert [d.name for d in docs] == [m.__name__ for m in reference.model_classes()]
    step = next(d for d in docs if d.name == "Step")
    emotion = next(f for f in step.fields if f.name == "emotion")
    assert (emotion.type, emotion.required, emotion.default) == ("integer, 1 to 5", False, "")
    assert next(f for f in step.fields if f.name == "id").required is True
    text = reference.reference_markdown()
    for d in docs:
        for f in d.fields:
            assert f"| `{f.name}` | {f.type} |" in text
