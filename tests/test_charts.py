"""Charts: byte-identical SVG across processes, text kept as text, alt text and tables, and the cache
(content-hashed names, only missing charts drawn, damaged entries redrawn, one journey's edit redraws only
that journey's charts)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import EXAMPLE, ROOT

from generator.charts.cache import cache_dir, ensure, read_chart, seal, verify
from generator.charts.draw import render
from generator.charts.journey_charts import all_charts, journey_charts
from generator.charts.specs import Chart
from generator.load.check import check
from generator.metrics.health import assess
from generator.metrics.series import build_series


def example_charts(root=EXAMPLE):
    p, report = check(root)
    assert not report.errors, [d.text() for d in report.errors]
    return p, all_charts(p, assess(p, build_series(p, p.metric_data)))


@pytest.fixture(scope="module")
def charts():
    return example_charts()[1]


def one_of_each(charts: list[Chart]) -> list[Chart]:
    seen: dict[str, Chart] = {}
    for c in charts:
        seen.setdefault(c.kind, c)
    assert sorted(seen) == ["emotion", "importance", "multiples", "opportunities", "trend"]
    return list(seen.values())


HASH_SCRIPT = """
import hashlib, sys
from generator.load.check import check
from generator.metrics.health import assess
from generator.charts.journey_charts import all_charts
from generator.metrics.series import build_series
from generator.charts.draw import render
p, _ = check(sys.argv[1])
seen = {}
for c in all_charts(p, assess(p, build_series(p, p.metric_data))):
    if c.kind not in seen:
        seen[c.kind] = hashlib.sha256(render(c.data)).hexdigest()
