"""Health and charts in the built site (real MkDocs build of the example), and the chart cache across
`journeys generate` runs: an edit to one journey redraws only that journey's charts."""

from __future__ import annotations

import re
import shutil

from conftest import EXAMPLE, run_cli
from site_helpers import make_project, parse

from generator.charts.metrics_view import compute
from generator.load.check import check


def _figures(html: str) -> list[str]:
    return re.findall(r'<figure class="jm-chart jm-chart--(\w+)"[^>]*>\s*<p><img alt="([^"]+)" src="([^"]+)"', html)


def test_every_journey_page_shows_its_charts_with_data_and_health(example_site, example):  # noqa: F811
    view = compute(example)
    for jid, journey in example.journeys.items():
        page = example_site / "journeys" / jid / "index.html"
        html = page.read_text(encoding="utf-8")
        figures = _figures(html)
        assert [f[0] for f in figures] == [c.kind for c in view.charts[jid]], jid
        # every chart's data under it; the opportunity matrix's open from the start: its key to the numbers
        details = re.findall(r'<details class="jm-chart-data"( open)?>', html)
        assert len(details) == len(figures), jid
        assert [bool(o) for o in details] == [f[0] == "opportunities" for f in figures], jid
        for _kind, alt, src in figures:
            svg = (page.parent / src).resolve()
            assert svg.is_file(), (jid, src)
            content = svg.read_bytes()
            assert content.startswith(b"<?xml") and content.rstrip().endswith(b"</svg>"), src
            assert b"<metadata" not in content and b"<text" in content and b"journeys-sha256" not in content
            assert len(alt) > 40
        has_data = view.health.journeys[jid].members
        badge = re.search(r"<dt>Metric health</dt>\s*<dd><span class=\"jm-badge jm-health jm-health--([a-z-]+)\"", html)
        assert badge, jid
        assert (badge.group(1) != "no-data") == bool(has_data), jid
        if journey.lifecycle.value == "live":
            assert has_data and any(f[0] == "trend" for f in figures), jid


def test_journey_map_has_a_health_lane_with_step_badges(example_site, example):  # noqa: F811
    view = compute(example)
    html = (example_site / "journeys" / "make-a-claim" / "index.html").read_text(encoding="utf-8")
    states = re.findall(r'jm-health--([a-z-]+)" title="Metric health', html)
    steps = [g for s, g in view.health.steps.items() if s.journey == "make-a-claim" and g.members]
    assert len(states) >= len(steps) + 1
    assert "Latest</th>" in html and "(2026-10)" in html


def test_needs_attention_page_is_ranked_by_distance(example_site, example):  # noqa: F811
    html = (example_site / "attention" / "index.html").read_text(encoding="utf-8")
    distances = [
        float(d) for d in re.findall(r'</span></td>\s*<td [^>]*style="text-align: right;"[^>]*>([0-9.]+)</td>', html)
    ]
    expected = compute(example).health.attention()
    assert len(distances) == len(expected) > 3
    assert distances == sorted(distances, reverse=True)
    assert distances[0] == round(expected[0].distance, 2)
    assert 'src="../assets/charts/opportunities-' in html  # the portfolio-wide opportunity matrix


def test_home_department_and_persona_pages_show_health(example_site):  # noqa: F811
    home = (example_site / "index.html").read_text(encoding="utf-8")
    assert "Needs attention" in home and 'href="attention/"' in home
    assert home.count("jm-health--off-target") + home.count("jm-health--at-risk") >= 5
    claims = (example_site / "departments" / "claims" / "index.html").read_text(encoding="utf-8")
    assert re.search(
        r"Metric health:</strong> <span class=\"jm-badge jm-health "
        r"jm-health--(off-target|at-risk|on-target)\"",
        claims,
    )
    persona = next((example_site / "personas").glob("*/index.html"))
    assert "Metric health across their journeys" in persona.read_text(encoding="utf-8")


