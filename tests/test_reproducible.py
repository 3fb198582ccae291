"""Determinism: the same commit builds byte-identical sites from two clean clones.

A temporary git repository holds a copy of the project (mkdocs.yml, docs/, theme/, journeys/ with its
metric data), committed at a fixed date. It is cloned into two folders of different names, each built by
`journeys build` without SOURCE_DATE_EPOCH (so the commit time sets the sitemap dates) and with a fresh
chart cache, and every file of the two sites is compared byte for byte.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from git_support import git
from site_helpers import tree_digest

IGNORE = shutil.ignore_patterns("__pycache__", ".cache", "site", ".site.*")


def build(project: Path) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "JOURNEYS_CHART_CACHE", "GITHUB_ACTIONS")
    }
    env.update({"PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"})
    return subprocess.run(
        [sys.executable, "-m", "generator", "build"], cwd=project, env=env, capture_output=True, text=True, timeout=900
    )


def test_two_clean_clones_of_one_commit_build_byte_identical_sites(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", source / "mkdocs.yml")
    for folder in ("docs", "theme", "journeys"):
        shutil.copytree(ROOT / folder, source / folder, ignore=IGNORE)
    git("init", "-q", "-b", "main", cwd=source)
    git("add", "-A", cwd=source)
    git("commit", "-q", "-m", "The portfolio", cwd=source)

    clones = [tmp_path / "a", tmp_path / "second-clone-with-a-longer-name"]
    digests = []
    for clone in clones:
        git("clone", "-q", str(source), str(clone), cwd=tmp_path)
        result = build(clone)
        assert result.returncode == 0, result.stdout + result.stderr
        digests.append(tree_digest(clone / "site"))

    assert len(digests[0]) > 50
    assert sorted(digests[0]) == sorted(digests[1])
    differing = sorted(path for path in digests[0] if digests[0][path] != digests[1][path])
    assert differing == []
    # the build date is the commit's, not today's
    sitemap = (clones[0] / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2024-05-06</lastmod>" in sitemap
    # where the project was cloned leaks nowhere
    for clone in clones:
        for path in (clone / "site").rglob("*"):
            if path.is_file():
                assert str(clone).encode() not in path.read_bytes(), path


def test_outside_git_the_build_date_is_1970_and_the_build_says_so(tmp_path):
    from site_helpers import make_project

    project = make_project(tmp_path / "p")
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert (
        "journeys build: note: not a git repository and SOURCE_DATE_EPOCH is not set: the sitemap dates are 1970-01-01"
    ) in result.stderr
    assert "<lastmod>1970-01-01</lastmod>" in (project / "site" / "sitemap.xml").read_text(encoding="utf-8")
    first = tree_digest(project / "site")
    assert build(project).returncode == 0
    assert tree_digest(project / "site") == first
