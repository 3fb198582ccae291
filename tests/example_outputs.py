"""The example portfolio's outputs as digests: `journeys generate` and `journeys build`, in a fixed setting.

A refactoring must not change a byte of what users get. This module builds the example (journeys/ and
theme/, with the fixed configuration `tests/golden/example-mkdocs.yml` and an empty docs/, so that the
project's own guide and configuration comments do not count) in a temporary git repository committed at a
fixed date, with a fresh chart cache and no SOURCE_DATE_EPOCH, and returns the SHA-256 of every file
`journeys generate` writes and of every file of the built site. `tests/golden/example-outputs.json` holds
the digests recorded by the code before the restructure.

Run it as a script to record them again after an intended change of the output:

    python3 tests/example_outputs.py > tests/golden/example-outputs.json
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from git_support import git

ROOT = Path(__file__).resolve().parent.parent
# the output depends on these: a test compares digests only where they are the versions recorded
PACKAGES = (
    "matplotlib",
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pydantic",
    "jinja2",
    "nh3",
    "pymdown-extensions",
    "pagefind",
)
CONFIG = ROOT / "tests" / "golden" / "example-mkdocs.yml"


def versions() -> dict[str, str]:
    return {name: version(name) for name in PACKAGES}


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".journeys-files"
    }


def outputs(code_root: Path = ROOT) -> dict[str, dict[str, str]]:
    """{"generate": {path: sha256}, "site": {path: sha256}} of the example, built by the code at code_root."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        shutil.copy2(CONFIG, project / "mkdocs.yml")
        ignore = shutil.ignore_patterns("__pycache__", ".cache", "site", ".site.*")
        for folder in ("theme", "journeys"):
            shutil.copytree(ROOT / folder, project / folder, ignore=ignore)
        (project / "docs").mkdir()
        git("init", "-q", "-b", "main", cwd=project)
        git("add", "-A", cwd=project)
        git("commit", "-q", "-m", "The portfolio", cwd=project)
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("SOURCE_DATE_EPOCH", "JOURNEYS_CHART_CACHE", "GITHUB_ACTIONS")
        }
        env.update({"PYTHONPATH": str(code_root), "NO_MKDOCS_2_WARNING": "1"})
        for args in (["generate", "out"], ["build"]):
            done = subprocess.run(
                [sys.executable, "-m", "generator", *args],
                cwd=project,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            if done.returncode != 0:
                raise RuntimeError(f"journeys {args[0]} failed:\n{done.stdout}{done.stderr}")
        return {"generate": _digests(project / "out"), "site": _digests(project / "site")}


if __name__ == "__main__":
    code = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT
    print(json.dumps({"versions": versions(), **outputs(code)}, indent=1, sort_keys=True))
