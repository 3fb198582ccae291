"""The benchmark tools: synthetic portfolios are valid and reproducible, and `bench/run.py` runs end to end
at a small size and writes every key (timings themselves are not asserted: speed lives in bench/)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "bench"))
import run as bench_run  # noqa: E402
import synth  # noqa: E402


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(tmp_path):
    synth.write(30, tmp_path / "a", seed=7)
    synth.write(30, tmp_path / "b", seed=7)
    synth.write(30, tmp_path / "c", seed=8)
    a, b, c = (_tree(tmp_path / x / "journeys") for x in "abc")
    assert a == b
    assert a != c


@pytest.mark.parametrize("n", [1, 2, 13, 60])
def test_synthetic_portfolio_is_valid_without_warnings(tmp_path, n):
    counts = synth.write(n, tmp_path, seed=3)
    assert counts["journeys"] == n
    result = run_cli("check", "journeys", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1] == (
        f"✓ {n} journey{'s' if n > 1 else ''}, {counts['steps']} steps: 0 errors, 0 warnings"
    )


def test_synthetic_portfolio_has_the_promised_shape(tmp_path):
    from generator.load.check import check

    synth.write(60, tmp_path, seed=1)
    portfolio, report = check(tmp_path / "journeys")
    assert report.items == []
    levels = [j.level.value for j in portfolio.journeys.values()]
    assert levels.count("macro") == 5 and levels.count("service-blueprint") == 3
    # every micro journey details a step of a macro journey; every blueprint a step of a micro journey
    for j in portfolio.journeys.values():
        if j.level.value == "macro":
            assert j.parent is None
        else:
            parent = portfolio.journeys[j.parent.journey]
            assert parent.level.value == ("macro" if j.level.value == "micro" else "micro")
            assert j.parent.step in {s.id for s in parent.steps()}
        assert 3 <= len(j.phases) <= 4 and 8 <= len(j.steps()) <= 12
    assert sum(1 for j in portfolio.journeys.values() if j.next) >= 10
    data = sorted(p.name for p in (tmp_path / "journeys" / "data").iterdir())
    assert sum(1 for d in data if d.endswith("-responses.csv")) == 6
    header = (tmp_path / "journeys" / "data" / data[0]).read_text().splitlines()[0]
    assert header in ("date,metric,journey,step,value,segment", "date,metric,journey,step,score")


def test_synth_cli(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "synth.py"), "--journeys", "3", "--out", str(tmp_path), "--seed", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("wrote 3 journeys, ")
    assert len(list((tmp_path / "journeys" / "maps").glob("*.yaml"))) == 3


def test_run_writes_every_key(tmp_path):
    target = tmp_path / "out.json"
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--journeys",
            "5",
            "--json",
            str(target),
            "--work",
            str(tmp_path / "work"),
            "--charts",
            "4",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(target.read_text())
    assert set(bench_run.KEYS) <= set(result)
    assert result["journeys"] == 5 and result["steps"] > 0
    assert result["check_s"] > 0 and result["peak_rss_mb"] > 0
    for key in bench_run.KEYS:
        # a measurement is a number, or null with a note naming it
        assert result[key] is not None or any(key in note for note in result["notes"]), key
    assert "check_s" in out.stdout and "journeys" in out.stdout


def test_search_only_measures_the_search_of_one_build(tmp_path):
    from browser_support import CHROMIUM

    target = tmp_path / "out.json"
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--journeys",
            "5",
            "--search-only",
            "--json",
            str(target),
            "--work",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(target.read_text())
    assert set(bench_run.KEYS) <= set(result)
    assert result["journeys"] == 5 and result["cold_build_s"] > 0
    assert result["search_index_mb"] > 0 and result["search_build_s"] > 0 and result["search_pages"] > 5
    assert result["check_s"] is None and result["warm_build_s"] is None  # one build, nothing else
    if not Path(CHROMIUM).is_file():
        assert any("first_results_s" in note for note in result["notes"])
        return
    queries = result["search_queries"]
    assert [q["what"] for q in queries[:5]] == ["step name", "pain point", "system", "plural", "two words"]
    # every query typed found results, drew them, fetched the bundle's script and wasm, and raised no error
    for q in queries:
        assert q["results"] > 0 and 0 < q["first_results_s"] < 30 and q["errors"] == [], q
        assert q["kb"] > 100 and q["gz_kb"] < q["kb"], q
    assert 0 < result["first_results_s"] <= result["first_results_s_max"]
    assert result["first_query_kb"] == max(q["kb"] for q in queries)
    assert result["first_query_kb_by_kind"]["code"] > 100 and result["first_query_kb_by_kind"]["fragment"] > 0
    assert "first_results_s" in out.stdout and "first_query_gz_kb" in out.stdout
    assert set(bench_run.TARGETS) >= {"first_query_kb", "first_results_s"}
