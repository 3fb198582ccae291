"""One declaration of every option (`generator/options.py`): the plugin's configuration, the commands' flags and
the options table of docs/site.md all derive from it, and the commands read mkdocs.yml as the plugin does."""

from __future__ import annotations

import argparse
import dataclasses

from conftest import ROOT, run_cli
from site_helpers import make_project

from generator.cli import parser
from generator.mkdocs_plugin.config import JourneysConfig
from generator.options import Options, add_flags, from_mapping, options_markdown


def test_docs_list_every_option_as_declared():
    page = (ROOT / "docs" / "site.md").read_text(encoding="utf-8")
    marker = "<!-- options: generated from generator/options.py; tests/test_options.py keeps it in step -->\n"
    table = page.split(marker)[1]
    assert table.split("<!-- /options -->")[0] == options_markdown()
    for f in dataclasses.fields(Options):
        assert f"| `{f.name}` |" in table


def test_the_plugin_takes_every_option_with_its_default():
    config = JourneysConfig()
    config.load_dict({})
    errors, warnings = config.validate()
    assert errors == [] and warnings == []
    assert {name: config[name] for name in config} == dataclasses.asdict(Options())


def test_the_plugin_rejects_a_wrong_type_as_mkdocs_does():
    config = JourneysConfig()
    config.load_dict({"strict": "yes"})
    errors, _ = config.validate()
    assert [name for name, _ in errors] == ["strict"]


def test_flags_come_from_the_declaration():
    p = argparse.ArgumentParser()
    add_flags(p, "strict", "max_file_size", "chart_cache")
    args = p.parse_args(["--strict", "--max-file-size", "10", "--chart-cache", "here"])
    assert Options().with_flags(args) == Options(strict=True, max_file_size=10, chart_cache="here")
    help_text = parser()._subparsers._group_actions[0].choices["generate"].format_help()
    for flag in ("--portfolio", "--templates", "--strict", "--max-file-size", "--chart-cache"):
        assert flag in help_text
    assert "$JOURNEYS_CHART_CACHE sets it too" in " ".join(help_text.split())


def test_a_flag_wins_over_the_environment_which_wins_over_mkdocs_yml():
    from_yml = from_mapping({"max_file_size": 100, "chart_cache": "yml"})
    from_env = from_yml.with_environment({"JOURNEYS_MAX_FILE_SIZE": "200", "JOURNEYS_CHART_CACHE": "env"})
    assert (from_env.max_file_size, from_env.chart_cache) == (200, "env")
    flags = argparse.Namespace(max_file_size=300, chart_cache=None)
    assert from_env.with_flags(flags).max_file_size == 300
    assert from_env.with_flags(flags).chart_cache == "env"


def test_a_bad_option_in_mkdocs_yml_is_a_clear_error_for_the_commands(tmp_path):
    project = make_project(tmp_path / "p")
    yml = project / "mkdocs.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace("  - journeys\n", "  - journeys:\n      strict: yes please\n"),
        encoding="utf-8",
    )
    result = run_cli("generate", "out", cwd=project)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "journeys generate: error: mkdocs.yml: the journeys plugin's option 'strict' must be a bool, not 'yes please'"
    )
    assert "Traceback" not in result.stderr
    yml.write_text(yml.read_text(encoding="utf-8").replace("strict: yes please", "stirct: true"), encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.returncode == 2
    assert "the journeys plugin has no option 'stirct' [did you mean 'strict'?]" in result.stderr
