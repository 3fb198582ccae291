"""The arithmetic of NPS, CSAT and CES on hand-computed cases, periods, and the health rules at their boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from test_metric_data import AGG, METRICS, RAW, files

from generator.load.check import check
from generator.metrics.health import Health, Trend, assess, classify, distance, metric_places, metric_status, roll_up
from generator.metrics.series import Point, Series, build_series, ces, csat, nps, period_label, score, shift
from generator.model.entities import MetricDefinition, MetricKind
from generator.model.ids import DepartmentId, JourneyId, MetricAt, MetricId, PersonaId, StepId
from generator.model.metric_data import SeriesKey, period_start

D = dt.date


# ------------------------------------------------------------------ arithmetic, by hand


def test_nps_hand_computed():
    # 10 answers: promoters 9,10,10 (3), passives 7,8 (2), detractors 0,3,6,6,5 (5): 30% - 50% = -20
    assert score(MetricKind.nps, [9, 10, 10, 7, 8, 0, 3, 6, 6, 5]) == -20.0
    # 6 is a detractor, 7 is not; 9 is a promoter, 8 is not: 1 promoter, 1 detractor of 4 -> 0
    assert score(MetricKind.nps, [6, 7, 8, 9]) == 0.0
    assert score(MetricKind.nps, [10] * 3) == 100.0
    assert score(MetricKind.nps, [0] * 3) == -100.0
    # 2 promoters of 3 and no detractor: 66.666...
    assert score(MetricKind.nps, [9, 9, 8]) == pytest.approx(200 / 3)
    assert nps([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) == 0.0


def test_csat_hand_computed():
    # satisfied = 4 or 5: three of five -> 60 %
    assert score(MetricKind.csat, [1, 3, 4, 5, 5]) == 60.0
    assert score(MetricKind.csat, [3, 3]) == 0.0
    assert csat([0, 0, 0, 0, 1, 3]) == 100.0


def test_ces_hand_computed():
    # the mean score: (1 + 2 + 2 + 7) / 4 = 3.0
    assert score(MetricKind.ces, [1, 2, 2, 7]) == 3.0
    assert ces([0, 1, 0, 0, 0, 0, 0, 1]) == 4.0


def test_no_responses_is_an_error_not_zero():
    with pytest.raises(ValueError):
        nps([0] * 11)


def test_periods():
    assert period_start(D(2025, 5, 31), "quarter") == D(2025, 4, 1)
    assert period_start(D(2025, 12, 31), "month") == D(2025, 12, 1)
    assert shift(D(2025, 1, 1), "month", -1) == D(2024, 12, 1)
    assert shift(D(2025, 10, 1), "quarter", 1) == D(2026, 1, 1)
    assert period_label(D(2025, 10, 1), "quarter") == "2025-Q4"
    assert period_label(D(2025, 3, 1), "month") == "2025-03"


def test_series_from_raw_rows_with_min_responses(portfolio, tmp_path):
    catalogue = METRICS.replace("  name: Tiny Co\n", "  name: Tiny Co\n  min_responses: 3\n")
    rows = (
        "2025-01-03,nps,buy,,10\n2025-01-09,nps,buy,,9\n2025-01-20,nps,buy,,2\n2025-01-31,nps,buy,,8\n"
        "2025-02-01,nps,buy,,10\n2025-02-28,nps,buy,,10\n"  # two answers only: too few
        "2025-03-01,nps,buy,,5\n2025-03-02,nps,buy,,6\n2025-03-03,nps,buy,,9\n"
    )
    root = portfolio({**files({"data/s.csv": RAW + rows}), "catalogue.yaml": catalogue})
    p, report = check(root, base=tmp_path)
    assert report.sorted() == []
    s = build_series(p, p.metric_data)[SeriesKey("nps", "buy")]
    # Jan: 2 promoters, 1 detractor of 4 -> 25; Feb: too few; Mar: 1 promoter, 2 detractors of 3 -> -33.3
    assert s.points[0] == Point(D(2025, 1, 1), 25.0, 4)
    assert s.points[1] == Point(D(2025, 2, 1), None, 2)
    assert s.points[1].too_few
    assert s.points[2].value == pytest.approx(-100 / 3) and s.points[2].responses == 3
    assert s.latest().period == D(2025, 3, 1)


def test_quarters_and_aggregated_means_and_count_sums(portfolio, tmp_path):
    catalogue = METRICS.replace("  name: Tiny Co\n", "  name: Tiny Co\n  period: quarter\n").replace(
        "  wait:\n    name: Wait\n    kind: duration", "  wait:\n    name: Wait\n    kind: count"
    )
    rows = (
        "2025-01-15,wait,buy,,4,\n2025-02-15,wait,buy,,6,\n2025-04-01,wait,buy,,1,\n"
        "2025-01-15,csat,buy,,70,\n2025-03-15,csat,buy,,80,\n"
    )
    root = portfolio({**files({"data/v.csv": AGG + rows}), "catalogue.yaml": catalogue})
    p, report = check(root, base=tmp_path)
    assert report.sorted() == []
    series = build_series(p, p.metric_data)
    assert series[SeriesKey("wait", "buy")].points == (Point(D(2025, 1, 1), 10.0), Point(D(2025, 4, 1), 1.0))
    assert series[SeriesKey("csat", "buy")].points == (Point(D(2025, 1, 1), 75.0),)


# ------------------------------------------------------------------ health at its boundaries

HIGHER = MetricDefinition(name="NPS", kind="nps", target=30, warning=10)
LOWER = MetricDefinition(name="Wait", kind="duration", direction="lower-is-better", target=5, warning=10)
FLAT = MetricDefinition(name="Rate", kind="rate", target=50, warning=50)


@pytest.mark.parametrize(
    "value,expected",
    [
        (31, Health.on_target),
        (30, Health.on_target),  # exactly at target: on target
        (29.999, Health.at_risk),
        (10, Health.at_risk),  # just below target; exactly at warning: at risk
        (9.999, Health.off_target),
        (-100, Health.off_target),  # just below warning: off target
        (None, Health.no_data),
    ],
)
def test_higher_is_better_boundaries(value, expected):
    assert classify(value, HIGHER) is expected


@pytest.mark.parametrize(
    "value,expected",
    [
        (4, Health.on_target),
        (5, Health.on_target),
        (5.001, Health.at_risk),
        (10, Health.at_risk),
        (10.001, Health.off_target),
    ],
)
def test_lower_is_better_boundaries(value, expected):
    assert classify(value, LOWER) is expected


def test_warning_equal_to_target_has_no_at_risk_band():
    assert classify(50, FLAT) is Health.on_target
    assert classify(49.999, FLAT) is Health.off_target
    assert distance(48, FLAT) == 2.0  # a band of one unit


def test_distance_is_in_warning_bands():
    assert distance(30, HIGHER) == 0.0
    assert distance(10, HIGHER) == 1.0
    assert distance(-10, HIGHER) == 2.0
    assert distance(50, HIGHER) == -1.0
    assert distance(10, LOWER) == 1.0
    assert distance(2.5, LOWER) == -0.5


_KEY = SeriesKey("nps", "j")


def _status(points, definition=HIGHER, key=_KEY):
    s = Series(key, definition.kind, "aggregated", tuple(Point(p, v) for p, v in points))
    return metric_status(s, definition, "month")


def test_metric_status_latest_previous_and_year_ago():
    st = _status([(D(2024, 3, 1), 0), (D(2025, 2, 1), 20), (D(2025, 3, 1), 25), (D(2025, 4, 1), None)])
    assert (st.period, st.value, st.health) == (D(2025, 3, 1), 25, Health.at_risk)
    assert (st.previous, st.year_ago) == (20, 0)
    assert st.trend is Trend.better and st.trend_year is Trend.better
    assert st.distance == 0.25


def test_trend_steady_within_a_twentieth_of_a_band():
    # a band is 20 points: 1 point is 0.05 bands, not more than the steady threshold
    assert _status([(D(2025, 1, 1), 20), (D(2025, 2, 1), 19)]).trend is Trend.steady
    assert _status([(D(2025, 1, 1), 20), (D(2025, 2, 1), 18.9)]).trend is Trend.worse
    assert _status([(D(2025, 2, 1), 19)]).trend is Trend.unknown


def test_roll_up_is_worst_of_and_ignores_no_data():
    on = _status([(D(2025, 1, 1), 40)], key=SeriesKey("a", "j"))
    risk = _status([(D(2025, 1, 1), 20)], key=SeriesKey("b", "j"))
    off = _status([(D(2025, 1, 1), 0)], key=SeriesKey("c", "j"))
    empty = _status([], key=SeriesKey("d", "j"))
    assert roll_up([on, risk], "month").health is Health.at_risk
    assert roll_up([on, risk, off], "month").health is Health.off_target
    assert roll_up([on, empty], "month").health is Health.on_target
    assert roll_up([empty], "month").health is Health.no_data
    assert roll_up([], "month").health is Health.no_data
    assert roll_up([on, risk, off], "month").worst is off


def test_group_trend_follows_the_worst_distance():
    # a: 40 -> 40 (steady, on target); b: 0 -> 20 (better): the worst distance goes 1.5 -> 0.5
    a = _status([(D(2025, 1, 1), 40), (D(2025, 2, 1), 40)], key=SeriesKey("a", "j"))
    b = _status([(D(2025, 1, 1), 0), (D(2025, 2, 1), 20)], key=SeriesKey("b", "j"))
    group = roll_up([a, b], "month")
    assert group.period == D(2025, 2, 1)
    assert group.trend is Trend.better
    assert group.trend_year is Trend.unknown


def test_assess_rolls_up_steps_journeys_departments_and_personas(portfolio, tmp_path):
    rows = (
        "2025-01-01,wait,buy,,4,\n"  # journey-level wait: on target (lower is better, target 5)
        "2025-01-01,csat,buy,ask,72,\n"  # step 'ask' (owner support) csat: at risk
        "2025-01-01,wait,buy,ask,12,\n"  # step 'ask' wait: off target
        "2025-01-01,wait,buy,,3,online\n"
    )  # a segment: not rolled up
    root = portfolio(files({"data/v.csv": AGG + rows}))
    p, report = check(root, base=tmp_path)
    assert report.sorted() == []
    index = assess(p, build_series(p, p.metric_data))
    assert index.steps[StepId(JourneyId("buy"), "ask")].health is Health.off_target
    assert index.steps[StepId(JourneyId("buy"), "browse")].health is Health.no_data
    assert index.journeys[JourneyId("buy")].health is Health.off_target
    assert index.departments[DepartmentId("support")].health is Health.off_target  # owns step 'ask'
    assert index.departments[DepartmentId("sales")].health is Health.on_target  # owns the journey's own metric
    assert index.personas[PersonaId("pat")].health is Health.off_target
    assert all(type(k) is StepId for k in index.steps)  # never a string or tuple key
    attention = [(m.key.metric, m.key.step, m.distance) for m in index.attention()]
    assert attention == [("wait", "ask", 1.4), ("csat", "ask", 0.8)]
    assert SeriesKey("wait", "buy", "", "online") not in index.metrics
    # each metric rolled up where it is measured: across the portfolio and in the journey (whole + steps)
    places = metric_places(index)
    assert {place: group.health for place, group in places.items()} == {
        MetricAt(MetricId("csat")): Health.at_risk,
        MetricAt(MetricId("wait")): Health.off_target,  # worst of the journey's 4 (on target) and the step's 12
        MetricAt(MetricId("csat"), JourneyId("buy")): Health.at_risk,
        MetricAt(MetricId("wait"), JourneyId("buy")): Health.off_target,
    }
