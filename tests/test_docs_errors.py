"""The error catalogue cannot drift: every code of the `Code` enum is documented with an example and a fix,
every documented code exists, every code is produced somewhere, through the enum, and the examples are
what `journeys check` really prints."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest
from conftest import CATALOGUE, JOURNEY, ROOT, write_portfolio

from generator.common.codes import Code
from generator.common.diagnostics import CODES, Diagnostic
from generator.load.check import check

DOC = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
DIAGNOSTIC_LINE = re.compile(r"^\S+:\d+:\d+: (error|warning): \S.*$")


def sections() -> dict[str, str]:
    """Each `### \\`code\\`` section's text, up to the next heading."""
    parts = re.split(r"^(#{2,3} .*)$", DOC, flags=re.MULTILINE)
    out = {}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        match = re.fullmatch(r"### `([a-z-]+)`", heading)
        if match:
            out[match.group(1)] = body
    return out


def test_every_code_is_documented_and_every_documented_code_exists():
    assert sorted(sections()) == sorted(code.value for code in Code)
    assert CODES == {code.value: code.meaning for code in Code}


@pytest.mark.parametrize("code", [c.value for c in Code])
def test_every_section_has_an_example_and_a_fix(code):
    body = sections()[code]
    examples = re.findall(r"```text\n(.*?)```", body, flags=re.DOTALL)
    assert examples, f"`{code}` has no ```text example"
    lines = [line for block in examples for line in block.splitlines()]
    assert lines and all(DIAGNOSTIC_LINE.match(line) for line in lines), lines
    assert "Fix:" in body, f"`{code}` does not say how to fix it"


def _generator_sources() -> list[Path]:
    return [p for p in sorted((ROOT / "generator").rglob("*.py")) if p.name != "codes.py"]


# calls that make a diagnostic, directly or through a helper taking the code
MAKERS = {"Diagnostic", "_Invalid", "error", "at", "at_field"}


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def test_no_code_is_a_bare_string_and_every_code_is_produced():
    values = {code.value for code in Code}
    bare, used = [], set()
    for path in _generator_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            candidates: list[ast.expr] = []
            if isinstance(node, ast.Call):
                candidates = [k.value for k in node.keywords if k.arg == "code"]
                if _name(node.func) in MAKERS:
                    candidates += node.args
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "code" for t in node.targets):
                candidates = [node.value]
            for arg in candidates:
                if isinstance(arg, ast.Constant) and arg.value in values:
                    bare.append(f"{path.relative_to(ROOT)}:{arg.lineno}: {arg.value!r}")
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "Code"
                and node.attr in Code.__members__
            ):
                used.add(Code[node.attr])
    assert bare == [], "use the Code enum: " + ", ".join(bare)
    assert sorted(set(Code) - used) == [], "codes no diagnostic carries"


def test_a_diagnostic_carries_an_enum_code_and_refuses_an_unknown_one():
    d = Diagnostic("f.yaml", 1, 1, "error", "m", "yaml")  # as read back from JSON
    assert d.code is Code.YAML and d.github().startswith("::error file=f.yaml,line=1,col=1,title=journeys yaml::")
    with pytest.raises(ValueError):
        Diagnostic("f.yaml", 1, 1, "error", "m", "yml")


# ------------------------------------------------------------------ the examples are real

WAIT = (
    "  wait:\n    name: Wait\n    kind: duration\n    unit: min\n    direction: lower-is-better\n"
    "    target: 5\n    warning: 10\n"
)
WITH_WAIT = {
    "catalogue.yaml": CATALOGUE.replace("metrics:\n", "metrics:\n" + WAIT),
    "maps/buy.yaml": JOURNEY.replace("metrics: [nps]", "metrics: [nps, wait]"),
}
BOMB = "a: &a [1]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)
UNOWNED = JOURNEY.replace("metrics: [nps]\n", "").replace(
    "        owner: sales\n        emotion: 4\n", "        emotion: 4\n"
)
EXTRA_OPPORTUNITY = (
    "opportunities:\n  self-serve:\n    title: Let people help themselves\n    impact: 3\n    effort: 3\n    reach: 4\n"
)

# code -> (files over the tiny portfolio, what to do to the folder after writing it)
SCENARIOS = {
    Code.EMPTY: ({"maps/buy.yaml": "# nothing yet\n"}, None),
    Code.IO: ({}, lambda root: os.mkfifo(root / "maps" / "sell.yaml")),
    Code.OUTSIDE: ({}, lambda root: os.symlink(root.parent / "secret.yaml", root / "more.yaml")),
    Code.TOO_LARGE: ({"maps/buy.yaml": BOMB}, None),
    Code.TOO_DEEP: ({"maps/buy.yaml": "title: " + "[" * 70 + "]" * 70 + "\n"}, None),
    Code.BAD_KEY: ({"maps/buy.yaml": JOURNEY.replace("lifecycle: live\n", "lifecycle: live\n? [a, b]\n: c\n")}, None),
    Code.CYCLE: ({"maps/buy.yaml": JOURNEY.replace("metrics: [nps]\n", "metrics: [nps]\nnext: buy\n")}, None),
    Code.NO_OWNER: ({"maps/buy.yaml": UNOWNED.replace("            department: sales\n", "")}, None),
    Code.NO_METRIC: ({"maps/buy.yaml": UNOWNED}, None),
    Code.UNUSED_OPPORTUNITY: ({"catalogue.yaml": CATALOGUE.replace("opportunities:\n", EXTRA_OPPORTUNITY)}, None),
    Code.WRONG_KIND: ({**WITH_WAIT, "data/x.csv": "date,metric,journey,step,score\n2025-01-01,wait,buy,,3\n"}, None),
    Code.MIXED_DATA: (
        {
            **WITH_WAIT,
            "data/x.csv": "date,metric,journey,step,score\n2025-01-01,nps,buy,,9\n",
            "data/y.csv": "date,metric,journey,step,value,segment\n2025-02-01,nps,buy,,40,\n",
        },
        None,
    ),
}


@pytest.mark.parametrize("code", list(SCENARIOS), ids=str)
def test_the_documented_example_is_what_check_prints(tmp_path: Path, code: Code):
    files, prepare = SCENARIOS[code]
    (tmp_path / "secret.yaml").write_text("personas: {}\n", encoding="utf-8")
    root = write_portfolio(tmp_path / "journeys", files)
    if prepare:
        prepare(root)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        _, report = check("journeys")
    finally:
        os.chdir(cwd)
    printed = [d.text() for d in report.sorted() if d.code is code]
    assert printed, [d.text() for d in report.sorted()]
    assert printed[0] in sections()[code.value]
