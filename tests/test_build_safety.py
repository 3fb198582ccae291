"""Nothing lost, nothing written where it should not be: interrupted, concurrent and hostile builds.

Real `journeys build` / `journeys generate` processes: SIGINT and SIGTERM mid-build, a build waiting for
another's swap, two builds at once, symbolic links planted in the output, a doctored manifest, size limits.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from site_helpers import make_project, run_mkdocs, tree_digest

from generator.model.portfolio import Portfolio
from generator.site.render import render_site, safe_relpath

ENV = {"SOURCE_DATE_EPOCH": "1700000000"}


def start_build(project: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1", **ENV}
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site."))


@pytest.fixture
def built(tmp_path):
    """A project with a built site, then its portfolio changed so that the next build would differ."""
    project = make_project(tmp_path / "p")
    result = run_cli("build", cwd=project, env=ENV)
    assert result.returncode == 0, result.stderr
    journey = project / "journeys" / "maps" / "buy.yaml"
    journey.write_text(
        journey.read_text(encoding="utf-8").replace("I buy a thing", "I buy another thing"), encoding="utf-8"
    )
    return project, tree_digest(project / "site")


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_build_leaves_the_old_site_and_no_staging_folder(built, sig, code):
    project, before = built
    proc = start_build(project)
    wait_for(lambda: leftovers(project) or proc.poll() is not None, "the staging folder")
    assert proc.poll() is None, "the build ended before it could be interrupted"
    time.sleep(0.3)  # MkDocs is running now
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    name = signal.Signals(sig).name
    assert f"journeys build: interrupted ({name}); site was left as it was" in err
    assert "Traceback" not in err + out
    assert tree_digest(project / "site") == before
    assert leftovers(project) == []


def test_a_build_waits_for_another_builds_swap_then_replaces_the_site_whole(built):
    project, before = built
    lock = os.open(project, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as another build would hold it while swapping
        proc = start_build(project)
        lines = []
        for line in proc.stderr:  # the build reports that it waits, and only then
            lines.append(line)
            if "waiting for another build" in line:
                break
        assert any("journeys build: waiting for another build of this site to finish" in line for line in lines), lines
        assert tree_digest(project / "site") == before  # nothing swapped while the lock is held
    finally:
        os.close(lock)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "I buy another thing" in (project / "site" / "journeys" / "buy" / "index.html").read_text(encoding="utf-8")
    assert leftovers(project) == []


def test_two_builds_at_once_both_succeed_and_leave_one_whole_site(built, tmp_path):
    project, _ = built
    procs = [start_build(project), start_build(project)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    after = tree_digest(project / "site")
    serial = make_project(tmp_path / "serial")
    (serial / "journeys" / "maps" / "buy.yaml").write_text(
        (project / "journeys" / "maps" / "buy.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert run_cli("build", cwd=serial, env=ENV).returncode == 0
    assert after == tree_digest(serial / "site")
    assert leftovers(project) == []


def test_build_refuses_a_site_folder_that_is_a_link(tmp_path):
    project = make_project(tmp_path / "p")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine", encoding="utf-8")
    (project / "site").symlink_to(elsewhere, target_is_directory=True)
    result = run_cli("build", cwd=project, env=ENV)
    assert result.returncode == 2
    assert "journeys build: error: 'site' is a symbolic link" in result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]


def test_build_refuses_to_replace_the_project_itself(tmp_path):
    project = make_project(tmp_path / "p")
    for bad in (".", ".."):
        result = run_cli("build", "--site-dir", bad, cwd=project, env=ENV)
        assert result.returncode == 2, result.stderr
        assert "would replace the project itself" in result.stderr
    assert (project / "mkdocs.yml").is_file()


def test_generate_never_writes_through_a_link_in_its_folder(tmp_path):
    project = make_project(tmp_path / "p")
    victim = tmp_path / "victim"
    victim.mkdir()
    out = project / "out"
    out.mkdir()
    (out / "journeys").symlink_to(victim, target_is_directory=True)
    result = run_cli("generate", "out", cwd=project)
    assert result.returncode == 1
    assert "journeys generate: error: '" in result.stderr and "out/journeys' is a symbolic link" in result.stderr
    assert list(victim.iterdir()) == []
    assert not (out / "index.md").exists(), "nothing is written when one path is unsafe"


def test_generate_replaces_a_planted_file_link_instead_of_following_it(tmp_path):
    project = make_project(tmp_path / "p")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    out = project / "out"
    out.mkdir()
    (out / "index.md").symlink_to(victim)
    assert run_cli("generate", "out", cwd=project).returncode == 0
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (out / "index.md").is_symlink() and "# " in (out / "index.md").read_text(encoding="utf-8")


def test_generate_ignores_a_doctored_manifest(tmp_path):
    project = make_project(tmp_path / "p")
    victims = [tmp_path / "abs.txt", tmp_path / "rel.txt"]
    for v in victims:
        v.write_text("precious", encoding="utf-8")
    out = project / "out"
    assert run_cli("generate", "out", cwd=project).returncode == 0
    with (out / ".journeys-files").open("a", encoding="utf-8") as fh:
        fh.write(f"{victims[0]}\n../../rel.txt\n./../../rel.txt\n")
    result = run_cli("generate", "out", cwd=project)
    assert result.returncode == 0, result.stderr
    assert ", 0 deleted" in result.stdout
    assert all(v.read_text(encoding="utf-8") == "precious" for v in victims)


def test_output_paths_are_checked_even_if_validation_is_bypassed():
    assert safe_relpath("journeys/make-a-claim/index.md") and safe_relpath("api/portfolio.json")
    for bad in ("", "/etc/passwd", "../x.md", "a/../../x.md", "a//b.md", "a/./b", "a\\b.md", ".hidden/x"):
        assert not safe_relpath(bad), bad
    from generator.model.entities import Department, Journey

    journey = Journey.model_validate(
        {
            "title": "t",
            "description": "d",
            "owner": {"person": "p", "department": "d"},
            "phases": [{"id": "p", "name": "P", "steps": [{"id": "s", "name": "S"}]}],
        }
    )
    p = Portfolio(root=Path("."))
    p.departments["d"] = Department(name="D")
    p.journeys["../../evil"] = journey  # what the loader's id check would have refused
    with pytest.raises(ValueError, match="unsafe output path"):
        render_site(p).files()


def test_file_size_limit_applies_to_build_generate_and_the_plugin(tmp_path):
    project = make_project(tmp_path / "p")
    size = (project / "journeys" / "catalogue.yaml").stat().st_size
    expected = f"journeys/catalogue.yaml:1:1: error: the file is {size:,} bytes, more than the limit of 100"
    result = run_cli("build", "--max-file-size", "100", cwd=project, env=ENV)
    assert result.returncode == 1 and expected in result.stdout, result.stdout
    result = run_cli("build", cwd=project, env={**ENV, "JOURNEYS_MAX_FILE_SIZE": "100"})
    assert result.returncode == 1 and expected in result.stdout
    result = run_cli("generate", "out", "--max-file-size", "100", cwd=project)
    assert result.returncode == 1 and expected in result.stdout
    env_mkdocs = run_mkdocs_env(project, {"JOURNEYS_MAX_FILE_SIZE": "100"})
    assert env_mkdocs.returncode == 1 and "more than the limit of 100" in env_mkdocs.stderr
    yml = project / "mkdocs.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace("  - journeys\n", "  - journeys:\n      max_file_size: 100\n"),
        encoding="utf-8",
    )
    result = run_mkdocs("build", cwd=project)
    assert result.returncode == 1 and "more than the limit of 100" in result.stderr
    result = run_cli("build", cwd=project, env=ENV)  # the command reads the plugin's setting too
    assert result.returncode == 1 and expected in result.stdout
    assert not (project / "site").exists()


def run_mkdocs_env(project: Path, extra: dict) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1", **extra}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )
