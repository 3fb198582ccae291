"""The generation core without MkDocs: golden pages, escaping, health extras, navigation, `generate`."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest
from conftest import ROOT, run_cli

from generator.load.check import check
from generator.metrics.health import Health, Trend
from generator.model.ids import DepartmentId, JourneyId, MetricAt, MetricId, StepId
from generator.site import filters
from generator.site.render import Extras, PageChart, render_site, score, url_of
from generator.site.standing import Badge, Standings

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("JOURNEYS_UPDATE_GOLDEN") == "1"


def golden_site(name: str, **kwargs):
    portfolio, report = check(GOLDEN / name / "input")
    assert not report.errors, [d.text() for d in report.errors]
    return render_site(portfolio, warnings=report.warnings, **kwargs)


@pytest.mark.parametrize("page", ["journeys/buy/index.md", "departments/support.md"])
def test_golden_pages(page):
    """Rendered pages equal tests/golden/<case>/expected/; JOURNEYS_UPDATE_GOLDEN=1 rewrites them."""
    site = golden_site("buy")
    expected = GOLDEN / "buy" / "expected" / page
    if UPDATE:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(site.pages[page].content, encoding="utf-8")
    assert site.pages[page].content == expected.read_text(encoding="utf-8")


def test_pages_and_sources():
    site = golden_site("buy")
    assert site.pages["journeys/buy/index.md"].source.endswith("input/maps/buy.yaml")
    assert site.pages["personas/pat.md"].source.endswith("input/catalogue.yaml")
    assert site.pages["index.md"].source is None
    assert set(site.assets) == {
        "api/portfolio.json",
        "api/explore.json",
        "assets/explore.js",
        "journeys/buy/buy.csv",
        "journeys/buy/buy.xlsx",
    }
    assert json.loads(site.assets["api/portfolio.json"])["journeys"][0]["url"] == "journeys/buy/"


def test_filters_escape_html_and_template_syntax():
    assert filters.text("<b>x</b> & {{ y }} {% z %}") == ("&lt;b&gt;x&lt;/b&gt; &amp; &#123;&#123; y }} &#123;% z %}")
    assert filters.text("**bold** and [a](b.md)") == (
        '<strong>bold</strong> and <a href="b.md" rel="noopener noreferrer">a</a>'
    )
    assert filters.inline("a\nb | c") == "a b &#124; c"
    assert filters.attr('say "hi"') == "say &quot;hi&quot;"
    assert filters.yaml('a "b" <c>') == '"a \\"b\\" &lt;c&gt;"'


def test_escaping_reaches_the_pages():
    site = golden_site("buy")
    page = site.pages["journeys/buy/index.md"].content
    assert "Waits 20 minutes on hold &amp; gives up &lt;sometimes&gt;." in page
    assert "<sometimes>" not in page


def test_health_badges_default_to_no_data_and_take_extras():
    plain = golden_site("buy").pages["journeys/buy/index.md"].content
    assert "jm-health--no-data" in plain and "jm-health--off-target" not in plain
    standings = Standings(
        journeys={JourneyId("buy"): Badge(Health.off_target, Trend.worse)},
        steps={StepId(JourneyId("buy"), "ask"): Badge(Health.at_risk)},
        departments={DepartmentId("sales"): Badge(Health.on_target, Trend.unknown)},
        metrics={MetricAt(MetricId("nps"), JourneyId("buy")): Badge(Health.on_target, Trend.steady)},
        latest={MetricAt(MetricId("nps"), JourneyId("buy")): "42 (2026-10)"},
    )
    extras = Extras(
        standings=standings,
        charts={"buy": [PageChart("assets/charts/buy-nps.svg", "NPS by month", "NPS")]},
        assets={"assets/charts/buy-nps.svg": b"<svg/>"},
    )
    site = golden_site("buy", extras=extras)
    page = site.pages["journeys/buy/index.md"].content
    # a roll-up's trend is of its health: no arrow, which would read as a value going down
    assert (
        'jm-health--off-target" title="Metric health: off target">off target</span> <span class="jm-trend '
        'jm-trend--worse" title="health worse than in the previous period">worse</span>' in page
    )
    assert "jm-health--at-risk" in page
    assert (
        '<td><a href="../../metric-catalogue/#metric-nps">NPS</a></td>\n<td>42 (2026-10)</td>\n'
        "<td>30 (higher is better)</td>\n"
        '<td><span class="jm-badge jm-health jm-health--on-target" title="Metric health: on target">on target</span>, '
        '<span class="jm-trend jm-trend--steady" title="steady since the previous period">'
        '<span aria-hidden="true">→</span> steady</span></td>' in page
    )
    assert '<p><img alt="NPS by month" src="../../assets/charts/buy-nps.svg" /></p>' in page
    assert site.assets["assets/charts/buy-nps.svg"] == b"<svg/>"
    assert "jm-health--on-target" in site.pages["departments/sales.md"].content
    assert "jm-health--no-data" in site.pages["departments/support.md"].content


def test_theme_templates_override_the_defaults(tmp_path):
    (tmp_path / "persona.md.j2").write_text("# Persona {{ item.name | inline }} (custom)\n", encoding="utf-8")
    site = golden_site("buy", template_dirs=[tmp_path])
    assert site.pages["personas/pat.md"].content == "# Persona Pat (custom)\n"
    assert site.pages["journeys/buy/index.md"].content == golden_site("buy").pages["journeys/buy/index.md"].content


def test_nav_follows_the_journey_hierarchy(portfolio):
    root = portfolio(
        {
            "maps/life.yaml": "title: My life\ndescription: All of it.\nlevel: macro\n"
            "owner: {person: A, department: sales}\n"
            "phases:\n  - id: p\n    name: P\n    steps:\n      - {id: buy, name: Buy, owner: sales}\n"
            "      - {id: use, name: Use, owner: sales}\n",
            "maps/use.yaml": "title: I use it\ndescription: Using.\nparent: {journey: life, step: use}\n"
            "owner: {person: A, department: sales}\n"
            "phases:\n  - id: p\n    name: P\n    steps:\n      - {id: s, name: S, owner: sales}\n",
        }
    )
    with_parent = (
        (root / "maps" / "buy.yaml")
        .read_text(encoding="utf-8")
        .replace("personas: [pat]", "personas: [pat]\nparent: {journey: life, step: buy}\nnext: use")
    )
    (root / "maps" / "buy.yaml").write_text(with_parent, encoding="utf-8")
    p, report = check(root)
    assert not report.errors, [d.text() for d in report.errors]
    site = render_site(p)
    journeys = site.nav[1]["Journeys"]
    assert journeys == [
        "journeys/index.md",
        {"My life": ["journeys/life/index.md", "journeys/buy/index.md", "journeys/use/index.md"]},
    ]
    home = site.pages["index.md"].content
    assert "### My life" in home
    assert "1. [I buy a thing](journeys/buy/index.md) → [I use it](journeys/use/index.md)" in home


def test_backlog_ranks_by_documented_score(portfolio):
    extra = """\
