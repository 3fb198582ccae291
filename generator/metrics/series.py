"""Metric arithmetic: survey scores into NPS, CSAT and CES per period, and every data row into time series.

Pure functions over `metric_data.MetricData`; nothing here reads files. The formulas (docs/metrics.md):

- NPS = % of promoters (9-10) minus % of detractors (0-6), from -100 to 100;
- CSAT = % of satisfied answers (4-5 on a 1-5 scale), from 0 to 100;
- CES = mean effort score on a 1-7 scale;

each with its response count. A period with fewer responses than `organisation.min_responses` is a point
without a value ("too few responses"), never a number that looks like data. Aggregated values are grouped
into the same periods: the mean of the period's values, or their sum for `count` metrics.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from generator.model.entities import MetricKind
from generator.model.metric_data import MetricData, SeriesKey, period_start
from generator.model.portfolio import Portfolio


@dataclass(frozen=True)
class Point:
    """One period of a series. `value` is None when the period had too few survey responses."""

    period: _dt.date  # first day of the month or quarter
    value: float | None
    responses: int | None = None  # survey series only

    @property
    def too_few(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Series:
    key: SeriesKey
    kind: MetricKind
    source: str  # "survey" or "aggregated"
    points: tuple[Point, ...]

    def latest(self) -> Point | None:
        """The last period that has a value (periods with too few responses are skipped)."""
        for point in reversed(self.points):
            if point.value is not None:
                return point
        return None

    def at(self, period: _dt.date) -> float | None:
        for point in self.points:
            if point.period == period:
                return point.value
        return None


# ------------------------------------------------------------------ the formulas


def _counts(scores: Sequence[int], top: int) -> list[int]:
    counts = [0] * (top + 1)
    for score in scores:
        counts[score] += 1
    return counts


def nps(counts: Sequence[int]) -> float:
    """NPS from counts of each score 0..10: % promoters (9-10) minus % detractors (0-6)."""
    total = sum(counts)
    if total == 0:
        raise ValueError("no responses")
    promoters = sum(counts[9:11])
    detractors = sum(counts[0:7])
    return 100.0 * (promoters - detractors) / total


def csat(counts: Sequence[int]) -> float:
    """CSAT from counts of each score (index = score, 1..5): % of answers 4 or 5."""
    total = sum(counts)
    if total == 0:
        raise ValueError("no responses")
    return 100.0 * sum(counts[4:6]) / total


def ces(counts: Sequence[int]) -> float:
    """CES from counts of each score (index = score, 1..7): the mean score."""
    total = sum(counts)
    if total == 0:
        raise ValueError("no responses")
    return sum(score * n for score, n in enumerate(counts)) / total


FORMULAS = {MetricKind.nps: (nps, 10), MetricKind.csat: (csat, 5), MetricKind.ces: (ces, 7)}


def score(kind: MetricKind, scores: Sequence[int]) -> float:
    """The metric of a list of raw scores, e.g. `score(MetricKind.nps, [10, 9, 3])`."""
    formula, top = FORMULAS[kind]
    return formula(_counts(scores, top))


# ------------------------------------------------------------------ periods


def shift(period: _dt.date, size: str, n: int) -> _dt.date:
    """The period `n` periods after (or before, n < 0) `period`."""
    months = n * (3 if size == "quarter" else 1)
    index = period.year * 12 + period.month - 1 + months
    return _dt.date(index // 12, index % 12 + 1, 1)


def year_before(period: _dt.date) -> _dt.date:
    return _dt.date(period.year - 1, period.month, 1)


@functools.lru_cache(maxsize=4096)  # a few hundred distinct periods, labelled for every point of every chart
def period_label(period: _dt.date, size: str) -> str:
    """`2025-03` for a month, `2025-Q1` for a quarter."""
    if size == "quarter":
        return f"{period.year}-Q{(period.month - 1) // 3 + 1}"
    return f"{period.year}-{period.month:02d}"


# ------------------------------------------------------------------ series


@dataclass
class SeriesMemo:
    """The series of the last data read, kept by the live preview between saves: a reading reused whole
    (`load.metric_data.DataMemo`, the same object) against the same metric kinds gives the same series."""

    data: MetricData | None = None
    kinds: dict[str, MetricKind] | None = None
    series: dict[SeriesKey, Series] | None = None

    def series_of(self, portfolio: Portfolio, data: MetricData) -> dict[SeriesKey, Series]:
        kinds = {mid: m.kind for mid, m in portfolio.metrics.items()}
        if self.series is None or self.data is not data or self.kinds != kinds:
            self.data, self.kinds, self.series = data, kinds, build_series(portfolio, data)
        return self.series


def build_series(portfolio: Portfolio, data: MetricData) -> dict[SeriesKey, Series]:
    """Every series of the data, by key, points in period order."""
    out: dict[SeriesKey, Series] = {}
    starts: dict[_dt.date, _dt.date] = {}  # each date's period: the same few hundred dates in every series
    for key, by_period in data.responses.items():
        kind = portfolio.metrics[key.metric].kind
        formula, _ = FORMULAS[kind]
        points = []
        for period in sorted(by_period):
            counts = by_period[period]
            n = sum(counts)
            value = formula(counts) if n >= data.min_responses else None
            points.append(Point(period, value, n))
        out[key] = Series(key, kind, "survey", tuple(points))
    for key, by_date in data.values.items():
        kind = portfolio.metrics[key.metric].kind
        grouped: dict[_dt.date, list[float]] = {}
        for day in sorted(by_date):
            start = starts.get(day)
            if start is None:
                start = starts[day] = period_start(day, data.period)
            grouped.setdefault(start, []).append(by_date[day])
        points = []
        for period in sorted(grouped):
            values = grouped[period]
            value = sum(values) if kind is MetricKind.count else sum(values) / len(values)
            points.append(Point(period, value))
        out[key] = Series(key, kind, "aggregated", tuple(points))
    return dict(sorted(out.items()))
