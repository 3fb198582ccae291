"""Grouped diagnostics: one error with one cause in one file is printed once, with its count and first lines.

The issue's scenario on a scripted git repository: a journey that nothing in the YAML references, but that
thousands of metric data rows name, is deleted and committed. Also the GitHub format under its limits,
the job summary table and the check summary that counts every journey read.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from conftest import EXAMPLE, run_cli

from generator.common.diagnostics import (
    ANNOTATION_LIMIT,
    Diagnostic,
    Report,
    step_summary,
)

ENV = {
    "GIT_AUTHOR_NAME": "Ann",
    "GIT_AUTHOR_EMAIL": "ann@example.org",
    "GIT_AUTHOR_DATE": "2026-01-01T10:00:00Z",
    "GIT_COMMITTER_NAME": "Ann",
    "GIT_COMMITTER_EMAIL": "ann@example.org",
    "GIT_COMMITTER_DATE": "2026-01-01T10:00:00Z",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
GONE = "storm-surge-claims-blueprint"


def git(repo, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **ENV}, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def rows_naming(path, journey: str) -> list[int]:
    """Line numbers (1-based, header is line 1) of the CSV rows whose journey column is `journey`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    column = lines[0].split(",").index("journey")
    return [n for n, line in enumerate(lines, 1) if n > 1 and line.split(",")[column] == journey]


@pytest.fixture(scope="module")
def deleted(tmp_path_factory):
    """The example portfolio in a git repository, then a commit deleting one journey that has metric data."""
    repo = tmp_path_factory.mktemp("deleted")
    git(repo, "init", "-q", "-b", "main")
    shutil.copytree(EXAMPLE, repo / "journeys")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The example")
    git(repo, "rm", "-q", f"journeys/maps/{GONE}.yaml")
    git(repo, "commit", "-q", "-m", "Retire the storm surge blueprint")
    return repo


def test_deleting_a_journey_with_data_gives_one_grouped_error_per_file(deleted):
    result = run_cli("check", cwd=deleted)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    errors = [line for line in lines if ": error: " in line]
    expected = []
    for name in ("aggregated.csv", "survey-responses.csv"):
        rows = rows_naming(deleted / "journeys" / "data" / name, GONE)
        assert len(rows) > 100
        col = 34 if name == "aggregated.csv" else 24  # where the journey column starts on the first row
        expected.append(
            f"journeys/data/{name}:{rows[0]}:{col}: error: unknown journey '{GONE}' in {len(rows):,} rows "
            f"(lines {rows[0]:,}, {rows[1]:,}, {rows[2]:,} and {len(rows) - 3:,} more) [known: 'buy-a-policy', "
        )
    assert len(errors) == 2
    for line, start in zip(errors, expected, strict=True):
        assert line.startswith(start), (line, start)
    total = sum(
        len(rows_naming(deleted / "journeys" / "data" / n, GONE)) for n in ("aggregated.csv", "survey-responses.csv")
    )
    assert lines[-1] == f"✗ 11 journeys, 95 steps: {total:,} errors, 1 warning"


def test_json_keeps_every_position_of_a_group(deleted):
    result = run_cli("check", "--format", "json", cwd=deleted)
    assert result.returncode == 1
    groups = json.loads(result.stdout)
    agg = [g for g in groups if g["file"] == "journeys/data/aggregated.csv"]
    assert len(agg) == 1
    rows = rows_naming(deleted / "journeys" / "data" / "aggregated.csv", GONE)
    assert agg[0]["message"] == f"unknown journey '{GONE}'" and agg[0]["code"] == "unknown-reference"
    assert agg[0]["count"] == len(rows)
    assert [p["line"] for p in agg[0]["positions"]] == rows
    assert agg[0]["positions"][0]["col"] == 34 and all(p["col"] > 1 for p in agg[0]["positions"])