def test_user_guide_page_on_metrics_is_published(example_site):  # noqa: F811
    html = (example_site / "metrics" / "index.html").read_text(encoding="utf-8")
    assert "Metrics and health" in html and "The chart cache" in html
    assert (example_site / "metric-catalogue" / "index.html").is_file()
    assert not [link for link in parse(example_site / "attention" / "index.html").links if link.endswith(".md")]


def test_editing_one_journey_redraws_only_its_charts(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(EXAMPLE, project / "journeys")
    cache = tmp_path / "cache"
    portfolio, _ = check(project / "journeys")
    total = len({c.filename for c in compute(portfolio).all_charts()})
    first = run_cli("generate", "out", "--chart-cache", str(cache), cwd=project)
    assert first.returncode == 0, first.stderr
    assert f"charts: {total} rendered, 0 from the cache" in first.stderr
    again = run_cli("generate", "out", "--chart-cache", str(cache), cwd=project)
    assert f"charts: 0 rendered, {total} from the cache" in again.stderr
    path = project / "journeys" / "maps" / "make-a-claim.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("emotion: 1\n", "emotion: 2\n", 1), encoding="utf-8")
    edited = run_cli("generate", "out", "--chart-cache", str(cache), cwd=project)
    assert edited.returncode == 0, edited.stderr
    # its emotion curve, and the comparison with the to-be journey that replaces it, which draws the same curve
    assert f"charts: 2 rendered, {total - 2} from the cache" in edited.stderr
    # the environment variable chooses the cache when no option is given
    env = run_cli("generate", "out", cwd=project, env={"JOURNEYS_CHART_CACHE": str(cache)})
    assert f"charts: 0 rendered, {total} from the cache" in env.stderr
    assert not (project / ".cache").exists()


def test_a_cold_build_draws_the_charts_while_mkdocs_renders_and_publishes_each_as_cached(tmp_path):
    from generator.charts.cache import read_chart, verify
    from generator.site.metrics_extras import chart_paths

    project = example_project(tmp_path / "p")
    cache = tmp_path / "cache"
    result = run_cli("build", "--chart-cache", str(cache), cwd=project, env={"JOURNEYS_CHART_WORKERS": "2"})
    assert result.returncode == 0, result.stderr
    portfolio, _ = check(project / "journeys")
    expected = chart_paths(compute(portfolio))
    # drawn in the pool during the build (the summary comes at its end), every one published, none other
    assert f"charts: {len(set(expected))} rendered, 0 from the cache" in result.stderr
    site = project / "site"
    assert sorted(p.relative_to(site).as_posix() for p in (site / "assets" / "charts").iterdir()) == sorted(expected)
    for path, chart in expected.items():
        assert (site / path).read_bytes() == read_chart(cache, chart), path
    assert all(verify(p.read_bytes()) for p in cache.iterdir() if p.suffix == ".svg")


def test_a_failed_build_stops_the_chart_workers_and_leaves_a_valid_cache(tmp_path):
    from generator.charts.cache import verify

    project = example_project(tmp_path / "p")
    # a page in the way of a generated one stops the build after the charts have started (on_files)
    (project / "docs" / "glossary.md").write_text("# Mine\n", encoding="utf-8")
    cache = tmp_path / "cache"
    result = run_cli("build", "--chart-cache", str(cache), cwd=project, env={"JOURNEYS_CHART_WORKERS": "2"})
    assert result.returncode == 1 and "docs/glossary.md is in the way" in result.stderr, result.stderr
    assert "charts: " not in result.stderr  # stopped, never waited for
    assert not (project / "site").exists()
    # whatever was drawn before the build stopped is whole; no temporary file is left behind
    kept = {".svg", ".json", ".xlsx"}  # charts, converted text and parsed files, workbooks (site/sheet_cache.py)
    assert not [p for p in cache.rglob("*") if p.is_file() and p.suffix not in kept]
    assert all(verify(p.read_bytes()) for p in cache.glob("*.svg"))


def example_project(where):
    """A project (mkdocs.yml, docs/, theme/) around a copy of the example portfolio."""
    project = make_project(where)
    shutil.rmtree(project / "journeys")
    shutil.copytree(EXAMPLE, project / "journeys")
    return project