print(sorted(seen.items()))
"""


def test_svg_bytes_are_identical_in_two_processes_and_this_one(charts):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outputs = []
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", HASH_SCRIPT, str(EXAMPLE)],
            capture_output=True,
            text=True,
            env={**env, "PYTHONHASHSEED": seed},
            timeout=300,
            cwd=ROOT,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    here = sorted((c.kind, hashlib.sha256(render(c.data)).hexdigest()) for c in one_of_each(charts))
    assert outputs[0] == outputs[1] == f"{here}\n"


def test_svg_keeps_text_as_text_and_has_no_metadata_or_dates(charts):
    for c in one_of_each(charts):
        svg = render(c.data).decode()
        assert "<text" in svg, c.kind  # svg.fonttype none: text, not glyph paths
        assert "<metadata" not in svg and "matplotlib" not in svg.lower().replace("matplotlib.", "")
        assert not re.search(r"20\d\d-\d\d-\d\dT", svg)  # no timestamp
        assert svg.rstrip().endswith("</svg>")
        assert 'id="chart"' in svg  # fixed root id
        assert "#ffffff" not in svg.lower()  # transparent background: no white patch in dark mode


def test_every_chart_has_alt_text_and_a_data_table(charts):
    for c in charts:
        assert len(c.alt) > 40 and c.alt.endswith("."), c.name
        assert c.table.headers and c.table.rows, c.name
        assert all(len(row) == len(c.table.headers) for row in c.table.rows), c.name


def test_trend_data_marks_periods_with_too_few_responses(charts):
    trends = [c for c in charts if c.kind == "trend" and any(p.value is None for p in c.data.points)]
    assert trends, "the example data should have periods with too few responses"
    c = trends[0]
    assert any(row[1].startswith("too few responses (fewer than 30)") for row in c.table.rows)
    assert "with too few responses" in c.alt


def test_checksum_seal_detects_truncation_and_damage():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"></svg>\n'
    sealed = seal(svg)
    assert verify(sealed)
    assert not verify(sealed[:-5])
    assert not verify(sealed[: len(svg) - 3])
    assert not verify(sealed.replace(b"svg>", b"svG>", 1))
    assert not verify(b"")


def test_cache_draws_only_what_is_missing_and_redraws_damaged_entries(tmp_path, charts):
    some = one_of_each(charts)
    cache = tmp_path / "cache"
    first = ensure(some, cache, workers=1)
    assert sorted(first.rendered) == sorted(c.filename for c in some) and first.cached == []
    second = ensure(some, cache, workers=1)
    assert second.rendered == [] and len(second.cached) == len(some)
    victim = cache / some[0].filename
    victim.write_bytes(victim.read_bytes()[:200])  # truncated, as by a killed build
    third = ensure(some, cache, workers=1)
    assert third.rendered == third.repaired == [some[0].filename]
    assert read_chart(cache, some[0]) == render(some[0].data)
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]  # no temporary file left behind


def test_pool_of_spawned_workers_gives_the_same_files(tmp_path, charts):
    some = one_of_each(charts) * 2  # duplicates are drawn once
    stats = ensure(some, tmp_path / "pool", workers=2, in_process_below=1)
    assert len(stats.rendered) == 5
    for c in some[:5]:
        assert read_chart(tmp_path / "pool", c) == render(c.data)


def test_cache_dir_option_then_env_then_default(tmp_path, monkeypatch):
    monkeypatch.delenv("JOURNEYS_CHART_CACHE", raising=False)
    assert str(cache_dir()) == ".cache/journeys/charts"
    assert cache_dir(base=tmp_path) == tmp_path / ".cache/journeys/charts"
    monkeypatch.setenv("JOURNEYS_CHART_CACHE", str(tmp_path / "env"))
    assert cache_dir() == tmp_path / "env"
    assert cache_dir(tmp_path / "opt") == tmp_path / "opt"


def test_editing_one_journey_redraws_only_that_journeys_charts(tmp_path):
    root = tmp_path / "journeys"
    shutil.copytree(EXAMPLE, root)
    cache = tmp_path / "cache"
    _, before = example_charts(root)
    first = ensure(before, cache)
    assert len(first.rendered) == len({c.filename for c in before})
    path = root / "maps" / "make-a-claim.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("emotion: 1\n") >= 1
    path.write_text(text.replace("emotion: 1\n", "emotion: 2\n", 1), encoding="utf-8")
    p, after = example_charts(root)
    second = ensure(after, cache)
    expected = {
        c.filename
        for c in journey_charts(p, assess(p, build_series(p, p.metric_data)), "make-a-claim")
        if c.kind == "emotion"
    }
    assert second.rendered == sorted(expected) and len(expected) == 1
    assert len(second.cached) == len({c.filename for c in after}) - 1


def _luminance(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_chart_text_and_lines_read_on_light_and_slate_backgrounds():
    # one file serves both schemes: every stroke and text colour needs 3:1 (WCAG non-text contrast)
    from generator.charts.draw import GREY, LINE, TARGET, WARNING

    for colour in (GREY, LINE, TARGET, WARNING):
        for background in ("#ffffff", "#1e2129"):  # Material default and slate backgrounds
            assert _contrast(colour, background) >= 3.0, (colour, background)


def _fresh(c: Chart) -> bytes:
    """The chart drawn on a new figure: nothing kept from earlier charts in this process."""
    from generator.charts import draw as module

    module._FIGURES.clear()
    return render(c.data)


def test_reused_figures_draw_the_same_bytes_as_fresh_ones_in_any_order(charts):
    # each process keeps one figure per kind: what was drawn before must never show in the next chart
    by_kind: dict[str, list[Chart]] = {}
    for c in charts:
        by_kind.setdefault(c.kind, []).append(c)
    picked = [c for group in by_kind.values() for c in (group[:3] + group[-2:])]
    fresh = {c.name: _fresh(c) for c in picked}
    for order in (picked, picked[::-1], sorted(picked, key=lambda c: (len(json.dumps(c.data.payload())), c.name))):
        for c in order:
            assert render(c.data) == fresh[c.name], c.name
    a, b = picked[0], picked[-1]
    assert [render(c.data) for c in (a, b, a, b)] == [fresh[a.name], fresh[b.name]] * 2


def test_a_failed_chart_leaves_no_trace_in_the_next_one(charts):
    c = next(c for c in charts if c.kind == "trend")
    expected = _fresh(c)
    # any failure half-way through drawing will do: what is tested is the next chart, not the error
    with pytest.raises(Exception):  # noqa: B017
        render(dataclasses.replace(c.data, health="no such health"))  # fails half-way through drawing
    assert render(c.data) == expected


def test_chart_data_serialises_for_the_hash_in_the_shape_file_names_were_made_from():
    """File names are hashes of this JSON: the typed data must give the exact lists and objects of before."""
    from generator.charts.specs import (
        EmotionData,
        EmotionStep,
        ImportanceData,
        ImportanceRow,
        MultiplesData,
        OpportunitiesData,
        OpportunityPoint,
        Panel,
        PhaseSpan,
        TrendData,
        TrendPoint,
    )
    from generator.metrics.health import Health
    from generator.model.entities import Direction

    def js(data) -> str:
        return json.dumps(data.payload(), sort_keys=True, separators=(",", ":"))

    trend = TrendData(
        (TrendPoint("2025-01", 40.5, 31), TrendPoint("2025-02", None, 3)),
        50.0,
        40.0,
        "%",
        Direction.higher,
        Health.at_risk,
    )
    assert js(trend) == (
        '{"direction":"higher-is-better","health":"at-risk","points":[["2025-01",40.5,31],'
        '["2025-02",null,3]],"target":50.0,"unit":"%","warning":40.0}'
    )
    emotion = EmotionData((EmotionStep("Ask", 2, True), EmotionStep("Pay", None, False)), (PhaseSpan("P", 0, 1),))
    assert js(emotion) == '{"phases":[["P",0,1]],"steps":[["Ask",2,true],["Pay",null,false]]}'
    panel = Panel("Ask", "CSAT", "%", (None, 70.0), 80.0, 70.0, Health.at_risk)
    multiples = MultiplesData((panel,), "2025-01", "2025-02")
    assert js(multiples) == (
        '{"first":"2025-01","last":"2025-02","panels":[{"health":"at-risk","metric":"CSAT",'
        '"points":[null,70.0],"step":"Ask","target":80.0,"unit":"%","warning":70.0}]}'
    )
    assert js(ImportanceData((ImportanceRow("Web", 3, None),))) == '{"rows":[["Web",3,null]]}'
    assert js(OpportunitiesData((OpportunityPoint("Chat", 4, 2, 5),))) == '{"points":[["Chat",4,2,5]]}'
    assert [d.kind for d in (trend, emotion, multiples)] == ["trend", "emotion", "multiples"]


def test_kept_artists_follow_each_chart_comparison_and_emotion_legend():
    """What a figure keeps between charts (target lines, the emotion legend) is set again by every chart: an
    emotion chart without a moment of truth after one with it, and comparison charts (not in the example,
    drawn on the emotion axes but a figure of their own), give the bytes of a fresh figure."""
    from generator.charts import draw as module
    from generator.charts.specs import ComparedStep, ComparisonData, EmotionData, EmotionStep, PhaseSpan

    def emotion(truth: bool, n: int) -> EmotionData:
        steps = tuple(EmotionStep(f"Step {i}", (i % 5) + 1 if i != 1 else None, truth and i == 2) for i in range(n))
        return EmotionData(steps, (PhaseSpan("First", 0, 1), PhaseSpan("Then", 2, n - 1)))

    def comparison(n: int, label: str) -> ComparisonData:
        steps = tuple(
            ComparedStep(f"Step {i}", (i % 5) + 1 if i != 2 else None, ((i + 2) % 5) + 1, "id") for i in range(n)
        )
        return ComparisonData(steps, (f"{label} as is", f"{label} to be"))

    datas = [emotion(True, 5), emotion(False, 5), comparison(6, "A"), emotion(True, 7), comparison(4, "B")]
    fresh = []
    for d in datas:
        module._FIGURES.clear()
        fresh.append(render(d))
    assert b"moment of truth" in fresh[0] and b"moment of truth" not in fresh[1]
    for order in (datas, datas[::-1]):
        for d in order:
            assert render(d) == fresh[datas.index(d)]
