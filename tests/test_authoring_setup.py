"""Editor and pre-commit set-up: the files point at what exists and run what the CLI offers."""

from __future__ import annotations

import json
import re
import tomllib

import yaml
from conftest import EXAMPLE, ROOT, run_cli

from generator.cli import parser


def test_vscode_maps_each_schema_onto_its_files():
    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert set(mapping) == {"./schemas/journey.schema.json", "./schemas/catalogue.schema.json"}
    for schema in mapping:
        assert (ROOT / schema).is_file()
    journeys = {p for g in mapping["./schemas/journey.schema.json"] for p in ROOT.glob(g)}
    catalogues = {p for g in mapping["./schemas/catalogue.schema.json"] for p in ROOT.glob(g)}
    assert journeys == set((EXAMPLE / "maps").rglob("*.yaml"))
    assert catalogues == set(EXAMPLE.glob("*.yaml"))
    assert not journeys & catalogues


def test_vscode_recommends_the_yaml_extension():
    extensions = json.loads((ROOT / ".vscode/extensions.json").read_text(encoding="utf-8"))
    assert extensions == {"recommendations": ["redhat.vscode-yaml"]}


def test_every_example_file_carries_the_schema_line_the_editor_setting_agrees_with():
    for path in EXAMPLE.rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        kind = "journey" if "maps" in path.relative_to(EXAMPLE).parts else "catalogue"
        target = re.fullmatch(r"# yaml-language-server: \$schema=(.+)", first).group(1)
        assert (path.parent / target).resolve() == (ROOT / "schemas" / f"{kind}.schema.json").resolve(), path


def test_pre_commit_hook_runs_journeys_check():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "journeys-check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "journeys/maps/make-a-claim.yaml")
    assert re.search(hook["files"], "journeys/data/nps.csv")
    assert not re.search(hook["files"], "docs/index.md")
    program, *args = hook["entry"].split()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert program in scripts
    assert parser().parse_args(args).command == "check"


def test_the_hook_command_passes_on_the_example(tmp_path):
    import shutil

    shutil.copytree(EXAMPLE, tmp_path / "journeys")
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def test_readme_links_the_guides_and_their_links_resolve():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in (
        "docs/reference.md",
        "docs/guide/change-a-journey.md",
        "docs/guide/authoring.md",
        "docs/guide/deployment.md",
    ):
        assert f"]({page})" in readme
    for page in (ROOT / "docs" / "guide").glob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), (page.name, target)
