"""Property tests: any CSV text is read or reported with a position, never raises; the formulas stay in range
and agree with their definitions."""

from __future__ import annotations

from conftest import write_portfolio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_metric_data import JOURNEY_M, METRICS

from generator.load.check import check
from generator.metrics.series import ces, csat, nps, score
from generator.model.entities import MetricKind

fields = st.sampled_from(
    [
        "2025-01-01",
        "2025-02-30",
        "nps",
        "csat",
        "effort",
        "wait",
        "buy",
        "ask",
        "",
        "7",
        "-3",
        "1e999",
        "nan",
        '"',
        '"a,b"',
        "x\ny",
        "\ufeff",
        " 9 ",
        "10",
        "0",
    ]
)
rows = st.lists(st.lists(fields, min_size=0, max_size=7).map(",".join), max_size=8).map("\n".join)
headers = st.sampled_from(
    ["date,metric,journey,step,value,segment", "date,metric,journey,step,score", "value,score", "date,metric", ""]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=headers, body=rows | st.text(max_size=200))
def test_any_csv_is_read_or_reported_never_raises(tmp_path_factory, header, body):
    root = write_portfolio(
        tmp_path_factory.mktemp("p") / "journeys",
        {"catalogue.yaml": METRICS, "maps/buy.yaml": JOURNEY_M, "data/x.csv": header + "\n" + body},
    )
    _, report = check(root)
    text = (root / "data" / "x.csv").read_text(encoding="utf-8")
    last = text.count("\n") + text.count("\r") + 1
    for d in report.items:
        assert d.file.endswith("data/x.csv"), d
        assert 1 <= d.line <= last and d.col >= 1 and d.message and "\n" not in d.text(), d


@given(st.lists(st.integers(0, 10), min_size=1, max_size=200))
def test_nps_in_range_and_by_definition(scores):
    value = score(MetricKind.nps, scores)
    assert -100 <= value <= 100
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    assert (
        value * len(scores) == (promoters - detractors) * 100
        or abs(value - 100 * (promoters - detractors) / len(scores)) < 1e-9
    )


@given(st.lists(st.integers(1, 5), min_size=1, max_size=200))
def test_csat_in_range(scores):
    assert 0 <= score(MetricKind.csat, scores) <= 100
    assert abs(score(MetricKind.csat, scores) - 100 * sum(s >= 4 for s in scores) / len(scores)) < 1e-9


@given(st.lists(st.integers(1, 7), min_size=1, max_size=200))
def test_ces_is_the_mean(scores):
    assert abs(score(MetricKind.ces, scores) - sum(scores) / len(scores)) < 1e-9
    assert 1 <= score(MetricKind.ces, scores) <= 7


def test_formulas_on_histograms_match_lists():
    assert nps([0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1]) == score(MetricKind.nps, [6, 7, 9, 10])
    assert csat([0, 1, 0, 1, 1, 1]) == score(MetricKind.csat, [1, 3, 4, 5])
    assert ces([0, 2, 0, 0, 0, 0, 0, 2]) == score(MetricKind.ces, [1, 1, 7, 7])
