"""Page fragments: health badges with symbol and word, the journey section's charts and tables, the
needs-attention ranking, and escaping of portfolio text."""

from __future__ import annotations

import re

from conftest import EXAMPLE
from generator.check import check
from generator.health import Health, Trend
from generator.metric_views import badge, compute

from test_metric_data import AGG, JOURNEY_M, files


def href(kind: str, ident: str) -> str:
    return f"../{kind}/{ident}/"


def test_badge_has_symbol_word_and_trend():
    assert badge(Health.at_risk, Trend.worse, trend_year=Trend.better) == (
        '<span class="journeys-health journeys-health--at-risk" title="Health: At risk"><span aria-hidden="true">▲'
        '</span>At risk</span> <span class="journeys-trend" title="worse than the previous period, better than a '
        'year before"><span aria-hidden="true">↓</span> worse</span>')
    assert "trend" not in badge(Health.no_data, Trend.unknown)


def test_example_journey_section_shows_every_chart_with_alt_and_data():
    p, _ = check(EXAMPLE)
    view = compute(p)
    section = view.journey_section("make-a-claim", lambda c: f"/charts/{c.filename}")
    charts = view.charts["make-a-claim"]
    assert {c.kind for c in charts} == {"trend", "emotion", "multiples", "importance", "opportunities"}
    assert section.count("<img ") == len(charts) == section.count("<details")
    for c in charts:
        assert f'src="/charts/{c.filename}"' in section
    assert "Journey health: <span class=\"journeys-health" in section
    assert "\n\n\n" not in section


def test_every_live_example_journey_with_data_has_a_health_and_charts():
    p, _ = check(EXAMPLE)
    view = compute(p)
    for jid, journey in p.journeys.items():
        if journey.lifecycle.value == "live":
            assert view.health.journeys[jid].health is not Health.no_data, jid
            assert any(c.kind == "trend" for c in view.charts[jid]), jid


def test_attention_page_ranks_by_distance_and_escapes(portfolio, tmp_path):
    rows = "2025-01-01,wait,buy,,7,\n2025-01-01,csat,buy,ask,60,\n2025-01-01,wait,buy,ask,12,\n"
    root = portfolio(files({"data/v.csv": AGG + rows,
                            "maps/buy.yaml": JOURNEY_M.replace("title: I buy a thing", "title: I buy <b>things</b>")}))
    p, report = check(root, base=tmp_path)
    assert report.sorted() == []
    page = compute(p).attention_page(href)
    distances = [float(x) for x in re.findall(r"</span></td><td>([0-9.]+)</td>", page)]
    assert distances == [2.0, 1.4, 0.4]  # csat 60 vs 80/70; wait 12 vs 5/10; wait 7 vs 5/10
    assert "I buy &lt;b&gt;things&lt;/b&gt;" in page and "<b>things" not in page
