"""Property tests: whatever the YAML, the loader and checker report errors; they never raise."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import yaml
from conftest import EXAMPLE, write_portfolio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load.check import check
from generator.load.yaml_source import parse_yaml

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=True), st.text(max_size=20), st.dates()
)
documents = st.recursive(
    scalars,
    lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=10), kids, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_reports(text):
    source, errors = parse_yaml(text, "x.yaml")
    assert (source is None) == bool(errors)
    for e in errors:
        assert e.file == "x.yaml" and e.line >= 1 and e.col >= 1 and e.message


def _mutate(data, draw_path, value):
    """Replace, at a path chosen by hypothesis, the value with another (or delete a key)."""
    node = data
    for step in draw_path[:-1]:
        if isinstance(node, dict) and node:
            node = node[sorted(node)[step % len(node)]]
        elif isinstance(node, list) and node:
            node = node[step % len(node)]
        else:
            return data
    last = draw_path[-1]
    if isinstance(node, dict) and node:
        key = sorted(node)[last % len(node)]
        if value == "__delete__":
            del node[key]
        else:
            node[key] = value
    elif isinstance(node, list) and node:
        node[last % len(node)] = value
    return data


_journeys = sorted((EXAMPLE / "maps").glob("*.yaml")) if (EXAMPLE / "maps").is_dir() else []
_samples = [p for p in _journeys][:3]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.integers(0, 50), min_size=1, max_size=6),
    st.one_of(st.just("__delete__"), documents),
    st.sampled_from(["journey", "catalogue"]),
)
def test_mutations_of_a_valid_portfolio_never_raise(tmp_path_factory, path, value, which):
    root = Path(tmp_path_factory.mktemp("p")) / "journeys"
    write_portfolio(root)
    target = root / ("maps/buy.yaml" if which == "journey" else "catalogue.yaml")
    data = yaml.safe_load(target.read_text())
    mutated = _mutate(copy.deepcopy(data), path, value)
    target.write_text(yaml.safe_dump(mutated, allow_unicode=True))
    portfolio, report = check(root)
    for d in report.sorted():
        assert d.line >= 1 and d.col >= 1 and d.message
    shutil.rmtree(root.parent)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(_samples or [None]),
    st.lists(st.integers(0, 50), min_size=1, max_size=7),
    st.one_of(st.just("__delete__"), documents),
)
def test_mutations_of_the_example_journeys_never_raise(tmp_path_factory, sample, path, value):
    if sample is None:
        return
    root = Path(tmp_path_factory.mktemp("ex")) / "journeys"
    shutil.copytree(EXAMPLE, root)
    target = root / "maps" / sample.name
    data = yaml.safe_load(target.read_text())
    target.write_text(yaml.safe_dump(_mutate(copy.deepcopy(data), path, value), allow_unicode=True))
    _, report = check(root)
    for d in report.sorted():
        assert d.line >= 1 and d.col >= 1 and d.message
    shutil.rmtree(root.parent)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents, st.sampled_from(["maps/buy.yaml", "catalogue.yaml", "maps/new.yaml", "extra.yaml"]))
def test_random_yaml_documents_as_portfolio_files_never_raise(tmp_path_factory, document, target):
    root = Path(tmp_path_factory.mktemp("doc")) / "journeys"
    write_portfolio(root, {target: yaml.safe_dump(document, allow_unicode=True)})
    _, report = check(root)
    for d in report.sorted():
        assert d.file.endswith(".yaml") and d.line >= 1 and d.col >= 1 and d.message
    shutil.rmtree(root.parent)
