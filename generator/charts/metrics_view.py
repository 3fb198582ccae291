"""The metrics pipeline run once for a portfolio: series -> health -> chart specs, MkDocs-free.

`compute(portfolio)` returns a `MetricsView`; `site/metrics_extras.py` turns it into the site's extras
(badges, tables and chart assets for the page templates) and `journeys diff` compares two of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.charts.journey_charts import (
    comparison_chart,
    journey_charts,
    journey_statuses,
    portfolio_opportunity_chart,
)
from generator.charts.specs import Chart
from generator.metrics.health import HealthIndex, HealthMemo, assess
from generator.metrics.series import Series, SeriesMemo, build_series
from generator.model.metric_data import MetricData, SeriesKey
from generator.model.portfolio import Portfolio


@dataclass
class MetricsView:
    portfolio: Portfolio
    data: MetricData
    series: dict[SeriesKey, Series]
    health: HealthIndex
    charts: dict[str, list[Chart]] = field(default_factory=dict)  # journey id -> charts, "" -> portfolio-wide

    # ------------------------------------------------------------------ all charts, for the cache
    def all_charts(self) -> list[Chart]:
        return [c for charts in self.charts.values() for c in charts]


@dataclass
class ViewMemo:
    """What `compute` made at the last save, kept by the live preview (`pipeline.Session`): the series of the
    same data reading, the statuses of the same series (`HealthMemo`), and each journey's charts when the
    journey, its statuses, the series and the catalogue the charts show are the same as then."""

    series: SeriesMemo = field(default_factory=SeriesMemo)
    health: HealthMemo = field(default_factory=HealthMemo)
    # journey id -> (what its charts were made of, the charts), made with `shared` and `shared_series`
    charts: dict[str, tuple[tuple, list[Chart]]] = field(default_factory=dict)
    shared: tuple = ()
    shared_series: object = None


def compute(portfolio: Portfolio, data: MetricData | None = None, *, memo: ViewMemo | None = None) -> MetricsView:
    """Series, health and chart specs of a checked portfolio (`check()` sets `portfolio.metric_data`); with
    `memo` (the live preview), what the last call made from the same inputs is not made again."""
    data = (
        data or portfolio.metric_data or MetricData(portfolio.organisation.period, portfolio.organisation.min_responses)
    )
    series = memo.series.series_of(portfolio, data) if memo is not None else build_series(portfolio, data)
    health = assess(portfolio, series, memo.health if memo is not None else None)
    view = MetricsView(portfolio, data, series, health)
    if memo is None:
        for jid in sorted(portfolio.journeys):
            view.charts[jid] = journey_charts(portfolio, health, jid, series)
    else:
        # what every journey's charts show besides the journey and its statuses: when any of it changed, every
        # journey's charts are made again (the series by identity: comparing them would cost more than that)
        shared = (portfolio.organisation, tuple(portfolio.metrics.items()), tuple(portfolio.opportunities.items()))
        if memo.shared != shared or memo.shared_series is not series:
            memo.charts = {}
        memo.shared, memo.shared_series = shared, series
        by_journey = journey_statuses(health)
        kept: dict[str, tuple[tuple, list[Chart]]] = {}
        for jid in sorted(portfolio.journeys):
            inputs = (portfolio.journeys[jid], by_journey.get(jid, []))
            found = memo.charts.get(jid)
            if found is None or found[0] != inputs:  # statuses compare by identity: the same objects, reused
                found = (inputs, journey_charts(portfolio, health, jid, series))
            kept[jid] = found
            view.charts[jid] = found[1]
        memo.charts = kept
    for jid in sorted(portfolio.journeys):  # each as-is/to-be pair: its comparison page's chart
        to_be = portfolio.journeys[jid]
        as_is = portfolio.journeys.get(to_be.replaces or "")
        # `as_is` is found only when `replaces` names a journey: testing `replaces` too only narrows its type
        chart = (
            comparison_chart(to_be.replaces, as_is, jid, to_be)
            if as_is and to_be.replaces and to_be.replaces != jid
            else None
        )
        if chart is not None:
            view.charts[f"compare:{jid}"] = [chart]
    overall = portfolio_opportunity_chart(portfolio)
    view.charts[""] = [overall] if overall is not None else []
    return view
