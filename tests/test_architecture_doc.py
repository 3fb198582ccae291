"""docs/architecture.md is drawn from the code: every path it names exists, and every module of every stage is
in its table, so the page cannot fall behind the tree."""

from __future__ import annotations

import re

from conftest import ROOT

PAGE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
STAGES = ("common", "model", "load", "metrics", "charts", "site", "authoring")


def test_every_path_the_page_names_exists():
    named = set(re.findall(r"`(generator/[\w/.]+)`", PAGE))
    assert named, "the page names no paths"
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def test_every_module_of_every_stage_is_in_the_table():
    rows = {line.split("|")[1].strip(" `/"): line for line in PAGE.splitlines() if line.startswith("| `")}
    missing = []
    for stage in STAGES:
        for module in sorted((ROOT / "generator" / stage).glob("*.py")):
            if module.name != "__init__.py" and f"`{module.name}`" not in rows.get(stage, ""):
                missing.append(f"generator/{stage}/{module.name}")
    assert missing == []


def test_the_four_typical_changes_name_their_folders():
    changes = PAGE.split("## Where a typical change goes")[1].split("##")[0]
    for change, folder in (
        ("A new step field", "generator/model/"),
        ("A new chart kind", "generator/charts/"),
        ("A new command", "generator/commands/"),
        ("A new option", "generator/options.py"),
    ):
        paragraph = changes.split(f"**{change}**")[1].split("\n- **")[0]
        assert folder in paragraph, change
