"""The chart cache through real builds: damaged entries are redrawn, never published, and an interrupted
build leaves every entry that was there as it was (whole, byte-identical) and no temporary file behind.

The project is a copy of the example (mkdocs.yml, docs/, theme/, journeys/ with its metric data), so the
site has charts; the cache is a folder of the test's own (`--chart-cache`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT
from site_helpers import tree_digest

from generator.charts.cache import verify

IGNORE = shutil.ignore_patterns("__pycache__", ".cache", "site", ".site.*")


def command(project: Path, cache: Path) -> tuple[list[str], dict]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NO_MKDOCS_2_WARNING": "1",
        "SOURCE_DATE_EPOCH": "1700000000",
        "JOURNEYS_CHART_WORKERS": "2",
    }
    return [sys.executable, "-m", "generator", "build", "--chart-cache", str(cache)], env


def build(project: Path, cache: Path) -> subprocess.CompletedProcess:
    cmd, env = command(project, cache)
    return subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def primed(tmp_path_factory):
    """The example project built once: its site digest and a full chart cache."""
    base = tmp_path_factory.mktemp("cache")
    project = base / "project"
    project.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    for folder in ("docs", "theme", "journeys"):
        shutil.copytree(ROOT / folder, project / folder, ignore=IGNORE)
    cache = base / "charts"
    result = build(project, cache)
    assert result.returncode == 0, result.stdout + result.stderr
    entries = sorted(p for p in cache.iterdir() if p.suffix == ".svg")
    assert len(entries) > 10
    return project, cache, tree_digest(project / "site")


def cache_state(cache: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(cache.iterdir()) if p.is_file()}


def test_damaged_cache_entries_are_redrawn_and_never_published(primed):
    project, cache, site = primed
    entries = sorted(p for p in cache.iterdir() if p.suffix == ".svg")
    good = {p.name: p.read_bytes() for p in entries}
    truncated, flipped, emptied = entries[0], entries[1], entries[2]
    truncated.write_bytes(good[truncated.name][: len(good[truncated.name]) // 2])
    damaged = bytearray(good[flipped.name])
    damaged[len(damaged) // 3] ^= 0x20
    flipped.write_bytes(bytes(damaged))
    emptied.write_bytes(b"")
    result = build(project, cache)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 damaged entries redrawn" in result.stderr
    assert tree_digest(project / "site") == site  # the published charts are the good ones
    assert cache_state(cache) == {**cache_state(cache), **good}  # and the cache is whole again
    assert all(verify(p.read_bytes()) for p in cache.iterdir() if p.suffix == ".svg")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_build_leaves_the_cache_and_the_site_as_they_were(primed, sig):
    project, cache, site = primed
    entries = sorted(p for p in cache.iterdir() if p.suffix == ".svg")
    for p in entries[::2]:  # half the charts must be drawn again
        p.unlink()
    before = cache_state(cache)
    cmd, env = command(project, cache)
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while len(cache_state(cache)) == len(before) and proc.poll() is None:  # drawing has begun
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=300)
    if proc.returncode == 0:
        pytest.skip("the build finished before the signal arrived")  # a very fast machine
    assert proc.returncode == 128 + sig, err
    assert "Traceback" not in out + err
    time.sleep(0.5)  # workers of the stopped MkDocs finish or die
    after = cache_state(cache)
    assert {k: after.get(k) for k in before} == before  # every entry that was there is untouched
    # no half-written chart under a real name (a temporary file of a killed worker may remain: below)
    assert all(verify(content) for name, content in after.items() if name.endswith(".svg"))
    assert tree_digest(project / "site") == site
    assert not [p for p in project.iterdir() if p.name.startswith(".site.")]
    assert build(project, cache).returncode == 0  # the next build completes the cache and sweeps
    assert tree_digest(project / "site") == site
    assert [p.name for p in cache.iterdir() if p.name.endswith(".tmp")] == []


def test_sweep_removes_temporary_files_of_dead_writers_only(tmp_path):
    from generator.charts.cache import STALE_AFTER, sweep

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    mine = tmp_path / f".a.svg.{os.getpid()}.x1.tmp"
    orphan = tmp_path / f".b.svg.{dead_pid}.x2.tmp"
    old = tmp_path / ".c.svg.x3.tmp"
    chart = tmp_path / "d.svg"
    for p in (mine, orphan, old, chart):
        p.write_bytes(b"x")
    os.utime(old, (time.time() - STALE_AFTER - 10,) * 2)
    assert sweep(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, chart.name])