opportunities:
  b-tie: {title: B, impact: 2, effort: 1, reach: 3}
  a-tie: {title: A, impact: 3, effort: 1, reach: 2}
  low: {title: Low, impact: 1, effort: 5, reach: 1}
"""
    root = portfolio({"more.yaml": extra})
    p, _ = check(root)
    assert score(p.opportunities["faster"]) == 6.0
    backlog = render_site(p).pages["backlog.md"].content
    assert "impact × reach ÷ effort" in backlog
    order = [backlog.index(f'"#opportunity-{i}"') for i in ("a-tie", "b-tie", "faster", "low")]
    assert order == sorted(order)


def test_where_an_entry_is_used_is_a_paragraph_of_its_own():
    """`Steps:` and `Opportunities:` on the insights page (`Addresses:` and `Changes:` on the solutions page)
    are separate paragraphs, not run into one line."""
    site = render_site(check(ROOT / "journeys")[0])
    insights, solutions = site.pages["insights.md"].content, site.pages["solutions.md"].content
    # on the insights page, finished HTML the page's Markdown passes through: a <p> each
    assert re.search(
        r"\n<p>Steps: [^\n]+</p>\n<!-- /journeys:html -->\n\n<!-- journeys:html -->\n<p>Opportunities: ", insights
    )
    assert re.search(r"\nAddresses: [^\n]+\n\nChanges: ", solutions)


def test_url_of():
    assert url_of("index.md") == ""
    assert url_of("journeys/x/index.md") == "journeys/x/"
    assert url_of("personas/pat.md") == "personas/pat/"


def test_generate_writes_only_changed_files_and_deletes_stale_ones(tmp_path):
    shutil.copytree(GOLDEN / "buy" / "input", tmp_path / "journeys")
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.md").write_text("not generated\n", encoding="utf-8")
    first = run_cli("generate", "out", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    total = int(first.stdout.split("✓ generated ")[1].split()[0])
    assert f"{total} written, 0 unchanged, 0 deleted" in first.stdout
    page = out / "journeys" / "buy" / "index.md"
    assert page.read_text(encoding="utf-8").startswith('---\ntitle: "I buy a thing"\nhide:\n  - toc\n')
    assert (out / "api" / "portfolio.json").is_file()
    stamp = (out / "personas" / "pat.md").stat().st_mtime_ns
    second = run_cli("generate", "out", cwd=tmp_path)
    assert f"0 written, {total} unchanged, 0 deleted" in second.stdout
    # rename a channel's id: its page goes, the pages that link to it change, the rest is untouched
    for f in ("catalogue.yaml", "maps/buy.yaml"):
        path = tmp_path / "journeys" / f
        path.write_text(path.read_text(encoding="utf-8").replace("phone", "telephone"), encoding="utf-8")
    third = run_cli("generate", "out", cwd=tmp_path)
    assert third.returncode == 0, third.stdout
    assert not (out / "channels" / "phone.md").exists() and (out / "channels" / "telephone.md").is_file()
    assert ", 1 deleted" in third.stdout and " 0 written" not in third.stdout
    assert (out / "personas" / "pat.md").stat().st_mtime_ns == stamp
    assert (out / "mine.md").read_text(encoding="utf-8") == "not generated\n"


def test_generate_stops_on_an_invalid_portfolio(tmp_path, portfolio):
    portfolio({"maps/buy.yaml": "title: x\n"})
    result = run_cli("generate", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert "journeys/maps/buy.yaml:1:1: error: missing required key 'description'" in result.stdout
    assert not (tmp_path / "out").exists()
