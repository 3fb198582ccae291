"""Metric data as the rest of the generator sees it: series keys, the valid rows of every data file, and
the rules that say what a value of each metric kind can be.

Data only: reading and checking the CSV files is `generator/load/metric_data.py`; the arithmetic over
these rows is `generator/metrics/series.py`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from generator.model.entities import MetricKind

# The dates metric data may carry: anything outside is a typo or a placeholder, never a measurement.
FIRST_DATE = _dt.date(1900, 1, 1)
LAST_DATE = _dt.date(2100, 12, 31)

# The answer scale of each survey kind: the question's lowest and highest score.
SCALES: dict[MetricKind, tuple[int, int]] = {MetricKind.nps: (0, 10), MetricKind.csat: (1, 5), MetricKind.ces: (1, 7)}
# The range an aggregated value of these kinds can take (NPS in points, CSAT in %, CES on its scale).
VALUE_RANGES: dict[MetricKind, tuple[float, float]] = {
    MetricKind.nps: (-100.0, 100.0),
    MetricKind.csat: (0.0, 100.0),
    MetricKind.ces: (1.0, 7.0),
    MetricKind.rate: (0.0, 100.0),
}
NON_NEGATIVE = (MetricKind.count, MetricKind.duration)
_INF = float("inf")


@dataclass(frozen=True, order=True)
class SeriesKey:
    """What one series measures: a metric on a journey, at one step (or the whole journey), for a segment."""

    metric: str
    journey: str
    step: str = ""  # "" for the whole journey
    segment: str = ""  # "" for everyone


@dataclass
class MetricData:
    """Every valid row of every data file, ready for `metrics.build_series`."""

    period: str = "month"
    min_responses: int = 30
    # aggregated values: key -> date -> value (one value a date: a second one is a duplicate row)
    values: dict[SeriesKey, dict[_dt.date, float]] = field(default_factory=dict)
    # survey responses: key -> first day of the period -> count of each score (index = score)
    responses: dict[SeriesKey, dict[_dt.date, list[int]]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    rows: int = 0


def period_start(day: _dt.date, period: str) -> _dt.date:
    """The first day of the month or quarter that `day` falls in."""
    if period == "quarter":
        return _dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return _dt.date(day.year, day.month, 1)


def value_limits(kind: MetricKind) -> tuple[float, float]:
    """The values an aggregated row of this kind may take without an error."""
    if kind in VALUE_RANGES:
        return VALUE_RANGES[kind]
    return (0.0, _INF) if kind in NON_NEGATIVE else (-_INF, _INF)
