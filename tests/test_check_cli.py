"""`journeys check`: exact messages with file, line and column; every error at once; exit codes."""

from __future__ import annotations

import json

from conftest import run_cli


def test_valid_portfolio_exits_zero_with_summary(portfolio, tmp_path):
    portfolio()
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "✓ 1 journey, 3 steps: 0 errors, 0 warnings\n"


def test_two_broken_files_give_both_errors_in_one_run_sorted(portfolio, tmp_path):
    portfolio(
        {
            "maps/buy.yaml": JOURNEY_WITH_TYPO,
            "maps/aaa.yaml": "title: A\ndescription: B\nowner: {person: X, department: sales}\nphases: []\n",
        }
    )
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "journeys/maps/aaa.yaml:4:9: error: phases: expected at least 1 item(s), got none [add an entry]",
        "journeys/maps/buy.yaml:9:9: error: phases[0].steps[0]: unknown key 'emotoin' [did you mean 'emotion'?]",
        "✗ 2 journeys (2 invalid), 0 steps: 2 errors, 0 warnings",
    ]


JOURNEY_WITH_TYPO = """\
title: I buy a thing
description: From first look to purchase.
owner: {person: Ann, department: sales}
phases:
  - id: look
    name: Look
    steps:
      - id: browse
        emotoin: 4
        name: Browse
        owner: sales
        opportunities: [faster]
"""


def test_usage_errors_exit_two(tmp_path):
    result = run_cli("check", "nowhere", cwd=tmp_path)
    assert result.returncode == 2
    assert "'nowhere' is not a folder" in result.stderr
    result = run_cli("check", "--format", "xml", cwd=tmp_path)
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr


def test_json_format(portfolio, tmp_path):
    portfolio({"maps/buy.yaml": JOURNEY_WITH_TYPO})
    result = run_cli("check", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {
            "file": "journeys/maps/buy.yaml",
            "line": 9,
            "col": 9,
            "severity": "error",
            "message": "unknown key 'emotoin'",
            "code": "unknown-key",
            "path": "phases[0].steps[0]",
            "hint": "did you mean 'emotion'?",
            "count": 1,
            "positions": [{"line": 9, "col": 9, "path": "phases[0].steps[0]"}],
        }
    ]
    assert "1 error" in result.stderr


def test_github_format_is_default_on_actions(portfolio, tmp_path):
    portfolio({"maps/buy.yaml": JOURNEY_WITH_TYPO})
    result = run_cli("check", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=journeys/maps/buy.yaml,line=9,col=9,title=journeys unknown-key::"
        "phases[0].steps[0]: unknown key 'emotoin' [did you mean 'emotion'?]"
    )


def test_strict_turns_warnings_into_errors(portfolio, tmp_path):
    portfolio({"maps/buy.yaml": JOURNEY_UNOWNED})
    loose = run_cli("check", cwd=tmp_path)
    assert loose.returncode == 0
    assert loose.stdout.splitlines() == [
        "journeys/catalogue.yaml:28:3: warning: opportunities.faster: opportunity 'faster' is not referenced "
        "by any step [list it under `opportunities:` of the step it improves]",
        "journeys/maps/buy.yaml:8:9: warning: phases[0].steps[0]: step 'browse' has no owning department "
        "[add `owner: <department-id>` to the step, or a department to one of its touchpoints]",
        "✓ 1 journey, 1 step: 0 errors, 2 warnings",
    ]
    strict = run_cli("check", "--strict", cwd=tmp_path)
    assert strict.returncode == 1
    assert strict.stdout.splitlines()[-1] == "✗ 1 journey, 1 step: 2 errors, 0 warnings"


JOURNEY_UNOWNED = """\
title: I buy a thing
description: From first look to purchase.
owner: {person: Ann, department: sales}
phases:
  - id: look
    name: Look
    steps:
      - id: browse
        name: Browse
"""


def test_schema_command_matches_the_shipped_schemas(tmp_path):
    from conftest import ROOT

    for kind in ("journey", "catalogue"):
        result = run_cli("schema", kind, cwd=tmp_path)
        assert result.returncode == 0
        shipped = (ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert result.stdout == shipped, f"schemas/{kind}.schema.json is stale: run `journeys schema {kind}`"
