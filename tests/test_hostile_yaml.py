"""Hostile or broken YAML gets a clear error with file and line, quickly and in bounded memory."""

from __future__ import annotations

import os
import tracemalloc

import pytest
from conftest import JOURNEY, run_cli

from generator.load.check import check
from generator.load.yaml_source import parse_yaml

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_in_bounded_memory():
    tracemalloc.start()
    source, [error] = parse_yaml(BILLION_LAUGHS, "bomb.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert source is None
    assert error.text() == (
        "bomb.yaml:6:11: error: the document expands to more than 200,000 values "
        "[YAML aliases (*name) that repeat large anchors multiply; write the values out]"
    )
    assert peak < 20_000_000


@pytest.mark.parametrize("depth", [65, 100_000, 1_000_000])
def test_deep_nesting_never_crashes(depth):
    source, [error] = parse_yaml("a: " + "[" * depth + "]" * depth + "\n", "deep.yaml")
    assert error.text() == (
        "deep.yaml:1:67: error: the document nests deeper than 64 levels "
        "[flatten the structure; a portfolio needs only a few levels]"
    )


def test_a_recursive_alias_is_an_error():
    _, [error] = parse_yaml("a: &x [*x]\n", "r.yaml")
    assert error.text() == (
        "r.yaml:1:8: error: the alias *x refers to no finished anchor "
        "[an alias cannot refer to the structure it is inside]"
    )


def test_aliases_of_small_anchors_still_work():
    source, errors = parse_yaml("x: &t {a: 1}\ny: *t\n", "ok.yaml")
    assert errors == [] and source.data == {"x": {"a": 1}, "y": {"a": 1}}


def test_merge_keys_and_multiple_documents_are_refused():
    assert parse_yaml("<<: {a: 1}\n", "m.yaml")[1][0].text() == (
        "m.yaml:1:1: error: merge keys (`<<`) are not supported [write the keys out in full]"
    )
    assert parse_yaml("a: 1\n---\nb: 2\n", "m.yaml")[1][0].text() == (
        "m.yaml:2:1: error: the file holds more than one YAML document "
        "[remove the `---` separator; one file holds one document]"
    )


def test_huge_file_is_refused_with_a_configurable_limit(portfolio, tmp_path):
    portfolio({"maps/buy.yaml": JOURNEY + "# " + "x" * 5000 + "\n"})
    result = run_cli("check", "--max-file-size", "4000", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "journeys/maps/buy.yaml:1:1: error: the file is 5,586 bytes, more than the limit of 4,000 "
        "[split it into smaller files, or raise the size limit]"
    )
    assert run_cli("check", cwd=tmp_path, env={"JOURNEYS_MAX_FILE_SIZE": "4000"}).returncode == 1
    assert run_cli("check", cwd=tmp_path).returncode == 0


def test_a_byte_order_mark_is_accepted(portfolio):
    root = portfolio()
    path = root / "maps" / "buy.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    _, report = check(root)
    assert report.sorted() == []


def test_a_symlink_to_a_file_outside_the_portfolio_is_not_read(portfolio, tmp_path):
    root = portfolio()
    secret = tmp_path / "secret.yaml"
    secret.write_text("title: secret\n")
    os.symlink(secret, root / "maps" / "leak.yaml")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        portfolio_, report = check("journeys")
    finally:
        os.chdir(cwd)
    assert [d.text() for d in report.sorted()] == [
        "journeys/maps/leak.yaml:1:1: error: the file is a link to a place outside the portfolio folder "
        "[copy the file into the portfolio instead of linking to it]"
    ]
    assert "leak" not in portfolio_.journeys


def test_python_and_custom_tags_are_refused_never_run(tmp_path):
    marker = tmp_path / "pwned"
    for text, tag in (
        (f'a: !!python/object/apply:os.system ["touch {marker}"]\n', "tag:yaml.org,2002:python/object/apply:os.system"),
        ("a: !!python/name:os.system\n", "tag:yaml.org,2002:python/name:os.system"),
        ("a: !custom {x: 1}\n", "!custom"),
        ("a: !!binary aGk=\n", "tag:yaml.org,2002:binary"),
    ):
        source, [error] = parse_yaml(text, "t.yaml")
        assert source is None
        assert error.text() == (
            f"t.yaml:1:4: error: unsupported YAML tag {tag} [remove the tag: portfolio files "
            "hold plain text, numbers, dates, lists and mappings]"
        )
    assert not marker.exists()
    source, errors = parse_yaml('a: !!str 12\nb: !!int "3"\nc: !!map {x: 1}\n', "ok.yaml")
    assert errors == [] and source.data == {"a": "12", "b": 3, "c": {"x": 1}}


@pytest.mark.parametrize("char, line, col", [("\x00", 2, 8), ("\x07", 2, 8), ("\x1b", 2, 8)])
def test_control_characters_are_one_line_errors_with_their_position(char, line, col):
    _, [error] = parse_yaml(f"a: 1\nb: text{char}more\n", "c.yaml")
    assert error.text() == (
        f"c.yaml:{line}:{col}: error: the character U+{ord(char):04X} is not allowed in YAML "
        "[remove it; control characters cannot be written in a YAML file]"
    )


def test_a_named_pipe_is_reported_not_read(portfolio, tmp_path):
    root = portfolio()
    os.mkfifo(root / "maps" / "pipe.yaml")  # reading it would block forever
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        _, report = check("journeys")
    finally:
        os.chdir(cwd)
    assert [d.text() for d in report.sorted()] == [
        "journeys/maps/pipe.yaml:1:1: error: not a regular file (a pipe, a device or a socket) "
        "[portfolio files are plain files]"
    ]


def test_a_maps_folder_linked_outside_the_portfolio_is_not_read(portfolio, tmp_path):
    root = portfolio()
    outside = tmp_path / "elsewhere"
    (root / "maps").rename(outside)
    (root / "maps").symlink_to(outside, target_is_directory=True)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        p, report = check("journeys")
    finally:
        os.chdir(cwd)
    assert (
        "journeys/maps/buy.yaml:1:1: error: the file is a link to a place outside the portfolio folder "
        "[copy the file into the portfolio instead of linking to it]" in [d.text() for d in report.sorted()]
    )
    assert p.journeys == {}


def test_tabs_and_non_utf8_bytes_are_errors_with_positions(portfolio, tmp_path):
    root = portfolio({"maps/buy.yaml": JOURNEY.replace("lifecycle: live", "lifecycle:\tlive\nx:\n\t- 1")})
    (root / "maps" / "sell.yaml").write_bytes(JOURNEY.replace("I buy", "I sell").encode() + b"goal: caf\xe9\n")
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("journeys/maps/buy.yaml:") and "a tab character where YAML expects spaces" in line
        for line in lines
    ), lines
    assert any(
        line.startswith("journeys/maps/sell.yaml:") and "the byte 0xe9 is not valid UTF-8" in line for line in lines
    ), lines
