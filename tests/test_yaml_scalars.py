"""The loader's fast paths (cached plain scalars, inlined mapping and list events) read every scalar exactly
as PyYAML's safe loader does: same types, same values, wherever the scalar sits."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load.yaml_source import parse_yaml

TRICKY = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "true",
    "False",
    "NULL",
    "~",
    "null",
    "1",
    "-1",
    "+1",
    "1.5",
    "-.5",
    "1e3",
    "0x1f",
    "0o17",
    "017",
    "1_000",
    "1:30",
    ".inf",
    "-.inf",
    ".nan",
    "2024-01-31",
    "2024-01-31 10:00:00",
    "plain text",
    "Yes please",
    "o'clock",
    "-dash",
    "'1'",
    '"yes"',
    "'2024-01-31'",
    "a:b",
    "!!str 12",
    "!!int '7'",
    "!!float 3",
    "x #not a comment",
]


def _loaded(text: str):
    source, errors = parse_yaml(text, "t.yaml")
    assert errors == []
    return source.data


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True  # NaN
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("scalar", TRICKY)
def test_scalars_read_as_safe_load_reads_them(scalar):
    plain = ":" not in scalar and "#" not in scalar
    for text in (
        f"k: {scalar}\n",
        f"- {scalar}\n",
        f"k: [{scalar}]\n" if plain else "k: 1\n",
        f"k: {{a: {scalar}}}\n" if plain else "k: 1\n",
    ):
        ours, theirs = _loaded(text), yaml.safe_load(text)
        assert repr(ours) == repr(theirs) or _same(ours, theirs), text


def test_repeated_values_keep_their_types():
    # the second `1` comes from the cache: still an int, and a quoted '1' is still a string
    assert _loaded("a: 1\nb: 1\nc: '1'\nd: [1, '1', yes]\n") == {"a": 1, "b": 1, "c": "1", "d": [1, "1", True]}
    data = _loaded("a: 2024-01-31\nb: 2024-01-31\n")
    assert data["a"] == data["b"] == dt.date(2024, 1, 31)


def test_an_impossible_date_is_kept_as_written_each_time():
    assert _loaded("a: 2024-13-01\nb: 2024-13-01\n") == {"a": "2024-13-01", "b": "2024-13-01"}


def test_positions_of_fast_path_values():
    source, _ = parse_yaml("a: 1\nlist:\n  - x\n  - {k: v}\n", "t.yaml")
    assert source.values[("a",)] == (1, 4)
    assert source.keys[("list",)] == (2, 1)
    assert source.values[("list", 0)] == (3, 5)
    assert source.values[("list", 1, "k")] == (4, 9)
    assert source.keys[("list", 1, "k")] == (4, 6)


def test_duplicate_and_merge_keys_still_refused_in_the_fast_path():
    _, errors = parse_yaml("a: 1\nb: 2\na: 3\n", "t.yaml")
    assert [(e.line, e.code) for e in errors] == [(3, "duplicate-key")]
    _, errors = parse_yaml("base: {x: 1}\nother:\n  <<: {y: 2}\n", "t.yaml")
    assert [(e.line, e.code) for e in errors] == [(3, "bad-key")]


_words = st.text(alphabet=st.sampled_from(list("abcyesnotrufl0123456789.-+_:~ eE")), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(_words, min_size=1, max_size=6))
def test_any_plain_scalars_match_safe_load(words):
    text = "".join(f"k{i}: {w}\n" for i, w in enumerate(words)) + "l:\n" + "".join(f"  - {w}\n" for w in words)
    try:
        theirs = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):
        return  # not valid YAML, or PyYAML itself cannot construct it: nothing to compare
    ours = _loaded(text)
    assert list(ours) == list(theirs)
    for key in theirs:
        a, b = ours[key], theirs[key]
        pairs = zip(a, b, strict=False) if isinstance(b, list) else [(a, b)]
        for x, y in pairs:
            assert _same(x, y) or repr(x) == repr(y), (key, x, y)