def test_github_output_on_the_deleted_journey_and_its_summary(deleted, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = run_cli("check", cwd=deleted, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    # worst first: the group with most rows, then the other file, then the warning
    assert [a.split(",")[0] for a in annotations] == [
        "::error file=journeys/data/survey-responses.csv",
        "::error file=journeys/data/aggregated.csv",
        "::warning file=journeys/backlog.yaml",
    ]
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## journeys check: ✗ 11 journeys, 95 steps: ")  # appended, not replaced
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert table[0] == "| | File | Line | Count | Problem | Fix |"
    assert len(table) == 1 + 3
    rows = rows_naming(deleted / "journeys" / "data" / "survey-responses.csv", GONE)
    assert table[1].startswith(
        f"| ❌ error | journeys/data/survey-responses.csv | {rows[0]} | {len(rows):,} | "
        f"unknown journey '{GONE}' in {len(rows):,} rows"
    )


HEADER = "date,metric,journey,step,value,segment\n"


def test_github_annotations_stay_under_the_limit_with_the_full_table_in_the_summary(portfolio, tmp_path):
    # 130 distinct unknown journeys, one row each (130 groups), plus 70 rows of one more (one group)
    rows = [f"2025-01-01,nps,ghost-{i:03d},,10,\n" for i in range(130)]
    rows += [f"2025-01-{d:02d},nps,phantom,,10,\n" for d in range(1, 29)] * 2
    rows += [f"2025-02-{d:02d},nps,phantom,,10,\n" for d in range(1, 15)]
    portfolio({"data/many.csv": HEADER + "".join(rows)})
    summary = tmp_path / "summary.md"
    result = run_cli("check", "--format", "github", cwd=tmp_path, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    out = result.stdout.splitlines()
    annotations = [line for line in out if line.startswith("::")]
    assert len(annotations) == ANNOTATION_LIMIT
    # the group of most rows comes first, even though its lines come last in the file
    assert annotations[0].startswith(
        "::error file=journeys/data/many.csv,line=132,col=16,title=journeys "
        "unknown-reference::unknown journey 'phantom' in 70 rows (lines 132, 133, 134 "
        "and 67 more)"
    )
    assert annotations[-1].startswith("::notice title=journeys::82 more problems (82 errors) are not annotated")
    # the rest are still in the log, as plain lines
    plain = [line for line in out if line.startswith("journeys/data/many.csv:")]
    assert len(plain) == 82 and len(set(plain)) == 82
    assert out[-1] == "✗ 1 journey, 3 steps: 200 errors, 0 warnings"
    table = [line for line in summary.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    assert len(table) == 1 + 131
    assert {re.search(r"unknown journey '([\w-]+)'", row).group(1) for row in table[1:]} == (
        {f"ghost-{i:03d}" for i in range(130)} | {"phantom"}
    )


def test_text_names_two_or_three_lines_without_more():
    def d(line: int) -> Diagnostic:
        return Diagnostic("a.csv", line, 3, "error", "unknown step 'x'", "unknown-reference", hint="h")

    assert [g.text() for g in Report([d(4), d(9)]).grouped()] == [
        "a.csv:4:3: error: unknown step 'x' in 2 rows (lines 4 and 9) [h]"
    ]
    assert [g.text() for g in Report([d(4), d(9), d(12)]).grouped()] == [
        "a.csv:4:3: error: unknown step 'x' in 3 rows (lines 4, 9 and 12) [h]"
    ]
    # another cause (another message or hint) is another group
    other = Diagnostic("a.csv", 5, 3, "error", "unknown step 'y'", "unknown-reference", hint="h")
    assert [g.count for g in Report([d(4), other, d(9)]).grouped()] == [2, 1]


def test_yaml_places_with_different_paths_group_without_a_path():
    items = [
        Diagnostic(
            "j.yaml",
            n,
            7,
            "error",
            "unknown persona 'ghost'",
            "unknown-reference",
            f"phases[0].steps[{n}].personas[0]",
            "known: 'pat'",
        )
        for n in (3, 8)
    ]
    [group] = Report(items).grouped()
    assert group.text() == "j.yaml:3:7: error: unknown persona 'ghost' in 2 places (lines 3 and 8) [known: 'pat']"
    assert [p["path"] for p in group.as_dict()["positions"]] == [
        "phases[0].steps[3].personas[0]",
        "phases[0].steps[8].personas[0]",
    ]


def test_summary_table_escapes_untrusted_text_and_stays_under_its_limit():
    hostile = Diagnostic("x|y.csv", 2, 1, "error", "unknown journey '<script>|**x**'", "unknown-reference")
    text = step_summary(Report([hostile]).grouped(), "✗ 1 error")
    row = text.splitlines()[-1]
    assert row == ("| ❌ error | x\\|y.csv | 2 | 1 | unknown journey '\\<script\\>\\|\\*\\*x\\*\\*' |  |")
    many = Report(
        [
            Diagnostic("a.csv", n, 1, "error", f"unknown journey 'j{n}'", "unknown-reference", hint="x" * 500)
            for n in range(2, 3000)
        ]
    )
    text = step_summary(many.grouped(), "✗ lots", limit=100_000)
    assert len(text.encode()) <= 100_000
    assert "more not shown (the summary is limited to 1 MiB): run `journeys check` to see them all." in text


def test_summary_counts_every_journey_read(portfolio, tmp_path):
    portfolio(
        {
            "maps/broken.yaml": "title: Broken\ndescription: No phases.\nowner: {person: A, department: sales}\n"
            "phases: []\n"
        }
    )
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "✗ 2 journeys (1 invalid), 3 steps: 1 error, 0 warnings"


def test_diff_names_the_removed_journey_then_the_errors_exit_3(deleted):
    result = run_cli("diff", "HEAD~1", "HEAD", cwd=deleted)
    assert result.returncode == 3, result.stderr
    out = result.stdout
    assert (
        "### Journeys removed\n\n- **I claim for storm damage during a named storm** "
        f"(`{GONE}`): 4 phases, 9 steps\n" in out
    )
    agg = len(rows_naming(deleted / "journeys" / "data" / "aggregated.csv", GONE))
    survey = len(rows_naming(deleted / "journeys" / "data" / "survey-responses.csv", GONE))
    head = git(deleted, "rev-parse", "--short", "HEAD")
    assert out.endswith(
        f"### Errors\n\nThe portfolio at `HEAD` ({head}) has **{agg + survey:,} errors** (2 distinct problems); "
        "check it out and run `journeys check` to see them:\n\n"
        f"- journeys/data/aggregated.csv: {agg:,} errors\n"
        f"- journeys/data/survey-responses.csv: {survey:,} errors\n"
    )


def test_the_rows_of_a_deleted_journey_go_with_remove_cascade(deleted, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(deleted, repo, symlinks=True)
    result = run_cli("remove", "journey", GONE, cwd=repo)
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"journeys remove: error: journey '{GONE}' is not defined any more, but still "
        "named here:\n  journeys/data/aggregated.csv: "
    )
    result = run_cli("remove", "journey", GONE, "--cascade", cwd=repo)
    assert result.returncode == 0, result.stderr
    agg = len(rows_naming(deleted / "journeys" / "data" / "aggregated.csv", GONE))
    assert result.stdout.splitlines()[:3] == [
        f"removed journey '{GONE}':",
        f"  journey '{GONE}' is not defined: only what still names it is removed",
        f"  journeys/data/aggregated.csv: {agg:,} metric data rows removed",
    ]
    check = run_cli("check", cwd=repo)
    assert check.returncode == 0, check.stdout
    # an id named nowhere is still unknown
    result = run_cli("remove", "journey", "storm-surge", "--cascade", cwd=repo)
    assert result.returncode == 1 and "unknown journey 'storm-surge'" in result.stderr
