"""The metrics pipeline on a whole portfolio: every live journey gets health and charts, and the
needs-attention ranking orders by distance from target."""

from __future__ import annotations

from conftest import EXAMPLE
from test_metric_data import AGG, JOURNEY_M, files

from generator.charts.metrics_view import compute
from generator.load.check import check
from generator.metrics.health import Health


def test_every_live_example_journey_with_data_has_a_health_and_charts():
    p, _ = check(EXAMPLE)
    view = compute(p)
    for jid, journey in p.journeys.items():
        if journey.lifecycle.value == "live":
            assert view.health.journeys[jid].health is not Health.no_data, jid
            assert any(c.kind == "trend" for c in view.charts[jid]), jid


def test_attention_ranks_by_distance_from_target(portfolio, tmp_path):
    rows = "2025-01-01,wait,buy,,7,\n2025-01-01,csat,buy,ask,60,\n2025-01-01,wait,buy,ask,12,\n"
    root = portfolio(
        files(
            {
                "data/v.csv": AGG + rows,
                "maps/buy.yaml": JOURNEY_M.replace("title: I buy a thing", "title: I buy <b>things</b>"),
            }
        )
    )
    p, report = check(root, base=tmp_path)
    assert report.sorted() == []
    ranked = compute(p).health.attention()
    assert [(m.key.metric, m.key.step, round(m.distance, 1)) for m in ranked] == [
        ("csat", "ask", 2.0),
        ("wait", "ask", 1.4),
        ("wait", "", 0.4),  # 60 vs 80/70; 12 vs 5/10; 7 vs 5/10
    ]
